"""The federation status page: each peer's last contact, queue, traffic and errors."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pcms.audit.choices import AuditAction
from pcms.audit.services import record
from pcms.federation import peers
from pcms.federation.keys import IdentityError, local_identity
from pcms.federation.models import Rejection


@login_required
def peer_status(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role("administrator"):
        raise PermissionDenied
    try:
        identity = local_identity()
    except IdentityError:
        identity = None
    record(AuditAction.READ, request=request, object_type="federation.peer")
    context = {"identity": identity, "statuses": peers.statuses(),
               "rejections": Rejection.objects.all()[:50]}
    return render(request, "federation/peers.html", context)
