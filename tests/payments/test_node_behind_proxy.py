"""The Node's address list behind a reverse proxy that appends to X-Forwarded-For.

A stranger writes the Node's address first in the header; the proxy appends the real
one. Only the entry the proxy added may count (issue 9, item 1)."""

from __future__ import annotations

import pytest

from payments.models import Receipt
from positions.models import PaymentOption
from tests.payments.conftest import receipt_for

zeep = pytest.importorskip("zeep")
pytestmark = pytest.mark.django_db(transaction=True)

NODE_NETWORK = "52.1.2.0/24"


@pytest.fixture
def behind_one_proxy(settings):
    """The live server is reached through one proxy (the test's own 127.0.0.1)."""
    settings.TRUSTED_PROXY_COUNT = 1
    # The setting the portal read before: set too, so this test shows the old bypass.
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.PAGOPA_NODE_ALLOWED_IPS = [NODE_NETWORK]
    settings.PAGOPA_NODE_SECRET = ""


@pytest.fixture
def option(make_position):
    return make_position().options.get()


def forwarded_for(node, value: str) -> None:
    node.service._client.transport.session.headers["X-Forwarded-For"] = value


def test_a_forged_first_entry_does_not_pass_the_node_address_list(node, option,
                                                                   behind_one_proxy):
    forwarded_for(node, "52.1.2.3, 9.9.9.9")
    with pytest.raises(zeep.exceptions.Fault):
        node.send_rt(receipt_for(option))
    option.refresh_from_db()
    assert option.status == PaymentOption.Status.UNPAID
    assert not Receipt.objects.exists()


def test_the_node_behind_the_proxy_is_let_in(node, option, behind_one_proxy):
    forwarded_for(node, "9.9.9.9, 52.1.2.3")
    assert node.send_rt(receipt_for(option)).outcome == "OK"
    option.refresh_from_db()
    assert option.status == PaymentOption.Status.PAID
