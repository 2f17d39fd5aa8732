"""Synthetic exchange on this node: a case, message threads, requests (one overdue) and a
wanted-person alert issued by the regional platform.

A node of the six-node demo (`PCMS_DEMO_NETWORK`) has only its own platform's accounts: it loads
its outgoing half (a case shared with two other platforms and RG, messages and requests to them,
one request already overdue; RG issues the alert), which the federation carries, so that once
the nodes have synchronised every inbox holds what the others sent.

The alert describes a person of the records' demo data: one this node holds when it holds any
(and the check then raises a hit), otherwise the first person Niger's node invents, which it will
match once the alert reaches it. Every person is invented by pcms.matching.synthetic.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from pcms.exchange import actions
from pcms.exchange.alerts import check_against_alerts
from pcms.exchange.choices import HitSource
from pcms.exchange.models import InformationRequest, Message
from pcms.matching.synthetic import generate_people
from pcms.records.choices import Status
from pcms.records.demo import REPORTS_PER_PLATFORM
from pcms.records.models import Entity, Report
from pcms.reference.models import Platform

WANTED_PROPERTIES = ("name", "birthDate", "nationality")


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def load(stdout) -> None:
    if Message.objects.exists():
        stdout.write("demo exchange already present\n")
        return
    node = Platform.objects.get(code=settings.PCMS_NODE)
    me, chief = _user("officer"), _user("supervisor")
    if settings.DEMO_NETWORK:
        if me is None:
            stdout.write("demo exchange skipped: the demo accounts are missing\n")
            return
        _outgoing(node, me, stdout)
        return
    others = [user for code in Platform.objects.filter(is_active=True, is_regional=False)
              .exclude(pk=node.pk).order_by("code").values_list("code", flat=True)
              if (user := _user(f"officer.{code.lower()}")) is not None][:2]
    if me is None or chief is None or len(others) < 2:
        stdout.write("demo exchange skipped: the demo accounts are missing\n")
        return
    first, second = others
    today = timezone.localdate()
    report = (Report.objects.filter(owner=node, status=Status.VALIDATED).order_by("reference")
              .first())
    person = Entity.objects.filter(origin=report, schema="Person").first() if report else None
    regional = [] if node.is_regional else list(
        Platform.objects.filter(is_regional=True).values_list("code", flat=True))

    case = actions.open_case(me, title="Convoi armé signalé vers Tillabéri",
                             description="Suivi conjoint d'un convoi signalé. Données fictives.",
                             participants=[first.platform.code, *regional])
    if report is not None:
        actions.link_to_case(me, case, report)
    message = actions.send_message(
        me, subject="Convoi signalé à la frontière", recipients=[first.platform.code],
        records=[report] if report else [], case=case,
        body="Un convoi de trois véhicules a été signalé. Merci de nous dire s'il est connu.")
    actions.send_message(first, subject="Re: Convoi signalé à la frontière", parent=message,
                         body="Bien reçu ; nous vérifions nos fichiers.")
    actions.send_message(me, audience="all", subject="Synthèse hebdomadaire de la menace",
                         body="La synthèse de la semaine est disponible sur demande.")

    answered = actions.create_request(
        me, recipient=first.platform.code, subject="Antécédents d'un suspect", case=case,
        body="Ce suspect est-il connu de vos services ?", purpose="terrorism-investigation",
        priority="urgent", due_date=today + timedelta(days=3),
        records=[person] if person else [], send=True)
    actions.accept_request(first, answered)
    actions.answer_request(first, answered, "Connu pour des faits similaires en 2025.")
    late = actions.create_request(
        second, recipient=node.code, subject="Vérification d'une immatriculation",
        body="Merci de vérifier ce véhicule.", purpose="border-control",
        due_date=today + timedelta(days=1), send=True)
    InformationRequest.objects.filter(pk=late.pk).update(due_date=today - timedelta(days=4))
    actions.create_request(
        me, recipient=second.platform.code, subject="Identification d'un passeur",
        body="Disposez-vous d'éléments sur ce réseau ?", purpose="organised-crime-investigation",
        due_date=today + timedelta(days=10), send=True)

    _alert(node, stdout)
    stdout.write("demo exchange: a case, messages, requests (one overdue) and an alert\n")


def _addressees(node: Platform) -> list[Platform]:
    """Two other national platforms, the next ones in code order, so that every node both
    sends to two platforms and hears from two."""
    national = list(Platform.objects.filter(is_active=True, is_regional=False).order_by("code"))
    start = next((i for i, p in enumerate(national) if p.pk == node.pk), -1)
    return [national[(start + step) % len(national)] for step in (1, 2)]


def _outgoing(node: Platform, me, stdout) -> None:
    """What this node's officer sends to the others in the six-node demo."""
    first, second = _addressees(node)
    today = timezone.localdate()
    report = (Report.objects.filter(owner=node, status=Status.VALIDATED).order_by("reference")
              .first())
    person = Entity.objects.filter(origin=report, schema="Person").first() if report else None
    regional = [] if node.is_regional else list(
        Platform.objects.filter(is_regional=True).values_list("code", flat=True))
    case = actions.open_case(me, title=f"Convoi armé signalé ({node.code})",
                             description="Suivi conjoint d'un convoi signalé. Données fictives.",
                             participants=[first.code, second.code, *regional])
    if report is not None:
        actions.link_to_case(me, case, report)
    actions.send_message(
        me, subject=f"Convoi signalé à la frontière ({node.code})", recipients=[first.code],
        records=[report] if report else [], case=case,
        body="Un convoi de trois véhicules a été signalé. Merci de nous dire s'il est connu.")
    actions.send_message(
        me, subject="Échange de listes de contrôle", recipients=[second.code], case=case,
        body="Pouvez-vous nous transmettre vos points de contrôle actifs cette semaine ?")
    actions.create_request(
        me, recipient=first.code, subject="Antécédents d'un suspect", case=case,
        body="Ce suspect est-il connu de vos services ?", purpose="terrorism-investigation",
        priority="urgent", due_date=today + timedelta(days=3),
        records=[person] if person else [], send=True)
    late = actions.create_request(
        me, recipient=second.code, subject="Vérification d'une immatriculation",
        body="Merci de vérifier ce véhicule.", purpose="border-control",
        due_date=today + timedelta(days=1))
    InformationRequest.objects.filter(pk=late.pk).update(due_date=today - timedelta(days=4))
    actions.send_request(me, late)
    if node.is_regional:
        _alert(node, stdout)
    stdout.write(f"demo exchange: a case, messages and requests to {first.code} and "
                 f"{second.code}{', an alert' if node.is_regional else ''}\n")


def _alert(node, stdout) -> None:
    if node.is_regional:
        issuer, validator = _user("analyst"), _user("supervisor")
    else:
        issuer, validator = _user("officer.rg"), _user("supervisor.rg")
    if issuer is None or validator is None:
        return
    held = None if settings.DEMO_NETWORK else (
        Entity.objects.filter(schema="Person", status=Status.VALIDATED)
        .exclude(properties__birthDate=None).order_by("caption").first())
    if held is not None:
        properties = held.properties
    else:
        invented = next(iter(generate_people(REPORTS_PER_PLATFORM * 3, seed=sum(map(ord, "NE")))))
        properties = invented.entity["properties"]
    described = {k: v for k, v in properties.items() if k in WANTED_PROPERTIES}
    now = timezone.now()
    alert = actions.create_alert(
        issuer, kind="wanted_person", title=f"Recherché : {described['name'][0]}",
        instructions="Interpeller et aviser sans délai la plateforme régionale.",
        valid_from=now - timedelta(days=1), valid_until=now + timedelta(days=90),
        schema="Person", properties=described)
    actions.submit_alert(issuer, alert)
    actions.validate_alert(validator, alert)
    if held is not None:
        check_against_alerts(held, report=held.origin, source=HitSource.REPORT)
