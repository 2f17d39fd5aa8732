"""Encrypted, consistent backups of a node: database, attachments, keys and secret key.

`pcms backup --out FILE` writes one file; `pcms restore FILE` puts a node back from it.

- The database is copied consistently while the node runs: on SQLite through the online backup
  API (a snapshot of one transaction, WAL included), on PostgreSQL with `pg_dump` in its custom
  format (one snapshot). Attachments are content-addressed and never rewritten, so copying them
  after the snapshot gives every file the snapshot refers to.
- The archive (a tar stream) is encrypted as it is written, never on disk in clear: AES-256-GCM
  in chunks of 1 MiB, each with its own nonce (a random prefix, the chunk number and a last-chunk
  flag), so a chunk changed, reordered, dropped or cut off is refused. The key comes from the
  passphrase through scrypt. The header (format, salt, node, date) is authenticated with every
  chunk, and carries a check value, so a wrong passphrase and an altered file get different
  messages.
- Restoring checks the whole file before it writes anything, and refuses a node that already
  holds data unless told `force`. The match index is rebuilt afterwards (it is derived data).
"""

import base64
import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.conf import settings
from django.db import connection

MAGIC = b"PCMSBAK1"
CHUNK = 1024 * 1024
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
MIN_PASSPHRASE = 12
CHECK = b"pcms backup key check"


class BackupError(RuntimeError):
    """The backup cannot be written or restored; the message says why."""


def _key(passphrase: str, salt: bytes, params: dict) -> bytes:
    if len(passphrase) < MIN_PASSPHRASE:
        raise BackupError(f"the passphrase must be at least {MIN_PASSPHRASE} characters long")
    if params.get("name", "scrypt") != "scrypt" or not 2**14 <= int(params["n"]) <= 2**20:
        raise BackupError("this backup uses key settings this node does not accept")
    return Scrypt(salt=salt, length=32, n=int(params["n"]), r=int(params["r"]),
                  p=int(params["p"])).derive(passphrase.encode())


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", index, 1 if last else 0)


class _EncryptingWriter(io.RawIOBase):
    """A write-only stream that encrypts what it is given, chunk by chunk, into `out`."""

    def __init__(self, out, key: bytes, prefix: bytes, aad: bytes) -> None:
        self.out, self.aead, self.prefix, self.aad = out, AESGCM(key), prefix, aad
        self.buffer, self.index = bytearray(), 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.buffer += data
        while len(self.buffer) > CHUNK:
            self._emit(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]
        return len(data)

    def _emit(self, plain: bytes, last: bool) -> None:
        sealed = self.aead.encrypt(_nonce(self.prefix, self.index, last), plain, self.aad)
        self.out.write(struct.pack(">I", len(sealed)) + sealed)
        self.index += 1

    def finish(self) -> None:
        self._emit(bytes(self.buffer), last=True)
        self.buffer.clear()


class _DecryptingReader(io.RawIOBase):
    """A read-only stream of the plain archive; raises BackupError on any alteration."""

    def __init__(self, source, key: bytes, prefix: bytes, aad: bytes) -> None:
        self.source, self.aead, self.prefix, self.aad = source, AESGCM(key), prefix, aad
        self.pending, self.index, self.done = b"", 0, False

    def readable(self) -> bool:
        return True

    def _next(self) -> None:
        size = self.source.read(4)
        if len(size) < 4:
            raise BackupError("the backup is cut short: its last part is missing")
        sealed = self.source.read(struct.unpack(">I", size)[0])
        for last in (False, True):
            try:
                plain = self.aead.decrypt(_nonce(self.prefix, self.index, last), sealed, self.aad)
            except InvalidTag:
                continue
            self.index += 1
            self.pending += plain
            if last:
                if self.source.read(1):
                    raise BackupError("the backup holds data after its end: it was altered")
                self.done = True
            return
        raise BackupError(f"the backup was altered or damaged (part {self.index} fails its "
                          "authentication); it is refused")

    def readinto(self, target) -> int:
        while not self.pending and not self.done:
            self._next()
        size = min(len(target), len(self.pending))
        target[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


@dataclass(frozen=True)
class Header:
    raw: bytes
    fields: dict

    @property
    def salt(self) -> bytes:
        return base64.b64decode(self.fields["salt"])

    @property
    def prefix(self) -> bytes:
        return base64.b64decode(self.fields["nonce_prefix"])


def _read_header(source) -> Header:
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("this file is not a pcms backup")
    size = struct.unpack(">I", source.read(4))[0]
    if size > 64 * 1024:
        raise BackupError("this file is not a pcms backup (its header is malformed)")
    raw = source.read(size)
    try:
        return Header(raw, json.loads(raw))
    except ValueError:
        raise BackupError("this file is not a pcms backup (its header is malformed)") from None


def _open(path: Path, passphrase: str) -> tuple[object, Header, bytes]:
    source = open(path, "rb")  # noqa: SIM115 - closed by the caller
    header = _read_header(source)
    key = _key(passphrase, header.salt, header.fields["kdf"])
    try:
        AESGCM(key).decrypt(base64.b64decode(header.fields["check_nonce"]),
                            base64.b64decode(header.fields["check"]), CHECK)
    except (InvalidTag, KeyError, ValueError):
        source.close()
        raise BackupError("wrong passphrase for this backup") from None
    return source, header, key


def _database() -> dict:
    return connection.settings_dict


def _dump_database(folder: Path) -> tuple[str, Path]:
    vendor = connection.vendor
    if vendor == "sqlite":
        if connection.in_atomic_block:
            raise BackupError("a backup is taken outside any transaction (the copy would wait "
                              "for the transaction to end)")
        target = folder / "database.sqlite3"
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return vendor, target
    if vendor == "postgresql":
        target = folder / "database.pgdump"
        _run_pg(["pg_dump", "--format=custom", "--no-owner", "--no-acl", "--file", str(target)])
        return vendor, target
    raise BackupError(f"backups of a {vendor} database are not supported")


def _pg_env() -> dict:
    db = _database()
    env = {**os.environ, "PGHOST": db.get("HOST") or "127.0.0.1", "PGPORT": str(db.get("PORT") or 5432),
           "PGUSER": db.get("USER") or "", "PGDATABASE": db["NAME"]}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _run_pg(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)")
    result = subprocess.run(command, env=_pg_env(), capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")


def _secret_key_file() -> Path:
    return Path(settings.DATA_DIR) / "secret_key"


def _add_tree(archive: tarfile.TarFile, root: Path, name: str) -> int:
    count = 0
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                archive.add(path, arcname=f"{name}/{path.relative_to(root).as_posix()}",
                            recursive=False)
                count += 1
    return count


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), 0o600
    archive.addfile(info, io.BytesIO(data))


def backup(out: Path, passphrase: str) -> dict:
    """Write an encrypted backup of this node to `out`; return its manifest."""
    out = Path(out)
    salt, prefix = os.urandom(16), os.urandom(7)
    key = _key(passphrase, salt, SCRYPT)
    check_nonce = os.urandom(12)
    manifest = {"node": settings.PCMS_NODE, "created_at": datetime.now(UTC).isoformat(),
                "database": connection.vendor, "format": 1}
    header = json.dumps({
        "format": 1, "cipher": "aes-256-gcm-chunked", "chunk": CHUNK,
        "kdf": {"name": "scrypt", **SCRYPT}, "salt": base64.b64encode(salt).decode(),
        "nonce_prefix": base64.b64encode(prefix).decode(),
        "check_nonce": base64.b64encode(check_nonce).decode(),
        "check": base64.b64encode(AESGCM(key).encrypt(check_nonce, b"", CHECK)).decode(),
        "node": manifest["node"], "created_at": manifest["created_at"],
    }, sort_keys=True).encode()
    partial = out.with_name(out.name + ".part")
    with tempfile.TemporaryDirectory(dir=settings.DATA_DIR, prefix=".backup-") as folder:
        Path(folder).chmod(0o700)
        vendor, dump = _dump_database(Path(folder))
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(MAGIC + struct.pack(">I", len(header)) + header)
            writer = _EncryptingWriter(handle, key, prefix, header)
            with tarfile.open(fileobj=writer, mode="w|gz") as archive:
                archive.add(dump, arcname=f"database/{dump.name}")
                manifest["attachments"] = _add_tree(archive, Path(settings.MEDIA_ROOT), "media")
                manifest["keys"] = _add_tree(archive, Path(settings.DATA_DIR) / "keys", "keys")
                _add_bytes(archive, "secret_key", settings.SECRET_KEY.encode())
                _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
            writer.finish()
    partial.replace(out)
    return manifest


def verify(path: Path, passphrase: str) -> dict:
    """Read the whole backup, checking every part; return its manifest."""
    source, header, key = _open(Path(path), passphrase)
    with source:
        reader = io.BufferedReader(_DecryptingReader(source, key, header.prefix, header.raw))
        manifest = None
        try:
            with tarfile.open(fileobj=reader, mode="r|gz") as archive:
                for member in archive:
                    if member.name == "manifest.json":
                        manifest = json.loads(archive.extractfile(member).read())
        except (tarfile.TarError, OSError, EOFError) as error:
            raise BackupError(f"the backup's content is unreadable: {error}") from None
    if manifest is None:
        raise BackupError("the backup has no manifest: it is incomplete")
    return manifest


def holds_data() -> list[str]:
    """What this node already holds that a restore would overwrite."""
    from django.contrib.auth import get_user_model

    from pcms.records.models import Entity, Report

    found = []
    tables = connection.introspection.table_names()
    if get_user_model()._meta.db_table in tables and get_user_model().objects.exists():
        found.append("users")
    if Report._meta.db_table in tables and (Report.objects.exists() or Entity.objects.exists()):
        found.append("records")
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(p.is_file() for p in media.rglob("*")):
        found.append(f"files under {media}")
    keys = Path(settings.DATA_DIR) / "keys"
    if keys.is_dir() and any(keys.iterdir()):
        found.append(f"keys under {keys}")
    return found


def _safe_members(archive: tarfile.TarFile):
    for member in archive:
        if not (member.isfile() or member.isdir()):
            raise BackupError(f"the backup holds an unexpected entry {member.name!r}")
        yield member


def restore(path: Path, passphrase: str, force: bool = False) -> dict:
    """Put this node back from a backup. Refuses a node holding data unless `force`."""
    manifest = verify(path, passphrase)
    if manifest["database"] != connection.vendor:
        raise BackupError(f"this backup holds a {manifest['database']} database; this node runs "
                          f"{connection.vendor}")
    existing = holds_data()
    if existing and not force:
        raise BackupError("this node is not empty (it holds " + ", ".join(existing) + "); restore "
                          "only into a new node, or pass --force to overwrite it")
    source, header, key = _open(Path(path), passphrase)
    data_dir = Path(settings.DATA_DIR)
    with source, tempfile.TemporaryDirectory(dir=data_dir, prefix=".restore-") as folder:
        Path(folder).chmod(0o700)
        reader = io.BufferedReader(_DecryptingReader(source, key, header.prefix, header.raw))
        with tarfile.open(fileobj=reader, mode="r|gz") as archive:
            archive.extractall(folder, members=_safe_members(archive), filter="data")
        staged = Path(folder)
        _restore_database(staged / "database")
        _replace_tree(staged / "media", Path(settings.MEDIA_ROOT))
        _replace_tree(staged / "keys", data_dir / "keys", private=True)
        secret = _secret_key_file()
        secret.write_bytes((staged / "secret_key").read_bytes())
        secret.chmod(0o600)
    from pcms.screening import nodeindex

    manifest["indexed"] = nodeindex.rebuild()
    return manifest


def _restore_database(folder: Path) -> None:
    connection.close()
    if connection.vendor == "sqlite":
        source = sqlite3.connect(folder / "database.sqlite3")
        target = sqlite3.connect(_database()["NAME"])
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return
    _run_pg(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction",
             "--dbname", _database()["NAME"], str(folder / "database.pgdump")])


def _replace_tree(source: Path, target: Path, private: bool = False) -> None:
    if target.exists():
        shutil.rmtree(target)
    if source.is_dir():
        shutil.copytree(source, target)
        if private:
            target.chmod(0o700)
            for path in target.rglob("*"):
                if path.is_file():
                    path.chmod(0o600)
