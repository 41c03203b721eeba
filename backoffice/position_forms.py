"""Forms of the positions pages: the list's filters, and the editor that creates or
changes a position (debtor, causale, a single payment and/or an installment plan, the
transfers of each), which hands plain specs to ``positions.editing``.

The editor works without JavaScript: how many installments and transfers it shows comes
from two numbers on the form, and *Aggiorna il modulo* redraws it with the new counts,
keeping everything typed (unbound forms whose initial values are the posted ones, so no
error is shown before *Salva*).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog.forms import EuroCentsField
from catalog.models import Service
from pagopa.identifiers import ReferenceKind, classify_reference
from pagopa.money import format_euro
from positions.editing import DebtorSpec
from positions.models import PaymentOption, PaymentPosition
from positions.services import OptionSpec, TransferSpec, option_label
from sportello.fields import FiscalCodeField
from sportello.forms import StyledForm, style_widget
from sportello.validators import normalize_iban, validate_iban, validate_taxonomy_code

MAX_INSTALLMENTS = 36
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=DATE_FORMATS,
        error_messages={"invalid": _("Data non valida: usa il formato gg/mm/aaaa."),
                        "required": _("Indica la data di scadenza.")}, **kwargs)


# --- the list's filters -------------------------------------------------------------------

class PositionFilterForm(StyledForm, forms.Form):
    """Filters of the positions list, in the URL (GET) so a filtered list can be
    bookmarked, exported and paged."""

    debitore = forms.CharField(label=_("Debitore"), required=False, max_length=70,
                               help_text=_("Codice fiscale o parte del nome."))
    codice = forms.CharField(label=_("IUV o codice avviso"), required=False, max_length=40)
    riferimento = forms.CharField(label=_("Riferimento pratica"), required=False,
                                  max_length=35)
    servizio = forms.ModelChoiceField(
        label=_("Servizio"), queryset=Service.objects.none(), required=False,
        to_field_name="code", empty_label=_("Tutti i servizi"),
        error_messages={"invalid_choice": _("Servizio non disponibile: scegline uno "
                                            "dall'elenco.")})
    stato = forms.ChoiceField(
        label=_("Stato"), required=False,
        choices=[("", _("Tutti gli stati")), *PaymentPosition.Status.choices],
        error_messages={"invalid_choice": _("Stato non valido: scegline uno dall'elenco.")})
    scadenza_da = date_field(_("Scadenza dal"), required=False)
    scadenza_a = date_field(_("Scadenza al"), required=False)

    def __init__(self, organization, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["servizio"].queryset = Service.objects.filter(organization=organization)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("scadenza_da"), cleaned.get("scadenza_a")
        if start and end and start > end:
            self.add_error("scadenza_a", _("La data «Scadenza al» deve essere uguale o "
                                           "successiva a «Scadenza dal»."))
        return cleaned

    def filter(self, positions):
        """``positions`` (already the Ente's) narrowed by the valid filters."""
        data = self.cleaned_data
        if text := data.get("debitore", "").strip():
            positions = positions.filter(Q(debtor__fiscal_code=text.upper().replace(" ", ""))
                                         | Q(debtor__full_name__icontains=text))
        if text := data.get("codice", "").strip():
            ref = classify_reference(text)
            if ref.kind is ReferenceKind.NOTICE_NUMBER:
                match = Q(options__notice_number=ref.value)
            elif ref.kind is ReferenceKind.IUV:
                match = Q(options__iuv=ref.value)
            else:
                digits = "".join(ch for ch in text if ch.isdigit())
                match = Q(options__iuv=digits) | Q(options__notice_number=digits)
            positions = positions.filter(match)
        if text := data.get("riferimento", "").strip():
            positions = positions.filter(external_reference__iexact=text)
        if data.get("servizio"):
            positions = positions.filter(service=data["servizio"])
        if data.get("stato"):
            positions = positions.filter(status=data["stato"])
        if data.get("scadenza_da"):
            positions = positions.filter(options__due_date__gte=data["scadenza_da"])
        if data.get("scadenza_a"):
            positions = positions.filter(options__due_date__lte=data["scadenza_a"])
        return positions.distinct()


# --- the editor ------------------------------------------------------------------------

DEBTOR_FIELDS = ("fiscal_code", "full_name", "address", "city", "province", "postal_code",
                 "email")


class PositionForm(StyledForm, forms.Form):
    """The debtor and what the position is for."""

    fiscal_code = FiscalCodeField(label=_("Codice fiscale del debitore"))
    full_name = forms.CharField(label=_("Nome e cognome o ragione sociale"), max_length=70)
    address = forms.CharField(label=_("Indirizzo"), max_length=140, required=False)
    city = forms.CharField(label=_("Città"), max_length=70, required=False)
    province = forms.CharField(label=_("Provincia"), max_length=2, required=False,
                               help_text=_("Sigla di due lettere, es. RM."))
    postal_code = forms.CharField(label=_("CAP"), max_length=16, required=False)
    email = forms.EmailField(label=_("Email del debitore"), required=False)
    service = forms.ModelChoiceField(
        label=_("Servizio"), queryset=Service.objects.none(), to_field_name="code",
        empty_label=_("Scegli il servizio…"),
        error_messages={"required": _("Scegli il servizio."),
                        "invalid_choice": _("Servizio non disponibile: scegline uno "
                                            "dall'elenco.")})
    causale = forms.CharField(label=_("Causale"), max_length=140,
                              help_text=_("Cosa si paga, come lo legge il debitore."))
    external_reference = forms.CharField(
        label=_("Riferimento pratica"), max_length=35, required=False,
        help_text=_("Il riferimento dell'Ente: il debitore lo usa con Ricerca pratica."))
    switch_to_expired = forms.BooleanField(
        label=_("Non pagabile dopo la scadenza"), required=False)
    # The layout: how many installments and transfers the editor shows.
    single = forms.BooleanField(label=_("Pagamento in unica soluzione"), required=False,
                                initial=True)
    installments = forms.IntegerField(
        label=_("Numero di rate"), min_value=0, max_value=MAX_INSTALLMENTS, initial=0,
        required=False, help_text=_("0 per nessun piano rateale. Il debitore sceglie se "
                                    "pagare in unica soluzione o a rate."))
    transfers = forms.IntegerField(
        label=_("Trasferimenti per pagamento"), min_value=1, max_value=5, initial=1,
        help_text=_("Da 1 a 5: più di uno quando l'importo va a più beneficiari."),
        error_messages={"required": _("Indica quanti trasferimenti (da 1 a 5).")})

    def __init__(self, organization, *args, editing: bool = False,
                 debtor_editable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(organization=organization)
        if editing:  # the options of an existing position are what they are
            del self.fields["single"], self.fields["installments"]
            self.fields["service"].disabled = True
        if not debtor_editable:  # an anagrafica the payer typed (Inserimento spontaneo)
            for name in DEBTOR_FIELDS:
                del self.fields[name]

    def clean_province(self) -> str:
        return self.cleaned_data["province"].upper()

    def debtor_editable(self) -> bool:
        return "fiscal_code" in self.fields

    def debtor_spec(self) -> DebtorSpec:
        data = self.cleaned_data
        return DebtorSpec(fiscal_code=str(data["fiscal_code"]), full_name=data["full_name"],
                          address=data["address"], city=data["city"],
                          province=data["province"], postal_code=data["postal_code"],
                          email=data["email"])


class OptionForm(StyledForm, forms.Form):
    amount = EuroCentsField(label=_("Importo (€)"),
                            error_messages={"required": _("Indica l'importo.")})
    due_date = date_field(_("Scadenza"))


class TransferForm(StyledForm, forms.Form):
    amount = EuroCentsField(label=_("Importo del trasferimento (€)"), required=False)
    iban = forms.CharField(label=_("IBAN"), max_length=34, validators=[validate_iban])
    beneficiary_fiscal_code = forms.CharField(
        label=_("Codice fiscale del beneficiario"), max_length=11, required=False,
        help_text=_("Vuoto: l'Ente stesso."))
    beneficiary_name = forms.CharField(label=_("Beneficiario"), max_length=140,
                                       required=False)
    taxonomy_code = forms.CharField(
        label=_("Codice tassonomia"), max_length=16, required=False,
        validators=[validate_taxonomy_code], help_text=_("Vuoto: quello del servizio."))
    remittance = forms.CharField(label=_("Causale del versamento"), max_length=140,
                                 required=False, help_text=_("Vuoto: la causale."))

    def __init__(self, *args, whole_amount: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if whole_amount:  # one transfer: it is the option's amount
            del self.fields["amount"]

    def clean_iban(self) -> str:
        return normalize_iban(self.cleaned_data["iban"])

    def clean_beneficiary_fiscal_code(self) -> str:
        value = self.cleaned_data["beneficiary_fiscal_code"].strip()
        if value and not (value.isdigit() and len(value) == 11):
            raise forms.ValidationError(_("Il codice fiscale di un Ente ha 11 cifre."))
        return value

    def spec(self, whole: int | None) -> TransferSpec:
        data = self.cleaned_data
        return TransferSpec(
            amount_cents=whole if whole is not None else data["amount"], iban=data["iban"],
            beneficiary_fiscal_code=data["beneficiary_fiscal_code"],
            beneficiary_name=data["beneficiary_name"], taxonomy_code=data["taxonomy_code"],
            remittance_information=data["remittance"])


@dataclass
class OptionBlock:
    """One payment of the editor: its label, its form and its transfers' forms."""

    key: str
    label: str
    form: OptionForm
    transfers: list[TransferForm] = field(default_factory=list)
    installment_number: int | None = None
    option: PaymentOption | None = None

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        valid = all([t.is_valid() for t in self.transfers]) and valid
        if valid and len(self.transfers) > 1:
            amount = self.form.cleaned_data["amount"]
            total = sum(t.cleaned_data.get("amount") or 0 for t in self.transfers)
            missing = [t for t in self.transfers if not t.cleaned_data.get("amount")]
            for transfer in missing:
                transfer.add_error("amount", gettext("Indica l'importo del trasferimento."))
            if not missing and total != amount:
                self.form.add_error("amount", gettext(
                    "La somma dei trasferimenti (%(total)s) è diversa dall'importo "
                    "(%(amount)s).") % {"total": format_euro(total),
                                         "amount": format_euro(amount)})
            valid = not missing and total == amount
        return valid

    def spec(self, plan: int | None) -> OptionSpec:
        amount = self.form.cleaned_data["amount"]
        whole = amount if len(self.transfers) == 1 else None
        return OptionSpec(amount_cents=amount, due_date=self.form.cleaned_data["due_date"],
                          installment_number=self.installment_number, plan=plan,
                          transfers=[t.spec(whole) for t in self.transfers])


def _posted(data, prefix: str, names) -> dict:
    """The values posted for the form ``prefix``, as initial values of an unbound form."""
    if data is None:
        return {}
    return {name: data.get(f"{prefix}-{name}" if prefix else name) for name in names
            if (f"{prefix}-{name}" if prefix else name) in data}


def _count(data, name: str, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int((data or {}).get(name, default))))
    except (TypeError, ValueError):
        return default


class PositionEditor:
    """The whole editor: ``PositionForm`` plus one block per payment.

    ``data`` is the POST (None for a fresh page); ``redraw``: the layout changed, show
    the new counts with the typed values and no errors.
    """

    def __init__(self, organization, *, data=None, redraw: bool = False,
                 position: PaymentPosition | None = None):
        self.organization = organization
        self.position = position
        self.bound = data is not None and not redraw
        editing = position is not None
        own = not editing or position.origin == PaymentPosition.Origin.ENTE
        initial = self._initial(position)
        main_names = list(PositionForm.base_fields)
        if self.bound:
            self.main = PositionForm(organization, data, initial=initial, editing=editing,
                                     debtor_editable=own)
        else:
            posted = _posted(data, "", main_names)
            if data is not None and "single" not in posted:
                posted["single"] = False  # an unticked box posts nothing
            self.main = PositionForm(organization, initial={**initial, **posted},
                                     editing=editing, debtor_editable=own)
        self.transfer_count = _count(data, "transfers", initial.get("transfers", 1), 1, 5)
        self.blocks: list[OptionBlock] = []
        if editing:
            options = list(position.options.order_by("plan", "installment_number", "pk"))
            plans = len({o.plan for o in options} - {PaymentOption.SINGLE_PLAN})
            for option in options:
                self._add_block(f"opt-{option.pk}", _option_label(option, plans), data,
                                option=option, installment_number=option.installment_number)
        else:
            if data is None or data.get("single"):
                self._add_block("unica", gettext("Unica soluzione"), data)
            count = _count(data, "installments", 0, 0, MAX_INSTALLMENTS)
            for n in range(1, count + 1):
                self._add_block(f"rata-{n}", gettext("Rata %(n)s di %(count)s")
                                % {"n": n, "count": count}, data, installment_number=n)

    def _initial(self, position) -> dict:
        if position is None:
            return {"transfers": 1, "single": True, "installments": 0}
        debtor = position.debtor
        counts = [o.transfers.count() for o in position.options.all()]
        return {"fiscal_code": debtor.fiscal_code, "full_name": debtor.full_name,
                "address": debtor.address, "city": debtor.city, "province": debtor.province,
                "postal_code": debtor.postal_code, "email": debtor.email,
                "service": position.service.code, "causale": position.causale,
                "external_reference": position.external_reference,
                "switch_to_expired": position.switch_to_expired,
                "transfers": max(counts or [1])}

    def _add_block(self, key: str, label: str, data, *, option=None,
                   installment_number=None) -> None:
        initial = {}
        stored = []
        if option is not None:
            initial = {"amount": option.amount_cents, "due_date": option.due_date}
            stored = list(option.transfers.all())
        whole = self.transfer_count == 1
        if self.bound:
            form = OptionForm(data, prefix=key, initial=initial)
        else:
            form = OptionForm(prefix=key, initial={**initial, **_posted(
                data, key, OptionForm.base_fields)})
        block = OptionBlock(key, label, form, installment_number=installment_number,
                            option=option)
        for n in range(1, self.transfer_count + 1):
            prefix = f"{key}-t{n}"
            t_initial = self._transfer_initial(stored[n - 1] if n <= len(stored) else None)
            if self.bound:
                transfer = TransferForm(data, prefix=prefix, initial=t_initial,
                                        whole_amount=whole)
            else:
                transfer = TransferForm(prefix=prefix, whole_amount=whole, initial={
                    **t_initial, **_posted(data, prefix, TransferForm.base_fields)})
            block.transfers.append(transfer)
        self.blocks.append(block)

    def _transfer_initial(self, transfer) -> dict:
        if transfer is None:
            return {"iban": self.organization.iban}
        own = transfer.beneficiary_fiscal_code == self.organization.fiscal_code
        return {"amount": transfer.amount_cents, "iban": transfer.iban,
                "beneficiary_fiscal_code": "" if own else transfer.beneficiary_fiscal_code,
                "beneficiary_name": "" if own else transfer.beneficiary_name,
                "taxonomy_code": transfer.taxonomy_code,
                "remittance": transfer.remittance_information}

    def is_valid(self) -> bool:
        valid = self.main.is_valid()
        valid = all([block.is_valid() for block in self.blocks]) and valid
        if valid and not self.blocks:
            self.main.add_error(None, gettext(
                "Indica almeno un pagamento: in unica soluzione o a rate (poi premi "
                "«Aggiorna il modulo»)."))
            return False
        return valid

    def option_specs(self) -> list[OptionSpec]:
        return [block.spec(None) for block in self.blocks]

    def changes(self) -> dict[int, OptionSpec]:
        return {block.option.pk: block.spec(block.option.plan) for block in self.blocks}

    def show_errors(self, messages: list[str]) -> None:
        """The service's refusal, above the form (it names option, transfer and field)."""
        for message in messages:
            self.main.add_error(None, message)


def _option_label(option: PaymentOption, plans: int) -> str:
    label = option_label(option.plan, option.installment_number, plans)
    return f"{label} · {option.notice_number}"


class CancelForm(StyledForm, forms.Form):
    reason = forms.CharField(
        label=_("Motivo dell'annullamento"), max_length=500, min_length=5,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Resta nella storia della posizione. L'avviso non sarà più pagabile."),
        error_messages={"required": _("Scrivi il motivo dell'annullamento."),
                        "min_length": _("Scrivi il motivo dell'annullamento (almeno 5 "
                                        "caratteri).")})


class ReopenForm(StyledForm, forms.Form):
    """A new due date for each option that ran out of time."""

    def __init__(self, options, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plans = len({o.plan for o in options} - {PaymentOption.SINGLE_PLAN})
        for option in options:
            self.fields[f"due-{option.pk}"] = date_field(
                gettext("Nuova scadenza: %(option)s") % {"option": _option_label(option, plans)})
        for field_ in self.fields.values():  # added after StyledForm styled the rest
            style_widget(field_, field_.widget)
        self.options = options

    def due_dates(self) -> dict[int, date]:
        return {option.pk: self.cleaned_data[f"due-{option.pk}"] for option in self.options}
