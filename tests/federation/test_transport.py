"""The peer endpoints: signed requests only, resumable upload, pull, limits."""

import hashlib
import json
import uuid

import pytest
from django.core.cache import cache

from pcms.federation import outbox
from pcms.federation.choices import Reason
from pcms.federation.models import Delivery, Rejection
from pcms.federation.transport import sign_request
from pcms.records.models import Report
from tests.federation.conftest import batch, change, report_payload

API = "/api/v1/federation"


def signed(client, identity, method: str, path: str, body: bytes = b"", to: str = "NE"):
    headers = sign_request(identity, to, method, path, body)
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    call = getattr(client, method.lower())
    if method in ("PUT", "POST"):
        return call(path, data=body, content_type="application/octet-stream", **extra)
    return call(path, **extra)


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


def a_batch(ml) -> tuple[bytes, str, str]:
    report_id = str(uuid.uuid4())
    data = batch(ml, [change(ml, "records.report", report_id, report_payload("ML", "ML-9"))])
    return data, hashlib.sha256(data).hexdigest(), report_id


def test_unsigned_and_wrongly_signed_requests_are_refused_and_logged(client, remote):
    ml = remote("ML")
    data, sha, _report = a_batch(ml)
    assert client.get(f"{API}/inbox/{sha}").status_code == 401
    from pcms.federation.keys import Identity

    impostor = Identity.generate("ML")
    response = signed(client, impostor, "PUT", f"{API}/inbox/{sha}?offset=0&size={len(data)}", data)
    assert response.status_code == 401
    assert not Report.objects.exists()
    assert [r.reason for r in Rejection.objects.order_by("id")] == [Reason.UNSIGNED, Reason.UNSIGNED]


def test_a_user_token_opens_no_federation_endpoint(client, remote, officer):
    from pcms.accounts.models import ApiToken

    _token, key = ApiToken.issue(officer)
    response = client.post(f"{API}/outbox", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401


def test_request_for_another_node_is_refused(client, remote):
    ml = remote("ML")
    response = signed(client, ml, "POST", f"{API}/outbox", to="BF")
    assert response.status_code == 421


def test_upload_resumes_where_it_stopped_and_applies_once(client, remote):
    ml = remote("ML")
    data, sha, report_id = a_batch(ml)
    half = len(data) // 2
    first = signed(client, ml, "PUT", f"{API}/inbox/{sha}?offset=0&size={len(data)}", data[:half])
    assert first.json() == {"offset": half, "done": False}
    assert signed(client, ml, "GET", f"{API}/inbox/{sha}").json() == {"offset": half, "done": False}
    wrong = signed(client, ml, "PUT", f"{API}/inbox/{sha}?offset=0&size={len(data)}", data[:half])
    assert wrong.status_code == 409 and wrong.json() == {"offset": half}
    rest = signed(client, ml, "PUT", f"{API}/inbox/{sha}?offset={half}&size={len(data)}", data[half:])
    assert rest.json()["done"] is True
    assert Report.objects.filter(pk=report_id).exists()
    again = signed(client, ml, "PUT", f"{API}/inbox/{sha}?offset=0&size={len(data)}", data)
    assert again.json()["done"] is True
    assert signed(client, ml, "GET", f"{API}/inbox/{sha}").json()["done"] is True


def test_batch_that_does_not_match_its_name_is_dropped(client, remote):
    ml = remote("ML")
    data, _sha, _report = a_batch(ml)
    other = hashlib.sha256(b"other").hexdigest()
    response = signed(client, ml, "PUT", f"{API}/inbox/{other}?offset=0&size={len(data)}", data)
    assert response.status_code == 422
    assert signed(client, ml, "GET", f"{API}/inbox/{other}").json()["offset"] == 0


def test_oversized_chunk_is_refused_before_it_is_read(client, remote, settings):
    ml = remote("ML")
    settings.FEDERATION_CHUNK_BYTES = 100
    data, sha, _report = a_batch(ml)
    response = signed(client, ml, "PUT", f"{API}/inbox/{sha}?offset=0&size={len(data)}", data)
    assert response.status_code == 413


def test_a_peer_over_its_rate_limit_is_told_to_wait(client, remote, settings):
    ml = remote("ML")
    settings.FEDERATION_RATE_PER_MINUTE = 10
    statuses = [signed(client, ml, "POST", f"{API}/outbox").status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429


def test_a_peer_behind_a_firewall_pulls_what_waits_for_it(client, remote, validated_report,
                                                          node):
    ml = remote("ML")
    validated_report(dissemination="named", recipients=("ML",))
    outbox.reconcile()
    assert Delivery.objects.filter(peer__code="ML", acked_at__isnull=True).count() == 2
    offer = signed(client, ml, "POST", f"{API}/outbox").json()
    assert offer["count"] == 2
    part = signed(client, ml, "GET", f"{API}/outbox/{offer['sha256']}?offset=0").content
    assert len(part) == offer["size"] and hashlib.sha256(part).hexdigest() == offer["sha256"]
    assert signed(client, ml, "POST", f"{API}/outbox/{offer['sha256']}/ack").json() == {"done": True}
    assert not Delivery.objects.filter(peer__code="ML", acked_at__isnull=True).exists()
    assert signed(client, ml, "POST", f"{API}/outbox").json() == {"sha256": None}
    assert json.loads(signed(client, ml, "GET", f"{API}/outbox/{offer['sha256']}").content)[
        "detail"].startswith("No such batch")


def test_one_process_at_a_time_synchronises_with_a_peer(remote, node):
    """The worker and `pcms sync` may both start a round: the second leaves the peer alone rather
    than resume the same partial batch as the first."""
    from pcms.federation import inbox, sync
    from pcms.federation.models import Peer

    remote("RG", url="http://127.0.0.1:9")  # nothing answers there: an attempt is a failure
    with inbox.node_lock("sync-RG", wait=False) as alone:
        assert alone
        (report,) = sync.sync_all("RG")
        assert report.busy and not report.errors
        assert Peer.objects.get(code="RG").failures == 0  # not even tried
    (report,) = sync.sync_all("RG")
    assert not report.busy and report.errors
    assert Peer.objects.get(code="RG").failures == 1
