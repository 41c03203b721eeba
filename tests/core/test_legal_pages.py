"""The legal pages of a PA site: footer links (with the Comuni model's data-element),
the privacy notice per Ente with a sound default, legal notes, cookies (technical only)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_footer_links_to_the_legal_pages(client, organization):
    html = client.get(reverse("positions:search", args=[organization.slug])).content.decode()
    footer = html[html.index('<footer'):]
    assert f'href="/{organization.slug}/privacy/" data-element="privacy-policy-link"' in footer
    assert f'href="/{organization.slug}/note-legali/" data-element="legal-notes"' in footer
    assert f'href="/{organization.slug}/cookie/"' in footer
    # No statement configured: no link pretending to be one; feedback by the Ente's email.
    assert 'data-element="accessibility-link"' not in footer
    assert re.search(r'href="mailto:info@comune\.example\?subject=[^"]+"\s+'
                     r'data-element="report-inefficiency"', footer)


def test_accessibility_statement_and_feedback_are_per_ente(client, organization):
    organization.accessibility_statement_url = "https://form.agid.gov.it/view/abc-123"
    organization.feedback_url = "https://www.comune.example/segnalazioni"
    organization.save()
    html = client.get(reverse("positions:search", args=[organization.slug])).content.decode()
    assert re.search(r'href="https://form\.agid\.gov\.it/view/abc-123"\s+'
                     r'data-element="accessibility-link">Dichiarazione di accessibilità', html)
    assert re.search(r'href="https://www\.comune\.example/segnalazioni"\s+'
                     r'data-element="report-inefficiency"', html)


def test_the_default_privacy_notice_names_the_ente_and_says_what_article_13_asks(
        client, organization):
    text = client.get(reverse("legal:privacy", args=[organization.slug])).content.decode()
    for expected in ("Titolare del trattamento", "Comune di Prova", "80000120016",
                     "Base giuridica", "Per quanto tempo", "I tuoi diritti",
                     "Garante per la protezione dei dati personali", "PagoPA S.p.A."):
        assert expected in text, expected


def test_an_entes_own_privacy_text_replaces_the_default(client, organization):
    organization.privacy_notice = "Primo paragrafo <b>non HTML</b>.\n\nSecondo paragrafo."
    organization.save()
    html = client.get(reverse("legal:privacy", args=[organization.slug])).content.decode()
    assert "<p>Primo paragrafo &lt;b&gt;non HTML&lt;/b&gt;.</p>" in html
    assert "<p>Secondo paragrafo.</p>" in html and "Base giuridica" not in html


def test_legal_notes_page(client, organization):
    html = client.get(reverse("legal:legal_notes", args=[organization.slug])).content.decode()
    assert "Note legali" in html and "Comune di Prova" in html


def test_the_cookie_page_lists_every_cookie_a_journey_sets(client, organization, payer):
    """Search, a message, a login, a language change: only the listed technical cookies."""
    from organizations.views import technical_cookies

    listed = {c["name"] for c in technical_cookies()}
    page = client.get(reverse("legal:cookies", args=[organization.slug])).content.decode()
    assert "solo cookie tecnici" in page
    for name in listed:
        assert f"<code>{name}</code>" in page
    search = reverse("positions:search", args=[organization.slug])
    client.post(search, {"fiscal_code": "RSSMRA80E12H501I", "reference": "X"})
    login = reverse("accounts:login", args=[organization.slug])
    client.post(login, {"username": payer.email, "password": "Password-lunga-123"})
    client.post(reverse("accounts:logout", args=[organization.slug]))
    client.post(reverse("set_language"), {"language": "en", "next": search})
    assert set(client.cookies) <= listed, set(client.cookies) - listed
    assert settings.SESSION_COOKIE_NAME in client.cookies
