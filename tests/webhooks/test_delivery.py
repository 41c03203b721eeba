"""Issue 14, item 3: signed events POSTed to the Ente's receiver after commit, retried
with back-off for 48 hours when it is down, every attempt kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from payments import receipts
from positions.editing import cancel_position
from tests.payments.test_receipt_review import info_for
from webhooks import signing
from webhooks.delivery import FIRST_DELAY, GIVE_UP_AFTER, MAX_DELAY, deliver, send_due
from webhooks.models import Attempt, Delivery, Endpoint, Event
from webhooks.publish import publish
from webhooks.targets import check_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def option(make_position):
    return make_position().options.get()


def pay(option, capture, execute=True):
    with capture(execute=execute):
        result = receipts.receive(option.organization, info_for(option), "<rt/>", 2)
    assert result.receipt.applied
    return result.receipt


def test_a_payment_reaches_the_receiver_signed_with_its_receipt(
        endpoint, receiver, option, django_capture_on_commit_callbacks):
    pay(option, django_capture_on_commit_callbacks)
    (got,) = receiver.received
    assert got.valid  # HMAC-SHA256 of "{id}.{timestamp}.{body}" with the endpoint's secret
    event = got.json
    assert event["type"] == "position.paid"
    assert got.headers[signing.ID_HEADER] == event["id"]
    assert event["organization"] == option.organization.fiscal_code
    assert event["data"]["option"]["iuv"] == option.iuv
    assert event["data"]["option"]["notice_number"] == option.notice_number
    assert event["data"]["option"]["amount_cents"] == option.amount_cents
    assert event["data"]["position"]["reference"] == "TS-2026-09"
    assert event["data"]["receipt"]["iur"] == "c" * 32
    assert event["data"]["receipt"]["psp_id"] == "BCITITMM"
    assert event["data"]["receipt"]["psp_name"] == "Banca Sandbox"
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.DELIVERED
    (attempt,) = Attempt.objects.all()
    assert attempt.status_code == 200 and attempt.response_excerpt == '{"ok": true}'


def test_nothing_leaves_before_commit_and_nothing_after_a_rollback(
        endpoint, receiver, option, make_position, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        receipts.receive(option.organization, info_for(option), "<rt/>", 2)
    assert Delivery.objects.get().status == Delivery.Status.PENDING
    assert receiver.received == []  # the POST waits for the commit
    for callback in callbacks:
        callback()
    assert len(receiver.received) == 1

    other = make_position(reference="TS-2026-10")
    with pytest.raises(RuntimeError), transaction.atomic():
        cancel_position(other, expected_version=other.version, reason="errore di prova")
        raise RuntimeError
    assert Event.objects.count() == 1


def test_a_tampered_body_an_old_timestamp_or_another_secret_do_not_verify():
    body = b'{"id":"x"}'
    headers = signing.headers("segreto-giusto-abcdefghijklmnop", "evt-1", body)
    assert signing.verify("segreto-giusto-abcdefghijklmnop", headers, body)
    assert not signing.verify("segreto-giusto-abcdefghijklmnop", headers, body + b" ")
    assert not signing.verify("un-altro-segreto-abcdefghijklmnop", headers, body)
    old = signing.headers("segreto-giusto-abcdefghijklmnop", "evt-1", body,
                          timestamp=int(timezone.now().timestamp()) - 3600)
    assert not signing.verify("segreto-giusto-abcdefghijklmnop", old, body)


def _ping(endpoint, capture) -> Delivery:
    with capture(execute=True):
        event = publish(endpoint.organization, "ping", {"n": 1}, endpoints=[endpoint])
    return event.deliveries.get()


def test_receiver_down_then_back_is_retried_with_back_off_and_delivered(
        endpoint, receiver, django_capture_on_commit_callbacks):
    receiver.stop()  # nothing listens on the port any more: connection refused
    delivery = _ping(endpoint, django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING and delivery.attempts == 1
    first = Attempt.objects.get()
    assert first.status_code is None and "ConnectionError" in first.error
    retry_at = delivery.next_attempt_at
    assert retry_at - first.at == FIRST_DELAY

    assert deliver(delivery.pk, retry_at - dt.timedelta(seconds=1)) is None  # not due yet
    assert Attempt.objects.count() == 1

    second = deliver(delivery.pk, retry_at)  # still down: the wait doubles
    assert second - retry_at == 2 * FIRST_DELAY

    receiver.start()  # back on the same port
    assert deliver(delivery.pk, second) is None
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED and delivery.attempts == 3
    (got,) = receiver.received
    assert got.valid and got.json["type"] == "ping"
    assert Attempt.objects.count() == 3


def test_after_48_hours_of_failures_the_delivery_is_failed(
        endpoint, receiver, django_capture_on_commit_callbacks):
    receiver.status = 500
    delivery = _ping(endpoint, django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    deadline = delivery.pending_since + GIVE_UP_AFTER
    waits = []
    now = delivery.next_attempt_at
    while (retry_at := deliver(delivery.pk, now)) is not None:
        waits.append(retry_at - now)
        now = retry_at
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert now == deadline  # the last try is at the 48th hour, not later
    assert waits[:3] == [2 * FIRST_DELAY, 4 * FIRST_DELAY, 8 * FIRST_DELAY]
    assert max(waits) == MAX_DELAY
    assert delivery.last_status_code == 500
    attempts = Attempt.objects.filter(delivery=delivery)
    assert attempts.count() == delivery.attempts == len(waits) + 2
    assert {a.response_excerpt for a in attempts} == {"receiver broken"}
    assert len(receiver.received) == delivery.attempts


def test_a_redirect_is_an_answer_not_followed(endpoint, receiver,
                                              django_capture_on_commit_callbacks):
    receiver.status = 302
    delivery = _ping(endpoint, django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING and delivery.last_status_code == 302
    assert len(receiver.received) == 1


def test_the_sweeper_sends_what_is_due(endpoint, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the queue never ran it
        publish(endpoint.organization, "ping", {}, endpoints=[endpoint])
    assert send_due() == 1
    assert Delivery.objects.get().status == Delivery.Status.DELIVERED
    assert send_due() == 0


def test_cancellation_and_expiry_are_events_too(endpoint, receiver, make_position,
                                                django_capture_on_commit_callbacks):
    position = make_position(switch_to_expired=True)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_position(position, expected_version=position.version,
                        reason="Emessa per errore")
    (cancelled,) = receiver.received
    assert cancelled.valid and cancelled.json["type"] == "position.cancelled"
    assert cancelled.json["data"]["reason"] == "Emessa per errore"
    assert cancelled.json["data"]["options"][0]["status"] == "cancelled"

    from positions.expiry import expire_due

    later = make_position(reference="TS-2026-10", switch_to_expired=True)
    option = later.options.get()
    with django_capture_on_commit_callbacks(execute=True):
        expire_due(option.due_date + dt.timedelta(days=1))
    expired = receiver.received[1]
    assert expired.valid and expired.json["type"] == "position.expired"
    assert [o["iuv"] for o in expired.json["data"]["options"]] == [option.iuv]
    assert expired.json["data"]["position"]["status"] == "expired"


def single_and_installments(make_position, single_due, installment_dues):
    from positions.services import OptionSpec

    return make_position(switch_to_expired=True, reference="TARI-2026-0001", installments=[
        OptionSpec(12000, single_due),
        *[OptionSpec(4000, due, installment_number=n)
          for n, due in enumerate(installment_dues, start=1)]])


def test_a_position_expiring_whole_is_one_event_with_all_its_options(
        endpoint, receiver, make_position, django_capture_on_commit_callbacks):
    from positions.expiry import expire_due

    today = timezone.localdate()
    due = today + dt.timedelta(days=5)
    position = single_and_installments(make_position, due, [due, due, due])
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_due(due + dt.timedelta(days=1)).expired == 4
    (expired,) = receiver.received  # not one per option
    assert expired.valid and expired.json["type"] == "position.expired"
    assert [o["iuv"] for o in expired.json["data"]["options"]] == [
        o.iuv for o in position.options.order_by("plan", "pk")]
    assert {o["status"] for o in expired.json["data"]["options"]} == {"expired"}
    assert Event.objects.filter(type="option.expired").count() == 0


def test_an_option_expiring_while_the_position_is_still_payable_is_option_expired(
        endpoint, receiver, make_position, django_capture_on_commit_callbacks):
    from positions.expiry import expire_due

    today = timezone.localdate()
    dues = [today + dt.timedelta(days=d) for d in (10, 40, 70)]
    position = single_and_installments(make_position, today + dt.timedelta(days=5), dues)
    single, first, second, third = position.options.order_by("plan", "pk")
    with django_capture_on_commit_callbacks(execute=True):
        expire_due(today + dt.timedelta(days=6))  # the single payment only
        expire_due(dues[0] + dt.timedelta(days=1))  # installment 1
    assert [r.json["type"] for r in receiver.received] == ["option.expired"] * 2
    assert [r.json["data"]["option"]["iuv"] for r in receiver.received] == [
        single.iuv, first.iuv]
    assert receiver.received[1].json["data"]["position"]["status"] == "valid"
    with django_capture_on_commit_callbacks(execute=True):
        expire_due(dues[2] + dt.timedelta(days=1))  # installments 2 and 3 together
    last = receiver.received[2]
    assert len(receiver.received) == 3 and last.json["type"] == "position.expired"
    assert [o["iuv"] for o in last.json["data"]["options"]] == [second.iuv, third.iuv]
    assert last.json["data"]["position"]["status"] == "expired"


def test_an_endpoint_without_option_expired_hears_only_the_position(
        endpoint, receiver, make_position, django_capture_on_commit_callbacks):
    from positions.expiry import expire_due

    endpoint.events = ["position.expired"]
    endpoint.save()
    today = timezone.localdate()
    single_and_installments(make_position, today + dt.timedelta(days=5),
                            [today + dt.timedelta(days=30)])
    with django_capture_on_commit_callbacks(execute=True):
        expire_due(today + dt.timedelta(days=6))
    assert receiver.received == [] and Event.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        expire_due(today + dt.timedelta(days=31))
    assert [r.json["type"] for r in receiver.received] == ["position.expired"]


def test_only_subscribed_active_endpoints_of_the_ente_get_an_event(
        endpoint, receiver, option, other_organization, django_capture_on_commit_callbacks):
    Endpoint.objects.create(organization=other_organization, url=receiver.url,
                            secret="x" * 30, events=["position.paid"])
    endpoint.events = ["position.cancelled"]
    endpoint.save()
    pay(option, django_capture_on_commit_callbacks)
    assert Event.objects.count() == 0 and receiver.received == []


@pytest.mark.parametrize("url", [
    "https://10.1.2.3/eventi", "https://192.168.1.10/", "https://169.254.169.254/latest",
    "https://[::1]/", "https://100.64.0.1/", "http://127.0.0.1:8000/eventi",
    "https://utente:password@93.184.216.34/", "ftp://93.184.216.34/",
    "http://93.184.216.34/",
])
def test_private_targets_and_plain_http_are_refused_in_production(settings, url):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    with pytest.raises(ValidationError):
        check_url(url)


def test_a_public_https_address_is_accepted(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    check_url("https://93.184.216.34/sportello")


def test_a_disallowed_target_is_checked_again_before_each_post(
        endpoint, receiver, settings, django_capture_on_commit_callbacks):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    delivery = _ping(endpoint, django_capture_on_commit_callbacks)
    assert receiver.received == []
    assert "Destinazione non consentita" in Attempt.objects.get(delivery=delivery).error


def test_the_readme_snippet_verifies_what_sportello_signs():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    start = readme.index("**Verifying a delivery**")
    code = readme[readme.index("```python", start) + 9:readme.index("```", readme.index(
        "```python", start) + 9)]
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - our own README
    body = b'{"id":"e","type":"ping"}'
    headers = signing.headers("whsec_abcdefghijklmnopqrstuvwxyz", "e", body)
    assert namespace["verify"]("whsec_abcdefghijklmnopqrstuvwxyz", headers, body)
    assert not namespace["verify"]("whsec_abcdefghijklmnopqrstuvwxyz", headers, body + b"x")
