"""A payer ticks rows of Da Pagare and of Storico Pratiche and downloads their documents
in one ZIP: avvisi for what is to pay, quietanze for what was paid."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_portal_journey import ENTE, demo_payer, log_in  # noqa: F401 - fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
BUNDLE_PAGE = re.compile(rf".*{ENTE}/documenti/[0-9a-f-]{{36}}/$")


def zip_names(download) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes())) as archive:
        return sorted(archive.namelist())


def download_zip(page) -> list[str]:
    page.wait_for_url(BUNDLE_PAGE)
    expect(page.get_by_role("status")).to_contain_text("Il file è pronto")
    assert_accessible(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Scarica il file ZIP").click()
    return zip_names(info.value)


def test_zip_of_the_selected_rows(page, demo_payer):  # noqa: F811 - pytest fixture
    from payments.models import Receipt
    from positions.models import PaymentOption

    log_in(page)
    # nothing ticked: back on the page with a message
    page.get_by_role("button", name="Scarica selezionati (ZIP)").click()
    page.wait_for_url(f"**{ENTE}/pratiche/")
    expect(page.get_by_role("alert")).to_contain_text("Seleziona almeno una riga")

    option = PaymentOption.objects.get(position__external_reference="TS-2026-09")
    page.get_by_label(re.compile(r"^Seleziona Trasporto scolastico mese di Settembre")).check()
    page.get_by_role("button", name="Scarica selezionati (ZIP)").click()
    assert download_zip(page) == [f"avviso-{option.notice_number}.pdf"]

    receipt = Receipt.objects.filter(applied=True, option__position__debtor__fiscal_code=(
        "RSSMRA80E12H501I")).select_related("option__position").first()
    page.goto(f"{ENTE}/pratiche/storico/?riferimento={receipt.option.iuv}")
    assert_accessible(page)
    page.get_by_label(re.compile(rf"^Seleziona {re.escape(receipt.option.position.causale)}"),
                      ).check()
    page.get_by_role("button", name="Scarica selezionati (ZIP)").click()
    assert download_zip(page) == [f"quietanza-{receipt.creditor_reference_id}.pdf"]
    assert not page.js_errors, page.js_errors
