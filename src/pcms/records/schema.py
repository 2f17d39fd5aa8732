"""The entity model: followthemoney's schemata plus this field's extensions (schema/*.yaml).

Values are cleaned by their property type when stored, and what was written is kept beside the
clean value: names stay in their script; phones become E.164; dates may be partial ("1985",
"1985-03") and French day-first dates are read; countries become ISO codes; identifiers lose their
spaces and punctuation. A value that cannot be cleaned is an error naming the property and value,
never a silent loss.
"""

import os
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import followthemoney
import phonenumbers
import yaml
from django.utils.translation import gettext as _
from followthemoney.model import Model
from followthemoney.property import Property
from followthemoney.schema import Schema
from followthemoney.types import registry

EXTENSIONS = Path(__file__).parent / "schema"
MAX_VALUE_LENGTH = 2000
MAX_VALUES = 50

# The schemata officers enter and search; relations come from the same model.
OPERATIONAL_SCHEMATA = (
    "Person", "Organization", "Vehicle", "Firearm", "Phone", "Passport", "Identification",
    "Address", "Event", "Note",
)
RELATION_SCHEMATA = ("Membership", "Associate", "Family", "Ownership", "UnknownLink", "Employment")


class ExtendedModel(Model):
    """followthemoney's model loaded together with the YAML files of our extensions.

    An extension file may define a new schema (Firearm) or add properties to an existing one
    (a VIN on Vehicle): the second is merged into followthemoney's definition before the schema
    is built, so both kinds are data, not code.
    """

    def __init__(self, *paths: str) -> None:
        self.path = paths[0]
        self.schemata = {}
        self.properties = set()
        self.qnames = {}
        configs: dict[str, dict] = {}
        for path in paths:
            for dirpath, _dirs, filenames in os.walk(path):
                for filename in sorted(filenames):
                    if filename.endswith(".yaml"):
                        with open(os.path.join(dirpath, filename), encoding="utf-8") as handle:
                            for name, config in yaml.safe_load(handle).items():
                                _merge(configs.setdefault(name, {}), config)
        for name, config in configs.items():
            self.schemata[name] = Schema(self, name, config)
        self.generate()


def _merge(target: dict, extra: dict) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        elif isinstance(value, list) and isinstance(target.get(key), list):
            target[key] = target[key] + [item for item in value if item not in target[key]]
        else:
            target[key] = value


@cache
def model() -> ExtendedModel:
    base = Path(followthemoney.__file__).parent / "schema"
    return ExtendedModel(str(base), str(EXTENSIONS))


def get_schema(name: str) -> Schema:
    schema = model().get(name)
    if schema is None or schema.abstract:
        raise SchemaError(f"unknown entity type {name!r}")
    return schema


class SchemaError(ValueError):
    pass


@dataclass
class CleanResult:
    properties: dict[str, list[str]] = field(default_factory=dict)
    written: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


_DAY_FIRST = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
_ISO_PARTIAL = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")
_IDENTIFIER_NOISE = re.compile(r"[\s\-./_,:;'\"]+")


def clean_date(text: str) -> str:
    """'1985', '1985-03', '1985-03-07' or '07/03/1985' to an ISO prefix; a wrong date raises."""
    match = _DAY_FIRST.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _ISO_PARTIAL.match(text)
        if not match:
            raise ValueError(_("not a date (expected YYYY, YYYY-MM, YYYY-MM-DD or DD/MM/YYYY)"))
        year, month, day = (int(part) if part else None for part in match.groups())
    if not 1800 <= year <= 2200:
        raise ValueError(_("the year is out of range"))
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        raise ValueError(_("the month does not exist"))
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        date(year, month, day)
    except ValueError:
        raise ValueError(_("this day does not exist in the calendar")) from None
    return f"{year:04d}-{month:02d}-{day:02d}"


def clean_phone(text: str, regions: list[str]) -> str:
    """E.164, trying the number as international, then as dialled in each hinted country."""
    for region in (None, *regions):
        try:
            number = phonenumbers.parse(text, region.upper() if region else None)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise ValueError(_("not a valid phone number (write it with its country code, e.g. +227...)"))


def clean_identifier(text: str) -> str:
    return _IDENTIFIER_NOISE.sub("", text).upper()


def clean_value(prop: Property, text: str, countries: list[str]) -> str:
    """The stored form of one value; raises ValueError with a reason when it has none."""
    kind = prop.type
    if kind == registry.date:
        return clean_date(text)
    if kind == registry.identifier:
        cleaned = clean_identifier(text)
        if not cleaned:
            raise ValueError(_("the identifier is empty once spaces and punctuation are removed"))
        return cleaned
    if kind == registry.phone:
        return clean_phone(text, countries)
    if kind in (registry.country, registry.gender, registry.email, registry.url, registry.number,
                registry.language, registry.topic, registry.ip):
        cleaned = kind.clean_text(text)
        if cleaned is None:
            raise ValueError(_("not a valid value for this field"))
        return cleaned
    if kind == registry.entity:
        return text.strip()
    return " ".join(text.split())


def clean_properties(
    schema: Schema, raw: dict[str, list[str] | str], default_country: str | None = None
) -> CleanResult:
    """Clean every value of an entity; collect one error per property instead of stopping.

    Phone numbers written without a country code are read as dialled in the entity's countries,
    then in `default_country` (the node's own country).
    """
    result = CleanResult()
    countries = [
        str(value).lower() for name in _country_properties(schema) for value in _as_list(raw.get(name))
        if len(str(value)) == 2
    ] + ([default_country.lower()] if default_country else [])
    for name, values in raw.items():
        prop = schema.properties.get(name)
        if prop is None or prop.stub:
            result.errors[name] = _("%(schema)s has no property %(name)s") % {
                "schema": schema.name, "name": repr(name)[:60]}
            continue
        values = [str(value) for value in _as_list(values) if str(value).strip()]
        if len(values) > MAX_VALUES:
            result.errors[name] = _("more than %(count)d values") % {"count": MAX_VALUES}
            continue
        cleaned, written = [], []
        for text in values:
            if len(text) > MAX_VALUE_LENGTH:
                result.errors[name] = _("a value is longer than %(count)d characters") % {
                    "count": MAX_VALUE_LENGTH}
                break
            if "\x00" in text:
                result.errors[name] = _("a value contains a NUL character")
                break
            try:
                value = clean_value(prop, text, countries)
            except ValueError as error:
                result.errors[name] = f"{text[:60]!r}: {error}"
                break
            if value not in cleaned:
                cleaned.append(value)
                written.append(text.strip())
        else:
            if cleaned:
                result.properties[name] = cleaned
                if written != cleaned:
                    result.written[name] = written
    return result


@cache
def _country_properties(schema: Schema) -> tuple[str, ...]:
    """Found once per schema: an import cleans a hundred thousand rows of the same schema."""
    return tuple(name for name, prop in schema.properties.items() if prop.type == registry.country)


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def caption(schema: Schema, properties: dict[str, list[str]]) -> str:
    for name in schema.caption:
        values = properties.get(name)
        if values:
            return values[0][:300]
    return schema.label


def entity_references(schema: Schema, properties: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(property name, entity id) for every property that points at another entity."""
    return [
        (name, value)
        for name, values in properties.items()
        if (prop := schema.properties.get(name)) is not None and prop.type == registry.entity
        for value in values
    ]
