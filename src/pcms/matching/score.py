"""The scoring model: match weights per feature level, as configuration.

The model follows Fellegi and Sunter, as Splink does: every level of every
feature has a match weight, log2(m/u), where m is how often the level is seen
between two records of the same person and u how often between records of
different people. Weights add up with a prior; the total (log2 odds) becomes
a probability. Missing values weigh nothing, so an absent date of birth is
neutral while a conflicting one counts strongly against.

The weights and the threshold live in `data/model.yaml`. They were set from
the frequencies one expects in civil registers of the region and checked on
the labelled synthetic pairs in the tests and on FEBRL4 (see
docs/matching.md).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from .resources import load
from .types import Evidence, MatchResult, Verdict

_VERDICTS = {
    "exact": Verdict.AGREE,
    "strong": Verdict.AGREE,
    "agree": Verdict.AGREE,
    "swapped": Verdict.PARTIAL,
    "compatible": Verdict.PARTIAL,
    "close": Verdict.PARTIAL,
    "weak": Verdict.PARTIAL,
    "different": Verdict.DISAGREE,
    "reversed": Verdict.DISAGREE,
}


@dataclass(frozen=True)
class Feature:
    code: str
    label: str
    levels: dict[str, float]


@dataclass(frozen=True)
class ScoringModel:
    """Prior, threshold and per-level weights."""

    prior: float
    threshold: float
    features: dict[str, Feature]

    @classmethod
    def from_config(cls, config: dict) -> ScoringModel:
        features = {
            code: Feature(code, str(spec["label"]), {k: float(v) for k, v in spec["levels"].items()})
            for code, spec in config["features"].items()
        }
        for feature in features.values():
            unknown = set(feature.levels) - set(_VERDICTS)
            if unknown:
                raise ValueError(f"unknown levels for {feature.code}: {sorted(unknown)}")
        return cls(float(config["prior"]), float(config["threshold"]), features)

    def to_config(self) -> dict:
        """The inverse of `from_config` (to save a fitted model)."""
        return {
            "prior": self.prior,
            "threshold": self.threshold,
            "features": {
                code: {"label": f.label, "levels": dict(f.levels)} for code, f in self.features.items()
            },
        }

    def evidence(self, code: str, level: str | None, detail: str) -> Evidence:
        feature = self.features[code]
        if level is None:
            return Evidence(code, feature.label, Verdict.MISSING, "missing", 0.0, detail)
        return Evidence(code, feature.label, _VERDICTS[level], level, feature.levels[level], detail)

    def result(self, evidence: Iterable[Evidence], threshold: float | None = None) -> MatchResult:
        items = sorted(evidence, key=lambda e: (e.verdict == Verdict.MISSING, -abs(e.weight)))
        score = probability(self.prior + sum(e.weight for e in items))
        limit = self.threshold if threshold is None else threshold
        return MatchResult(score, score >= limit, tuple(items), limit)


def probability(log2_odds: float) -> float:
    """Turn log2 odds into a probability."""
    if log2_odds < -60:
        return 0.0
    if log2_odds > 60:
        return 1.0
    return 1.0 / (1.0 + math.pow(2.0, -log2_odds))


@cache
def default_model() -> ScoringModel:
    """The model shipped in `data/model.yaml`."""
    return ScoringModel.from_config(load("model"))
