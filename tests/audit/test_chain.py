import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from pcms.audit import guards
from pcms.audit.choices import AuditAction
from pcms.audit.models import AuditEntry
from pcms.audit.services import record, verify


def _write_some(officer, count=5):
    for number in range(count):
        record(AuditAction.READ, actor=officer, object_type="records.report", object_id=number)


def _drop_guards():
    """What an attacker with direct database access would do first."""
    guards.remove(connection)


def test_intact_trail_verifies(officer, capsys):
    _write_some(officer)
    call_command("audit", "verify")
    assert "intact" in capsys.readouterr().out


def test_entries_cannot_be_updated_or_deleted(officer):
    _write_some(officer, 1)
    entry = AuditEntry.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(actor_username="someone else")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()


@pytest.mark.django_db(transaction=True)
def test_altered_entry_is_reported(officer):
    _write_some(officer)
    target = AuditEntry.objects.order_by("id")[2]
    _drop_guards()
    AuditEntry.objects.filter(pk=target.pk).update(object_id="999")
    with pytest.raises(CommandError, match="TAMPERED"):
        call_command("audit", "verify")
    _count, breaks = verify()
    assert [b.entry_id for b in breaks] == [target.pk]


@pytest.mark.django_db(transaction=True)
def test_removed_entry_is_reported(officer):
    _write_some(officer)
    entries = list(AuditEntry.objects.order_by("id"))
    _drop_guards()
    AuditEntry.objects.filter(pk=entries[1].pk).delete()
    _count, breaks = verify()
    assert breaks and breaks[0].entry_id == entries[2].pk


@pytest.mark.django_db(transaction=True)
def test_truncated_tail_is_reported(officer):
    _write_some(officer)
    last = AuditEntry.objects.order_by("id").last()
    _drop_guards()
    AuditEntry.objects.filter(pk=last.pk).delete()
    _count, breaks = verify()
    assert breaks and "missing" in breaks[-1].reason


def test_sign_in_and_page_reads_are_recorded_with_address(officer_client, officer):
    entry = AuditEntry.objects.filter(action="login", actor=officer).get()
    assert entry.ip_address == "127.0.0.1"
    assert entry.platform == "NE"


def test_entries_hold_no_object_content(officer):
    entry = record(AuditAction.READ, actor=officer, obj=officer)
    assert entry.object_type == "accounts.user"
    assert entry.object_id == str(officer.pk)
    assert officer.last_name not in str(entry.detail)
