"""The sandbox's own records: it is another party (pagoPA), with its own memory.

Texts here are the simulator's, not the portal's: Italian source strings, translated
like the rest of the UI.
"""

from __future__ import annotations

import datetime as dt
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
    # The station's configuration on pagoPA: which primitives the Node calls.
    version = models.PositiveSmallIntegerField(
        _("versione primitive"), choices=[(1, "V1 (paGetPayment, paSendRT)"),
                                          (2, "V2 (paGetPaymentV2, paSendRTV2)")], default=2)
    # Switches of the simulator (failure modes the tester asks for).
    stand_in = models.BooleanField(
        _("stazione irraggiungibile (Stand-In)"), default=False,
        help_text=_("Il Nodo non chiama l'Ente: incassa con i dati di ACA e consegna le "
                    "ricevute quando la stazione torna raggiungibile."))
    check_position_ko = models.BooleanField(
        _("checkPosition KO"), default=False,
        help_text=_("Checkout rifiuta i carrelli con avvisi di questo Ente (HTTP 422)."))
    fdr_failure = models.CharField(
        _("guasto API FdR per gli Enti"), max_length=3, blank=True,
        choices=[("", _("nessuno")), ("401", _("401: chiave di sottoscrizione rifiutata")),
                 ("500", _("500: errore interno"))],
        help_text=_("Come risponde l'API dei flussi di rendicontazione a questo Ente."))

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
    all_ccp = models.BooleanField(default=False)  # allCCP: activate with transferType POSTAL
    # What verify answered when the cart was shown ({noticeNumber: cents}): the amount
    # the payer saw, compared with the one the Ente answers at activation.
    verified_amounts = models.JSONField(default=dict, blank=True)
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
    channel = models.CharField(max_length=12)  # "checkout" | "sportello" | "poste"
    ec_fiscal_code = models.CharField(max_length=11)
    notice_number = models.CharField(max_length=18)
    amount_cents = models.PositiveBigIntegerField()
    fee_cents = models.PositiveBigIntegerField(default=0)
    psp = models.CharField(max_length=35)
    method = models.CharField(max_length=10)
    # What the Node recorded at activation (its own copy, never asked again): the raw
    # paGetPayment answer below, the primitive's version, the transferType it asked for,
    # the amount the payer was shown at verify, and whether it was served in Stand-In.
    version = models.PositiveSmallIntegerField(default=2)
    transfer_type = models.CharField(max_length=6, blank=True)
    verified_amount_cents = models.PositiveBigIntegerField(null=True, blank=True)
    stand_in = models.BooleanField(default=False)
    paid_at = models.DateTimeField(null=True, blank=True)
    scenario = models.CharField(max_length=12, default="ok")
    delay_seconds = models.PositiveIntegerField(default=0)
    get_payment_xml = models.TextField(_("risposta paGetPayment"), blank=True)
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
    """What the simulated ACA (central archive of notices) holds for one IUV.

    As pagopa-aca-service over GPD: the position is keyed by (Ente, IUV); amount 0
    invalidates it, and only a position in DRAFT/PUBLISHED/VALID/EXPIRED may be changed
    (INVALID and PAID are final: 409). Here DRAFT/PUBLISHED never occur (ACA publishes
    at once) and EXPIRED is VALID past its expiration with ``switch_to_expired``.
    """

    class Status(models.TextChoices):
        VALID = "VALID", "VALID"
        INVALID = "INVALID", "INVALID"
        PAID = "PAID", "PAID"
        EXPIRED = "EXPIRED", "EXPIRED"  # computed, never stored

    #: States ACA accepts an update in (AcaUtils.isInvalidStatusForExecuteOperation).
    UPDATABLE = frozenset({Status.VALID, Status.EXPIRED})

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
    iban = models.CharField(max_length=27, blank=True)
    postal_iban = models.CharField(max_length=27, blank=True)
    state = models.CharField(max_length=8, choices=Status.choices, default=Status.VALID)
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
        """GPD's status now: a VALID position past its expiration with
        ``switchToExpired`` is EXPIRED (GPD's scheduler does that on its own)."""
        if self.state == self.Status.VALID and self.switch_to_expired and self.expired():
            return self.Status.EXPIRED
        return self.state

    def expired(self) -> bool:
        try:
            expires = dt.datetime.fromisoformat(self.expiration_date)
        except ValueError:
            return False
        if timezone.is_naive(expires):
            expires = timezone.make_aware(expires)
        return expires < timezone.now()

    @property
    def payable_in_stand_in(self) -> bool:
        return self.status == self.Status.VALID and self.pay_stand_in


class IoService(models.Model):
    """An IO service known to the simulated IO: its subscription key and the switches a
    tester flips to see how the portal copes (failure modes)."""

    class Failure(models.TextChoices):
        NONE = "", _("nessuno: risponde come IO")
        PROFILE_NOT_FOUND = "profile_404", _("profilo non trovato (404) per ogni cittadino")
        NOT_ALLOWED = "not_allowed", _("servizio non autorizzato (403) all'invio")
        TOO_MANY = "429", _("troppe richieste (429 con Retry-After)")
        ERROR = "500", _("errore interno (500)")

    name = models.CharField(_("nome del servizio"), max_length=120)
    organization_fiscal_code = models.CharField(_("codice fiscale Ente"), max_length=11)
    key = models.CharField(_("chiave di sottoscrizione"), max_length=64, unique=True)
    # APIM's own refusal of a known key (a suspended subscription): 403, not ProblemJson.
    suspended = models.BooleanField(_("sottoscrizione sospesa (403 di APIM)"), default=False)
    failure = models.CharField(_("modalità di errore"), max_length=12, blank=True,
                               choices=Failure.choices, default=Failure.NONE)
    retry_after_seconds = models.PositiveIntegerField(_("Retry-After (secondi)"), default=30)

    class Meta:
        verbose_name = _("servizio IO")
        verbose_name_plural = _("servizi IO")

    def __str__(self) -> str:
        return self.name


class IoProfile(models.Model):
    """A citizen on the simulated IO; a fiscal code without a row has no profile."""

    fiscal_code = models.CharField(_("codice fiscale"), max_length=16, unique=True)
    full_name = models.CharField(_("nome"), max_length=120, blank=True)
    blocked_services = models.ManyToManyField(
        IoService, blank=True, related_name="blocked_by",
        verbose_name=_("servizi bloccati dal cittadino"))

    class Meta:
        verbose_name = _("profilo IO")
        verbose_name_plural = _("profili IO")
        ordering = ["fiscal_code"]

    def __str__(self) -> str:
        return self.fiscal_code


class IoMessage(models.Model):
    """A message IO accepted, as IO stores it (its own copy of the payment data)."""

    class Status(models.TextChoices):
        PROCESSED = "PROCESSED", "PROCESSED"
        REJECTED = "REJECTED", "REJECTED"

    id = models.CharField(primary_key=True, max_length=26, editable=False)
    service = models.ForeignKey(IoService, on_delete=models.CASCADE, related_name="messages")
    fiscal_code = models.CharField(max_length=16, db_index=True)
    subject = models.CharField(max_length=120)
    markdown = models.TextField()
    due_date = models.DateTimeField(null=True, blank=True)
    amount_cents = models.PositiveBigIntegerField(null=True, blank=True)
    notice_number = models.CharField(max_length=18, blank=True)
    payee_fiscal_code = models.CharField(max_length=11, blank=True)
    invalid_after_due_date = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices,
                              default=Status.PROCESSED)
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.id
class SandboxFlow(models.Model):
    """One revision of a reporting flow (FdR) as the sandbox's FdR service holds it.

    Written through the PSP-side API (``sandbox.fdr``): created as a draft, filled with
    payments, published; a PSP correcting a published flow creates the next revision and
    the old one stays readable, as on pagoPA.
    """

    class Status(models.TextChoices):
        CREATED = "CREATED", "CREATED"
        INSERTED = "INSERTED", "INSERTED"
        PUBLISHED = "PUBLISHED", "PUBLISHED"

    fdr = models.CharField(_("identificativo flusso"), max_length=35)
    psp_id = models.CharField(max_length=35)
    revision = models.PositiveIntegerField(default=1)
    organization_id = models.CharField(_("Ente"), max_length=35, db_index=True)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.CREATED)
    fdr_date = models.DateTimeField()
    regulation = models.CharField(_("identificativo regolamento"), max_length=35)
    regulation_date = models.DateField()
    bic = models.CharField(max_length=35, blank=True)
    sender = models.JSONField()
    receiver = models.JSONField()
    tot_payments = models.PositiveIntegerField()
    sum_payments_cents = models.PositiveBigIntegerField()
    #: The day of the payments a sandbox PSP reported (empty for flows sent by a client).
    day = models.DateField(null=True, blank=True)
    #: Fault: the organisations' API serves this flow's payments garbled.
    malformed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["psp_id", "fdr", "revision"],
                                               name="sandbox_flow_unique_revision")]
        verbose_name = _("flusso di rendicontazione")
        verbose_name_plural = _("flussi di rendicontazione")

    def __str__(self) -> str:
        return f"{self.fdr} r{self.revision} ({self.status})"


class SandboxFlowPayment(models.Model):
    """One row of a flow: a transfer the PSP paid over to the Ente."""

    flow = models.ForeignKey(SandboxFlow, on_delete=models.CASCADE, related_name="payments")
    index = models.PositiveIntegerField()
    iuv = models.CharField(max_length=35)
    iur = models.CharField(max_length=35)
    id_transfer = models.PositiveSmallIntegerField()
    amount_cents = models.PositiveBigIntegerField()
    pay_status = models.CharField(max_length=15)
    pay_date = models.DateTimeField()

    class Meta:
        ordering = ["flow", "index"]
        constraints = [models.UniqueConstraint(fields=["flow", "index"],
                                               name="sandbox_flow_payment_unique_index")]

    def __str__(self) -> str:
        return f"{self.flow.fdr}#{self.index} {self.iuv}"


class TreasuryCredit(models.Model):
    """A SEPA credit the Ente's treasurer booked: what its camt.053 statement lists.

    The treasurer's own record, written when a sandbox PSP pays a flow's total over (or
    not, or twice, as the faults say); the statement is built from these, never from the
    flows.
    """

    organization_id = models.CharField(_("Ente"), max_length=35, db_index=True)
    booking_date = models.DateField(_("data contabile"), db_index=True)
    amount_cents = models.PositiveBigIntegerField(_("importo"))
    #: The flow the PSP says it pays (empty for a credit with no flow behind it).
    fdr = models.CharField(_("identificativo flusso"), max_length=35, blank=True)
    remittance = models.CharField(_("causale"), max_length=140)
    regulation = models.CharField(_("identificativo regolamento"), max_length=35)
    psp_id = models.CharField(max_length=35)
    psp_name = models.CharField(max_length=70)
    bic = models.CharField(max_length=11, blank=True)
    iban = models.CharField(_("conto di accredito"), max_length=34)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["booking_date", "pk"]
        verbose_name = _("accredito di tesoreria")
        verbose_name_plural = _("accrediti di tesoreria")

    def __str__(self) -> str:
        return f"{self.booking_date} {self.amount_cents} {self.remittance}"
