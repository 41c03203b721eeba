"""Error pages keep the Ente: its name and contacts, a request id, only true sentences."""

from __future__ import annotations

import re
import uuid

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

ERRORS_URLCONF = "tests.core.error_urls"


def _assert_branded(response, organization, status: int) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert organization.name in html and organization.email in html  # header and footer
    assert re.search(r"codice della richiesta: <code>[0-9a-f]{32}</code>", html)
    assert "Traceback" not in html and "DEBUG" not in html
    return html


def test_404_under_an_ente_keeps_its_name_and_contacts(client, organization):
    html = _assert_branded(client.get(f"/{organization.slug}/non-esiste/"), organization, 404)
    assert "Pagina non trovata" in html
    assert f'href="/{organization.slug}/"' in html


def test_404_of_a_position_that_is_not_yours_keeps_the_ente(client, organization, payer):
    client.force_login(payer)
    _assert_branded(client.get(f"/{organization.slug}/pratiche/999999/"), organization, 404)


def test_404_without_an_ente_is_still_a_page(client, db):
    response = client.get("/nessun-ente/pratiche/1/")
    assert response.status_code == 404
    assert "Pagina non trovata" in response.content.decode()
    assert 'href="/"' in response.content.decode()


@override_settings(ROOT_URLCONF=ERRORS_URLCONF)
@pytest.mark.parametrize("address", ["prova-errore", "prova-errore-ente"])
def test_500_under_an_ente_keeps_the_ente_and_says_only_what_is_true(organization, address):
    client = Client(raise_request_exception=False)
    html = _assert_branded(client.get(f"/{organization.slug}/{address}/"), organization, 500)
    assert "Nessun dato è andato perso" not in html
    assert "Riprova tra qualche minuto" in html
    posted = _assert_branded(client.post(f"/{organization.slug}/{address}/"), organization, 500)
    assert "potrebbero non essere stati salvati" in posted


@override_settings(ROOT_URLCONF=ERRORS_URLCONF)
def test_500_when_the_database_is_gone_is_the_plain_page(organization, monkeypatch):
    from organizations import errors

    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(errors.Organization.objects, "filter", broken)
    response = Client(raise_request_exception=False).get(f"/{organization.slug}/prova-errore/")
    assert response.status_code == 500
    assert "Servizio momentaneamente non disponibile" in response.content.decode()


@override_settings(ROOT_URLCONF=ERRORS_URLCONF)
def test_500_when_the_page_itself_fails_is_still_a_styled_page(organization, monkeypatch):
    """The session (messages, user) may be what failed: the page is rendered again
    without the request, with its styles."""
    from organizations import errors

    real = errors.render_to_string
    calls = []

    def first_fails(template, context=None, request=None):
        calls.append(request)
        if request is not None:
            raise RuntimeError("session store down")
        return real(template, context)

    monkeypatch.setattr(errors, "render_to_string", first_fails)
    response = Client(raise_request_exception=False).get(f"/{organization.slug}/prova-errore/")
    assert response.status_code == 500 and len(calls) == 2
    html = response.content.decode()
    assert "Servizio momentaneamente non disponibile" in html
    assert "vendor/bootstrap-italia/2.18.3/css/bootstrap-italia.min.css" in html


@override_settings(ROOT_URLCONF=ERRORS_URLCONF)
def test_400_keeps_the_ente(client, organization):
    html = _assert_branded(client.get(f"/{organization.slug}/prova-sospetta/"), organization, 400)
    assert "Richiesta non valida" in html


def _search_form(client, organization) -> str:
    html = client.get(reverse("positions:search", args=[organization.slug])).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_stale_form_after_logging_in_elsewhere_is_an_expired_page(organization, payer):
    """Two tabs: the search form is open in one, the payer logs in in the other (which
    rotates the CSRF token); the first tab's form then answers *pagina scaduta*."""
    browser = Client(enforce_csrf_checks=True)
    stale_token = _search_form(browser, organization)
    login_url = reverse("accounts:login", args=[organization.slug])
    login_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                            browser.get(login_url).content.decode()).group(1)
    logged = browser.post(login_url, {"username": payer.email, "password": "Password-lunga-123",
                                      "csrfmiddlewaretoken": login_token})
    assert logged.status_code == 302
    response = browser.post(reverse("positions:search", args=[organization.slug]),
                            {"fiscal_code": "RSSMRA80E12H501I", "reference": "X",
                             "csrfmiddlewaretoken": stale_token})
    html = _assert_branded(response, organization, 403)
    assert "La pagina è scaduta" in html
    assert "Ricarica la pagina" in html and f'href="/{organization.slug}/"' in html
    assert "Verifica CSRF fallita" not in html and "CSRF verification failed" not in html


def test_a_form_without_the_cookie_says_to_allow_cookies(organization):
    response = Client(enforce_csrf_checks=True).post(
        reverse("positions:search", args=[organization.slug]), {"fiscal_code": "X"})
    html = _assert_branded(response, organization, 403)
    assert "cookie tecnico" in html


def test_429_page_keeps_the_ente(rf, organization):
    from organizations.errors import too_many_requests

    request = rf.get(f"/{organization.slug}/")
    request.user = None
    response = too_many_requests(request)
    assert response.status_code == 429
    assert "Troppe richieste" in response.content.decode()
    assert organization.name in response.content.decode()


# --- 405: every address that only takes a POST ---------------------------------------------

SAMPLE = {"int": "1", "uuid": str(uuid.uuid4()), "str": "prova", "slug": "prova",
          "path": "prova"}


def _routes(resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""):
    """(view name, route) of every URL pattern but the admin's."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("admin/"):
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry, route, inner)
        elif isinstance(entry, URLPattern) and not route.startswith("admin/"):
            yield f"{namespace}{entry.name}" if entry.name else route, route


def _sample_path(route: str, ente: str) -> str:
    def fill(match):
        converter, name = match.group(1) or "str", match.group(2)
        return ente if name == "ente" else SAMPLE[converter]

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)


def test_a_get_on_a_post_only_address_never_gets_an_empty_405(client, organization):
    redirected, branded = {}, []
    for name, route in _routes():
        path = _sample_path(route, organization.slug)
        response = client.get(path)
        # The REST API answers machines: its 405 is a problem document (tests/api).
        assert response.status_code != 405 or "Indirizzo non utilizzabile" in \
            response.content.decode() or response["Content-Type"] == (
                "application/problem+json"), path
        if response.status_code == 405:
            branded.append(name)
            assert response.has_header("Allow")
        elif name in settings.FORM_PAGES:
            redirected[name] = response
    # Every POST-only address of the payer's portal goes to the page that holds its form.
    assert set(redirected) == set(settings.FORM_PAGES)
    for name, response in redirected.items():
        assert response.status_code == 302, name
        assert response["Location"] == reverse(settings.FORM_PAGES[name],
                                               args=[organization.slug]), name
    assert not [name for name in branded if "<slug:ente>" in dict(_routes())[name]]


def test_the_405_page_under_an_ente_is_branded(client, organization):
    # A POST on a GET-only page of the portal: no form holds it, so the page explains.
    url = reverse("positions:history", args=[organization.slug])
    html = _assert_branded(client.post(url), organization, 405)
    assert "Indirizzo non utilizzabile" in html


def test_the_405_of_the_sandbox_is_a_page_too(client, db):
    response = client.get(reverse("sandbox:counter_pay"))
    assert response.status_code == 405
    assert "Indirizzo non utilizzabile" in response.content.decode()
