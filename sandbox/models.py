"""The sandbox's own records: it is another party (pagoPA), with its own memory.

Texts here are the simulator's, not the portal's: Italian source strings, translated
like the rest of the UI.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Station(models.Model):
    """How the simulated Node reaches an Ente (its station configuration on pagoPA).

    Without a row the Node uses the customary ids: broker = Ente's fiscal code,
    station = ``<fiscal code>_01``, and the portal's endpoint at SITE_URL.
    """

    ec_fiscal_code = models.CharField(_("codice fiscale Ente"), max_length=11, unique=True)
    broker_id = models.CharField("idBrokerPA", max_length=35)
    station_id = models.CharField("idStation", max_length=35)
    endpoint_url = models.URLField(_("indirizzo paForNode"), blank=True)

    class Meta:
        verbose_name = _("stazione")
        verbose_name_plural = _("stazioni")

    def __str__(self) -> str:
        return f"{self.ec_fiscal_code} → {self.station_id}"


class Cart(models.Model):
    """A cart received on the Checkout carts API."""

    class Status(models.TextChoices):
        OPEN = "open", _("aperto")
        PAID = "paid", _("pagato")
        REFUSED = "refused", _("rifiutato dal PSP")
        CANCELLED = "cancelled", _("annullato")
        ERROR = "error", _("errore")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.PositiveSmallIntegerField(default=1)
    notices = models.JSONField()
    return_ok = models.URLField(max_length=1000)
    return_cancel = models.URLField(max_length=1000)
    return_error = models.URLField(max_length=1000)
    return_waiting = models.URLField(max_length=1000, blank=True)
    email = models.CharField(max_length=256, blank=True)
    id_cart = models.CharField(max_length=210, blank=True)
    method = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.id)


class Payment(models.Model):
    """One notice paid (or refused) through the sandbox, with its simulated mishaps."""

    class Status(models.TextChoices):
        ACTIVATED = "activated", _("attivato")
        PAID = "paid", _("pagato")
        REFUSED = "refused", _("rifiutato dal PSP")

    token = models.CharField("paymentToken", max_length=35, unique=True)
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="payments")
    channel = models.CharField(max_length=12)  # "checkout" | "sportello"
    ec_fiscal_code = models.CharField(max_length=11)
    notice_number = models.CharField(max_length=18)
    amount_cents = models.PositiveBigIntegerField()
    fee_cents = models.PositiveBigIntegerField(default=0)
    psp = models.CharField(max_length=35)
    method = models.CharField(max_length=10)
    scenario = models.CharField(max_length=12, default="ok")
    delay_seconds = models.PositiveIntegerField(default=0)
    get_payment_xml = models.TextField(_("risposta paGetPaymentV2"))
    status = models.CharField(max_length=10, choices=Status.choices,
                              default=Status.ACTIVATED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.token


class ReceiptDelivery(models.Model):
    """A paSendRTV2 the Node owes an Ente; retried like the Node does until answered."""

    class Status(models.TextChoices):
        PENDING = "pending", _("da consegnare")
        DELIVERED = "delivered", _("consegnata")
        REJECTED = "rejected", _("rifiutata (KO)")
        GAVE_UP = "gave_up", _("abbandonata")

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="deliveries")
    receipt_id = models.CharField(max_length=35)
    body = models.TextField()
    due_at = models.DateTimeField(default=timezone.now, db_index=True)
    simulated_failures = models.PositiveSmallIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    last_error = models.TextField(blank=True)
    answer = models.CharField(max_length=100, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-due_at"]

    def __str__(self) -> str:
        return f"{self.receipt_id} ({self.status})"


class AcaPosition(models.Model):
    """What the simulated ACA (central archive of notices) holds for one IUV."""

    pa_fiscal_code = models.CharField(max_length=11)
    iuv = models.CharField(max_length=35)
    nav = models.CharField(max_length=18, blank=True)
    amount_cents = models.PositiveBigIntegerField()
    description = models.CharField(max_length=255)
    entity_fiscal_code = models.CharField(max_length=16)
    entity_full_name = models.CharField(max_length=255)
    expiration_date = models.CharField(max_length=40)
    switch_to_expired = models.BooleanField(default=False)
    pay_stand_in = models.BooleanField(default=True)
    body = models.JSONField()
    updates = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["pa_fiscal_code", "iuv"],
                                               name="sandbox_aca_unique_iuv")]

    def __str__(self) -> str:
        return f"{self.pa_fiscal_code}/{self.iuv}"

    @property
    def status(self) -> str:
        return "VALID" if self.amount_cents else "INVALID"
