import pytest
from django.core.exceptions import ValidationError

from organizations.models import Organization
from pagopa.identifiers import parse_notice_number
from pagopa.qr import qr_payload
from positions.models import PaymentOption, PaymentPosition, Transfer
from positions.services import OptionSpec, TransferSpec


def test_created_options_carry_valid_pagopa_identifiers(make_position, organization):
    position = make_position(installments=[OptionSpec(1500, installment_number=n)
                                           for n in (1, 2, 3)])
    options = list(position.options.all())
    assert len({o.iuv for o in options}) == 3
    for option in options:
        parsed = parse_notice_number(option.notice_number)
        assert parsed.aux_digit == "3"
        assert parsed.segregation_code == organization.segregation_code
        assert parsed.iuv == option.iuv
        qr_payload(option.notice_number, organization.fiscal_code, option.amount_cents)
    transfer = options[0].transfers.get()
    assert transfer.iban == organization.iban
    assert transfer.taxonomy_code == position.service.taxonomy_code
    assert transfer.amount_cents == 1500


def test_a_failure_half_way_leaves_nothing_behind(make_position, organization):
    counter_before = Organization.objects.get(pk=organization.pk).next_iuv_base
    good = OptionSpec(1000, installment_number=1)
    # the second option's transfers do not add up: found after the first option is written
    bad = OptionSpec(1000, installment_number=2,
                     transfers=[TransferSpec(600), TransferSpec(300)])
    with pytest.raises(ValidationError):
        make_position(installments=[good, bad])
    assert PaymentPosition.objects.count() == 0
    assert PaymentOption.objects.count() == 0
    assert Transfer.objects.count() == 0
    assert Organization.objects.get(pk=organization.pk).next_iuv_base == counter_before


def test_more_than_five_transfers_are_refused(make_position):
    with pytest.raises(ValidationError):
        make_position(installments=[OptionSpec(600, transfers=[TransferSpec(100)] * 6)])
    assert PaymentPosition.objects.count() == 0


def test_debtor_of_another_ente_is_refused(make_position, other_organization, debtor):
    with pytest.raises(ValidationError):
        make_position(organization=other_organization)
    assert PaymentPosition.objects.count() == 0
