from django import forms
from django.utils.translation import gettext_lazy as _

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
