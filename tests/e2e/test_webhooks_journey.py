"""A responsabile connects the Ente's system: registers an endpoint in the browser, copies
the secret shown once, sends a ping that a loopback receiver verifies, reads the attempt
and the body; the receiver goes down, *Riprova ora* after it is back. Every page
axe-clean, no console error (CSP included)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.backoffice.conftest import login_staff, make_staff
from tests.e2e.conftest import assert_accessible, backoffice_menu
from tests.webhooks.conftest import Receiver

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff_page(page, live_server, organization):
    manager = make_staff(organization, "responsabile@example.it", "responsabile")
    client = Client()
    login_staff(client, manager)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])
    return page


def test_responsabile_connects_the_entes_system(staff_page, organization):
    from webhooks.models import Endpoint

    page = staff_page
    receiver = Receiver(secret="").start()
    try:
        page.goto(f"/{organization.slug}/backoffice/")
        backoffice_menu(page, "Notifiche")
        expect(page.get_by_role("heading", name="Notifiche ai sistemi dell'Ente")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("link", name="Registra un endpoint").click()
        assert_accessible(page)
        page.get_by_label("Indirizzo (https://…)").fill(receiver.url)
        page.get_by_text("Pagamento ricevuto (position.paid)").click()  # the label draws the box
        expect(page.get_by_label("Pagamento ricevuto (position.paid)")).to_be_checked()
        page.get_by_role("button", name="Registra").click()
        secret = page.locator("#webhook-secret").inner_text()
        assert secret == Endpoint.objects.get().secret
        assert_accessible(page)
        receiver.secret = secret

        page.get_by_role("link", name="Ho copiato il segreto").click()
        assert secret not in page.content()
        assert_accessible(page)
        page.get_by_role("button", name="Invia una notifica di prova").click()
        expect(page.get_by_role("alert")).to_contain_text("Notifica di prova messa in coda")
        page.reload()  # the worker (immediate in tests) answered meanwhile
        expect(page.get_by_text("Consegnata", exact=True)).to_be_visible()
        assert receiver.received[-1].valid
        assert_accessible(page)

        receiver.status = 503
        page.get_by_role("link", name="Torna all'endpoint").click()
        page.get_by_role("button", name="Invia una notifica di prova").click()
        expect(page.get_by_role("alert")).to_contain_text("Notifica di prova messa in coda")
        page.reload()
        expect(page.get_by_text("In consegna", exact=True)).to_be_visible()
        expect(page.get_by_text("receiver broken")).to_be_visible()
        receiver.status = 200
        page.get_by_role("button", name="Riprova ora").click()
        expect(page.get_by_role("alert")).to_contain_text("Nuovo tentativo messo in coda")
        page.reload()
        expect(page.get_by_text("Consegnata", exact=True)).to_be_visible()
        assert [r.valid for r in receiver.received] == [True, True, True]
        assert not page.js_errors, page.js_errors
    finally:
        receiver.stop()
