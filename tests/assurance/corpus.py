"""A corpus of bad files, made on the fly, shared by every way a file enters a node.

`REFUSED` must be refused by every import with a message, storing nothing. `HOSTILE_NAMES` are
well-formed files under names that try to leave the upload folder: a node either refuses them or
keeps them under a plain name inside its data folder. Formulas and script tags inside otherwise
valid tables are not here: imports keep them as written text, escaped on pages and neutralised in
exports (`tests/imports/test_bad_files.py`).
"""

import io
import zipfile
from dataclasses import dataclass
from functools import cache

from openpyxl import Workbook

HEADER = ["Nom", "Prénom", "Sexe", "Pays", "Service", "Fonction", "Courriel"]
ROW = ["Diallo", "Awa", "F", "NE", "Police nationale", "Agent", ""]


@dataclass(frozen=True)
class BadFile:
    name: str  # what the corpus calls it, in test ids
    filename: str
    content: bytes

    def __str__(self) -> str:
        return self.name


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@cache
def _zip_bomb() -> bytes:
    """A workbook whose one sheet inflates to 150 MB of zeros (about 150 KB compressed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (150 * 1024 * 1024))
    return buffer.getvalue()


def _csv(rows, encoding: str = "utf-8") -> bytes:
    return "\r\n".join(";".join(row) for row in rows).encode(encoding) + b"\r\n"


@cache
def refused() -> list[BadFile]:
    workbook = _xlsx([HEADER, ROW])
    return [
        BadFile("empty", "liste.csv", b""),
        BadFile("binary-as-csv", "liste.csv", bytes(range(256)) * 64),
        BadFile("utf16-without-bom", "liste.csv", _csv([HEADER, ROW], "utf-16-le")),
        BadFile("truncated-xlsx", "liste.xlsx", workbook[: len(workbook) // 2]),
        BadFile("zip-not-a-workbook", "liste.xlsx", _zip_of({"hello.txt": b"bonjour"})),
        BadFile("zip-bomb-xlsx", "liste.xlsx", _zip_bomb()),
        BadFile("huge-cell", "liste.csv", _csv([HEADER, ["A" * 300_000, *ROW[1:]]])),
        BadFile("csv-named-xlsx", "liste.xlsx", _csv([HEADER, ROW])),
        BadFile("executable-named-csv", "liste.csv", b"MZ\x90\x00" + b"\x00" * 4000),
        BadFile("nul-bytes", "liste.csv", _csv([HEADER, ROW]).replace(b"Awa", b"A\x00wa")),
    ]


def _zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


HOSTILE_NAMES = [
    "../../../../tmp/pcms-escape.pdf",
    "..\\..\\..\\windows\\pcms-escape.pdf",
    "/etc/cron.d/pcms-escape.pdf",
    "rapport\x00.pdf",
    ".htaccess",
    "<script>alert(1)</script>.pdf",
]
