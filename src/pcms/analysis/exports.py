"""Dashboard tables as CSV or XLSX; every cell passes `safe_cell`, so no text runs as a formula."""

import csv
import io

from django.utils.functional import Promise

from pcms.analysis.stats import Table
from pcms.core.tabular import safe_cell

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _cell(value: object) -> object:
    """Numbers stay numbers; everything else (translated labels included) becomes safe text."""
    if isinstance(value, Promise):
        value = str(value)
    return safe_cell(value)


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_cell(str(header)) for header in table.headers])
    writer.writerows([_cell(value) for value in row] for row in table.rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the mark lets Excel read UTF-8


def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "".join(c for c in str(table.title) if c not in "[]:*?/\\")[:31] or table.key
    sheet.append([_cell(str(header)) for header in table.headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_cell(value) for value in row])
    sheet.column_dimensions["A"].width = 32
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export(table: Table, fmt: str) -> bytes:
    return to_xlsx(table) if fmt == "xlsx" else to_csv(table)
