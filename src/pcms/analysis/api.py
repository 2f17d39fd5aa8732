"""Analysis through the REST API: dashboard tables and network views, under the pages' rules."""

from datetime import date
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from pcms.analysis import dashboard, network
from pcms.analysis.stats import Filters, default_filters
from pcms.audit.choices import AuditAction
from pcms.audit.services import record
from pcms.records.choices import ThreatCategory
from pcms.records.models import Entity
from pcms.records.visibility import may_use_records, readable

router = Router(tags=["analysis"])


class TableOut(Schema):
    key: str
    title: str
    headers: list[str]
    rows: list[list]


class DashboardOut(Schema):
    start: date | None
    end: date | None
    reports: int
    hits_this_week: int | None
    tables: list[TableOut]


class DashboardQuery(Schema):
    start: date | None = None
    end: date | None = None
    category: ThreatCategory | None = None
    country: str | None = None


class NetworkOut(Schema):
    nodes: list[dict]
    edges: list[dict]
    truncated: bool


def _require(request: HttpRequest) -> None:
    if not may_use_records(request.user):
        raise PermissionDenied


@router.get("/dashboard", response=DashboardOut,
            summary="Report counts (and exchange figures) the caller may see, for a period")
def dashboard_tables(request: HttpRequest, query: Query[DashboardQuery]):
    _require(request)
    default = default_filters()
    filters = Filters(start=query.start or default.start, end=query.end or default.end,
                      category=query.category or "", country=(query.country or "").upper())
    board = dashboard.build(request.user, filters)
    record(AuditAction.SEARCH, request=request, object_type="analysis.dashboard",
           detail={"filters": filters.query(), "reports": board.figures.total})
    return DashboardOut(start=filters.start, end=filters.end, reports=board.figures.total,
                        hits_this_week=board.hits_this_week,
                        tables=[TableOut(key=t.key, title=str(t.title), headers=[str(h) for h in t.headers],
                                         rows=[[str(v) if not isinstance(v, int | float) else v
                                                for v in row] for row in t.rows])
                                for t in board.tables.values()])


@router.get("/network/{entity_id}", response=NetworkOut,
            summary="The readable network around an entity, 1 to 3 steps out")
def network_view(request: HttpRequest, entity_id: UUID, depth: int = 1):
    _require(request)
    entity = get_object_or_404(readable(Entity.objects.all(), request.user), pk=entity_id)
    graph = network.ego(entity, request.user, depth=min(max(depth, 1), 3))
    record(AuditAction.READ, request=request, obj=entity,
           detail={"view": "network", "nodes": len(graph.nodes)})
    return graph.as_json()
