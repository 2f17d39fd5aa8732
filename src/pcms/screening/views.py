"""Screening page, hits and duplicate proposals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pcms.audit.choices import AuditAction
from pcms.audit.services import record
from pcms.matching import InvalidEntity
from pcms.records.models import Entity
from pcms.records.visibility import can_edit, may_use_records, readable
from pcms.screening import services
from pcms.screening.forms import ScreeningForm
from pcms.screening.labels import evidence_rows
from pcms.screening.models import DuplicateProposal

SCREENERS = ("officer", "supervisor", "analyst")


def _require(request: HttpRequest, *roles: str) -> None:
    if not may_use_records(request.user) or not request.user.has_role(*roles):
        raise PermissionDenied


@login_required
def screen(request: HttpRequest) -> HttpResponse:
    _require(request, *SCREENERS)
    form = ScreeningForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        try:
            screening, candidates = services.screen(
                request.user, form.cleaned_data["query"], form.cleaned_data["purpose"],
                form.cleaned_data["reason"], request=request)
        except InvalidEntity as error:
            form.add_error(None, str(error))
        else:
            results = [(c, evidence_rows(services.explanation_data(c.result))) for c in candidates]
            return render(request, "screening/screen.html",
                          {"form": form, "results": results, "screening": screening})
    return render(request, "screening/screen.html", {"form": form, "results": results})


@login_required
def hits(request: HttpRequest) -> HttpResponse:
    _require(request, *SCREENERS)
    items = services.hits_for(request.user)[:200]
    return render(request, "screening/hits.html", {"hits": items})


@login_required
def hit_detail(request: HttpRequest, pk) -> HttpResponse:
    _require(request, *SCREENERS)
    hit = get_object_or_404(services.hits_for(request.user), pk=pk)
    readable_ids = set(readable(Entity.objects.filter(pk__in=[hit.entity_id, hit.candidate_id]),
                                request.user).values_list("pk", flat=True))
    record(AuditAction.READ, request=request, obj=hit)
    return render(request, "screening/hit_detail.html", {
        "hit": hit, "rows": evidence_rows(hit.explanation),
        "entity_readable": hit.entity_id in readable_ids,
        "candidate_readable": hit.candidate_id in readable_ids,
    })


@login_required
def duplicates(request: HttpRequest) -> HttpResponse:
    _require(request, "officer", "supervisor")
    proposals = (DuplicateProposal.objects.filter(platform_id=request.user.platform_id,
                                                  status="pending")
                 .select_related("first", "second")[:100])
    rows = [(p, evidence_rows(p.explanation)) for p in proposals]
    return render(request, "screening/duplicates.html", {"rows": rows})


@login_required
@require_POST
def decide_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "officer", "supervisor")
    proposal = get_object_or_404(DuplicateProposal, pk=pk, platform_id=request.user.platform_id,
                                 status="pending")
    if not (can_edit(request.user, proposal.first) and can_edit(request.user, proposal.second)):
        raise PermissionDenied
    if request.POST.get("decision") == "merge":
        keep = services.merge_proposal(request.user, proposal, request=request)
        messages.success(request, _("The two records were merged."))
        return redirect("records:entity_detail", pk=keep.pk)
    services.reject_proposal(request.user, proposal, request=request)
    messages.success(request, _("Kept apart: later runs will not propose them again."))
    return redirect("screening:duplicates")
