"""Pay links, per-service reminder policies, the reminders sent and the opt-outs."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Service
from organizations.models import Organization
from positions.models import PaymentOption, PaymentPosition


def new_link_id() -> str:
    """12 URL-safe characters (72 random bits): the part of the token the row is found by."""
    return secrets.token_urlsafe(9)


class PayLink(models.Model):
    """A signed "pay now" link to one position (see ``reminders.paylinks``).

    The row holds what a signature cannot: who issued it, whether staff revoked it. The
    expiry follows the position's due date (computed when the link is opened), so a due
    date moved by staff moves the link's end with it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("Ente"))
    position = models.ForeignKey(PaymentPosition, on_delete=models.CASCADE,
                                 related_name="pay_links", verbose_name=_("posizione"))
    public_id = models.CharField(max_length=16, unique=True, default=new_link_id,
                                 editable=False)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(_("revocato il"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("link di pagamento")
        verbose_name_plural = _("link di pagamento")
        indexes = [models.Index(fields=["position", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.position_id}: {self.public_id}"


class ReminderPolicy(models.Model):
    """When a service's debtors are reminded by email. Off until staff switch it on."""

    service = models.OneToOneField(Service, on_delete=models.CASCADE,
                                   related_name="reminder_policy", verbose_name=_("servizio"))
    enabled = models.BooleanField(_("promemoria email attivi"), default=False)
    days_before = models.PositiveSmallIntegerField(
        _("giorni prima della scadenza"), default=7,
        help_text=_("0 per non inviare il promemoria prima della scadenza."))
    day_after = models.BooleanField(_("promemoria il giorno dopo la scadenza"), default=True)

    class Meta:
        verbose_name = _("regola dei promemoria")
        verbose_name_plural = _("regole dei promemoria")

    def __str__(self) -> str:
        return str(self.service)


class Reminder(models.Model):
    """One reminder of one option's due date. Unique: never twice for the same option,
    kind and due date, even with two runs at once (the second insert fails)."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("prima della scadenza")
        AFTER = "after", _("dopo la scadenza")

    class Outcome(models.TextChoices):
        QUEUED = "queued", _("email in coda")
        UNREACHABLE = "unreachable", _("nessun indirizzo email")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("Ente"))
    position = models.ForeignKey(PaymentPosition, on_delete=models.CASCADE,
                                 related_name="reminders", verbose_name=_("posizione"))
    option = models.ForeignKey(PaymentOption, on_delete=models.CASCADE,
                               related_name="reminders", verbose_name=_("opzione"))
    kind = models.CharField(_("tipo"), max_length=6, choices=Kind.choices)
    due_date = models.DateField(_("scadenza"))
    outcome = models.CharField(_("esito"), max_length=12, choices=Outcome.choices)
    recipients = models.PositiveSmallIntegerField(_("destinatari"), default=0)
    created_at = models.DateTimeField(_("registrato il"), auto_now_add=True)

    class Meta:
        verbose_name = _("promemoria")
        verbose_name_plural = _("promemoria")
        constraints = [models.UniqueConstraint(fields=["option", "kind", "due_date"],
                                               name="reminder_once_per_option_date")]
        indexes = [models.Index(fields=["organization", "outcome"])]

    def __str__(self) -> str:
        return f"{self.option_id} {self.kind} {self.due_date}"


class ReminderOptOut(models.Model):
    """An address that asked for no more reminders from this Ente (receipts still go)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("Ente"))
    email = models.EmailField(_("email"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rinuncia ai promemoria")
        verbose_name_plural = _("rinunce ai promemoria")
        constraints = [models.UniqueConstraint(fields=["organization", "email"],
                                               name="reminder_optout_once")]

    def __str__(self) -> str:
        return self.email
