"""From an entity to a prepared record, and from two records to features.

`prepare()` reads a followthemoney-style dict once: it validates the schema,
parses names, dates, countries, sex, identifiers, phones and addresses, and
keeps them in a `Record`. Preparing once and comparing many times is what
makes the index fast.

`compare_features()` then yields, for every feature relevant to the kind of
record, the level it reached (or None when one side has no value) and a
plain-English detail. Which features apply depends on the kind:

* person: name, date of birth, nationality, sex, identifiers, phones,
  address;
* organization: name, registration and other identifiers, country, phones,
  address;
* vehicle: licence plate, VIN (`vinCode`, an extension to the
  followthemoney Vehicle schema), country;
* document (Identification, Passport): document number, country, and for a
  passport the holder's name, date of birth and sex;
* schemata that platforms add to followthemoney (`data/extensions.yaml`):
  a phone by its number, IMEI and IMSI; a firearm by its serial number, with
  make and model as supporting evidence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from followthemoney import model as ftm_model
from followthemoney.schema import Schema
from followthemoney.types import registry

from .addresses import compare_addresses
from .dates import PartialDate, best_date_level, parse_date
from .identifiers import (
    compare_codes,
    compare_phones,
    normalize_code,
    normalize_phone,
    normalize_vin,
)
from .names import ParsedName, compare_names, describe, parse_name
from .normalize import alnum_words, text_values
from .resources import load
from .types import EntityData, InvalidEntity

#: Schemata the matcher reads, and the kind of record each one is.
KINDS: dict[str, str] = {
    "Person": "person",
    "LegalEntity": "organization",
    "Organization": "organization",
    "Company": "organization",
    "PublicBody": "organization",
    "Vehicle": "vehicle",
    "Identification": "document",
    "Passport": "document",
    **{name: str(spec["kind"]) for name, spec in load("extensions").items()},
}
#: The features compared for each kind, in display order.
FEATURES: dict[str, tuple[str, ...]] = {
    "person": (
        "name",
        "birth_date",
        "nationality",
        "gender",
        "identifier",
        "phone",
        "address",
    ),
    "organization": ("name", "identifier", "country", "phone", "address"),
    "vehicle": ("plate", "vin", "country"),
    "document": ("document_number", "country", "name", "birth_date", "gender"),
    **{str(spec["kind"]): tuple(spec["features"]) for spec in load("extensions").values()},
}
#: Extension schemata: feature code -> (properties read, how values compare).
_EXTENSION_FEATURES: dict[str, dict[str, tuple[tuple[str, ...], str]]] = {
    name: {code: (tuple(f["properties"]), str(f["compare"])) for code, f in spec["features"].items()}
    for name, spec in load("extensions").items()
}
#: Name score of the `weak` level: one word of a two-word name agrees, if only
#: as a spelling close to it (0.75 / 2), the other does not.
WEAK_NAME = 0.375
_NAME_PROPS = ("name", "alias", "previousName")
_NAME_PARTS = ("firstName", "secondName", "middleName", "fatherName", "lastName")
_PART_PROPS = (*_NAME_PARTS, "givenName", "surname")
_SPECIAL_CODES = {"registrationNumber", "vinCode", "number", "passportNumber"}
_COUNTRY_PROPS = {
    "person": ("nationality", "citizenship"),
    "organization": ("country", "jurisdiction", "mainCountry"),
    "vehicle": ("country",),
    "document": ("country",),
}


@dataclass(frozen=True, slots=True)
class Record:
    """An entity prepared for comparison."""

    schema: str
    kind: str
    names: tuple[ParsedName, ...]
    birth_dates: tuple[PartialDate, ...]
    #: Date values that could not be read (shown in explanations).
    bad_dates: tuple[str, ...]
    countries: frozenset[str]
    genders: frozenset[str]
    identifiers: frozenset[str]
    phones: frozenset[str]
    addresses: tuple[str, ...]
    plates: frozenset[str]
    vins: frozenset[str]
    document_numbers: frozenset[str]
    #: The values of an extension schema's features (`data/extensions.yaml`), normalised.
    extra: tuple[tuple[str, frozenset[str]], ...] = ()

    def values(self, code: str) -> frozenset[str]:
        """The normalised values of extension feature `code` (empty if none)."""
        return next((v for c, v in self.extra if c == code), frozenset())


@cache
def _schema(name: str) -> Schema | None:
    """followthemoney's schema; None for an extension schema (`data/extensions.yaml`)."""
    schema = None if name in _EXTENSION_FEATURES else ftm_model.get(name)
    if name not in KINDS or (schema is None and name not in _EXTENSION_FEATURES):
        supported = ", ".join(KINDS)
        raise InvalidEntity(f"schema {name!r} cannot be matched (supported: {supported})")
    return schema


@cache
def _identifier_props(name: str) -> tuple[str, ...]:
    schema = _schema(name)
    if schema is None:
        return ()
    return tuple(
        prop
        for prop, spec in schema.properties.items()
        if spec.type == registry.identifier and prop not in _SPECIAL_CODES
    ) + (("registrationNumber",) if KINDS[name] in ("person", "organization") else ())


@cache
def _gender_words() -> dict[str, str]:
    return {str(w): sex for sex, words in load("gender").items() for w in words}


@cache
def _read_props(name: str) -> frozenset[str]:
    """Every property `prepare` reads for schema `name`."""
    extension = [p for props, _ in _EXTENSION_FEATURES.get(name, {}).values() for p in props]
    return frozenset(
        (*_NAME_PROPS, "namesMentioned", *_PART_PROPS, "birthDate", "gender", "phone", "address")
        + tuple(p for props in _COUNTRY_PROPS.values() for p in props)
        + _identifier_props(name)
        + ("registrationNumber", "vinCode", "number", "passportNumber", *extension)
    )


@lru_cache(maxsize=10_000)
def _country_code(value: str) -> str | None:
    return registry.country.clean(value)


@lru_cache(maxsize=10_000)
def _gender(value: str) -> str | None:
    return registry.gender.clean(value) or _gender_words().get(value.lower())


def prepare(entity: EntityData | Record, region: str | None = None) -> Record:
    """Validate and analyse an entity. Raises `InvalidEntity` on malformed input.

    `region` (ISO 3166 alpha-2) is the country assumed for phone numbers
    written without an international prefix.
    """
    if isinstance(entity, Record):
        return entity
    if not isinstance(entity, Mapping):
        raise InvalidEntity(f"an entity must be a mapping, not {type(entity).__name__}")
    schema_name = entity.get("schema")
    if not isinstance(schema_name, str):
        raise InvalidEntity("the entity has no schema")
    _schema(schema_name)
    props = entity.get("properties") or {}
    if not isinstance(props, Mapping):
        raise InvalidEntity("the entity's properties must be a mapping")
    kind = KINDS[schema_name]

    # Each property read is cleaned once; most entities have a few of them.
    read = _read_props(schema_name)
    cleaned = {name: text_values(raw) for name, raw in props.items() if raw and name in read}

    def values(*names: str) -> list[str]:
        found = [cleaned[name] for name in names if name in cleaned]
        if len(found) == 1:
            return list(found[0])
        out: list[str] = []
        for texts in found:
            out.extend(v for v in texts if v not in out)
        return out

    name_kind = "organization" if kind == "organization" else "person"
    raw_names = values(*_NAME_PROPS, "namesMentioned")
    parts = [cleaned[p][0] for p in _PART_PROPS if cleaned.get(p)]
    composed = " ".join(p for p in parts if p)
    if composed and composed not in raw_names:
        raw_names.append(composed)
    names = tuple(p for p in (parse_name(n, name_kind) for n in raw_names[:5]) if p.tokens)

    dates: list[PartialDate] = []
    bad_dates: list[str] = []
    for value in values("birthDate"):
        parsed = parse_date(value)
        if parsed is None:
            bad_dates.append(value)
        elif parsed not in dates:
            dates.append(parsed)

    countries = {_country_code(v) for v in values(*_COUNTRY_PROPS.get(kind, ()))}
    genders = {_gender(v) for v in values("gender")}
    if not genders - {None}:
        genders = {n.gender for n in names}
    ids = {normalize_code(v) for v in values(*_identifier_props(schema_name))}
    if kind == "vehicle":
        plates = {normalize_code(v) for v in values("registrationNumber")}
        vins = {normalize_vin(v) for v in values("vinCode")}
    else:
        plates, vins = set(), set()
    doc_numbers = set()
    if schema_name not in _EXTENSION_FEATURES:  # a Phone's "number" is its line
        doc_numbers = {normalize_code(v) for v in values("number", "passportNumber")}
    extra = tuple(
        (code, frozenset(n for n in (_NORMALIZERS[how](v, region) for v in values(*props_)) if n))
        for code, (props_, how) in _EXTENSION_FEATURES.get(schema_name, {}).items()
    )
    return Record(
        schema=schema_name,
        kind=kind,
        names=names,
        birth_dates=tuple(dates),
        bad_dates=tuple(bad_dates),
        countries=frozenset(countries - {None}),
        genders=frozenset(genders - {None}),
        identifiers=frozenset(ids - {None}),
        phones=frozenset(p for p in (normalize_phone(v, region) for v in values("phone")) if p),
        addresses=tuple(values("address")[:5]),
        plates=frozenset(plates - {None}),
        vins=frozenset(vins - {None}),
        document_numbers=frozenset(doc_numbers - {None}),
        extra=extra,
    )


#: What a feature comparison yields: (feature code, level or None if missing, detail).
FeatureOutcome = tuple[str, str | None, str]


def compatible(a: Record, b: Record) -> bool:
    """Can two records describe the same thing (e.g. Passport and Identification)?"""
    if a.kind == "document" or b.kind == "document":
        return a.kind == b.kind
    sa, sb = _schema(a.schema), _schema(b.schema)
    if sa is None or sb is None:
        return a.kind == b.kind
    return sa.can_match(sb)


def feature_kind(a: Record, b: Record) -> str:
    """The kind whose features are compared for two compatible records."""
    kinds = {a.kind, b.kind}
    return "person" if "person" in kinds else a.kind


def compare_features(a: Record, b: Record) -> Iterator[FeatureOutcome]:
    """Compare every feature of the records' kind."""
    kind = feature_kind(a, b)
    extension = _EXTENSION_FEATURES.get(a.schema, {})
    for code in FEATURES[kind]:
        if code in extension:
            yield _extension_feature(code, extension[code][1], a.values(code), b.values(code))
        else:
            yield _COMPARERS[code](a, b)


def _name(a: Record, b: Record) -> FeatureOutcome:
    left = [n for n in a.names if n.usable]
    right = [n for n in b.names if n.usable]
    if not left or not right:
        if a.names and b.names:
            return "name", None, "a name is too short to compare (initials only)"
        return "name", None, "no usable name on one side"
    best = max((compare_names(x, y) for x in left for y in right), key=lambda c: c.score)
    if best.reversed_lineage:
        level = "reversed"
    elif best.score >= 0.999 and not best.unmatched_a and not best.unmatched_b:
        level = "exact"
    elif best.score >= 0.9:
        level = "strong"
    elif best.score >= 0.75:
        level = "close"
    elif best.score >= WEAK_NAME:
        level = "weak"
    else:
        level = "different"
    detail = describe(best)
    single = min(len(best.a.tokens), len(best.b.tokens)) == 1
    if single and level in ("exact", "strong") and feature_kind(a, b) != "organization":
        level = "close"
        detail += "; a one-word name is weak evidence"
    return "name", level, detail


def _birth_date(a: Record, b: Record) -> FeatureOutcome:
    if not a.birth_dates or not b.birth_dates:
        bad = a.bad_dates + b.bad_dates
        note = f"unreadable date ignored: {', '.join(bad)}" if bad else "no date of birth on one side"
        return "birth_date", None, note
    level, x, y = best_date_level(list(a.birth_dates), list(b.birth_dates))
    text = {
        "exact": "same date",
        "swapped": "day and month swapped",
        "compatible": "one side is less precise and agrees",
        "close": "one typing error apart",
        "different": "different dates",
    }[level]
    return "birth_date", level, f"{x} vs {y}: {text}"


def _set_feature(code: str, a: frozenset[str], b: frozenset[str], what: str) -> FeatureOutcome:
    if not a or not b:
        return code, None, f"no {what} on one side"
    common = sorted(a & b)
    if common:
        return code, "agree", f"both {', '.join(common)}"
    return code, "different", f"{', '.join(sorted(a))} vs {', '.join(sorted(b))}"


def _nationality(a: Record, b: Record) -> FeatureOutcome:
    return _set_feature("nationality", a.countries, b.countries, "nationality")


def _country(a: Record, b: Record) -> FeatureOutcome:
    return _set_feature("country", a.countries, b.countries, "country")


def _gender_feature(a: Record, b: Record) -> FeatureOutcome:
    return _set_feature("gender", a.genders, b.genders, "sex")


def _code_feature(code: str, a: frozenset[str], b: frozenset[str], what: str) -> FeatureOutcome:
    if not a or not b:
        return code, None, f"no {what} on one side"
    level, x, y = compare_codes(a, b)
    text = {"exact": "same", "close": "one character apart", "different": "different"}[level]
    return code, level, f"{x} vs {y}: {text}" if x != y else f"{x}: same"


def _identifier(a: Record, b: Record) -> FeatureOutcome:
    return _code_feature("identifier", a.identifiers, b.identifiers, "identifier")


def _plate(a: Record, b: Record) -> FeatureOutcome:
    return _code_feature("plate", a.plates, b.plates, "licence plate")


def _vin(a: Record, b: Record) -> FeatureOutcome:
    return _code_feature("vin", a.vins, b.vins, "VIN")


def _document_number(a: Record, b: Record) -> FeatureOutcome:
    return _code_feature("document_number", a.document_numbers, b.document_numbers, "number")


def _phone(a: Record, b: Record) -> FeatureOutcome:
    if not a.phones or not b.phones:
        return "phone", None, "no phone number on one side"
    level, x, y = compare_phones(a.phones, b.phones)
    return "phone", level, f"{x} vs {y}" if x != y else f"{x}: same"


def _address(a: Record, b: Record) -> FeatureOutcome:
    if not a.addresses or not b.addresses:
        return "address", None, "no address on one side"
    ranks = {"exact": 3, "close": 2, "weak": 1, "different": 0}
    best, x, y = max(
        ((compare_addresses(x, y), x, y) for x in a.addresses for y in b.addresses),
        key=lambda item: (ranks[item[0].level], item[0].share),
    )
    note = f"{best.share:.0%} alike, {best.agreeing} parts agree"
    return "address", best.level, f"'{x}' vs '{y}' ({note})"


def _words(text: str, region: str | None) -> str | None:
    """Lower-case words of three letters or more, sorted (for makes and models)."""
    words = sorted({w for w in alnum_words(text) if len(w) >= 3 or any(c.isdigit() for c in w)})
    return " ".join(words) or None


def _imei(text: str, region: str | None) -> str | None:
    digits = "".join(c for c in text if c.isdigit())
    return digits[:14] if len(digits) >= 14 else normalize_code(text)


_NORMALIZERS: dict[str, Callable[[str, str | None], str | None]] = {
    "phone": normalize_phone,
    "imei": _imei,
    "code": lambda text, region: normalize_code(text),
    "words": _words,
}


def _extension_feature(code: str, how: str, a: frozenset[str], b: frozenset[str]) -> FeatureOutcome:
    if not a or not b:
        return code, None, "no value on one side"
    if how == "phone":
        level, x, y = compare_phones(a, b)
    elif how == "words":
        x, y = min(a), min(b)
        shared = sorted({w for v in a for w in v.split()} & {w for v in b for w in v.split()})
        level = "agree" if shared else "different"
        return code, level, f"'{x}' vs '{y}'" + (f": {', '.join(shared)} in common" if shared else "")
    else:
        level, x, y = compare_codes(a, b)
    text = {"exact": "same", "close": "one character apart", "different": "different"}[level]
    return code, level, f"{x} vs {y}: {text}" if x != y else f"{x}: same"


_COMPARERS: dict[str, Any] = {
    "name": _name,
    "birth_date": _birth_date,
    "nationality": _nationality,
    "country": _country,
    "gender": _gender_feature,
    "identifier": _identifier,
    "phone": _phone,
    "address": _address,
    "plate": _plate,
    "vin": _vin,
    "document_number": _document_number,
}
