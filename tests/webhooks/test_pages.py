"""The back office's *Notifiche*: a responsabile registers, changes, tests and retries;
the secret is shown once; an operatore gets 403, another Ente's staff 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from organizations.models import StaffRole
from tests.backoffice.conftest import login_staff, make_staff
from webhooks import signing
from webhooks.models import Attempt, Delivery, Endpoint

pytestmark = pytest.mark.django_db


def url(name, organization, *args):
    return reverse(f"backoffice:{name}", args=[organization.slug, *args])


@pytest.fixture
def manager_client(client, organization):
    login_staff(client, make_staff(organization, "responsabile@example.it", StaffRole.MANAGER))
    return client


def test_a_responsabile_registers_an_endpoint_and_sees_the_secret_once(
        manager_client, organization, receiver):
    answer = manager_client.post(url("webhook_create", organization), {
        "url": receiver.url, "description": "Gestionale tributi",
        "events": ["position.paid", "position.expired"]})
    assert answer.status_code == 200
    endpoint = Endpoint.objects.get()
    assert endpoint.secret.startswith("whsec_") and endpoint.secret in answer.content.decode()
    assert endpoint.events == ["position.paid", "position.expired"]
    page = manager_client.get(url("webhook", organization, endpoint.pk)).content.decode()
    assert endpoint.secret not in page  # never again
    entry = AuditEntry.objects.get(action="webhook.created")
    assert endpoint.secret not in str(entry.data)


def test_what_was_typed_stays_and_the_reason_is_in_italian(manager_client, organization,
                                                           settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    answer = manager_client.post(url("webhook_create", organization), {
        "url": "https://192.168.1.20/eventi", "description": "Intranet",
        "events": ["position.paid"]})
    page = answer.content.decode()
    assert answer.status_code == 200 and not Endpoint.objects.exists()
    assert "https://192.168.1.20/eventi" in page and "Intranet" in page
    assert "rete privata o riservata" in page
    answer = manager_client.post(url("webhook_create", organization), {
        "url": "https://93.184.216.34/eventi", "events": ["position.paid"], "secret": "corto"})
    assert "da 24 a 200 caratteri" in answer.content.decode()
    assert not Endpoint.objects.exists()


def test_ping_reaches_the_receiver_and_the_attempt_is_shown(
        manager_client, organization, endpoint, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer = manager_client.post(url("webhook_ping", organization, endpoint.pk))
    delivery = Delivery.objects.get()
    assert answer.url == url("webhook_delivery", organization, delivery.pk)
    (got,) = receiver.received
    assert got.valid and got.json["type"] == "ping"
    page = manager_client.get(answer.url).content.decode()
    assert "Consegnata" in page and "200" in page and str(delivery.event.public_id) in page


def test_rotate_the_secret_then_deliveries_are_signed_with_the_new_one(
        manager_client, organization, endpoint, receiver, django_capture_on_commit_callbacks):
    answer = manager_client.post(url("webhook_secret", organization, endpoint.pk), {"secret": ""})
    endpoint.refresh_from_db()
    assert endpoint.secret in answer.content.decode()
    receiver.secret = endpoint.secret
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(url("webhook_ping", organization, endpoint.pk))
    assert receiver.received[-1].valid
    assert not signing.verify("whsec_test-secret-of-the-ente-0123456789",
                              receiver.received[-1].headers, receiver.received[-1].body)
    assert AuditEntry.objects.filter(action="webhook.rotated").exists()


def test_retry_now_after_the_receiver_came_back(
        manager_client, organization, endpoint, receiver, django_capture_on_commit_callbacks):
    receiver.status = 503
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(url("webhook_ping", organization, endpoint.pk))
    delivery = Delivery.objects.get()
    assert Delivery.objects.get().status == Delivery.Status.PENDING
    receiver.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(url("webhook_retry", organization, delivery.pk))
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    assert [a.status_code for a in Attempt.objects.order_by("at", "pk")] == [503, 200]
    assert AuditEntry.objects.filter(action="webhook.retried").exists()


def test_switching_off_stops_the_deliveries_waiting(manager_client, organization, endpoint,
                                                    receiver, django_capture_on_commit_callbacks):
    receiver.status = 500
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(url("webhook_ping", organization, endpoint.pk))
    manager_client.post(url("webhook", organization, endpoint.pk), {
        "url": endpoint.url, "events": ["position.paid"], "description": ""})
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.events == ["position.paid"]
    assert Delivery.objects.get().status == Delivery.Status.FAILED
    answer = manager_client.post(url("webhook_ping", organization, endpoint.pk), follow=True)
    assert "disattivato" in answer.content.decode()


def test_an_operatore_may_not_manage_notifications(client, organization, endpoint):
    login_staff(client, make_staff(organization, "operatore@example.it", StaffRole.OPERATOR))
    assert client.get(url("webhooks", organization)).status_code == 403
    assert client.post(url("webhook_ping", organization, endpoint.pk)).status_code == 403
    assert client.get(url("webhook", organization, endpoint.pk)).status_code == 403


def test_another_entes_endpoint_and_deliveries_are_404(
        client, organization, other_organization, endpoint, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        from webhooks.endpoints import ping

        delivery = ping(endpoint)
    login_staff(client, make_staff(other_organization, "altro@example.it", StaffRole.MANAGER))
    for name, pk, method in [("webhook", endpoint.pk, "get"), ("webhook", endpoint.pk, "post"),
                             ("webhook_secret", endpoint.pk, "post"),
                             ("webhook_ping", endpoint.pk, "post"),
                             ("webhook_delivery", delivery.pk, "get"),
                             ("webhook_retry", delivery.pk, "post")]:
        answer = getattr(client, method)(url(name, other_organization, pk))
        assert answer.status_code == 404, name
    page = client.get(url("webhooks", other_organization)).content.decode()
    assert endpoint.url not in page
