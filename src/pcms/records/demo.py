"""Synthetic operational records: the node's own platform's reports, with persons, vehicles,
phones, firearms, organisations and their relations. Every person is invented by pcms.matching.synthetic.
"""

import random
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model

from pcms.matching.synthetic import generate_people
from pcms.records import actions
from pcms.records.choices import ThreatCategory
from pcms.records.models import Report
from pcms.reference.models import Agency, Platform, Region

REPORTS_PER_PLATFORM = 30
PLATE = {"NE": "{n:04d} NG{a}", "ML": "AB-{n:03d}-{a}{b}", "BF": "11 {a}{b} {n:04d}",
         "MR": "{n:04d} {a}{b} 00", "TD": "{n:04d} A{a}"}
PHONE = {"NE": "+227 9{n:07d}", "ML": "+223 7{n:07d}", "BF": "+226 7{n:07d}",
         "MR": "+222 4{n:07d}", "TD": "+235 6{n:07d}"}
TITLES = {
    ThreatCategory.TERRORISM: "Mouvement d'un groupe armé signalé près de {place}",
    ThreatCategory.TERRORIST_FINANCING: "Collecte de fonds suspecte à {place}",
    ThreatCategory.ARMS_TRAFFICKING: "Saisie d'armes à {place}",
    ThreatCategory.DRUG_TRAFFICKING: "Convoi de résine de cannabis intercepté à {place}",
    ThreatCategory.SMUGGLING: "Réseau de passeurs démantelé à {place}",
    ThreatCategory.KIDNAPPING: "Enlèvement contre rançon signalé à {place}",
    ThreatCategory.CYBERCRIME: "Escroquerie en ligne depuis {place}",
    ThreatCategory.BORDER_INCIDENT: "Incident au poste frontière de {place}",
}
GROUPS = ["Réseau fictif du Liptako", "Cellule fictive de l'Aïr", "Filière fictive du Tibesti",
          "Groupe fictif du Hodh"]


def load(stdout) -> None:
    """This node's own reports only: the other platforms' arrive through federation."""
    if Report.objects.exists():
        stdout.write("demo records already present")
        return
    node = settings.PCMS_NODE
    rng = random.Random(f"2026-{node}")  # noqa: S311 - reproducible synthetic data, not security
    people = iter(generate_people(REPORTS_PER_PLATFORM * 3, seed=sum(map(ord, node))))
    users = get_user_model().objects
    count = 0
    for platform in Platform.objects.filter(is_active=True, is_regional=False, code=node):
        code = platform.code.lower()
        author = users.filter(username__in=(f"officer.{code}", "officer"),
                              platform=platform).first()
        chief = users.filter(username__in=(f"supervisor.{code}", "supervisor"),
                             platform=platform).first()
        if author is None or chief is None:
            continue
        regions = list(Region.objects.filter(country_id=platform.country_id))
        agencies = list(Agency.objects.filter(country_id=platform.country_id))
        for number in range(REPORTS_PER_PLATFORM):
            _report(rng, platform, author, chief, regions, agencies, people, number)
            count += 1
    stdout.write(f"{count} demo reports with their entities\n")


def _report(rng, platform, author, chief, regions, agencies, people, number) -> None:
    category = rng.choice(list(TITLES))
    region = rng.choice(regions)
    facts = date(2026, 11, 20) - timedelta(days=rng.randint(0, 720))
    dissemination = rng.choices(["all", "regional", "named", "own"], [5, 2, 2, 1])[0]
    recipients = []
    if dissemination == "named":
        recipients = list(Platform.objects.exclude(pk=platform.pk).order_by("?")[:2])
    report = actions.create_report(author, {
        "title": TITLES[category].format(place=region.name_fr),
        "narrative": "Rapport de synthèse établi à partir des constatations du service. "
                     "Données fictives de démonstration.",
        "category": category, "facts_date": facts, "place": region.name_fr,
        "country": platform.country, "region": region, "agency": rng.choice(agencies),
        "source_reliability": rng.choice("ABBCCD"), "credibility": rng.choice("122336"),
        "dissemination": dissemination, "onward_allowed": rng.random() < 0.6,
        "judicial_use": rng.random() < 0.5, "classification": rng.choice([0, 1, 1, 2]),
    }, recipients)
    persons = []
    for role in rng.choices(["suspect", "suspect", "victim", "witness"], k=rng.randint(1, 3)):
        person = next(people).entity["properties"]
        properties = {k: v for k, v in person.items()
                      if k in ("name", "alias", "birthDate", "nationality", "gender", "idNumber")}
        persons.append(actions.add_entity(author, report, "Person", properties, role=role))
    plate = PLATE[platform.code].format(n=rng.randint(1, 9999), a=rng.choice("ABCDEFGH"),
                                        b=rng.choice("KLMNPRST"))
    vehicle = actions.add_entity(author, report, "Vehicle", {
        "registrationNumber": [plate], "model": [rng.choice(["Toyota Hilux", "Land Cruiser",
                                                            "Moto Sanili", "Camion Mercedes"])],
        "country": [platform.country_id.lower()]}, role="vehicle_used")
    actions.relate(author, report, "Ownership", persons[0], vehicle, {"role": ["conducteur"]})
    if rng.random() < 0.6:
        dialled = PHONE[platform.code].format(n=rng.randint(0, 9_999_999))
        try:
            phone = actions.add_entity(author, report, "Phone", {"number": [dialled]},
                                       role="phone_used")
        except actions.RecordError:
            pass  # a random number outside the country's numbering plan
        else:
            actions.relate(author, report, "Ownership", persons[0], phone)
    if category in (ThreatCategory.ARMS_TRAFFICKING, ThreatCategory.TERRORISM):
        actions.add_entity(author, report, "Firearm", {
            "make": ["Kalachnikov"], "model": [rng.choice(["AKM", "AK-47", "Type 56"])],
            "calibre": ["7,62x39"], "serialNumber": [f"{rng.randint(1950, 1990)}{number:05d}"]},
            role="weapon_used")
    if len(persons) > 1:
        actions.relate(author, report, rng.choice(["Associate", "Family"]), persons[0], persons[1])
    if category == ThreatCategory.TERRORISM:
        group = actions.add_entity(author, report, "Organization",
                                   {"name": [rng.choice(GROUPS)]}, role="other")
        actions.relate(author, report, "Membership", persons[0], group)
    if number % 10 != 9:  # a few stay in the workflow, to show it
        actions.submit(author, report)
        if number % 10 != 8:
            actions.validate(chief, report)
