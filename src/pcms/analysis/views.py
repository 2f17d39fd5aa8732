"""Pages of analysis. Thin: figures come from stats/dashboard, graphs from network, changes from
actions; every page and export is limited to what the user may read, and audited."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pcms.analysis import (
    actions,
    bulletins,
    dashboard,
    exchange,
    exports,
    maps,
    network,
    stats,
    timeline,
)
from pcms.analysis.choices import BulletinKind, BulletinStatus
from pcms.analysis.forms import BulletinForm, FilterForm
from pcms.analysis.stats import default_filters
from pcms.audit.choices import AuditAction
from pcms.audit.services import record
from pcms.records.choices import ThreatCategory
from pcms.records.models import Entity
from pcms.records.visibility import may_use_records, readable
from pcms.reference.loaders import network as network_config
from pcms.reference.models import Region

MAX_DEPTH = 3


def _require_records(request: HttpRequest) -> None:
    if not may_use_records(request.user):
        raise PermissionDenied


def _filters(request: HttpRequest):
    default = default_filters()
    form = FilterForm(request.GET or None, initial={"start": default.start, "end": default.end})
    return form, form.filters()


@login_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    _require_records(request)
    form, filters = _filters(request)
    board = dashboard.build(request.user, filters)
    record(AuditAction.SEARCH, request=request, object_type="analysis.dashboard",
           detail={"filters": filters.query(), "reports": board.figures.total})
    return render(request, "analysis/dashboard.html", {
        "form": form, "board": board, "query": filters.query(), "charts": board.figures.charts(),
        "exchange_available": exchange.available()})


@login_required
def export_table(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    _require_records(request)
    if fmt not in exports.FORMATS:
        raise Http404
    _form, filters = _filters(request)
    board = dashboard.build(request.user, filters)
    table = board.tables.get(key)
    if table is None:
        raise Http404
    record(AuditAction.EXPORT, request=request, object_type="analysis.table", object_id=key,
           detail={"format": fmt, "filters": filters.query(), "rows": len(table.rows)})
    response = HttpResponse(exports.export(table, fmt), content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{key}.{fmt}"'
    return response


@login_required
def map_page(request: HttpRequest) -> HttpResponse:
    _require_records(request)
    form, filters = _filters(request)
    labels = {
        "categories": {value: str(label) for value, label in ThreatCategory.choices},
        "regions": {region.code: region.name for region in Region.objects.filter(
            country_id__in=network_config()["member_states"])},
        "open": _("Open the report"), "reports": _("reports"),
        "shown": _("%(shown)s of %(total)s reports on the map; the most recent are shown."),
        "placed": {"town": _("placed at the town named"), "region": _("placed at the centre of its region"),
                   "country": _("placed at the centre of its country")},
    }
    return render(request, "analysis/map.html", {"form": form, "query": filters.query(),
                                                 "labels": labels})


@login_required
def map_data(request: HttpRequest) -> JsonResponse:
    _require_records(request)
    _form, filters = _filters(request)
    reports = stats.reports_for(request.user, filters)
    markers = maps.report_markers(reports)
    figures = stats.figures(reports, filters)
    total = figures.total
    record(AuditAction.SEARCH, request=request, object_type="analysis.map",
           detail={"filters": filters.query(), "shown": len(markers)})
    return JsonResponse({"markers": markers, "total": total,
                         "regions": dict(figures.region_counts())})


def _entity_or_404(request: HttpRequest, pk) -> Entity:
    _require_records(request)
    return get_object_or_404(readable(Entity.objects.all(), request.user), pk=pk)


def _depth(request: HttpRequest) -> int:
    try:
        return min(max(int(request.GET.get("depth", 1)), 1), MAX_DEPTH)
    except ValueError:
        return 1


@login_required
def network_page(request: HttpRequest, pk) -> HttpResponse:
    entity = _entity_or_404(request, pk)
    return render(request, "analysis/network.html", {"entity": entity, "depth": _depth(request),
                                                     "labels": network.labels()})


@login_required
def network_data(request: HttpRequest, pk) -> JsonResponse:
    """The network around the entity, or (with ?node=) the neighbours of one node of it."""
    entity = _entity_or_404(request, pk)
    node = request.GET.get("node", "")
    if node:
        graph = network.around(node, request.user)
        if graph is None:
            raise Http404
    else:
        graph = network.ego(entity, request.user, depth=_depth(request))
    record(AuditAction.READ, request=request, obj=entity,
           detail={"view": "network", "node": node[:60], "nodes": len(graph.nodes)})
    return JsonResponse(graph.as_json())


@login_required
def network_ftm(request: HttpRequest, pk) -> HttpResponse:
    """The entities and relations of the network the user sees, as followthemoney JSON lines."""
    entity = _entity_or_404(request, pk)
    expanded = [n for n in request.GET.get("expanded", "").split(",") if n][:200]
    graph = network.ego(entity, request.user, depth=_depth(request), expanded=expanded)
    rows = list(network.entities_for_export(graph, request.user))
    record(AuditAction.EXPORT, request=request, obj=entity,
           detail={"format": "ftm", "view": "network", "entities": len(rows)})
    body = "".join(json.dumps(row.to_ftm(), ensure_ascii=False, sort_keys=True) + "\n" for row in rows)
    response = HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="network-{entity.pk}.ftm.json"'
    return response


@login_required
@require_POST
def network_png(request: HttpRequest, pk) -> HttpResponse:
    """The picture is drawn in the browser; this records that it was exported."""
    entity = _entity_or_404(request, pk)
    record(AuditAction.EXPORT, request=request, obj=entity, detail={"format": "png", "view": "network"})
    return HttpResponse(status=204)


@login_required
def entity_timeline(request: HttpRequest, pk) -> HttpResponse:
    entity = _entity_or_404(request, pk)
    events = timeline.entity_timeline(entity, request.user)
    record(AuditAction.READ, request=request, obj=entity, detail={"view": "timeline"})
    return render(request, "analysis/timeline.html", {"entity": entity, "events": events})


@login_required
def case_timeline(request: HttpRequest, pk) -> HttpResponse:
    """The reports filed in a case of the exchange, by date of the facts."""
    _require_records(request)
    found = exchange.case_and_reports(request.user, pk) if exchange.available() else None
    if found is None:
        raise Http404
    case, reports = found
    events = timeline.reports_timeline(reports, request.user)
    record(AuditAction.READ, request=request, obj=case, detail={"view": "timeline"})
    return render(request, "analysis/case_timeline.html", {"case": case, "events": events})


# Bulletins ---------------------------------------------------------------------------------------

def _bulletin_or_404(request: HttpRequest, pk: int):
    _require_records(request)
    return get_object_or_404(bulletins.readable_bulletins(request.user), pk=pk)


def _form_data(form: BulletinForm) -> tuple[dict, list]:
    data = {k: v for k, v in form.cleaned_data.items() if k != "recipients"}
    return data, form.cleaned_data.get("recipients") or []


@login_required
def bulletin_list(request: HttpRequest) -> HttpResponse:
    _require_records(request)
    items = bulletins.readable_bulletins(request.user).select_related("created_by")
    return render(request, "analysis/bulletin_list.html", {
        "bulletins": items, "may_write": bulletins.may_write(request.user),
        "kinds": BulletinKind.choices})


@login_required
def bulletin_create(request: HttpRequest) -> HttpResponse:
    _require_records(request)
    if not bulletins.may_write(request.user):
        raise PermissionDenied
    initial = bulletins.initial(request.GET.get("kind", ""))
    form = BulletinForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data, recipients = _form_data(form)
        bulletin = actions.create_bulletin(request.user, data, recipients, request=request)
        messages.success(request, _("Bulletin saved as a draft."))
        return redirect("analysis:bulletin_detail", pk=bulletin.pk)
    return render(request, "analysis/bulletin_form.html", {"form": form})


@login_required
def bulletin_edit(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin_or_404(request, pk)
    if not bulletins.can_edit(request.user, bulletin):
        raise PermissionDenied
    form = BulletinForm(request.POST or None, instance=bulletin, user=request.user)
    if request.method == "POST" and form.is_valid():
        data, recipients = _form_data(form)
        actions.update_bulletin(request.user, bulletin, data, recipients, request=request)
        messages.success(request, _("Bulletin saved."))
        return redirect("analysis:bulletin_detail", pk=pk)
    return render(request, "analysis/bulletin_form.html", {"form": form, "bulletin": bulletin})


@login_required
def bulletin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin_or_404(request, pk)
    record(AuditAction.READ, request=request, obj=bulletin)
    return render(request, "analysis/bulletin_detail.html", {
        "bulletin": bulletin, "content": bulletins.content(bulletin, rtl=translation.get_language_bidi()),
        "marking": bulletins.marking(bulletin),
        "paragraphs": [p.strip() for p in bulletin.body.split("\n\n") if p.strip()],
        "can_edit": bulletins.can_edit(request.user, bulletin),
        "can_send": (bulletin.status == BulletinStatus.PUBLISHED and exchange.available()
                     and bulletins.may_write(request.user) and bulletin.dissemination != "own")})


@login_required
def bulletin_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin_or_404(request, pk)
    language = request.GET.get("language") or translation.get_language()
    if language not in ("fr", "en", "ar"):
        raise Http404
    pdf = bulletins.bulletin_pdf(bulletin, language)
    record(AuditAction.EXPORT, request=request, obj=bulletin, detail={"format": "pdf",
                                                                     "language": language})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bulletin-{bulletin.pk}-{language}.pdf"'
    return response


@login_required
@require_POST
def bulletin_publish(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin_or_404(request, pk)
    actions.publish(request.user, bulletin, request=request)
    messages.success(request, _("Bulletin published."))
    return redirect("analysis:bulletin_detail", pk=pk)


@login_required
@require_POST
def bulletin_send(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin_or_404(request, pk)
    try:
        message = actions.send(request.user, bulletin, translation.get_language(), request=request)
    except actions.BulletinError as error:
        messages.error(request, error.message)
        return redirect("analysis:bulletin_detail", pk=pk)
    messages.success(request, _("Bulletin sent as a message."))
    try:
        return redirect(reverse("exchange:message_detail", args=[message.pk]))
    except NoReverseMatch:  # the exchange pages may be absent on this node
        return redirect("analysis:bulletin_detail", pk=pk)
