"""GET /<ente>/pratiche/<pk>/avviso.pdf: the PDF of a position the request may see, else 404."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from positions.services import OptionSpec

from .conftest import all_text, barcodes, qr_texts
from .django_helpers import CF, claim, notice_url, search

pytestmark = pytest.mark.django_db
ENTE_CF = "80000120016"


@pytest.fixture
def position(make_position):
    return make_position()


def test_found_position_downloads_its_avviso(client, organization, position):
    search(client, organization)
    response = client.get(notice_url(organization, position))
    assert response.status_code == 200
    option = position.options.get()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="avviso-{option.notice_number}.pdf"')
    assert response["Cache-Control"] == "no-store, private"
    assert response["X-Content-Type-Options"] == "nosniff"
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    assert qr_texts(pdf) == [f"PAGOPA|002|{option.notice_number}|{ENTE_CF}|0000002200"]
    text = all_text(pdf)
    grouped = " ".join(option.notice_number[i:i + 4] for i in range(0, 18, 4))
    for expected in (grouped, "22,00 Euro", option.due_date.strftime("%d/%m/%Y"), ENTE_CF, CF,
                     "Comune di Prova", "Mario Rossi",
                     "Trasporto scolastico mese di Settembre"):
        assert expected in text, expected


def test_installments_one_qr_each(client, organization, make_position):
    specs = [OptionSpec(1500 + i, date(2030, 1 + i, 10), installment_number=i + 1)
             for i in range(3)]
    position = make_position(installments=specs)
    search(client, organization)
    response = client.get(notice_url(organization, position))
    assert response.status_code == 200
    expected = sorted(f"PAGOPA|002|{o.notice_number}|{ENTE_CF}|{o.amount_cents:010d}"
                      for o in position.options.all())
    assert sorted(qr_texts(response.content)) == expected
    first = position.options.order_by("installment_number").first()
    assert response["Content-Disposition"].endswith(f'avviso-{first.notice_number}.pdf"')


def test_paid_installment_not_printed(client, organization, make_position):
    specs = [OptionSpec(1500 + i, date(2030, 1 + i, 10), installment_number=i + 1)
             for i in range(3)]
    position = make_position(installments=specs)
    paid = position.options.get(installment_number=1)
    paid.mark_paid()
    search(client, organization)
    texts = qr_texts(client.get(notice_url(organization, position)).content)
    assert len(texts) == 2 and not any(paid.notice_number in t for t in texts)


def test_postal_iban_adds_the_data_matrix(client, organization, position):
    organization.postal_iban = "IT59Z0760103200000016302093"
    organization.save()
    search(client, organization)
    pdf = client.get(notice_url(organization, position)).content
    formats = [fmt for page in barcodes(pdf) for fmt, _ in page]
    assert sorted(formats) == ["DataMatrix", "QRCode"]


def test_another_browser_gets_404(client, organization, position):
    search(client, organization)
    assert client.get(notice_url(organization, position)).status_code == 200
    assert Client().get(notice_url(organization, position)).status_code == 404


def test_a_wrong_search_does_not_unlock_it(client, organization, position):
    search(client, organization, reference="NOPE-1")
    assert client.get(notice_url(organization, position)).status_code == 404


def test_logged_in_owner_downloads_other_payer_gets_404(client, organization, position,
                                                        payer):
    from accounts.models import User

    other = User.objects.create_user("giulia@example.it", "Password-lunga-123",
                                     fiscal_code="BNCGLI92S43F205B")
    client.force_login(other)
    assert client.get(notice_url(organization, position)).status_code == 404
    claim(payer, position)
    client.force_login(payer)
    assert client.get(notice_url(organization, position)).status_code == 200


def test_position_of_another_ente_is_404(client, organization, other_organization, position):
    search(client, organization)
    assert client.get(notice_url(other_organization, position)).status_code == 404


def test_unknown_ente_and_unknown_position_are_404(client, organization, position):
    search(client, organization)
    assert client.get(f"/nessun-ente/pratiche/{position.pk}/avviso.pdf").status_code == 404
    assert client.get(f"/{organization.slug}/pratiche/{position.pk + 1000}/avviso.pdf"
                      ).status_code == 404


def test_nothing_payable_is_404(client, organization, position):
    search(client, organization)
    position.options.get().mark_paid()
    assert client.get(notice_url(organization, position)).status_code == 404


def test_only_get(client, organization, position):
    search(client, organization)
    assert client.post(notice_url(organization, position)).status_code == 405


def test_search_result_offers_stampa_bollettino_only_when_payable(client, organization,
                                                                 position):
    body = search(client, organization).content.decode()
    assert "Stampa bollettino" in body
    assert f'href="{notice_url(organization, position)}"' in body
    position.options.get().mark_paid()
    assert "Stampa bollettino" not in search(client, organization).content.decode()


def test_detail_page_offers_stampa_bollettino(client, organization, position, payer):
    from django.urls import reverse

    claim(payer, position)
    client.force_login(payer)
    body = client.get(reverse("positions:detail", args=[organization.slug, position.pk])
                      ).content.decode()
    assert f'href="{notice_url(organization, position)}"' in body


def test_query_count_constant(client, organization, make_position):
    small = make_position(reference="A-1")
    specs = [OptionSpec(1500 + i, date(2030, 1 + i, 10), installment_number=i + 1)
             for i in range(5)]
    large = make_position(reference="A-2", installments=specs)
    search(client, organization, reference="A-1")
    search(client, organization, reference="A-2")
    counts = []
    for position in (small, large):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(notice_url(organization, position)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
