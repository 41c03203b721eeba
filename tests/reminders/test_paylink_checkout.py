"""*Paga* on a pay link goes through the sandbox Checkout (HTTP on the live server) and
the position is paid, with no login and no codice fiscale typed."""

from __future__ import annotations

import re

import pytest

from payments.models import PaymentAttempt
from positions.models import PaymentOption
from reminders import paylinks
from sandbox import node

pytestmark = pytest.mark.django_db(transaction=True)


def test_paga_through_the_link_pays_the_position(client, make_position, site):
    position = make_position()
    option = position.options.get()
    path = "/" + paylinks.pay_link_url(position).split("://", 1)[1].split("/", 1)[1]
    response = client.post(path, {"option": option.pk})
    assert response.status_code == 302
    location = response["Location"]
    assert re.search(r"/sandbox/checkout/c/[0-9a-f-]{36}/$", location)
    assert "22,00 €" in client.get(location).content.decode()
    response = client.post(location, {"method": "CP"})
    response = client.post(response["Location"], {"psp": "SNDBXIT1", "scenario": "ok",
                                                  "delay_seconds": 0})
    node.deliver_due()
    back = "/" + response["Location"].split("://", 1)[1].split("/", 1)[1]
    assert "Pagamento completato" in client.get(back).content.decode()
    option.refresh_from_db()
    assert option.status == PaymentOption.Status.PAID
    attempt = PaymentAttempt.objects.get()
    assert attempt.user is None and attempt.status == PaymentAttempt.Status.PAID
    # the link now shows the position paid, without Paga
    body = client.get(path).content.decode()
    assert "Pagata" in body and 'name="option"' not in body


def test_without_csrf_token_paga_is_refused(make_position):
    from django.test import Client

    position = make_position()
    path = "/" + paylinks.pay_link_url(position).split("://", 1)[1].split("/", 1)[1]
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(path, {"option": position.options.get().pk})
    assert response.status_code == 403
    assert not PaymentAttempt.objects.exists()


def test_the_receipt_still_goes_after_unsubscribing_from_reminders(node, make_position,
                                                                    debtor):
    from mail.models import OutgoingEmail
    from reminders import optout
    from tests.payments.conftest import receipt_for

    debtor.email = "mario.rossi@example.it"
    debtor.save()
    option = make_position().options.get()
    optout.opt_out(option.organization, "Mario.Rossi@example.it")
    node.get_payment(option.notice_number)
    assert node.send_rt(receipt_for(option)).outcome == "OK"
    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == [
        "mario.rossi@example.it"]
