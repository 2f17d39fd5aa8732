"""Pairwise comparison: `compare(a, b)` for two entities."""

from __future__ import annotations

from .features import Record, compare_features, compatible, prepare
from .score import ScoringModel, default_model
from .types import EntityData, MatchResult


def compare(
    a: EntityData | Record,
    b: EntityData | Record,
    *,
    threshold: float | None = None,
    region: str | None = None,
    model: ScoringModel | None = None,
) -> MatchResult:
    """Compare two entities (followthemoney-style dicts or prepared records).

    `threshold` overrides the model's default (see `default_model().threshold`);
    `region` is the country assumed for phone numbers without international
    prefix. Raises `InvalidEntity` if either entity cannot be read.
    """
    model = model or default_model()
    ra, rb = prepare(a, region), prepare(b, region)
    if not compatible(ra, rb):
        detail = f"a {ra.schema} cannot be the same as a {rb.schema}"
        return model.result([model.evidence("schema", "different", detail)], threshold)
    evidence = [model.evidence(code, level, detail) for code, level, detail in compare_features(ra, rb)]
    return model.result(evidence, threshold)
