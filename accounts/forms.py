"""The account forms. Field errors are Italian and shown next to the field."""

from __future__ import annotations

import re

from codicefiscale import codicefiscale as cf_lib
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import emails, places
from accounts.models import User
from accounts.password_checks import LOCKED_CODE, CurrentPasswordGuard, wrong_password_message
from sportello.fields import FiscalCodeField
from sportello.forms import StyledForm
from sportello.logging_config import security_event
from sportello.validators import validate_organization_name, validate_person_name

CAP = re.compile(r"^\d{5}$")


def check_current_password(user: User, password: str, guard: CurrentPasswordGuard | None,
                           message: str) -> None:
    """The account's current password, or a form error; ``guard`` counts the wrong ones
    and, past its limit, refuses every answer without looking at it."""
    if guard is not None:
        seconds = guard.seconds_locked()
        if seconds:
            security_event("current_password_locked", guard.request, user_id=user.pk)
            raise forms.ValidationError(guard.locked_message(seconds), code=LOCKED_CODE)
    if not user.check_password(password):
        if guard is not None:
            guard.failed()
        raise forms.ValidationError(message, code="password_incorrect")


class LoginForm(StyledForm, AuthenticationForm):
    error_messages = {
        "invalid_login": _("Email o password non corretti. Controlla e riprova."),
        "inactive": _("Questa utenza non è attiva."),
        "awaiting_activation": _("Questa utenza non è ancora attiva: segui il link che ti "
                                 "abbiamo inviato per email, o chiedine uno nuovo."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username (mail)")
        self.fields["username"].widget.attrs["autocomplete"] = "email"
        self.awaiting_activation = False

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            # The right password for an account that was never activated: say so (only
            # whoever knows the password learns it), instead of "wrong password".
            email = (self.cleaned_data.get("username") or "").strip()
            password = self.cleaned_data.get("password") or ""
            pending = User.objects.filter(email__iexact=email, awaiting_activation=True).first()
            if pending and password and pending.check_password(password):
                self.awaiting_activation = True
                raise forms.ValidationError(self.error_messages["awaiting_activation"],
                                            code="awaiting_activation") from None
            raise


class FiscalCodeStartForm(StyledForm, forms.Form):
    """*Registrati*, first step: only the codice fiscale."""

    fiscal_code = FiscalCodeField(
        help_text=_("16 caratteri per una persona fisica, 11 cifre per una persona "
                    "giuridica (impresa, associazione, ente)."),
    )


def name_mismatch(fiscal_code: str, first_name: str, last_name: str) -> dict[str, str]:
    """Fields whose letters differ from what the codice fiscale encodes for them."""
    errors = {}
    if last_name and cf_lib.encode_lastname(last_name) != fiscal_code[:3]:
        errors["last_name"] = _(
            "Il cognome non corrisponde al codice fiscale %(code)s (che per il cognome "
            "riporta %(letters)s). Controlla il cognome, oppure torna indietro e correggi "
            "il codice fiscale."
        ) % {"code": fiscal_code, "letters": fiscal_code[:3]}
    if first_name and cf_lib.encode_firstname(first_name) != fiscal_code[3:6]:
        errors["first_name"] = _(
            "Il nome non corrisponde al codice fiscale %(code)s (che per il nome riporta "
            "%(letters)s). Controlla il nome, oppure torna indietro e correggi il codice "
            "fiscale."
        ) % {"code": fiscal_code, "letters": fiscal_code[3:6]}
    return errors


class AnagraficaForm(StyledForm, forms.ModelForm):
    """Anagrafica of a natural person (Nome, Cognome) or a legal one (Ragione sociale).

    The codice fiscale is shown and never taken from the submitted data.
    """

    fiscal_code = forms.CharField(label=_("Codice Fiscale"), disabled=True, required=False)

    class Meta:
        model = User
        fields = ["first_name", "last_name", "company_name", "fiscal_code", "address",
                  "nation", "city", "province", "postal_code", "phone"]
        labels = {
            "first_name": _("Nome"), "last_name": _("Cognome"),
            "company_name": _("Ragione sociale"), "address": _("Indirizzo"),
            "nation": _("Nazione"), "city": _("Città"), "province": _("Provincia"),
            "postal_code": _("CAP"), "phone": _("Telefono"),
        }
        help_texts = {
            "city": _("In Italia: il comune, scelto dall'elenco che compare mentre scrivi."),
            "province": _("In Italia: la sigla di due lettere (es. RM)."),
            "postal_code": _("In Italia: 5 cifre."),
            "phone": _("Facoltativo. Per un numero estero, inizia con il prefisso "
                       "internazionale (es. +41…)."),
        }
        error_messages = {
            "phone": {"invalid": _("Numero di telefono non valido: controlla le cifre, e "
                                   "per un numero estero aggiungi il prefisso (es. +41).")},
        }

    def __init__(self, *args, fiscal_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.declared_fiscal_code = fiscal_code
        self.legal_person = len(fiscal_code) == 11
        self.fields["fiscal_code"].initial = fiscal_code
        widget = self.fields["fiscal_code"].widget
        widget.attrs.pop("disabled", None)
        widget.attrs["readonly"] = True
        if self.legal_person:
            del self.fields["first_name"], self.fields["last_name"]
            self.fields["company_name"].required = True
        else:
            del self.fields["company_name"]
            self.fields["first_name"].required = True
            self.fields["last_name"].required = True
        for name in ("address", "city"):
            self.fields[name].required = True
        self.fields["city"].widget.attrs["autocomplete"] = "off"
        self.fields["province"].widget.attrs["autocomplete"] = "off"
        self.fields["postal_code"].widget.attrs.update(
            {"autocomplete": "postal-code", "inputmode": "numeric"})
        self.fields["address"].widget.attrs["autocomplete"] = "street-address"
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "type": "tel"})

    def clean_first_name(self) -> str:
        return self._clean_person_name("first_name")

    def clean_last_name(self) -> str:
        return self._clean_person_name("last_name")

    def clean_company_name(self) -> str:
        value = " ".join((self.cleaned_data.get("company_name") or "").split())
        validate_organization_name(value)
        return value

    def _clean_person_name(self, field: str) -> str:
        value = " ".join((self.cleaned_data.get(field) or "").split())
        validate_person_name(value)
        return value

    def clean(self):
        data = super().clean()
        if self.declared_fiscal_code and not self.legal_person:
            for field, message in name_mismatch(self.declared_fiscal_code,
                                                data.get("first_name", ""),
                                                data.get("last_name", "")).items():
                self.add_error(field, message)
        if data.get("nation") == "IT":
            self._clean_italian_place(data)
        return data

    def _clean_italian_place(self, data) -> None:
        city, province = places.split_city(data.get("city", ""), data.get("province", ""))
        if city and not province:
            self.add_error("province", _("Indica la sigla della provincia (es. RM)."))
        elif city:
            official = places.find_municipality(city, province)
            if official is None:
                self.add_error("city", _(
                    "Non esiste un comune italiano “%(city)s” in provincia di %(province)s: "
                    "controlla il nome e la sigla della provincia."
                ) % {"city": city, "province": province})
            else:
                data["city"], data["province"] = official, province
        postal_code = (data.get("postal_code") or "").strip()
        if not CAP.match(postal_code):
            self.add_error("postal_code", _("Il CAP italiano è di 5 cifre."))

    def save(self, commit=True):
        user = super().save(commit=False)
        user.fiscal_code = self.declared_fiscal_code
        user.entity_type = User.EntityType.LEGAL if self.legal_person else User.EntityType.NATURAL
        if commit:
            user.save()
        return user


class RegistrationForm(AnagraficaForm):
    """*Registrati*, second step: anagrafica, then the *Dati accesso*."""

    email = forms.EmailField(label=_("E-Mail"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password1 = forms.CharField(
        label=_("Password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Almeno 10 caratteri, non solo cifre, non troppo comune né simile "
                    "ai tuoi dati."),
    )
    password2 = forms.CharField(
        label=_("Conferma Password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    privacy = forms.BooleanField(
        label=_("Ho letto l'informativa sul trattamento dei dati personali"),
        error_messages={"required": _("Per registrarti conferma di aver letto l'informativa "
                                      "privacy.")})

    ACCESS_FIELDS = ("password1", "password2", "privacy")
    field_order = ["first_name", "last_name", "company_name", "fiscal_code", "address",
                   "nation", "city", "province", "postal_code", "email", "phone"]

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Le due password non coincidono."))
        elif password1:
            candidate = User(email=data.get("email", ""), first_name=data.get("first_name", ""),
                             last_name=data.get("last_name", ""),
                             company_name=data.get("company_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data

    def save(self, commit=True):
        user = super().save(commit=False)
        user.email = self.cleaned_data["email"]
        user.privacy_acknowledged_at = timezone.now()
        if commit:
            user.save()
        return user

    def anagrafica_fields(self):
        return [f for f in self.visible_fields() if f.name not in self.ACCESS_FIELDS]

    def access_fields(self):
        return [self[name] for name in self.ACCESS_FIELDS]


class ProfileForm(AnagraficaForm):
    """*Profilo*: the same anagrafica; the codice fiscale stays as declared."""

    def __init__(self, *args, **kwargs):
        instance = kwargs["instance"]
        super().__init__(*args, fiscal_code=instance.fiscal_code, **kwargs)


class ActivationForm(StyledForm, forms.Form):
    """Activation asks the password chosen at registration: whoever registered an
    address that is not theirs never holds the password of the account its owner
    activates (the owner cannot type a password someone else chose)."""

    password = forms.CharField(
        label=_("Password scelta alla registrazione"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_(
                "La password non è quella scelta alla registrazione. Se non ti sei "
                "registrato tu, ignora il link; se vuoi usare questo indirizzo, "
                "registrati di nuovo: riceverai un nuovo link."), code="password")
        return password


class EmailForm(StyledForm, forms.Form):
    """Resend the activation link (same answer whether or not the email has one)."""

    email = forms.EmailField(label=_("E-Mail"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class OutboxPasswordResetForm(StyledForm, PasswordResetForm):
    """Django's reset form, with the email queued in the outbox and the Ente's name.

    Django sends only to active accounts, so an unknown address answered faster (a
    timing oracle). Here every request queues exactly one email in the outbox: the link
    for an active account with a password, a note that the account logs in with SPID or
    CIE for one without, else a note that no active account has this address (what
    GOV.UK-style services do). Nothing is sent inside the request: the worker delivers.
    """

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["email"].label = _("E-Mail")
        self.queued = 0

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            super().save(*args, **kwargs)
            if self.queued:
                return
            email = self.cleaned_data["email"].strip()
            password_less = self._password_less_users(email)
            for user in password_less:
                emails.send_password_reset_no_password(self.organization, user)
            if not password_less:
                emails.send_password_reset_unknown(self.organization, email)

    @staticmethod
    def _password_less_users(email: str) -> list[User]:
        """Active accounts of ``email`` that log in only with SPID or CIE: Django's form
        skips them (no usable password), yet their owner must not be told there is no
        account."""
        return [user for user in User._default_manager.filter(email__iexact=email,
                                                              is_active=True)
                if not user.has_usable_password()]

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):
        link = emails.absolute_url("accounts:password_reset_confirm", self.organization.slug,
                                   context["uid"], context["token"])
        emails.send(self.organization, to_email, "password_reset",
                    str(_("Reimposta la password")), user=context["user"], link=link)
        self.queued += 1


class EmailChangeForm(StyledForm, forms.Form):
    new_email = forms.EmailField(label=_("Nuova E-Mail"), max_length=254,
                                 widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(label=_("Password attuale"), strip=False,
                               widget=forms.PasswordInput(
                                   attrs={"autocomplete": "current-password"}))

    def __init__(self, *args, user: User, guard: CurrentPasswordGuard | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.guard = guard
        if not user.has_usable_password():
            # SPID/CIE accounts have no password: their login is the proof; the link
            # sent to the new address still confirms it.
            del self.fields["password"]

    def clean_new_email(self) -> str:
        email = self.cleaned_data["new_email"].strip().lower()
        if email == self.user.email.lower():
            raise forms.ValidationError(_("È già il tuo indirizzo email."))
        return email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        check_current_password(self.user, password, self.guard, wrong_password_message())
        return password


class GuardedPasswordChangeForm(StyledForm, PasswordChangeForm):
    """*Cambia password*: Django's form, with the wrong old passwords counted."""

    def __init__(self, user: User, *args, guard: CurrentPasswordGuard | None = None,
                 **kwargs):
        super().__init__(user, *args, **kwargs)
        self.guard = guard

    def clean_old_password(self) -> str:
        password = self.cleaned_data["old_password"]
        check_current_password(self.user, password, self.guard,
                               self.error_messages["password_incorrect"])
        return password


class VerifyFiscalCodeForm(StyledForm, forms.Form):
    reference = forms.CharField(
        label=_("Codice avviso o IUV"), max_length=40,
        help_text=_("Il codice avviso (18 cifre) o lo IUV (17 cifre) stampato su un avviso "
                    "di pagamento che l'Ente ti ha inviato."),
        error_messages={"required": _("Inserisci il codice avviso o lo IUV.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class CloseAccountForm(StyledForm, forms.Form):
    """*Chiudi l'utenza*: the current password (counted like the other checks), or, for a
    SPID/CIE account without one, an explicit confirmation."""

    password = forms.CharField(label=_("Password attuale"), strip=False,
                               widget=forms.PasswordInput(
                                   attrs={"autocomplete": "current-password"}))
    confirm = forms.BooleanField(label=_("Confermo di voler chiudere la mia utenza"))

    def __init__(self, *args, user: User, guard: CurrentPasswordGuard | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.guard = guard
        if not user.has_usable_password():
            del self.fields["password"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        check_current_password(self.user, password, self.guard, wrong_password_message())
        return password
