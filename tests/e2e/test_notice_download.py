"""A visitor finds the demo position with Ricerca pratica and prints its avviso."""

from pathlib import Path

import pytest
from django.core.management import call_command

from tests.documents.conftest import all_text, qr_texts
from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def test_visitor_downloads_the_avviso(page, demo):
    from positions.models import PaymentOption

    option = PaymentOption.objects.get(position__external_reference="TS-2026-09")
    page.goto("/comune-di-test/")
    page.get_by_label("Codice Fiscale").fill("RSSMRA80E12H501I")
    page.get_by_label("Riferimento Pratica / IUV").fill("TS-2026-09")
    page.get_by_role("button", name="Trova pratica").click()
    button = page.get_by_role("link", name="Stampa bollettino")
    button.wait_for()
    assert_accessible(page)

    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename == f"avviso-{option.notice_number}.pdf"
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert qr_texts(pdf) == [f"PAGOPA|002|{option.notice_number}|80000120016|0000002200"]
    assert "22,00 Euro" in all_text(pdf)
    assert not page.js_errors, page.js_errors


def test_receipt_check_page_is_accessible(page, demo):
    response = page.goto("/comune-di-test/verifica/not-a-token/")
    assert response.status == 404
    assert "Ricevuta non trovata o non autentica" in page.locator("main").inner_text()
    assert_accessible(page)
    # Chromium logs the page's own 404 status as a console error; nothing else may appear.
    assert all("status of 404" in e for e in page.js_errors), page.js_errors
