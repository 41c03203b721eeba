"""The selection of rows (payment options) for a ZIP of their documents."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .bundles import max_bundle_positions


class IdsField(forms.Field):
    """Several integer ids posted under one name (the rows' checkboxes ``option``).

    Only the shape is checked here; whether the request may see them is the view's
    question to ``positions.access``.
    """

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "invalid": _("Selezione non valida."),
        "required": _("Seleziona almeno una riga da scaricare."),
    }

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        if not isinstance(value, list | tuple):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        ids = set()
        for item in value:
            text = str(item).strip()
            if not (text.isascii() and text.isdigit() and len(text) <= 18):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            ids.add(int(text))
        return sorted(ids)


class BundleForm(forms.Form):
    # The same checkboxes as *Paga selezionati* on Da Pagare: one name for both buttons.
    option = IdsField(label=_("Righe"))

    def clean_option(self) -> list[int]:
        ids = self.cleaned_data["option"]
        limit = max_bundle_positions()
        if len(ids) > limit:
            raise forms.ValidationError(
                _("Puoi scaricare al massimo %(limit)d righe alla volta."),
                params={"limit": limit}, code="too_many")
        return ids
