"""`pcms restore FILE [--passphrase-file F] [--force]`: put this node back from a backup."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pcms.dataprotection.backup import BackupError, restore
from pcms.dataprotection.management.passphrase import read_passphrase


class Command(BaseCommand):
    help = "Restore this node from an encrypted backup (refused on a node holding data)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="the backup to restore")
        parser.add_argument("--passphrase-file",
                            help="a file holding the passphrase (otherwise it is asked for)")
        parser.add_argument("--force", action="store_true",
                            help="overwrite a node that already holds data")

    def handle(self, *args, file: str, passphrase_file: str | None, force: bool, **options) -> None:
        passphrase = read_passphrase(passphrase_file)
        try:
            manifest = restore(Path(file), passphrase, force=force)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"node {manifest['node']} restored from the backup of "
                          f"{manifest['created_at']}: {manifest['attachments']} attachments, "
                          f"{manifest['keys']} key files, {manifest['indexed']} records indexed "
                          f"for matching. Check it with `pcms audit verify`.\n")
