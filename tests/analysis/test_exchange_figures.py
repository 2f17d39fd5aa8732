"""Exchange figures on the dashboard, and the timeline of a case, when the exchange is installed."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from pcms.analysis import dashboard, stats
from pcms.reference.models import Purpose
from tests.conftest import page_text, sign_in

pytestmark = pytest.mark.skipif(not apps.is_installed("pcms.exchange"),
                                reason="the exchange is not installed on this node")


def test_open_requests_and_messages_between_platforms(sahel, regional_analyst, make_user):
    from pcms.exchange import actions as exchange

    ne_officer, ml_officer = sahel.users["NE"][0], sahel.users["ML"][0]
    exchange.create_request(ne_officer, recipient="ML", subject="Vérification fictive",
                            body="Merci de vérifier ce véhicule.", purpose=Purpose.objects.first().code,
                            due_date=timezone.localdate() + timedelta(days=3), send=True)
    exchange.send_message(ne_officer, subject="Information fictive", body="Texte.",
                          audience="states", recipients=["ML", "BF"])

    board = dashboard.build(ne_officer, stats.default_filters())
    request_row = board.tables["open_requests"].rows[0]
    assert request_row[1:3] == ["NE", "ML"] and request_row[-2:] == [0, 0]  # sent today, not late
    assert "exchange_volume" not in board.tables  # an officer sees requests, not the flows

    supervisor = make_user("superviseur-ml", "supervisor", platform="ML")
    flows = dashboard.build(supervisor, stats.default_filters()).tables["exchange_volume"]
    assert flows.rows == [["NE", "ML", 1]]  # ML sees what reached it, not what went to BF
    assert dashboard.build(ml_officer, stats.default_filters()).hits_this_week == 0
    assert "exchange_volume" in dashboard.build(regional_analyst, stats.default_filters()).tables


def test_case_timeline_lists_the_reports_filed_in_it(client, sahel, make_user):
    from pcms.exchange import actions as exchange

    officer = sahel.users["NE"][0]
    case = exchange.open_case(officer, title="Dossier fictif du convoi", participants=["ML"])
    for report in sahel.reports[16:19]:
        exchange.link_to_case(officer, case, report)
    sign_in(client, officer)
    text = page_text(client.get(f"/analysis/cases/{case.pk}/timeline/"))
    assert text.count('data-event="report"') == 3 and "Dossier fictif du convoi" in text
    client.logout()
    sign_in(client, make_user("agent-bf", "officer", platform="BF"))
    assert client.get(f"/analysis/cases/{case.pk}/timeline/").status_code == 404
