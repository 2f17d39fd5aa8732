"""What federates, and how: one entry per model, registered by the app that owns the model.

A change names a record type (the model's label, e.g. `records.report`), a record id and a
version, and carries the full state of the record as its payload. An app makes its objects
travel by registering, in its AppConfig.ready():

    from pcms.federation.registry import register
    register(Alert, serialize=alert_payload, apply=apply_alert, audience=alert_audience)

- `serialize(obj) -> dict`: the record's state as JSON (ids, codes, strings, numbers).
- `serialize_for(obj, audience) -> dict`: optional, the payload for these recipients, when it
  says something about them (an entity says which of them will get its origin report).
- `apply(record_id, payload, origin)`: create or update the local copy, owned by `origin`;
  raise `Deferred(record_type, record_id)`, before writing anything, when a record it needs has
  not arrived yet.
- `audience(obj) -> set[str]`: the platform codes that may hold the record now.
- `owner(obj) -> str`: the owning platform's code (default: `obj.owner.code`).
- `retract(record_id)`: remove the local copy and what hangs off it (default: delete by pk).
  Another app that keeps a protected reference to records of a type lets go of it first:
  `before_retract("records.entity", forget)` (a message keeps the reference of a record it
  carried, not the record).
- `apply_many([(record_id, payload, origin), ...]) -> {record_id: "type:id" waited for}`:
  optional, many changes of one batch at once (bulk writes); it leaves out, before writing
  anything, those that need a record not arrived yet and says which record each waits for.

Only the owner publishes (`pcms.federation.outbox.publish(obj)`, best inside the action's own
transaction); the federation signs, addresses, carries, orders and applies exactly once.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

from django.db import models


class Deferred(Exception):  # noqa: N818 - a signal to the inbox, not an error
    """The change needs another record first; it waits in the inbox until that one arrives."""

    def __init__(self, record_type: str, record_id: str) -> None:
        super().__init__(f"waiting for {record_type} {record_id}")
        self.key = f"{record_type}:{record_id}"


@dataclass(frozen=True)
class Kind:
    name: str
    model: type[models.Model]
    serialize: Callable[[models.Model], dict]
    apply: Callable[[str, dict, str], None]
    audience: Callable[[models.Model], set[str]]
    owner: Callable[[models.Model], str]
    retract: Callable[[str], None]
    apply_many: Callable[[list[tuple[str, dict, str]]], dict[str, str]] | None = None
    serialize_for: Callable[[models.Model, set[str]], dict] | None = None

    def payload(self, obj: models.Model, audience: set[str]) -> dict:
        """The payload of a change about `obj` addressed to `audience`."""
        if self.serialize_for is not None:
            return self.serialize_for(obj, audience)
        return self.serialize(obj)

    def remove(self, record_id: str) -> None:
        """Retract the local copy, once what other apps keep of it has let go."""
        for forget in _BEFORE_RETRACT.get(self.name, []):
            forget(record_id)
        self.retract(record_id)

    def get(self, record_id: str) -> models.Model | None:
        return self.model.objects.filter(pk=record_id).first()


_KINDS: dict[str, Kind] = {}
_BEFORE_RETRACT: dict[str, list[Callable[[str], None]]] = {}


def _owner_code(obj: models.Model) -> str:
    return obj.owner.code


def register(model: type[models.Model], serialize: Callable[[models.Model], dict],
             apply: Callable[[str, dict, str], None], audience: Callable[[models.Model], set[str]],
             *, owner: Callable[[models.Model], str] | None = None,
             retract: Callable[[str], None] | None = None,
             apply_many: Callable[[list[tuple[str, dict, str]]], dict[str, str]] | None = None,
             serialize_for: Callable[[models.Model, set[str]], dict] | None = None,
             ) -> Kind:
    name = model._meta.label_lower
    kind = Kind(name, model, serialize, apply, audience, owner or _owner_code,
                retract or (lambda record_id: model.objects.filter(pk=record_id).delete()),
                apply_many, serialize_for)
    _KINDS[name] = kind
    return kind


def before_retract(name: str, forget: Callable[[str], None]) -> None:
    """Call `forget(record_id)` before a record of type `name` is retracted here."""
    hooks = _BEFORE_RETRACT.setdefault(name, [])
    if forget not in hooks:
        hooks.append(forget)


def kind_of(model: type[models.Model]) -> Kind | None:
    return _KINDS.get(model._meta.label_lower)


def kind_named(name: str) -> Kind | None:
    return _KINDS.get(name)


def kinds() -> list[Kind]:
    return list(_KINDS.values())


_PASS: ContextVar[dict | None] = ContextVar("publishing_pass", default=None)
T = TypeVar("T")


@contextmanager
def publishing_pass() -> Iterator[None]:
    """Publications that belong together (a report and its entities): what `remembered`
    computes inside is computed once for all of them. A pass inside a pass joins it."""
    token = _PASS.set({}) if _PASS.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _PASS.reset(token)


def remembered(key: tuple, compute: Callable[[], T]) -> T:
    """`compute()`, once per key within a publishing pass; every time outside one."""
    memo = _PASS.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]
