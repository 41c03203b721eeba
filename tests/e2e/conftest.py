"""Browser journeys: Playwright driving Debian's Chromium against pytest-django's
live server. Without /usr/bin/chromium the journeys are skipped with a hint (CI installs
it in .ci/run and refuses to skip)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
LAUNCH_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]



def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"CI needs Chromium at {CHROMIUM} for the browser tests")
    skip = pytest.mark.skip(reason="Chromium not found: install it (apt-get install chromium) "
                                   "or set CHROMIUM_PATH to run the browser tests")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread for the whole
    # session; the ORM calls that tests make are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="it-IT", base_url=live_server.url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.js_errors = errors
    yield page
    context.close()


#: Where the journeys save screenshots for docs/ when asked (SCREENSHOTS_DIR=docs/screenshots).
SCREENSHOTS_DIR = os.environ.get("SCREENSHOTS_DIR")


def screenshot(page, name: str, full_page: bool = True) -> None:
    """Save a small PNG of the page for the docs, only when SCREENSHOTS_DIR is set."""
    if SCREENSHOTS_DIR:
        Path(SCREENSHOTS_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS_DIR) / f"{name}.png"), full_page=full_page,
                        scale="css", type="png")


def assert_accessible(page) -> None:
    """axe-core in the page: no WCAG 2.1 A/AA violation, whatever its impact."""
    # evaluate() runs through the DevTools protocol, so our strict CSP (which rightly
    # refuses an injected <script>) stays on while axe runs.
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
    assert not bad, "\n".join(bad)


def backoffice_menu(page, name: str) -> None:
    """Click an entry of the back office's menu, opening its group first (the groups of
    backoffice/menu.py are dropdowns: their links are hidden until opened)."""
    nav = page.get_by_role("navigation", name="Menu del back office")
    link = nav.get_by_role("link", name=name, exact=True, include_hidden=True)
    if not link.is_visible():
        link.locator("xpath=ancestor::li[contains(@class, 'dropdown')][1]/button").click()
    link.click()
