"""Identifiers: document and registration numbers, phones, plates and VINs.

Codes are compared on their upper-case letters and digits, so "AB-123 456"
equals "ab123456". One character of difference (a typing error) in a code of
six characters or more is a near-agreement. Phone numbers are brought to
E.164 with the phonenumbers library; the default region for numbers written
without a country code is configurable (it should be the country of the
platform that recorded them).
"""

from __future__ import annotations

import phonenumbers
from rapidfuzz.distance import OSA

from .normalize import alnum_upper

MIN_CODE_LENGTH = 3
_VIN_FIX = str.maketrans({"O": "0", "Q": "0", "I": "1"})


def normalize_code(text: str) -> str | None:
    """The comparable form of an identifier, or None if too short to mean anything."""
    code = alnum_upper(text)
    if len(code) < MIN_CODE_LENGTH or len(set(code)) == 1:
        return None
    return code


def normalize_vin(text: str) -> str | None:
    """A VIN never uses the letters I, O and Q: read them as 1, 0, 0."""
    code = normalize_code(text)
    return code.translate(_VIN_FIX) if code else None


def normalize_phone(text: str, region: str | None) -> str | None:
    """E.164 form of a phone number; its digits if it cannot be parsed."""
    try:
        number = phonenumbers.parse(text, region.upper() if region else None)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    digits = "".join(c for c in text if c.isdigit())
    return digits if len(digits) >= 6 else None


def compare_codes(a: frozenset[str], b: frozenset[str]) -> tuple[str, str, str]:
    """The level ("exact", "close", "different") and the best pair of codes."""
    common = a & b
    if common:
        code = min(common)
        return "exact", code, code
    best = ("different", min(a), min(b))
    for x in sorted(a):
        for y in sorted(b):
            if min(len(x), len(y)) >= 6 and OSA.distance(x, y) <= 1:
                return "close", x, y
    return best


def compare_phones(a: frozenset[str], b: frozenset[str]) -> tuple[str, str, str]:
    """Phones agree when equal, or when their last eight digits are (country code lost)."""
    common = a & b
    if common:
        phone = min(common)
        return "exact", phone, phone
    for x in sorted(a):
        for y in sorted(b):
            if len(x) >= 8 and len(y) >= 8 and x[-8:] == y[-8:]:
                return "exact", x, y
    return "different", min(a), min(b)
