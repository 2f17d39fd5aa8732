"""Seed countries, regions, platforms and agencies after every migration, idempotently.

Runs on post_migrate, like Django's own permissions, so a new node, a test database and a database
flushed between browser tests all hold the same reference data. Existing rows are never overwritten:
an administrator's edits win.
"""

import gettext
from functools import cache
from pathlib import Path

import pycountry
import yaml

DATA = Path(__file__).parent / "data"


@cache
def network() -> dict:
    return yaml.safe_load((DATA / "network.yml").read_text(encoding="utf-8"))


def _translator(domain: str, language: str):
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


def _country_rows():
    french, arabic = _translator("iso3166-1", "fr"), _translator("iso3166-1", "ar")
    for country in pycountry.countries:
        english = getattr(country, "common_name", None) or country.name
        yield {
            "code": country.alpha_2,
            "alpha3": country.alpha_3,
            "name_en": english,
            "name_fr": french.gettext(country.name),
            "name_ar": arabic.gettext(country.name),
        }


def _region_rows(member_states: list[str]):
    french = _translator("iso3166-2", "fr")
    arabic = yaml.safe_load((DATA / "regions_ar.yml").read_text(encoding="utf-8"))
    for code in member_states:
        for region in pycountry.subdivisions.get(country_code=code) or []:
            if region.parent_code is not None:
                continue
            yield {
                "code": region.code,
                "country_id": code,
                "category": region.type,
                "name_en": region.name,
                "name_fr": french.gettext(region.name),
                "name_ar": arabic.get(region.code, ""),
            }


def load_reference_data(sender=None, **kwargs) -> None:
    from pcms.reference.models import Agency, Country, Platform, Purpose, Region

    using = kwargs.get("using", "default")
    _create_missing(Country, "code", _country_rows(), using)
    config = network()
    _create_missing(Region, "code", _region_rows(config["member_states"]), using)
    platforms = (
        {
            "code": item["code"],
            "country_id": item["country"],
            "is_regional": item.get("regional", False),
            "city": item.get("city", ""),
            **{f"name_{lang}": text for lang, text in item["name"].items()},
        }
        for item in config["platforms"]
    )
    _create_missing(Platform, "code", platforms, using)
    agencies = (
        {
            "code": f"{country.lower()}-{item['kind'].replace('_', '-')}",
            "country_id": country,
            "kind": item["kind"],
            "abbreviation": item["abbreviation"],
            **{f"name_{lang}": text for lang, text in item["name"].items()},
        }
        for country in config["member_states"]
        for item in config["agencies"]
    )
    _create_missing(Agency, "code", agencies, using)
    purposes = yaml.safe_load((DATA / "purposes.yml").read_text(encoding="utf-8"))
    _create_missing(Purpose, "code", (
        {"code": item["code"], "legal_basis": item.get("legal_basis", ""),
         **{f"name_{lang}": text for lang, text in item["name"].items()}}
        for item in purposes), using)


def _create_missing(model, key: str, rows, using: str) -> None:
    rows = list(rows)
    existing = set(model.objects.using(using).values_list(key, flat=True))
    missing = [model(**row) for row in rows if row[key] not in existing]
    if missing:
        model.objects.using(using).bulk_create(missing)
