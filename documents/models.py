"""Documents prepared in the background: a ZIP of the documents of the selected rows
(``DocumentBundle``): the avviso of each payable row's position, the quietanza of each
paid row.

The ZIP is kept in the database (a BinaryField) rather than under MEDIA_ROOT: several app
servers and the worker then share it without a shared disk, it is deleted with its row
(``manage.py purge_document_bundles`` removes expired rows), and it is small (a few PDFs
of ~50 KiB each, at most ``DOCUMENTS_ZIP_MAX_POSITIONS`` rows).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization

BUNDLE_LIFETIME = timedelta(hours=24)


def default_expiry():
    return timezone.now() + BUNDLE_LIFETIME


class DocumentBundle(models.Model):
    """A ZIP of documents requested by one account; only its owner may see or download it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("In preparazione")
        READY = "ready", _("Pronto")
        FAILED = "failed", _("Non riuscito")

    # A random id in the URL: bundle ids must not be enumerable (the view also checks
    # the owner, and answers 404 to anyone else).
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="document_bundles",
        verbose_name=_("utente"),
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="document_bundles",
        verbose_name=_("Ente"),
    )
    # The selected rows (PaymentOption ids); what each gives is decided when it is built.
    option_ids = models.JSONField(_("righe scelte"), default=list)
    status = models.CharField(_("stato"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    content = models.BinaryField(_("contenuto ZIP"), null=True, blank=True, editable=False)
    file_count = models.PositiveSmallIntegerField(_("documenti"), default=0)
    # Selected rows with no document (cancelled, expired, paid without a receipt).
    skipped_count = models.PositiveSmallIntegerField(_("righe senza documento"), default=0)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    expires_at = models.DateTimeField(_("scade il"), default=default_expiry, db_index=True)

    class Meta:
        verbose_name = _("archivio di documenti")
        verbose_name_plural = _("archivi di documenti")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY and not self.is_expired()
