from django.apps import AppConfig


class SportelloConfig(AppConfig):
    name = "sportello"
    verbose_name = "Sportello"

    def ready(self):
        from sportello import signals  # noqa: F401  (connects the security-event receivers)
