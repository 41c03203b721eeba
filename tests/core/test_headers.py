"""Every response says which browser features are off (Permissions-Policy), and nothing
personal may be stored by a cache: pages, PDFs, ZIPs, JSON polls, receipts, accounts."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from documents.models import DocumentBundle
from documents.receipts import verification_url
from payments.models import PaymentAttempt
from tests.payments.test_pages import make_receipt
from tests.positions.conftest import claim

pytestmark = pytest.mark.django_db

OFF = ("camera=()", "microphone=()", "geolocation=()", "payment=()")


def assert_not_stored(response, what: str) -> None:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= directives, (what, response.get("Cache-Control"))
    assert "public" not in directives, what


@pytest.fixture
def paid(make_position, payer):
    position = claim(payer, make_position())
    option = position.options.get()
    option.mark_paid()
    return make_receipt(option)


@pytest.fixture
def logged_in(payer) -> Client:
    client = Client()
    client.force_login(payer)
    return client


def test_permissions_policy_on_every_kind_of_response(client, organization):
    for url in ("/", f"/{organization.slug}/", "/pagina-che-non-esiste/", "/healthz",
                "/pagopa/paForNode"):
        policy = client.get(url)["Permissions-Policy"]
        for feature in OFF:
            assert feature in policy, url


def test_personal_documents_and_pages_are_never_stored(logged_in, organization, paid, payer,
                                                       make_position, settings):
    settings.SITE_URL = "https://pagamenti.comune.example"
    slug = organization.slug
    position = paid.option.position
    payable = claim(payer, make_position(reference="TS-2026-10"))
    attempt = PaymentAttempt.objects.create(organization=organization, amount_cents=2200,
                                            user=payer)
    attempt.options.set([paid.option])
    bundle = DocumentBundle.objects.create(organization=organization, owner=payer,
                                           option_ids=[paid.option.pk], status="ready",
                                           file_count=0)
    urls = {
        "position page": reverse("positions:detail", args=[slug, position.pk]),
        "positions list": reverse("positions:home", args=[slug]),
        "history CSV": reverse("positions:history_export", args=[slug]),
        "avviso PDF": reverse("documents:notice", args=[slug, payable.pk]),
        "quietanza PDF": reverse("documents:receipt_pdf", args=[slug, paid.pk]),
        "ZIP status": reverse("documents:bundle", args=[slug, bundle.pk]),
        "payment poll": reverse("payments:attempt_status", args=[slug, attempt.public_id]),
        "profile": reverse("accounts:profile", args=[slug]),
    }
    for what, url in urls.items():
        response = logged_in.get(url)
        assert response.status_code == 200, (what, response.status_code)
        assert_not_stored(response, what)
    # The receipt's public verification page shows who paid what: not stored either.
    verify = Client().get(verification_url(paid).removeprefix(settings.SITE_URL))
    assert verify.status_code == 200
    assert_not_stored(verify, "receipt verification page")


def test_public_assets_stay_cacheable_for_anonymous_visitors(client, organization):
    response = client.get(reverse("accounts:municipalities", args=[organization.slug]))
    assert "public" in response["Cache-Control"]


def test_the_node_answers_with_the_debtor_are_never_stored(client, organization, make_position):
    from pagopa import soap
    from pagopa.messages import GetPaymentRequest, RequestHeader

    option = make_position().options.get()
    header = RequestHeader(organization.fiscal_code, organization.broker_id,
                           organization.station_id)
    body = soap.build_get_payment_request(GetPaymentRequest(header, organization.fiscal_code,
                                                            option.notice_number))
    response = client.post("/pagopa/paForNode", data=body,
                           content_type="text/xml; charset=utf-8",
                           HTTP_SOAPACTION="paGetPaymentV2")
    assert response.status_code == 200
    assert b"RSSMRA80E12H501I" in response.content  # the debtor's codice fiscale
    assert_not_stored(response, "paGetPaymentV2 answer")
