"""Fixtures for imports and exports: an officer with a draft report, files made on the fly."""

import io

import pytest
from openpyxl import Workbook

from pcms.imports import actions
from pcms.imports.models import ImportJob
from pcms.records import actions as records
from tests.records.conftest import BASE, new_report, validated_report  # noqa: F401

PERSON_COLUMNS = {"Nom": "name", "Date de naissance": "birthDate", "Nationalité": "nationality"}


def csv_bytes(rows: list[list[str]], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    text = "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"
    return text.encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


PEOPLE = [
    ["Nom", "Date de naissance", "Nationalité"],
    ["Moussa Traoré", "02/05/1984", "ml"],
    ["Aïcha Mint Ahmed", "1990-11-23", "Mauritanie"],
    ["Ibrahim Ag Alhassane", "1979", "NE"],
]


@pytest.fixture
def draft(officer):
    return records.create_report(officer, {**BASE, "dissemination": "all"})


@pytest.fixture
def run_import(officer, draft, django_capture_on_commit_callbacks, settings):
    """Upload a file and run the background steps as the worker would; returns the job."""

    def run(content: bytes, filename: str = "people.csv", *, columns=None, schema="Person",
            role="suspect", confirm=True, user=None, report=None, create=None):
        user = user or officer
        with django_capture_on_commit_callbacks(execute=True):
            job = actions.create_job(
                user, filename=filename, chunks=[content], max_bytes=settings.IMPORT_MAX_BYTES,
                report=None if create else (report or draft), new_report=create,
                role=role)
        job.refresh_from_db()
        if job.status == "mapping":
            with django_capture_on_commit_callbacks(execute=True):
                actions.set_mapping(user, job, schema=schema,
                                    columns=columns if columns is not None else PERSON_COLUMNS,
                                    role=role)
            job.refresh_from_db()
        if confirm and job.status == "ready":
            with django_capture_on_commit_callbacks(execute=True):
                actions.confirm(user, job)
            job.refresh_from_db()
        return job

    return run


def errors_of(job: ImportJob) -> list[tuple[int | None, str]]:
    return [(error["line"], error["field"]) for error in job.errors]
