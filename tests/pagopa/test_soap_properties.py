"""Property tests: amounts and free text survive build → parse unchanged."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from pagopa import soap
from pagopa.messages import PaymentNoticeInfo
from tests.pagopa.conftest import make_payment, make_transfer

MAX_CENTS = 99_999_999_999  # 999999999.99, the stAmount maximum

# Any non-control Unicode (accents, emoji, <, &, quotes, "]]>"). Control characters are
# left out: XML 1.0 forbids most of them and parsers normalise CR to LF by design.
XML_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    min_size=1,
    max_size=140,
)


@given(amount=st.integers(min_value=1, max_value=MAX_CENTS))
@settings(max_examples=200)
def test_verify_amount_round_trip(amount: int) -> None:
    info = PaymentNoticeInfo(amount_cents=amount, payment_description="x",
                             fiscal_code_pa="77777777777", company_name="C")
    assert soap.parse_response(soap.build_verify_response(info)).data.amount_cents == amount


@given(parts=st.lists(st.integers(min_value=1, max_value=MAX_CENTS // 5), min_size=1, max_size=5))
@settings(max_examples=100)
def test_transfer_amounts_round_trip(parts: list[int]) -> None:
    transfers = tuple(make_transfer(i, amount) for i, amount in enumerate(parts, start=1))
    info = make_payment(amount_cents=sum(parts), transfers=transfers)
    parsed = soap.parse_response(soap.build_get_payment_response(info)).data
    assert [t.amount_cents for t in parsed.transfers] == parts
    assert parsed.amount_cents == sum(parts)


@given(description=XML_TEXT, company=XML_TEXT, remittance=XML_TEXT)
@settings(max_examples=150)
def test_free_text_round_trip(description: str, company: str, remittance: str) -> None:
    info = make_payment(
        description=description,
        company_name=company,
        transfers=(make_transfer(1, 3050, remittance_information=remittance),),
    )
    parsed = soap.parse_response(soap.build_get_payment_response(info)).data
    assert parsed == dataclasses.replace(info)


def test_special_characters_example() -> None:
    text = "<Tassa> & \"rifiuti\" 'TARI' — città di Forlì ✓ \U0001f600 ]]>"
    info = make_payment(description=text)
    body = soap.build_get_payment_response(info)
    assert soap.parse_response(body).data.description == text
