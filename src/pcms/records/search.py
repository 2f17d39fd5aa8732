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
from functools import cache, lru_cache
from itertools import groupby

import icu
from django.db import connections
from django.db.models import F, Lookup, Q, QuerySet, Subquery

from pcms.records.models import Entity, Report, SearchToken

MAX_TOKEN = 40
MAX_QUERY_WORDS = 8
_WORD = re.compile(r"\w+", re.UNICODE)
_NOT_ASCII_WORD = re.compile(r"[^a-z0-9]+")
_VOWELS = re.compile(r"[aeiouy]+")
SKELETON = "~"


@cache
def _to_latin() -> icu.Transliterator:
    return icu.Transliterator.createInstance("Any-Latin; Latin-ASCII; Lower")


def _fold(text: str) -> str:
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def skeleton(word: str) -> str:
    """The word without vowels, each run of one letter written once: "mohammed" is "mhmd"."""
    return "".join(letter for letter, _run in groupby(_VOWELS.sub("", word)))


def _latin_words(text: str) -> list[str]:
    latin = text.lower() if text.isascii() else _to_latin().transliterate(text)
    return [w for w in _NOT_ASCII_WORD.split(latin) if len(w) >= 2]


def tokens(text: str) -> set[str]:
    """The searchable words of `text`: in its own script, in Latin letters, and as skeletons."""
    return set().union(*map(_chunk_tokens, text.split()))


@lru_cache(maxsize=20_000)
def _chunk_tokens(chunk: str) -> frozenset[str]:
    """The words of one space-free piece of text. Names, dates and countries recur from record to
    record, so remembering the recent ones spares most of the transliteration of a large import."""
    words = {w[:MAX_TOKEN] for w in _WORD.findall(_fold(chunk).replace("_", " ")) if len(w) >= 2}
    for word in _latin_words(chunk):
        words.add(word[:MAX_TOKEN])
        if len(bones := skeleton(word)) >= 2:
            words.add(SKELETON + bones[:MAX_TOKEN - 1])
    return frozenset(words)


def entity_text(entity: Entity) -> str:
    return properties_text(entity.properties, entity.written)


def properties_text(properties: dict[str, list[str]], written: dict[str, list[str]]) -> str:
    """The searchable text of an entity's values, clean and as written."""
    values = [value for values in properties.values() for value in values]
    values += [value for values in written.values() for value in values]
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
    """Rows of `queryset` that hold every word as a prefix: the token index gives each word's
    holders, and the database intersects the sets before it reads any row of `queryset`."""
    holders = None
    for word in words:
        bones = skeleton(word)
        # A word's skeleton also begins the skeleton of every word it begins, so the skeleton's
        # range alone finds them, as well as their spellings in the other script.
        condition = _prefix(SKELETON + bones) if 2 <= len(bones) < MAX_TOKEN else _prefix(word)
        these = SearchToken.objects.filter(condition, **{f"{field}__isnull": False}).values(field)
        holders = these if holders is None else holders.intersection(these)
    if connections[queryset.db].vendor == "postgresql":
        return queryset.filter(_EqualsAny(F("pk"), Subquery(holders)))
    return queryset.filter(pk__in=holders)


class _EqualsAny(Lookup):
    """`= ANY(ARRAY(subquery))` on PostgreSQL: the subquery runs once and each row it names is
    fetched by its key. Written `IN (subquery)`, the planner expects as many rows as the most
    common word holds, and reads the whole table to join them."""

    lookup_name = "equals_any"

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]


def search_entities(queryset: QuerySet, query: str) -> QuerySet:
    words = query_words(query)
    return _matching(queryset, "entity", words) if words else queryset.none()


def search_reports(queryset: QuerySet, query: str) -> QuerySet:
    words = query_words(query)
    return _matching(queryset, "report", words) if words else queryset.none()
