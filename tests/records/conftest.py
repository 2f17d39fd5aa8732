import pytest

from pcms.records import actions
from pcms.reference.models import Platform

BASE = {
    "title": "Passage suspect au poste frontière",
    "narrative": "Deux véhicules ont franchi la frontière de nuit.",
    "category": "terrorism",
    "source_reliability": "B",
    "credibility": "2",
    "place": "Ayorou",
}


@pytest.fixture
def new_report():
    def make(author, *, dissemination="all", recipients=(), **fields):
        data = {**BASE, "dissemination": dissemination, **fields}
        platforms = Platform.objects.filter(code__in=recipients)
        return actions.create_report(author, data, recipients=platforms)

    return make


@pytest.fixture
def validated_report(new_report, make_user):
    """A report with one person, validated by a second supervisor of the same platform."""

    def make(author=None, validator=None, **fields):
        author = author or make_user("author-ne", "officer")
        validator = validator or make_user("chief-ne", "supervisor")
        report = new_report(author, **fields)
        actions.add_entity(author, report, "Person",
                           {"name": ["Moussa Traoré"], "birthDate": ["1984-05-02"],
                            "nationality": ["ml"]}, role="suspect")
        actions.submit(author, report)
        return actions.validate(validator, report)

    return make
