"""Euro amounts as integer cents, and the two text forms pagoPA needs.

Cents are integers everywhere in the portal (Checkout and GPD use them) so no float ever
touches money; this module converts at the edges: the SOAP ``stAmount`` string and the
human-readable amount printed on the avviso and the pages.
"""

from __future__ import annotations

import re

__all__ = [
    "MAX_ST_AMOUNT_CENTS",
    "cents_to_decimal_str",
    "decimal_str_to_cents",
    "format_euro",
]

# XSD stAmount / stAmountNotZero: maxInclusive 999999999.99.
MAX_ST_AMOUNT_CENTS = 99_999_999_999
# XSD pattern \d+\.\d{2}, restricted to ASCII digits (Python's \d also matches e.g. "٣").
_ST_AMOUNT = re.compile(r"([0-9]+)\.([0-9]{2})")


def _require_int(cents: int) -> int:
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError(f"cents must be int, got {type(cents)!r}")
    return cents


def _group(units: int, separator: str) -> str:
    return f"{units:,}".replace(",", separator)


def format_euro(cents: int, lang: str = "it") -> str:
    """Human-readable amount: Italian "1.020,99 €", English "€1,020.99".

    English puts the symbol first, as in British/European English usage; ``lang`` may be a
    Django language code such as "en-gb" (only the primary subtag counts). Negative amounts
    (refunds) get a leading minus. A plain space separates the Italian amount from "€".
    """
    cents = _require_int(cents)
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    primary = lang.lower().replace("_", "-").split("-", 1)[0]
    if primary == "it":
        return f"{sign}{_group(units, '.')},{rest:02d} €"
    if primary == "en":
        return f"{sign}€{_group(units, ',')}.{rest:02d}"
    raise ValueError(f"unsupported language {lang!r}")


def cents_to_decimal_str(cents: int) -> str:
    """SOAP ``stAmount`` form: "22.00" for 2200; 0 <= cents <= 999999999.99 EUR."""
    cents = _require_int(cents)
    if not 0 <= cents <= MAX_ST_AMOUNT_CENTS:
        raise ValueError(f"amount out of stAmount range: {cents}")
    units, rest = divmod(cents, 100)
    return f"{units}.{rest:02d}"


def decimal_str_to_cents(text: str) -> int:
    """Strict inverse of :func:`cents_to_decimal_str` for amounts received over SOAP.

    Exactly the XSD pattern ``\\d+\\.\\d{2}`` (ASCII digits, no sign, no spaces) and at most
    999999999.99; anything else is a malformed message, not something to guess about.
    """
    match = _ST_AMOUNT.fullmatch(text)
    if match is None:
        raise ValueError(f"not an stAmount: {text!r}")
    cents = int(match[1]) * 100 + int(match[2])
    if cents > MAX_ST_AMOUNT_CENTS:
        raise ValueError(f"amount out of stAmount range: {text!r}")
    return cents
