"""The whole path: the pagoPA Node (zeep on the official WSDL) sends paSendRTV2 to our
endpoint on the live server; once the receipt is committed, the Ente's receiver gets
``position.paid`` with the receipt's IUR, PSP and payment date, signed."""

from __future__ import annotations

import pytest

from tests.payments.conftest import receipt_for
from webhooks.models import Delivery

zeep = pytest.importorskip("zeep")
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_receipt_from_the_node_reaches_the_entes_receiver(node, make_position, endpoint,
                                                           receiver):
    option = make_position().options.get()
    assert node.send_rt(receipt_for(option, receipt_id="r" * 32)).outcome == "OK"
    (got,) = receiver.received
    assert got.valid
    data = got.json["data"]
    assert got.json["type"] == "position.paid"
    assert data["option"]["notice_number"] == option.notice_number
    assert data["receipt"]["iur"] == "r" * 32
    assert data["receipt"]["psp_id"] == "BCITITMM"
    assert data["receipt"]["payment_date"] == "2026-03-01T16:48:22Z"  # 17:48:22 in Rome
    assert Delivery.objects.get().status == Delivery.Status.DELIVERED
