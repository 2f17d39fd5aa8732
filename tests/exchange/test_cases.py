"""Cases: shared with the platforms that work on them; a timeline of what is filed in them."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from pcms.exchange import actions
from pcms.exchange.sharing import ExchangeError
from pcms.exchange.timeline import timeline
from pcms.exchange.visibility import visible_cases


def test_case_timeline_assembles_report_request_and_answer(people, person_record):
    report, person = person_record(people.ne, people.ne_chief)
    case = actions.open_case(people.ne, title="Attaque de Tillabéri", participants=["ML"])
    actions.link_to_case(people.ne, case, report)
    info = actions.create_request(
        people.ne, recipient="ML", subject="Antécédents", body="Connu ?", case=case,
        purpose="terrorism-investigation", due_date=timezone.localdate() + timedelta(days=3),
        records=[person], send=True)
    actions.answer_request(people.ml, info, "Inconnu.")
    with translation.override("en"):
        events = timeline(case, people.ne)
    assert [event.at for event in events] == sorted(event.at for event in events)
    what = [event.what for event in events]
    for expected in ("Date of the facts", "Report validated", "Case opened", "Request sent",
                     "Request answered"):
        assert expected in what
    assert what.index("Request sent") < what.index("Request answered")


def test_case_is_seen_only_by_its_platforms(people):
    case = actions.open_case(people.ne, title="Dossier", participants=["ML"])
    assert case in visible_cases(people.ml)
    assert case not in visible_cases(people.bf)


def test_linked_records_stay_under_need_to_know(people, person_record):
    report, _person = person_record(people.ne, people.ne_chief)
    case = actions.open_case(people.ne, title="Dossier", participants=["ML"])
    actions.link_to_case(people.ne, case, report)
    titles = [event.title for event in timeline(case, people.ml)]
    assert str(report) not in titles
    assert str(report) in [event.title for event in timeline(case, people.ne)]


def test_nothing_unreadable_is_filed(people, person_record):
    report, _person = person_record(people.ml, people.ml_chief)
    case = actions.open_case(people.ne, title="Dossier")
    with pytest.raises(ExchangeError):
        actions.link_to_case(people.ne, case, report)
    with pytest.raises(ExchangeError):
        actions.open_case(people.ne, title="Dossier", participants=["QQ"])


def test_case_pages(client, people):
    from tests.conftest import page_text, sign_in

    sign_in(client, people.ne)
    response = client.post("/exchange/cases/new/", {"title": "Enlèvement de Ménaka",
                                                     "participants": ["ML"]})
    assert response.status_code == 302
    page = page_text(client.get(response["Location"]))
    assert "Enlèvement de Ménaka" in page and 'id="timeline"' in page
