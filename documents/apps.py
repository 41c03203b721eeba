from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documenti")

    def ready(self) -> None:
        from documents import receipts  # noqa: F401 - mails the quietanza of a paid option
