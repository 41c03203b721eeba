"""App IO in the back office: the responsabile's keys (shown masked, audited) and the
list of citizens no channel reaches. Domain logic is in ``appio``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from appio import secrets
from appio.config import config_of, save_settings
from appio.models import IoServiceKey
from appio.unreachable import unreachable
from backoffice.access import staff_required
from backoffice.exports import paginate
from catalog.models import Service
from organizations.models import StaffRole
from sportello.forms import StyledForm, style_widget

KEY_FIELD = {"max_length": 64, "min_length": 16, "required": False, "strip": True}


class IoSettingsForm(StyledForm, forms.Form):
    """Keys are never shown back: the field is empty, the stored one masked beside it."""

    enabled = forms.BooleanField(label=_("Invia messaggi in App IO"), required=False)
    api_key = forms.CharField(
        label=_("Chiave del servizio IO dell'Ente"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("La chiave primaria o secondaria del servizio sul portale di IO. "
                    "Lascia vuoto per tenere quella salvata."), **KEY_FIELD)

    def __init__(self, organization, services, *args, **kwargs):
        config = config_of(organization)
        kwargs.setdefault("initial", {"enabled": config.enabled})
        super().__init__(*args, **kwargs)
        self.config = config
        stored = {k.service_id: k for k in IoServiceKey.objects.filter(
            organization=organization)}
        self.service_rows = []
        for service in services:
            name = f"service_{service.pk}"
            self.fields[name] = forms.CharField(
                label=_("Chiave per «%(name)s»") % {"name": service.name},
                widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
                **KEY_FIELD)
            row = {"service": service, "field": name, "stored": stored.get(service.pk)}
            if row["stored"] is not None:
                self.fields[f"remove_{service.pk}"] = forms.BooleanField(
                    label=_("Usa la chiave dell'Ente per questo servizio"), required=False)
                row["remove"] = f"remove_{service.pk}"
                row["masked"] = secrets.mask(row["stored"].api_key) or gettext(
                    "salvata ma illeggibile: inseriscila di nuovo")
            self.service_rows.append(row)
        for name, field in self.fields.items():
            if name.startswith(("service_", "remove_")):
                style_widget(field, field.widget)

    def rows(self):
        return [{**row, "bound": self[row["field"]],
                 "remove_bound": self[row["remove"]] if "remove" in row else None}
                for row in self.service_rows]

    def clean(self):
        data = super().clean()
        has_key = bool(data.get("api_key") or self.config.api_key_encrypted or any(
            data.get(row["field"]) or row["stored"] for row in self.service_rows))
        if data.get("enabled") and not has_key:
            self.add_error("api_key", _("Inserisci la chiave del servizio IO per attivare "
                                        "l'invio dei messaggi."))
        return data


@staff_required(role=StaffRole.MANAGER)
def io_settings(request):
    organization = request.organization
    services = list(Service.objects.filter(organization=organization).order_by("name"))
    form = IoSettingsForm(organization, services, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            changed = save_settings(
                organization, enabled=data["enabled"], api_key=data["api_key"],
                service_keys={s.pk: data.get(f"service_{s.pk}", "") for s in services},
                remove={s.pk for s in services if data.get(f"remove_{s.pk}")},
                request=request, actor=request.user)
            messages.success(request, gettext("Impostazioni di App IO salvate.") if changed
                             else gettext("Nessuna modifica da salvare."))
            return redirect("backoffice:appio", organization.slug)
        status = 400
    config = form.config
    return render(request, "backoffice/appio/settings.html", {
        "organization": organization, "membership": request.membership, "form": form,
        "config": config, "masked": secrets.mask(config.api_key) if config.pk else "",
        "unreadable": bool(config.api_key_encrypted) and config.api_key is None,
    }, status=status)


@staff_required()
def unreachable_list(request):
    organization = request.organization
    return render(request, "backoffice/appio/unreachable.html", {
        "organization": organization, "membership": request.membership,
        "page": paginate(request, unreachable(organization))})
