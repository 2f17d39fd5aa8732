"""Synthetic reports on several platforms, placed in real towns, with persons, vehicles, phones,
groups and the relations between them: enough for the dashboard, the map and the network."""

import random
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.utils import timezone

from pcms.records import actions
from pcms.reference.models import Country, Platform, Region

TOWNS = {
    "NE": [("Ayorou", "NE-6"), ("Agadez", "NE-1"), ("Diffa", "NE-2"), ("Tahoua", "NE-5")],
    "ML": [("Gao", "ML-7"), ("Mopti", "ML-5"), ("Kidal", "ML-8")],
    "BF": [("Dori", "BF-12"), ("Djibo", "BF-12"), ("Ouahigouya", "BF-10")],
}
CATEGORIES = ["terrorism", "arms_trafficking", "drug_trafficking", "smuggling", "kidnapping"]
NAMES = ["Moussa Ag Intalla", "Aïchatou Soumana", "Hamadou Diallo", "Fatimata Cissé",
         "Oumarou Maïga", "محمد ولد عبد الله", "Salif Ouédraogo", "Adama Traoré"]


@dataclass
class Sahel:
    """What the fixture made: users per platform and the shared person at the centre."""

    users: dict = field(default_factory=dict)
    hub: object = None
    reports: list = field(default_factory=list)


def _reporter(make_user, code: str) -> tuple:
    lower = code.lower()
    return (make_user(f"officer-{lower}", "officer", platform=code),
            make_user(f"chief-{lower}", "supervisor", platform=code))


@pytest.fixture
def sahel(make_user):
    """Twenty-four validated reports from NE, ML and BF released to all, one NE report kept at
    home, all within the last twelve months; a person linked to many others in NE."""
    rng = random.Random(7)  # noqa: S311 - reproducible synthetic data
    data = Sahel()
    today = timezone.localdate()
    for code, towns in TOWNS.items():
        author, chief = _reporter(make_user, code)
        data.users[code] = (author, chief)
        for number in range(8):
            town, region = towns[number % len(towns)]
            report = actions.create_report(author, {
                "title": f"Incident fictif {code}-{number} à {town}",
                "narrative": "Données fictives de test.", "category": CATEGORIES[number % 5],
                "facts_date": today - timedelta(days=10 + 25 * number), "place": town,
                "country": Country.objects.get(code=code), "region": Region.objects.get(code=region),
                "source_reliability": "B", "credibility": "2", "dissemination": "all",
                "classification": 1})
            person = actions.add_entity(author, report, "Person",
                                        {"name": [rng.choice(NAMES) + f" {code}{number}"]},
                                        role="suspect")
            vehicle = actions.add_entity(author, report, "Vehicle",
                                         {"registrationNumber": [f"{1000 + number} {code} A"]},
                                         role="vehicle_used")
            actions.relate(author, report, "Ownership", person, vehicle)
            if code == "NE":
                if data.hub is None:
                    data.hub = person
                else:
                    actions.mention(author, report, data.hub, "suspect")
                    actions.relate(author, report, "Associate", data.hub, person)
            actions.submit(author, report)
            data.reports.append(actions.validate(chief, report))
    author, chief = data.users["NE"]
    home = actions.create_report(author, {
        "title": "Rapport fictif gardé au Niger", "category": "cybercrime",
        "facts_date": today - timedelta(days=5), "place": "Niamey", "country": Country.objects.get(code="NE"),
        "source_reliability": "C", "credibility": "3", "dissemination": "own", "classification": 1})
    secret_person = actions.add_entity(author, home, "Person", {"name": ["Personne fictive gardée"]},
                                       role="suspect")
    actions.relate(author, home, "Associate", data.hub, secret_person)
    actions.submit(author, home)
    actions.validate(chief, home)
    data.home_report = home
    data.home_person = secret_person
    return data


@pytest.fixture
def regional_analyst(make_user):
    return make_user("analyste-rg", "analyst", platform="RG")


def platform(code: str) -> Platform:
    return Platform.objects.get(code=code)
