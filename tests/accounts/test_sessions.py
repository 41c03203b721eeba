"""Gestione utenze: several accounts held in one browser, switching, Esci / Esci da tutte,
and isolation: nothing of one account while another is active."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import FiscalCodeVerification, User
from accounts.sessions import HELD_KEY
from positions.models import Debtor, PositionClaim
from tests.accounts.conftest import url

pytestmark = pytest.mark.django_db

PAYER_PASSWORD = "Password-lunga-123"


@pytest.fixture
def anna(db):
    return User.objects.create_user("anna.verdi@example.it", "Anna-password-lunga-1",
                                    first_name="Anna", last_name="Verdi",
                                    fiscal_code="VRDNNA85C41F205W", address="Via Anna 9")


def login(client, organization, email, password, adding=False):
    name = "accounts:add_account" if adding else "accounts:login"
    return client.post(url(name, organization), {"username": email, "password": password})


@pytest.fixture
def both(client, organization, payer, anna):
    """Mario logged in, then Anna added: Anna is active, both are held."""
    login(client, organization, payer.email, PAYER_PASSWORD)
    response = login(client, organization, anna.email, "Anna-password-lunga-1", adding=True)
    assert response.url == url("positions:home", organization)
    return client


def active_name(client, organization) -> str:
    page = client.get(url("positions:home", organization)).content.decode()
    start = page.index('class="account-name">') + len('class="account-name">')
    return page[start:page.index("<", start)]


def switch(client, organization, user):
    return client.post(url("accounts:switch", organization), {"user": user.pk})


def test_add_account_keeps_the_first_and_shows_the_active_one(both, organization, payer,
                                                              anna):
    assert active_name(both, organization) == "Anna Verdi"
    page = both.get(url("positions:home", organization)).content.decode()
    assert "Passa a Mario Rossi" in page and "Esci da tutte" in page
    held = [entry["id"] for entry in both.session[HELD_KEY]]
    assert held == [payer.pk, anna.pk]


def test_add_account_page_is_reachable_while_logged_in(client, organization, payer):
    client.force_login(payer)
    assert client.get(url("accounts:login", organization)).status_code == 302
    page = client.get(url("accounts:add_account", organization)).content.decode()
    assert "Aggiungi utenza" in page and 'name="password"' in page


def test_switch_between_the_two(both, organization, payer, anna):
    response = switch(both, organization, payer)
    assert response.url == url("positions:home", organization)
    assert active_name(both, organization) == "Mario Rossi"
    switch(both, organization, anna)
    assert active_name(both, organization) == "Anna Verdi"


def test_only_held_accounts_can_be_switched_to(both, organization):
    stranger = User.objects.create_user("x@example.it", "x", first_name="Estraneo")
    response = switch(both, organization, stranger)
    assert response.url == url("accounts:login", organization)
    assert active_name(both, organization) == "Anna Verdi"
    # and a browser holding nobody cannot switch at all
    fresh = Client()
    switch(fresh, organization, stranger)
    assert "_auth_user_id" not in fresh.session


def test_esci_drops_the_current_and_the_other_becomes_active(both, organization, payer):
    both.post(url("accounts:logout", organization))
    assert active_name(both, organization) == "Mario Rossi"
    assert [e["id"] for e in both.session[HELD_KEY]] == [payer.pk]
    both.post(url("accounts:logout", organization))
    assert both.get(url("positions:home", organization)).status_code == 302


def test_esci_da_tutte(both, organization):
    response = both.post(url("accounts:logout_all", organization))
    assert response.url == url("positions:search", organization)
    assert HELD_KEY not in both.session and "_auth_user_id" not in both.session
    assert both.get(url("positions:home", organization)).status_code == 302


def test_logout_needs_a_post(both, organization):
    # A GET logs nobody out: it goes back to the pages that hold the Esci forms.
    for name in ("accounts:logout", "accounts:logout_all"):
        response = both.get(url(name, organization))
        assert response.status_code == 302
        assert response["Location"] == url("positions:home", organization)
    assert "_auth_user_id" in both.session


def test_a_password_change_elsewhere_drops_the_held_account(both, organization, payer):
    payer.set_password("Cambiata-altrove-123")
    payer.save()
    assert switch(both, organization, payer).url == url("accounts:login", organization)
    home = both.get(url("positions:home", organization)).content.decode()
    assert "Passa a Mario Rossi" not in home
    assert active_name(both, organization) == "Anna Verdi"


def test_deactivation_drops_the_held_account(both, organization, payer):
    User.objects.filter(pk=payer.pk).update(is_active=False)
    assert switch(both, organization, payer).url == url("accounts:login", organization)


def test_own_password_change_keeps_holding_the_account(both, organization, payer, anna):
    both.post(url("accounts:password_change", organization), {
        "old_password": "Anna-password-lunga-1", "new_password1": "Anna-nuova-password-2",
        "new_password2": "Anna-nuova-password-2"})
    switch(both, organization, payer)
    assert active_name(both, organization) == "Mario Rossi"
    switch(both, organization, anna)
    assert active_name(both, organization) == "Anna Verdi"


def test_nothing_of_one_account_is_visible_while_another_is_active(both, organization,
                                                                   payer, anna,
                                                                   make_position, service):
    # Mario has a claimed position and a verified codice fiscale with its own position
    claimed = make_position(reference="CLAIMED-MARIO")
    PositionClaim.objects.create(user=payer, position=claimed, source="search")
    FiscalCodeVerification.objects.create(user=payer, fiscal_code=payer.fiscal_code,
                                          method="staff")
    User.objects.filter(pk=payer.pk).update(address="Via Mario 1", phone="+390612345678")
    anna_debtor = Debtor.objects.create(organization=organization,
                                        fiscal_code=anna.fiscal_code, full_name="Anna Verdi")
    anna_position = make_position(debtor=anna_debtor, reference="ANNA-1",
                                  causale="Mensa di Anna")
    PositionClaim.objects.create(user=anna, position=anna_position, source="created")

    mario_marks = ["CLAIMED-MARIO", "Via Mario 1", payer.email, payer.fiscal_code,
                   "Trasporto scolastico mese di Settembre"]
    pages = ["positions:home", "accounts:profile", "accounts:password_change",
             "accounts:email_change", "accounts:verify_fiscal_code"]
    for name in pages:  # Anna is active
        page = both.get(url(name, organization)).content.decode()
        assert "Anna" in page, name
        for mark in mario_marks:
            assert mark not in page, (name, mark)
    assert both.get(url("positions:detail", organization, claimed.pk)).status_code == 404
    assert both.get(url("positions:detail", organization, anna_position.pk)).status_code == 200
    paying = both.post(url("payments:start", organization),
                       {"option": claimed.options.get().pk}, follow=True)
    assert "non è disponibile per il pagamento" in paying.content.decode()

    switch(both, organization, payer)  # now Mario: nothing of Anna
    for name in pages:
        page = both.get(url(name, organization)).content.decode()
        for mark in ("Via Anna 9", anna.email, anna.fiscal_code, "Mensa di Anna"):
            assert mark not in page, (name, mark)
    assert both.get(url("positions:detail", organization, anna_position.pk)).status_code == 404
    assert both.get(url("positions:detail", organization, claimed.pk)).status_code == 200
