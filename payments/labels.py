"""Words a citizen understands for the codes pagoPA writes in a receipt.

paSendRTV2's ``paymentMethod`` and ``channelDescription`` are free text (stText35) that
PSPs fill with codes: the PSP-side enumerations of the Node (``stPaymentMethod``,
``stPaymentChannel``, ``stPaymentMethodFee`` in nodeForPsp.xsd) and a few that PSPs use
in practice. A code we do not know is shown as it came (never dropped), so a receipt
always says something true.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PAYMENT_METHODS: dict[str, str | Promise] = {
    # stPaymentMethod
    "cash": _("Contanti"),
    "creditcard": _("Carta di credito o di debito"),
    "bancomat": _("Bancomat"),
    "other": _("Altro metodo"),
    # stPaymentMethodFee and what PSPs write in practice
    "bbt": _("Bonifico bancario"),
    "banktransfer": _("Bonifico bancario"),
    "bp": _("Bollettino postale"),
    "ad": _("Addebito diretto"),
    "cp": _("Carta di pagamento"),
    "card": _("Carta di pagamento"),
    "po": _("Pagamento presso un prestatore di servizi"),
    "obep": _("Home banking"),
    "hb": _("Home banking"),
    "jif": "Bancomat Pay",
    "mybk": "MyBank",
    "ppal": "PayPal",
    "paypal": "PayPal",
    "apple_pay": "Apple Pay",
    "applepay": "Apple Pay",
    "googlepay": "Google Pay",
    "satispay": "Satispay",
    "app": _("App di pagamento"),
    "io": _("App IO"),
    "pos": _("POS"),
    "atm": _("ATM (sportello automatico)"),
}

CHANNELS: dict[str, str | Promise] = {
    "frontoffice": _("Sportello"),
    "atm": _("ATM (sportello automatico)"),
    "online": _("Online"),
    "app": _("App"),
    "other": _("Altro canale"),
    "checkout": _("Online (pagoPA Checkout)"),
    "io": _("App IO"),
    "psp": _("Presso il prestatore di servizi"),
    "pos": _("POS"),
    "hb": _("Home banking"),
}


def _label(table: dict[str, str | Promise], code: str | None) -> str:
    code = (code or "").strip()
    if not code:
        return ""
    return str(table.get(code.casefold(), code))


def payment_method_label(code: str | None) -> str:
    """``creditCard`` → "Carta di credito o di debito"; unknown codes as they came."""
    return _label(PAYMENT_METHODS, code)


def channel_label(code: str | None) -> str:
    """``app`` → "App", ``frontOffice`` → "Sportello"; unknown descriptions as they came."""
    return _label(CHANNELS, code)
