"""The backup passphrase: from a file (for scheduled backups) or typed at the terminal."""

import getpass
from pathlib import Path

from django.core.management.base import CommandError


def read_passphrase(path: str | None, confirm: bool = False) -> str:
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise CommandError(f"cannot read the passphrase file: {error}") from None
    passphrase = getpass.getpass("Backup passphrase: ")
    if confirm and getpass.getpass("Once more: ") != passphrase:
        raise CommandError("the two passphrases differ")
    return passphrase
