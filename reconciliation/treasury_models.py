"""The treasurer's statements and their credits (what reached the Ente's account).

Kept apart from ``reconciliation.models`` (the flows' side) so the two halves of the app
stay readable; ``reconciliation.models`` imports these so Django registers them. A
statement is stored once per Ente and file content (its SHA-256): the same file uploaded
twice imports nothing. A credit is pagoPA's when its remittance names a flow
(``/PUR/LGPE-RIVERSAMENTO/URI/<flow id>``); other credits are kept, shown, and never
queued: a treasury account receives much more than pagoPA's money.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization


class TreasuryStatement(models.Model):
    """One camt.053 file uploaded by staff, as it was uploaded."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="treasury_statements", verbose_name=_("Ente"))
    file_name = models.CharField(_("nome del file"), max_length=255)
    sha256 = models.CharField(_("impronta SHA-256"), max_length=64, editable=False)
    # The accounts the file reports, comma-separated (one ``Stmt`` each).
    account_iban = models.CharField(_("IBAN dei conti"), max_length=400)
    message_id = models.CharField(_("identificativo del messaggio"), max_length=140, blank=True)
    version = models.CharField(_("versione camt.053"), max_length=20)
    statement_date = models.DateField(_("data dell'estratto"), null=True, blank=True)
    credits_count = models.PositiveIntegerField(_("accrediti"), default=0)
    credits_amount_cents = models.PositiveBigIntegerField(_("totale accrediti (centesimi)"),
                                                          default=0)
    # Entries of the file not imported: repeated in the file or already imported from an
    # earlier statement (overlapping periods), and debits / entries not booked.
    duplicates = models.PositiveIntegerField(_("movimenti già presenti"), default=0)
    skipped = models.PositiveIntegerField(_("movimenti non di accredito"), default=0)
    raw = models.TextField(_("file caricato"))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("caricato da"))
    imported_at = models.DateTimeField(_("caricato il"), auto_now_add=True)

    class Meta:
        verbose_name = _("estratto conto del tesoriere")
        verbose_name_plural = _("estratti conto del tesoriere")
        ordering = ["-imported_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "sha256"],
                                    name="reconciliation_statement_unique_file"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.account_iban})"


class TreasuryCredit(models.Model):
    """One booked credit of a statement, matched (or not) to the flow it settles."""

    class State(models.TextChoices):
        MATCHED = "abbinato", _("Abbinato al flusso")
        AMOUNT_MISMATCH = "importo_diverso", _("Importo diverso dal flusso")
        NO_FLOW = "senza_flusso", _("Flusso non ricevuto")
        NOT_PAGOPA = "non_pagopa", _("Non è un riversamento pagoPA")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="treasury_credits", verbose_name=_("Ente"))
    statement = models.ForeignKey(TreasuryStatement, on_delete=models.CASCADE,
                                  related_name="credits", verbose_name=_("estratto conto"))
    account_iban = models.CharField(_("IBAN del conto"), max_length=34)
    reference = models.CharField(_("riferimento della banca"), max_length=140, blank=True)
    amount_cents = models.PositiveBigIntegerField(_("importo (centesimi)"))
    value_date = models.DateField(_("data valuta"), null=True, blank=True)
    booking_date = models.DateField(_("data contabile"), null=True, blank=True)
    remittance = models.CharField(_("causale del bonifico"), max_length=1000, blank=True)
    fdr = models.CharField(_("identificativo flusso"), max_length=70, blank=True,
                               db_index=True)
    flow = models.ForeignKey("reconciliation.Flow", on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="credits", verbose_name=_("flusso"))
    state = models.CharField(_("esito abbinamento"), max_length=20, choices=State.choices,
                             default=State.NO_FLOW, db_index=True)

    class Meta:
        verbose_name = _("accredito del tesoriere")
        verbose_name_plural = _("accrediti del tesoriere")
        ordering = ["-booking_date", "-pk"]
        constraints = [
            # The same bank entry in two overlapping statements is one credit.
            models.UniqueConstraint(fields=["organization", "account_iban", "reference"],
                                    condition=~Q(reference=""),
                                    name="reconciliation_credit_unique_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.fdr or self.reference or self.pk} {self.amount_cents}"

    @property
    def credit_date(self):
        return self.value_date or self.booking_date
