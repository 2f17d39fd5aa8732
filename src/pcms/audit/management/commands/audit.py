"""`pcms audit verify`: check that no audit entry was changed, removed or reordered."""

from django.core.management.base import BaseCommand, CommandError

from pcms.audit.services import verify


class Command(BaseCommand):
    help = "Audit trail tools."

    def add_arguments(self, parser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        commands.add_parser("verify", help="Check the hash chain of the whole audit trail.")

    def handle(self, *args, subcommand: str, **options) -> None:
        count, breaks = verify()
        if breaks:
            for item in breaks:
                self.stderr.write(f"entry {item.entry_id}: {item.reason}")
            raise CommandError(f"audit trail TAMPERED: {len(breaks)} problem(s) in {count} entries")
        self.stdout.write(self.style.SUCCESS(f"audit trail intact: {count} entries verified"))
