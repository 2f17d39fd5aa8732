"""`pcms token create USERNAME`: print a new API token for a user."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from pcms.accounts.models import ApiToken
from pcms.audit.choices import AuditAction
from pcms.audit.services import record


class Command(BaseCommand):
    help = "Manage API tokens."

    def add_arguments(self, parser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        create = commands.add_parser("create", help="Create a token and print it once.")
        create.add_argument("username")
        create.add_argument("--name", default="command line")
        create.add_argument("--days", type=int, default=None, help="Validity in days.")

    def handle(self, *args, subcommand: str, username: str, name: str, days: int | None,
               **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        if not user.is_active:
            raise CommandError(f"user {username!r} is inactive")
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1")
        token, key = ApiToken.issue(user, name=name, days=days)
        record(AuditAction.TOKEN_CREATED, actor=user, obj=token, detail={"via": "command"})
        self.stdout.write(key)
