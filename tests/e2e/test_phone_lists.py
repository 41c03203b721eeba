"""On a 390×844 phone the lists are cards: nothing scrolls sideways, and every row's amount
and *Paga* (or *Stampa*) are inside the viewport; the header's parts do not overlap."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ENTE = "/comune-di-test"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo_payer(db):
    from accounts.models import FiscalCodeVerification, User
    from organizations.models import Organization

    call_command("seed_demo", verbosity=0)
    user = User.objects.get(email="mario.rossi@example.it")
    FiscalCodeVerification.objects.get_or_create(
        user=user, fiscal_code=user.fiscal_code,
        organization=Organization.objects.get(slug=ENTE.strip("/")),
        defaults={"method": "staff"})
    return user


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(locale="it-IT", base_url=live_server.url, viewport=PHONE,
                                  device_scale_factor=1, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def assert_no_sideways_scroll(page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth,"
                           " document.body.scrollWidth]")
    assert widths[0] <= widths[1] and widths[2] <= widths[1], widths


def assert_inside(page, locator, what: str) -> None:
    box = locator.bounding_box()
    assert box is not None, what
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (what, box)


def assert_rows_fit(page, rows, action: str) -> int:
    count = rows.count()
    assert count > 0
    for index in range(count):
        row = rows.nth(index)
        row.scroll_into_view_if_needed()
        assert_inside(page, row.locator(".amount"), f"amount of row {index}")
        buttons = row.locator(".row-actions .btn, td .btn")
        if action == "Paga" and row.get_by_role("button", name="Paga").count():
            assert_inside(page, row.get_by_role("button", name="Paga"), f"Paga of row {index}")
        for b in range(buttons.count()):
            assert_inside(page, buttons.nth(b), f"button {b} of row {index}")
    return count


def assert_header_fits(page) -> None:
    assert_no_sideways_scroll(page)
    slim = page.locator(".it-header-slim-wrapper-content")
    parts = slim.locator(":scope > *").all()
    boxes = [p.bounding_box() for p in parts if p.is_visible()]
    for first, second in zip(boxes, boxes[1:], strict=False):
        assert first["x"] + first["width"] <= second["x"], boxes


def test_lists_are_cards_on_a_phone(phone, demo_payer):
    page = phone
    page.goto(f"{ENTE}/")
    assert_header_fits(page)
    assert_accessible(page)
    page.get_by_label("Codice Fiscale").fill("RSSMRA80E12H501I")
    page.get_by_label("Riferimento Pratica / IUV").fill("TS-2026-09")
    page.get_by_role("button", name="Trova pratica").click()
    expect(page.locator("#results-title")).to_be_visible()
    assert_no_sideways_scroll(page)
    assert_rows_fit(page, page.locator("#results-title ~ * tbody tr"), "Paga")
    assert_accessible(page)
    page.locator("#results-title").scroll_into_view_if_needed()
    screenshot(page, "phone-search-result", full_page=False)

    page.goto(f"{ENTE}/accedi/?next={ENTE}/pratiche/")
    page.locator("input[name=username]").fill("mario.rossi@example.it")
    page.locator("input[name=password]").fill("Sportello-demo-2026")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"**{ENTE}/pratiche/")
    assert_header_fits(page)
    assert_rows_fit(page, page.locator(".portal-table tbody tr"), "Paga")
    assert_accessible(page)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "phone-da-pagare", full_page=False)

    page.goto(f"{ENTE}/pratiche/storico/")
    assert_header_fits(page)
    assert_rows_fit(page, page.locator(".portal-table tbody tr"), "Paga")
    expect(page.locator(".portal-table").get_by_role("link", name="Stampa").first).to_be_visible()
    assert_accessible(page)
    page.locator(".portal-table caption").scroll_into_view_if_needed()
    screenshot(page, "phone-storico", full_page=False)
