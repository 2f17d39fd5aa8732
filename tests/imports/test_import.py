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


def _ready_job(run_import, **kwargs):
    job = run_import(csv_bytes(PEOPLE), confirm=False, **kwargs)
    assert job.status == "ready", job.errors
    job.status = "running"
    job.save(update_fields=["status"])
    return job


def test_cancel_during_apply_leaves_nothing_not_even_the_new_report(run_import):
    from pcms.imports import applying
    from pcms.imports.validation import Cancelled
    from pcms.records.models import Report

    before = Report.objects.count()
    job = _ready_job(run_import, create={"title": "", "category": "terrorism",
                                         "source_reliability": "B", "credibility": "2"})
    with pytest.raises(Cancelled):
        applying.apply(job, lambda done, total: None, lambda: True)
    assert Report.objects.count() == before
    assert not Entity.objects.exists() and not SearchToken.objects.filter(entity__isnull=False).exists()


def test_failure_during_apply_writes_nothing_and_says_so(run_import, draft, monkeypatch):
    from pcms.imports import applying, tasks

    job = _ready_job(run_import)
    job.status = "queued"
    job.save(update_fields=["status"])

    def broken(model, columns, rows):
        if model is SearchToken:
            raise OSError("disk full")
        return real(model, columns, rows)

    real = applying._insert
    monkeypatch.setattr(applying, "_insert", broken)
    tasks.apply_import.call_local(str(job.pk))
    job.refresh_from_db()
    assert job.status == "failed" and "rien n’a été écrit" in job.message
    assert not Entity.objects.filter(origin=draft).exists()
    assert not Mention.objects.exists()


def test_jobs_left_under_way_by_a_stopped_worker_fail_and_start_again(
    run_import, officer, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from pcms.imports import actions, tasks

    job = _ready_job(run_import)
    assert tasks.fail_interrupted(before=timezone.now()) == 1
    job.refresh_from_db()
    assert job.status == "failed" and "interrompu" in job.message
    with django_capture_on_commit_callbacks(execute=True):
        actions.retry(officer, job)
    job.refresh_from_db()
    assert job.status == "ready"


def test_a_job_still_moving_is_not_taken_for_interrupted(run_import):
    from datetime import timedelta

    from pcms.imports import files, tasks

    job = _ready_job(run_import)
    files.write_progress(job, 10, 20)
    assert tasks.fail_interrupted(older_than=timedelta(minutes=30)) == 0
