"""Payer and staff accounts. The email is the username and is unique.

A payer declares a codice fiscale when registering; several accounts may declare the same
one (see docs/architecture.md, "Accounts"): a declared code proves nothing until a
``FiscalCodeVerification`` exists for it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from accounts.countries import PayerCountries
from sportello.text import proper_case
from sportello.validators import validate_organization_name, validate_xml_text


class EmailUserManager(UserManager):
    """Users are found by email, compared without regard to case."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class FiscalCodeLevel(models.TextChoices):
    """How far a codice fiscale is known to belong to the account (strongest first).

    SPID/CIE sets *certified* (it opens the positions of that code at every Ente);
    the other levels are the issue-10 identity model's (staff, notice, declared).
    """

    CERTIFIED = "certified", _("certificato (SPID/CIE)")
    VERIFIED_BY_STAFF = "staff", _("verificato dal personale")
    PROVED_BY_NOTICE = "notice", _("provato con un avviso")
    DECLARED = "declared", _("dichiarato")


class User(AbstractUser):
    class EntityType(models.TextChoices):
        NATURAL = "F", _("Persona fisica")
        LEGAL = "G", _("Persona giuridica")

    username = None
    email = models.EmailField(_("email"), unique=True)
    fiscal_code = models.CharField(_("codice fiscale"), max_length=16, blank=True, db_index=True)
    fiscal_code_level = models.CharField(
        _("livello del codice fiscale"), max_length=10, choices=FiscalCodeLevel.choices,
        default=FiscalCodeLevel.DECLARED,
        help_text=_("«Certificato» solo dopo un accesso con SPID o CIE."))
    entity_type = models.CharField(_("tipo"), max_length=1, choices=EntityType.choices,
                                   default=EntityType.NATURAL)
    company_name = models.CharField(_("ragione sociale"), max_length=140, blank=True,
                                    validators=[validate_xml_text, validate_organization_name])
    address = models.CharField(_("indirizzo"), max_length=140, blank=True,
                               validators=[validate_xml_text])
    nation = CountryField(_("nazione"), countries=PayerCountries, default="IT")
    city = models.CharField(_("città"), max_length=70, blank=True, validators=[validate_xml_text])
    province = models.CharField(_("provincia"), max_length=35, blank=True,
                                validators=[validate_xml_text])
    postal_code = models.CharField(_("CAP"), max_length=16, blank=True,
                                   validators=[validate_xml_text])
    phone = PhoneNumberField(_("telefono"), blank=True, region="IT")
    # Set by online registration until the email link is followed; such accounts cannot
    # log in and are removed by ``purge_unactivated_accounts`` once the link has expired.
    awaiting_activation = models.BooleanField(_("in attesa di attivazione"), default=False)
    # When the payer acknowledged the Ente's privacy notice at registration (GDPR art. 13:
    # the notice is given when the data are collected).
    privacy_acknowledged_at = models.DateTimeField(
        _("informativa privacy presa visione il"), null=True, blank=True, editable=False)
    # Closed by the payer (accounts.closure): personal data removed, login refused.
    closed_at = models.DateTimeField(_("utenza chiusa il"), null=True, blank=True,
                                     editable=False)
    activation_sent_at = models.DateTimeField(_("link di attivazione inviato il"),
                                              null=True, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = EmailUserManager()

    class Meta:
        verbose_name = _("utenza")
        verbose_name_plural = _("utenze")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_legal_person(self) -> bool:
        return self.entity_type == self.EntityType.LEGAL

    def get_full_name(self) -> str:
        if self.is_legal_person and self.company_name:
            return self.company_name
        return super().get_full_name()

    def display_name(self) -> str:
        """What the header, lists and emails call this account: name (in proper case,
        stored as typed), else the email."""
        name = self.get_full_name()
        return (name if self.is_legal_person else proper_case(name)) or self.email

    @property
    def fiscal_code_certified(self) -> bool:
        return bool(self.fiscal_code) and self.fiscal_code_level == FiscalCodeLevel.CERTIFIED

    def fiscal_code_verified_at(self, organization) -> bool:
        """The code opens its positions at ``organization``: certified (every Ente), or
        verified by staff or proved by a notice of that Ente."""
        if not self.fiscal_code:
            return False
        return self.fiscal_code_verifications.filter(
            FiscalCodeVerification.opening(organization),
            fiscal_code=self.fiscal_code).exists()


class FiscalCodeVerification(models.Model):
    """Proof that an account belongs to whoever the codice fiscale names.

    ``positions.access`` lists the Ente's positions of every verified code.
    """

    class Method(models.TextChoices):
        NOTICE = "notice", _("Codice avviso o IUV di un avviso ricevuto")
        STAFF = "staff", _("Verifica del personale dell'Ente")
        SPID = "spid", _("SPID / CIE")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="fiscal_code_verifications",
                             verbose_name=_("utenza"))
    fiscal_code = models.CharField(_("codice fiscale"), max_length=16)
    method = models.CharField(_("modalità"), max_length=10, choices=Method.choices)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("Ente"),
        help_text=_("L'Ente che ha emesso l'avviso o il cui personale ha verificato."),
    )
    evidence = models.CharField(_("riferimento"), max_length=35, blank=True,
                                help_text=_("Il codice avviso o lo IUV usato come prova."))
    verified_at = models.DateTimeField(_("verificato il"), auto_now_add=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("verificato da"))

    class Meta:
        verbose_name = _("verifica del codice fiscale")
        verbose_name_plural = _("verifiche del codice fiscale")
        constraints = [
            # One proof per Ente (notice, staff) and one without an Ente (SPID/CIE).
            models.UniqueConstraint(fields=["user", "fiscal_code", "organization"],
                                    condition=models.Q(organization__isnull=False),
                                    name="accounts_verification_unique"),
            models.UniqueConstraint(fields=["user", "fiscal_code"],
                                    condition=models.Q(organization__isnull=True),
                                    name="accounts_verification_certified_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_code} ({self.get_method_display()})"

    @classmethod
    def opening(cls, organization) -> models.Q:
        """The proofs that open ``organization``: SPID/CIE (every Ente of the
        installation), else staff or notice recorded for that very Ente."""
        return (models.Q(method=cls.Method.SPID, organization__isnull=True)
                | models.Q(organization=organization,
                           method__in=[cls.Method.STAFF, cls.Method.NOTICE]))
