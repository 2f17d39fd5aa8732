"""The shared table reader: every way a spreadsheet arrives, and every way it can be wrong."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from pcms.core.tabular import TableError, read_table, safe_cell


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_utf8_csv_with_commas_keeps_line_numbers():
    table = read_table(b"nom,pays\nMa\xc3\xafga,NE\n\nSow,ML\n", filename="list.csv")
    assert table.headers == ["nom", "pays"]
    assert table.rows == [(2, {"nom": "Maïga", "pays": "NE"}), (4, {"nom": "Sow", "pays": "ML"})]
    assert table.encoding == "utf-8" and table.delimiter == "," and not table.notes


def test_utf8_bom_and_semicolons_as_excel_saves_them():
    table = read_table("\ufeffnom;prénom\nTraoré;Aïssata\n".encode(), filename="list.csv")
    assert table.headers == ["nom", "prénom"]
    assert table.rows[0][1] == {"nom": "Traoré", "prénom": "Aïssata"}
    assert table.delimiter == ";"


def test_utf16_with_bom_and_tabs():
    table = read_table("nom\tpays\nCissé\tML\n".encode("utf-16"), filename="list.txt")
    assert table.rows[0][1] == {"nom": "Cissé", "pays": "ML"}
    assert table.encoding == "utf-16" and table.delimiter == "\t"


def test_windows_code_page_is_read_and_the_guess_is_reported():
    table = read_table("nom;pays\nKeïta;ML\n".encode("cp1252"), filename="list.csv")
    assert table.rows[0][1]["nom"] == "Keïta"
    assert table.encoding == "cp1252"
    assert table.notes and "cp1252" in table.notes[0]


def test_formula_is_kept_as_written_in_csv_and_xlsx():
    assert read_table(b"nom\n=1+2\n", filename="a.csv").rows[0][1]["nom"] == "=1+2"
    table = read_table(xlsx([["nom", "total"], ["Sow", "=1+2"]]), filename="a.xlsx")
    assert table.rows == [(2, {"nom": "Sow", "total": "=1+2"})]


def test_xlsx_numbers_and_dates_read_as_text():
    from datetime import date

    table = read_table(xlsx([["n", "d"], [12.0, date(2024, 3, 1)]]), filename="a.xlsx")
    assert table.rows[0][1] == {"n": "12", "d": "2024-03-01"}


def test_truncated_xlsx_is_refused_clearly():
    data = xlsx([["nom"], ["Sow"]])
    with pytest.raises(TableError, match="damaged or truncated"):
        read_table(data[: len(data) // 2], filename="a.xlsx")


def test_zip_bomb_is_refused_before_opening():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 60_000_000)
    with pytest.raises(TableError, match="unpacks to"):
        read_table(buffer.getvalue(), filename="bomb.xlsx")


def test_unsupported_and_empty_files_are_refused():
    with pytest.raises(TableError, match="Unsupported file type"):
        read_table(b"x", filename="list.pdf")
    with pytest.raises(TableError, match="empty"):
        read_table(b"  \n", filename="list.csv")
    with pytest.raises(TableError, match="no data"):
        read_table(b"nom,pays\n", filename="list.csv")


def test_limits_on_size_and_rows():
    with pytest.raises(TableError, match="larger than"):
        read_table(b"nom\n" + b"x\n" * 100, filename="a.csv", max_bytes=50)
    with pytest.raises(TableError, match="more than 2 rows"):
        read_table(b"nom\na\nb\nc\n", filename="a.csv", max_rows=2)


def test_bad_headers_and_extra_values_name_the_line():
    with pytest.raises(TableError, match="same name") as error:
        read_table(b"nom,Nom\na,b\n", filename="a.csv")
    assert error.value.line == 1
    with pytest.raises(TableError) as error:
        read_table(b"nom,pays\nSow,ML,extra\n", filename="a.csv")
    assert error.value.line == 2 and "3 values" in error.value.message


def test_safe_cell_neutralises_formulas_only():
    assert safe_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    for text in ("+1", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("Maïga") == "Maïga"
    assert safe_cell(-3) == -3
