"""A service's email reminders, for the responsabile (``reminders.policies`` writes)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from backoffice.access import staff_required
from catalog.models import Service
from organizations.models import StaffRole
from reminders.policies import policy_of, save_policy
from sportello.forms import StyledForm

MAX_DAYS_BEFORE = 60


class ReminderPolicyForm(StyledForm, forms.Form):
    enabled = forms.BooleanField(label=_("Invia i promemoria email per questo servizio"),
                                 required=False)
    days_before = forms.IntegerField(
        label=_("Giorni prima della scadenza"), min_value=0, max_value=MAX_DAYS_BEFORE,
        help_text=_("0 per non inviare il promemoria prima della scadenza."),
        error_messages={
            "required": _("Indica quanti giorni prima (0 per nessun promemoria prima)."),
            "invalid": _("Scrivi un numero intero di giorni."),
            "min_value": _("Il numero di giorni non può essere negativo."),
            "max_value": _("Al massimo %(limit_value)s giorni prima della scadenza."),
        })
    day_after = forms.BooleanField(label=_("Promemoria il giorno dopo la scadenza"),
                                   required=False)


@require_http_methods(["GET", "POST"])
@staff_required(role=StaffRole.MANAGER)
def service_reminders(request, pk: int):
    service = get_object_or_404(Service, pk=pk, organization=request.organization)
    policy = policy_of(service)
    form = ReminderPolicyForm(request.POST or None, initial={
        "enabled": policy.enabled, "days_before": policy.days_before,
        "day_after": policy.day_after})
    if request.method == "POST" and form.is_valid():
        save_policy(service, **form.cleaned_data, actor=request.user, request=request)
        messages.success(request, gettext("Promemoria del servizio «%(name)s» salvati.")
                         % {"name": service.name})
        return redirect("backoffice:service_reminders", request.organization.slug, service.pk)
    return render(request, "backoffice/services/reminders.html", {
        "organization": request.organization, "membership": request.membership,
        "service": service, "form": form}, status=400 if form.errors else 200)
