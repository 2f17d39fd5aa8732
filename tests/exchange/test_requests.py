"""Requests for information: an explicit, audited workflow between two platforms."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from pcms.audit.models import AuditEntry
from pcms.exchange import actions
from pcms.exchange.inbox import inbox
from pcms.exchange.models import InformationRequest
from pcms.exchange.sharing import ExchangeError
from pcms.exchange.visibility import visible_requests
from pcms.records.visibility import can_read


def ask(user, **fields):
    return actions.create_request(user, **{
        "recipient": "ML", "subject": "Vérification d'identité", "body": "Antécédents ?",
        "purpose": "terrorism-investigation", "due_date": timezone.localdate() + timedelta(days=5),
        "send": True, **fields})


def test_request_answered_with_a_record(people, person_record):
    _report, suspect = person_record(people.ne, people.ne_chief)
    info = ask(people.ne, records=[suspect], priority="urgent")
    assert info.status == "sent" and info.reference.startswith("NE-RFI-")
    assert can_read(people.ml, suspect)  # the record asked about went with the request
    assert inbox(people.ml).counts["incoming_requests"] == 1
    actions.accept_request(people.ml, info)
    ml_report, ml_person = person_record(people.ml, people.ml_chief, name="Moussa Traore",
                                         birth_date="1984")
    assert not can_read(people.ne, ml_person)
    info = actions.answer_request(people.ml, info, "Connu de nos services.", [ml_person])
    assert info.status == "answered"
    assert can_read(people.ne, ml_person)
    assert inbox(people.ne).counts["outgoing_requests"] == 1
    info = actions.close_request(people.ne, info)
    assert [s.status for s in info.steps.all()] == ["draft", "sent", "accepted", "answered",
                                                    "closed"]
    events = list(AuditEntry.objects.filter(object_id=str(info.pk)).order_by("id")
                  .values_list("detail__event", flat=True))
    assert events == ["drafted", "sent", "accepted", "answered", "closed"]


def test_answer_to_a_closed_request_is_refused(people):
    info = actions.close_request(people.ne, ask(people.ne))
    with pytest.raises(ExchangeError, match="closed|clos"):
        actions.answer_request(people.ml, info, "Trop tard.")
    info.refresh_from_db()
    assert info.status == "closed" and info.answer == ""


def test_only_each_side_moves_its_own_steps(people):
    info = ask(people.ne)
    with pytest.raises(PermissionDenied):
        actions.answer_request(people.ne, info, "Je réponds à ma propre demande.")
    with pytest.raises(PermissionDenied):
        actions.close_request(people.ml, info)
    with pytest.raises(PermissionDenied):
        actions.accept_request(people.bf, info)


def test_decline_needs_a_reason(people):
    info = ask(people.ne)
    with pytest.raises(ExchangeError):
        actions.decline_request(people.ml, info, "")
    info = actions.decline_request(people.ml, info, "Hors de notre compétence.")
    assert info.status == "declined" and info.decline_reason


def test_draft_is_not_seen_by_the_requested_platform(people):
    info = ask(people.ne, send=False)
    assert info not in visible_requests(people.ml)
    actions.send_request(people.ne, info)
    assert info in visible_requests(people.ml)
    assert info not in visible_requests(people.bf)


def test_overdue_requests_are_flagged_on_both_sides(people):
    info = ask(people.ne)
    InformationRequest.objects.filter(pk=info.pk).update(
        due_date=timezone.localdate() - timedelta(days=1))
    info.refresh_from_db()
    assert info.is_overdue
    assert inbox(people.ne).counts["overdue_requests"] == 1
    assert inbox(people.ml).counts["overdue_requests"] == 1
    actions.answer_request(people.ml, info, "Réponse tardive.")
    assert inbox(people.ne).counts["overdue_requests"] == 0


@pytest.mark.parametrize("fields,field", [
    ({"recipient": "ZZ"}, "recipient"),
    ({"recipient": "NE"}, "recipient"),
    ({"purpose": "curiosity"}, "purpose"),
    ({"due_date": timezone.localdate() - timedelta(days=1)}, "due_date"),
    ({"priority": "whenever"}, "priority"),
])
def test_bad_request_is_refused_by_field_and_nothing_is_stored(people, fields, field):
    with pytest.raises(ExchangeError) as refused:
        ask(people.ne, **fields)
    assert field in refused.value.errors
    assert not InformationRequest.objects.exists()


def test_request_with_a_record_the_sender_may_not_share(people, person_record):
    _report, person = person_record(people.bf, make_chief(people), dissemination="named",
                                    recipients=["NE"])
    with pytest.raises(ExchangeError) as refused:
        ask(people.ne, records=[person])
    assert refused.value.withheld
    assert not InformationRequest.objects.exists()


def make_chief(people):
    from django.contrib.auth.models import Group

    from pcms.accounts.models import User
    from pcms.reference.models import Platform

    chief = User.objects.create_user("chief-bf", platform=Platform.objects.get(code="BF"))
    chief.groups.add(Group.objects.get(name="supervisor"))
    return chief


def test_request_pages(client, people):
    from tests.conftest import page_text, sign_in

    sign_in(client, people.ml)
    info = ask(people.ne)
    page = page_text(client.get(f"/exchange/requests/{info.pk}/"))
    assert info.reference in page and 'id="accept-request"' in page
    client.post(f"/exchange/requests/{info.pk}/accept/")
    response = client.post(f"/exchange/requests/{info.pk}/answer/", {"answer": "Rien."})
    assert response.status_code == 302
    info.refresh_from_db()
    assert info.status == "answered"
    assert client.get(f"/exchange/requests/{info.pk}/nonsense/").status_code in (404, 405)
