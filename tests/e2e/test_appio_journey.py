"""The citizen on App IO, in Chromium: a new notice reaches the sandbox's IO inbox, its
link opens the position without login, *Paga* in the message goes through the sandbox
Checkout (started from IO's own copy of the payment data) and the position is paid."""

from __future__ import annotations

import re

import pytest

from appio.models import IoConfig, IoMessage
from positions.models import PaymentOption
from sandbox.models import IoProfile, IoService
from tests.e2e.conftest import assert_accessible, backoffice_menu
from tests.e2e.test_pay_journeys import checkout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KEY = "io-key-journey-0001"


@pytest.fixture
def site(live_server, settings, organization, debtor):
    settings.SITE_URL = live_server.url
    settings.PAGOPA_ACA_URL = ""
    settings.APPIO_URL = ""  # the sandbox's IO on the live server
    IoService.objects.create(name="Comune di Prova", key=KEY,
                             organization_fiscal_code=organization.fiscal_code)
    IoProfile.objects.create(fiscal_code=debtor.fiscal_code, full_name="Mario Rossi")
    config = IoConfig(organization=organization, enabled=True)
    config.set_api_key(KEY)
    config.save()
    return live_server.url


def test_io_message_pay_button_pays_the_position(page, site, make_position, debtor):
    position = make_position()  # issued by the Ente: IO is told after commit
    assert IoMessage.objects.get(position=position).state == IoMessage.State.SENT
    page.goto("/sandbox/io/")
    page.get_by_role("link", name=re.compile(debtor.fiscal_code)).click()
    main = page.locator("main")
    message = main.locator("article", has_text="nuovo avviso di pagamento")
    assert "22,00 €" in message.inner_text()
    assert position.causale in message.inner_text()
    assert_accessible(page)
    # The signed link in the message opens the position, no login, no codice fiscale.
    link = message.get_by_role("link", name=re.compile("Apri e paga"))
    href = link.get_attribute("href")
    assert re.search(r"/comune-di-prova/paga/[^/]+/$", href)
    page.goto(href)
    assert "22,00" in page.locator("main").inner_text()
    assert debtor.fiscal_code not in page.locator("main").inner_text()
    page.go_back()
    # IO's own Paga button: Checkout from IO's record of payment_data.
    page.locator("article", has_text="nuovo avviso di pagamento").get_by_role(
        "button", name="Paga", exact=True).click()
    checkout(page)
    page.wait_for_url(re.compile(r"/sandbox/io/[A-Z0-9]{16}/\?esito=ok$"))
    assert "Pagamento eseguito" in page.locator("main").inner_text()
    assert_accessible(page)
    option = position.options.get()
    option.refresh_from_db()
    assert option.status == PaymentOption.Status.PAID
    assert not page.js_errors, page.js_errors


def test_responsabile_enters_the_key_and_sees_what_io_did(page, live_server, settings,
                                                          organization, service,
                                                          make_position, debtor):
    """The keys page, the IO messages on the position, the dashboard's alert after IO
    refused the key, and the unreachable list: each one accessible."""
    from organizations.models import StaffRole
    from tests.backoffice.conftest import make_staff
    from tests.e2e.test_backoffice_journey import staff_log_in

    settings.SITE_URL = live_server.url
    settings.PAGOPA_ACA_URL = ""
    settings.APPIO_URL = ""
    IoService.objects.create(name="Comune di Prova", key=KEY,
                             organization_fiscal_code=organization.fiscal_code)
    staff_log_in(page, make_staff(organization, "resp@example.it", StaffRole.MANAGER))
    backoffice_menu(page, "App IO")
    assert_accessible(page)
    page.locator("label[for=id_enabled]").click()  # Bootstrap Italia draws the box
    assert page.get_by_label("Invia messaggi in App IO").is_checked()
    page.get_by_label("Chiave del servizio IO dell'Ente").fill(KEY)
    page.get_by_role("button", name="Salva").click()
    assert "Impostazioni di App IO salvate" in page.locator("body").inner_text()
    assert KEY not in page.content()
    position = make_position()  # Mario has no IO profile in the sandbox
    page.goto(f"/comune-di-prova/backoffice/posizioni/{position.pk}/")
    assert "Cittadino non iscritto a IO" in page.locator("#io-messages").inner_text()
    assert_accessible(page)
    # IO refuses the key now: the Ente's sends stop, the dashboard says so.
    IoService.objects.update(suspended=True)
    IoProfile.objects.create(fiscal_code=debtor.fiscal_code)
    make_position(reference="TS-2")
    page.goto("/comune-di-prova/backoffice/")
    assert "sospesi" in page.locator("#io-suspended").inner_text()
    assert_accessible(page)
    page.goto("/comune-di-prova/backoffice/irraggiungibili/")
    assert_accessible(page)
    assert not page.js_errors, page.js_errors
