"""The outbox: every email is a row first, then sent by the worker, retried until it
leaves. Nothing is deleted on failure; staff see what could not be delivered."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sportello.outbox import backoff

# Retries back off from one minute to one hour and go on for three days.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(days=3)


class OutgoingEmail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("In coda")
        SENT = "sent", _("Inviata")
        FAILED = "failed", _("Non recapitabile")

    organization = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    to = models.TextField(_("destinatari"), help_text=_("Indirizzi separati da virgola."))
    subject = models.CharField(_("oggetto"), max_length=200)
    body_text = models.TextField(_("testo"))
    body_html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED,
                              db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("email in uscita")
        verbose_name_plural = _("email in uscita")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"

    @property
    def recipients(self) -> list[str]:
        return [a.strip() for a in self.to.split(",") if a.strip()]

    def retry_delay(self) -> timedelta:
        return backoff(self.attempts, FIRST_RETRY, LONGEST_RETRY)


class EmailAttachment(models.Model):
    """A file of an email. Either its bytes, or a *deferred* attachment: ``builder`` names
    a function registered with :func:`mail.outbox.register_builder` and ``builder_ref`` its
    argument; the delivery job calls it (after the commit that queued the email, outside
    any lock), stores the bytes and clears ``builder``, so a retry does not build again."""

    email = models.ForeignKey(OutgoingEmail, on_delete=models.CASCADE,
                              related_name="attachments")
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(blank=True, default=b"")
    builder = models.CharField(max_length=50, blank=True)
    builder_ref = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return self.filename
