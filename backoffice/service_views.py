"""The service editor, for the responsabile: the Ente's services (*tipologie di pendenza*)
with their amount rule, accounting codes, instructions and the fields of the payer's form.
Forms only read what was typed; ``catalog.editing.save_service`` validates and writes."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import models
from django.forms.models import fields_for_model
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from backoffice.access import staff_required
from backoffice.exports import CENTS, DATE, Column, export_format, export_response, paginate
from catalog.editing import ROW_FIELDS, SERVICE_FIELDS, ServiceRefused, save_service
from catalog.forms import EuroCentsField
from catalog.models import LateRule, Service, ServiceField
from organizations.models import StaffRole
from sportello.forms import StyledForm

CENTS_FIELDS = {"fixed_amount_cents": _("Importo fisso (€)"),
                "min_amount_cents": _("Importo minimo (€)"),
                "max_amount_cents": _("Importo massimo (€)"),
                "unit_price_cents": _("Prezzo unitario (€)"),
                "late_penalty_cents": _("Sanzione fissa (€)")}


def _form_field(field, **kwargs):
    if field.name in CENTS_FIELDS:
        return EuroCentsField(label=CENTS_FIELDS[field.name], required=False)
    if isinstance(field, models.DateField):
        return forms.DateField(
            label=capfirst(field.verbose_name), required=False,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            input_formats=["%Y-%m-%d", "%d/%m/%Y"],
            error_messages={"invalid": _("Data non valida: usa il formato gg/mm/aaaa.")})
    return field.formfield(**kwargs)  # labels: the model's verbose names, translated lazily


def _fields(model, names):
    return fields_for_model(model, fields=names, formfield_callback=_form_field)


class ServiceForm(StyledForm, type("_ServiceBase", (forms.Form,), _fields(Service,
                                                                           SERVICE_FIELDS))):
    GROUPS = [
        (_("Il servizio"), ["code", "name", "description", "taxonomy_code"]),
        (_("Contabilità"), ["accounting_chapter", "accounting_assessment"]),
        (_("Disponibilità"), ["active", "active_from", "active_to", "spontaneous_allowed"]),
        (_("Importo"), ["amount_rule", "fixed_amount_cents", "min_amount_cents",
                        "max_amount_cents", "unit_price_cents", "amount_field"]),
        # What the amount becomes after the due date (attualizzazione, issue 11).
        (_("Dopo la scadenza"), ["late_rule", "late_penalty_cents"]),
        (_("Causale e istruzioni"), ["causale_template", "instructions"]),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left out of a form (an older page, a script): nothing changes after the due date.
        self.fields["late_rule"].required = False

    def clean_late_rule(self) -> str:
        return self.cleaned_data.get("late_rule") or LateRule.NONE

    def groups(self):
        return [(title, [self[name] for name in names]) for title, names in self.GROUPS]


class RowForm(StyledForm, type("_RowBase", (forms.Form,), _fields(ServiceField, ROW_FIELDS))):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choices"].widget.attrs["rows"] = 3


RowFormSet = forms.formset_factory(RowForm, extra=1, can_delete=True)


def context(request, **values) -> dict:
    return {"organization": request.organization, "membership": request.membership, **values}


class ServiceFilterForm(StyledForm, forms.Form):
    cerca = forms.CharField(label=_("Nome o codice"), required=False, max_length=100)
    stato = forms.ChoiceField(label=_("Stato"), required=False, choices=[
        ("", _("Tutti")), ("attivi", _("Attivi")), ("non-attivi", _("Non attivi")),
        ("spontanei", _("Con pagamento spontaneo"))],
        error_messages={"invalid_choice": _("Stato non valido: scegline uno dall'elenco.")})

    def apply(self, services):
        if not self.is_valid():
            return services.none()
        text, state = self.cleaned_data["cerca"].strip(), self.cleaned_data["stato"]
        if text:
            services = services.filter(models.Q(name__icontains=text)
                                       | models.Q(code__icontains=text))
        if state == "attivi":
            services = services.filter(active=True)
        elif state == "non-attivi":
            services = services.filter(active=False)
        elif state == "spontanei":
            services = services.filter(spontaneous_allowed=True)
        return services


@staff_required(role=StaffRole.MANAGER)
def service_list(request):
    form = ServiceFilterForm(request.GET)
    services = form.apply(Service.objects.filter(organization=request.organization)
                          .annotate(field_count=models.Count("form_fields"))
                          .order_by("name", "pk"))
    fmt = export_format(request)
    if fmt:
        return export_response(fmt, gettext("servizi"), _export_columns(),
                               _export_rows(services))
    page = paginate(request, services)
    return render(request, "backoffice/services/list.html", context(request, page=page,
                                                                     form=form))


def _export_columns() -> list[Column]:
    return [Column(gettext("Codice")), Column(gettext("Nome")), Column(gettext("Tassonomia")),
            Column(gettext("Capitolo")), Column(gettext("Accertamento")),
            Column(gettext("Regola dell'importo")), Column(gettext("Importo fisso"), CENTS),
            Column(gettext("Importo minimo"), CENTS), Column(gettext("Importo massimo"), CENTS),
            Column(gettext("Prezzo unitario"), CENTS), Column(gettext("Pagamento spontaneo")),
            Column(gettext("Attivo")), Column(gettext("Attivo dal"), DATE),
            Column(gettext("Attivo fino al"), DATE)]


def _export_rows(services):
    yes, no = gettext("Sì"), gettext("No")
    for s in services.iterator():
        yield [s.code, s.name, s.taxonomy_code, s.accounting_chapter, s.accounting_assessment,
               s.get_amount_rule_display(), s.fixed_amount_cents, s.min_amount_cents,
               s.max_amount_cents, s.unit_price_cents, yes if s.spontaneous_allowed else no,
               yes if s.active else no, s.active_from, s.active_to]


@staff_required(role=StaffRole.MANAGER)
def service_create(request):
    return _editor(request, None)


@staff_required(role=StaffRole.MANAGER)
def service_edit(request, pk: int):
    service = get_object_or_404(Service, pk=pk, organization=request.organization)
    return _editor(request, service)


def _initial(service: Service | None):
    if service is None:
        return {"active": True, "amount_rule": Service.AmountRule.FIXED}, []
    rows = [{"id": row.pk, **{name: getattr(row, name) for name in ROW_FIELDS}}
            for row in service.form_fields.all()]
    return {name: getattr(service, name) for name in SERVICE_FIELDS}, rows


def _editor(request, service: Service | None):
    initial, initial_rows = _initial(service)
    data = request.POST if request.method == "POST" else None
    form = ServiceForm(data, initial=initial)
    rows = RowFormSet(data, initial=initial_rows, prefix="campi")
    status = 200
    if data is not None:
        if form.is_valid() and rows.is_valid():
            kept = [row for row in rows.forms
                    if row.has_changed() or row.cleaned_data.get("id")]
            kept = [row for row in kept if not row.cleaned_data.get("DELETE")]
            values = [{"id": row.cleaned_data.get("id"),
                       **{name: row.cleaned_data.get(name) for name in ROW_FIELDS}}
                      for row in kept]
            try:
                saved = save_service(request.organization, form.cleaned_data, values,
                                     service=service, request=request, actor=request.user)
            except ServiceRefused as refused:
                _show(refused, form, kept)
            else:
                messages.success(request, gettext("Servizio «%(name)s» salvato.")
                                 % {"name": saved.name})
                return redirect("backoffice:service", request.organization.slug, saved.pk)
        status = 400
    return render(request, "backoffice/services/editor.html", context(
        request, form=form, rows=rows, service=service), status=status)


def _show(refused: ServiceRefused, form: ServiceForm, row_forms: list[RowForm]) -> None:
    """The domain's refusals next to the fields they concern (kept as typed)."""
    for name, errors in refused.service_errors.items():
        form.add_error(name if name in form.fields else None, errors)
    for index, row_errors in refused.row_errors.items():
        for name, errors in row_errors.items():
            row_forms[index].add_error(name if name in row_forms[index].fields else None,
                                       errors)
    for problem in refused.general:
        form.add_error(None, problem)
