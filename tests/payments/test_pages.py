"""What payers and staff see of payments: in progress, receipts, quietanza, admin,
and the reconciliation command."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from payments.models import Activation, PaymentAttempt, Receipt
from payments.status import PaymentState, option_payment_state
from positions.models import PositionClaim

pytestmark = pytest.mark.django_db


@pytest.fixture
def position(make_position, payer):
    position = make_position()
    PositionClaim.objects.create(user=payer, position=position, source="search")
    return position


@pytest.fixture
def option(position):
    return position.options.get()


def make_receipt(option, receipt_id="r" * 32, **values) -> Receipt:
    data = dict(organization=option.organization, option=option, receipt_id=receipt_id,
                notice_number=option.notice_number, fiscal_code=option.organization.fiscal_code,
                creditor_reference_id=option.iuv, outcome="OK", amount_cents=2200,
                fee_cents=100, description="Trasporto", company_name="Comune di Prova",
                id_psp="SNDBXIT1", psp_company_name="Banca Sandbox", id_channel="SNDBXIT1_01",
                channel_description="sandbox", payment_method="creditCard",
                payment_date_time=timezone.now(),
                debtor={"id_type": "F", "id_value": "RSSMRA80E12H501I",
                        "full_name": "Mario Rossi"},
                transfers=[{"id_transfer": 1, "amount_cents": 2200,
                            "fiscal_code_pa": option.organization.fiscal_code,
                            "iban": option.organization.iban, "company_name": "Comune"}],
                raw_xml="<paSendRTV2Request>…</paSendRTV2Request>", applied=True)
    data.update(values)
    return Receipt.objects.create(**data)


def attempt_for(option, minutes_ago=0, status=PaymentAttempt.Status.REDIRECTED):
    attempt = PaymentAttempt.objects.create(organization=option.organization,
                                            amount_cents=2200, status=status)
    attempt.options.set([option])
    PaymentAttempt.objects.filter(pk=attempt.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=minutes_ago))
    return attempt


def test_in_progress_while_the_token_may_live(option):
    assert option_payment_state([option])[option.pk] is PaymentState.NONE
    attempt = attempt_for(option, minutes_ago=10)
    assert option_payment_state([option])[option.pk] is PaymentState.IN_PROGRESS
    PaymentAttempt.objects.filter(pk=attempt.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=31))
    assert option_payment_state([option])[option.pk] is PaymentState.NONE


def test_cancelled_attempt_is_not_in_progress(option):
    attempt_for(option, status=PaymentAttempt.Status.CANCELLED)
    assert option_payment_state([option])[option.pk] is PaymentState.NONE


def test_activation_at_a_counter_is_in_progress(option):
    Activation.objects.create(organization=option.organization, option=option)
    assert option_payment_state([option])[option.pk] is PaymentState.IN_PROGRESS


def test_paid_option(option):
    option.mark_paid()
    assert option_payment_state([option])[option.pk] is PaymentState.PAID


def test_position_page_marks_payment_in_progress_and_posts_to_paga(client, payer, option):
    client.force_login(payer)
    attempt_for(option)
    page = client.get(f"/comune-di-prova/pratiche/{option.position_id}/").content.decode()
    assert "Pagamento in corso" in page
    assert 'action="/comune-di-prova/paga/"' in page
    assert f'name="option" value="{option.pk}"' in page


def test_position_page_shows_the_receipt(client, payer, option):
    client.force_login(payer)
    option.mark_paid()
    receipt = make_receipt(option)
    page = client.get(f"/comune-di-prova/pratiche/{option.position_id}/").content.decode()
    assert "Ricevuta di pagamento" in page and receipt.receipt_id in page
    assert "Banca Sandbox" in page
    assert f"/comune-di-prova/ricevute/{receipt.pk}/quietanza.pdf" in page
    assert "Carta di credito o di debito" in page and "creditCard" not in page


@pytest.mark.parametrize("code, words", [
    ("creditCard", "Carta di credito o di debito"), ("cash", "Contanti"),
    ("BBT", "Bonifico bancario"), ("PPAL", "PayPal"), ("MYBK", "MyBank"),
    ("qualcosa di nuovo", "qualcosa di nuovo"), ("", "")])
def test_payment_methods_in_words(code, words):
    from payments.labels import payment_method_label

    assert payment_method_label(code) == words


def test_the_quietanza_speaks_words_and_names_the_ente(option):
    from documents.receipts import receipt_info_for

    option.mark_paid()
    receipt = make_receipt(option, channel_description="app", transfers=[
        {"id_transfer": 1, "amount_cents": 2200, "iban": option.organization.iban,
         "fiscal_code_pa": option.organization.fiscal_code}])
    info = receipt_info_for(receipt, "https://example.it/v/")
    assert info.payment_method == "Carta di credito o di debito"
    assert info.channel == "App"
    assert info.transfers[0].beneficiary_name == "Comune di Prova"


def test_quietanza_download_only_for_who_may_see_the_position(client, payer, option,
                                                              django_user_model):
    option.mark_paid()
    receipt = make_receipt(option)
    url = f"/comune-di-prova/ricevute/{receipt.pk}/quietanza.pdf"
    client.force_login(payer)
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    other = django_user_model.objects.create_user("altro@example.it", "Password-lunga-123")
    client.force_login(other)
    assert client.get(url).status_code == 404


def test_staff_see_flagged_receipts_with_the_raw_xml(admin_client, option):
    receipt = make_receipt(option, flags=["already_paid"], needs_attention=True, applied=False)
    listing = admin_client.get("/admin/payments/receipt/?needs_attention__exact=1")
    assert receipt.receipt_id in listing.content.decode()
    page = admin_client.get(f"/admin/payments/receipt/{receipt.pk}/change/").content.decode()
    assert "paSendRTV2Request" in page


def test_reconcile_lists_attempts_without_receipt_and_flagged_receipts(option, capsys):
    attempt_for(option, minutes_ago=90)
    make_receipt(option, flags=["cancelled"], needs_attention=True, applied=False)
    with pytest.raises(SystemExit) as exit_info:
        call_command("reconcile_payments", "--older-than", "60")
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "Tentativi senza ricevuta (più vecchi di 60 minuti): 1" in out
    assert option.notice_number in out
    assert "Ricevute da verificare: 1" in out and "Avviso annullato" in out


def test_reconcile_is_quiet_when_all_is_well(option, capsys):
    attempt_for(option, minutes_ago=10)  # too young to worry about
    call_command("reconcile_payments", "--older-than", "60")
    assert "Tentativi senza ricevuta (più vecchi di 60 minuti): 0" in capsys.readouterr().out


def test_the_quietanza_qr_leads_to_a_page_that_vouches_for_it(client, payer, option,
                                                               settings):
    from urllib.parse import urlsplit

    from tests.documents.conftest import all_text, qr_texts

    settings.SITE_URL = "https://pagamenti.comune.example"
    option.mark_paid()
    receipt = make_receipt(option)
    client.force_login(payer)
    response = client.get(f"/comune-di-prova/ricevute/{receipt.pk}/quietanza.pdf")
    assert response["Cache-Control"] == "no-store, private"
    pdf = response.content
    assert receipt.receipt_id in all_text(pdf).replace("\n", "")
    [url] = [text for text in qr_texts(pdf) if text.startswith(settings.SITE_URL)]
    anyone = client.__class__()
    page = anyone.get(urlsplit(url).path)
    body = page.content.decode()
    assert page.status_code == 200 and "Questa ricevuta è autentica" in body
    assert option.iuv in body and "22,00 €" in body
    # a receipt that did not pay (outcome KO) is not vouched for
    Receipt.objects.filter(pk=receipt.pk).update(outcome="KO")
    assert anyone.get(urlsplit(url).path).status_code == 404


def test_position_page_lists_the_payers_own_attempts(client, payer, option,
                                                     django_user_model):
    mine = attempt_for(option, minutes_ago=90, status=PaymentAttempt.Status.CANCELLED)
    PaymentAttempt.objects.filter(pk=mine.pk).update(user=payer)
    other_user = django_user_model.objects.create_user("altro@example.it", "Password-1234x")
    theirs = attempt_for(option, minutes_ago=5, status=PaymentAttempt.Status.FAILED)
    PaymentAttempt.objects.filter(pk=theirs.pk).update(user=other_user)
    client.force_login(payer)
    page = client.get(f"/comune-di-prova/pratiche/{option.position_id}/").content.decode()
    assert "I tuoi tentativi di pagamento" in page
    assert "Annullato dal pagatore" in page
    assert "Non riuscito" not in page  # another payer's attempt is not shown


def test_search_result_offers_the_quietanza_of_a_paid_position(client, option):
    option.mark_paid()
    receipt = make_receipt(option)
    page = client.post("/comune-di-prova/", {
        "fiscal_code": "RSSMRA80E12H501I", "reference": option.position.external_reference,
    }).content.decode()
    assert f"/comune-di-prova/ricevute/{receipt.pk}/quietanza.pdf" in page
