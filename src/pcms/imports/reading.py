"""Read an uploaded file into candidate entities: one per table row or followthemoney line.

Tables (CSV, XLSX) go through the shared reader `pcms.core.tabular`, then a column mapping turns
each row into property values. followthemoney JSON comes one entity per line, or as one JSON
array; either way every entity keeps the line it starts on, so that an error names it. Values stay
exactly as written here: cleaning them is the next step's work (`validation`).
"""

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from pcms.core.tabular import Table, TableError, read_table
from pcms.imports.models import ImportJob

# The longest value quoted back in an error message.
QUOTE_LENGTH = 200


@dataclass
class Candidate:
    """One entity to be, as written: its line, type, raw values and the field each came from."""

    line: int
    schema: str
    values: dict[str, list[str]]
    fields: dict[str, str] = field(default_factory=dict)
    ref: str = ""


@dataclass
class RowError:
    line: int | None
    field: str
    message: str
    value: str = ""

    def as_dict(self) -> dict:
        return {"line": self.line, "field": self.field, "message": self.message,
                "value": self.value[:QUOTE_LENGTH]}


class FileError(Exception):
    """The whole file is refused, with where and why."""

    def __init__(self, error: RowError) -> None:
        super().__init__(error.message)
        self.error = error


def read_job_table(job: ImportJob) -> Table:
    try:
        with open(job.upload_path, "rb") as handle:
            return read_table(handle, filename=job.filename, max_bytes=settings.IMPORT_MAX_BYTES,
                              max_rows=settings.IMPORT_MAX_ROWS)
    except TableError as error:
        raise FileError(RowError(error.line, error.column or "", error.message)) from None


def table_candidates(table: Table, schema: str, columns: dict[str, str]) -> list[Candidate]:
    """Each row as the values of the properties its mapped columns feed."""
    sources: dict[str, list[str]] = {}
    for header, prop in columns.items():
        if prop and header in table.headers:
            sources.setdefault(prop, []).append(header)
    fields = {prop: " / ".join(headers) for prop, headers in sources.items()}
    candidates = []
    for line, row in table.rows:
        values: dict[str, list[str]] = {}
        for prop, headers in sources.items():
            cells = [row[header] for header in headers if row.get(header, "").strip()]
            if cells:
                values[prop] = cells
        candidates.append(Candidate(line, schema, values, fields))
    return candidates


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise FileError(RowError(None, "", _("The file says it is UTF-16 but is not valid "
                                                 "UTF-16."))) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise FileError(RowError(line, "", _("followthemoney JSON must be written in UTF-8; "
                                             "this line is not."))) from None


def _items(text: str) -> list[tuple[int, object]]:
    """(line, decoded value) for each entity of a JSON array or of line-delimited JSON."""
    decoder = json.JSONDecoder()
    stripped = text.lstrip()
    items: list[tuple[int, object]] = []
    if not stripped.startswith("["):
        for line, content in enumerate(text.splitlines(), start=1):
            if content.strip():
                try:
                    items.append((line, json.loads(content)))
                except ValueError as error:
                    raise FileError(RowError(line, "", _("This line is not valid JSON (%(error)s).")
                                             % {"error": error.msg})) from None
        return items
    position = text.index("[") + 1
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text):
            raise FileError(RowError(text.count("\n") + 1, "", _("The JSON array is not closed: "
                                                                 "the file is truncated.")))
        if text[position] == "]":
            if text[position + 1:].strip():
                raise FileError(RowError(text.count("\n", 0, position) + 1, "",
                                         _("Unexpected content after the JSON array.")))
            return items
        line = text.count("\n", 0, position) + 1
        try:
            value, position = decoder.raw_decode(text, position)
        except ValueError as error:
            raise FileError(RowError(line, "", _("This entity is not valid JSON (%(error)s).")
                                     % {"error": error.msg})) from None
        items.append((line, value))


def ftm_candidates(job: ImportJob) -> tuple[list[Candidate], list[RowError]]:
    """The file's entities, and the errors of those that are not entities at all."""
    with open(job.upload_path, "rb") as handle:
        data = handle.read(settings.IMPORT_MAX_BYTES + 1)
    text = _decode(data)
    candidates: list[Candidate] = []
    errors: list[RowError] = []
    items = _items(text)
    if not items:
        raise FileError(RowError(None, "", _("The file holds no entity.")))
    if len(items) > settings.IMPORT_MAX_ROWS:
        raise FileError(RowError(None, "", _("The file has more than %(count)d entities; split it.")
                                 % {"count": settings.IMPORT_MAX_ROWS}))
    for line, item in items:
        if not isinstance(item, dict):
            errors.append(RowError(line, "", _("An entity is a JSON object with “schema” and "
                                               "“properties”.")))
            continue
        schema, properties, ref = item.get("schema"), item.get("properties", {}), item.get("id", "")
        if not isinstance(schema, str) or not schema:
            errors.append(RowError(line, "schema", _("The entity has no schema.")))
            continue
        if not isinstance(properties, dict):
            errors.append(RowError(line, "properties", _("“properties” must be an object of "
                                                         "lists of values.")))
            continue
        values: dict[str, list[str]] = {}
        for name, raw in properties.items():
            raw = raw if isinstance(raw, list) else [raw]
            if any(isinstance(value, dict | list) for value in raw):
                errors.append(RowError(line, str(name), _("A value must be text, not an object "
                                                          "or a list.")))
                break
            values[str(name)] = [str(value) for value in raw if value is not None]
        else:
            candidates.append(Candidate(line, schema, values, {name: name for name in values},
                                        ref=str(ref)[:200]))
    return candidates, errors
