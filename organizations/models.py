"""The Ente creditore: who is owed, and how pagoPA reaches it."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from sportello.validators import (
    normalize_iban,
    validate_ente_fiscal_code,
    validate_iban,
    validate_postal_iban,
    validate_segregation_code,
)

slug_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]*$", _("Solo lettere minuscole, cifre e trattini.")
)


class SpidLevel(models.TextChoices):
    """The SPID authentication levels (AuthnContextClassRef) an Ente may require."""

    L1 = "https://www.spid.gov.it/SpidL1", _("SPID livello 1")
    L2 = "https://www.spid.gov.it/SpidL2", _("SPID livello 2")
    L3 = "https://www.spid.gov.it/SpidL3", _("SPID livello 3")


class Organization(models.Model):
    """An Ente creditore served by this installation, under its own URL prefix."""

    slug = models.SlugField(
        _("indirizzo breve"), max_length=50, unique=True, validators=[slug_validator],
        help_text=_("Compare negli indirizzi del portale: /<indirizzo breve>/…"),
    )
    fiscal_code = models.CharField(
        _("codice fiscale"), max_length=11, unique=True, validators=[validate_ente_fiscal_code]
    )
    name = models.CharField(_("denominazione"), max_length=100)
    sector = models.CharField(
        _("settore o ufficio"), max_length=50, blank=True,
        help_text=_("Unità organizzativa che gestisce i pagamenti, stampata sull'avviso."),
    )
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    segregation_code = models.CharField(
        _("codice di segregazione"), max_length=2, validators=[validate_segregation_code],
        help_text=_("Assegnato da PagoPA S.p.A. (aux digit 3): da 00 a 45."),
    )
    broker_id = models.CharField(_("ID intermediario (idBrokerPA)"), max_length=35)
    station_id = models.CharField(_("ID stazione (idStation)"), max_length=35)
    iban = models.CharField(_("IBAN di accredito"), max_length=34, validators=[validate_iban])
    postal_iban = models.CharField(
        _("IBAN del conto corrente postale"), max_length=34, blank=True,
        validators=[validate_postal_iban],
        help_text=_("Se presente, l'avviso stampa il bollettino postale e le posizioni sono "
                    "pagabili presso Poste Italiane."))
    cbill_code = models.CharField(_("codice CBILL"), max_length=5, blank=True)
    postal_account = models.CharField(_("conto corrente postale"), max_length=12, blank=True)
    postal_account_holder = models.CharField(
        _("intestatario del conto postale"), max_length=50, blank=True
    )
    postal_authorization = models.CharField(
        _("autorizzazione stampa in proprio"), max_length=50, blank=True
    )
    address = models.CharField(_("indirizzo"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    pec = models.EmailField(_("PEC"), blank=True)
    phone = models.CharField(_("telefono"), max_length=30, blank=True)
    website = models.URLField(_("sito web"), blank=True)
    ipa_code = models.CharField(
        _("codice IPA"), max_length=20, blank=True,
        help_text=_("Il codice dell'Ente nell'Indice PA: va nei metadata SPID e CIE."))
    municipality_code = models.CharField(
        _("codice catastale del comune della sede"), max_length=4, blank=True,
        help_text=_("Ad esempio H501 per Roma: va nei metadata CIE."))
    local_registration = models.BooleanField(
        _("registrazione con email e password"), default=True,
        help_text=_("Se disattivata, le nuove utenze nascono solo con SPID o CIE."))
    spid_level = models.CharField(
        _("livello SPID richiesto"), max_length=40, choices=SpidLevel.choices,
        default=SpidLevel.L2)
    # The legal pages of a PA site (issue 16): edited in the admin until the back office's
    # Ente-settings page takes them over.
    accessibility_statement_url = models.URLField(
        _("dichiarazione di accessibilità"), blank=True,
        help_text=_("L'indirizzo della dichiarazione dell'Ente sul sito di AgID "
                    "(form.agid.gov.it), linkata nel piè di pagina."))
    feedback_url = models.URLField(
        _("pagina per segnalazioni e feedback"), blank=True,
        help_text=_("Dove i cittadini segnalano un problema del portale. Se vuoto, il piè di "
                    "pagina propone l'email dell'Ente."))
    privacy_notice = models.TextField(
        _("informativa privacy"), blank=True,
        help_text=_("Il testo dell'informativa (art. 13 GDPR), in paragrafi separati da una "
                    "riga vuota. Se vuoto, il portale mostra un'informativa standard con i "
                    "dati dell'Ente."))
    dpo_contact = models.CharField(
        _("contatto del responsabile della protezione dei dati"), max_length=200, blank=True,
        help_text=_("Email o PEC del DPO, citata nell'informativa standard."))
    # Next IUV base for this Ente: taken under a row lock, so concurrent creations never
    # receive the same IUV (see next_iuv_bases).
    next_iuv_base = models.BigIntegerField(_("prossimo progressivo IUV"), default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Ente creditore")
        verbose_name_plural = _("Enti creditori")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The bollettino's c/c postale is the account of the postal IBAN, when both are set."""
        if self.postal_iban and self.postal_account:
            account = normalize_iban(self.postal_iban)[-12:]
            if account.lstrip("0") != self.postal_account.strip().lstrip("0"):
                raise ValidationError({"postal_account": _(
                    "Il conto corrente postale non corrisponde all'IBAN postale (ultime 12 "
                    "cifre: %(account)s).") % {"account": account}})

    def reserve_iuv_bases(self, count: int = 1) -> list[int]:
        """Reserve ``count`` consecutive IUV bases, atomically across processes.

        The counter row is locked with SELECT … FOR UPDATE (PostgreSQL) or by SQLite's
        database-wide write lock, so two transactions never read the same value.
        """
        if count < 1:
            raise ValueError("count must be positive")
        with transaction.atomic():
            locked = Organization.objects.select_for_update().only("next_iuv_base").get(pk=self.pk)
            first = locked.next_iuv_base
            Organization.objects.filter(pk=self.pk).update(next_iuv_base=first + count)
        self.next_iuv_base = first + count
        return list(range(first, first + count))


class StaffRole(models.TextChoices):
    """What a member of an Ente's staff may do in its back office."""

    # Positions, debtors, receipts, verifying a payer's codice fiscale.
    OPERATOR = "operatore", _("Operatore")
    # Also services, the Ente's settings, its staff and API tokens.
    MANAGER = "responsabile", _("Responsabile")


class StaffMembership(models.Model):
    """A person working for an Ente, with a role. Access earned at one Ente never opens
    another: every back-office query is scoped by the membership of the request."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="staff", verbose_name=_("Ente"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="staff_memberships", verbose_name=_("persona"))
    role = models.CharField(_("ruolo"), max_length=12, choices=StaffRole.choices,
                            default=StaffRole.OPERATOR)
    created_at = models.DateTimeField(_("aggiunto il"), auto_now_add=True)

    class Meta:
        verbose_name = _("componente dello staff")
        verbose_name_plural = _("staff dell'Ente")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"],
                                    name="organizations_staff_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} ({self.get_role_display()})"

    @property
    def is_manager(self) -> bool:
        return self.role == StaffRole.MANAGER
