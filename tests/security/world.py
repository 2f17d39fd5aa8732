"""One small node with something of every kind, for the access-control tests.

The node is NE. Every object belongs to NE and comes in two handlings where that applies:
`own`, kept to NE (a report disseminated to its owner only, a message sent to BF, a case shared
with nobody), and `all`, shared with ML (a report for all member states, a message to ML, a case
ML works on). Users of every role exist on NE (the owner's platform) and on ML (another platform),
each signed in once with TOTP and holding an API token, so that every case only sends a request.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.utils import timezone

from pcms.accounts.models import ApiToken, User
from pcms.accounts.roles import Role
from pcms.analysis import actions as analysis
from pcms.exchange import actions as exchange
from pcms.exchange.models import AlertHit, Delivery
from pcms.imports.models import ImportJob, ImportMapping
from pcms.records import actions as records
from pcms.records import attachments
from pcms.records.models import Entity
from pcms.reference.models import Platform
from pcms.screening.models import DuplicateProposal, Hit
from pcms.training.models import (
    Certificate,
    Course,
    MeetingEdition,
    MeetingSeries,
    Official,
    ParticipantImport,
    Recommendation,
    Registration,
    Session,
)
from tests.conftest import sign_in

HOME, OTHER = "NE", "ML"
ROLES = [role.value for role in Role]
VARIANTS = ("own", "all")
PDF = b"%PDF-1.4\n% Compte rendu fictif\ntrailer<<>>\n%%EOF\n"
SECRET = "Zongo-Tillakaïna"
SECRET_PERSON = {"name": [f"Hamidou {SECRET}"], "birthDate": ["1979-03-14"], "nationality": ["ne"]}
PERSON = {"name": ["Moussa Traoré"], "birthDate": ["1984-05-02"], "nationality": ["ml"]}


@dataclass(frozen=True)
class Principal:
    """Who asks: a role on a platform, or nobody signed in (`role` None)."""

    role: str | None
    platform: str | None

    @property
    def name(self) -> str:
        return f"{self.role}-{self.platform.lower()}" if self.role else "anonymous"

    @property
    def home(self) -> bool:
        return self.platform == HOME

    def __str__(self) -> str:
        return self.name


PRINCIPALS = [Principal(role, code) for code in (HOME, OTHER) for role in ROLES]
ANONYMOUS = Principal(None, None)


@dataclass
class World:
    users: dict = field(default_factory=dict)
    cookies: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)
    media_root: object = None

    def client(self, principal: Principal) -> Client:
        client = Client()
        if principal.role:
            for name, value in self.cookies[principal.name].items():
                client.cookies[name] = value
        return client

    def api_headers(self, principal: Principal) -> dict:
        if not principal.role:
            return {}
        return {"HTTP_AUTHORIZATION": f"Bearer {self.tokens[principal.name]}"}

    def get(self, kind: str, variant: str = "own"):
        found = self.objects[kind]
        return found[variant] if isinstance(found, dict) else found

    def user(self, name: str) -> User:
        return self.users[name]


def _report(author, validator, dissemination, *, title="Passage suspect au poste frontière",
            recipients=(), person=PERSON, validate=True):
    report = records.create_report(author, {
        "title": title, "narrative": "Deux véhicules ont franchi la frontière de nuit.",
        "category": "terrorism", "source_reliability": "B", "credibility": "2", "place": "Ayorou",
        "facts_date": date(2026, 11, 2), "dissemination": dissemination,
    }, recipients=Platform.objects.filter(code__in=recipients))
    entity = records.add_entity(author, report, "Person", person, role="suspect")
    if validate:
        records.submit(author, report)
        records.validate(validator, report)
        report.refresh_from_db()
    entity.refresh_from_db()
    return report, entity


def build(make_user) -> World:
    """Everything the access tests need; runs inside the module's transaction."""
    world = World()
    for principal in PRINCIPALS:
        user = make_user(principal.name, principal.role, platform=principal.platform)
        world.users[principal.name] = user
        client = Client()
        sign_in(client, user)
        world.cookies[principal.name] = {k: v.value for k, v in client.cookies.items()}
        world.tokens[principal.name] = ApiToken.issue(user, "access tests")[1]
    world.objects["token"] = ApiToken.objects.get(user=world.users["officer-ne"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        _records(world)
        _exchange(world)
        _analysis_and_screening(world)
        _imports(world)
        _training(world)
    return world


def _records(world: World) -> None:
    officer, chief = world.user("officer-ne"), world.user("supervisor-ne")
    bf_officer = User.objects.create_user("officer-bf", platform=Platform.objects.get(code="BF"))
    world.users["officer-bf"] = bf_officer
    reports, entities, drafts, submitted = {}, {}, {}, {}
    # The record kept to NE carries words found nowhere else, so that any path showing them
    # to another platform is caught; it also links NE's shared person to a person kept at home.
    reports["all"], entities["all"] = _report(officer, chief, "all")
    reports["own"], entities["own"] = _report(officer, chief, "own", title=f"Filière {SECRET}",
                                              person=SECRET_PERSON, validate=False)
    records.mention(officer, reports["own"], entities["all"], "suspect")
    world.objects["hidden_link"] = records.relate(officer, reports["own"], "Associate",
                                                  entities["all"], entities["own"])
    records.submit(officer, reports["own"])
    reports["own"] = records.validate(chief, reports["own"])
    for variant, dissemination in (("own", "own"), ("all", "all")):
        drafts[variant], _ = _report(officer, chief, dissemination, validate=False,
                                     title="Brouillon de rapport")
        submitted[variant], _ = _report(officer, chief, dissemination, validate=False,
                                        title="Rapport à valider")
        records.submit(officer, submitted[variant])
        records.update_report(officer, reports[variant], {"place": "Ayorou, marché"}, None,
                              reason="Lieu précisé")
        reports[variant] = records.validate(chief, reports[variant])
    world.objects.update(report=reports, entity=entities, draft=drafts, submitted=submitted)
    world.objects["attachment"] = {
        variant: attachments.attach(officer, report, SimpleUploadedFile(
            "note.pdf", PDF, content_type="application/pdf"))
        for variant, report in reports.items()}
    world.objects["version"] = {variant: report.versions.order_by("version").first()
                                for variant, report in reports.items()}
    # A second person of NE in the same report, for relations and duplicate proposals.
    twin = {variant: records.add_entity(officer, drafts[variant], "Person", PERSON, role="suspect")
            for variant in VARIANTS}
    world.objects["twin"] = twin
    world.objects["duplicate"] = DuplicateProposal.objects.create(
        first=entities["own"], second=twin["own"], platform=officer.platform, score=0.95,
        explanation=[])
    # A record of ML shared with all, for hits seen from both sides.
    ml_officer, ml_chief = world.user("officer-ml"), world.user("supervisor-ml")
    ml_report, ml_entity = _report(ml_officer, ml_chief, "all", title="Rapport malien")
    world.objects["ml_report"], world.objects["ml_entity"] = ml_report, ml_entity
    bf_entity = Entity.objects.create(schema="Person", owner=bf_officer.platform,
                                      properties={"name": ["Moussa Traoré"]}, caption="Moussa Traoré",
                                      status="validated", dissemination="own")
    world.objects["hit"] = {
        "own": Hit.objects.get_or_create(entity=entities["own"], candidate=bf_entity,
                                         defaults={"score": 0.9, "explanation": []})[0],
        "all": Hit.objects.get_or_create(entity=entities["all"], candidate=bf_entity,
                                         defaults={"score": 0.9, "explanation": []})[0],
    }


def _exchange(world: World) -> None:
    officer, chief = world.user("officer-ne"), world.user("supervisor-ne")
    to = {"own": "BF", "all": OTHER}
    messages, requests, drafts, alerts, submitted, cases = {}, {}, {}, {}, {}, {}
    consents, files, deliveries, hits = {}, {}, {}, {}
    now = timezone.now()
    for variant, code in to.items():
        upload = SimpleUploadedFile("rapport.pdf", PDF, content_type="application/pdf")
        messages[variant] = exchange.send_message(
            officer, subject="Passage suspect", body="Pour information.", recipients=[code],
            files=[upload])
        files[variant] = messages[variant].files.get()
        requests[variant] = exchange.create_request(
            officer, recipient=code, subject="Demande d'information", body="Merci de vérifier.",
            purpose="terrorism-investigation", due_date=timezone.localdate() + timedelta(days=10),
            send=True)
        drafts[variant] = exchange.create_request(
            officer, recipient=code, subject="Demande en préparation", body="À compléter.",
            purpose="terrorism-investigation", due_date=timezone.localdate() + timedelta(days=10))
        alert_options = {"dissemination": "named", "recipients": [code]}
        alerts[variant] = exchange.create_alert(
            officer, kind="wanted_person", title="Personne recherchée", instructions="Signaler.",
            valid_from=now, valid_until=now + timedelta(days=30), schema="Person",
            properties={"name": ["Ibrahim Ag Alhassane"]}, **alert_options)
        exchange.submit_alert(officer, alerts[variant])
        exchange.validate_alert(chief, alerts[variant])
        submitted[variant] = exchange.create_alert(
            officer, kind="wanted_person", title="Alerte à valider", instructions="Signaler.",
            valid_from=now, valid_until=now + timedelta(days=30), schema="Person",
            properties={"name": ["Aïcha Mint Ahmed"]}, **alert_options)
        exchange.submit_alert(officer, submitted[variant])
        cases[variant] = exchange.open_case(officer, title="Filière fictive",
                                            participants=[code] if variant == "all" else [])
        deliveries[variant] = Delivery.objects.get(message=messages[variant])
        hits[variant] = AlertHit.objects.create(
            alert=alerts[variant], platform=world.user("officer-ne").platform, source="report",
            entity=world.get("entity", variant), report=world.get("report", variant),
            reference="hit", score=0.9, issuer_informed=True)
        # A platform asks NE's consent to pass on an NE record it reads.
        asker = world.user("officer-ml") if variant == "all" else world.users["officer-bf"]
        consents[variant] = _consent(world, asker, variant)
    world.objects.update(message=messages, file=files, request=requests, draft_request=drafts,
                         alert=alerts, submitted_alert=submitted, case=cases, consent=consents,
                         delivery=deliveries, alert_hit=hits)


def _consent(world: World, asker, variant: str):
    from pcms.exchange.models import ConsentRequest

    record_ = world.get("report", "all")
    consent = ConsentRequest.objects.create(owner_id=record_.owner_id, requester=asker.platform,
                                            requested_by=asker,
                                            reason="Transmission à un partenaire", report=record_)
    consent.recipients.set(Platform.objects.filter(code="TD"))
    return consent


def _analysis_and_screening(world: World) -> None:
    analyst = world.user("analyst-ne")
    bulletins = {}
    for variant, dissemination in (("own", "own"), ("all", "all")):
        bulletins[variant] = analysis.create_bulletin(analyst, {
            "kind": "weekly", "title": "Bulletin fictif", "period_start": date(2026, 10, 1),
            "period_end": date(2026, 10, 31), "dissemination": dissemination, "body": "Synthèse."})
    world.objects["bulletin"] = bulletins


def _imports(world: World) -> None:
    officer = world.user("officer-ne")
    world.objects["mapping"] = ImportMapping.objects.create(
        name="Personnes", schema="Person", columns={"Nom": "name"}, role="suspect",
        owner=officer.platform, created_by=officer)
    world.objects["import_job"] = ImportJob.objects.create(
        user=officer, platform=officer.platform, filename="personnes.csv", format="csv",
        sha256="0" * 64, status="ready", schema="Person", role="suspect",
        report=world.get("draft", "own"), message="")


def _training(world: World) -> None:
    coordinator = world.user("coordinator-ne")
    course = Course.objects.create(code="border-management", title_fr="Gestion des frontières",
                                   title_en="Border management", title_ar="إدارة الحدود",
                                   topic="borders", format="training", duration_days=3)
    session = Session.objects.create(course=course, starts_on=date(2025, 3, 10),
                                     ends_on=date(2025, 3, 12), place="Niamey", country_id="NE",
                                     organiser="Plateforme régionale", capacity=25, status="held")
    official = Official.objects.create(first_name="Aminata", last_name="Issoufou", country_id="NE",
                                       gender="female", agency="Police nationale",
                                       agency_kind="police", user=world.user("officer-ne"))
    registration = Registration.objects.create(session=session, official=official,
                                               agency=official.agency, agency_kind="police",
                                               days_present=3, completed=True)
    certificate = Certificate.objects.create(
        registration=registration, language="fr", holder_name="Aminata Issoufou",
        course_title="Gestion des frontières", place="Niamey", starts_on=session.starts_on,
        ends_on=session.ends_on, issued_by=coordinator)
    series = MeetingSeries.objects.create(code="chiefs", title_fr="Réunion des chefs",
                                          title_en="Chiefs' meeting", title_ar="اجتماع الرؤساء")
    edition = MeetingEdition.objects.create(series=series, number=1, session=session,
                                            theme="Coopération")
    recommendation = Recommendation.objects.create(edition=edition, number=1,
                                                   text="Partager les listes.", responsible="RG")
    staged = ParticipantImport.objects.create(session=session, filename="participants.csv",
                                              rows=[], uploaded_by=coordinator)
    world.objects.update(course=course, session=session, official=official,
                         registration=registration, certificate=certificate, series=series,
                         edition=edition, recommendation=recommendation, participant_import=staged)
