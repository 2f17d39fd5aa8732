"""The node's match index: every matchable entity this node holds, kept on disk.

The database is the truth and the index a derived copy. Only the task queue writes to it (one
writer), through the index's journal; web processes open it read-only and replay the journal
before each search, so a record indexed a moment ago is found at once. `pcms matching rebuild`
makes it anew from the database.
"""

import threading
from pathlib import Path

from django.conf import settings

from pcms.matching import InvalidEntity, MatchIndex, prepare
from pcms.matching.features import KINDS
from pcms.records.models import Entity

MATCHABLE = tuple(name for name in KINDS if name in (
    "Person", "Organization", "Company", "PublicBody", "LegalEntity", "Vehicle", "Identification",
    "Passport", "Phone", "Firearm"))

_lock = threading.Lock()
_index: MatchIndex | None = None


def index_path() -> Path:
    return Path(settings.DATA_DIR) / "match-index"


def region() -> str:
    from pcms.reference.models import Platform

    platform = Platform.objects.filter(code=settings.PCMS_NODE).first()
    return platform.country_id if platform else "NE"


def get_index() -> MatchIndex:
    """This process's view of the index, brought up to date with the writer's journal."""
    global _index
    with _lock:
        if _index is None or _index.path != index_path():
            _index = MatchIndex(index_path(), region=region())
        else:
            _index.refresh()
        return _index


def reset() -> None:
    """Forget this process's copy (tests, and after a rebuild by another process)."""
    global _index
    with _lock:
        if _index is not None:
            _index.close()
        _index = None


def match_data(entity: Entity) -> dict:
    return {"schema": entity.schema, "properties": entity.properties}


def put(entity: Entity) -> bool:
    """Add or replace one entity; False when its type is not matched."""
    if entity.schema not in MATCHABLE:
        return False
    index = get_index()
    try:
        index.add(str(entity.pk), match_data(entity))
    except InvalidEntity:
        return False
    return True


def drop(entity_id) -> None:
    get_index().remove(str(entity_id))


def rebuild(batch: int = 5000) -> int:
    """Make the index anew from every matchable entity in the database."""
    import shutil

    reset()
    shutil.rmtree(index_path(), ignore_errors=True)
    index = get_index()
    rows = (Entity.objects.filter(schema__in=MATCHABLE).values_list("pk", "schema", "properties")
            .iterator(chunk_size=batch))
    count = index.add_many(
        (str(pk), data) for pk, schema, properties in rows
        if _readable_by_matcher(data := {"schema": schema, "properties": properties}))
    index.save()
    return count


def _readable_by_matcher(data: dict) -> bool:
    try:
        prepare(data)
    except InvalidEntity:
        return False
    return True
