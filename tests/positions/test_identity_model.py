"""Issue 10's identity model, tried as an attacker would (items 5 and 6): a codice
fiscale shows its positions only to whoever holds it, at the Ente where it was proved.

Each test of the top list reproduces one attack that worked before the change."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import FiscalCodeVerification, User
from catalog.models import Service
from documents.builders import debtor_info
from payments.models import AcaPush
from positions.access import account_positions, followed_positions
from positions.models import Debtor, PaymentPosition, PositionClaim
from positions.search import FOUND_SESSION_KEY

pytestmark = pytest.mark.django_db
VICTIM_CF = "RSSMRA80E12H501I"  # the ``debtor`` fixture: Mario Rossi, known to the Ente
TOKEN = "0b7d5d0e-3c39-4d8a-9c55-0f7bd2f5a001"


def url(name, organization, *args):
    return reverse(name, args=[organization.slug, *args])


@pytest.fixture
def victim_record(debtor):
    """The Ente's record of the victim's code, with his home address."""
    Debtor.objects.filter(pk=debtor.pk).update(
        address="Via dei Mille 1", city="Roma", province="RM", postal_code="00100",
        email="mario.vero@example.it")
    debtor.refresh_from_db()
    return debtor


@pytest.fixture
def attacker(db):
    """An account that *declares* the victim's codice fiscale."""
    return User.objects.create_user("mallory@example.it", "Password-lunga-123",
                                    first_name="Mario", last_name="Rossi",
                                    fiscal_code=VICTIM_CF, address="Via Falsa 9",
                                    city="Milano", province="MI", postal_code="20100")


@pytest.fixture
def spontaneous_service(organization):
    return Service.objects.create(
        organization=organization, code="contributo", name="Contributo volontario",
        taxonomy_code="9/0101005TS/", spontaneous_allowed=True,
        amount_rule=Service.AmountRule.FIXED, fixed_amount_cents=500,
        causale_template="Contributo volontario")


@pytest.fixture
def other_ente_position(other_organization, make_position):
    """The victim's position at the other Ente of the installation."""
    service = Service.objects.create(organization=other_organization, code="tari",
                                     name="TARI", taxonomy_code="9/0102106TS/")
    debtor = Debtor.objects.create(organization=other_organization, fiscal_code=VICTIM_CF,
                                   full_name="Mario Rossi")
    return make_position(organization=other_organization, service=service, debtor=debtor,
                         causale="TARI 2026", reference="TARI-1")


def logged(client, user):
    client.force_login(user)
    return client


def make_spontaneous(client, organization, service) -> PaymentPosition:
    response = client.post(url("positions:spontaneous_form", organization, service.code),
                           {"token": TOKEN})
    assert response.status_code == 302, response.content.decode()[:500]
    return PaymentPosition.objects.get(service=service)


def verify(client, organization, reference):
    return client.post(url("accounts:verify_fiscal_code", organization),
                       {"reference": reference})


# --- the top list, bullet 1 -------------------------------------------------------------

def test_a_self_made_position_does_not_prove_the_declared_code(
        client, organization, attacker, victim_record, make_position, spontaneous_service):
    victims = make_position()
    logged(client, attacker)
    own = make_spontaneous(client, organization, spontaneous_service)
    assert own.origin == PaymentPosition.Origin.SPONTANEOUS
    response = verify(client, organization, own.options.get().iuv)
    assert "Codice fiscale non verificato." in response.content.decode()
    assert not FiscalCodeVerification.objects.exists()
    assert client.get(url("positions:detail", organization, victims.pk)).status_code == 404
    assert list(account_positions(attacker, organization)) == [own]


def test_a_failed_proof_says_the_same_for_a_wrong_notice_and_another_code(
        client, organization, attacker, make_position, spontaneous_service):
    stranger = Debtor.objects.create(organization=organization, fiscal_code="BNCLRD70A01F205Y",
                                     full_name="Leonardo Bianchi")
    strangers = make_position(debtor=stranger, reference="ALTRO").options.get()
    logged(client, attacker)
    own = make_spontaneous(client, organization, spontaneous_service).options.get()
    client.get(url("positions:home", organization))  # shows the "inserito" message
    answers = set()
    for reference in ("301000000000000999", strangers.notice_number, own.notice_number):
        page = verify(client, organization, reference).content.decode()
        main = page[page.index("<main"):page.index("</main>")]
        answers.add(re.sub(r'(value|name="csrfmiddlewaretoken" value)="[^"]*"', "", main))
        assert "Codice fiscale non verificato." in page
    assert len(answers) == 1
    assert not FiscalCodeVerification.objects.exists()


def test_a_notice_proof_opens_that_ente_only(client, organization, other_organization,
                                             payer, make_position, other_ente_position):
    here = make_position()
    logged(client, payer)
    verify(client, organization, here.options.get().notice_number)
    proof = FiscalCodeVerification.objects.get(user=payer)
    assert (proof.method, proof.organization) == ("notice", organization)
    assert list(account_positions(payer, organization)) == [here]
    assert list(account_positions(payer, other_organization)) == []
    detail = url("positions:detail", other_organization, other_ente_position.pk)
    assert client.get(detail).status_code == 404


def test_certified_opens_every_ente(client, organization, other_organization, payer,
                                    make_position, other_ente_position):
    here = make_position()
    FiscalCodeVerification.objects.create(user=payer, fiscal_code=VICTIM_CF, method="spid")
    assert list(account_positions(payer, organization)) == [here]
    assert list(account_positions(payer, other_organization)) == [other_ente_position]
    logged(client, payer)
    detail = url("positions:detail", other_organization, other_ente_position.pk)
    assert client.get(detail).status_code == 200


def test_a_staff_verification_without_an_ente_opens_nothing(payer, organization,
                                                             make_position):
    make_position()
    FiscalCodeVerification.objects.create(user=payer, fiscal_code=VICTIM_CF, method="staff")
    assert list(account_positions(payer, organization)) == []


def test_verified_holder_does_not_inherit_an_attackers_junk(
        client, organization, attacker, payer, victim_record, make_position,
        spontaneous_service):
    logged(client, attacker)
    junk = make_spontaneous(client, organization, spontaneous_service)
    FiscalCodeVerification.objects.create(user=payer, fiscal_code=VICTIM_CF, method="spid")
    mine = make_position()
    assert list(account_positions(payer, organization)) == [mine]
    assert junk not in account_positions(payer, organization)


# --- the top list, bullet 2 -------------------------------------------------------------

def test_a_declared_codes_spontaneous_position_carries_the_typed_anagrafica(
        client, organization, attacker, victim_record, spontaneous_service,
        django_capture_on_commit_callbacks):
    before = Debtor.objects.values().get(pk=victim_record.pk)
    logged(client, attacker)
    with django_capture_on_commit_callbacks():
        position = make_spontaneous(client, organization, spontaneous_service)
    # the Ente's record of the code is neither used nor written
    assert position.debtor != victim_record
    assert Debtor.objects.values().get(pk=victim_record.pk) == before
    assert position.debtor.declared_by == attacker
    printed = debtor_info(position.debtor)
    assert printed.full_name == "Mario Rossi"
    assert "Via dei Mille 1" not in printed.address_lines
    assert "Via Falsa 9" in printed.address_lines
    # the avviso prints what the position carries, never the victim's home
    avviso = client.get(url("documents:notice", organization, position.pk))
    assert avviso.status_code == 200 and avviso["Content-Type"] == "application/pdf"
    # and it does not land in ACA under the victim's code
    assert not AcaPush.objects.filter(option__position=position).exists()
    assert list(Debtor.ente_records.filter(fiscal_code=VICTIM_CF)) == [victim_record]


def test_a_profile_edit_leaves_the_anagrafica_an_earlier_position_carries(
        client, organization, attacker, victim_record, spontaneous_service):
    """Each spontaneous position of a declared-only account keeps the anagrafica typed
    when it was made: a later profile edit and a new position change neither it nor its
    avviso."""
    logged(client, attacker)
    first = make_spontaneous(client, organization, spontaneous_service)
    before = Debtor.objects.values().get(pk=first.debtor_id)
    profile = client.post(url("accounts:profile", organization), {
        "first_name": "Mario", "last_name": "Rossi", "address": "Via Nuova 2",
        "nation": "IT", "city": "Roma", "province": "RM", "postal_code": "00100"})
    assert profile.status_code == 302
    # the same payment again: the form warns of the unpaid twin; confirmed, it is made
    client.post(url("positions:spontaneous_form", organization, spontaneous_service.code),
                {"token": "0b7d5d0e-3c39-4d8a-9c55-0f7bd2f5a002", "confirm_duplicate": "1"})
    second = PaymentPosition.objects.exclude(pk=first.pk).get(service=spontaneous_service)
    first.refresh_from_db()
    assert Debtor.objects.values().get(pk=first.debtor_id) == before
    assert "Via Falsa 9" in debtor_info(first.debtor).address_lines
    assert second.debtor_id != first.debtor_id
    assert second.debtor.declared_by == attacker
    assert "Via Nuova 2" in debtor_info(second.debtor).address_lines
    # both stay the account's own, listed as its positions; the Ente's record untouched
    assert set(account_positions(attacker, organization)) == {first, second}
    assert list(Debtor.ente_records.filter(fiscal_code=VICTIM_CF)) == [victim_record]


def test_verified_at_the_ente_uses_the_entes_record(client, organization, payer,
                                                    victim_record, spontaneous_service):
    FiscalCodeVerification.objects.create(user=payer, fiscal_code=VICTIM_CF, method="staff",
                                          organization=organization)
    logged(client, payer)
    position = make_spontaneous(client, organization, spontaneous_service)
    assert position.debtor == victim_record


def test_home_of_a_declared_only_account_says_what_it_shows_and_offers_spid_first(
        client, organization, attacker, settings):
    page = logged(client, attacker).get(url("positions:home", organization)).content.decode()
    assert "Codice fiscale dichiarato, non verificato" in page
    assert "Qui vedi solo i pagamenti che hai inserito tu" in page
    verify_link = url("accounts:verify_fiscal_code", organization)
    assert verify_link in page
    if "Entra con SPID" in page:
        assert page.index("Entra con SPID") < page.index(verify_link)


def test_home_of_a_certified_account_has_no_declared_notice(client, organization, payer):
    FiscalCodeVerification.objects.create(user=payer, fiscal_code=VICTIM_CF, method="spid")
    page = logged(client, payer).get(url("positions:home", organization)).content.decode()
    assert "Codice fiscale dichiarato" not in page


# --- item 6: followed positions -----------------------------------------------------------

@pytest.fixture
def sister(organization):
    return Debtor.objects.create(organization=organization, fiscal_code="BNCLRD70A41F205H",
                                 full_name="Leonarda Bianchi")


def test_followed_positions_are_listed_apart_with_the_debtors_name(
        client, organization, payer, sister, make_position):
    followed = make_position(debtor=sister, reference="MENSA-7", causale="Mensa di Leonarda")
    other = make_position(debtor=sister, reference="MENSA-8", causale="Altra pratica")
    logged(client, payer)
    found = client.post(url("positions:search", organization),
                        {"fiscal_code": sister.fiscal_code, "reference": "MENSA-7"})
    assert "Mensa di Leonarda" in found.content.decode()
    assert PositionClaim.objects.filter(user=payer, position=followed).exists()
    page = client.get(url("positions:followed", organization)).content.decode()
    assert "Leonarda Bianchi" in page and "Mensa di Leonarda" in page
    assert "Altra pratica" not in page
    # following opens that position only: not in Da Pagare, not the debtor's others
    home = client.get(url("positions:home", organization)).content.decode()
    assert "Mensa di Leonarda" not in home
    assert list(account_positions(payer, organization)) == []
    assert client.get(url("positions:detail", organization, followed.pk)).status_code == 200
    assert client.get(url("positions:detail", organization, other.pk)).status_code == 404


def test_the_payer_removes_a_followed_position(client, organization, payer, sister,
                                               make_position):
    followed = make_position(debtor=sister, reference="MENSA-7", causale="Mensa di Leonarda")
    logged(client, payer)
    client.post(url("positions:search", organization),
                {"fiscal_code": sister.fiscal_code, "reference": "MENSA-7"})
    response = client.post(url("positions:unfollow", organization, followed.pk))
    assert response.status_code == 302
    assert not PositionClaim.objects.filter(user=payer).exists()
    assert followed.pk not in client.session[FOUND_SESSION_KEY]
    assert list(followed_positions(payer, organization)) == []
    assert client.get(url("positions:detail", organization, followed.pk)).status_code == 404
    # removing what is not followed is 404, and GET changes nothing
    assert client.post(url("positions:unfollow", organization, followed.pk)).status_code == 404
    # A GET changes nothing: it goes back to the list that holds the form.
    response = client.get(url("positions:unfollow", organization, followed.pk))
    assert response.status_code == 302
    assert response["Location"] == url("positions:followed", organization)


def test_someone_elses_follow_cannot_be_removed(client, organization, payer, sister,
                                                make_position):
    followed = make_position(debtor=sister, reference="MENSA-7")
    PositionClaim.objects.create(user=payer, position=followed,
                                 source=PositionClaim.Source.SEARCH)
    other = User.objects.create_user("anna@example.it", "Password-lunga-123")
    logged(client, other)
    assert client.post(url("positions:unfollow", organization, followed.pk)).status_code == 404
    assert PositionClaim.objects.filter(user=payer).exists()


def test_a_followed_positions_receipts_are_not_in_the_accounts_zip(
        client, organization, payer, sister, make_position):
    followed = make_position(debtor=sister, reference="MENSA-7")
    PositionClaim.objects.create(user=payer, position=followed,
                                 source=PositionClaim.Source.SEARCH)
    logged(client, payer)
    response = client.post(url("documents:bundle-create", organization),
                           {"option": [followed.options.get().pk]})
    assert response.status_code == 404
    from documents.models import DocumentBundle

    assert not DocumentBundle.objects.exists()
