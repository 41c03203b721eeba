"""Every page: strict CSP, no inline script or style, personal pages not cached."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _pages(organization):
    return [reverse("positions:search", args=[organization.slug]),
            reverse("accounts:login", args=[organization.slug])]


def test_strict_csp_and_no_inline_code(client, organization):
    for url in _pages(organization):
        response = client.get(url)
        assert response.status_code == 200
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "unsafe-inline" not in csp
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert "<style" not in html, url
        assert not re.search(r"\sstyle=", html), url
        assert not re.search(r"\son[a-z]+=", html), url


def test_personal_pages_are_not_stored(client, organization):
    response = client.post(reverse("positions:search", args=[organization.slug]),
                           {"fiscal_code": "RSSMRA80E12H501I", "reference": "X"})
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_errors_are_pages_not_tracebacks(client, db):
    response = client.get("/nessun-ente/pratiche/1/")
    assert response.status_code == 404
    assert "Pagina non trovata" in response.content.decode()


def test_the_browser_language_does_not_override_italian(client, organization):
    url = reverse("positions:search", args=[organization.slug])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "it"
    assert '<html lang="it">' in response.content.decode()
