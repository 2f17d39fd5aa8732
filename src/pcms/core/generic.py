"""Generic list and detail views that every app declares its pages with.

A list names its base queryset (already limited to what the user may read), its filterset and
its templates; a detail names how to fetch one readable object. Listing, searching and reading are
audited here once, so no page forgets it, and every list page is metered (`pcms.core.metering`).
Objects the user may not read answer 404, exactly like objects that do not exist, so that probing
reveals nothing.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View

from pcms.audit.choices import AuditAction
from pcms.audit.services import record
from pcms.core import metering
from pcms.core.forms import style_fields


def too_many_reads(request: HttpRequest, error: metering.BulkReadLimit) -> HttpResponse:
    message = _("You have listed more than %(limit)d records within an hour. Try again in "
                "%(minutes)d minutes, or ask your data protection officer.") % {
        "limit": error.limit, "minutes": error.retry_after // 60 + 1}
    response = render(request, "core/error.html", {"status": 429, "message": message}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


class CappedPaginator(Paginator):
    """Counts the matching rows only up to `cap`: a list of a million records would spend far
    longer counting them than showing fifty. Past the cap the list says "more than" and its pages
    go on for as long as rows follow, without a last page number.

    The keys of the first cap + 1 rows are read once, in the list's order, and serve both to
    count and to page: a search or a filter whose rows the database must sort anyway sorts
    them once, not once to count and again to show."""

    cap = 1000

    @cached_property
    def first_keys(self) -> list:
        return list(self.object_list.values_list("pk", flat=True)[: self.cap + 1])

    @cached_property
    def count(self) -> int:
        """The number of rows, or cap + 1 when there are more."""
        return len(self.first_keys)

    @property
    def beyond_cap(self) -> bool:
        return self.count > self.cap

    def validate_number(self, number) -> int:
        if not self.beyond_cap:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom, top = (number - 1) * self.per_page, number * self.per_page
        if top <= self.cap:
            keys = self.first_keys[bottom:top]
            found = {row.pk: row for row in self._by_key(keys)}
            rows = [found[key] for key in keys if key in found]  # unless gone meanwhile
            return _OpenPage(rows, number, self, more=len(self.first_keys) > top)
        rows = list(self.object_list[bottom:top + 1])
        if not rows:
            raise EmptyPage(self.error_messages["no_results"])
        return _OpenPage(rows[:self.per_page], number, self, more=len(rows) > self.per_page)

    def _by_key(self, keys: list):
        """The rows of these keys, read by key alone: the list's filters (a search, need-to-know)
        chose them a moment ago and are not worked out again; its joins are kept."""
        rows = self.object_list.model._default_manager.filter(pk__in=keys)
        rows.query.select_related = self.object_list.query.select_related
        return rows

    def get_page(self, number) -> Page:
        try:
            return super().get_page(number)
        except EmptyPage:  # past the last row of an uncounted list
            return self.page(1)


class _OpenPage(Page):
    """A page of a list counted only up to its cap: whether another follows was looked up."""

    def __init__(self, object_list, number: int, paginator: Paginator, more: bool) -> None:
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more


class ObjectListView(LoginRequiredMixin, View):
    filterset_class = None
    template_name = ""
    results_template_name = ""
    per_page = 50
    paginator_class = Paginator
    object_type = ""

    def get_queryset(self, request: HttpRequest):
        raise NotImplementedError

    def get(self, request: HttpRequest) -> HttpResponse:
        filterset = self.filterset_class(request.GET or None, queryset=self.get_queryset(request),
                                         request=request)
        style_fields(filterset.form)
        page = self.paginator_class(filterset.qs, self.per_page).get_page(request.GET.get("page"))
        try:
            metering.charge(request, len(page.object_list), self.object_type)
        except metering.BulkReadLimit as error:
            return too_many_reads(request, error)
        record(AuditAction.SEARCH, request=request, object_type=self.object_type,
               detail={"filters": {k: v[:100] for k, v in request.GET.items() if k != "page"},
                       "shown": len(page.object_list)})
        context = {"filterset": filterset, "page": page, "objects": page.object_list,
                   **self.extra_context(request)}
        template = self.results_template_name if request.htmx else self.template_name
        return render(request, template, context)

    def extra_context(self, request: HttpRequest) -> dict:
        return {}


class ObjectDetailView(LoginRequiredMixin, View):
    template_name = ""

    def get_object(self, request: HttpRequest, pk):
        raise NotImplementedError

    def get_context(self, request: HttpRequest, obj) -> dict:
        return {}

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        obj = self.get_object(request, pk)
        if obj is None:
            raise Http404
        record(AuditAction.READ, request=request, obj=obj)
        return render(request, self.template_name, {"object": obj, **self.get_context(request, obj)})
