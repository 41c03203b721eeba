"""Issue 10, item 7 (and the top list's third bullet): the quietanza goes to the email
given to the cart matched by idCart (paymentNote), else to the debtor's email the Ente
knows; never to an attempt matched by time."""

from __future__ import annotations

import pytest

from accounts.models import User
from mail.models import OutgoingEmail
from payments.models import PaymentAttempt, Receipt
from tests.payments.conftest import receipt_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def option(make_position, debtor):
    debtor.email = "mario.vero@example.it"
    debtor.save()
    return make_position().options.get()


def open_cart(option, email: str, user=None) -> PaymentAttempt:
    attempt = PaymentAttempt.objects.create(organization=option.organization,
                                            amount_cents=option.amount_cents, email=email,
                                            user=user)
    attempt.options.set([option])
    return attempt


def test_an_abandoned_cart_of_someone_else_never_gets_the_quietanza(node, option):
    mallory = User.objects.create_user("mallory@example.it", "Password-lunga-123")
    open_cart(option, "mallory@example.it", user=mallory)  # opened a moment ago, abandoned
    node.get_payment(option.notice_number)
    assert node.send_rt(receipt_for(option)).outcome == "OK"  # paid elsewhere, no idCart
    receipt = Receipt.objects.get()
    assert receipt.applied and receipt.attempt is None
    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == ["mario.vero@example.it"]


def test_the_cart_named_by_idcart_gets_the_quietanza(node, option):
    open_cart(option, "mallory@example.it")
    cart = open_cart(option, "chi.paga@example.it")
    node.get_payment(option.notice_number)
    assert node.send_rt(receipt_for(option, paymentNote=cart.public_id.hex)).outcome == "OK"
    assert Receipt.objects.get().attempt == cart
    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == ["chi.paga@example.it"]
