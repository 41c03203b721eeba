"""The Ente's settings, for its responsabile: IBANs, postal account, logo, contacts, texts,
payers' access. What pagoPA and the installation fix (IUV counter, broker and station ids)
is shown, never edited; every change goes through ``organizations.services``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import fields_for_model
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from backoffice.access import staff_required
from organizations.models import Organization, StaffRole
from organizations.services import (
    EDITABLE_FIELDS,
    IDENTITY_FIELDS,
    identity_locked,
    update_organization,
)
from sportello.forms import StyledForm

MAX_LOGO_BYTES = 512 * 1024



def _form_field(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


_Base = type("_Base", (forms.Form,), fields_for_model(Organization, fields=EDITABLE_FIELDS,
                                                      formfield_callback=_form_field))


class EnteSettingsForm(StyledForm, _Base):
    """The editable fields, built from the model (labels, lengths, validators); saved only
    through ``update_organization``, never as a ModelForm."""

    GROUPS = [
        (_("L'Ente"), ["name", "sector", "logo", "fiscal_code", "segregation_code"]),
        (_("Accredito"), ["iban", "postal_iban", "cbill_code"]),
        (_("Bollettino postale"), ["postal_account", "postal_account_holder",
                                   "postal_authorization"]),
        (_("Contatti"), ["address", "email", "pec", "phone", "website"]),
        (_("Accesso dei pagatori"), ["local_registration", "spid_level"]),
    ]

    def __init__(self, organization: Organization, *args, **kwargs):
        kwargs.setdefault("initial", {name: getattr(organization, name)
                                      for name in EDITABLE_FIELDS})
        super().__init__(*args, **kwargs)
        self.fields["logo"].widget.attrs["accept"] = "image/png,image/jpeg"
        self.fields["logo"].help_text = _("PNG o JPEG, al massimo 512 KB.")
        if identity_locked(organization):
            for name in IDENTITY_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Non modificabile: l'Ente ha già emesso avvisi "
                                                "che lo riportano.")

    def groups(self):
        return [(title, [self[name] for name in names]) for title, names in self.GROUPS]

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and getattr(logo, "size", 0) > MAX_LOGO_BYTES:
            raise ValidationError(_("Il logo è troppo grande: al massimo 512 KB."))
        if logo and hasattr(logo, "content_type") and logo.content_type not in (
                "image/png", "image/jpeg"):
            raise ValidationError(_("Il logo deve essere un'immagine PNG o JPEG."))
        return logo

    def values(self) -> dict:
        """What to pass to ``update_organization``: the logo only when replaced or removed."""
        values = dict(self.cleaned_data)
        logo = values.pop("logo", None)
        if logo is False:
            values["logo"] = ""
        elif logo is not None and logo != self.initial.get("logo"):
            values["logo"] = logo
        return values

    def add_domain_errors(self, error: ValidationError) -> None:
        for name, errors in error.message_dict.items():
            self.add_error(name if name in self.fields else None, errors)


@staff_required(role=StaffRole.MANAGER)
def settings_page(request):
    organization = request.organization
    form = EnteSettingsForm(organization, request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = update_organization(organization, form.values(), request=request,
                                              actor=request.user)
            except ValidationError as error:
                form.add_domain_errors(error)
            else:
                messages.success(request, gettext("Impostazioni salvate.") if changed
                                 else gettext("Nessuna modifica da salvare."))
                return redirect("backoffice:ente", organization.slug)
        status = 400
    return render(request, "backoffice/ente/settings.html", {
        "organization": organization, "membership": request.membership, "form": form,
        }, status=status)
