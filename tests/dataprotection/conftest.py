from datetime import timedelta

import pytest
from django.utils import timezone

from pcms.records import actions
from pcms.reference.models import Purpose

REPORT = {"title": "Enlèvement sur la route de Ménaka", "category": "kidnapping",
          "source_reliability": "B", "credibility": "2", "dissemination": "all"}


@pytest.fixture
def niger(make_user):
    """An officer, a supervisor and the data protection officer of the Niger platform."""
    return (make_user("officer-ne", "officer"), make_user("chief-ne", "supervisor"),
            make_user("dpo-ne", "dpo"))


@pytest.fixture
def mali(make_user):
    return (make_user("officer-ml", "officer", platform="ML"),
            make_user("chief-ml", "supervisor", platform="ML"),
            make_user("analyst-ml", "analyst", platform="ML"))


def purpose(code: str = "organised-crime-investigation") -> Purpose:
    return Purpose.objects.get(code=code)


def validated(author, validator, people, *, role="suspect", **fields):
    """A validated report naming each of `people` (followthemoney properties) in `role`."""
    report = actions.create_report(author, {**REPORT, "purpose": purpose(), **fields})
    entities = [actions.add_entity(author, report, "Person", p, role=role) for p in people]
    actions.submit(author, report)
    report = actions.validate(validator, report)
    return report, entities


@pytest.fixture
def time_passes(monkeypatch):
    """Move the node's calendar forward by a number of days."""
    real = timezone.localdate

    def move(days: int) -> None:
        def localdate(value=None, timezone=None):
            if value is None:
                return real() + timedelta(days=days)
            return real(value, timezone)

        monkeypatch.setattr("django.utils.timezone.localdate", localdate)

    return move
