"""Staff download the quietanza of a receipt from its admin page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.documents.conftest import all_text
from tests.payments.test_pages import make_receipt

pytestmark = pytest.mark.django_db

IUR = "b4d3c0ffee1234567890abcdef"


@pytest.fixture
def receipt(make_position):
    option = make_position().options.get()
    option.mark_paid()
    return make_receipt(option, receipt_id=IUR)


def quietanza_url(receipt) -> str:
    return reverse("admin:payments_receipt_quietanza", args=[receipt.pk])


def test_staff_download_the_quietanza(admin_client, receipt):
    change = admin_client.get(reverse("admin:payments_receipt_change", args=[receipt.pk]))
    assert f'href="{quietanza_url(receipt)}" download>Scarica quietanza (PDF)' in (
        change.content.decode())
    response = admin_client.get(quietanza_url(receipt))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="quietanza-{receipt.creditor_reference_id}.pdf"')
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control
    text = all_text(response.content)
    assert IUR in text and "Banca Sandbox" in text


def test_payers_are_sent_to_the_admin_login(client, payer, receipt):
    client.force_login(payer)
    response = client.get(quietanza_url(receipt))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_receipt_that_did_not_pay_has_no_quietanza(admin_client, make_position):
    option = make_position().options.get()
    flagged = make_receipt(option, applied=False, needs_attention=True,
                           flags=["amount"])
    assert admin_client.get(quietanza_url(flagged)).status_code == 404
    change = admin_client.get(reverse("admin:payments_receipt_change", args=[flagged.pk]))
    assert "nessuna quietanza" in change.content.decode()
    assert admin_client.get("/admin/payments/receipt/abc/quietanza.pdf").status_code == 404
