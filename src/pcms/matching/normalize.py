"""Text cleaning shared by every feature.

Input comes from officers' forms, scanned documents and foreign systems: it
may hold control characters, emoji, mixed scripts, or be absurdly long. The
functions here reduce any value to a bounded, NFKC-normalised string of
letters, digits and single spaces, so that the analysers downstream never
see surprises.
"""

from __future__ import annotations

import unicodedata
from typing import Any

#: Longest value (in characters) looked at; the rest is ignored.
MAX_VALUE_LENGTH = 200
#: Most values of one property that are looked at.
MAX_VALUES = 20

_APOSTROPHES = dict.fromkeys(map(ord, "'’ʼ`‘´ʻ"), None)
_ASCII_CLEAN = {
    **{c: " " for c in range(128) if not (chr(c).isalnum() or chr(c) == ".")},
    **{ord(c): None for c in "'`"},
}


def text_values(values: Any) -> list[str]:
    """The usable string values of a property, bounded in number and length.

    Values are NFKC-normalised, stripped of control characters and extra
    spaces; punctuation is kept (dates, phone numbers and codes need it).
    """
    if values is None:
        return []
    if isinstance(values, str | int | float):
        values = [values]
    out: list[str] = []
    for value in values:
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            continue
        text = str(value)[: MAX_VALUE_LENGTH * 2]
        if not text.isascii():
            text = unicodedata.normalize("NFKC", text)
        if not text.isprintable():
            text = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in text)
        text = " ".join(text.split())[:MAX_VALUE_LENGTH]
        if text and text not in out:
            out.append(text)
        if len(out) >= MAX_VALUES:
            break
    return out


def clean_text(text: str) -> str:
    """NFKC, no apostrophes, symbols or control characters, single spaces.

    Letters, combining marks, digits and the dot are kept; every other
    character becomes a space. Digits of any script become ASCII digits.
    """
    if text.isascii():
        # The same result through one table lookup per character (most input).
        cleaned = text[: MAX_VALUE_LENGTH * 2].translate(_ASCII_CLEAN)
        return " ".join(cleaned.split())[:MAX_VALUE_LENGTH].strip()
    text = unicodedata.normalize("NFKC", text[: MAX_VALUE_LENGTH * 2]).translate(_APOSTROPHES)
    chars: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if category[0] in "LM" or char == ".":
            chars.append(char)
        elif category == "Nd":
            chars.append(str(unicodedata.digit(char)))
        else:
            chars.append(" ")
    return " ".join("".join(chars).split())[:MAX_VALUE_LENGTH].strip()


def alnum_upper(text: str) -> str:
    """Upper-case ASCII letters and digits only: the comparable form of codes."""
    return "".join(c for c in text.upper() if c.isascii() and c.isalnum())


def alnum_words(text: str) -> list[str]:
    """Lower-case words of letters and digits ("Glock-17 GmbH" -> glock, 17, gmbh)."""
    return clean_text(text).lower().replace(".", " ").split()
