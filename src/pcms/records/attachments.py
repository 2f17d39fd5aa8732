"""Attachments: photos and scanned documents, checked before they are stored.

The type is read from the file's first bytes, not from its name or the browser's word; the size
is capped; the content is stored under its SHA-256, never under a name the user chose; and it is
served as a download with no-sniff, to readers of its report only.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from pcms.audit.choices import AuditAction
from pcms.audit.services import record
from pcms.records.models import Attachment, Report

SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)


class AttachmentError(ValueError):
    pass


def detect_type(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


@dataclass(frozen=True)
class Checked:
    """An upload that passed the checks, with what is stored about it."""

    filename: str
    content_type: str
    size: int
    sha256: str


def check(upload: UploadedFile) -> Checked:
    """Refuse a file over the size limit or of a type that is not a photo or a PDF."""
    limit = settings.PCMS_ATTACHMENT_MAX_MB * 1024 * 1024
    name = get_valid_filename(upload.name.replace("\\", "/").rsplit("/", 1)[-1])[:200] or "file"
    if upload.size > limit:
        raise AttachmentError(_("The file is larger than %(mb)d MB.") % {
            "mb": settings.PCMS_ATTACHMENT_MAX_MB})
    head = upload.read(16)
    content_type = detect_type(head)
    if content_type is None:
        raise AttachmentError(_("Only photos (JPEG, PNG, TIFF, WebP) and PDF documents can be "
                                "attached."))
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return Checked(name, content_type, upload.size, digest.hexdigest())


@transaction.atomic
def attach(user, report: Report, upload: UploadedFile, request=None) -> Attachment:
    checked = check(upload)
    attachment = Attachment(report=report, filename=checked.filename,
                            content_type=checked.content_type, size=checked.size,
                            sha256=checked.sha256, uploaded_by=user)
    attachment.file.save(attachment.sha256, upload, save=False)
    attachment.save()
    record(AuditAction.CREATE, request=request, actor=user, obj=attachment,
           detail={"report": str(report.pk), "size": checked.size, "sha256": checked.sha256})
    return attachment


def response(attachment: Attachment) -> FileResponse:
    result = FileResponse(attachment.file.open("rb"), as_attachment=True,
                          filename=attachment.filename, content_type=attachment.content_type)
    result["Cache-Control"] = "private, no-store"
    result["X-Content-Type-Options"] = "nosniff"
    return result
