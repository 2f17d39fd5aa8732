import pytest

from pcms.audit.models import AuditEntry
from pcms.records.models import Entity, Mention, SearchToken
from pcms.records.search import search_entities
from tests.imports.conftest import PEOPLE, csv_bytes, errors_of, xlsx_bytes


def test_csv_rows_become_draft_entities_of_the_report(run_import, draft, officer):
    job = run_import(csv_bytes(PEOPLE))
    assert job.status == "done", (job.status, job.errors, job.message)
    assert job.created_count == 3
    people = Entity.objects.filter(origin=draft).order_by("caption")
    assert [p.caption for p in people] == ["Aïcha Mint Ahmed", "Ibrahim Ag Alhassane", "Moussa Traoré"]
    moussa = people.get(caption="Moussa Traoré")
    assert moussa.properties == {"name": ["Moussa Traoré"], "birthDate": ["1984-05-02"],
                                 "nationality": ["ml"]}
    assert moussa.written["birthDate"] == ["02/05/1984"]
    assert moussa.status == "draft" and moussa.owner_id == officer.platform_id
    assert Mention.objects.filter(report=draft, role="suspect").count() == 3
    assert SearchToken.objects.filter(entity=moussa).exists()
    assert list(search_entities(Entity.objects.all(), "traore")) == [moussa]
    entries = AuditEntry.objects.filter(action="create", object_id=str(draft.pk))
    assert entries.filter(detail__import=str(job.pk)).count() == 1
    assert entries.get(detail__import=str(job.pk)).detail["entities"] == 3


def test_xlsx_rows_are_read_like_csv(run_import, draft):
    job = run_import(xlsx_bytes(PEOPLE), "people.xlsx")
    assert job.status == "done", job.errors
    assert Entity.objects.filter(origin=draft).count() == 3


def test_bad_rows_are_named_and_nothing_is_written(run_import, draft):
    rows = [*PEOPLE, ["Awa Diallo", "31/02/1990", "ml"], ["Issa Kone", "1980", "Wakanda"],
            ["", "1970", "ne"]]
    job = run_import(csv_bytes(rows))
    assert job.status == "invalid"
    assert errors_of(job) == [(5, "Date de naissance"), (6, "Nationalité"), (7, "Nom")]
    assert job.error_count == 3 and job.valid_rows == 3
    assert "31/02/1990" in job.errors[0]["value"]
    assert not Entity.objects.filter(origin=draft).exists()


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16", "utf-8-sig"])
def test_encodings_are_read_and_stored_as_written(run_import, draft, encoding):
    job = run_import(csv_bytes(PEOPLE, encoding=encoding, delimiter=";"))
    assert job.status == "done", job.errors
    assert Entity.objects.filter(origin=draft, caption="Moussa Traoré").exists()
