"""Every way a file enters a node, fed the whole corpus of bad files: each one is refused with a
message, and nothing of it is stored; hostile file names never place a file outside the node's
upload folder."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pcms.exchange import actions as exchange
from pcms.exchange.actions import ExchangeError
from pcms.exchange.models import Message, MessageFile
from pcms.federation import bundles
from pcms.imports import actions as imports
from pcms.imports import files
from pcms.records import attachments
from pcms.records.models import Attachment, Entity
from pcms.training import services
from pcms.training.models import Official, ParticipantImport, Registration
from pcms.training.participants import ParticipantListError
from tests.assurance.corpus import HOSTILE_NAMES, BadFile, refused
from tests.imports.conftest import draft  # noqa: F401 - shared fixture
from tests.training.conftest import course, session  # noqa: F401 - shared fixtures

PDF = b"%PDF-1.4\n% Note fictive\ntrailer<<>>\n%%EOF\n"
pytestmark = pytest.mark.django_db


def records_import(ctx, bad: BadFile) -> str:
    """A records import: refused at upload, or its job ends invalid or failed with a message."""
    try:
        with ctx.on_commit(execute=True):
            job = imports.create_job(ctx.officer, filename=bad.filename, chunks=[bad.content],
                                     max_bytes=ctx.settings.IMPORT_MAX_BYTES, report=ctx.draft)
        job.refresh_from_db()
        if job.status == "mapping":
            with ctx.on_commit(execute=True):
                imports.set_mapping(ctx.officer, job, schema="Person",
                                    columns={"Nom": "name", "Prénom": "firstName"}, role="suspect")
            job.refresh_from_db()
    except files.UploadRefused as error:
        return str(error)
    assert job.status in ("invalid", "failed"), (job.status, job.errors, job.message)
    return job.message or " ".join(error["message"] for error in job.errors)


def records_stored(ctx) -> int:
    return Entity.objects.filter(origin=ctx.draft).count()


def participant_import(ctx, bad: BadFile) -> str:
    with pytest.raises(ParticipantListError) as error:
        services.prepare_import(ctx.session, io.BytesIO(bad.content), bad.filename,
                                actor=ctx.coordinator)
    return " ".join(str(e) for e in error.value.errors)


def participants_stored(ctx) -> int:
    return (ParticipantImport.objects.count() + Official.objects.count()
            + Registration.objects.count())


def bundle_import(ctx, bad: BadFile) -> str:
    path = ctx.tmp_path / bad.filename.replace("/", "_")
    path.write_bytes(bad.content)
    with pytest.raises(bundles.BundleError) as error:
        bundles.import_file(path)
    return str(error.value)


def bundle_stored(ctx) -> int:
    from pcms.federation.models import InboxEntry

    return InboxEntry.objects.count() + Entity.objects.count()


def attachment(ctx, bad: BadFile) -> str:
    upload = SimpleUploadedFile(bad.filename, bad.content)
    with pytest.raises(attachments.AttachmentError) as error:
        attachments.attach(ctx.officer, ctx.draft, upload)
    return str(error.value)


def attachments_stored(ctx) -> int:
    return Attachment.objects.count()


def exchange_file(ctx, bad: BadFile) -> str:
    upload = SimpleUploadedFile(bad.filename, bad.content)
    with pytest.raises(ExchangeError) as error:
        exchange.send_message(ctx.officer, subject="Liste", body="Ci-joint.", recipients=["ML"],
                              files=[upload])
    return " ".join(error.value.errors.values())


def exchange_stored(ctx) -> int:
    return Message.objects.count() + MessageFile.objects.count()


ENTRIES = {
    "records-import": (records_import, records_stored),
    "participant-import": (participant_import, participants_stored),
    "federation-bundle": (bundle_import, bundle_stored),
    "report-attachment": (attachment, attachments_stored),
    "exchange-file": (exchange_file, exchange_stored),
}


@pytest.fixture
def ctx(make_user, draft, session, settings, tmp_path, django_capture_on_commit_callbacks):  # noqa: F811
    class Context:
        pass

    context = Context()
    context.officer = draft.created_by
    context.coordinator = make_user("coord", "coordinator")
    context.draft, context.session, context.settings = draft, session, settings
    context.tmp_path, context.on_commit = tmp_path, django_capture_on_commit_callbacks
    return context


@pytest.mark.parametrize("bad", refused(), ids=str)
@pytest.mark.parametrize("entry", sorted(ENTRIES))
def test_bad_file_is_refused_with_a_message_and_nothing_stored(ctx, entry, bad):
    send, stored = ENTRIES[entry]
    before = stored(ctx)
    message = send(ctx, bad)
    assert message.strip(), f"{entry} refused {bad} without saying why"
    assert stored(ctx) == before


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_file_name_never_leaves_the_upload_folder(ctx, name):
    upload = SimpleUploadedFile(name, PDF, content_type="application/pdf")
    try:
        kept = attachments.attach(ctx.officer, ctx.draft, upload)
    except attachments.AttachmentError:
        return
    data = Path(ctx.settings.MEDIA_ROOT).resolve()
    assert Path(kept.file.path).resolve().is_relative_to(data)
    assert "/" not in kept.filename and "\\" not in kept.filename and "\x00" not in kept.filename
    assert Path(kept.file.path).name.startswith(kept.sha256[:16])  # on disk, named by its digest
    sent = exchange.send_message(ctx.officer, subject="Note", body="Ci-joint.", recipients=["ML"],
                                 files=[SimpleUploadedFile(name, PDF)])
    stored = sent.files.get()
    assert Path(stored.file.path).resolve().is_relative_to(data)
    assert "/" not in stored.filename and "\\" not in stored.filename
