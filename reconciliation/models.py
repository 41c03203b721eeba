"""Reporting flows (FdR) as pagoPA published them, their payments matched against our
receipts, the work queue of what does not agree, and the sync runs that fetched them.

Its own app rather than part of ``payments``: it has its own records, jobs and pages,
reads receipts without ever writing them, and ``payments`` is already large. A flow is
stored once per (Ente, flow id, revision, PSP) and never edited afterwards except for
its status (a later revision supersedes it) and the matching results of its payments.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from payments.models import Receipt
from positions.models import PaymentOption, Transfer


class Flow(models.Model):
    """One revision of one PSP's reporting flow to one Ente (one SEPA credit)."""

    class Status(models.TextChoices):
        CURRENT = "current", _("In vigore")
        SUPERSEDED = "superseded", _("Sostituito da una revisione successiva")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="fdr_flows", verbose_name=_("Ente"))
    fdr = models.CharField(_("identificativo flusso"), max_length=70, db_index=True)
    revision = models.PositiveIntegerField(_("revisione"))
    psp_id = models.CharField(_("ID PSP"), max_length=35)
    psp_name = models.CharField(_("PSP"), max_length=70, blank=True)
    flow_date = models.DateTimeField(_("data del flusso"), null=True, blank=True)
    # identificativoUnivocoRegolamento: the IUR of the SEPA credit the treasurer sees.
    regulation = models.CharField(_("identificativo regolamento"), max_length=140,
                                  blank=True, db_index=True)
    regulation_date = models.DateField(_("data regolamento"), null=True, blank=True)
    bic = models.CharField(_("BIC banca di riversamento"), max_length=35, blank=True)
    # What pagoPA's FdR service computed and what the PSP declared for the flow.
    computed_count = models.PositiveIntegerField(_("pagamenti (calcolati)"), null=True,
                                                 blank=True)
    computed_amount_cents = models.PositiveBigIntegerField(_("totale calcolato (centesimi)"),
                                                           null=True, blank=True)
    declared_count = models.PositiveIntegerField(_("pagamenti dichiarati"), null=True,
                                                 blank=True)
    declared_amount_cents = models.PositiveBigIntegerField(
        _("totale dichiarato (centesimi)"), null=True, blank=True)
    # What we actually received and stored (sum of the FlowPayment rows).
    payments_count = models.PositiveIntegerField(_("pagamenti ricevuti"), default=0)
    payments_amount_cents = models.PositiveBigIntegerField(_("totale ricevuto (centesimi)"),
                                                           default=0)
    status = models.CharField(_("stato"), max_length=12, choices=Status.choices,
                              default=Status.CURRENT, db_index=True)
    superseded_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True,
                                      blank=True, related_name="supersedes",
                                      verbose_name=_("sostituito da"))
    # Payments refused by the strict parser (index and reason), kept for review.
    problems = models.JSONField(_("anomalie dei dati"), default=list, blank=True)
    raw = models.JSONField(_("flusso ricevuto"), default=dict)
    published_at = models.DateTimeField(_("pubblicato il"), null=True, blank=True)
    received_at = models.DateTimeField(_("ricevuto il"), auto_now_add=True)
    matched_at = models.DateTimeField(_("riconciliato il"), null=True, blank=True)

    class Meta:
        verbose_name = _("flusso di rendicontazione")
        verbose_name_plural = _("flussi di rendicontazione")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "fdr", "revision", "psp_id"],
                                    name="reconciliation_flow_unique_revision"),
        ]
        indexes = [models.Index(fields=["organization", "status", "regulation_date"])]

    def __str__(self) -> str:
        return f"{self.fdr} rev. {self.revision} ({self.psp_id})"

    @property
    def totals_agree(self) -> bool:
        """The payments received add up to what the PSP declared."""
        return ((self.declared_count is None or self.declared_count == self.payments_count)
                and (self.declared_amount_cents is None
                     or self.declared_amount_cents == self.payments_amount_cents))


class PayStatus(models.TextChoices):
    """``payStatus`` of a flow payment (codiceEsitoSingoloPagamento 0/3/4/8/9)."""

    EXECUTED = "EXECUTED", _("Eseguito")
    REVOKED = "REVOKED", _("Revocato")
    STAND_IN = "STAND_IN", _("Eseguito in Stand-In")
    STAND_IN_NO_RPT = "STAND_IN_NO_RPT", _("Eseguito in Stand-In senza RPT")
    NO_RPT = "NO_RPT", _("Eseguito senza RPT")


class MatchState(models.TextChoices):
    PENDING = "da_verificare", _("Da verificare")
    RECONCILED = "riconciliato", _("Riconciliato")
    AMOUNT_MISMATCH = "importo_diverso", _("Importo diverso")
    NO_RECEIPT = "senza_ricevuta", _("In flusso ma senza ricevuta")
    REVOKED = "revocato", _("Revocato")
    UNKNOWN_IUV = "iuv_sconosciuto", _("IUV non emesso dall'Ente")
    # The same IUV, IUR and idTransfer already in another current flow (not a revision
    # of this one): counted there, not here.
    DUPLICATE = "doppio", _("Già rendicontato in un altro flusso")


class FlowPayment(models.Model):
    """One payment (one transfer of one receipt) listed in a flow."""

    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="payments",
                             verbose_name=_("flusso"))
    index = models.PositiveIntegerField(_("indice"))
    iuv = models.CharField(_("IUV"), max_length=35, db_index=True)
    iur = models.CharField(_("IUR"), max_length=35)
    id_transfer = models.PositiveSmallIntegerField(_("indice del trasferimento"))
    amount_cents = models.PositiveBigIntegerField(_("importo (centesimi)"))
    pay_status = models.CharField(_("esito"), max_length=16, choices=PayStatus.choices)
    pay_date = models.DateTimeField(_("data esito"), null=True, blank=True)
    receipt = models.ForeignKey(Receipt, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="flow_payments", verbose_name=_("ricevuta"))
    option = models.ForeignKey(PaymentOption, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="flow_payments",
                               verbose_name=_("opzione"))
    transfer = models.ForeignKey(Transfer, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="flow_payments",
                                 verbose_name=_("trasferimento"))
    # What the receipt (else the transfer) says this payment should be, for the pages.
    expected_amount_cents = models.PositiveBigIntegerField(_("importo atteso (centesimi)"),
                                                           null=True, blank=True)
    match_state = models.CharField(_("esito riconciliazione"), max_length=20,
                                   choices=MatchState.choices, default=MatchState.PENDING,
                                   db_index=True)
    matched_at = models.DateTimeField(_("riconciliato il"), null=True, blank=True)

    class Meta:
        verbose_name = _("pagamento rendicontato")
        verbose_name_plural = _("pagamenti rendicontati")
        ordering = ["flow", "index"]
        constraints = [
            models.UniqueConstraint(fields=["flow", "index"],
                                    name="reconciliation_payment_unique_index"),
        ]
        indexes = [models.Index(fields=["iur"])]

    def __str__(self) -> str:
        return f"{self.iuv}/{self.iur} #{self.id_transfer}"


class ReconciliationIssue(models.Model):
    """An item of the work queue: something that does not agree, for staff to settle.

    ``key`` makes raising the same issue twice (a sync run again, matching repeated)
    a no-op: one row per fact, per Ente.
    """

    class Kind(models.TextChoices):
        AMOUNT_MISMATCH = "importo_diverso", _("Importo diverso")
        NO_RECEIPT = "senza_ricevuta", _("In flusso ma senza ricevuta")
        UNREPORTED = "non_rendicontata", _("Ricevuta non rendicontata")
        REVOKED = "revocato", _("Pagamento revocato")
        UNKNOWN_IUV = "iuv_sconosciuto", _("Pagamento per uno IUV non emesso")
        DUPLICATE = "rendicontato_due_volte", _("Pagamento rendicontato due volte")
        TOTAL_MISMATCH = "totale_diverso", _("Totale del flusso diverso dai pagamenti")
        NEW_REVISION = "nuova_revisione", _("Nuova revisione del flusso")
        UNKNOWN_PSP = "psp_sconosciuto", _("PSP sconosciuto")
        MALFORMED = "dati_malformati", _("Dati del flusso non validi")
        # The treasury's side (recon-pages): a credit and its flow disagree.
        CREDIT_NO_FLOW = "accredito_senza_flusso", _("Accredito senza flusso")
        CREDIT_AMOUNT = "accredito_importo_diverso", _("Accredito di importo diverso dal "
                                                       "flusso")
        FLOW_NO_CREDIT = "flusso_senza_accredito", _("Flusso senza accredito del tesoriere")

    class State(models.TextChoices):
        OPEN = "open", _("Da gestire")
        RESOLVED = "resolved", _("Risolta")
        IGNORED = "ignored", _("Ignorata")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="reconciliation_issues",
                                     verbose_name=_("Ente"))
    kind = models.CharField(_("tipo"), max_length=32, choices=Kind.choices, db_index=True)
    state = models.CharField(_("stato"), max_length=10, choices=State.choices,
                             default=State.OPEN, db_index=True)
    key = models.CharField(max_length=200, editable=False)
    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="issues", verbose_name=_("flusso"))
    payment = models.ForeignKey(FlowPayment, on_delete=models.CASCADE, null=True,
                                blank=True, related_name="issues",
                                verbose_name=_("pagamento rendicontato"))
    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="reconciliation_issues",
                                verbose_name=_("ricevuta"))
    credit = models.ForeignKey("reconciliation.TreasuryCredit", on_delete=models.CASCADE,
                               null=True, blank=True, related_name="issues",
                               verbose_name=_("accredito del tesoriere"))
    # The facts behind it (amounts, revisions before and after…), for the page.
    detail = models.JSONField(_("dettagli"), default=dict, blank=True)
    notes = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("aperta il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornata il"), auto_now=True)
    resolved_at = models.DateTimeField(_("risolta il"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("risolta da"))

    class Meta:
        verbose_name = _("anomalia di riconciliazione")
        verbose_name_plural = _("anomalie di riconciliazione")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"],
                                    name="reconciliation_issue_unique_key"),
        ]
        indexes = [models.Index(fields=["organization", "state", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_state_display()})"


class SyncRun(models.Model):
    """One sync of one Ente's flows: what it saw, stored, ignored and refused.

    ``published_after`` is the ``publishedGt`` it asked with; ``watermark`` the latest
    publication time it stored, which the next run of the Ente asks from (only runs
    that finished without a network or server failure move it)."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("In corso")
        OK = "ok", _("Completata")
        PARTIAL = "partial", _("Completata con anomalie")
        FAILED = "failed", _("Non riuscita")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="fdr_sync_runs", verbose_name=_("Ente"))
    started_at = models.DateTimeField(_("iniziata il"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("terminata il"), null=True, blank=True)
    outcome = models.CharField(_("esito"), max_length=10, choices=Outcome.choices,
                               default=Outcome.RUNNING)
    published_after = models.DateTimeField(null=True, blank=True)
    watermark = models.DateTimeField(_("pubblicati fino al"), null=True, blank=True)
    flows_listed = models.PositiveIntegerField(_("flussi elencati"), default=0)
    flows_stored = models.PositiveIntegerField(_("flussi registrati"), default=0)
    flows_ignored = models.PositiveIntegerField(_("flussi ignorati"), default=0)
    flows_refused = models.PositiveIntegerField(_("flussi rifiutati"), default=0)
    payments_stored = models.PositiveIntegerField(_("pagamenti registrati"), default=0)
    # One line per flow ignored or refused: {"fdr", "revision", "psp", "reason"}.
    problems = models.JSONField(_("anomalie"), default=list, blank=True)
    error = models.TextField(_("errore"), blank=True)

    class Meta:
        verbose_name = _("sincronizzazione FdR")
        verbose_name_plural = _("sincronizzazioni FdR")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["organization", "outcome", "started_at"])]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"


# The treasury's records (recon-pages), registered with the app's models.
from reconciliation.treasury_models import TreasuryCredit, TreasuryStatement  # noqa: E402,F401
