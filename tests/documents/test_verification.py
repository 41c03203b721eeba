"""Receipt verification tokens: round trip, tampering, other Ente, and the public page.

Design choice (documented in docs/architecture.md): a forged, altered, foreign-Ente or
unknown token gets the *same* page, status 404, saying "Ricevuta non trovata o non
autentica", so the page tells a forger nothing about which part was wrong.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core import signing
from django.test import override_settings
from django.urls import reverse

from documents import verification
from documents.verification import (
    ReceiptIdentity,
    VerifiedReceipt,
    receipt_verification_token,
    receipt_verification_url,
    verify_receipt_token,
)

pytestmark = pytest.mark.django_db
RECEIPT_ID = "b4d3c0ffee1234567890abcdef"
GENUINE = "Questa ricevuta è autentica"
NOT_GENUINE = "Ricevuta non trovata o non autentica"


def test_round_trip(organization):
    token = receipt_verification_token(organization, "80000120016", RECEIPT_ID)
    assert verify_receipt_token(token) == ReceiptIdentity(organization.pk, "80000120016",
                                                          RECEIPT_ID)
    assert "/" not in token and RECEIPT_ID not in token  # compact, path-safe


def test_tokens_differ_per_receipt(organization):
    a = receipt_verification_token(organization, "80000120016", "R1")
    b = receipt_verification_token(organization, "80000120016", "R2")
    assert a != b


@pytest.mark.parametrize("position", [0, 5, -1, -10])
def test_any_altered_character_is_refused(organization, position):
    token = receipt_verification_token(organization, "80000120016", RECEIPT_ID)
    char = token[position]
    altered = token[:position] + ("A" if char != "A" else "B") + token[position:][1:]
    assert altered != token
    assert verify_receipt_token(altered) is None


def test_a_token_signed_for_something_else_is_refused(organization):
    payload = {"o": organization.pk, "f": "80000120016", "r": RECEIPT_ID}
    assert verify_receipt_token(signing.dumps(payload, salt="other.purpose")) is None
    assert verify_receipt_token(signing.dumps(payload)) is None


def test_a_token_from_another_key_is_refused(organization):
    with override_settings(SECRET_KEY="another-secret-key-for-this-test-only-0123456789"):
        token = receipt_verification_token(organization, "80000120016", RECEIPT_ID)
    assert verify_receipt_token(token) is None


def test_well_signed_but_wrong_shape_is_refused():
    assert verify_receipt_token(signing.dumps(["x"], salt=verification.SALT)) is None
    assert verify_receipt_token(signing.dumps({"o": "1", "f": "x", "r": "y"},
                                              salt=verification.SALT)) is None


def test_url_points_to_the_page(organization, settings):
    settings.SITE_URL = "https://sportello.example.it"
    url = receipt_verification_url(organization, "80000120016", RECEIPT_ID)
    assert url.startswith("https://sportello.example.it/comune-di-prova/verifica/")


@pytest.fixture
def receipt_store(monkeypatch, organization):
    """Stands in for the Receipt model until payments lands."""
    found = {}

    def lookup(org, fiscal_code, receipt_id):
        return found.get((org.pk, fiscal_code, receipt_id))

    monkeypatch.setattr(verification, "lookup_receipt", lookup)
    found[(organization.pk, "80000120016", RECEIPT_ID)] = VerifiedReceipt(
        ente_name="Comune di Prova", iuv="01000000000000192", receipt_id=RECEIPT_ID,
        amount_cents=2200, payment_datetime=datetime(2026, 3, 14, 9, 26, tzinfo=UTC))
    return found


def page_url(organization, token) -> str:
    return reverse("documents:verify-receipt", args=[organization.slug, token])


def test_page_shows_a_genuine_receipt(client, organization, receipt_store):
    token = receipt_verification_token(organization, "80000120016", RECEIPT_ID)
    response = client.get(page_url(organization, token))
    body = response.content.decode()
    assert response.status_code == 200
    assert GENUINE in body
    for expected in ("Comune di Prova", "01000000000000192", RECEIPT_ID, "22,00 €",
                     "14/03/2026 10:26"):
        assert expected in body, expected


def test_page_refuses_a_tampered_token(client, organization, receipt_store):
    token = receipt_verification_token(organization, "80000120016", RECEIPT_ID)
    response = client.get(page_url(organization, token[:-2] + "xx"))
    assert response.status_code == 404
    body = response.content.decode()
    assert NOT_GENUINE in body and RECEIPT_ID not in body


def test_page_refuses_a_token_of_another_ente(client, organization, other_organization,
                                              receipt_store):
    # Even if the other Ente had a receipt with the same fiscal code and id, the token
    # was issued under the first Ente's prefix and is not valid on another.
    receipt_store[(other_organization.pk, "80000120016", RECEIPT_ID)] = receipt_store[
        (organization.pk, "80000120016", RECEIPT_ID)]
    token = receipt_verification_token(organization, "80000120016", RECEIPT_ID)
    response = client.get(page_url(other_organization, token))
    assert response.status_code == 404 and NOT_GENUINE in response.content.decode()


def test_unknown_receipt_looks_like_a_forged_one(client, organization, receipt_store):
    token = receipt_verification_token(organization, "80000120016", "UNKNOWN")
    response = client.get(page_url(organization, token))
    assert response.status_code == 404 and NOT_GENUINE in response.content.decode()


def test_without_a_stored_receipt_nothing_is_genuine(client, organization):
    token = receipt_verification_token(organization, "80000120016", RECEIPT_ID)
    assert verification.lookup_receipt(organization, "80000120016", RECEIPT_ID) is None
    response = client.get(page_url(organization, token))
    assert response.status_code == 404 and NOT_GENUINE in response.content.decode()
