"""Read a table a user uploads (CSV or XLSX), and make cells safe for the tables we export.

Imports of participant lists, records and reference data all start from a spreadsheet someone
saved on their own machine: UTF-8 or Windows code page, commas or semicolons, Excel or
LibreOffice. `read_table` turns any of them into the same `Table` of text cells, keeping every value
exactly as written (a formula stays text and is never evaluated), and refuses what it cannot read
with a message that names the line and the column. Nothing here writes to the database.

`safe_cell` is the other direction: a value that begins with = + - @ (or a tab or carriage return)
is prefixed with an apostrophe before it goes into an exported CSV or XLSX, so that a spreadsheet
never runs it as a formula.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO

from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_ROWS = 5000
# An XLSX file is a zip archive: its unpacked parts may not exceed this many times its size,
# nor this total, whichever is smaller. A genuine worksheet compresses about ten times.
MAX_UNPACK_RATIO = 100
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
DELIMITERS = ",;\t"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class TableError(ValueError):
    """A file that cannot be read as a table; `line` and `column` say where, when known."""

    def __init__(self, message: str, line: int | None = None, column: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        if self.line is not None and self.column:
            return _("Line %(line)d, column “%(column)s”: %(message)s") % {
                "line": self.line, "column": self.column, "message": self.message}
        if self.line is not None:
            return _("Line %(line)d: %(message)s") % {"line": self.line, "message": self.message}
        return self.message


@dataclass
class Table:
    """Headers as written, and each data row as (line number in the file, {header: text})."""

    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]
    format: str
    encoding: str = ""
    delimiter: str = ""
    notes: list[str] = field(default_factory=list)


def read_table(
    file: IO[bytes] | bytes,
    *,
    filename: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> Table:
    """Read a CSV or XLSX file (chosen by the file name's extension) into a `Table`."""
    data = file if isinstance(file, bytes) else file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TableError(_("The file is larger than %(size)s MB.") % {"size": _megabytes(max_bytes)})
    if not data.strip():
        raise TableError(_("The file is empty."))
    extension = PurePath(filename).suffix.lower()
    if extension in (".csv", ".txt", ".tsv"):
        table = _read_csv(data, max_rows)
    elif extension == ".xlsx":
        table = _read_xlsx(data, max_rows)
    elif extension == ".xls":
        raise TableError(_("The old Excel format (.xls) is not supported: save the file as .xlsx "
                           "or .csv."))
    else:
        raise TableError(_("Unsupported file type “%(extension)s”: send a .csv or .xlsx file.")
                         % {"extension": extension or filename})
    if not table.rows:
        raise TableError(_("The file has a header line but no data."))
    return table


def safe_cell(value: object) -> object:
    """A value ready for an exported spreadsheet: text that a spreadsheet would run as a formula
    is prefixed with an apostrophe; numbers, dates and other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def _decode(data: bytes) -> tuple[str, str, list[str]]:
    """The text, the encoding it was read with, and a note when the encoding was a guess."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig", []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError:
            raise TableError(_("The file says it is UTF-16 but is not valid UTF-16.")) from None
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        encoding = "cp1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        encoding = "latin-1"
    note = _("The file is not UTF-8; it was read as Windows Western European (%(encoding)s). "
             "Check that accented letters look right below.") % {"encoding": encoding}
    return text, encoding, [note]


def _sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = text.splitlines()[0] if text else ""
        counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _read_csv(data: bytes, max_rows: int) -> Table:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TableError(_("This is not a text file: save the table as CSV or XLSX."))
    text, encoding, notes = _decode(data)
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        lines = iter(reader)
        headers = _headers(next(lines, []), line=1)
        rows: list[tuple[int, dict[str, str]]] = []
        for values in lines:
            line = reader.line_num
            if not any(value.strip() for value in values):
                continue
            if len(rows) >= max_rows:
                raise TableError(_("The file has more than %(count)d rows; split it.")
                                 % {"count": max_rows})
            if len(values) > len(headers) and any(v.strip() for v in values[len(headers):]):
                raise TableError(_("This line has %(found)d values but the header names "
                                   "%(expected)d columns.")
                                 % {"found": len(values), "expected": len(headers)}, line=line)
            rows.append((line, _row(headers, values)))
    except csv.Error as error:
        raise TableError(_("The CSV file is malformed (%(error)s).") % {"error": error},
                         line=reader.line_num) from None
    return Table(headers, rows, "csv", encoding=encoding, delimiter=delimiter, notes=notes)


def _check_zip(data: bytes) -> None:
    """Refuse an archive that would unpack into far more than it weighs (a zip bomb)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise TableError(_("The XLSX file is damaged or truncated: open it and save it again.")) from None
    total = sum(info.file_size for info in infos)
    if total > min(MAX_UNPACKED_BYTES, max(len(data), 1) * MAX_UNPACK_RATIO):
        raise TableError(_("The XLSX file unpacks to %(size)s MB, far more than a worksheet of this "
                           "size holds; it is refused.") % {"size": _megabytes(total)})
    if "xl/workbook.xml" not in {info.filename for info in infos}:
        raise TableError(_("This is not an Excel workbook (.xlsx)."))


def _read_xlsx(data: bytes, max_rows: int) -> Table:
    from openpyxl import load_workbook

    _check_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged archive
        raise TableError(_("The XLSX file is damaged or truncated: open it and save it again.")) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise TableError(_("The workbook has no worksheet."))
        rows: list[tuple[int, dict[str, str]]] = []
        headers: list[str] | None = None
        try:
            for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [_cell_text(value) for value in values]
                if headers is None:
                    if not any(cells):
                        continue
                    headers = _headers(cells, line=line)
                    continue
                if not any(cell.strip() for cell in cells):
                    continue
                if len(rows) >= max_rows:
                    raise TableError(_("The file has more than %(count)d rows; split it.")
                                     % {"count": max_rows})
                rows.append((line, _row(headers, cells)))
        except (zipfile.BadZipFile, EOFError, OSError, KeyError, ValueError) as error:
            if isinstance(error, TableError):
                raise
            raise TableError(_("The XLSX file is damaged or truncated: open it and save it "
                               "again.")) from None
    finally:
        workbook.close()
    if headers is None:
        raise TableError(_("The file is empty."))
    return Table(headers, rows, "xlsx", notes=[])


def _cell_text(value: object) -> str:
    """A cell as text, the way it reads in the sheet (dates as ISO dates, 12.0 as 12)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    return str(value)


def _headers(values: list[str], line: int) -> list[str]:
    headers = [str(value).strip() for value in values]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise TableError(_("The first line must name the columns."), line=line)
    seen: set[str] = set()
    for index, header in enumerate(headers, start=1):
        if not header:
            raise TableError(_("Column %(number)d has no name.") % {"number": index}, line=line)
        if header.casefold() in seen:
            raise TableError(_("Two columns have the same name."), line=line, column=header)
        seen.add(header.casefold())
    return headers


def _row(headers: list[str], values: list[str]) -> dict[str, str]:
    return {header: (values[i] if i < len(values) else "").strip() for i, header in enumerate(headers)}
