"""`pcms demo`: load synthetic demo data into this node, idempotently.

Each app that has demo data provides a `demo.py` with `load(stdout)`; they run in the order of
INSTALLED_APPS, so reference data exists before accounts and accounts before records.
"""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load synthetic demonstration data (accounts, records, trainings...)."

    def handle(self, *args, **options) -> None:
        for config in apps.get_app_configs():
            if not config.name.startswith("pcms."):
                continue
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.demo":
                    raise
                continue
            with transaction.atomic():
                module.load(self.stdout)
