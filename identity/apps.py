from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "identity"
    verbose_name = "SPID e CIE"

    def ready(self) -> None:
        from identity import signals  # noqa: F401 - connects the receivers
