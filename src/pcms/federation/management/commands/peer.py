"""`pcms peer add|list|remove`: the nodes this node exchanges with, and how each is doing."""

from django.core.management.base import BaseCommand, CommandError

from pcms.federation import peers


class Command(BaseCommand):
    help = "Register, list or deactivate federation peers."

    def add_arguments(self, parser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        add = commands.add_parser("add", help="register a peer with its public key")
        add.add_argument("code", help="the peer's platform code (e.g. NE, RG)")
        add.add_argument("--key", required=True, help="its public key, from `pcms node show`")
        route = add.add_mutually_exclusive_group()
        route.add_argument("--url", default="", help="its address, when this node can reach it")
        route.add_argument("--via", default="", help="the relay it is reached through (e.g. RG)")
        commands.add_parser("list", help="peers with last contact, queue, traffic and errors")
        remove = commands.add_parser("remove", help="stop exchanging with a peer")
        remove.add_argument("code")

    def handle(self, *args, action: str, **options) -> None:
        try:
            if action == "add":
                peer, resent = peers.add(options["code"], options["key"], url=options["url"],
                                         via=options["via"])
                self.stdout.write(f"peer {peer.code} registered; {resent} changes queued for it\n")
            elif action == "remove":
                peers.deactivate(options["code"])
                self.stdout.write(f"peer {options['code'].upper()} deactivated\n")
            else:
                self._list()
        except peers.PeerError as error:
            raise CommandError(str(error)) from None

    def _list(self) -> None:
        columns = ("peer", "route", "last contact", "queue", "sent", "received", "errors",
                   "last error")
        rows = [columns] + [
            (s.peer.code, s.route, s.last_contact, str(s.queue), s.sent, s.received,
             str(s.peer.errors), s.peer.last_error[:60] or "-")
            for s in peers.statuses()
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
        for row in rows:
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())
