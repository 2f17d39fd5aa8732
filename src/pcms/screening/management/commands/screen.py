"""`pcms screen`: check a person, vehicle or document from the command line, as a named user."""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from pcms.matching import InvalidEntity
from pcms.records import schema as ftm
from pcms.reference.models import Purpose
from pcms.screening import services


class Command(BaseCommand):
    help = "Screen a person, vehicle or document against this node (hit / no hit)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--user", required=True, help="Whose need-to-know applies.")
        parser.add_argument("--purpose", required=True, help="Purpose code.")
        parser.add_argument("--reason", required=True, help="Why this check is made.")
        parser.add_argument("--schema", default="Person")
        parser.add_argument("--name")
        parser.add_argument("--birth-date")
        parser.add_argument("--nationality")
        parser.add_argument("--id-number")
        parser.add_argument("--plate")
        parser.add_argument("--number", help="Document number.")
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args, **options) -> None:
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['user']!r}")
        purpose = Purpose.objects.filter(code=options["purpose"], is_active=True).first()
        if purpose is None:
            codes = ", ".join(Purpose.objects.values_list("code", flat=True))
            raise CommandError(f"unknown purpose {options['purpose']!r} (one of: {codes})")
        raw = {prop: [options[key]] for key, prop in (
            ("name", "name"), ("birth_date", "birthDate"), ("nationality", "nationality"),
            ("id_number", "idNumber"), ("plate", "registrationNumber"), ("number", "number"))
            if options.get(key)}
        try:
            cleaned = ftm.clean_properties(ftm.get_schema(options["schema"]), raw)
        except ftm.SchemaError as error:
            raise CommandError(str(error)) from None
        if cleaned.errors:
            raise CommandError("; ".join(f"{k}: {v}" for k, v in cleaned.errors.items()))
        try:
            screening, candidates = services.screen(
                user, {"schema": options["schema"], "properties": cleaned.properties}, purpose,
                options["reason"])
        except InvalidEntity as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps({
                "hit": screening.hit,
                "candidates": [{"disclosure": c.disclosure, "owner": c.owner_code,
                                "score": round(c.result.score, 4),
                                "caption": c.entity.caption if c.disclosure == "full" else None}
                               for c in candidates]}, ensure_ascii=False))
            return
        self.stdout.write("HIT" if screening.hit else "NO HIT")
        for candidate in candidates:
            label = candidate.entity.caption if candidate.disclosure == "full" else (
                f"record held by {candidate.owner_code}: contact that platform")
            self.stdout.write(f"  {candidate.result.score:.2f}  {label}")
