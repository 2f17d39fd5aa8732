"""Steps the network suite plays inside a node (`pcms shell -c`), printing JSON results."""

import json

from django.conf import settings
from django.contrib.auth.models import Group

from pcms.accounts.models import User
from pcms.exchange import actions as exchange
from pcms.exchange.models import Delivery, Message
from pcms.federation import outbox
from pcms.records import actions
from pcms.records.models import Report
from pcms.reference.models import Platform

REPORT = {"title": "Mouvement suspect signalé", "narrative": "Données fictives de test.",
          "category": "smuggling", "source_reliability": "C", "credibility": "3", "place": "Test"}


def peer(code: str, key: str, url: str = "", via: str = "") -> None:
    from pcms.federation import peers

    peers.add(code, key, url=url, via=via)


def _user(name: str, role: str) -> User:
    user, created = User.objects.get_or_create(
        username=f"{name}-{settings.PCMS_NODE.lower()}",
        defaults={"platform": Platform.objects.get(code=settings.PCMS_NODE)})
    if created:
        user.groups.add(Group.objects.get(name=role))
    return User.objects.get(pk=user.pk)


def create(count: int, dissemination: str, recipients=(), validate: bool = True,
           start: int = 0) -> None:
    author, chief = _user("author", "officer"), _user("chief", "supervisor")
    platforms = list(Platform.objects.filter(code__in=recipients))
    ids = []
    for number in range(start, start + count):
        report = actions.create_report(author, {**REPORT, "dissemination": dissemination},
                                       platforms)
        person = actions.add_entity(author, report, "Person", {
            "name": [f"Personne Fictive {settings.PCMS_NODE} {number}"],
            "birthDate": ["1990-01-01"]}, role="suspect")
        vehicle = actions.add_entity(author, report, "Vehicle",
                                     {"registrationNumber": [f"T-{number:04d}"]},
                                     role="vehicle_used")
        actions.relate(author, report, "Ownership", person, vehicle)
        if validate:
            actions.submit(author, report)
            actions.validate(chief, report)
        ids.append(str(report.pk))
    print(json.dumps(ids))


def correct(report_id: str, dissemination: str, recipients=(), revalidate: bool = True) -> None:
    author, second = _user("author", "officer"), _user("second", "supervisor")
    report = Report.objects.get(pk=report_id)
    actions.update_report(author, report, {"dissemination": dissemination},
                          recipients=list(Platform.objects.filter(code__in=recipients)),
                          reason="Correction de test")
    if revalidate:
        actions.validate(second, Report.objects.get(pk=report_id))


def erase(report_id: str) -> None:
    outbox.retract_record(Report.objects.get(pk=report_id), "Effacement de test",
                          _user("author", "officer"))


def message(to: str, subject: str) -> None:
    sent = exchange.send_message(_user("author", "officer"), subject=subject, recipients=[to],
                                 body="Message fictif de test.")
    print(json.dumps(str(sent.pk)))


def acknowledge(message_id: str) -> None:
    reader = _user("author", "officer")
    exchange.read_message(reader, Message.objects.get(pk=message_id))
    exchange.acknowledge(reader, Delivery.objects.get(message_id=message_id,
                                                      platform=reader.platform))
