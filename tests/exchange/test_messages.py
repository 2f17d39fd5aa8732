"""Messages: addressed to platforms (or roles), read, acknowledged, answered, within need-to-know."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pcms.audit.models import AuditEntry
from pcms.exchange import actions
from pcms.exchange.inbox import inbox
from pcms.exchange.models import Delivery, Message, MessageFile
from pcms.exchange.sharing import ExchangeError
from pcms.exchange.visibility import visible_messages
from tests.conftest import page_text, sign_in


def send(user, **fields):
    return actions.send_message(user, **{"subject": "Convoi signalé", "body": "Deux pick-up.",
                                         "audience": "states", "recipients": ["ML"], **fields})


def test_message_reaches_only_the_platforms_it_names(people):
    message = send(people.ne, recipients=["ML", "BF"])
    assert {d.platform.code for d in message.deliveries.all()} == {"ML", "BF"}
    assert message in visible_messages(people.ml)
    assert message in visible_messages(people.ne_analyst)  # the sending platform
    assert message not in visible_messages(people.rg)


def test_regional_and_all_audiences(people):
    regional = send(people.ne, audience="regional", recipients=[])
    assert [d.platform.code for d in regional.deliveries.all()] == ["RG"]
    everyone = send(people.ne, audience="all", recipients=[])
    assert {d.platform.code for d in everyone.deliveries.all()} == {"RG", "ML", "BF", "MR", "TD"}


def test_message_to_a_role_is_read_only_by_that_role(people, make_user):
    message = send(people.ne, recipients=["RG"], recipient_role="analyst")
    assert message in visible_messages(people.rg)
    assert message not in visible_messages(people.rg_chief)
    assert inbox(people.rg_chief).counts["messages"] == 0
    assert inbox(people.rg).counts["messages"] == 1


def test_sender_sees_who_received_read_and_acknowledged(people):
    message = send(people.ne)
    delivery = Delivery.objects.get(message=message)
    assert delivery.received_at is not None and delivery.read_at is None
    actions.read_message(people.ml, message)
    actions.acknowledge(people.ml_chief, delivery)
    delivery.refresh_from_db()
    assert delivery.read_by == people.ml and delivery.acknowledged_by == people.ml_chief
    events = set(AuditEntry.objects.filter(object_id__in=[str(message.pk), str(delivery.pk)])
                 .values_list("detail__event", flat=True))
    assert {"sent", "received", "read", "acknowledged"} <= events


def test_reply_goes_back_to_the_sender_in_the_same_thread(people):
    message = send(people.ne, recipients=["ML", "BF"])
    reply = actions.send_message(people.ml, subject="Re", body="Bien reçu.", parent=message)
    assert [d.platform.code for d in reply.deliveries.all()] == ["NE"]
    assert reply.thread_id == message.pk
    assert reply not in visible_messages(people.bf)
    again = actions.send_message(people.ne, subject="Re", body="Merci.", parent=reply)
    assert [d.platform.code for d in again.deliveries.all()] == ["ML"]


def test_message_to_an_unknown_platform_is_refused_and_nothing_is_sent(people):
    with pytest.raises(ExchangeError, match="XX"):
        send(people.ne, recipients=["ML", "XX"])
    assert not Message.objects.exists() and not Delivery.objects.exists()


def test_file_over_the_size_limit_is_refused_and_nothing_is_sent(people, settings):
    settings.PCMS_ATTACHMENT_MAX_MB = 1
    small = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "image/png")
    large = SimpleUploadedFile("scan.pdf", b"%PDF-" + b"0" * (1024 * 1024 + 1), "application/pdf")
    with pytest.raises(ExchangeError, match="scan.pdf"):
        send(people.ne, files=[small, large])
    assert not Message.objects.exists() and not MessageFile.objects.exists()


def test_a_platform_never_reads_a_message_not_addressed_to_it(client, people):
    message = send(people.ne, subject="Opération Harmattan", body="Mot-clé confidentiel.")
    sign_in(client, people.bf)
    assert client.get(f"/exchange/messages/{message.pk}/").status_code == 404
    listing = page_text(client.get("/exchange/messages/?q=Harmattan"))
    assert "Opération Harmattan" not in listing and "No message" in listing or "Aucun" in listing
    assert "Harmattan" not in page_text(client.get("/exchange/"))
    delivery = message.deliveries.get()
    assert client.post(f"/exchange/deliveries/{delivery.pk}/acknowledge/").status_code == 404
    assert inbox(people.bf).total == 0


def test_pages_send_read_and_acknowledge(client, people):
    sender = Client()
    sign_in(sender, people.ne)
    response = sender.post("/exchange/messages/new/", {
        "audience": "states", "recipients": ["ML"], "subject": "Convoi", "body": "Texte."})
    message = Message.objects.get()
    assert response["Location"] == f"/exchange/messages/{message.pk}/"
    sign_in(client, people.ml)
    page = page_text(client.get("/"))
    assert 'data-menu-count>1<' in page.replace(" ", "")
    delivery = message.deliveries.get()
    client.get(f"/exchange/messages/{message.pk}/")
    client.post(f"/exchange/deliveries/{delivery.pk}/acknowledge/")
    delivery.refresh_from_db()
    assert delivery.acknowledged_by == people.ml
    assert inbox(people.ml).counts["messages"] == 0
    page = page_text(sender.get(f"/exchange/messages/{message.pk}/"))
    assert "officer-ml" in page
