from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    name = "pcms.reference"
    verbose_name = _("Reference data")

    def ready(self) -> None:
        from pcms.reference.loaders import load_reference_data

        post_migrate.connect(load_reference_data, sender=self)
