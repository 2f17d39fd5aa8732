"""The files of an import job: the upload as received, the work in progress, a cancel flag.

An upload is streamed to `MEDIA_ROOT/imports/<job id>/upload` in chunks, counted as it goes, so
that a file over the limit is refused without being held in memory; the name a user's machine
gave it is kept only for display, cleaned of any folder part. Progress and cancellation go through
small files beside it rather than the database: an import writes in one long transaction, which
on SQLite holds the only write lock and on PostgreSQL hides its own progress until it commits.
"""

import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import PurePosixPath, PureWindowsPath

from django.utils.translation import gettext as _

from pcms.imports.choices import ImportFormat
from pcms.imports.models import ImportJob

EXTENSIONS = {
    ".csv": ImportFormat.CSV, ".tsv": ImportFormat.CSV, ".txt": ImportFormat.CSV,
    ".xlsx": ImportFormat.XLSX,
    ".json": ImportFormat.FTM, ".jsonl": ImportFormat.FTM, ".ndjson": ImportFormat.FTM,
    ".ftm": ImportFormat.FTM,
}
_UNSAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)


class UploadRefused(ValueError):
    """An upload that is not taken: too large, empty, or of a type we do not read."""


class UploadTooLarge(UploadRefused):
    pass


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def too_large_message(max_bytes: int) -> str:
    return _("The file is larger than the limit of %(size)s MB: split it into smaller files.") % {
        "size": megabytes(max_bytes)}


def display_name(name: str) -> str:
    """The uploaded file's own name, without any folder part, control or odd characters."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = unicodedata.normalize("NFC", base)
    base = _UNSAFE.sub("_", base).strip(" .")
    return base[-120:] or "upload"


def format_for(name: str) -> str:
    """The import format of a file, chosen by its extension; refuses any other."""
    suffix = PurePosixPath(name.lower()).suffix
    if suffix == ".xls":
        raise UploadRefused(_("The old Excel format (.xls) is not supported: save the file as "
                              ".xlsx or .csv."))
    if suffix not in EXTENSIONS:
        raise UploadRefused(_("Unsupported file type “%(extension)s”: send a .csv, .xlsx or "
                              "followthemoney .json file.") % {"extension": suffix or name})
    return EXTENSIONS[suffix]


def store_upload(job: ImportJob, chunks: Iterable[bytes], max_bytes: int) -> None:
    """Write the upload into the job's folder, refusing it as soon as it passes `max_bytes`."""
    job.directory.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    try:
        with open(job.upload_path, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise UploadTooLarge(too_large_message(max_bytes))
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadRefused(_("The file is empty."))
    except BaseException:
        job.remove_files()
        raise
    job.size, job.sha256 = size, digest.hexdigest()


def write_progress(job: ImportJob, done: int, total: int) -> None:
    path = job.directory / "progress.json"
    temporary = path.with_suffix(".tmp")
    try:
        temporary.write_text(json.dumps({"done": done, "total": total}))
        os.replace(temporary, path)
    except FileNotFoundError:  # the job's folder was removed: the job is over
        pass


def read_progress(job: ImportJob) -> tuple[int, int]:
    try:
        data = json.loads((job.directory / "progress.json").read_text())
        return int(data["done"]), int(data["total"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0, 0


def request_cancel(job: ImportJob) -> None:
    job.directory.mkdir(parents=True, exist_ok=True)
    (job.directory / "cancel").touch()


def clear_cancel(job: ImportJob) -> None:
    (job.directory / "cancel").unlink(missing_ok=True)


def cancel_requested(job: ImportJob) -> bool:
    return (job.directory / "cancel").exists()
