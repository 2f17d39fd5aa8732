"""`pcms node init --url URL` creates this node's keys; `pcms node show` prints its public key."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pcms.federation import keys


class Command(BaseCommand):
    help = "This node's federation identity: create it, or show what peers need to register it."

    def add_arguments(self, parser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        init = commands.add_parser("init", help="create the key pairs and record the address")
        init.add_argument("--url", default="", help="the address peers reach this node at")
        init.add_argument("--force", action="store_true", help="replace existing keys")
        show = commands.add_parser("show", help="print code, address and public key")
        show.add_argument("--key", action="store_true", help="print the public key alone")

    def handle(self, *args, action: str, **options) -> None:
        if action == "init":
            identity = keys.init(options["url"], force=options["force"])
        else:
            try:
                identity = keys.local_identity()
            except keys.IdentityError as error:
                raise CommandError(str(error)) from None
            if options["key"]:
                self.stdout.write(identity.public_key)
                return
        self.stdout.write(f"code {settings.PCMS_NODE}\nurl {identity.url or '-'}\n"
                          f"key {identity.public_key}\n")
        self.stdout.write(f"register it at a peer with: pcms peer add {identity.code} "
                          f"--key {identity.public_key}"
                          + (f" --url {identity.url}" if identity.url else "") + "\n")
