"""Birth dates that may be partial, badly typed or impossible.

Records of the region often give only a year, and day and month are easily
swapped between the French (DD/MM/YYYY) and ISO habits. A date is parsed to
year, month and day, each possibly unknown; impossible values ("0000-00-00",
month 13, 31 February) are dropped or reduced to what is plausible.

Comparison levels (weights in `data/model.yaml`):

* exact: the same full date;
* swapped: same year, day and month exchanged;
* compatible: one side is less precise and agrees on what it gives;
* close: one typing error (one digit anywhere in the date as typed, or two
  adjacent digits transposed, even when that made the day or month
  unreadable), or the same day and month with a year one apart;
* different: none of the above.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

MIN_YEAR = 1850
MAX_YEAR = 2100
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})$")


@dataclass(frozen=True, slots=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None
    #: The date as typed, as eight digits YYYYMMDD, when it was written in
    #: full: kept even when day or month could not be read, so that a typing
    #: error ("1940-27-04" for 1942-07-04) is still recognised as one.
    digits: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def full(self) -> bool:
        return self.day is not None

    @property
    def mistyped(self) -> bool:
        """Written in full, but the day or month could not be read."""
        return self.digits is not None and not self.full


def parse_date(text: str) -> PartialDate | None:
    """Read a date in ISO, compact (YYYYMMDD) or day-first form; None if unusable."""
    text = text.strip()
    match = _ISO.match(text) or _COMPACT.match(text)
    if match:
        year, month, day = match.groups()
    else:
        match = _DAY_FIRST.match(text)
        if not match:
            return None
        day, month, year = match.groups()
    y = int(year)
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    # Zeros stand for "unknown" ("1980-00-00"), not for a typing error.
    typed = month and day and int(month) and int(day)
    digits = f"{y:04d}{int(month):02d}{int(day):02d}" if typed else None
    m = int(month) if month else None
    if m is None or not 1 <= m <= 12:
        return PartialDate(y, digits=digits)
    d = int(day) if day else None
    if d is None or not 1 <= d <= calendar.monthrange(y, m)[1]:
        return PartialDate(y, m, digits=digits)
    return PartialDate(y, m, d, digits)


def compare_dates(a: PartialDate, b: PartialDate) -> str:
    """The level reached by two dates (see the module docstring)."""
    if a == b and a.full:
        return "exact"
    if a.full and b.full and a.year == b.year and a.month == b.day and a.day == b.month:
        return "swapped"
    if a.digits and b.digits and (a.full or b.full):
        if OSA.distance(a.digits, b.digits) <= 1:
            return "close"
    if a.full and b.full:
        if (a.month, a.day) == (b.month, b.day) and abs(a.year - b.year) == 1:
            return "close"
        return "different"
    if a.year == b.year:
        if a.month is None or b.month is None or a.month == b.month:
            return "compatible"
        return "different"
    if (a.month, a.day) == (b.month, b.day) and a.month is not None:
        if abs(a.year - b.year) == 1 or OSA.distance(str(a.year), str(b.year)) == 1:
            return "close"
    return "different"


LEVEL_ORDER = ("exact", "swapped", "compatible", "close", "different")


def best_date_level(a: list[PartialDate], b: list[PartialDate]) -> tuple[str, PartialDate, PartialDate]:
    """The best level over all pairs of dates, and the pair that reached it."""
    best: tuple[int, PartialDate, PartialDate] | None = None
    for da in a:
        for db in b:
            rank = LEVEL_ORDER.index(compare_dates(da, db))
            if best is None or rank < best[0]:
                best = (rank, da, db)
    assert best is not None, "both lists must be non-empty"
    return LEVEL_ORDER[best[0]], best[1], best[2]
