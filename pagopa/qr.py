"""The pagoPA QR-code payload printed on the avviso: ``PAGOPA|002|<nn 18>|<cf 11>|<cents>``.

Kept separate from the QR rendering so the string can be tested (and read back from a scan)
without an image library. Errors carry a ``QrError`` member for the translated message.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from .identifiers import InvalidCode, parse_notice_number

__all__ = [
    "MAX_QR_AMOUNT_CENTS",
    "InvalidQrPayload",
    "QrError",
    "QrPayload",
    "parse_qr_payload",
    "qr_payload",
]

PREFIX = "PAGOPA"
VERSION = "002"
AMOUNT_WIDTH = 10
# The QR amount field holds at most 10 digits, i.e. 99.999.999,99 EUR: less than the SOAP
# stAmount maximum (999.999.999,99 EUR), so the avviso generator must check this limit.
MAX_QR_AMOUNT_CENTS = 10**AMOUNT_WIDTH - 1

_FISCAL_CODE = re.compile(r"[0-9]{11}")
_AMOUNT = re.compile(r"[0-9]{2,10}")


class QrError(enum.Enum):
    """Why a QR payload (or its inputs) was rejected."""

    WRONG_PREFIX = "wrong_prefix"
    WRONG_VERSION = "wrong_version"
    WRONG_FIELD_COUNT = "wrong_field_count"
    INVALID_NOTICE_NUMBER = "invalid_notice_number"
    INVALID_FISCAL_CODE = "invalid_fiscal_code"
    INVALID_AMOUNT = "invalid_amount"
    AMOUNT_OUT_OF_RANGE = "amount_out_of_range"


class InvalidQrPayload(ValueError):
    """A QR payload or one of its fields is invalid; ``reason`` says why.

    For INVALID_NOTICE_NUMBER, ``notice_error`` holds the underlying ``CodeError``.
    """

    def __init__(self, reason: QrError, detail: str = "", notice_error: object = None) -> None:
        self.reason = reason
        self.detail = detail
        self.notice_error = notice_error
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)


@dataclass(frozen=True)
class QrPayload:
    """A decoded QR payload; ``notice_number`` is validated (aux digit and check digits)."""

    notice_number: str
    fiscal_code: str
    amount_cents: int


def _notice(notice_number: str) -> str:
    # Strict: exactly the 18 digits, no separators; a formatted number here is a caller bug.
    try:
        parsed = parse_notice_number(notice_number)
    except InvalidCode as exc:
        raise InvalidQrPayload(
            QrError.INVALID_NOTICE_NUMBER, exc.reason.value, notice_error=exc.reason
        ) from exc
    if parsed.notice_number != notice_number:
        raise InvalidQrPayload(QrError.INVALID_NOTICE_NUMBER, "separators not allowed")
    return notice_number


def _fiscal_code(fiscal_code: str) -> str:
    # Only the shape (11 digits) is checked: the published examples use placeholder codes.
    if not _FISCAL_CODE.fullmatch(fiscal_code):
        raise InvalidQrPayload(QrError.INVALID_FISCAL_CODE, repr(fiscal_code))
    return fiscal_code


def _amount_in_range(amount_cents: int) -> int:
    if not 1 <= amount_cents <= MAX_QR_AMOUNT_CENTS:
        raise InvalidQrPayload(QrError.AMOUNT_OUT_OF_RANGE, str(amount_cents))
    return amount_cents


def qr_payload(notice_number: str, creditor_fiscal_code: str, amount_cents: int) -> str:
    """Build the payload; the amount is always written on 10 zero-padded digits.

    The padded form is the one in the avviso data-model example and is accepted by every
    reader that parses the field as an integer.
    """
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise InvalidQrPayload(QrError.INVALID_AMOUNT, f"expected int, got {type(amount_cents)!r}")
    nn = _notice(notice_number)
    cf = _fiscal_code(creditor_fiscal_code)
    amount = _amount_in_range(amount_cents)
    return f"{PREFIX}|{VERSION}|{nn}|{cf}|{amount:0{AMOUNT_WIDTH}d}"


def parse_qr_payload(text: str) -> QrPayload:
    """Decode a scanned payload.

    Surrounding whitespace (scanners often append a newline) is ignored; nothing else is
    tolerated. The amount field must have 2..10 ASCII digits as in the SANP field table:
    padded ("0000015000") and unpadded ("9999") forms are both accepted, a single digit is
    rejected because no compliant generator emits it. The amount must be at least 1 cent.
    """
    fields = text.strip().split("|")
    if len(fields) != 5:
        raise InvalidQrPayload(QrError.WRONG_FIELD_COUNT, str(len(fields)))
    prefix, version, nn, cf, amount = fields
    if prefix != PREFIX:
        raise InvalidQrPayload(QrError.WRONG_PREFIX, repr(prefix))
    if version != VERSION:
        raise InvalidQrPayload(QrError.WRONG_VERSION, repr(version))
    nn = _notice(nn)
    cf = _fiscal_code(cf)
    if not _AMOUNT.fullmatch(amount):
        raise InvalidQrPayload(QrError.INVALID_AMOUNT, repr(amount))
    return QrPayload(notice_number=nn, fiscal_code=cf, amount_cents=_amount_in_range(int(amount)))
