from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pagopa.identifiers import (
    CodeError,
    InvalidCode,
    ReferenceKind,
    check_digits,
    classify_reference,
    format_notice_number,
    iuv_from_notice_number,
    make_iuv,
    notice_number_for_iuv,
    parse_iuv,
    parse_notice_number,
)

from .spec_examples import notice_numbers

VALID = notice_numbers()["valid"] + notice_numbers()["computed_not_from_source"]
PLACEHOLDERS = notice_numbers()["placeholders_in_official_docs_with_WRONG_check_digit"]
WRONG_PLACEHOLDERS = [p for p in PLACEHOLDERS if p["computed_check"] != p["notice_number"][16:]]
FORMAL_PLACEHOLDERS = [p for p in PLACEHOLDERS if p["computed_check"] == p["notice_number"][16:]]

segregation_codes = st.integers(min_value=0, max_value=99)
bases = st.integers(min_value=0, max_value=10**13 - 1)


def _reason(exc_info: pytest.ExceptionInfo[InvalidCode]) -> CodeError:
    return exc_info.value.reason


def _valid_notice(prefix16: str) -> str:
    return prefix16 + f"{int(prefix16) % 93:02d}"


@st.composite
def aux3_notice_numbers(draw: st.DrawFn) -> str:
    return "3" + make_iuv(draw(segregation_codes), draw(bases))


@st.composite
def checked_notice_numbers(draw: st.DrawFn) -> str:
    """Valid notice numbers of every scheme with check digits (aux 0, 2, 3)."""
    aux = draw(st.sampled_from("023"))
    rest = draw(st.text(alphabet="0123456789", min_size=15, max_size=15))
    return _valid_notice(aux + rest)


# --- fixed cases from examples/notice-numbers.json -------------------------------------------


def test_examples_file_is_not_empty() -> None:
    # Guards the parametrised tests below against silently running zero cases.
    assert len(VALID) >= 6
    assert len(WRONG_PLACEHOLDERS) >= 4


@pytest.mark.parametrize("item", VALID, ids=lambda i: i["notice_number"])
def test_valid_example_parses_and_decomposes(item: dict[str, str]) -> None:
    nn = item["notice_number"]
    parsed = parse_notice_number(nn)
    assert parsed.notice_number == nn
    assert parsed.aux_digit == item["aux_digit"]
    assert parsed.segregation_code == item.get("segregation_code")
    assert parsed.application_code == item.get("application_code")
    assert parsed.iuv_base == item["iuv_base"]
    assert parsed.check_digit == item["check_digit"]
    assert parsed.iuv == item["iuv"]
    assert check_digits(nn[:16]) == item["check_digit"]
    assert iuv_from_notice_number(nn) == item["iuv"]
    assert (
        notice_number_for_iuv(
            item["iuv"], item["aux_digit"], application_code=item.get("application_code")
        )
        == nn
    )


@pytest.mark.parametrize(
    "item", [i for i in VALID if i["aux_digit"] == "3"], ids=lambda i: i["notice_number"]
)
def test_make_iuv_reproduces_aux3_examples(item: dict[str, str]) -> None:
    assert make_iuv(item["segregation_code"], int(item["iuv_base"])) == item["iuv"]
    assert make_iuv(int(item["segregation_code"]), int(item["iuv_base"])) == item["iuv"]
    assert parse_iuv(item["iuv"], item["segregation_code"]) == item["iuv"]


@pytest.mark.parametrize("item", WRONG_PLACEHOLDERS, ids=lambda i: i["notice_number"])
def test_documented_placeholders_are_rejected(item: dict[str, str]) -> None:
    nn = item["notice_number"]
    assert check_digits(nn[:16]) == item["computed_check"]
    with pytest.raises(InvalidCode) as exc_info:
        parse_notice_number(nn)
    assert _reason(exc_info) is CodeError.WRONG_CHECK_DIGITS
    assert classify_reference(nn).kind is ReferenceKind.REFERENCE
    assert classify_reference(nn).notice_error is CodeError.WRONG_CHECK_DIGITS


@pytest.mark.parametrize("item", FORMAL_PLACEHOLDERS, ids=lambda i: i["notice_number"])
def test_all_zero_placeholder_is_formally_valid(item: dict[str, str]) -> None:
    # Documented as passing mod 93; the parser checks form only, not plausibility.
    assert parse_notice_number(item["notice_number"]).check_digit == item["computed_check"]


# --- check_digits and make_iuv --------------------------------------------------------------


def test_check_digits_are_zero_padded() -> None:
    assert check_digits("0000000000000001") == "01"
    assert check_digits("0000000000000093") == "00"
    assert check_digits("0000000000000092") == "92"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("300715700000000", CodeError.WRONG_LENGTH),
        ("30071570000000000", CodeError.WRONG_LENGTH),
        ("300715700000000A", CodeError.NOT_DIGITS),
        ("300715700000000\u0663", CodeError.NOT_DIGITS),  # ARABIC-INDIC DIGIT THREE
        ("", CodeError.NOT_DIGITS),
    ],
)
def test_check_digits_rejects_bad_input(value: str, reason: CodeError) -> None:
    with pytest.raises(InvalidCode) as exc_info:
        check_digits(value)
    assert _reason(exc_info) is reason


@pytest.mark.parametrize(
    ("segregation", "base", "reason"),
    [
        ("5", 1, CodeError.BAD_SEGREGATION_CODE),
        ("100", 1, CodeError.BAD_SEGREGATION_CODE),
        ("\u0663\u0663", 1, CodeError.BAD_SEGREGATION_CODE),
        ("4a", 1, CodeError.BAD_SEGREGATION_CODE),
        (-1, 1, CodeError.BAD_SEGREGATION_CODE),
        (100, 1, CodeError.BAD_SEGREGATION_CODE),
        (True, 1, CodeError.BAD_SEGREGATION_CODE),
        ("00", -1, CodeError.BASE_OUT_OF_RANGE),
        ("00", 10**13, CodeError.BASE_OUT_OF_RANGE),
        ("00", 1.0, CodeError.BASE_OUT_OF_RANGE),
        ("00", True, CodeError.BASE_OUT_OF_RANGE),
    ],
)
def test_make_iuv_rejects_bad_input(segregation: object, base: object, reason: CodeError) -> None:
    with pytest.raises(InvalidCode) as exc_info:
        make_iuv(segregation, base)  # type: ignore[arg-type]
    assert _reason(exc_info) is reason


def test_make_iuv_bounds() -> None:
    assert make_iuv(0, 0) == "0" * 15 + f"{3 * 10**15 % 93:02d}"
    assert make_iuv("07", 42) == "07" + "0000000000042" + f"{3070000000000042 % 93:02d}"
    assert make_iuv(99, 10**13 - 1)[:15] == "9" * 15


# --- parse_notice_number ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "300715700000000032",
        "3007 1570 0000 0000 32",
        "3007-1570-0000-0000-32",
        "3007.1570.0000.0000.32",
        "3007\t1570\t0000\t0000\t32",
        "3007\u00a01570\u00a00000\u00a00000\u00a032",
        "3007\u202f1570\u202f0000\u202f0000\u202f32",
        "3007\u20131570\u20130000\u20130000\u201332",
        "  300715700000000032\n",
        "\ufeff300715700000000032",
    ],
)
def test_parse_accepts_typed_forms(typed: str) -> None:
    assert parse_notice_number(typed).notice_number == "300715700000000032"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", CodeError.EMPTY),
        (" - . \u00a0", CodeError.EMPTY),
        ("30071570000000003A", CodeError.NOT_DIGITS),
        ("3007/1570/0000/0000/32", CodeError.NOT_DIGITS),
        ("\uff13\uff10\uff10\uff17" + "15700000000032", CodeError.NOT_DIGITS),  # full-width
        ("30071570000000003\u00b2", CodeError.NOT_DIGITS),  # superscript two
        ("30071570000000003", CodeError.WRONG_LENGTH),
        ("3007157000000000320", CodeError.WRONG_LENGTH),
        ("300715700000000033", CodeError.WRONG_CHECK_DIGITS),
        ("300715700000000023", CodeError.WRONG_CHECK_DIGITS),
    ],
)
def test_parse_rejects(typed: str, reason: CodeError) -> None:
    with pytest.raises(InvalidCode) as exc_info:
        parse_notice_number(typed)
    assert _reason(exc_info) is reason


@pytest.mark.parametrize("aux", "456789")
def test_parse_rejects_unknown_aux_digit_even_with_good_mod93(aux: str) -> None:
    with pytest.raises(InvalidCode) as exc_info:
        parse_notice_number(_valid_notice(aux + "007157000000000"))
    assert _reason(exc_info) is CodeError.UNKNOWN_AUX_DIGIT


def test_aux1_has_no_check_digits() -> None:
    parsed = parse_notice_number("123456789012345678")
    assert parsed.aux_digit == "1"
    assert parsed.check_digit is None
    assert parsed.iuv == "23456789012345678"


def test_accept_aux_refuses_deprecated_schemes() -> None:
    with pytest.raises(InvalidCode) as exc_info:
        parse_notice_number("002160020399398578", accept_aux={"3"})
    assert _reason(exc_info) is CodeError.UNSUPPORTED_AUX_DIGIT
    assert parse_notice_number("300715700000000032", accept_aux={"3"}).aux_digit == "3"


def test_notice_number_for_iuv_rejects_bad_input() -> None:
    with pytest.raises(InvalidCode) as exc_info:
        notice_number_for_iuv("160020399398578", "0")
    assert _reason(exc_info) is CodeError.BAD_APPLICATION_CODE
    with pytest.raises(InvalidCode) as exc_info:
        notice_number_for_iuv("00715700000000032", "3", application_code="01")
    assert _reason(exc_info) is CodeError.BAD_APPLICATION_CODE
    with pytest.raises(InvalidCode) as exc_info:
        notice_number_for_iuv("00715700000000032", "4")
    assert _reason(exc_info) is CodeError.UNKNOWN_AUX_DIGIT
    # An aux-3 IUV has aux-3 check digits: it is not valid under aux 2.
    with pytest.raises(InvalidCode) as exc_info:
        notice_number_for_iuv("00715700000000032", "2")
    assert _reason(exc_info) is CodeError.WRONG_CHECK_DIGITS


# --- parse_iuv ----------------------------------------------------------------------------


def test_parse_iuv_normalises_and_checks_segregation() -> None:
    assert parse_iuv("4716 4993 0701 8456 2") == "47164993070184562"
    assert parse_iuv("47164993070184562", "47") == "47164993070184562"
    with pytest.raises(InvalidCode) as exc_info:
        parse_iuv("47164993070184562", "22")
    assert _reason(exc_info) is CodeError.WRONG_SEGREGATION_CODE


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", CodeError.EMPTY),
        ("4716499307018456X", CodeError.NOT_DIGITS),
        ("347164993070184562", CodeError.WRONG_LENGTH),  # a notice number, not an IUV
        ("160020399398578", CodeError.WRONG_LENGTH),  # aux-0 IUV
        ("47164993070184563", CodeError.WRONG_CHECK_DIGITS),
        ("12345678901234544", CodeError.WRONG_CHECK_DIGITS),  # aux-2 IUV, aux-2 check digits
    ],
)
def test_parse_iuv_rejects(typed: str, reason: CodeError) -> None:
    with pytest.raises(InvalidCode) as exc_info:
        parse_iuv(typed)
    assert _reason(exc_info) is reason


# --- classify_reference -----------------------------------------------------------------------


def test_classify_reference() -> None:
    nn = classify_reference(" 3471 6499 3070 1845 62 ")
    assert nn.kind is ReferenceKind.NOTICE_NUMBER
    assert nn.value == "347164993070184562"
    assert nn.notice is not None and nn.notice.segregation_code == "47"

    iuv = classify_reference("47164993070184562")
    assert (iuv.kind, iuv.value) == (ReferenceKind.IUV, "47164993070184562")

    ref = classify_reference("  TARI-2024/0001 ")
    assert (ref.kind, ref.value, ref.notice_error) == (
        ReferenceKind.REFERENCE,
        "TARI-2024/0001",
        None,
    )

    bad_iuv = classify_reference("47164993070184563")
    assert (bad_iuv.kind, bad_iuv.value) == (ReferenceKind.REFERENCE, "47164993070184563")

    assert classify_reference("").value == ""
    assert classify_reference("1234").kind is ReferenceKind.REFERENCE


@given(st.text())
@example("3" * 18)
@example("\u0663" * 18)
def test_classify_reference_never_raises(text: str) -> None:
    result = classify_reference(text)
    if result.kind is ReferenceKind.REFERENCE:
        assert result.value == text.strip()
    else:
        assert re.fullmatch(r"[0-9]{17,18}", result.value)


# --- format_notice_number -------------------------------------------------------------------


def test_format_notice_number() -> None:
    printed = format_notice_number("300715700000000032")
    assert printed == "3007 1570 0000 0000 32"
    assert len(printed) == 22
    assert parse_notice_number("300715700000000032").formatted == printed
    with pytest.raises(InvalidCode):
        format_notice_number("300715700000000033")


# --- properties -----------------------------------------------------------------------------


@given(segregation_codes, bases)
def test_make_iuv_round_trips(segregation: int, base: int) -> None:
    iuv = make_iuv(segregation, base)
    assert re.fullmatch(r"[0-9]{17}", iuv)
    nn = notice_number_for_iuv(iuv)
    assert nn == "3" + iuv
    parsed = parse_notice_number(nn)
    assert parsed.aux_digit == "3"
    assert parsed.segregation_code == f"{segregation:02d}"
    assert int(parsed.iuv_base) == base
    assert parsed.check_digit == check_digits(nn[:16])
    assert parsed.iuv == iuv == iuv_from_notice_number(nn)
    assert parse_iuv(iuv, f"{segregation:02d}") == iuv
    assert classify_reference(iuv).kind is ReferenceKind.IUV
    assert classify_reference(nn).notice == parsed


@given(checked_notice_numbers(), st.integers(min_value=1, max_value=17), st.integers(1, 9))
def test_any_single_digit_substitution_is_detected(nn: str, position: int, delta: int) -> None:
    parse_notice_number(nn)
    changed = nn[:position] + str((int(nn[position]) + delta) % 10) + nn[position + 1 :]
    with pytest.raises(InvalidCode) as exc_info:
        parse_notice_number(changed)
    assert _reason(exc_info) is CodeError.WRONG_CHECK_DIGITS


@given(aux3_notice_numbers(), st.sampled_from("0123456789"))
def test_aux_digit_substitution(nn: str, aux: str) -> None:
    changed = aux + nn[1:]
    if aux == "3":
        assert parse_notice_number(changed).notice_number == nn
        return
    with pytest.raises(InvalidCode) as exc_info:
        parse_notice_number(changed, accept_aux={"3"})
    assert _reason(exc_info) in {CodeError.UNKNOWN_AUX_DIGIT, CodeError.UNSUPPORTED_AUX_DIGIT}
    if aux == "1":
        # The one blind spot of the default parser: aux 1 carries no check digits.
        assert parse_notice_number(changed).check_digit is None
    else:
        with pytest.raises(InvalidCode) as exc_info:
            parse_notice_number(changed)
        expected = CodeError.WRONG_CHECK_DIGITS if aux in "02" else CodeError.UNKNOWN_AUX_DIGIT
        assert _reason(exc_info) is expected


def test_every_single_digit_substitution_of_an_example_is_detected() -> None:
    # Exhaustive companion of the property above, on one real notice number.
    nn = "347164993070184562"
    for position in range(1, 18):
        for digit in "0123456789":
            if digit == nn[position]:
                continue
            changed = nn[:position] + digit + nn[position + 1 :]
            with pytest.raises(InvalidCode):
                parse_notice_number(changed)


separators = st.text(alphabet=" -.\t\u00a0\u202f", max_size=3)


@given(checked_notice_numbers(), st.lists(separators, min_size=19, max_size=19))
def test_parse_ignores_random_separators(nn: str, seps: list[str]) -> None:
    typed = seps[0] + "".join(d + s for d, s in zip(nn, seps[1:], strict=True))
    assert parse_notice_number(typed).notice_number == nn


@given(checked_notice_numbers())
def test_format_parse_round_trip(nn: str) -> None:
    printed = format_notice_number(nn)
    assert re.fullmatch(r"[0-9]{4} [0-9]{4} [0-9]{4} [0-9]{4} [0-9]{2}", printed)
    assert parse_notice_number(printed).notice_number == nn
    assert format_notice_number(printed) == printed
