"""Full-text search over reports and entities, the same on SQLite and PostgreSQL.

Each record's words are stored normalised in `SearchToken`: lower case, accents removed, and
Arabic script also transliterated to Latin, so that "محمد" is found by "mohamed" and by "محمد".
Latin words are also stored as their consonant skeleton ("~mhmd"), which is how Arabic script
reads once transliterated, so a query in either script finds the other. A query matches records
holding every one of its words as a prefix; the token index answers that with range scans,
whatever the database.
"""

import re
import unicodedata
from functools import cache

import icu
from django.db.models import Q, QuerySet

from pcms.records.models import Entity, Report, SearchToken

MAX_TOKEN = 40
MAX_QUERY_WORDS = 8
_WORD = re.compile(r"\w+", re.UNICODE)
_NOT_ASCII_WORD = re.compile(r"[^a-z0-9]+")
_VOWELS = re.compile(r"[aeiouy]+")
_REPEATS = re.compile(r"(.)\1+")
SKELETON = "~"


@cache
def _to_latin() -> icu.Transliterator:
    return icu.Transliterator.createInstance("Any-Latin; Latin-ASCII; Lower")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def skeleton(word: str) -> str:
    return _REPEATS.sub(r"\1", _VOWELS.sub("", word))


def _latin_words(text: str) -> list[str]:
    return [w for w in _NOT_ASCII_WORD.split(_to_latin().transliterate(text)) if len(w) >= 2]


def tokens(text: str) -> set[str]:
    """The searchable words of `text`: in its own script, in Latin letters, and as skeletons."""
    words = {w[:MAX_TOKEN] for w in _WORD.findall(_fold(text).replace("_", " ")) if len(w) >= 2}
    for word in _latin_words(text):
        words.add(word[:MAX_TOKEN])
        if len(bones := skeleton(word)) >= 2:
            words.add(SKELETON + bones[:MAX_TOKEN - 1])
    return words


def entity_text(entity: Entity) -> str:
    values = [value for values in entity.properties.values() for value in values]
    values += [value for values in entity.written.values() for value in values]
    return " ".join(values)


def report_text(report: Report) -> str:
    return " ".join((report.reference, report.title, report.narrative, report.place))


def index_entity(entity: Entity) -> None:
    SearchToken.objects.filter(entity=entity).delete()
    SearchToken.objects.bulk_create(
        SearchToken(token=token, entity=entity) for token in tokens(entity_text(entity))
    )


def index_report(report: Report) -> None:
    SearchToken.objects.filter(report=report).delete()
    SearchToken.objects.bulk_create(
        SearchToken(token=token, report=report) for token in tokens(report_text(report))
    )


def query_words(query: str) -> list[str]:
    """The query's words, Latin-transliterated, longest first (the most selective)."""
    words = {word[:MAX_TOKEN] for word in _latin_words(query[:500])}
    return sorted(words, key=len, reverse=True)[:MAX_QUERY_WORDS]


def _prefix(word: str) -> Q:
    return Q(token__gte=word, token__lt=word + "\uffff")


def _matching(queryset: QuerySet, field: str, words: list[str]) -> QuerySet:
    """Rows of `queryset` that hold every word as a prefix; the database intersects the sets."""
    for word in words:
        condition = _prefix(word)
        if len(bones := skeleton(word)) >= 2:
            condition |= _prefix(SKELETON + bones)
        holders = SearchToken.objects.filter(condition, **{f"{field}__isnull": False}).values(field)
        queryset = queryset.filter(pk__in=holders)
    return queryset


def search_entities(queryset: QuerySet, query: str) -> QuerySet:
    words = query_words(query)
    return _matching(queryset, "entity", words) if words else queryset.none()


def search_reports(queryset: QuerySet, query: str) -> QuerySet:
    words = query_words(query)
    return _matching(queryset, "report", words) if words else queryset.none()
