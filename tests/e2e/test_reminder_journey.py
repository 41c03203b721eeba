"""A reminder email arrives over SMTP (aiosmtpd on loopback); its link opens the position
in Chromium without login; *Paga* goes through the sandbox Checkout and the position is
paid. A tampered link shows a plain page offering Ricerca pratica, nothing of the debt."""

from __future__ import annotations

import re
from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from django.core.management import call_command
from django.utils import timezone

from positions.models import PaymentOption
from positions.services import OptionSpec
from reminders.models import ReminderPolicy
from sandbox import node
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_accounts_journey import inbox  # noqa: F401 - fixture
from tests.e2e.test_pay_journeys import checkout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_reminder_email_link_pays_without_login(page, inbox, settings, make_position,  # noqa: F811
                                                debtor, service):
    settings.PAGOPA_ACA_URL = ""  # the sandbox's ACA on the live server
    ReminderPolicy.objects.create(service=service, enabled=True)
    debtor.email = "mario.rossi@example.it"
    debtor.save()
    due = timezone.localdate() + timedelta(days=7)
    position = make_position(installments=[OptionSpec(2200, due)])

    call_command("send_reminders")
    link = inbox.link_for("mario.rossi@example.it", "/comune-di-prova/paga/")
    [message] = inbox.messages
    subject = str(make_header(decode_header(message["Subject"])))
    assert subject.startswith("Promemoria: pagamento in scadenza il")
    assert inbox.link_for("mario.rossi@example.it", "/promemoria/disiscriviti/")

    page.goto(link)
    main = page.locator("main")
    text = main.inner_text()
    option = position.options.get()
    assert "Trasporto scolastico mese di Settembre" in text and "22,00 €" in text
    assert option.notice_number in text
    assert debtor.fiscal_code not in text and "Accedi" not in text.split("Paga la pratica")[1]
    assert_accessible(page)
    main.get_by_role("button", name=re.compile("^Paga")).click()
    checkout(page)
    page.wait_for_url(re.compile(r"/paga/[0-9a-f-]+/(ok|waiting)/$"))
    node.deliver_due()
    page.reload()
    page.get_by_role("heading", name="Pagamento completato").wait_for()
    assert_accessible(page)
    option.refresh_from_db()
    assert option.status == PaymentOption.Status.PAID
    assert not page.js_errors, page.js_errors

    # the same link now tells it is paid, without Paga
    page.goto(link)
    assert "Pagata" in main.inner_text()
    assert not main.get_by_role("button", name=re.compile("^Paga")).count()

    # a tampered link: a plain page, Ricerca pratica offered, nothing of the position
    page.goto(re.sub(r"/paga/[^/]{5}", "/paga/XXXXX", link))
    text = main.inner_text()
    assert "Link di pagamento non valido" in text
    assert "22,00" not in text and option.notice_number not in text
    assert "Trasporto scolastico" not in text
    assert_accessible(page)
    main.get_by_role("link", name="Ricerca pratica").click()
    page.wait_for_url(re.compile(r"/comune-di-prova/$"))


def test_staff_print_the_link_as_qr_and_revoke_it(page, live_server, settings, make_position,
                                                  organization):
    from organizations.models import StaffRole
    from tests.backoffice.conftest import make_staff
    from tests.e2e.test_backoffice_journey import staff_log_in

    settings.SITE_URL = live_server.url
    position = make_position()
    staff_log_in(page, make_staff(organization, "operatore@example.it", StaffRole.OPERATOR))
    page.goto(f"/comune-di-prova/backoffice/posizioni/{position.pk}/")
    page.get_by_role("button", name="Crea il link di pagamento").click()
    page.wait_for_url(re.compile(r"#pay-link$"))
    link = page.locator("#pay-link-url").input_value()
    assert link.startswith(f"{live_server.url}/comune-di-prova/paga/")
    qr = page.get_by_role("img", name="Codice QR del link di pagamento")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # loaded under the CSP
    assert_accessible(page)
    assert not page.js_errors, page.js_errors
    page.get_by_role("button", name="Revoca il link").click()
    page.get_by_role("button", name="Crea il link di pagamento").wait_for()
    page.goto(link)
    assert "Link di pagamento non valido" in page.locator("main").inner_text()
