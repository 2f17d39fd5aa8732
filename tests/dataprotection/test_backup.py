"""`pcms backup` and `pcms restore`: a node restored on a fresh data folder (and, on PostgreSQL,
a fresh database) holds every record, attachment and key, and its audit trail still verifies."""

import json
import subprocess
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from pcms.dataprotection import backup
from pcms.federation import keys
from pcms.records import attachments
from tests.federation.netkit import PCMS, ROOT, clean_env

from .conftest import validated

PASSPHRASE = "sable chaud sur la route de Gao"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 128


@pytest.fixture
def fresh_node(tmp_path):
    """Where a new node would run: an empty data folder and, on PostgreSQL, an empty database."""
    folder = tmp_path / "fresh"
    env = {"PCMS_DATA_DIR": str(folder), "PCMS_NODE": "NE"}
    name = None
    if connection.vendor == "postgresql":
        import psycopg

        db = connection.settings_dict
        name = f"pcms_restore_{uuid.uuid4().hex[:12]}"
        params = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432,
                  "user": db["USER"], "password": db["PASSWORD"] or None, "dbname": "postgres",
                  "autocommit": True}
        with psycopg.connect(**params) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        env["PCMS_DATABASE_URL"] = (f"postgres://{db['USER']}{password}@{params['host']}:"
                                    f"{params['port']}/{name}")
    yield folder, clean_env(**env)
    if name:
        with psycopg.connect(**params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pcms(env, *args: str) -> str:
    done = subprocess.run([PCMS, *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_on_a_fresh_node_with_every_record_file_and_key(niger, tmp_path,
                                                                          fresh_node, settings):
    settings.MEDIA_ROOT = tmp_path / "media"  # this node's files only, not other tests'
    officer, chief, _dpo = niger
    report, people = validated(officer, chief, [{"name": ["Aliou Maïga"]},
                                                {"name": ["Mariam Diarra"]}])
    attachments.attach(officer, report, SimpleUploadedFile("scan.png", PNG))
    keys.init("http://ne.example")
    out = tmp_path / "ne.pcmsbackup"
    manifest = backup.backup(out, PASSPHRASE)
    assert manifest["attachments"] == 1 and manifest["keys"] == 3
    assert b"Aliou" not in out.read_bytes()

    folder, env = fresh_node
    folder.mkdir()
    (tmp_path / "passphrase").write_text(PASSPHRASE)
    restored = pcms(env, "restore", str(out), "--passphrase-file", str(tmp_path / "passphrase"))
    assert "2 records indexed" in restored
    held = json.loads(pcms(env, "shell", "-c", (
        "import json; from pcms.records.models import Report, Entity, Attachment; "
        "print(json.dumps([sorted(str(p) for p in Report.objects.values_list('pk', flat=True)), "
        "sorted(str(p) for p in Entity.objects.values_list('pk', flat=True)), "
        "[a.file.read().hex() for a in Attachment.objects.all()]]))")).splitlines()[-1])
    assert held == [[str(report.pk)], sorted(str(p.pk) for p in people), [PNG.hex()]]
    assert "audit trail intact" in pcms(env, "audit", "verify")
    assert (folder / "keys" / "signing.key").read_bytes() == (
        Path(keys.key_dir()) / "signing.key").read_bytes()
    refused = subprocess.run([PCMS, "restore", str(out), "--passphrase-file",
                              str(tmp_path / "passphrase")], env=env, cwd=ROOT,
                             capture_output=True, text=True, timeout=300)
    assert refused.returncode != 0 and "not empty" in refused.stderr


@pytest.mark.django_db(transaction=True)
def test_an_altered_backup_or_a_wrong_passphrase_is_refused_before_anything_is_written(
        niger, tmp_path):
    officer, chief, _dpo = niger
    validated(officer, chief, [{"name": ["Aliou Maïga"]}])
    out = tmp_path / "ne.pcmsbackup"
    backup.backup(out, PASSPHRASE)
    with pytest.raises(backup.BackupError, match="wrong passphrase"):
        backup.verify(out, "not the passphrase at all")
    data = bytearray(out.read_bytes())
    data[-40] ^= 0x01
    altered = tmp_path / "altered.pcmsbackup"
    altered.write_bytes(bytes(data))
    with pytest.raises(backup.BackupError, match="altered"):
        backup.restore(altered, PASSPHRASE, force=True)
    cut = tmp_path / "cut.pcmsbackup"
    cut.write_bytes(out.read_bytes()[:-200])
    with pytest.raises(backup.BackupError):
        backup.verify(cut, PASSPHRASE)
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.restore(out, PASSPHRASE)
