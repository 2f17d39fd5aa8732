"""Labels of schemata and properties in the reader's language.

followthemoney ships French and Arabic labels for its own schemata; the labels of this project's
extensions (firearm, phone, VIN) are in the project's catalogues.
"""

import gettext as gettext_module
from functools import cache
from pathlib import Path

import followthemoney
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

EXTENSION_LABELS = (
    gettext_noop("Firearm"), gettext_noop("Firearms"), gettext_noop("Make"), gettext_noop("Model"),
    gettext_noop("Calibre"), gettext_noop("Serial number"), gettext_noop("Type of firearm"),
    gettext_noop("Other markings"), gettext_noop("Phone"), gettext_noop("Phones"),
    gettext_noop("Number"), gettext_noop("IMEI"), gettext_noop("IMSI"), gettext_noop("Operator"),
    gettext_noop("VIN"),
)


@cache
def _followthemoney(language: str):
    directory = Path(followthemoney.__file__).parent / "translations"
    return gettext_module.translation("followthemoney", str(directory), languages=[language],
                                      fallback=True)


def translate(label: str) -> str:
    if label in EXTENSION_LABELS:
        return _(label)
    return _followthemoney((get_language() or "fr")[:2]).gettext(label)


def schema_label(schema) -> str:
    return translate(schema.label)


def property_label(prop) -> str:
    return translate(prop.label)
