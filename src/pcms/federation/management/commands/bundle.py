"""`pcms bundle export --to CODE --out FILE` and `pcms bundle import FILE`: sync by hand."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pcms.federation import bundles
from pcms.federation.keys import IdentityError


class Command(BaseCommand):
    help = "Write what is pending for a peer to an encrypted, signed file, or apply such a file."

    def add_arguments(self, parser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        export = commands.add_parser("export", help="write a bundle for a peer")
        export.add_argument("--to", required=True, help="the peer's code")
        export.add_argument("--out", required=True, help="the file to write")
        export.add_argument("--all", action="store_true",
                            help="every change ever addressed to the peer, not only pending ones")
        load = commands.add_parser("import", help="apply a bundle received from a peer")
        load.add_argument("file")

    def handle(self, *args, action: str, **options) -> None:
        try:
            if action == "export":
                count = bundles.export(options["to"].upper(), Path(options["out"]),
                                       everything=options["all"])
                self.stdout.write(f"{count} changes for {options['to'].upper()} written to "
                                  f"{options['out']}\n")
            else:
                result = bundles.import_file(Path(options["file"]))
                outcomes = result.get("outcomes")
                summary = (", ".join(f"{n} {k}" for k, n in sorted(outcomes.items()))
                           if outcomes else "already imported")
                self.stdout.write(f"bundle imported: {summary or 'empty'}\n")
        except (bundles.BundleError, IdentityError, OSError) as error:
            raise CommandError(str(error)) from None
