from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SportelloConfig(AppConfig):
    default = True
    name = "sportello"
    verbose_name = "Sportello"

    def ready(self):
        from sportello import signals  # noqa: F401  (connects the security-event receivers)


class AdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` whose ``admin.site`` answers to superusers only."""

    default = False  # named explicitly in INSTALLED_APPS
    default_site = "sportello.admin_site.SuperuserAdminSite"
