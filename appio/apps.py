from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppioConfig(AppConfig):
    name = "appio"
    verbose_name = _("App IO")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from appio import receivers  # noqa: F401 - connects the signal receivers
