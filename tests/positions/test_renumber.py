"""A new IUV and codice avviso for an unpaid option (ACA never reopens an old IUV)."""

from __future__ import annotations

import pytest

from pagopa.identifiers import make_iuv, notice_number_for_iuv
from positions.models import InvalidTransition
from positions.services import renumber_option


@pytest.fixture
def option(make_position):
    return make_position().options.get()


def test_renumber_takes_the_next_iuv_of_the_ente(option, organization):
    old = option.iuv
    renumbered = renumber_option(option)
    assert renumbered.iuv != old
    assert renumbered.notice_number == notice_number_for_iuv(renumbered.iuv)
    organization.refresh_from_db()
    assert renumbered.iuv == make_iuv(organization.segregation_code,
                                      organization.next_iuv_base - 1)


def test_renumber_refuses_what_is_not_unpaid(option):
    option.mark_paid()
    with pytest.raises(InvalidTransition):
        renumber_option(option)
    option.refresh_from_db()
    assert option.status == "paid"
