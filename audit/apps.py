from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = _("Registro delle attività")

    def ready(self) -> None:
        from audit import receivers  # noqa: F401 - connects the signal receivers
