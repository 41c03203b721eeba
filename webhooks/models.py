"""Signed notifications to the Ente's own systems: where (``Endpoint``), what happened
(``Event``), one delivery per endpoint (``Delivery``) and every try (``Attempt``).

An event is a row written in the transaction of the change it tells (so it exists if and
only if the change does); deliveries leave after commit from the job queue and are
retried with back-off for two days; every attempt is kept for the back office.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization


class EventType(models.TextChoices):
    PAID = "position.paid", _("Pagamento ricevuto (position.paid)")
    CANCELLED = "position.cancelled", _("Posizione annullata (position.cancelled)")
    # Once per position, when its last payable option expires (see webhooks.receivers).
    EXPIRED = "position.expired", _("Posizione scaduta, non più pagabile (position.expired)")
    # An option expired while the position can still be paid another way.
    OPTION_EXPIRED = "option.expired", _("Rata scaduta, posizione ancora pagabile "
                                         "(option.expired)")
    PING = "ping", _("Prova (ping)")


#: What a responsabile may subscribe to (the ping goes to one endpoint on request).
SUBSCRIBABLE = [EventType.PAID, EventType.CANCELLED, EventType.EXPIRED,
                EventType.OPTION_EXPIRED]


class Endpoint(models.Model):
    """An address of the Ente's systems that receives the events it chose."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="webhook_endpoints", verbose_name=_("Ente"))
    url = models.URLField(_("indirizzo"), max_length=500)
    description = models.CharField(_("descrizione"), max_length=100, blank=True)
    # Kept in clear: an HMAC needs the key itself. Shown once when set, never again.
    secret = models.CharField(_("segreto"), max_length=200, editable=False)
    events = models.JSONField(_("eventi"), default=list)
    is_active = models.BooleanField(_("attivo"), default=True)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    secret_changed_at = models.DateTimeField(_("segreto cambiato il"), default=timezone.now)

    class Meta:
        verbose_name = _("endpoint webhook")
        verbose_name_plural = _("endpoint webhook")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.url

    def event_labels(self) -> list[str]:
        labels = dict(EventType.choices)
        return [str(labels.get(name, name)) for name in self.events]


class Event(models.Model):
    """Something that happened to a position, as the Ente's systems will read it."""

    public_id = models.UUIDField(_("identificativo"), default=uuid.uuid4, unique=True,
                                 editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="webhook_events", verbose_name=_("Ente"))
    type = models.CharField(_("tipo"), max_length=40, choices=EventType.choices)
    created_at = models.DateTimeField(_("avvenuto il"), default=timezone.now)
    data = models.JSONField(_("dati"), default=dict)
    # position.paid: the receipt is read by the first delivery, after commit (the
    # signal fires before the receipt row says it was applied); then the data is final.
    receipt_option_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("evento webhook")
        verbose_name_plural = _("eventi webhook")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.type} {self.public_id}"

    def envelope(self) -> dict:
        """The JSON body every receiver gets: the same bytes on every retry."""
        return {"id": str(self.public_id), "type": self.type,
                "created_at": self.created_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
                "organization": self.organization.fiscal_code, "data": self.data}


class Delivery(models.Model):
    """One event to one endpoint, until it is accepted (2xx) or two days have passed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("In consegna")
        DELIVERED = "delivered", _("Consegnata")
        FAILED = "failed", _("Non consegnata")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(_("stato"), max_length=10, choices=Status.choices,
                              default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(_("tentativi"), default=0)
    next_attempt_at = models.DateTimeField(_("prossimo tentativo"), default=timezone.now,
                                           db_index=True)
    # Back-off restarts from here ("riprova ora" resets it).
    pending_since = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("consegnata il"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("ultimo codice HTTP"), null=True,
                                                        blank=True)
    last_error = models.CharField(_("ultimo errore"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("consegna webhook")
        verbose_name_plural = _("consegne webhook")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["event", "endpoint"],
                                               name="webhooks_delivery_once")]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"


class Attempt(models.Model):
    """One POST: when, what came back (status, a short excerpt) or what went wrong."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="tries")
    at = models.DateTimeField(_("quando"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("codice HTTP"), null=True, blank=True)
    response_excerpt = models.CharField(_("risposta (inizio)"), max_length=500, blank=True)
    error = models.CharField(_("errore"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("durata (ms)"), default=0)

    class Meta:
        verbose_name = _("tentativo di consegna")
        verbose_name_plural = _("tentativi di consegna")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error[:40]}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

