"""The federation receiver under malformed, oversized, replayed and forged envelopes.

Generated damage (bytes flipped, cut, added or replaced anywhere in a genuine batch) is sent to
the peer endpoint over signed HTTP and carried in as a bundle; forged envelopes are made with
the wrong key, for another node, or with a change whose origin did not sign it. Every one is
refused without a server error, the refusal is logged, and nothing is applied.
"""

import hashlib
import uuid

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcms.federation import bundles, crypto, inbox, wire
from pcms.federation.keys import Identity
from pcms.federation.models import InboxEntry, Rejection
from pcms.records.models import Entity, Report
from tests.federation.conftest import batch, change, node, remote, report_payload  # noqa: F401
from tests.federation.test_transport import API, signed

pytestmark = [pytest.mark.django_db, pytest.mark.heavy]
FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def genuine(ml: Identity) -> bytes:
    report = str(uuid.uuid4())
    return batch(ml, [change(ml, "records.report", report, report_payload("ML", "ML-7"))])


@st.composite
def damaged(draw, data: bytes) -> bytes:
    """A genuine batch with one kind of damage, anywhere in it."""
    size = len(data)
    kind = draw(st.sampled_from(["flip", "cut", "append", "replace", "garbage"]))
    at = draw(st.integers(0, 2**16)) % size  # batches differ in length from one run to the next
    if kind == "flip":
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:]
    if kind == "cut":
        return data[:at]
    if kind == "append":
        return data + draw(st.binary(min_size=1, max_size=64))
    if kind == "replace":
        return data[:at] + draw(st.binary(min_size=1, max_size=32)) + data[at + 32:]
    return draw(st.binary(min_size=0, max_size=512))


def nothing_applied() -> bool:
    return not Report.objects.exists() and not Entity.objects.exists() and not InboxEntry.objects.exists()


@pytest.fixture
def ml(remote):  # noqa: F811
    cache.clear()
    return remote("ML")


@FUZZ
@given(data=st.data())
def test_damaged_batch_over_http_is_refused_and_nothing_applied(client, ml, data):
    cache.clear()  # the peer's rate limit is not what this test is about
    blob = data.draw(damaged(genuine(ml)))
    sha = hashlib.sha256(blob).hexdigest()
    response = signed(client, ml, "PUT", f"{API}/inbox/{sha}?offset=0&size={len(blob)}", blob)
    assert 400 <= response.status_code < 500 or not response.json().get("done"), response.content
    assert response.status_code < 500
    assert nothing_applied()


@FUZZ
@given(data=st.data())
def test_damaged_bundle_is_refused_and_nothing_applied(ml, tmp_path, data):
    blob = data.draw(damaged(genuine(ml)))
    path = tmp_path / "damaged.pcms"
    path.write_bytes(blob)
    rejections = Rejection.objects.count()
    with pytest.raises(bundles.BundleError):
        bundles.import_file(path)
    assert nothing_applied()
    try:
        wire.read_header(blob)
    except wire.WireError:
        return  # not even a header: the operator is told, there is no sender to log against
    assert Rejection.objects.count() > rejections


def test_forged_envelopes_are_refused_and_logged(client, ml, node):  # noqa: F811
    impostor = Identity.generate("ML")  # right name, wrong key
    forged = [
        batch(impostor, [change(impostor, "records.report", str(uuid.uuid4()),
                                report_payload("ML", "ML-8"))]),
        wire.seal_batch(ml, "BF", crypto.public_bytes(node.box),  # for another node
                        [change(ml, "records.report", str(uuid.uuid4()), report_payload("ML", "ML-9"))]),
    ]
    for blob in forged:
        with pytest.raises(wire.WireError):
            inbox.receive(blob)
    # A genuine batch from ML carrying a change that claims BF as its origin, signed by ML.
    bf_claim = wire.Change(str(uuid.uuid4()), "BF", "records.report", str(uuid.uuid4()), 1, "create",
                           ("NE",), report_payload("BF", "BF-1")).encode()
    inbox.receive(batch(ml, [wire.Frame(("NE",), bf_claim, ml.sign(bf_claim))]))
    # A tampered payload under the origin's signature of the original bytes.
    frame = change(ml, "records.report", str(uuid.uuid4()), report_payload("ML", "ML-10"))
    tampered = frame.body.replace(b"ML-10", b"ML-11")
    inbox.receive(batch(ml, [wire.Frame(frame.targets, tampered, frame.signature)]))
    assert not Report.objects.exists()
    assert Rejection.objects.count() >= 4


def test_replayed_batch_and_change_apply_once(client, ml):
    data = genuine(ml)
    sha = hashlib.sha256(data).hexdigest()
    for _attempt in range(3):
        cache.clear()
        response = signed(client, ml, "PUT", f"{API}/inbox/{sha}?offset=0&size={len(data)}", data)
        assert response.status_code < 500 and response.json()["done"] is True
    assert Report.objects.count() == 1 and InboxEntry.objects.count() == 1


def test_oversized_envelope_is_refused_before_it_is_read(client, ml, settings):
    cache.clear()
    huge = 65 * 1024 * 1024
    sha = hashlib.sha256(b"x").hexdigest()
    response = signed(client, ml, "PUT", f"{API}/inbox/{sha}?offset=0&size={huge}", b"x" * 1024)
    assert response.status_code == 413
    assert nothing_applied()
