"""pagoPA identifiers: IUV, numero avviso (codice avviso) and the mod-93 check digits.

Pure Python on purpose: the Django layer, the SOAP endpoints and the PDF generator all
need the same rules, and they must be testable without a database. Errors carry a
``CodeError`` member instead of prose so the Django layer can show a translated message.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

__all__ = [
    "ALL_AUX_DIGITS",
    "CodeError",
    "InvalidCode",
    "NoticeNumber",
    "ReferenceKind",
    "ClassifiedReference",
    "check_digits",
    "classify_reference",
    "format_notice_number",
    "iuv_from_notice_number",
    "make_iuv",
    "normalise",
    "notice_number_for_iuv",
    "parse_iuv",
    "parse_notice_number",
]

NOTICE_NUMBER_LENGTH = 18
IUV_LENGTH = 17
IUV_BASE_LIMIT = 10**13
ALL_AUX_DIGITS: frozenset[str] = frozenset("0123")

# Characters people (or PDF viewers, or spreadsheets) put between digits when they copy a
# code: spaces of every width, tabs, newlines, dashes of every kind, dots, zero-width
# characters and the BOM. Anything else is kept so that it is reported as NOT_DIGITS.
_SEPARATORS = (
    " \t\r\n\f\v"
    # no-break, figure, thin, hair, narrow no-break and ideographic spaces
    "\u00a0\u2007\u2009\u200a\u202f\u3000"
    "\u200b\u200c\u200d\u2060\ufeff"  # zero-width characters and BOM
    "-\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"  # hyphen, dashes, minus
    "."
)
_SEPARATOR_TABLE = str.maketrans("", "", _SEPARATORS)
# ASCII only: str.isdigit() and int() also accept digits such as "²" or "٣".
_DIGITS = re.compile(r"[0-9]+")


class CodeError(enum.Enum):
    """Why a code was rejected; the Django layer maps each member to a translated message."""

    EMPTY = "empty"
    NOT_DIGITS = "not_digits"
    WRONG_LENGTH = "wrong_length"
    UNKNOWN_AUX_DIGIT = "unknown_aux_digit"
    UNSUPPORTED_AUX_DIGIT = "unsupported_aux_digit"
    WRONG_CHECK_DIGITS = "wrong_check_digits"
    WRONG_SEGREGATION_CODE = "wrong_segregation_code"
    BAD_SEGREGATION_CODE = "bad_segregation_code"
    BAD_APPLICATION_CODE = "bad_application_code"
    BASE_OUT_OF_RANGE = "base_out_of_range"


class InvalidCode(ValueError):
    """A notice number, IUV or one of their parts is invalid; ``reason`` says why."""

    def __init__(self, reason: CodeError, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)


class ReferenceKind(enum.Enum):
    """What the portal search box received."""

    NOTICE_NUMBER = "notice_number"
    IUV = "iuv"
    REFERENCE = "reference"


@dataclass(frozen=True)
class NoticeNumber:
    """A parsed, validated numero avviso.

    ``segregation_code`` is set only for aux digit 3, ``application_code`` only for aux 0;
    ``check_digit`` is None only for aux 1, which has none.
    """

    aux_digit: str
    segregation_code: str | None
    application_code: str | None
    iuv_base: str
    check_digit: str | None
    iuv: str
    notice_number: str

    @property
    def formatted(self) -> str:
        """The printed form, groups of four (for the avviso and the receipt)."""
        return format_notice_number(self.notice_number)


@dataclass(frozen=True)
class ClassifiedReference:
    """Result of :func:`classify_reference`.

    ``value`` is the normalised digits for a notice number or IUV, and the whitespace-stripped
    text for a reference. ``notice_error`` is set when the text had exactly 18 digits but was
    not a valid notice number, so the UI can suggest a typo instead of "not found".
    """

    kind: ReferenceKind
    value: str
    notice: NoticeNumber | None = None
    notice_error: CodeError | None = None


def normalise(text: str) -> str:
    """Remove the separators people type or paste between digits (see ``_SEPARATORS``)."""
    return text.translate(_SEPARATOR_TABLE)


def _is_digits(text: str) -> bool:
    return _DIGITS.fullmatch(text) is not None


def _mod93(digits: str) -> str:
    return f"{int(digits) % 93:02d}"


def check_digits(first16: str) -> str:
    """Return the two check digits: first 16 digits of the notice number modulo 93, zero-padded.

    For aux 3 the 16 digits are aux + segregation code + IUV base; for aux 0 aux + application
    code + IUV base; for aux 2 aux + IUV base. In every case it is the notice-number prefix.
    """
    if not _is_digits(first16):
        raise InvalidCode(CodeError.NOT_DIGITS, "first16")
    if len(first16) != 16:
        raise InvalidCode(CodeError.WRONG_LENGTH, f"expected 16 digits, got {len(first16)}")
    return _mod93(first16)


def _segregation(segregation_code: str | int) -> str:
    if isinstance(segregation_code, bool):
        raise InvalidCode(CodeError.BAD_SEGREGATION_CODE, "bool is not a segregation code")
    if isinstance(segregation_code, int):
        if not 0 <= segregation_code <= 99:
            raise InvalidCode(CodeError.BAD_SEGREGATION_CODE, str(segregation_code))
        return f"{segregation_code:02d}"
    if not (len(segregation_code) == 2 and _is_digits(segregation_code)):
        raise InvalidCode(CodeError.BAD_SEGREGATION_CODE, repr(segregation_code))
    return segregation_code


def make_iuv(segregation_code: str | int, base: int) -> str:
    """Build a 17-digit aux-3 IUV: segregation code (2) + IUV base (13) + check digits (2).

    The check digits cover "3" + segregation + base, so the notice number is "3" + IUV.
    Uniqueness of ``base`` over time is the caller's job (SACI).
    """
    seg = _segregation(segregation_code)
    if isinstance(base, bool) or not isinstance(base, int):
        raise InvalidCode(CodeError.BASE_OUT_OF_RANGE, f"base must be int, got {type(base)!r}")
    if not 0 <= base < IUV_BASE_LIMIT:
        raise InvalidCode(CodeError.BASE_OUT_OF_RANGE, str(base))
    body = f"{seg}{base:013d}"
    return body + _mod93("3" + body)


def _require_digits(text: str, length: int) -> str:
    """Normalise ``text`` and check it has ``length`` ASCII digits; shared by the parsers."""
    digits = normalise(text)
    if not digits:
        raise InvalidCode(CodeError.EMPTY)
    if not _is_digits(digits):
        raise InvalidCode(CodeError.NOT_DIGITS)
    if len(digits) != length:
        raise InvalidCode(CodeError.WRONG_LENGTH, f"expected {length} digits, got {len(digits)}")
    return digits


def parse_notice_number(
    text: str, *, accept_aux: frozenset[str] | set[str] = ALL_AUX_DIGITS
) -> NoticeNumber:
    """Parse a numero avviso typed or pasted by a person.

    Separators are removed, then it must be 18 ASCII digits with aux digit 0..3 and correct
    check digits (aux 0, 2, 3; aux 1 has none). ``accept_aux`` lets a caller refuse the
    deprecated schemes: with the default, turning an aux-3 number's leading "3" into "1"
    yields a formally valid aux-1 number that no check digit can catch.
    """
    nn = _require_digits(text, NOTICE_NUMBER_LENGTH)
    aux = nn[0]
    if aux not in ALL_AUX_DIGITS:
        raise InvalidCode(CodeError.UNKNOWN_AUX_DIGIT, aux)
    if aux not in accept_aux:
        raise InvalidCode(CodeError.UNSUPPORTED_AUX_DIGIT, aux)
    if aux == "1":
        return NoticeNumber(
            aux_digit=aux,
            segregation_code=None,
            application_code=None,
            iuv_base=nn[1:],
            check_digit=None,
            iuv=nn[1:],
            notice_number=nn,
        )
    check = nn[16:]
    if _mod93(nn[:16]) != check:
        raise InvalidCode(CodeError.WRONG_CHECK_DIGITS)
    if aux == "0":
        return NoticeNumber(
            aux_digit=aux,
            segregation_code=None,
            application_code=nn[1:3],
            iuv_base=nn[3:16],
            check_digit=check,
            iuv=nn[3:],
            notice_number=nn,
        )
    if aux == "2":
        return NoticeNumber(
            aux_digit=aux,
            segregation_code=None,
            application_code=None,
            iuv_base=nn[1:16],
            check_digit=check,
            iuv=nn[1:],
            notice_number=nn,
        )
    return NoticeNumber(
        aux_digit=aux,
        segregation_code=nn[1:3],
        application_code=None,
        iuv_base=nn[3:16],
        check_digit=check,
        iuv=nn[1:],
        notice_number=nn,
    )


def notice_number_for_iuv(
    iuv: str, aux_digit: str = "3", *, application_code: str | None = None
) -> str:
    """Return the 18-digit notice number for an IUV; for aux 3 that is "3" + IUV.

    Aux 0 needs the 2-digit ``application_code`` (the IUV is then 15 digits). The result is
    re-parsed, so an IUV whose check digits do not fit ``aux_digit`` is rejected.
    """
    if aux_digit not in ALL_AUX_DIGITS:
        raise InvalidCode(CodeError.UNKNOWN_AUX_DIGIT, repr(aux_digit))
    if aux_digit == "0":
        if application_code is None or not (
            len(application_code) == 2 and _is_digits(application_code)
        ):
            raise InvalidCode(CodeError.BAD_APPLICATION_CODE, repr(application_code))
        digits = _require_digits(iuv, 15)
        nn = aux_digit + application_code + digits
    else:
        if application_code is not None:
            raise InvalidCode(CodeError.BAD_APPLICATION_CODE, "only aux digit 0 has one")
        nn = aux_digit + _require_digits(iuv, IUV_LENGTH)
    return parse_notice_number(nn).notice_number


def iuv_from_notice_number(nn: str) -> str:
    """Return the IUV (creditorReferenceId) of a notice number, after validating it."""
    return parse_notice_number(nn).iuv


def parse_iuv(text: str, segregation_code: str | None = None) -> str:
    """Parse a 17-digit IUV in the aux-3 scheme and return it normalised.

    Check digits are verified as int("3" + iuv[:15]) % 93, so aux-1/aux-2 IUVs are not
    accepted here. If ``segregation_code`` is given, the IUV must start with it (it is ours).
    """
    iuv = _require_digits(text, IUV_LENGTH)
    if _mod93("3" + iuv[:15]) != iuv[15:]:
        raise InvalidCode(CodeError.WRONG_CHECK_DIGITS)
    if segregation_code is not None and iuv[:2] != _segregation(segregation_code):
        raise InvalidCode(CodeError.WRONG_SEGREGATION_CODE, iuv[:2])
    return iuv


def classify_reference(text: str) -> ClassifiedReference:
    """Tell whether search-box text is a notice number, an aux-3 IUV or something else.

    Never raises: anything that is not a valid notice number (18 digits) or valid IUV (17
    digits) is a REFERENCE whose value is the text stripped of surrounding whitespace
    (possibly empty).
    """
    digits = normalise(text)
    if _is_digits(digits):
        if len(digits) == NOTICE_NUMBER_LENGTH:
            try:
                notice = parse_notice_number(digits)
            except InvalidCode as exc:
                return ClassifiedReference(
                    ReferenceKind.REFERENCE, text.strip(), notice_error=exc.reason
                )
            return ClassifiedReference(ReferenceKind.NOTICE_NUMBER, digits, notice=notice)
        if len(digits) == IUV_LENGTH:
            try:
                return ClassifiedReference(ReferenceKind.IUV, parse_iuv(digits))
            except InvalidCode:
                pass
    return ClassifiedReference(ReferenceKind.REFERENCE, text.strip())


def format_notice_number(nn: str) -> str:
    """Printed form on the avviso: digits in groups of four, 22 characters.

    The input is validated first (separators allowed), so a wrong number is never printed.
    """
    digits = parse_notice_number(nn).notice_number
    return " ".join(digits[i : i + 4] for i in range(0, NOTICE_NUMBER_LENGTH, 4))
