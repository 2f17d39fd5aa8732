"""Estimating the scoring model's weights from unlabelled data (EM).

The weights in `data/model.yaml` were set for the records of the region. A
different source (another country's register, a foreign data set) has other
error rates: how often a true duplicate has a different birth date, how
common a shared identifier is between different people. As Splink does, the
weights can be re-estimated from the candidate pairs of that source with the
expectation-maximisation algorithm of Fellegi-Sunter, without labels:

1. E-step: the current model gives each pair a match probability.
2. M-step: for each feature, m(level) is the share of matching pairs (weighted
   by that probability) that land on the level, u(level) the same among the
   non-matching pairs; the weight becomes log2(m/u). The prior becomes the
   average match probability.

Features that no pair exercises keep their configured weights; the
threshold is not changed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from .score import Feature, ScoringModel

#: One pair's outcome per feature: feature code -> level (None when missing).
PairLevels = dict[str, str | None]
_MAX_WEIGHT = 20.0
_SMOOTHING = 0.5


def estimate(model: ScoringModel, pairs: Sequence[PairLevels], iterations: int = 25) -> ScoringModel:
    """A copy of `model` with weights and prior re-estimated on `pairs`."""
    if not pairs:
        return model
    codes = sorted({code for pair in pairs for code, level in pair.items() if level})
    codes = [c for c in codes if c in model.features]
    columns: dict[str, tuple[list[str], np.ndarray]] = {}
    for code in codes:
        levels = list(model.features[code].levels)
        index = {level: i for i, level in enumerate(levels)}
        values = np.array([index.get(pair.get(code) or "", -1) for pair in pairs], dtype=np.int64)
        columns[code] = (levels, values)
    current = model
    for _ in range(iterations):
        log_odds = np.full(len(pairs), current.prior, dtype=np.float64)
        for code, (levels, values) in columns.items():
            weights = np.array([current.features[code].levels[lv] for lv in levels] + [0.0])
            log_odds += weights[values]
        p = 1.0 / (1.0 + np.exp2(-np.clip(log_odds, -60, 60)))
        features = dict(current.features)
        for code, (levels, values) in columns.items():
            seen = values >= 0
            match_counts = np.bincount(values[seen], weights=p[seen], minlength=len(levels))
            other_counts = np.bincount(values[seen], weights=1 - p[seen], minlength=len(levels))
            fitted: dict[str, float] = {}
            for i, level in enumerate(levels):
                if match_counts[i] + other_counts[i] < 1e-9:
                    fitted[level] = current.features[code].levels[level]
                    continue
                m = (match_counts[i] + _SMOOTHING) / (match_counts.sum() + _SMOOTHING * len(levels))
                u = (other_counts[i] + _SMOOTHING) / (other_counts.sum() + _SMOOTHING * len(levels))
                fitted[level] = max(-_MAX_WEIGHT, min(_MAX_WEIGHT, math.log2(m / u)))
            features[code] = Feature(code, current.features[code].label, fitted)
        share = float(np.clip(p.mean(), 1e-6, 1 - 1e-6))
        current = replace(current, prior=math.log2(share / (1 - share)), features=features)
    return current
