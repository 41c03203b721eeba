"""Debt positions (*pratiche*), their payment options (single payment or installments)
and transfers, with the options' state machine.

The only ways to change a state are the transition methods of PaymentOption; a
position's own status is always recomputed from its options (``refresh_status``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Service
from organizations.models import Organization
from positions import events
from sportello.sqlrows import update_columns
from sportello.validators import (
    validate_fiscal_code,
    validate_iban,
    validate_postal_iban,
    validate_taxonomy_code,
    validate_xml_text,
)


class EnteDebtorManager(models.Manager):
    """Only the Ente's own records (not the anagrafiche accounts typed for themselves)."""

    def get_queryset(self):
        return super().get_queryset().filter(declared_by__isnull=True)


class Debtor(models.Model):
    """Who owes: a natural person (F) or a legal person (G), as the Ente knows them."""

    class EntityType(models.TextChoices):
        NATURAL = "F", _("Persona fisica")
        LEGAL = "G", _("Persona giuridica")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="debtors", verbose_name=_("Ente")
    )
    fiscal_code = models.CharField(
        _("codice fiscale / partita IVA"), max_length=16, validators=[validate_fiscal_code]
    )
    entity_type = models.CharField(_("tipo"), max_length=1, choices=EntityType.choices)
    full_name = models.CharField(
        _("nome e cognome o ragione sociale"), max_length=70, validators=[validate_xml_text],
    )
    address = models.CharField(_("indirizzo"), max_length=140, blank=True,
                               validators=[validate_xml_text])
    city = models.CharField(_("città"), max_length=70, blank=True, validators=[validate_xml_text])
    province = models.CharField(_("provincia"), max_length=2, blank=True,
                                validators=[validate_xml_text])
    postal_code = models.CharField(_("CAP"), max_length=16, blank=True,
                                   validators=[validate_xml_text])
    nation = models.CharField(_("nazione"), max_length=2, default="IT",
                              validators=[validate_xml_text])
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("telefono"), max_length=30, blank=True,
                             validators=[validate_xml_text])
    # Set on the anagrafica an account typed for one of its own spontaneous positions
    # while its codice fiscale is only declared at this Ente: one such row per position
    # (what was typed when it was made), the account's, never the Ente's record of that
    # code (which has this field empty).
    declared_by = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, null=True, blank=True, editable=False,
        related_name="declared_debtors", verbose_name=_("dichiarato dall'utenza"))

    objects = models.Manager()
    ente_records = EnteDebtorManager()

    class Meta:
        verbose_name = _("debitore")
        verbose_name_plural = _("debitori")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "fiscal_code"],
                                    condition=models.Q(declared_by__isnull=True),
                                    name="positions_debtor_cf_unique"),
        ]
        # Ricerca pratica and the Node's lookups name a codice fiscale without asking whose
        # record it is: the partial unique index above cannot serve them (bench/RESULTS.md).
        indexes = [models.Index(fields=["organization", "fiscal_code"],
                                name="positions_debtor_org_cf")]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.fiscal_code})"

    def save(self, *args, **kwargs):
        if not self.entity_type:
            self.entity_type = (self.EntityType.LEGAL if self.fiscal_code.isdigit()
                                else self.EntityType.NATURAL)
        super().save(*args, **kwargs)


class PaymentPositionQuerySet(models.QuerySet):
    def for_organization(self, organization: Organization):
        return self.filter(organization=organization)

    def with_details(self):
        return self.select_related("debtor", "service", "organization").prefetch_related(
            models.Prefetch("options", queryset=PaymentOption.objects.order_by(
                "installment_number", "due_date", "pk"))
        )


class PaymentPosition(models.Model):
    """A *pratica*: what the debtor owes the Ente for one reason."""

    class Origin(models.TextChoices):
        # Issued by the Ente (staff, import, API): its codice avviso proves the code.
        ENTE = "ente", _("Emessa dall'Ente")
        # Created by a payer (*Inserimento spontaneo*): proves nothing about the code.
        SPONTANEOUS = "spontaneous", _("Inserimento spontaneo")

    class Status(models.TextChoices):
        VALID = "valid", _("Da pagare")
        PARTIALLY_PAID = "partially_paid", _("Pagata in parte")
        PAID = "paid", _("Pagata")
        CANCELLED = "cancelled", _("Annullata")
        EXPIRED = "expired", _("Scaduta")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="positions", verbose_name=_("Ente")
    )
    debtor = models.ForeignKey(
        Debtor, on_delete=models.PROTECT, related_name="positions", verbose_name=_("debitore")
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="positions", verbose_name=_("servizio")
    )
    causale = models.CharField(_("causale"), max_length=140, validators=[validate_xml_text])
    external_reference = models.CharField(
        _("riferimento pratica"), max_length=35, blank=True, db_index=True,
        validators=[validate_xml_text],
    )
    status = models.CharField(
        _("stato"), max_length=20, choices=Status.choices, default=Status.VALID, editable=False
    )
    validity_date = models.DateField(_("valida dal"), null=True, blank=True)
    origin = models.CharField(_("origine"), max_length=12, choices=Origin.choices,
                              default=Origin.ENTE, editable=False)
    # What the payer typed in a spontaneous form, as it was asked then: a list of
    # {"name", "label", "value"} (value as displayed). Later changes to the service's
    # fields never change what a position shows.
    field_values = models.JSONField(_("dati inseriti"), default=list, blank=True,
                                    editable=False)
    switch_to_expired = models.BooleanField(
        _("scade dopo la data di scadenza"), default=False,
        help_text=_("Se attivo, dopo la scadenza la posizione non è più pagabile."),
    )
    # SEND (piattaforma notifiche): the cost of notifying this debt, which SEND asks the
    # Ente to charge (GPD's ``notificationFee``). Added to the amount answered to pagoPA
    # for the single payment and each plan's first installment, with the metadata
    # NOTIFICATION_FEE (see ``positions.amounts``).
    notification_fee_cents = models.PositiveBigIntegerField(
        _("spese di notifica SEND (centesimi)"), default=0,
        validators=[MaxValueValidator(99_999_999_999)])
    # Why staff cancelled it (positions.editing.cancel_position); shown with the
    # position and kept in the audit log.
    cancellation_reason = models.CharField(_("motivo dell'annullamento"), max_length=500,
                                           blank=True, editable=False)
    # The Ente's own note on the position (the import's ``note`` column, the API's
    # ``note``): for staff, never sent to pagoPA nor shown to the payer.
    note = models.CharField(_("nota interna"), max_length=500, blank=True,
                            validators=[validate_xml_text])
    # Optimistic lock: every staff change checks and bumps it in one UPDATE, so two staff
    # editing the same position cannot silently overwrite each other.
    version = models.PositiveIntegerField(_("versione"), default=0, editable=False)
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornata il"), auto_now=True)

    objects = PaymentPositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("posizione debitoria")
        verbose_name_plural = _("posizioni debitorie")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "external_reference"]),
                   # The REST API's /positions/changes walks (updated_at, id) per Ente.
                   models.Index(fields=["organization", "updated_at", "id"],
                                name="positions_changes_idx")]

    def __str__(self) -> str:
        return f"{self.causale} ({self.debtor.fiscal_code})"

    def refresh_status(self, save: bool = True, statuses: Iterable[str] | None = None) -> None:
        """Recompute the position's status from its options (the only writer of it).

        ``statuses``: every option's status as the caller holds them under the position's
        lock (a receipt read them already), instead of reading them again."""
        statuses = set(self.options.values_list("status", flat=True) if statuses is None
                       else statuses)
        option = PaymentOption.Status
        if statuses and statuses <= {option.CANCELLED}:
            new = self.Status.CANCELLED
        elif option.PAID in statuses and statuses <= {option.PAID, option.CANCELLED,
                                                     option.SUPERSEDED}:
            new = self.Status.PAID
        elif option.PAID in statuses:
            new = self.Status.PARTIALLY_PAID
        elif statuses and statuses <= {option.EXPIRED, option.CANCELLED}:
            new = self.Status.EXPIRED
        else:
            new = self.Status.VALID
        if new != self.status:
            self.status = new
            if save:
                update_columns(self, ("status", "updated_at"))

    @property
    def has_payable_options(self) -> bool:
        """Something is still to pay (e.g. an avviso can be printed); uses the prefetched
        options when present, as on the search and detail pages."""
        return any(o.is_payable for o in self.options.all())

    @property
    def debt_cents(self) -> int:
        """What the position asks: the single payment, else the first plan's installments
        (uses the prefetched options)."""
        options = list(self.options.all())
        plans = sorted({o.plan for o in options})
        if not plans:
            return 0
        return sum(o.amount_cents for o in options if o.plan == plans[0])

    @property
    def next_due_date(self) -> date | None:
        """The earliest due date still to pay, else the earliest of all."""
        options = list(self.options.all())
        dates = ([o.due_date for o in options if o.due_date and o.is_payable]
                 or [o.due_date for o in options if o.due_date])
        return min(dates, default=None)

    @property
    def total_cents(self) -> int:
        return sum(o.amount_cents for o in self.options.all() if not o.installment_number)


class InvalidTransition(Exception):
    """A state change that the option's state machine does not allow."""


class PaymentOption(models.Model):
    """One payable item: the single payment or one installment, with its own IUV.

    The options of a position form *plans* (``plan``): plan 0 is the single payment
    (*unica soluzione*), plans 1, 2… are installment plans. Plans are alternatives (SANP,
    "Opzione totale e piano rateale"): once an option of one plan is paid, the unpaid
    options of every other plan become ``superseded`` and can never be paid.
    """

    SINGLE_PLAN = 0

    class Status(models.TextChoices):
        UNPAID = "unpaid", _("Da pagare")
        PAID = "paid", _("Pagata")
        CANCELLED = "cancelled", _("Annullata")
        EXPIRED = "expired", _("Scaduta")
        # Another plan of the position is being paid (see the class docstring).
        SUPERSEDED = "superseded", _("Non più pagabile: si paga l'altra modalità")

    # Allowed transitions: only a receipt makes an option paid (see payments/).
    TRANSITIONS: dict[str, set[str]] = {
        Status.UNPAID: {Status.PAID, Status.CANCELLED, Status.EXPIRED, Status.SUPERSEDED},
        # Staff may still cancel (write off) an expired debt.
        Status.EXPIRED: {Status.PAID, Status.UNPAID, Status.SUPERSEDED, Status.CANCELLED},
        Status.CANCELLED: set(),
        Status.PAID: set(),
        Status.SUPERSEDED: set(),
    }

    position = models.ForeignKey(
        PaymentPosition, on_delete=models.CASCADE, related_name="options",
        verbose_name=_("posizione"),
    )
    # Denormalised from the position so that IUV and notice number can be unique per Ente.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", editable=False
    )
    iuv = models.CharField(_("IUV"), max_length=35, validators=[RegexValidator(r"^\d{17}$")])
    notice_number = models.CharField(
        _("codice avviso"), max_length=18, validators=[RegexValidator(r"^\d{18}$")]
    )
    amount_cents = models.PositiveBigIntegerField(
        _("importo (centesimi)"), validators=[MinValueValidator(1),
                                              MaxValueValidator(99_999_999_999)]
    )
    due_date = models.DateField(_("data di scadenza"), null=True, blank=True)
    installment_number = models.PositiveSmallIntegerField(
        _("numero rata"), null=True, blank=True,
        help_text=_("Vuoto per il pagamento in unica soluzione."),
    )
    plan = models.PositiveSmallIntegerField(
        _("piano"), default=SINGLE_PLAN, editable=False,
        help_text=_("0 per il pagamento in unica soluzione, 1, 2… per i piani rateali."),
    )
    description = models.CharField(_("descrizione"), max_length=140, blank=True,
                                   validators=[validate_xml_text])
    status = models.CharField(
        _("stato"), max_length=20, choices=Status.choices, default=Status.UNPAID, editable=False
    )
    paid_at = models.DateTimeField(_("pagata il"), null=True, blank=True, editable=False)
    status_changed_at = models.DateTimeField(auto_now_add=True, editable=False)

    class Meta:
        verbose_name = _("opzione di pagamento")
        verbose_name_plural = _("opzioni di pagamento")
        ordering = ["installment_number", "due_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "iuv"],
                                    name="positions_option_iuv_unique"),
            models.UniqueConstraint(fields=["organization", "notice_number"],
                                    name="positions_option_notice_unique"),
        ]
        indexes = [models.Index(fields=["notice_number"])]

    def __str__(self) -> str:
        return self.notice_number

    # --- state machine -------------------------------------------------------------
    def _check_transition(self, new_status: str) -> None:
        if new_status not in self.TRANSITIONS[self.status]:
            raise InvalidTransition(f"{self.status} -> {new_status} is not allowed")

    def _write_status(self, new_status: str, **changes) -> None:
        """Set and store the status (with ``changes``), as ``save(update_fields=…)`` would,
        signals included (payments' post_save queues the ACA push)."""
        self._check_transition(new_status)
        self.status = new_status
        self.status_changed_at = timezone.now()
        for name, value in changes.items():
            setattr(self, name, value)
        update_columns(self, ("status", "status_changed_at", *changes))

    def _move_to(self, new_status: str, **changes) -> None:
        self._write_status(new_status, **changes)
        self.position.refresh_status()

    def mark_paid(self, paid_at=None, siblings: list[PaymentOption] | None = None) -> None:
        """Called by the receipt handler only, inside its transaction and with the
        position's row locked (so no sibling changes meanwhile): the option is paid and
        the still-open options of the position's other plans are superseded.

        ``siblings``: the position's other options as read under that lock (a receipt
        has them already); read here when not given. The position's status is written
        once, from the statuses as they end up, not after each option."""
        self._check_transition(self.Status.PAID)
        if siblings is None:
            siblings = list(PaymentOption.objects.filter(position_id=self.position_id)
                            .exclude(pk=self.pk))
        self._write_status(self.Status.PAID, paid_at=paid_at or timezone.now())
        for other in siblings:
            if other.plan != self.plan and other.status in (self.Status.UNPAID,
                                                            self.Status.EXPIRED):
                other.position = self.position
                other._write_status(self.Status.SUPERSEDED)
        self.position.refresh_status(statuses=[self.status, *(o.status for o in siblings)])
        events.option_paid.send(PaymentOption, option=self)

    def cancel(self) -> None:
        self._move_to(self.Status.CANCELLED)

    def expire(self) -> None:
        self._move_to(self.Status.EXPIRED)
        events.option_expired.send(PaymentOption, option=self)

    def reopen(self) -> None:
        """An expired option made payable again (e.g. the Ente moved the due date)."""
        self._move_to(self.Status.UNPAID)

    # --- facts for the pages -------------------------------------------------------
    @property
    def payment_description(self) -> str:
        """What this option is, as it travels to pagoPA (cart, paGetPayment, receipt) and
        prints: its own description (an installment's is "<causale> – rata 2 di 3"),
        else the position's causale."""
        return self.description or self.position.causale

    @property
    def is_payable(self) -> bool:
        return self.status == self.Status.UNPAID

    def amount_due(self, today: date | None = None):
        """What paying this option costs on ``today``: see ``positions.amounts``."""
        from positions.amounts import amount_due

        return amount_due(self, today)

    @property
    def amount_now_cents(self) -> int:
        """The amount to pay today (late charge and SEND fee included) while payable; what
        was due otherwise. For the pages and the cart."""
        if not self.is_payable:
            return self.amount_cents
        from positions.amounts import charges

        return self.amount_cents + sum(charges(self))

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_payable and self.due_date is not None and self.due_date < today


class Transfer(models.Model):
    """Where (part of) an option's amount goes: 1 to 5 per option, summing to its amount."""

    option = models.ForeignKey(
        PaymentOption, on_delete=models.CASCADE, related_name="transfers",
        verbose_name=_("opzione"),
    )
    index = models.PositiveSmallIntegerField(
        _("progressivo"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    beneficiary_fiscal_code = models.CharField(
        _("codice fiscale beneficiario"), max_length=11,
        validators=[RegexValidator(r"^\d{11}$")],
    )
    beneficiary_name = models.CharField(_("beneficiario"), max_length=140, blank=True,
                                        validators=[validate_xml_text])
    iban = models.CharField(_("IBAN"), max_length=34, validators=[validate_iban])
    amount_cents = models.PositiveBigIntegerField(
        _("importo (centesimi)"), validators=[MinValueValidator(1)]
    )
    remittance_information = models.CharField(_("causale del versamento"), max_length=140,
                                              validators=[validate_xml_text])
    taxonomy_code = models.CharField(_("codice tassonomia"), max_length=16,
                                     validators=[validate_taxonomy_code])
    # A postal current account's IBAN (Poste Italiane, ABI 07601): with one on every
    # transfer the position can be paid at Poste (allCCP).
    postal_iban = models.CharField(_("IBAN postale"), max_length=34, blank=True,
                                   validators=[validate_postal_iban])

    class Meta:
        verbose_name = _("trasferimento")
        verbose_name_plural = _("trasferimenti")
        ordering = ["index"]
        constraints = [
            models.UniqueConstraint(fields=["option", "index"],
                                    name="positions_transfer_index_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.index}: {self.amount_cents}"


class PositionClaim(models.Model):
    """An account's link to a position it proved to know or created itself."""

    class Source(models.TextChoices):
        SEARCH = "search", _("Trovata con Ricerca pratica")
        CREATED = "created", _("Creata dal pagatore")

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="position_claims"
    )
    position = models.ForeignKey(
        PaymentPosition, on_delete=models.CASCADE, related_name="claims"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("posizione associata")
        verbose_name_plural = _("posizioni associate")
        constraints = [
            models.UniqueConstraint(fields=["user", "position"], name="positions_claim_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.position_id} ({self.source})"
