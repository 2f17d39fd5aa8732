"""Participant lists: read, check and recognise the officials of an uploaded CSV or XLSX file.

A list is checked as a whole before anything is written: every problem of every line is reported
(missing gender, unknown country, a line repeated, a column missing), and a list with any problem is
refused entirely. A clean list becomes a preview where each line is either a new official or an
official already known, recognised with pcms.matching; two lines of the same file that look like
the same person spelled two ways are flagged for the coordinator to decide.
"""

import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pcms.core.tabular import Table, TableError, read_table
from pcms.matching import MatchIndex, MatchResult
from pcms.reference.choices import AgencyKind
from pcms.reference.models import Country
from pcms.training.choices import Gender
from pcms.training.models import Official, person_entity

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000


def _fold(text: str) -> str:
    """Lower case without accents or punctuation, for comparing headers and values."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in kept).split())


# Each field and the column titles that name it, in French, English and Arabic.
COLUMNS: dict[str, tuple[str, ...]] = {
    "last_name": ("last_name", "last name", "surname", "family name", "nom", "nom de famille",
                  "اللقب", "الاسم العائلي", "النسب"),
    "first_name": ("first_name", "first name", "given name", "given names", "prenom", "prenoms",
                   "الاسم", "الاسم الشخصي"),
    "gender": ("gender", "sex", "sexe", "genre", "الجنس"),
    "country": ("country", "nationality", "pays", "nationalite", "البلد", "الدولة", "الجنسية"),
    "agency": ("agency", "service", "institution", "agence", "administration", "structure",
               "الجهة", "المؤسسة", "المصلحة"),
    "agency_kind": ("agency_kind", "agency type", "type of agency", "type d agence",
                    "type de service", "type de structure", "نوع الجهة"),
    "function": ("function", "position", "job title", "fonction", "poste", "grade", "الوظيفة"),
    "email": ("email", "e mail", "courriel", "mail", "adresse electronique", "البريد الإلكتروني"),
    "phone": ("phone", "telephone", "tel", "mobile", "الهاتف"),
}
REQUIRED = ("last_name", "first_name", "gender", "country", "agency")
FIELD_LABELS = {
    "last_name": gettext_lazy("last name"), "first_name": gettext_lazy("first name"),
    "gender": gettext_lazy("gender"), "country": gettext_lazy("country"),
    "agency": gettext_lazy("agency"), "agency_kind": gettext_lazy("type of agency"),
    "function": gettext_lazy("function"), "email": gettext_lazy("e-mail"),
    "phone": gettext_lazy("phone"),
}
_HEADER_FIELDS = {_fold(title): name for name, titles in COLUMNS.items() for title in titles}

GENDERS = {
    Gender.FEMALE: ("f", "female", "woman", "femme", "feminin", "w", "أنثى", "انثى", "امرأة"),
    Gender.MALE: ("m", "male", "man", "homme", "masculin", "h", "ذكر", "رجل"),
}
_GENDER_VALUES = {_fold(value): gender.value for gender, values in GENDERS.items() for value in values}

# Words of an agency's name that tell its type, when the file does not say.
AGENCY_WORDS = {
    AgencyKind.POLICE: ("police", "surete", "شرطة", "الشرطة", "الأمن"),
    AgencyKind.GENDARMERIE: ("gendarmerie", "الدرك"),
    AgencyKind.NATIONAL_GUARD: ("garde", "guard", "الحرس"),
    AgencyKind.CUSTOMS: ("douane", "douanes", "customs", "الجمارك"),
    AgencyKind.JUSTICE: ("justice", "judiciaire", "judicial", "tribunal", "parquet", "procureur",
                         "prosecutor", "prosecution", "court", "القضاء", "النيابة", "المحكمة"),
    AgencyKind.INTELLIGENCE: ("renseignement", "renseignements", "intelligence", "المخابرات",
                              "الاستخبارات"),
    AgencyKind.ARMED_FORCES: ("armee", "armees", "army", "forces armees", "armed forces",
                              "الجيش", "القوات المسلحة"),
}


@dataclass
class RowError:
    line: int | None
    column: str
    message: str

    def __str__(self) -> str:
        return str(TableError(self.message, line=self.line, column=self.column or None))


class ParticipantListError(Exception):
    """The list is refused; `errors` says everything that is wrong with it, line by line."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s) in the participant list")
        self.errors = errors


@dataclass
class Candidate:
    official_id: int
    name: str
    score: float
    why: list[list[str]]


@dataclass
class PreviewRow:
    line: int
    data: dict[str, str]
    known: list[Candidate] = field(default_factory=list)
    twin_line: int | None = None
    twin_score: float = 0.0
    twin_why: list[list[str]] = field(default_factory=list)


def evidence(result: MatchResult) -> list[list[str]]:
    """The features that spoke for or against a match, as [code, verdict] pairs."""
    return [[item.code, str(item.verdict)] for item in result.explanation if item.verdict != "missing"]


class CountryResolver:
    """Finds a country from its ISO code (alpha-2 or alpha-3) or its French, English or Arabic name."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        for country in Country.objects.all():
            for key in (country.code, country.alpha3, country.name_fr, country.name_en, country.name_ar):
                if key:
                    self.names.setdefault(_fold(key), country.code)

    def __call__(self, value: str) -> str | None:
        return self.names.get(_fold(value))


def agency_kind(value: str, agency: str) -> str | None:
    """The type of agency written in the file, or guessed from the agency's name; None if the file
    names a type that does not exist."""
    if value:
        folded = _fold(value)
        for kind in AgencyKind:
            if folded in (_fold(kind.value), _fold(str(kind.label))):
                return kind.value
        for kind, words in AGENCY_WORDS.items():
            if folded in {_fold(word) for word in words}:
                return kind.value
        return None
    words = set(_fold(agency).split())
    folded_agency = _fold(agency)
    for kind, names in AGENCY_WORDS.items():
        if any((" " in name and _fold(name) in folded_agency) or _fold(name) in words for name in names):
            return kind.value
    return AgencyKind.OTHER.value


def read_participants(file, filename: str) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """Read and check a participant list; returns its clean rows and the reader's notes."""
    try:
        table = read_table(file, filename=filename, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    except TableError as error:
        raise ParticipantListError([RowError(error.line, error.column or "", error.message)]) from None
    columns = _columns(table)
    resolve_country = CountryResolver()
    errors: list[RowError] = []
    rows: list[tuple[int, dict[str, str]]] = []
    seen: dict[tuple, int] = {}
    for line, raw in table.rows:
        values = {name: raw.get(header, "").strip() for name, header in columns.items()}
        row, row_errors = _clean(line, values, columns, resolve_country)
        errors.extend(row_errors)
        if row_errors:
            continue
        keys = [("name", _fold(row["first_name"] + " " + row["last_name"]), row["country"])]
        if row["email"]:
            keys.append(("email", row["email"].casefold()))
        for key in keys:
            if key in seen:
                errors.append(RowError(line, "", _("This line repeats line %(first)d (the same "
                                                   "person twice).") % {"first": seen[key]}))
                break
        else:
            for key in keys:
                seen[key] = line
            rows.append((line, row))
    if errors:
        raise ParticipantListError(errors)
    return rows, table.notes


def _columns(table: Table) -> dict[str, str]:
    """Which header holds which field; refuses a list that lacks a required column."""
    columns: dict[str, str] = {}
    for header in table.headers:
        name = _HEADER_FIELDS.get(_fold(header))
        if name and name not in columns:
            columns[name] = header
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise ParticipantListError([RowError(1, "", _(
            "The list has no column for: %(missing)s. The first line must name the columns, e.g. "
            "%(example)s.") % {
            "missing": ", ".join(str(FIELD_LABELS[name]) for name in missing),
            "example": "nom, prénom, sexe, pays, service, fonction, courriel, téléphone",
        })])
    return columns


def _clean(line: int, values: dict[str, str], columns: dict[str, str], resolve_country):
    errors: list[RowError] = []

    def fail(name: str, message: str) -> None:
        errors.append(RowError(line, columns.get(name, str(FIELD_LABELS[name])), message))

    row = {name: values.get(name, "") for name in COLUMNS}
    for name in ("last_name", "first_name", "agency"):
        if not row[name]:
            fail(name, _("This value is missing."))
    if not row["gender"]:
        fail("gender", _("The gender is missing: write F or M."))
    elif (gender := _GENDER_VALUES.get(_fold(row["gender"]))) is None:
        fail("gender", _("“%(value)s” is not a gender: write F or M.") % {"value": row["gender"]})
    else:
        row["gender"] = gender
    if not row["country"]:
        fail("country", _("The country is missing."))
    elif (code := resolve_country(row["country"])) is None:
        fail("country", _("Unknown country “%(value)s”: write its name or its ISO code (e.g. NE or "
                          "NER).") % {"value": row["country"]})
    else:
        row["country"] = code
    kind = agency_kind(row["agency_kind"], row["agency"])
    if kind is None:
        fail("agency_kind", _("Unknown type of agency “%(value)s”.") % {"value": row["agency_kind"]})
    else:
        row["agency_kind"] = kind
    if row["email"]:
        try:
            validate_email(row["email"])
        except ValidationError:
            fail("email", _("“%(value)s” is not an e-mail address.") % {"value": row["email"]})
    for name, limit in (("last_name", 100), ("first_name", 100), ("agency", 200), ("function", 200),
                        ("phone", 40)):
        if len(row[name]) > limit:
            fail(name, _("This value is longer than %(limit)d characters.") % {"limit": limit})
    return row, errors


def entity(row: dict[str, str]) -> dict:
    return person_entity(row["first_name"], row["last_name"], row["country"], row["gender"],
                         row.get("email", ""), row.get("phone", ""))


def known_officials_index() -> MatchIndex:
    """Every official already recorded, ready to be searched."""
    index = MatchIndex()
    officials = Official.objects.values_list("pk", "first_name", "last_name", "country_id", "gender",
                                              "email", "phone")
    index.add_many((str(pk), person_entity(first, last, country, gender, email, phone))
                   for pk, first, last, country, gender, email, phone in officials.iterator())
    return index


def recognise(rows: list[tuple[int, dict[str, str]]]) -> list[PreviewRow]:
    """For each row: the known officials it may be, and an earlier row it may repeat."""
    index = known_officials_index()
    found = {line: index.search(entity(row), limit=3, matches_only=True) for line, row in rows}
    ids = {int(pk) for results in found.values() for pk, _result in results}
    names = {o.pk: o for o in Official.objects.filter(pk__in=ids).select_related("country")}
    in_file = MatchIndex()
    in_file.add_many((str(line), entity(row)) for line, row in rows)
    preview: list[PreviewRow] = []
    for line, row in rows:
        item = PreviewRow(line, row)
        for pk, result in found[line]:
            official = names.get(int(pk))
            if official is not None:
                label = f"{official.full_name} ({official.country_id}, {official.agency})"
                item.known.append(Candidate(official.pk, label, round(result.score, 3),
                                            evidence(result)))
        for other, result in in_file.search(entity(row), limit=5, matches_only=True):
            if int(other) < line and result.score > item.twin_score:
                item.twin_line, item.twin_score, item.twin_why = (int(other), round(result.score, 3),
                                                                  evidence(result))
        preview.append(item)
    return preview
