"""The back office's menu: a few labelled groups (not one row of 13 links), the same URLs,
and the operatore sees only what is theirs."""

from __future__ import annotations

import pytest
from django.urls import reverse
from lxml import html

pytestmark = pytest.mark.django_db

MANAGER_ONLY = ["services", "ente", "appio", "staff", "webhooks", "api_tokens", "audit"]
EVERYONE = ["positions", "imports", "receipts", "reconciliation", "unreachable"]


def menu(client, organization) -> dict[str, list[tuple[str, str]]]:
    """{group: [(link text, href)]} as the page draws it: each group a button naming it
    that controls its list, which opens with a heading of the same name."""
    page = client.get(reverse("backoffice:home", args=[organization.slug]))
    (nav,) = html.fromstring(page.content).xpath(
        '//nav[@aria-label="Menu del back office"]')
    groups = {}
    for button in nav.xpath(".//button[@aria-controls and @data-bs-toggle='dropdown']"):
        (listing,) = nav.xpath(f'.//*[@id="{button.get("aria-controls")}"]')
        label = button.text_content().strip()
        assert [h.text_content().strip() for h in listing.xpath(".//h2")] == [label]
        groups[label] = [(a.text_content().strip(), a.get("href"))
                         for a in listing.xpath(".//a")]
    return groups


def hrefs(groups) -> set[str]:
    return {href for links in groups.values() for _, href in links}


def url(organization, name: str) -> str:
    return reverse(f"backoffice:{name}", args=[organization.slug])


def test_the_responsabile_s_menu_is_grouped(manager_client, organization):
    groups = menu(manager_client, organization)
    assert list(groups) == ["Posizioni", "Incassi e riconciliazione", "Comunicazioni",
                            "Ente e impostazioni"]
    assert [text for text, _ in groups["Incassi e riconciliazione"]] == [
        "Ricevute", "Riconciliazione"]
    assert all(len(links) <= 4 for links in groups.values())
    assert hrefs(groups) == {url(organization, n) for n in EVERYONE + MANAGER_ONLY}


def test_the_operatore_s_menu_hides_the_responsabile_s_entries(operator_client,
                                                                organization):
    groups = menu(operator_client, organization)
    assert list(groups) == ["Posizioni", "Incassi e riconciliazione", "Comunicazioni"]
    assert hrefs(groups) == {url(organization, n) for n in EVERYONE}
    assert groups["Comunicazioni"] == [("Irraggiungibili", url(organization, "unreachable"))]
