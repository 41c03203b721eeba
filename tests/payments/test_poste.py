"""Issue 11 item 2, the Ente's side: postal IBANs. ``allCCP`` only when every transfer can
be credited to a postal account; ``transferType=POSTAL`` answers the postal IBAN,
``PAGOPA`` the bank IBAN with the postal one as metadata ``IBANAPPOGGIO`` (RULES §7)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from positions.services import OptionSpec, TransferSpec

zeep = pytest.importorskip("zeep")
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _live_server_first(site):
    """Every test starts the live server before touching the database (SQLite in memory
    shares its connection with the server's threads only when the server came first)."""

POSTAL_IBAN = "IT71A0760103200000012345678"
OTHER_BANK_IBAN = "IT66A0306909606100000012345"


@pytest.fixture
def postal_organization(organization):
    organization.postal_iban = POSTAL_IBAN
    organization.save()
    return organization


@pytest.fixture
def option(postal_organization, make_position):
    return make_position().options.get()


def _metadata(transfer) -> list[tuple[str, str]]:
    if transfer.metadata is None:
        return []
    return [(entry.key, entry.value) for entry in transfer.metadata.mapEntry]


def test_creation_gives_the_ente_transfer_its_postal_iban(option):
    assert option.transfers.get().postal_iban == POSTAL_IBAN


def test_all_ccp_true_when_every_transfer_has_a_postal_iban(node, option):
    result = node.verify(option.notice_number)
    assert result.paymentList.paymentOptionDescription.allCCP is True


def test_all_ccp_false_without_a_postal_iban(node, make_position):
    option = make_position().options.get()  # the Ente has no postal IBAN
    assert option.transfers.get().postal_iban == ""
    assert node.verify(option.notice_number).paymentList.paymentOptionDescription.allCCP \
        is False


def test_all_ccp_false_when_one_transfer_has_no_postal_account(node, postal_organization,
                                                               make_position):
    position = make_position(installments=[OptionSpec(
        2200, date.today() + timedelta(days=30), transfers=[
            TransferSpec(1200),
            TransferSpec(1000, iban=OTHER_BANK_IBAN, beneficiary_fiscal_code="09876540023",
                         beneficiary_name="Altro Comune")])])
    option = position.options.get()
    assert [t.postal_iban for t in option.transfers.all()] == [POSTAL_IBAN, ""]
    assert node.verify(option.notice_number).paymentList.paymentOptionDescription.allCCP \
        is False


@pytest.mark.parametrize("operation", ["paGetPayment", "paGetPaymentV2"])
def test_transfer_type_postal_answers_the_postal_iban(node, option, operation):
    result = node.get_payment(option.notice_number, operation, transferType="POSTAL")
    (transfer,) = result.data.transferList.transfer
    assert transfer.IBAN == POSTAL_IBAN
    assert _metadata(transfer) == []


@pytest.mark.parametrize("operation", ["paGetPayment", "paGetPaymentV2"])
def test_transfer_type_pagopa_adds_ibanappoggio(node, option, organization, operation):
    result = node.get_payment(option.notice_number, operation, transferType="PAGOPA")
    (transfer,) = result.data.transferList.transfer
    assert organization.iban == transfer.IBAN
    assert _metadata(transfer) == [("IBANAPPOGGIO", POSTAL_IBAN)]


def test_without_transfer_type_the_bank_iban(node, option, organization):
    result = node.get_payment(option.notice_number)
    (transfer,) = result.data.transferList.transfer
    assert organization.iban == transfer.IBAN and _metadata(transfer) == []
