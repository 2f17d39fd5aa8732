"""Script handling: Arabic normalisation and transliteration to Latin.

Arabic script writes consonants and long vowels; Latin spellings of the same
name add vowels by convention (Mohamed, Muhammad, Mahamat). We therefore
normalise Arabic spelling variants (forms of alef and hamza, ta marbuta,
alef maqsura, Persian and Maghrebi letters, vowel marks, tatweel) and
transliterate with ICU. The Latin result ("mhmd") is then compared on its
consonants (see `phonetic.py`) or looked up in the name groups.

ICU transliterators are not shared between threads: each thread gets its own.
"""

from __future__ import annotations

import threading
from functools import lru_cache

import icu

_ARABIC_MAP = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ة": "ه",
        "ک": "ك",
        "گ": "ك",
        "ڤ": "ف",
        "ڨ": "ق",
        "ـ": None,
    }
)
_local = threading.local()


def is_arabic(text: str) -> bool:
    """True when the text contains Arabic-script letters."""
    return any("\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f" for c in text)


def normalize_arabic(text: str) -> str:
    """Unify Arabic spelling variants and drop vowel marks."""
    text = "".join(c for c in text if not ("\u064b" <= c <= "\u065f" or c == "\u0670"))
    return text.translate(_ARABIC_MAP)


def _transliterator() -> icu.Transliterator:
    trans = getattr(_local, "trans", None)
    if trans is None:
        trans = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII; Lower")
        _local.trans = trans
    return trans


@lru_cache(maxsize=200_000)
def to_latin(text: str) -> str:
    """Lower-case ASCII letters (a-z) of a word in any script."""
    if text.isascii():
        latin = text.lower()
    else:
        if is_arabic(text):
            text = normalize_arabic(text)
        latin = _transliterator().transliterate(text)
    return "".join(c for c in latin if "a" <= c <= "z")
