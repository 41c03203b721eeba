"""Forms of the catalog: the payer's spontaneous form, built from the fields the Ente
defined for the service (the staff's editor is in the back office: backoffice/service_views.py),
and the euro amount field both use."""

from __future__ import annotations

import json
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog.models import MAX_AMOUNT_CENTS, Service, ServiceField, parse_euro_cents
from pagopa.money import format_euro
from sportello.forms import StyledForm, require_xml_text, style_widget

AMOUNT_FIELD = "importo"


class EuroCentsField(forms.CharField):
    """An amount typed in euro (``12,50``), cleaned to integer cents."""

    default_error_messages = {
        "invalid": _("Importo non valido: scrivi ad esempio 12,50."),
        "min_value": _("L'importo minimo è %(limit)s."),
        "max_value": _("L'importo massimo è %(limit)s."),
    }

    def __init__(self, *, min_cents: int | None = None, max_cents: int | None = None,
                 **kwargs):
        super().__init__(**kwargs)
        self.min_cents = min_cents or 1
        self.max_cents = max_cents or MAX_AMOUNT_CENTS

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        return attrs

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return number_format(Decimal(value) / 100, decimal_pos=2)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            cents = parse_euro_cents(text)
        except ValueError as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if cents < self.min_cents:
            raise ValidationError(self.error_messages["min_value"], code="min_value",
                                  params={"limit": format_euro(self.min_cents)})
        if cents > self.max_cents:
            raise ValidationError(self.error_messages["max_value"], code="max_value",
                                  params={"limit": format_euro(self.max_cents)})
        return cents


# --- payer: the spontaneous form ----------------------------------------------------

def _text_field(spec: ServiceField, common: dict) -> forms.Field:
    validators = []
    if spec.pattern:
        validators.append(RegexValidator(
            spec.pattern, spec.pattern_message or gettext("Il valore non è nel formato "
                                                          "richiesto.")))
    return forms.CharField(max_length=spec.max_length or 140, min_length=spec.min_length,
                           validators=validators, **common)


def _number_limits(spec: ServiceField) -> list:
    """Min/max validators whose messages print the limit the Italian way ("1.000,5")."""
    validators = []
    if spec.min_value is not None:
        validators.append(MinValueValidator(spec.min_value, gettext(
            "Il valore minimo è %s.") % _number_text(spec.min_value)))
    if spec.max_value is not None:
        validators.append(MaxValueValidator(spec.max_value, gettext(
            "Il valore massimo è %s.") % _number_text(spec.max_value)))
    return validators


def _number_text(value: Decimal) -> str:
    if value == value.to_integral_value():
        return number_format(int(value), force_grouping=True, use_l10n=True)
    return number_format(value, decimal_pos=2, force_grouping=True, use_l10n=True)


def _number_field(spec: ServiceField, common: dict) -> forms.Field:
    """A number the payer types: whole unless the Ente allowed decimals ("2,5 copie" is
    not a thing anyone can order), limits printed the Italian way."""
    if spec.whole_number:
        field = forms.IntegerField(localize=True, validators=_number_limits(spec),
                                   error_messages={"invalid": gettext(
                                       "Scrivi un numero intero, ad esempio 3.")}, **common)
        field.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        return field
    field = forms.DecimalField(max_digits=12, decimal_places=2, localize=True,
                               validators=_number_limits(spec), error_messages={
                                   "invalid": gettext("Scrivi un numero, ad esempio 12,5."),
                                   "max_decimal_places": gettext(
                                       "Al massimo due cifre dopo la virgola."),
                               }, **common)
    field.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})
    return field


def _date_field(spec: ServiceField, common: dict) -> forms.Field:
    return forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": gettext("Data non valida: usa il formato gg/mm/aaaa.")},
        **common)


def _choice_field(spec: ServiceField, common: dict) -> forms.Field:
    choices = [("", gettext("Seleziona…"))]
    for label, price in spec.choice_list():
        shown = f"{label} ({format_euro(price)})" if price is not None else label
        choices.append((label, shown))
    return forms.ChoiceField(
        choices=choices,
        error_messages={"invalid_choice": gettext("Scegli una delle voci dell'elenco.")},
        **common)


def _boolean_field(spec: ServiceField, common: dict) -> forms.Field:
    return forms.BooleanField(**common)


FIELD_BUILDERS = {
    ServiceField.Kind.TEXT: _text_field,
    ServiceField.Kind.NUMBER: _number_field,
    ServiceField.Kind.DATE: _date_field,
    ServiceField.Kind.CHOICE: _choice_field,
    ServiceField.Kind.BOOLEAN: _boolean_field,
}


def display_value(spec: ServiceField, value) -> str:
    """A cleaned value as the payer and the Ente read it (and as the causale shows it)."""
    if value is None or value == "":
        return ""
    if spec.kind == ServiceField.Kind.BOOLEAN:
        return gettext("Sì") if value else gettext("No")
    if spec.kind == ServiceField.Kind.DATE:
        return value.strftime("%d/%m/%Y")
    if spec.kind == ServiceField.Kind.NUMBER:
        if isinstance(value, int):
            return str(value)
        if value == value.to_integral_value():
            return str(int(value))
        return number_format(value, decimal_pos=2, use_l10n=True)
    return str(value)


class SpontaneousForm(StyledForm, forms.Form):
    """The service's own fields, plus the amount when the payer types it. Whatever the
    browser shows, the amount is computed here (``amount_cents`` after validation)."""

    token = forms.UUIDField(widget=forms.HiddenInput, error_messages={
        "required": _("Il modulo non è più valido: ricarica la pagina e riprova."),
        "invalid": _("Il modulo non è più valido: ricarica la pagina e riprova."),
    })

    def __init__(self, service: Service, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
        self.specs = list(service.form_fields.all())
        for spec in self.specs:
            common = {"label": spec.label, "help_text": spec.help_text,
                      "required": spec.required}
            self.fields[spec.name] = FIELD_BUILDERS[spec.kind](spec, common)
        if service.amount_rule == Service.AmountRule.RANGE:
            low, high = service.min_amount_cents, service.max_amount_cents
            self.fields[AMOUNT_FIELD] = EuroCentsField(
                label=_("Importo (€)"), min_cents=low, max_cents=high,
                help_text=gettext("Tra %(low)s e %(high)s.") % {
                    "low": format_euro(low), "high": format_euro(high)})
        for name, field in self.fields.items():
            if name != "token":
                style_widget(field, field.widget)
                require_xml_text(field)  # the values make the causale sent to pagoPA
        self.amount_cents: int | None = None

    def full_clean(self):
        super().full_clean()
        # The token is hidden: its error is shown at the top of the form instead.
        token_errors = self._errors.pop("token", None) if self._errors else None
        if token_errors:
            self.add_error(None, token_errors.as_data())

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        amount = self.service.compute_amount_cents(cleaned)
        if amount is None or not 1 <= amount <= MAX_AMOUNT_CENTS:
            raise ValidationError(_("Con i dati inseriti l'importo non è valido: controlla i "
                                    "campi e riprova."), code="amount")
        self.amount_cents = amount
        return cleaned

    def snapshot(self) -> list[dict[str, str]]:
        """Each field as asked and answered now: kept on the position for good."""
        return [{"name": spec.name, "label": spec.label,
                 "value": display_value(spec, self.cleaned_data.get(spec.name))}
                for spec in self.specs]

    def causale(self) -> str:
        return self.service.render_causale({row["name"]: row["value"]
                                            for row in self.snapshot()})

    def preview_attributes(self) -> dict[str, str]:
        """What static/js/spontaneous-amount.js needs to show the amount live."""
        service, rule = self.service, Service.AmountRule
        attrs = {"rule": service.amount_rule, "field": service.amount_field}
        if service.amount_rule == rule.UNIT_PRICE:
            attrs["unit-cents"] = str(service.unit_price_cents)
            spec = next((s for s in self.specs if s.name == service.amount_field), None)
            attrs["whole"] = "1" if spec is None or spec.whole_number else "0"
        elif service.amount_rule == rule.CHOICE_PRICE:
            spec = next((s for s in self.specs if s.name == service.amount_field), None)
            attrs["prices"] = json.dumps(spec.choice_prices() if spec else {})
        elif service.amount_rule == rule.FIXED:
            attrs["fixed-cents"] = str(service.fixed_amount_cents or "")
        else:
            attrs["field"] = AMOUNT_FIELD
        return attrs
