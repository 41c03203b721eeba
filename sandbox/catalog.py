"""The simulated market: payment methods, PSPs with their fees, and the mishaps the
tester can ask for on each payment."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

METHODS: dict[str, str | Promise] = {
    "CP": _("Carta di credito, debito o prepagata"),
    "BBT": _("Conto corrente (bonifico)"),
    "APP": _("App di pagamento"),
    "PPAL": "PayPal",
}

#: paymentMethod written in the receipt for each method (stText35).
RECEIPT_METHOD = {"CP": "creditCard", "BBT": "bankTransfer", "APP": "app", "PPAL": "PPAL",
                  "CASH": "cash"}


@dataclass(frozen=True)
class Psp:
    id: str
    name: str
    fiscal_code: str
    fee_cents: int
    methods: tuple[str, ...]


PSPS: tuple[Psp, ...] = (
    Psp("SNDBXIT1", "Banca Sandbox", "12345678901", 100, ("CP", "BBT", "APP")),
    Psp("SNDBXPO1", "Poste Sandbox", "12345678902", 150, ("CP", "BBT", "CASH")),
    Psp("SNDBXPY1", "PagaSubito", "12345678903", 80, ("CP", "APP", "PPAL")),
    Psp("SNDBXTB1", "Tabaccheria Sandbox", "12345678904", 200, ("CASH",)),
)


#: The PSP of the post office counter (pays a Bollettino Postale PA).
POSTE_PSP = "SNDBXPO1"


def psps_for(method: str) -> list[Psp]:
    return sorted((p for p in PSPS if method in p.methods), key=lambda p: p.fee_cents)


def psp(psp_id: str) -> Psp | None:
    return next((p for p in PSPS if p.id == psp_id), None)


SCENARIOS: dict[str, Promise] = {
    "ok": _("Tutto regolare"),
    "refuse": _("Il PSP rifiuta il pagamento"),
    "cancel": _("Il pagatore annulla"),
    "late": _("Ricevuta in ritardo di N secondi"),
    "twice": _("Ricevuta inviata due volte"),
    "different": _("Due ricevute diverse per lo stesso avviso"),
    "unreachable": _("Ente irraggiungibile, poi ritentata"),
}
