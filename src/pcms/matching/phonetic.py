"""Consonant skeletons: a spelling-tolerant key for a name word.

"Mohamed", "Muhammad", "Mahamat" and the Arabic "محمد" (transliterated
"mhmd") share the skeleton "mhmt": vowels, w and y are dropped, consonants
that spellings confuse are merged into one class (d/t, s/z, k/q/g/c, b/p,
f/v), repeated classes collapse. The rules are data (`data/phonetic.yaml`).
"""

from __future__ import annotations

from functools import cache, lru_cache

from .resources import load


@cache
def _rules() -> tuple[tuple[tuple[str, str], ...], dict[str, str], frozenset[str]]:
    data = load("phonetic")
    replace = tuple((str(a), str(b)) for a, b in data["replace"])
    classes = {str(k): str(v) for k, v in data["classes"].items()}
    return replace, classes, frozenset(data["drop_final"])


@lru_cache(maxsize=200_000)
def skeleton(latin: str) -> str:
    """The consonant skeleton of a lower-case ASCII word."""
    replace, classes, drop_final = _rules()
    for old, new in replace:
        latin = latin.replace(old, new)
    out: list[str] = []
    for char in latin:
        cls = classes.get(char)
        if cls is not None and (not out or out[-1] != cls):
            out.append(cls)
    while len(out) > 1 and out[-1] in drop_final:
        out.pop()
    return "".join(out)
