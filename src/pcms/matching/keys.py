"""Blocking keys: the cheap, exact-match keys that find candidate records.

Comparing a query with a million records is too slow, so the index only
compares it with records that share at least one key. A key is a 64-bit
integer built from a prepared record:

* NAME_PAIR: two name words (by name group or consonant skeleton), in any
  order; finds transliterations and reordered names;
* NAME_PAIR_YEAR: the same with the birth year, for very common pairs of
  names where NAME_PAIR is too crowded;
* TOKEN_YEAR: one name word and the birth year (survives a typo in the
  other words and a year-only date);
* TOKEN_DATE: one name word and the full birth date, with day and month
  in either order (survives a typo in the other words and a swap);
* TOKEN_INITIAL: one name word and the first consonant class of another
  (survives most typos when there is no date);
* SINGLE: the only word of a one-word name;
* CODE: an identifier, phone number, plate, VIN or document number, or a
  code of an extension schema (IMEI, IMSI, serial number);
* CODE_NEAR: an identifier (idNumber, registration number...) with one
  character left out, once per position: two identifiers one typing error
  apart (a character changed, added, dropped, or two swapped) share one;
* ADDRESS: two parts of an address (words of three letters or more, and
  numbers), in any order and not necessarily adjacent, so that a typing
  error in one word leaves other pairs intact; a weak key that finds
  re-entries whose name and date were both mistyped.

Name words are numbered through a vocabulary (word key -> integer) that the
index keeps and saves with itself, so keys are stable across processes.
Each key type has a weight used to rank candidates before the full
comparison (`WEIGHTS`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from itertools import combinations

from .addresses import address_parts
from .features import Record

NAME_PAIR = 1
NAME_PAIR_YEAR = 2
TOKEN_YEAR = 3
TOKEN_INITIAL = 4
SINGLE = 5
CODE = 6
TOKEN_DATE = 7
ADDRESS = 8
CODE_NEAR = 9
#: How much a shared key of each type says, to rank candidates.
WEIGHTS = {
    NAME_PAIR: 3,
    NAME_PAIR_YEAR: 6,
    TOKEN_YEAR: 2,
    TOKEN_DATE: 4,
    TOKEN_INITIAL: 1,
    SINGLE: 2,
    CODE: 8,
    ADDRESS: 1,
    CODE_NEAR: 3,
}
#: Identifiers shorter than this have no CODE_NEAR keys (nor a `close` level).
NEAR_CODE_LENGTH = 6
#: Address parts per address that keys are built from.
ADDRESS_TOKENS = 8
#: Name words per name that keys are built from.
KEY_TOKENS = 5
_TYPE_SHIFT = 60
_LOW = (1 << _TYPE_SHIFT) - 1
_WORD_BITS = 22
_YEAR_BASE = 1800
#: An odd 64-bit constant that mixes two hashes into one key.
_MIX = 0x9E3779B97F4A7C15


def _hashed_key(key_type: int, text: str) -> int:
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return (key_type << _TYPE_SHIFT) | (int.from_bytes(digest, "little") & _LOW)


def record_keys(record: Record, word_id: Callable[[str], int | None]) -> set[int]:
    """All blocking keys of a record. `word_id` numbers name-word keys (None: unknown word)."""
    keys: set[int] = set()
    years = {d.year - _YEAR_BASE for d in record.birth_dates if d.year >= _YEAR_BASE}
    # Day and month in either order: (year, smaller, larger) packed in 20 bits.
    days = {
        ((d.year - _YEAR_BASE) << 9) | (min(d.month, d.day) << 5) | max(d.month, d.day)
        for d in record.birth_dates
        if d.month and d.day and d.year >= _YEAR_BASE
    }
    for name in record.names:
        words: list[tuple[int, str]] = []
        for token in name.tokens[:KEY_TOKENS]:
            if token.initial:
                continue
            wid = word_id(token.key)
            if wid is not None and wid not in (w for w, _ in words):
                words.append((wid, (token.skeleton or token.latin)[:1]))
        if len(words) == 1:
            keys.add((SINGLE << _TYPE_SHIFT) | words[0][0])
        for (a, _), (b, _) in combinations(words, 2):
            lo, hi = min(a, b), max(a, b)
            keys.add((NAME_PAIR << _TYPE_SHIFT) | (lo << _WORD_BITS) | hi)
            for year in years:
                pair = (lo << _WORD_BITS) | hi
                keys.add((NAME_PAIR_YEAR << _TYPE_SHIFT) | (pair << 11) | year)
        for wid, _ in words:
            for year in years:
                keys.add((TOKEN_YEAR << _TYPE_SHIFT) | (wid << 11) | year)
            for day in days:
                keys.add((TOKEN_DATE << _TYPE_SHIFT) | (wid << 20) | day)
            for other, initial in words:
                if other != wid and initial:
                    keys.add((TOKEN_INITIAL << _TYPE_SHIFT) | (wid << 8) | ord(initial))
    for kind, codes in (
        ("id", record.identifiers),
        ("doc", record.document_numbers),
        ("plate", record.plates),
        ("vin", record.vins),
    ):
        for code in codes:
            keys.add(_hashed_key(CODE, f"{kind}:{code}"))
            if kind == "id" and len(code) >= NEAR_CODE_LENGTH:
                for i in range(len(code)):
                    keys.add(_hashed_key(CODE_NEAR, f"{code[:i]}{code[i + 1 :]}"))
    for address in record.addresses:
        parts = {p for p in address_parts(address)[:ADDRESS_TOKENS] if len(p) >= 3 or p.isdigit()}
        # One hash per part; a pair's key mixes the two (28 pairs of 8 parts, 8 hashes).
        hashes = sorted(_hashed_key(ADDRESS, p) & _LOW for p in parts)
        for first, second in combinations(hashes, 2):
            keys.add((ADDRESS << _TYPE_SHIFT) | ((first * _MIX + second) & _LOW))
    for code, values in record.extra:
        for value in values:
            # Phone lines by their last eight digits, as below; other codes whole.
            keys.add(_hashed_key(CODE, f"{code}:{value[-8:] if value.startswith('+') else value}"))
    for phone in record.phones:
        # The last eight digits, so that numbers with and without country code meet.
        keys.add(_hashed_key(CODE, f"phone:{phone[-8:]}"))
    return keys
