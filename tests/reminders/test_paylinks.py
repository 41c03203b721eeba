"""Signed pay links: the page opens the position without login; tampered, expired,
revoked and foreign tokens all get the same page and status, showing nothing of it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core import signing
from django.test import override_settings

from audit.models import AuditEntry
from positions import editing
from positions.services import OptionSpec
from reminders import paylinks
from reminders.models import PayLink

pytestmark = pytest.mark.django_db

CAUSALE = "Trasporto scolastico mese di Settembre"
REFUSED = "Link di pagamento non valido"


@pytest.fixture
def position(make_position):
    return make_position()


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def assert_nothing_shown(response, position):
    body = response.content.decode()
    assert response.status_code == 404
    assert REFUSED in body and "Ricerca pratica" in body
    option = position.options.get()
    for secret in (CAUSALE, option.notice_number, option.iuv, "22,00", position.debtor.full_name,
                   position.debtor.fiscal_code, position.service.name):
        assert secret not in body
    assert response["X-Robots-Tag"].startswith("noindex")


def test_the_link_opens_the_position_without_login(client, position, settings):
    settings.SITE_URL = "https://pagamenti.comune.example"
    url = paylinks.pay_link_url(position)
    assert re.fullmatch(r"https://pagamenti\.comune\.example/comune-di-prova/paga/[^/]+/", url)
    response = client.get(path_of(url))
    body = response.content.decode()
    assert response.status_code == 200
    option = position.options.get()
    assert CAUSALE in body and option.notice_number in body and "22,00" in body
    assert "Comune di Prova" in body and "Paga" in body and "Stampa bollettino" in body
    # what the avviso prints about the debt, not who the debtor is
    assert position.debtor.fiscal_code not in body and position.debtor.full_name not in body
    assert response["X-Robots-Tag"].startswith("noindex")
    assert response["Referrer-Policy"] == "same-origin"
    assert '<meta name="robots" content="noindex' in body


def test_the_live_link_is_reused(position):
    assert paylinks.pay_link_url(position) == paylinks.pay_link_url(position)
    assert PayLink.objects.count() == 1


def test_the_avviso_downloads_through_the_link(client, position):
    url = paylinks.pay_link_url(position)
    response = client.get(path_of(url) + "avviso.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("where", [0, 5, -1, -10])
def test_a_tampered_token_shows_nothing(client, position, where):
    path = path_of(paylinks.pay_link_url(position))
    token = path.rstrip("/").rsplit("/", 1)[1]
    char = token[where]
    altered = token[:where] + ("A" if char != "A" else "B") + token[where:][1:]
    response = client.get(path.replace(token, altered))
    assert_nothing_shown(response, position)
    assert client.get(path.replace(token, altered) + "avviso.pdf").status_code == 404


def test_a_token_signed_for_something_else_shows_nothing(client, position):
    link = paylinks.pay_link_for(position)
    forged = signing.Signer(salt="documents.receipt").sign(link.public_id)
    assert_nothing_shown(client.get(f"/comune-di-prova/paga/{forged}/"), position)
    with override_settings(SECRET_KEY="another-secret-key-for-this-test-only-0123456789"):
        other_key = paylinks.token_for(link)
    assert_nothing_shown(client.get(f"/comune-di-prova/paga/{other_key}/"), position)


def test_an_expired_link_shows_nothing(client, position, settings):
    path = path_of(paylinks.pay_link_url(position))
    due = position.options.get().due_date
    settings.REMINDERS_PAY_LINK_DAYS_AFTER_DUE = 60
    with _today(due + timedelta(days=60)):
        assert client.get(path).status_code == 200  # the last day still opens
    with _today(due + timedelta(days=61)):
        assert_nothing_shown(client.get(path), position)


def test_expiry_is_configurable_and_follows_the_due_date(position, settings):
    due = position.options.get().due_date
    settings.REMINDERS_PAY_LINK_DAYS_AFTER_DUE = 10
    assert paylinks.expires_on(position) == due + timedelta(days=10)


def test_a_revoked_link_shows_nothing_and_is_audited(client, position, django_user_model):
    staff = django_user_model.objects.create_user("op@comune.example", "Password-lunga-123")
    link = paylinks.pay_link_for(position)
    path = path_of(paylinks.url_of(link))
    paylinks.revoke(link, actor=staff)
    assert_nothing_shown(client.get(path), position)
    entry = AuditEntry.objects.get(action="pay_link.revoked")
    assert entry.position_id == position.pk and entry.actor == staff
    # the next link is a new one
    assert paylinks.pay_link_for(position).pk != link.pk


def test_another_entes_token_under_this_ente_shows_nothing(client, position,
                                                           other_organization):
    path = path_of(paylinks.pay_link_url(position))
    foreign = path.replace("/comune-di-prova/", f"/{other_organization.slug}/")
    response = client.get(foreign)
    assert response.status_code == 404 and REFUSED in response.content.decode()
    assert CAUSALE not in response.content.decode()


def test_a_paid_or_cancelled_position_offers_no_paga(client, position, django_user_model):
    path = path_of(paylinks.pay_link_url(position))
    staff = django_user_model.objects.create_user("op@comune.example", "Password-lunga-123")
    editing.cancel_position(position, expected_version=position.version,
                            reason="Errore di emissione", actor=staff)
    body = client.get(path).content.decode()
    assert "Annullata" in body and "Stampa bollettino" not in body
    assert 'name="option"' not in body


def test_paga_refuses_an_option_of_another_position(client, position, make_position):
    other = make_position(reference="TS-2026-10",
                          installments=[OptionSpec(1500, date.today() + timedelta(days=9))])
    path = path_of(paylinks.pay_link_url(position))
    response = client.post(path, {"option": other.options.get().pk}, follow=True)
    assert "non è disponibile per il pagamento" in response.content.decode()
    assert response.redirect_chain[-1][0] == path


def test_too_many_tries_are_refused(client, position, settings):
    settings.REMINDERS_PAY_LINK_RATE = "3/m"
    path = path_of(paylinks.pay_link_url(position))
    for _ in range(3):
        assert client.get(path).status_code == 200
    response = client.get(path)
    assert response.status_code == 429 and CAUSALE not in response.content.decode()


def _today(day: date):
    """The Ente's today, as the link's expiry sees it."""
    from unittest import mock

    return mock.patch("reminders.paylinks.today", return_value=day)
