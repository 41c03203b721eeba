from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Service
from positions.models import PaymentOption
from sportello.fields import FiscalCodeField
from sportello.forms import StyledForm


class SearchForm(StyledForm, forms.Form):
    fiscal_code = FiscalCodeField(
        label=_("Codice Fiscale"),
        help_text=_("Del debitore: 16 caratteri per una persona, 11 cifre per un'impresa."),
    )
    reference = forms.CharField(
        label=_("Riferimento Pratica / IUV"), max_length=40,
        help_text=_("Il riferimento della pratica, lo IUV o il codice avviso di 18 cifre."),
        error_messages={"required": _("Inserisci il riferimento della pratica o lo IUV.")},
    )

    def clean_reference(self) -> str:
        return self.cleaned_data["reference"].strip()


class HistoryFilterForm(StyledForm, forms.Form):
    """*Storico Pratiche* filters, read from the URL (GET) so that a filtered page can be
    bookmarked and the back button works. Dates are payment dates."""

    servizio = forms.ModelChoiceField(
        label=_("Servizio"), queryset=Service.objects.none(), required=False,
        to_field_name="code", empty_label=_("Tutti i Servizi…"),
        error_messages={"invalid_choice": _("Servizio non disponibile: scegline uno "
                                            "dall'elenco.")},
    )
    stato = forms.ChoiceField(
        label=_("Stato"), required=False,
        choices=[("", _("Tutti gli Stati…")), *PaymentOption.Status.choices],
        error_messages={"invalid_choice": _("Stato non valido: scegline uno dall'elenco.")},
    )
    da_data = forms.DateField(
        label=_("Da data"), required=False, help_text=_("Data di pagamento, dal giorno."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Data non valida: usa il formato gg/mm/aaaa.")},
    )
    a_data = forms.DateField(
        label=_("A data"), required=False, help_text=_("Data di pagamento, fino al giorno."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Data non valida: usa il formato gg/mm/aaaa.")},
    )
    riferimento = forms.CharField(label=_("Riferimento pratica / IUV"), required=False,
                                  max_length=40)

    def __init__(self, organization, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["servizio"].queryset = Service.objects.filter(organization=organization)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("da_data"), cleaned.get("a_data")
        if start and end and start > end:
            self.add_error("a_data", _("La data «A data» deve essere uguale o successiva a "
                                       "«Da data»."))
        return cleaned
