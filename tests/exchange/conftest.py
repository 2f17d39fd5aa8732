from datetime import date

import pytest

from pcms.records import actions as records
from pcms.reference.models import Platform

REPORT = {
    "title": "Passage suspect au poste frontière",
    "narrative": "Deux véhicules ont franchi la frontière de nuit.",
    "category": "terrorism",
    "source_reliability": "B",
    "credibility": "2",
    "place": "Ayorou",
    "facts_date": date(2026, 11, 2),
}


@pytest.fixture
def people(make_user):
    """An officer and a supervisor of each platform the tests use, and a regional analyst."""

    class People:
        ne = make_user("officer-ne", "officer", platform="NE")
        ne_chief = make_user("chief-ne", "supervisor", platform="NE")
        ne_analyst = make_user("analyst-ne", "analyst", platform="NE")
        ml = make_user("officer-ml", "officer", platform="ML")
        ml_chief = make_user("chief-ml", "supervisor", platform="ML")
        bf = make_user("officer-bf", "officer", platform="BF")
        rg = make_user("analyst-rg", "analyst", platform="RG")
        rg_chief = make_user("chief-rg", "supervisor", platform="RG")

    return People


@pytest.fixture
def person_record(django_capture_on_commit_callbacks):
    """A validated report of `author`'s platform mentioning one person; returns (report, person).

    What reacts to the validation after commit (alert checks) runs as it would in production."""

    def make(author, validator, *, name="Moussa Traoré", birth_date="1984-05-02",
             dissemination="own", recipients=(), onward_allowed=False, hit_notice=True):
        report = records.create_report(author, {
            **REPORT, "dissemination": dissemination, "onward_allowed": onward_allowed,
            "hit_notice": hit_notice}, recipients=Platform.objects.filter(code__in=recipients))
        person = records.add_entity(author, report, "Person", {
            "name": [name], "birthDate": [birth_date], "nationality": ["ml"]}, role="suspect")
        records.submit(author, report)
        with django_capture_on_commit_callbacks(execute=True):
            records.validate(validator, report)
        person.refresh_from_db()
        report.refresh_from_db()
        return report, person

    return make
