from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pagopa.identifiers import CodeError, make_iuv
from pagopa.qr import (
    MAX_QR_AMOUNT_CENTS,
    InvalidQrPayload,
    QrError,
    QrPayload,
    parse_qr_payload,
    qr_payload,
)

from .spec_examples import qr_examples

# Expected decoding of each row of examples/qr-and-datamatrix.md.
EXPECTED = {
    "Q1": QrPayload("000000000000000000", "00000000000", 9999),
    "Q2": QrPayload("000000000000000000", "01199250158", 15000),
    "Q3": QrPayload("123456789012345678", "12345678901", 1234567801),
    "Q4": QrPayload("347164993070184562", "00000000000", 12050),
}
NN = "347164993070184562"
CF = "01199250158"


def test_examples_file_has_all_rows() -> None:
    assert set(qr_examples()) == set(EXPECTED)


@pytest.mark.parametrize("row", sorted(EXPECTED))
def test_spec_example_parses(row: str) -> None:
    text = qr_examples()[row]
    parsed = parse_qr_payload(text)
    assert parsed == EXPECTED[row]
    # Re-emitting gives the 10-digit form: identical to the source when it was already padded.
    emitted = qr_payload(parsed.notice_number, parsed.fiscal_code, parsed.amount_cents)
    assert emitted == text.rsplit("|", 1)[0] + f"|{parsed.amount_cents:010d}"
    if len(text.rsplit("|", 1)[1]) == 10:
        assert emitted == text


def test_qr_payload_known_value() -> None:
    assert qr_payload(NN, "00000000000", 12050) == qr_examples()["Q4"]
    assert qr_payload(NN, CF, 1) == f"PAGOPA|002|{NN}|{CF}|0000000001"
    assert qr_payload(NN, CF, MAX_QR_AMOUNT_CENTS) == f"PAGOPA|002|{NN}|{CF}|9999999999"


def test_scanner_line_ending_is_tolerated() -> None:
    assert parse_qr_payload(qr_examples()["Q4"] + "\r\n") == EXPECTED["Q4"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # io-app negative fixture: the fiscal-code field has 12 digits.
        ("PAGOPA|002|322201151398574181|810057500211|01", QrError.INVALID_FISCAL_CODE),
        (f"PAGOPA|002|{NN}|0119925015A|0000015000", QrError.INVALID_FISCAL_CODE),
        (f"pagopa|002|{NN}|{CF}|0000015000", QrError.WRONG_PREFIX),
        (f"PAGOPA|001|{NN}|{CF}|0000015000", QrError.WRONG_VERSION),
        (f"PAGOPA|002|{NN}|{CF}", QrError.WRONG_FIELD_COUNT),
        (f"PAGOPA|002|{NN}|{CF}|0000015000|", QrError.WRONG_FIELD_COUNT),
        ("", QrError.WRONG_FIELD_COUNT),
        (f"PAGOPA|002|{NN}|{CF}|5", QrError.INVALID_AMOUNT),  # 1 digit: below the 2..10 rule
        (f"PAGOPA|002|{NN}|{CF}|12345678901", QrError.INVALID_AMOUNT),  # 11 digits
        (f"PAGOPA|002|{NN}|{CF}|", QrError.INVALID_AMOUNT),
        (f"PAGOPA|002|{NN}|{CF}|+150", QrError.INVALID_AMOUNT),
        (f"PAGOPA|002|{NN}|{CF}| 150", QrError.INVALID_AMOUNT),
        (f"PAGOPA|002|{NN}|{CF}|150.00", QrError.INVALID_AMOUNT),
        (f"PAGOPA|002|{NN}|{CF}|\u0661\u0665\u0660", QrError.INVALID_AMOUNT),
        (f"PAGOPA|002|{NN}|{CF}|00", QrError.AMOUNT_OUT_OF_RANGE),
        (f"PAGOPA|002|{NN}|{CF}|0000000000", QrError.AMOUNT_OUT_OF_RANGE),
        (f"PAGOPA|002|347164993070184563|{CF}|0000015000", QrError.INVALID_NOTICE_NUMBER),
        (f"PAGOPA|002|3471 6499 3070 1845 62|{CF}|15000", QrError.INVALID_NOTICE_NUMBER),
        (f"PAGOPA|002|47164993070184562|{CF}|15000", QrError.INVALID_NOTICE_NUMBER),
    ],
)
def test_parse_rejects(text: str, reason: QrError) -> None:
    with pytest.raises(InvalidQrPayload) as exc_info:
        parse_qr_payload(text)
    assert exc_info.value.reason is reason
    assert isinstance(exc_info.value, ValueError)


def test_notice_error_is_exposed() -> None:
    with pytest.raises(InvalidQrPayload) as exc_info:
        parse_qr_payload(f"PAGOPA|002|347164993070184563|{CF}|15000")
    assert exc_info.value.notice_error is CodeError.WRONG_CHECK_DIGITS


@pytest.mark.parametrize(
    ("nn", "cf", "amount", "reason"),
    [
        (NN, CF, 0, QrError.AMOUNT_OUT_OF_RANGE),
        (NN, CF, -1, QrError.AMOUNT_OUT_OF_RANGE),
        (NN, CF, MAX_QR_AMOUNT_CENTS + 1, QrError.AMOUNT_OUT_OF_RANGE),
        (NN, CF, True, QrError.INVALID_AMOUNT),
        (NN, CF, 150.0, QrError.INVALID_AMOUNT),
        (NN, "0119925015", 1, QrError.INVALID_FISCAL_CODE),
        (NN, "011992501580", 1, QrError.INVALID_FISCAL_CODE),
        (NN, "IT01199250158", 1, QrError.INVALID_FISCAL_CODE),
        ("347164993070184563", CF, 1, QrError.INVALID_NOTICE_NUMBER),
        ("3471 6499 3070 1845 62", CF, 1, QrError.INVALID_NOTICE_NUMBER),
        ("", CF, 1, QrError.INVALID_NOTICE_NUMBER),
    ],
)
def test_qr_payload_rejects(nn: str, cf: str, amount: object, reason: QrError) -> None:
    with pytest.raises(InvalidQrPayload) as exc_info:
        qr_payload(nn, cf, amount)  # type: ignore[arg-type]
    assert exc_info.value.reason is reason


notice_numbers = st.builds(
    lambda seg, base: "3" + make_iuv(seg, base),
    st.integers(0, 99),
    st.integers(0, 10**13 - 1),
)
fiscal_codes = st.from_regex(r"\A[0-9]{11}\Z")
amounts = st.integers(min_value=1, max_value=MAX_QR_AMOUNT_CENTS)


@given(notice_numbers, fiscal_codes, amounts)
def test_round_trip(nn: str, cf: str, amount: int) -> None:
    text = qr_payload(nn, cf, amount)
    assert len(text) == 52
    assert parse_qr_payload(text) == QrPayload(nn, cf, amount)


@given(notice_numbers, fiscal_codes, amounts, st.integers(0, 8))
def test_unpadded_amounts_parse(nn: str, cf: str, amount: int, padding: int) -> None:
    field = "0" * padding + str(amount)
    text = f"PAGOPA|002|{nn}|{cf}|{field}"
    if 2 <= len(field) <= 10:
        assert parse_qr_payload(text).amount_cents == amount
    else:
        with pytest.raises(InvalidQrPayload) as exc_info:
            parse_qr_payload(text)
        assert exc_info.value.reason is QrError.INVALID_AMOUNT
