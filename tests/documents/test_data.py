"""Input records reject what would give an unpayable or unsafe document."""

from __future__ import annotations

import pytest

from documents.data import EnteInfo, InstallmentInfo, NoticeInfo, PostalAccount

from .conftest import NOTICE, installments, make_debtor, make_ente, make_notice


def test_subject_longer_than_90_chars_is_rejected() -> None:
    make_notice(subject="x" * 90)
    with pytest.raises(ValueError, match="90"):
        make_notice(subject="x" * 91)


def test_notice_needs_something_to_pay() -> None:
    with pytest.raises(ValueError):
        NoticeInfo("Oggetto", make_ente(), make_debtor())


def test_a_lone_installment_is_the_notices_payment() -> None:
    with pytest.raises(ValueError):
        make_notice(single_payment=None, installments=installments(1))
    make_notice(installments=installments(1))  # beside a single payment: a plan of one


@pytest.mark.parametrize(
    "number", ["30071570000000003", "30071570000000003X", "3007 1570 0000 0000 32"]
)
def test_notice_number_must_be_18_digits(number: str) -> None:
    with pytest.raises(ValueError):
        InstallmentInfo(number, "x", 100)


def test_amount_must_be_positive() -> None:
    with pytest.raises(ValueError):
        InstallmentInfo(NOTICE, "x", 0)


def test_ente_fiscal_code_must_be_11_digits() -> None:
    with pytest.raises(ValueError):
        EnteInfo("Comune", "RSSMRA80A01H501U")


def test_logo_as_path_or_url_is_refused() -> None:
    with pytest.raises(TypeError):
        make_ente(logo_png="file:///etc/passwd")


def test_postal_account_number_digits_only() -> None:
    with pytest.raises(ValueError):
        PostalAccount("CC-123", "Tesoreria", "AUT")
