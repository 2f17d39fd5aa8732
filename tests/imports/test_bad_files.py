"""A corpus of awkward and hostile files, made on the fly: each is stored safely as written or
refused with a message naming the row and field, and a refused file writes nothing."""

import io
import zipfile

import pytest

from pcms.core.tabular import safe_cell
from pcms.imports import actions, files
from pcms.records.models import Entity, Report
from tests.imports.conftest import PEOPLE, csv_bytes, errors_of, xlsx_bytes


def nothing_written(report) -> bool:
    return not Entity.objects.filter(origin=report).exists()


def test_formula_in_a_cell_is_stored_as_text_and_neutralised_on_export(run_import, draft):
    formula = '=HYPERLINK("http://example.invalid","clic")'
    job = run_import(csv_bytes([PEOPLE[0], [f'"{formula.replace(chr(34), 2 * chr(34))}"', "1980", "ne"]]))
    assert job.status == "done", job.errors
    entity = Entity.objects.get(origin=draft)
    assert entity.properties["name"] == [formula]
    assert safe_cell(entity.caption) == "'" + formula


def test_script_tag_in_a_name_is_stored_as_written_and_escaped_in_the_preview(
    run_import, draft, officer_client
):
    name = "<script>alert(1)</script> Moussa"
    job = run_import(csv_bytes([PEOPLE[0], [name, "1980", "ne"]]), confirm=False)
    assert job.status == "ready"
    page = officer_client.get(f"/imports/{job.pk}/").content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Moussa" in page


def test_impossible_date_and_unknown_country_are_refused_by_row_and_field(run_import, draft):
    job = run_import(csv_bytes([PEOPLE[0], ["Awa Diallo", "31/02/1990", "Wakanda"]]))
    assert job.status == "invalid"
    assert errors_of(job) == [(2, "Date de naissance"), (2, "Nationalité")]
    assert "n'existe pas" in job.errors[0]["message"]  # in the node's language, French
    assert job.errors[1]["value"] == "Wakanda"
    assert nothing_written(draft)


def test_truncated_xlsx_is_refused(run_import, draft):
    data = xlsx_bytes(PEOPLE)
    job = run_import(data[: len(data) // 2], "people.xlsx")
    assert job.status == "invalid"
    assert "endommagé ou tronqué" in job.errors[0]["message"]
    assert nothing_written(draft)


def test_zip_bomb_xlsx_is_refused(run_import, draft):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (150 * 1024 * 1024))
    job = run_import(buffer.getvalue(), "bomb.xlsx")
    assert job.status == "invalid"
    assert "se décompresse en 150 Mo" in job.errors[0]["message"]
    assert nothing_written(draft)


def test_huge_cell_is_refused_with_its_line(run_import, draft):
    job = run_import(csv_bytes([PEOPLE[0], PEOPLE[1], ["A" * 300_000, "1980", "ne"]]))
    assert job.status == "invalid"
    assert job.errors[0]["line"] in (2, 3)
    assert nothing_written(draft)


def test_long_value_is_refused_naming_its_field(run_import, draft):
    job = run_import(csv_bytes([PEOPLE[0], ["B" * 5000, "1980", "ne"]]))
    assert job.status == "invalid"
    assert errors_of(job) == [(2, "Nom")]
    assert nothing_written(draft)


def test_path_traversal_in_the_file_name_stays_in_the_import_folder(run_import, draft, settings):
    job = run_import(csv_bytes(PEOPLE), "../../etc/passwd.csv", confirm=False)
    assert job.filename == "passwd.csv"
    assert str(job.upload_path.resolve()).startswith(str((settings.MEDIA_ROOT / "imports").resolve()))
    assert files.display_name("..\\..\\windows\\evil.csv") == "evil.csv"


def test_upload_over_the_limit_is_refused_without_reading_it_whole(officer, draft, settings):
    read = []

    def chunks():  # a 200 MB upload, streamed: never held in memory
        for _ in range(200):
            read.append(1)
            yield b"x" * (1024 * 1024)

    before = Report.objects.count()
    folder = settings.MEDIA_ROOT / "imports"
    jobs_before = set(folder.iterdir()) if folder.exists() else set()
    with pytest.raises(files.UploadRefused, match="50"):
        actions.create_job(officer, filename="big.csv", chunks=chunks(),
                           max_bytes=settings.IMPORT_MAX_BYTES, report=draft)
    assert len(read) == 51
    assert (set(folder.iterdir()) if folder.exists() else set()) == jobs_before
    assert Report.objects.count() == before


def test_unsupported_types_are_refused(officer, draft, settings):
    for name in ("old.xls", "photo.png", "noextension"):
        with pytest.raises(files.UploadRefused):
            actions.create_job(officer, filename=name, chunks=[b"data"],
                               max_bytes=settings.IMPORT_MAX_BYTES, report=draft)
