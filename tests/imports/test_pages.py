import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pcms.imports.models import ImportJob, ImportMapping
from pcms.records.models import Entity, Report
from tests.conftest import page_text, sign_in
from tests.imports.conftest import PEOPLE, csv_bytes

NEW_REPORT = {"new-title": "", "new-category": "terrorism", "new-source_reliability": "B",
              "new-credibility": "2", "new-dissemination": "own", "new-classification": "1"}


def upload(client, content: bytes, name: str = "people.csv", **fields):
    data = {"file": SimpleUploadedFile(name, content), "role": "suspect", **NEW_REPORT, **fields}
    return client.post("/imports/new/", data)


def test_upload_map_check_and_apply_through_the_pages(
    officer_client, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(officer_client, csv_bytes([*PEOPLE, ["Awa", "31/02/1990", "ml"]]))
    assert response.status_code == 302, page_text(response)[:2000]
    job = ImportJob.objects.get()
    assert job.status == "mapping"
    page = page_text(officer_client.get(response.url))
    assert "Date de naissance" in page and "Moussa Traoré" in page  # headers and sample rows
    form = {"schema": "Person", "role": "suspect", "save_as": "Fiches de la police",
            "column_0": "name", "column_1": "birthDate", "column_2": "nationality"}
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(f"/imports/{job.pk}/mapping/", form)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "invalid"
    page = page_text(officer_client.get(f"/imports/{job.pk}/"))
    assert "31/02/1990" in page and "Date de naissance" in page
    assert ImportMapping.objects.get(name="Fiches de la police").columns["Nom"] == "name"
    assert not Entity.objects.exists() and not Report.objects.exists()

    mapping = ImportMapping.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(officer_client, csv_bytes(PEOPLE), mapping=mapping.pk)
    fixed = ImportJob.objects.exclude(pk=job.pk).get()
    assert fixed.status == "ready", fixed.errors
    page = page_text(officer_client.get(f"/imports/{fixed.pk}/"))
    assert "1984-05-02" in page and "02/05/1984" in page  # stored and as written
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(f"/imports/{fixed.pk}/apply/")
    fixed.refresh_from_db()
    assert fixed.status == "done" and fixed.created_count == 3
    report = Report.objects.get()
    assert report.title == "Import people.csv" and report.dissemination == "own"
    assert Entity.objects.filter(origin=report).count() == 3
    assert "3 enregistrements" in page_text(officer_client.get(f"/imports/{fixed.pk}/"))


def test_declared_size_over_the_limit_is_refused_before_reading(officer_client, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    response = officer_client.post("/imports/new/", data=b"", content_type="multipart/form-data; boundary=x",
                                   CONTENT_LENGTH=str(200 * 1024 * 1024))
    assert response.status_code == 413
    assert "1 Mo" in page_text(response)
    assert not ImportJob.objects.exists()


def test_cancel_before_applying_leaves_nothing(run_import, officer_client):
    job = run_import(csv_bytes(PEOPLE), confirm=False)
    assert job.status == "ready"
    officer_client.post(f"/imports/{job.pk}/cancel/")
    job.refresh_from_db()
    assert job.status == "cancelled"
    assert not job.directory.exists()
    assert officer_client.post(f"/imports/{job.pk}/apply/").status_code == 302
    job.refresh_from_db()
    assert job.status == "cancelled" and not Entity.objects.exists()


def test_jobs_are_private_to_their_user(run_import, client, make_user):
    job = run_import(csv_bytes(PEOPLE), confirm=False)
    colleague = make_user("colleague", "officer")
    sign_in(client, colleague)
    assert client.get(f"/imports/{job.pk}/").status_code == 404
    assert client.post(f"/imports/{job.pk}/apply/").status_code == 404


@pytest.mark.parametrize("role", ["analyst", "coordinator"])
def test_only_officers_and_supervisors_import(client, make_user, role):
    sign_in(client, make_user("someone", role))
    assert client.get("/imports/new/").status_code == 403


def test_cannot_import_into_another_platforms_report(officer_client, make_user, new_report):
    foreign = new_report(make_user("officer-ml", "officer", platform="ML"))
    response = upload(officer_client, csv_bytes(PEOPLE), report=str(foreign.pk))
    assert response.status_code == 400
    assert not ImportJob.objects.exists()


def test_export_page_downloads_and_audits(validated_report, client, make_user):
    report = validated_report()
    reader = make_user("analyst-rg", "analyst", platform="RG")
    sign_in(client, reader)
    page = client.get(f"/imports/export/?report={report.pk}")
    assert page.status_code == 200
    response = client.post("/imports/export/", {"format": "ftm", "profile": "full",
                                                 "report": [str(report.pk)]})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    (line,) = response.content.decode().splitlines()
    assert json.loads(line)["caption"] == "Moussa Traoré"


def test_export_of_nothing_readable_is_refused(validated_report, client, make_user):
    report = validated_report(dissemination="own")
    sign_in(client, make_user("analyst-ml", "analyst", platform="ML"))
    response = client.post("/imports/export/", {"format": "stix", "profile": "full",
                                                 "report": [str(report.pk)]})
    assert response.status_code == 400
    assert "Moussa" not in page_text(response)


def test_cancel_while_queued_stops_the_worker_before_it_starts(run_import, officer):
    from pcms.imports import actions, tasks

    job = run_import(csv_bytes(PEOPLE), confirm=False)
    job.status = "queued"
    job.save(update_fields=["status"])
    actions.cancel(officer, job)
    tasks.apply_import.call_local(str(job.pk))
    job.refresh_from_db()
    assert job.status == "cancelled" and not Entity.objects.exists()
