"""Every route of the node, as the URL configuration and the OpenAPI description declare them.

Nothing here is written by hand: pages come from Django's resolver, walked recursively, and API
operations from `/api/v1/openapi.json`, so a page or operation added anywhere is found here.
"""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

API_PREFIX = "api/v1/"


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the pattern itself for an unnamed one
    pattern: str  # e.g. "records/reports/<uuid:pk>/"
    parameters: tuple[str, ...]


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str  # e.g. "/api/v1/records/reports/{pk}"


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace
            joined = ":".join(n for n in (namespace, inner) if n) if inner else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), joined)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Route(name or pattern, pattern, tuple(entry.pattern.regex.groupindex))


def pages() -> list[Route]:
    """Every URL pattern outside the API's operations (which `operations()` lists)."""
    operation_paths = {_as_pattern(op.path) for op in operations()}
    return [route for route in _walk(get_resolver().url_patterns)
            if _normalise(route.pattern) not in operation_paths]


def operations() -> list[Operation]:
    from pcms.api import api

    schema = api.get_openapi_schema(path_prefix="/" + API_PREFIX.rstrip("/"))
    return [Operation(op["operationId"], method.upper(), path)
            for path, methods in schema["paths"].items() for method, op in methods.items()]


def _as_pattern(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "<>", path.lstrip("/"))


def _normalise(pattern: str) -> str:
    return re.sub(r"<[^>]+>", "<>", pattern)
