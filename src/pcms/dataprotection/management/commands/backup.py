"""`pcms backup --out FILE [--passphrase-file F]`: an encrypted, consistent copy of this node."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pcms.dataprotection.backup import BackupError, backup
from pcms.dataprotection.management.passphrase import read_passphrase


class Command(BaseCommand):
    help = "Write an encrypted backup of this node: database, attachments, keys and secret key."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", required=True, help="the file to write")
        parser.add_argument("--passphrase-file",
                            help="a file holding the passphrase (otherwise it is asked for)")

    def handle(self, *args, out: str, passphrase_file: str | None, **options) -> None:
        passphrase = read_passphrase(passphrase_file, confirm=True)
        try:
            manifest = backup(Path(out), passphrase)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"backup of node {manifest['node']} written to {out}: "
                          f"{manifest['database']} database, {manifest['attachments']} attachments, "
                          f"{manifest['keys']} key files\n")
