"""Form fields shared by every form of the portal."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sportello.validators import normalize_fiscal_code, parse_fiscal_code


class FiscalCodeField(forms.CharField):
    """Codice fiscale or partita IVA: cleaned to upper case without spaces, then checked."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 24)
        kwargs.setdefault("label", _("Codice Fiscale"))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"autocomplete": "off", "spellcheck": "false",
                      "autocapitalize": "characters"})
        return attrs

    def to_python(self, value):
        return normalize_fiscal_code(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        if value:
            parse_fiscal_code(value)
