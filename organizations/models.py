"""The Ente creditore: who is owed, and how pagoPA reaches it."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from sportello.validators import validate_iban

eleven_digits = RegexValidator(r"^\d{11}$", _("Il codice fiscale dell'Ente ha 11 cifre."))
two_digits = RegexValidator(r"^\d{2}$", _("Il codice di segregazione ha 2 cifre."))
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
        _("codice fiscale"), max_length=11, unique=True, validators=[eleven_digits]
    )
    name = models.CharField(_("denominazione"), max_length=100)
    sector = models.CharField(
        _("settore o ufficio"), max_length=50, blank=True,
        help_text=_("Unità organizzativa che gestisce i pagamenti, stampata sull'avviso."),
    )
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    segregation_code = models.CharField(
        _("codice di segregazione"), max_length=2, validators=[two_digits],
        help_text=_("Assegnato da PagoPA S.p.A. (aux digit 3)."),
    )
    broker_id = models.CharField(_("ID intermediario (idBrokerPA)"), max_length=35)
    station_id = models.CharField(_("ID stazione (idStation)"), max_length=35)
    iban = models.CharField(_("IBAN di accredito"), max_length=34, validators=[validate_iban])
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
