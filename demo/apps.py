from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Development data only (``seed_demo``): it imports the whole stack, nothing imports it."""

    name = "demo"
    verbose_name = _("Dati dimostrativi")
