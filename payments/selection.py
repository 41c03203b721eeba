"""What a payer asks to pay: 1 to 5 payable options of one Ente that they may see.

Every *Paga* and *Paga selezionati* button posts here first, so that no page builds its
own payment logic and the rules hold everywhere.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from positions.access import visible_positions
from positions.models import PaymentOption

MAX_CART = 5  # pagoPA Checkout accepts at most five notices in one cart


class PaymentSelectionForm(forms.Form):
    option = forms.TypedMultipleChoiceField(
        coerce=int, choices=(),
        error_messages={
            "required": _("Seleziona almeno una posizione da pagare."),
            "invalid_choice": _("Una delle posizioni scelte non è disponibile per il "
                                "pagamento."),
        },
    )

    def __init__(self, request, *args, positions=None, **kwargs):
        """``positions``: where the options may come from; by default what ``request``
        may see (a pay link passes its one position: the signed link is the proof)."""
        super().__init__(*args, **kwargs)
        self.request = request
        self.positions = positions
        self.fields["option"].choices = [(str(v), str(v)) for v in
                                         self.data.getlist("option")] if self.data else ()

    def clean_option(self) -> list[PaymentOption]:
        ids = list(dict.fromkeys(self.cleaned_data["option"]))
        if len(ids) > MAX_CART:
            raise forms.ValidationError(
                _("Puoi pagare al massimo %(max)s posizioni alla volta."),
                params={"max": MAX_CART}, code="too_many")
        options = list(
            PaymentOption.objects.filter(
                pk__in=ids,
                position__in=(self.positions if self.positions is not None
                              else visible_positions(self.request)),
                status=PaymentOption.Status.UNPAID,
            ).select_related("position__service", "position__debtor", "organization")
        )
        if len(options) != len(ids):
            raise forms.ValidationError(self.fields["option"].error_messages["invalid_choice"],
                                        code="invalid_choice")
        plans: dict[int, set[int]] = {}
        for option in options:
            plans.setdefault(option.position_id, set()).add(option.plan)
        if any(len(chosen) > 1 for chosen in plans.values()):
            # Plans are alternatives (SANP): paying both would collect the debt twice.
            raise forms.ValidationError(
                _("Per la stessa pratica puoi pagare l'unica soluzione oppure le rate, non "
                  "entrambe: scegli una delle due modalità."), code="mixed_plans")
        return options
