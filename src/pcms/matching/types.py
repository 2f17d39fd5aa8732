"""The values the matcher hands back: a score with its explanation.

A `MatchResult` is built from `Evidence` items, one per feature that was
compared (name, date of birth, identifiers, ...). Each item carries a stable
`code` that a user interface can translate, a `verdict`, the `weight` it
added to the score (log2 of a likelihood ratio, see `score.py`) and a short
English `detail` for the officer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

#: An entity as followthemoney serialises it: {"schema": ..., "properties": {...}}.
EntityData = Mapping[str, Any]


class InvalidEntity(ValueError):
    """The input is not an entity the matcher can read (e.g. unknown schema)."""


class Verdict(StrEnum):
    """How one feature came out."""

    AGREE = "agree"
    PARTIAL = "partial"
    DISAGREE = "disagree"
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class Evidence:
    """What one feature says about a pair of records."""

    #: Stable feature code, e.g. "name", "birth_date", "identifier".
    code: str
    #: English label of the feature, e.g. "Date of birth".
    label: str
    verdict: Verdict
    #: The level of the scoring model that was reached, e.g. "exact", "swapped".
    level: str
    #: Contribution to the score, in bits (log2 of the likelihood ratio).
    weight: float
    #: Plain-English account of what agreed or disagreed.
    detail: str


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The outcome of comparing two records."""

    #: Probability-like score in [0, 1].
    score: float
    #: True when `score` reaches the threshold the result was computed with.
    is_match: bool
    #: One item per feature, strongest evidence first.
    explanation: tuple[Evidence, ...]
    threshold: float

    def summary(self) -> str:
        """One line per feature, for logs and command-line output."""
        lines = [f"score {self.score:.3f} ({'match' if self.is_match else 'no match'})"]
        for item in self.explanation:
            lines.append(f"  {item.label}: {item.verdict} ({item.weight:+.1f}) {item.detail}")
        return "\n".join(lines)
