"""`pcms matching rebuild`: make the node's match index anew from the database."""

from django.core.management.base import BaseCommand

from pcms.screening import nodeindex


class Command(BaseCommand):
    help = "Maintain the node's match index."

    def add_arguments(self, parser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        commands.add_parser("rebuild", help="Rebuild the index from every matchable record.")

    def handle(self, *args, subcommand: str, **options) -> None:
        count = nodeindex.rebuild()
        self.stdout.write(self.style.SUCCESS(f"match index rebuilt: {count} records"))
