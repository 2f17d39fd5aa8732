"""Steps the federated deletion test plays inside a node (`pcms shell -c`), printing JSON."""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group

from pcms.accounts.models import User
from pcms.dataprotection.actions import delete_record
from pcms.federation import bundles, peers
from pcms.records import actions
from pcms.records.models import Report
from pcms.reference.models import Platform, Purpose


def _user(name: str, role: str) -> User:
    user, created = User.objects.get_or_create(
        username=f"{name}-{settings.PCMS_NODE.lower()}",
        defaults={"platform": Platform.objects.get(code=settings.PCMS_NODE)})
    if created:
        user.groups.add(Group.objects.get(name=role))
    return User.objects.get(pk=user.pk)


def peer(code: str, key: str) -> None:
    peers.add(code, key)


def export(folder: str, *codes: str) -> None:
    for code in codes:
        bundles.export(code, Path(folder) / f"{settings.PCMS_NODE}-{code}.bundle")


def receive(folder: str, origin: str) -> None:
    bundles.import_file(Path(folder) / f"{origin}-{settings.PCMS_NODE}.bundle")


def create(folder: str, *codes: str) -> None:
    author, chief = _user("author", "officer"), _user("chief", "supervisor")
    report = actions.create_report(author, {
        "title": "Enlèvement signalé", "category": "kidnapping", "source_reliability": "B",
        "credibility": "2", "dissemination": "all",
        "purpose": Purpose.objects.get(code="organised-crime-investigation")})
    person = actions.add_entity(author, report, "Person", {"name": ["Personne Fictive Deux"],
                                                           "birthDate": ["1990-01-01"]},
                                role="suspect")
    actions.submit(author, report)
    actions.validate(chief, report)
    export(folder, *codes)
    print(json.dumps([str(report.pk), str(person.pk)]))


def erase(folder: str, report_id: str, *codes: str) -> None:
    delete_record(_user("chief", "supervisor"), Report.objects.get(pk=report_id),
                  "Données devenues inutiles")
    export(folder, *codes)
