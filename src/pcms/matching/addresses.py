"""Addresses: how much of two addresses agrees, and how specific that agreement is.

Addresses arrive as one free-text line, typed by different officers: words
are misspelt ("xtreet", "gowne"), run together ("copeplace"), left out (no
street name, only the locality), and house numbers or postcodes carry typing
errors. Two addresses are therefore compared part by part:

* an address is read into parts: words of two letters or more, and numbers
  (house numbers, postcodes);
* parts are paired best first: the same part, a word one typing error away
  (or 80 % alike for long words), a word that equals two adjacent words of
  the other side run together, a number of four digits or more one digit
  off; two parts whose lengths differ by more than two, or that differ in
  both their first and last character, are not taken for one another;
* the agreement is the matched share, counted as names are (`names.py`):
  matched parts over `short + (long - short) / 2`, so that a part left out
  costs less than a part that differs.

What the agreement is worth depends on how specific it is, not only on the
share: "Niamey" against "Niamey" agrees fully but is shared by a million
people, while a house number, a street, a locality and a postcode that all
agree single out one household. The level therefore requires a number of
agreeing parts: `exact` needs at least four (e.g. number, street, locality,
postcode), `close` three; fewer is at best `weak`, which is also the level
of a less precise address that the other one contains ("Bamako").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from .normalize import clean_text

#: Most parts of one address that are looked at.
MAX_PARTS = 16
#: Agreeing parts needed for each level (see the module docstring).
EXACT_PARTS = 4
CLOSE_PARTS = 3


@dataclass(frozen=True, slots=True)
class AddressComparison:
    """How two addresses compare: the level reached, the matched share and parts."""

    level: str
    share: float
    agreeing: int


@lru_cache(maxsize=100_000)
def address_parts(text: str) -> tuple[str, ...]:
    """The lower-case words (two letters or more) and numbers of an address."""
    words = clean_text(text).lower().replace(".", " ").split()
    return tuple(w for w in words if len(w) >= 2 or w.isdigit())[:MAX_PARTS]


def _part_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if abs(len(a) - len(b)) > 2 or a[0] != b[0] and a[-1] != b[-1]:
        return 0.0
    if a.isdigit() or b.isdigit():
        # A postcode or long number with one typing error; a house number must agree.
        both_long = a.isdigit() and b.isdigit() and min(len(a), len(b)) >= 4
        return 0.8 if both_long and OSA.distance(a, b) <= 1 else 0.0
    shorter = min(len(a), len(b))
    if shorter >= 4 and OSA.distance(a, b) <= 1:
        return 0.9
    similarity = OSA.normalized_similarity(a, b)
    return similarity if shorter >= 6 and similarity >= 0.8 else 0.0


def _joined(parts: tuple[str, ...]) -> dict[str, tuple[int, int]]:
    """Adjacent pairs of words run together ("cope place" -> "copeplace")."""
    return {
        parts[i] + parts[i + 1]: (i, i + 1)
        for i in range(len(parts) - 1)
        if not parts[i].isdigit() and not parts[i + 1].isdigit()
    }


def compare_addresses(a: str, b: str) -> AddressComparison:
    """Compare two address lines (see the module docstring)."""
    pa, pb = address_parts(a), address_parts(b)
    if not pa or not pb:
        return AddressComparison("different", 0.0, 0)
    # Identical parts first (most of them, and cheap); typing errors among the rest.
    left_b = list(pb)
    rest_a: list[str] = []
    for part in pa:
        if part in left_b:
            left_b.remove(part)
        else:
            rest_a.append(part)
    exact = len(pa) - len(rest_a)
    matched, paired = float(exact), exact
    if rest_a and left_b:
        fuzzy, fuzzy_pairs = _fuzzy_match(tuple(rest_a), tuple(left_b))
        matched += fuzzy
        paired += fuzzy_pairs
    short, long = sorted((len(pa), len(pb)))
    share = min(1.0, matched / (short + 0.5 * (long - short)))
    agreeing = min(paired, short)
    if share >= 0.85 and agreeing >= EXACT_PARTS:
        level = "exact"
    elif share >= 0.6 and agreeing >= CLOSE_PARTS:
        level = "close"
    elif share >= 0.4 or agreeing >= 2 or agreeing == short:
        level = "weak"
    else:
        level = "different"
    return AddressComparison(level, share, agreeing)


def _fuzzy_match(pa: tuple[str, ...], pb: tuple[str, ...]) -> tuple[float, int]:
    """Pair the parts left over, best first: the similarity gained and the parts paired."""
    candidates: list[tuple[float, tuple[int, ...], tuple[int, ...]]] = []
    for i, x in enumerate(pa):
        for j, y in enumerate(pb):
            sim = _part_similarity(x, y)
            if sim:
                candidates.append((sim, (i,), (j,)))
    for word, (i, k) in _joined(pa).items():
        for j, y in enumerate(pb):
            if len(word) >= 6 and _part_similarity(word, y) >= 0.8:
                candidates.append((2 * _part_similarity(word, y), (i, k), (j,)))
    for word, (j, k) in _joined(pb).items():
        for i, x in enumerate(pa):
            if len(word) >= 6 and _part_similarity(x, word) >= 0.8:
                candidates.append((2 * _part_similarity(x, word), (i,), (j, k)))
    used_a: set[int] = set()
    used_b: set[int] = set()
    matched = 0.0
    for sim, ia, ib in sorted(candidates, key=lambda c: -c[0]):
        if used_a.isdisjoint(ia) and used_b.isdisjoint(ib):
            used_a.update(ia)
            used_b.update(ib)
            matched += sim
    return matched, min(len(used_a), len(used_b))
