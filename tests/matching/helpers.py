"""Builders for test entities (synthetic people only)."""

from __future__ import annotations

from typing import Any


def entity(schema: str, **props: Any) -> dict[str, Any]:
    return {
        "schema": schema,
        "properties": {k: v if isinstance(v, list) else [v] for k, v in props.items()},
    }


def person(**props: Any) -> dict[str, Any]:
    return entity("Person", **props)
