"""*Notifiche* (responsabile only): the Ente's webhook endpoints, their deliveries and
every attempt. The forms only read what was typed; ``webhooks.endpoints`` decides and
audits. A secret is shown once, in the answer to the POST that set it."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from backoffice.access import staff_required
from backoffice.exports import paginate
from organizations.models import StaffRole
from sportello.forms import StyledForm
from webhooks import endpoints
from webhooks.models import SUBSCRIBABLE, Delivery, Endpoint

EVENT_CHOICES = [(str(e.value), e.label) for e in SUBSCRIBABLE]


class EndpointForm(StyledForm, forms.Form):
    url = forms.URLField(label=gettext_lazy("Indirizzo (https://…)"), max_length=500,
                         assume_scheme="https")
    description = forms.CharField(label=gettext_lazy("Descrizione (facoltativa)"),
                                  max_length=100, required=False)
    events = forms.MultipleChoiceField(label=gettext_lazy("Eventi da notificare"),
                                       choices=EVENT_CHOICES,
                                       widget=forms.CheckboxSelectMultiple)


class CreateForm(EndpointForm):
    secret = forms.CharField(
        label=gettext_lazy("Segreto (facoltativo)"), max_length=200, required=False,
        help_text=gettext_lazy("Lascia vuoto per generarne uno sicuro; se lo scrivi tu, "
                               "almeno 24 caratteri."))


class EditForm(EndpointForm):
    is_active = forms.BooleanField(label=gettext_lazy("Attivo"), required=False)


class SecretForm(StyledForm, forms.Form):
    secret = forms.CharField(label=gettext_lazy("Nuovo segreto (facoltativo)"), max_length=200,
                             required=False,
                             help_text=gettext_lazy("Lascia vuoto per generarne uno sicuro."))


def _context(request, **extra):
    return {"organization": request.organization, "membership": request.membership, **extra}


def _refused(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


def _endpoint(request, pk: int) -> Endpoint:
    return get_object_or_404(Endpoint, pk=pk, organization=request.organization)


def _secret_page(request, endpoint: Endpoint, secret: str):
    return render(request, "backoffice/webhooks/secret.html",
                  _context(request, endpoint=endpoint, secret=secret))


@staff_required(role=StaffRole.MANAGER)
def endpoint_list(request):
    deliveries = (Delivery.objects.filter(endpoint__organization=request.organization)
                  .select_related("event", "endpoint").order_by("-created_at", "-pk"))
    state = request.GET.get("stato", "")
    if state in Delivery.Status.values:
        deliveries = deliveries.filter(status=state)
    return render(request, "backoffice/webhooks/list.html", _context(
        request, endpoints=Endpoint.objects.filter(organization=request.organization),
        page=paginate(request, deliveries), states=Delivery.Status.choices, state=state))


@require_http_methods(["GET", "POST"])
@staff_required(role=StaffRole.MANAGER)
def endpoint_create(request):
    form = CreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = endpoints.create_endpoint(request.organization, request=request,
                                                         **form.cleaned_data)
        except ValidationError as error:
            _refused(form, error)
        else:
            return _secret_page(request, endpoint, secret)
    return render(request, "backoffice/webhooks/form.html", _context(request, form=form))


@require_http_methods(["GET", "POST"])
@staff_required(role=StaffRole.MANAGER)
def endpoint_detail(request, pk: int):
    endpoint = _endpoint(request, pk)
    initial = {"url": endpoint.url, "description": endpoint.description,
               "events": endpoint.events, "is_active": endpoint.is_active}
    form = EditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            endpoints.update_endpoint(endpoint, request=request, **form.cleaned_data)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Endpoint salvato."))
            return redirect("backoffice:webhook", request.organization.slug, endpoint.pk)
    deliveries = endpoint.deliveries.select_related("event").order_by("-created_at", "-pk")
    return render(request, "backoffice/webhooks/detail.html", _context(
        request, endpoint=endpoint, form=form, secret_form=SecretForm(),
        page=paginate(request, deliveries)))


@staff_required(role=StaffRole.MANAGER)
@require_POST
def endpoint_secret(request, pk: int):
    endpoint = _endpoint(request, pk)
    form = SecretForm(request.POST)
    if form.is_valid():
        try:
            secret = endpoints.rotate_secret(endpoint, secret=form.cleaned_data["secret"],
                                             request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return _secret_page(request, endpoint, secret)
    else:
        messages.error(request, _("Il segreto non è valido."))
    return redirect("backoffice:webhook", request.organization.slug, endpoint.pk)


@staff_required(role=StaffRole.MANAGER)
@require_POST
def endpoint_ping(request, pk: int):
    endpoint = _endpoint(request, pk)
    try:
        delivery = endpoints.ping(endpoint, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("backoffice:webhook", request.organization.slug, endpoint.pk)
    messages.success(request, _("Notifica di prova messa in coda: qui sotto l'esito."))
    return redirect("backoffice:webhook_delivery", request.organization.slug, delivery.pk)


def _delivery(request, pk: int) -> Delivery:
    return get_object_or_404(Delivery.objects.select_related("event", "endpoint"), pk=pk,
                             endpoint__organization=request.organization)


@staff_required(role=StaffRole.MANAGER)
def delivery_detail(request, pk: int):
    delivery = _delivery(request, pk)
    return render(request, "backoffice/webhooks/delivery.html", _context(
        request, delivery=delivery, attempts=delivery.tries.order_by("-at", "-pk"),
        body=json.dumps(delivery.event.envelope(), ensure_ascii=False, indent=2)))


@staff_required(role=StaffRole.MANAGER)
@require_POST
def delivery_retry(request, pk: int):
    delivery = _delivery(request, pk)
    try:
        endpoints.retry(delivery, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Nuovo tentativo messo in coda."))
    return redirect("backoffice:webhook_delivery", request.organization.slug, delivery.pk)
