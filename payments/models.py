"""Payment attempts (carts sent to Checkout), activations seen by the EC endpoint,
receipts (RT) as the Node sent them, and the ACA mirror's delivery state.

A position becomes paid only through a :class:`Receipt` (see ``payments.receipts``);
attempts and activations are facts shown to the payer ("pagamento in corso"), never a
state of the option.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from positions.models import InvalidTransition, PaymentOption

#: How long a pagoPA payment token lives at most (RULES §8): after that a payment
#: started and not concluded can no longer produce a receipt, and a new one may start.
TOKEN_LIFETIME = timedelta(minutes=30)


class PaymentAttempt(models.Model):
    """One try to pay 1..5 options of one Ente on Checkout (one cart)."""

    class Status(models.TextChoices):
        STARTED = "started", _("Avviato")
        REDIRECTED = "redirected", _("Su pagoPA Checkout")
        CANCELLED = "cancelled", _("Annullato dal pagatore")
        FAILED = "failed", _("Non riuscito")
        PAID = "paid", _("Pagato")

    class Return(models.TextChoices):
        NONE = "", _("Nessun ritorno")
        OK = "ok", _("Esito positivo")
        CANCEL = "cancel", _("Annullato")
        ERROR = "error", _("Errore")
        WAITING = "waiting", _("Esito sconosciuto")

    # Allowed moves. Only a receipt makes an attempt paid, and paid is final: a late
    # "cancel" or "error" (a return URL, a Checkout failure) never overwrites it. A
    # cancelled or failed attempt can still become paid: the receipt is the truth.
    TRANSITIONS: dict[str, set[str]] = {
        Status.STARTED: {Status.REDIRECTED, Status.FAILED, Status.CANCELLED, Status.PAID},
        Status.REDIRECTED: {Status.FAILED, Status.CANCELLED, Status.PAID},
        Status.CANCELLED: {Status.PAID},
        Status.FAILED: {Status.PAID},
        Status.PAID: set(),
    }

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="payment_attempts", verbose_name=_("Ente"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="payment_attempts")
    options = models.ManyToManyField(PaymentOption, related_name="payment_attempts",
                                     verbose_name=_("opzioni"))
    email = models.EmailField(_("email del pagatore"), blank=True)
    amount_cents = models.PositiveBigIntegerField(_("importo (centesimi)"))
    status = models.CharField(_("stato"), max_length=12, choices=Status.choices,
                              default=Status.STARTED)
    returned = models.CharField(_("ritorno da Checkout"), max_length=8, choices=Return.choices,
                                default=Return.NONE, blank=True)
    checkout_version = models.PositiveSmallIntegerField(_("versione API carts"), default=2)
    checkout_location = models.URLField(_("indirizzo Checkout"), max_length=1000, blank=True)
    error = models.CharField(_("errore"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        verbose_name = _("tentativo di pagamento")
        verbose_name_plural = _("tentativi di pagamento")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.get_status_display()})"

    # --- state machine -------------------------------------------------------------
    # The only writers of ``status``: each move locks the row and checks the move against
    # the row as it is in the database, so two writers never overwrite each other.
    def _move_to(self, new_status: str, **changes) -> None:
        with transaction.atomic():
            locked = PaymentAttempt.objects.select_for_update().get(pk=self.pk)
            if new_status not in self.TRANSITIONS[locked.status]:
                self.status = locked.status
                raise InvalidTransition(f"attempt {self.public_id}: {locked.status} -> "
                                        f"{new_status} is not allowed")
            changes = {"status": new_status, "updated_at": timezone.now(), **changes}
            PaymentAttempt.objects.filter(pk=self.pk).update(**changes)
        for name, value in changes.items():
            setattr(self, name, value)

    def redirect_to(self, location: str) -> None:
        """Checkout opened the cart: the payer is sent to ``location``."""
        self._move_to(self.Status.REDIRECTED, checkout_location=location)

    def fail(self, error: str) -> None:
        """Checkout could not be opened for this cart."""
        self._move_to(self.Status.FAILED, error=error[:500])

    def cancel(self, returned: str = Return.CANCEL) -> None:
        """The payer confirmed, on our page, that they gave this payment up."""
        self._move_to(self.Status.CANCELLED, returned=returned)

    def mark_paid(self) -> None:
        """Called by the receipt handler only, when every option of the cart is paid."""
        self._move_to(self.Status.PAID)

    @property
    def is_open(self) -> bool:
        """Not yet paid, cancelled or failed: the payer may still give it up."""
        return self.status in (self.Status.STARTED, self.Status.REDIRECTED)

    @property
    def id_cart(self) -> str:
        """What Checkout copies into paGetPayment's ``paymentNote``."""
        return self.public_id.hex


class Activation(models.Model):
    """A paGetPayment(V2) the EC answered OK: the Node activated a payment token.

    Written outside any lock on the option (the position stays open, RULES §8): it only
    records that a payment of the notice started, for "pagamento in corso" and to tell a
    normal receipt from a Stand-In one that arrives without any activation.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    option = models.ForeignKey(PaymentOption, on_delete=models.CASCADE,
                               related_name="activations")
    attempt = models.ForeignKey(PaymentAttempt, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="activations")
    payment_note = models.CharField(max_length=210, blank=True)
    version = models.PositiveSmallIntegerField(default=2)
    # The amount answered to the Node (attualizzato: late charge, SEND fee) and the
    # option's own amount at that moment. Empty on rows written before they were kept.
    amount_cents = models.PositiveBigIntegerField(_("importo comunicato"), null=True,
                                                  blank=True)
    option_amount_cents = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attivazione")
        verbose_name_plural = _("attivazioni")
        indexes = [models.Index(fields=["option", "created_at"])]

    def __str__(self) -> str:
        return f"{self.option_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class Channel(models.TextChoices):
    """How the payer reached pagoPA, as a receipt tells it (see ``with_channel``)."""

    ONLINE = "online", _("Online (dal portale)")
    PSP = "psp", _("Presso un PSP (sportello, app, home banking)")
    STAND_IN = "standin", _("Stand-In")


class ReceiptQuerySet(models.QuerySet):
    def needing_attention(self):
        return self.filter(needs_attention=True, reviewed_at__isnull=True)

    def with_channel(self):
        """Annotate ``channel``, computed by the database so lists filter and sum on it:
        Stand-In when the Node says so; online when the receipt names a cart of ours
        (idCart in paymentNote, see ``attempt``); otherwise the notice was paid at a PSP."""
        return self.annotate(channel=models.Case(
            models.When(stand_in=True, then=models.Value(Channel.STAND_IN)),
            models.When(attempt__isnull=False, then=models.Value(Channel.ONLINE)),
            default=models.Value(Channel.PSP), output_field=models.CharField()))

    def collected(self):
        """Receipts that attest money moved to the Ente (outcome OK)."""
        return self.filter(outcome="OK")


class Receipt(models.Model):
    """A receipt (RT) as the Node sent it: raw XML plus every parsed field. Never
    overwritten, never deleted; anomalies are flagged for the Ente's staff."""

    class Flag(models.TextChoices):
        UNKNOWN_NOTICE = "unknown_notice", _("Avviso sconosciuto")
        ALREADY_PAID = "already_paid", _("Seconda ricevuta per un avviso già pagato")
        CANCELLED = "cancelled", _("Avviso annullato")
        EXPIRED = "expired", _("Avviso scaduto (pagato comunque)")
        STANDIN_WITHOUT_ACTIVATION = "standin", _("Ricevuta Stand-In senza attivazione")
        STANDIN_AMOUNT = "standin_amount", _("Ricevuta Stand-In con importo diverso da "
                                             "quello registrato in ACA")
        AMOUNT_MISMATCH = "amount", _("Importo diverso da quello comunicato all'attivazione "
                                      "(o dovuto, senza attivazione)")
        CHANGED_AFTER_ACTIVATION = "changed", _("Posizione modificata dall'Ente dopo "
                                                "l'attivazione")
        OUTCOME_KO = "outcome_ko", _("Esito diverso da OK")
        WRONG_STATION = "station", _("Intermediario o stazione non corrispondenti")
        IUV_MISMATCH = "iuv", _("IUV diverso da quello dell'avviso")
        OTHER_PLAN = "other_plan", _("Modalità alternativa a quella già pagata (unica "
                                     "soluzione o rate): da rimborsare")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="receipts", verbose_name=_("Ente"))
    option = models.ForeignKey(PaymentOption, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="receipts", verbose_name=_("opzione"))
    attempt = models.ForeignKey(PaymentAttempt, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="receipts")
    # xsd:string in the XSD; pagoPA's payment tokens are 32 characters.
    receipt_id = models.CharField(_("identificativo ricevuta (IUR)"), max_length=1024)
    version = models.PositiveSmallIntegerField(_("versione paSendRT"), default=2)
    notice_number = models.CharField(_("codice avviso"), max_length=18, db_index=True)
    fiscal_code = models.CharField(_("codice fiscale Ente"), max_length=11)
    creditor_reference_id = models.CharField(_("IUV"), max_length=35)
    outcome = models.CharField(_("esito"), max_length=2)
    amount_cents = models.PositiveBigIntegerField(_("importo (centesimi)"))
    fee_cents = models.PositiveBigIntegerField(_("commissione (centesimi)"), null=True,
                                               blank=True)
    primary_ci_incurred_fee_cents = models.PositiveBigIntegerField(null=True, blank=True)
    description = models.CharField(_("descrizione"), max_length=140)
    company_name = models.CharField(_("Ente"), max_length=140)
    office_name = models.CharField(max_length=140, blank=True)
    id_psp = models.CharField(_("ID PSP"), max_length=35)
    psp_company_name = models.CharField(_("PSP"), max_length=70)
    psp_fiscal_code = models.CharField(max_length=70, blank=True)
    psp_partita_iva = models.CharField(max_length=20, blank=True)
    id_channel = models.CharField(_("canale"), max_length=35)
    channel_description = models.CharField(_("descrizione canale"), max_length=35)
    payment_method = models.CharField(_("metodo di pagamento"), max_length=35, blank=True)
    payment_note = models.CharField(max_length=210, blank=True)
    id_bundle = models.CharField(max_length=70, blank=True)
    id_ci_bundle = models.CharField(max_length=70, blank=True)
    payment_date_time = models.DateTimeField(_("data del pagamento"), null=True, blank=True)
    application_date = models.DateField(null=True, blank=True)
    transfer_date = models.DateField(null=True, blank=True)
    stand_in = models.BooleanField(_("Stand-In"), null=True, blank=True)
    debtor = models.JSONField(_("debitore"), default=dict)
    payer = models.JSONField(_("pagatore"), null=True, blank=True)
    transfers = models.JSONField(_("trasferimenti"), default=list)
    metadata = models.JSONField(default=list, blank=True)
    raw_xml = models.TextField(_("messaggio ricevuto"))
    received_at = models.DateTimeField(_("ricevuta il"), auto_now_add=True, db_index=True)
    # A receipt not applied (wrong station, outcome KO...) may be delivered again with the
    # same receiptId: the row then holds the latest message, and each earlier one (raw
    # XML, outcome, flags, when) is kept here, oldest first.
    deliveries = models.PositiveIntegerField(_("consegne"), default=1)
    last_delivered_at = models.DateTimeField(_("ultima consegna il"), null=True, blank=True)
    earlier_deliveries = models.JSONField(_("consegne precedenti"), default=list, blank=True)
    applied = models.BooleanField(_("ha chiuso la posizione"), default=False)
    flags = models.JSONField(_("anomalie"), default=list, blank=True)
    needs_attention = models.BooleanField(_("da verificare"), default=False, db_index=True)
    reviewed_at = models.DateTimeField(_("verificata il"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("verificata da"))
    # What staff wrote when they closed the anomaly (mark handled / apply after review).
    review_note = models.TextField(_("nota della verifica"), blank=True)

    objects = ReceiptQuerySet.as_manager()

    class Meta:
        verbose_name = _("ricevuta")
        verbose_name_plural = _("ricevute")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "receipt_id"],
                                    name="payments_receipt_unique_id"),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_id} ({self.notice_number})"

    @property
    def channel_value(self) -> str:
        """The channel of this row (the same rule as ``ReceiptQuerySet.with_channel``)."""
        if self.stand_in:
            return Channel.STAND_IN
        return Channel.ONLINE if self.attempt_id else Channel.PSP

    def get_channel_display(self) -> str:
        return str(Channel(self.channel_value).label)

    def flag_labels(self) -> list[str]:
        labels = dict(self.Flag.choices)
        return [str(labels.get(flag, flag)) for flag in self.flags]


class AcaPushQuerySet(models.QuerySet):
    def needing_attention(self):
        """What the back-office dashboard counts: pushes ACA refused or that gave up."""
        return self.filter(needs_attention=True)


class AcaPush(models.Model):
    """Delivery state of one option's mirror in ACA. The body is computed when sent,
    from the option as it is then, so a retry always pushes the latest truth.

    ``aca_iuv`` is the IUV ACA holds the option under and ``invalidated_at`` when ACA
    was told amount 0 for it: ACA's INVALID is final (pagopa-aca-service answers 409 to
    any later change), so an option payable again needs a new IUV to be in ACA again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Da inviare")
        DONE = "done", _("Inviata")
        REFUSED = "refused", _("Rifiutata da ACA")
        FAILED = "failed", _("Non riuscita")

    option = models.OneToOneField(PaymentOption, on_delete=models.CASCADE,
                                  related_name="aca_push", verbose_name=_("opzione"))
    status = models.CharField(_("stato"), max_length=8, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("tentativi"), default=0)
    pending_since = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_error = models.TextField(_("ultimo errore"), blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("ultima risposta HTTP"), null=True,
                                                        blank=True)
    pushed_at = models.DateTimeField(_("inviata il"), null=True, blank=True)
    pushed_amount_cents = models.PositiveBigIntegerField(_("importo in ACA (centesimi)"),
                                                         null=True, blank=True)
    aca_iuv = models.CharField(_("IUV in ACA"), max_length=35, blank=True)
    invalidated_at = models.DateTimeField(_("invalidata in ACA il"), null=True, blank=True)
    needs_attention = models.BooleanField(_("da verificare"), default=False, db_index=True)

    objects = AcaPushQuerySet.as_manager()

    class Meta:
        verbose_name = _("allineamento ACA")
        verbose_name_plural = _("allineamenti ACA")

    def __str__(self) -> str:
        return f"ACA {self.option_id}: {self.status}"
