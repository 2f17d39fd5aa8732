"""Bundles carried by hand converge with online sync: the same change is applied once."""

import hashlib
import uuid

import pytest

from pcms.federation import bundles, crypto, inbox, outbox, wire
from pcms.federation.choices import Outcome, Reason
from pcms.federation.models import InboxEntry
from pcms.records.models import Entity, Report
from tests.federation.conftest import batch, change, person_payload, report_payload


def ml_changes(ml):
    report_id, person_id = str(uuid.uuid4()), str(uuid.uuid4())
    return [change(ml, "records.report", report_id, report_payload("ML", "ML-7",
                                                                   [(person_id, "suspect")])),
            change(ml, "records.entity", person_id, person_payload("ML", report_id, "Sidi Test",
                                                                   [(report_id, "suspect")]))]


def test_bundle_then_online_sync_applies_each_change_once(remote, tmp_path):
    ml = remote("ML")
    frames = ml_changes(ml)
    path = tmp_path / "ml-to-ne.pcms"
    path.write_bytes(batch(ml, frames, kind="bundle"))
    assert bundles.import_file(path)["outcomes"] == {Outcome.APPLIED: 2}
    online = batch(ml, frames)
    result = inbox.take_batch("ML", hashlib.sha256(online).hexdigest(), online)
    assert result["outcomes"] == {Reason.REPLAYED: 2}
    assert Report.objects.count() == 1 and Entity.objects.count() == 1
    assert InboxEntry.objects.count() == 2
    assert bundles.import_file(path) == {"done": True}


def test_online_sync_then_a_late_bundle_changes_nothing(remote, tmp_path):
    ml = remote("ML")
    frames = ml_changes(ml)
    inbox.receive(batch(ml, frames[:1]))
    path = tmp_path / "late.pcms"
    path.write_bytes(batch(ml, frames, kind="bundle"))
    assert bundles.import_file(path)["outcomes"] == {Reason.REPLAYED: 1, Outcome.APPLIED: 1}
    assert Report.objects.count() == 1 and Entity.objects.count() == 1


def test_exported_bundle_opens_only_for_its_recipient(remote, validated_report, tmp_path, node):
    remote("RG", url="http://127.0.0.1:9")
    ml = remote("ML", via="RG")
    bf = remote("BF", via="RG")
    validated_report(dissemination="named", recipients=("ML",))
    outbox.reconcile()
    path = tmp_path / "ne-to-ml.pcms"
    assert bundles.export("ML", path) == 2
    assert path.stat().st_mode & 0o777 == 0o600
    data = path.read_bytes()
    opened = wire.open_batch(data, ml, lambda code: crypto.public_bytes(node.signing))
    assert opened.kind == "bundle" and len(opened.frames) == 2
    assert all(frame.targets == ("ML",) for frame in opened.frames)
    with pytest.raises(wire.WireError):
        wire.open_batch(data, bf, lambda code: crypto.public_bytes(node.signing))
    assert bundles.export("BF", tmp_path / "ne-to-bf.pcms") == 0


def test_bundle_for_another_node_is_refused(remote, tmp_path, node):
    ml = remote("ML")
    path = tmp_path / "for-bf.pcms"
    path.write_bytes(wire.seal_batch(ml, "BF", crypto.public_bytes(node.box), ml_changes(ml),
                                     "bundle"))
    with pytest.raises(bundles.BundleError, match="misaddressed"):
        bundles.import_file(path)
    assert not Report.objects.exists()
