from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Notifiche ai sistemi dell'Ente")

    def ready(self) -> None:
        from webhooks import receivers  # noqa: F401 - listens to positions.events
