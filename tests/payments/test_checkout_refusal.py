"""Issue 11 item 6: Checkout's 422 (checkPosition KO: a notice already being paid, paid or
twice in the cart) gets an honest Italian message, and the selection comes back."""

from __future__ import annotations

import json

import pytest

from payments.models import PaymentAttempt
from positions.models import PositionClaim
from tests.pagopa.conftest import Reply, http_server  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def option(make_position, payer):
    position = make_position()
    PositionClaim.objects.create(user=payer, position=position, source="created")
    return position.options.get()


def refused(detail: str):
    body = json.dumps({"title": "Unprocessable request", "status": 422,
                       "detail": detail}).encode()
    return lambda request: Reply(422, {"Content-Type": "application/problem+json"}, body)


@pytest.mark.parametrize(("detail", "message"), [
    ("PPT_PAGAMENTO_IN_CORSO: 301000000000000123 is being paid", "già in corso di pagamento"),
    ("PPT_PAGAMENTO_DUPLICATO: 301000000000000123 has already been paid",
     "risulta già pagato o è ripetuto nel carrello"),
    ("checkPosition KO", "la verifica degli avvisi scelti non è andata a buon fine"),
])
def test_checkout_422_gets_an_honest_message(client, payer, option, settings, http_server,  # noqa: F811
                                              detail, message):
    http_server.reply = refused(detail)
    settings.PAGOPA_CHECKOUT_URL = http_server.url + "/checkout/ec"
    client.force_login(payer)
    response = client.post(f"/{option.organization.slug}/paga/",
                           {"option": option.pk, "next": "/comune-di-prova/"}, follow=True)
    page = response.content.decode().replace("&#x27;", "'")
    assert message in page
    assert "non è disponibile in questo momento" not in page
    attempt = PaymentAttempt.objects.get()
    assert attempt.status == PaymentAttempt.Status.FAILED and "422" in attempt.error
