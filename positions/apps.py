from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PositionsConfig(AppConfig):
    name = "positions"
    verbose_name = _("Posizioni debitorie")

    def ready(self) -> None:
        from positions import signals  # noqa: F401 - connects the receivers
