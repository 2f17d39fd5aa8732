"""A received batch is stored, acknowledged, then applied: nothing lost if a node stops between."""

import hashlib
import uuid

import pytest

from pcms.federation import inbox
from pcms.federation.choices import Outcome
from pcms.federation.models import InboxEntry, ReceivedBatch
from pcms.records.models import Report
from tests.federation.conftest import batch, change, report_payload


def a_batch(ml, reference: str) -> tuple[bytes, str, str]:
    report_id = str(uuid.uuid4())
    data = batch(ml, [change(ml, "records.report", report_id, report_payload("ML", reference))])
    return data, hashlib.sha256(data).hexdigest(), report_id


def test_a_stored_batch_is_on_disk_and_pending_until_applied(remote):
    ml = remote("ML")
    data, sha, report_id = a_batch(ml, "ML-2026-000100")
    assert inbox.store_batch("ML", sha, data) is True
    stored = ReceivedBatch.objects.get(sha256=sha)
    assert stored.applied_at is None and stored.count == 1
    assert (inbox.received_dir() / f"ML-{sha}.batch").read_bytes() == data
    assert not Report.objects.filter(pk=report_id).exists()
    assert inbox.store_batch("ML", sha, data) is False  # a retry of a stored batch: done
    assert inbox.apply_pending() == 1
    stored.refresh_from_db()
    assert stored.applied_at is not None and stored.outcomes == {Outcome.APPLIED: 1}
    assert Report.objects.filter(pk=report_id).exists()
    assert not (inbox.received_dir() / f"ML-{sha}.batch").exists()
    assert inbox.apply_pending() == 0


def test_a_node_stopped_while_applying_keeps_the_batch_pending_and_applies_it_whole_later(
        remote, monkeypatch):
    ml = remote("ML")
    first, first_sha, first_id = a_batch(ml, "ML-2026-000101")
    second, second_sha, second_id = a_batch(ml, "ML-2026-000102")
    inbox.store_batch("ML", first_sha, first)
    inbox.store_batch("ML", second_sha, second)

    def stop(*args, **kwargs):
        raise SystemExit("the node stops")

    monkeypatch.setattr(inbox, "retry_waiting", stop)
    with pytest.raises(SystemExit):
        inbox.apply_pending()
    assert not Report.objects.exists() and not InboxEntry.objects.exists()
    assert ReceivedBatch.objects.filter(applied_at__isnull=True).count() == 2
    monkeypatch.undo()
    assert inbox.apply_pending() == 2
    assert Report.objects.filter(pk__in=[first_id, second_id]).count() == 2
    first_row, second_row = ReceivedBatch.objects.order_by("id")
    assert first_row.sha256 == first_sha and first_row.applied_at <= second_row.applied_at


def test_a_batch_refused_when_it_arrives_is_not_stored(remote):
    ml = remote("ML")
    data, sha, _report = a_batch(ml, "ML-2026-000103")
    altered = bytearray(data)
    altered[len(altered) // 2] ^= 0x01
    altered_sha = hashlib.sha256(altered).hexdigest()
    with pytest.raises(inbox.wire.WireError):
        inbox.store_batch("ML", altered_sha, bytes(altered))
    assert not ReceivedBatch.objects.exists()
    assert not list(inbox.received_dir().glob(f"*{altered_sha}*"))


def test_tidying_keeps_the_file_of_a_pending_batch_and_removes_that_of_an_applied_one(remote):
    ml = remote("ML")
    first, first_sha, _first_id = a_batch(ml, "ML-2026-000104")
    inbox.store_batch("ML", first_sha, first)
    inbox.apply_pending()
    second, second_sha, _second_id = a_batch(ml, "ML-2026-000105")
    inbox.store_batch("ML", second_sha, second)
    leftover = inbox.received_dir() / f"ML-{first_sha}.batch"
    leftover.write_bytes(first)  # as if the node stopped between commit and removal
    inbox._tidy()
    assert not leftover.exists()
    assert (inbox.received_dir() / f"ML-{second_sha}.batch").exists()
