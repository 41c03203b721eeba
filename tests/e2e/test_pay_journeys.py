"""Paying for real, in Chromium: the portal, the sandbox's Checkout and Sportello PSP, and
the EC endpoint the sandbox Node calls back, all over HTTP on the live server."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from payments.models import Receipt
from positions.models import PaymentOption, PositionClaim
from sandbox import node
from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, settings):
    settings.SITE_URL = live_server.url
    settings.PAGOPA_ACA_URL = ""  # the sandbox's ACA on the live server
    return live_server.url


@pytest.fixture
def option(site, make_position, payer):
    position = make_position()
    PositionClaim.objects.create(user=payer, position=position, source="created")
    return position.options.get()


def log_in(page, next_path: str) -> None:
    page.goto(f"/comune-di-prova/accedi/?next={next_path}")
    page.locator("[name=username]").fill("mario.rossi@example.it")
    page.locator("[name=password]").fill("Password-lunga-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(next_path) + "$"))


def choose(page, text: str) -> None:
    """Pick a radio by clicking its label (Bootstrap Italia draws the radio itself)."""
    page.locator("label", has_text=text).click()
    assert page.get_by_label(re.compile(re.escape(text))).is_checked()


def checkout(page, scenario: str = "ok", delay: str = "0") -> None:
    """On the sandbox's Checkout: method, then PSP, then pay."""
    page.wait_for_url(re.compile(r"/sandbox/checkout/c/"))
    assert "22,00 €" in page.locator("main").inner_text()
    assert_accessible(page)
    choose(page, "Carta di credito, debito o prepagata")
    page.get_by_role("button", name="Continua").click()
    page.wait_for_url(re.compile(r"/psp/$"))
    choose(page, "Banca Sandbox")
    page.get_by_label("Simulazione", exact=True).select_option(scenario)
    page.get_by_label("Ritardo della ricevuta (secondi)").fill(delay)
    assert_accessible(page)
    page.get_by_role("button", name="Paga", exact=True).click()


def test_pay_online_through_checkout(page, option):
    detail = f"/comune-di-prova/pratiche/{option.position_id}/"
    log_in(page, detail)
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("^Paga")).click()
    checkout(page)
    page.wait_for_url(re.compile(r"/paga/[0-9a-f-]+/ok/$"))
    assert page.get_by_role("heading", name="Pagamento completato").is_visible()
    receipt = Receipt.objects.get()
    assert receipt.receipt_id in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Vai alla pratica").click()
    page.wait_for_url(re.compile(re.escape(detail) + "$"))
    text = page.locator("main").inner_text()
    assert "Pagata" in text and "Ricevuta di pagamento" in text
    assert not page.get_by_role("button", name=re.compile("^Paga")).count()
    assert_accessible(page)
    option.refresh_from_db()
    assert option.status == PaymentOption.Status.PAID
    # ...and in Storico it is a paid row with its quietanza to print
    page.goto("/comune-di-prova/pratiche/storico/")
    row = page.locator("tbody tr", has_text=option.position.causale)
    expect(row).to_contain_text("Pagata")
    expect(row.get_by_role("link", name=re.compile("^Stampa"))).to_be_visible()
    # ...and no longer in Da Pagare
    page.goto("/comune-di-prova/pratiche/")
    expect(page.locator("main")).not_to_contain_text(option.position.causale)
    assert not page.js_errors, page.js_errors


def test_payment_in_progress_page_refreshes_itself_until_the_receipt(page, option,
                                                                     monkeypatch):
    from payments import views

    monkeypatch.setattr(views, "REFRESH_SECONDS", 1)
    log_in(page, f"/comune-di-prova/pratiche/{option.position_id}/")
    page.get_by_role("button", name=re.compile("^Paga")).click()
    checkout(page, scenario="late", delay="60")
    page.wait_for_url(re.compile(r"/waiting/$"))
    assert page.get_by_role("heading", name="Pagamento in corso").is_visible()
    assert_accessible(page)
    # The Node's receipt arrives (the test plays the job queue's clock).
    node.deliver_due(timezone.now() + timezone.timedelta(seconds=61))
    page.get_by_role("heading", name="Pagamento completato").wait_for(timeout=10_000)


def test_payer_cancels_and_can_try_again(page, option):
    log_in(page, f"/comune-di-prova/pratiche/{option.position_id}/")
    page.get_by_role("button", name=re.compile("^Paga")).click()
    page.wait_for_url(re.compile(r"/sandbox/checkout/c/"))
    page.get_by_role("button", name="Annulla il pagamento").click()
    page.wait_for_url(re.compile(r"/cancel/$"))
    assert page.get_by_role("heading", name="Pagamento annullato").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Riprova il pagamento").click()
    page.wait_for_url(re.compile(r"/sandbox/checkout/c/"))


def test_printed_notice_paid_at_the_sportello_psp(page, option, organization):
    # What the avviso prints: the codice avviso in groups of four, and the Ente's CF.
    printed = " ".join(option.notice_number[i:i + 4] for i in range(0, 18, 4))
    page.goto("/sandbox/psp/")
    assert_accessible(page)
    page.get_by_label("Codice avviso").fill(printed)
    page.get_by_label("Codice fiscale dell'Ente").fill(organization.fiscal_code)
    page.get_by_role("button", name="Verifica l'avviso").click()
    page.get_by_role("button", name="Paga 22,00 €").wait_for()
    assert organization.name in page.locator("main").inner_text()
    choose(page, "Tabaccheria Sandbox")
    assert_accessible(page)
    page.get_by_role("button", name="Paga 22,00 €").click()
    page.get_by_role("heading", name="Pagamento eseguito").wait_for()
    assert "consegnata" in page.locator("main").inner_text()

    log_in(page, f"/comune-di-prova/pratiche/{option.position_id}/")
    text = page.locator("main").inner_text()
    assert "Pagata" in text and "Tabaccheria Sandbox" in text
    assert not page.js_errors, page.js_errors


def test_paga_then_accedi_goes_on_to_checkout(page, site, make_position, payer):
    """A visitor finds the position, presses Paga, logs in, confirms the amount once and is
    on Checkout: no second search for the Paga button."""
    make_position()
    page.goto("/comune-di-prova/")
    page.get_by_label("Codice Fiscale").fill("RSSMRA80E12H501I")
    page.get_by_label("Riferimento Pratica / IUV").fill("TS-2026-09")
    page.get_by_role("button", name="Trova pratica").click()
    page.get_by_role("button", name=re.compile("^Paga")).first.click()
    page.wait_for_url(re.compile(r"/accedi/\?next="))
    page.locator("[name=username]").fill("mario.rossi@example.it")
    page.locator("[name=password]").fill("Password-lunga-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/paga/conferma/\?option=\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Conferma il pagamento")
    expect(page.locator("main")).to_contain_text("22,00 €")
    assert_accessible(page)
    page.get_by_role("button", name="Vai al pagamento").click()
    page.wait_for_url(re.compile(r"/sandbox/checkout/c/"))
