"""ZIP of the selected rows: POST the option ids, the job queue builds it, only the owner
downloads. A payable row gives its position's avviso, a paid row its quietanza."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from documents.models import DocumentBundle
from positions.services import OptionSpec
from tests.payments.test_pages import make_receipt
from tests.positions.conftest import claim, main_html, text_of

from .conftest import all_text, qr_texts
from .django_helpers import zip_members

pytestmark = pytest.mark.django_db

IUR = "b4d3c0ffee1234567890abcdef"


@pytest.fixture
def positions(make_position, payer):
    made = [make_position(reference=f"TS-{i}", amount_cents=1000 + i) for i in range(3)]
    for position in made:
        claim(payer, position)
    return made


@pytest.fixture
def options(positions):
    return [p.options.get() for p in positions]


@pytest.fixture
def other_payer(db):
    from accounts.models import User

    return User.objects.create_user("giulia@example.it", "Password-lunga-123",
                                    fiscal_code="BNCGLI92S43F205B")


def create_url(organization) -> str:
    return reverse("documents:bundle-create", args=[organization.slug])


def status_url(organization, bundle) -> str:
    return reverse("documents:bundle", args=[organization.slug, bundle.pk])


def download_url(organization, bundle) -> str:
    return reverse("documents:bundle-download", args=[organization.slug, bundle.pk])


def home_url(organization) -> str:
    return reverse("positions:home", args=[organization.slug])


def history_url(organization) -> str:
    return reverse("positions:history", args=[organization.slug])


def pay(option, receipt_id=IUR):
    """Paid through pagoPA: the option is paid and an applied receipt says so."""
    option.mark_paid()
    return make_receipt(option, receipt_id=receipt_id)


def request_zip(client, organization, ids, capture, **extra):
    with capture(execute=True) as callbacks:
        response = client.post(create_url(organization), {"option": ids, **extra})
    return response, callbacks


def download(client, organization, bundle) -> dict[str, bytes]:
    response = client.get(download_url(organization, bundle))
    assert response.status_code == 200
    return zip_members(response.content)


def test_selected_payable_rows_give_their_avvisi(client, organization, options, payer,
                                                 django_capture_on_commit_callbacks):
    client.force_login(payer)
    response, callbacks = request_zip(client, organization, [o.pk for o in options],
                                      django_capture_on_commit_callbacks)
    bundle = DocumentBundle.objects.get()
    assert len(callbacks) == 1  # enqueued after commit, not inside the request's transaction
    assert response.status_code == 302
    assert response["Location"] == status_url(organization, bundle)
    assert bundle.owner == payer and bundle.status == "ready" and bundle.file_count == 3
    assert bundle.option_ids == sorted(o.pk for o in options)

    page = client.get(status_url(organization, bundle)).content.decode()
    assert download_url(organization, bundle) in page
    assert "contiene 3 documenti" in page
    assert 'http-equiv="refresh"' not in page

    response = client.get(download_url(organization, bundle))
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "no-store, private"
    assert response["Content-Disposition"].startswith('attachment; filename="documenti-')
    members = zip_members(response.content)
    assert sorted(members) == sorted(f"avviso-{o.notice_number}.pdf" for o in options)
    for option in options:
        qr = qr_texts(members[f"avviso-{option.notice_number}.pdf"])
        assert qr == [f"PAGOPA|002|{option.notice_number}|80000120016|"
                      f"{option.amount_cents:010d}"]


def test_only_the_selected_rows_are_in_the_zip(client, organization, options, payer,
                                               django_capture_on_commit_callbacks):
    client.force_login(payer)
    request_zip(client, organization, [options[1].pk], django_capture_on_commit_callbacks)
    bundle = DocumentBundle.objects.get()
    assert list(download(client, organization, bundle)) == [
        f"avviso-{options[1].notice_number}.pdf"]


def test_paid_row_gives_its_quietanza(client, organization, options, payer,
                                      django_capture_on_commit_callbacks):
    receipt = pay(options[0])
    client.force_login(payer)
    request_zip(client, organization, [options[0].pk, options[1].pk],
                django_capture_on_commit_callbacks)
    bundle = DocumentBundle.objects.get()
    assert bundle.file_count == 2 and bundle.skipped_count == 0
    members = download(client, organization, bundle)
    assert sorted(members) == [f"avviso-{options[1].notice_number}.pdf",
                               f"quietanza-{receipt.creditor_reference_id}.pdf"]
    text = all_text(members[f"quietanza-{options[0].iuv}.pdf"])
    assert IUR in text and "Banca Sandbox" in text
    assert "Pagamento eseguito tramite pagoPA" in text


def test_two_installments_of_one_position_give_one_avviso(
        client, organization, make_position, payer, django_capture_on_commit_callbacks):
    position = claim(payer, make_position(reference="RATE", installments=[
        OptionSpec(4500, date.today() + timedelta(days=10), installment_number=1),
        OptionSpec(4500, date.today() + timedelta(days=40), installment_number=2),
    ]))
    first, second = position.options.order_by("installment_number")
    client.force_login(payer)
    request_zip(client, organization, [first.pk, second.pk],
                django_capture_on_commit_callbacks)
    bundle = DocumentBundle.objects.get()
    members = download(client, organization, bundle)
    assert list(members) == [f"avviso-{first.notice_number}.pdf"]
    assert bundle.file_count == 1
    # the one avviso carries both installments, each with its QR code
    assert len(qr_texts(members[f"avviso-{first.notice_number}.pdf"])) == 2


def test_cancelled_and_expired_rows_are_skipped_and_said(
        client, organization, options, payer, django_capture_on_commit_callbacks):
    options[0].cancel()
    options[1].expire()
    client.force_login(payer)
    request_zip(client, organization, [o.pk for o in options],
                django_capture_on_commit_callbacks)
    bundle = DocumentBundle.objects.get()
    assert bundle.file_count == 1 and bundle.skipped_count == 2
    assert list(download(client, organization, bundle)) == [
        f"avviso-{options[2].notice_number}.pdf"]
    page = text_of(client.get(status_url(organization, bundle)))
    assert "contiene 1 documento." in page
    assert "2 righe scelte non hanno un documento da scaricare" in page


def test_only_cancelled_rows_is_a_message_and_no_bundle(
        client, organization, options, payer, django_capture_on_commit_callbacks):
    options[0].cancel()
    options[1].mark_paid()  # paid outside pagoPA: no receipt, no quietanza
    client.force_login(payer)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(create_url(organization),
                               {"option": [options[0].pk, options[1].pk],
                                "next": history_url(organization)}, follow=True)
    assert response.redirect_chain[-1][0] == history_url(organization)
    assert "Le righe scelte non hanno documenti da scaricare" in text_of(response)
    assert not DocumentBundle.objects.exists() and not callbacks


def test_pending_page_refreshes_itself_without_scripts(client, organization, options, payer,
                                                      django_capture_on_commit_callbacks):
    client.force_login(payer)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(create_url(organization), {"option": [options[0].pk]})
    bundle = DocumentBundle.objects.get()
    assert bundle.status == "pending"
    response = client.get(status_url(organization, bundle))
    body = response.content.decode()
    assert '<meta http-equiv="refresh" content="3">' in body
    assert "In preparazione" in body
    assert "<script>" not in body and " onclick" not in body and "style=" not in body
    assert client.get(download_url(organization, bundle)).status_code == 404


def test_rows_outside_the_account_are_refused(client, organization, options, payer,
                                              make_position, django_capture_on_commit_callbacks):
    stranger = make_position(reference="NOT-MINE").options.get()  # same debtor, not claimed
    client.force_login(payer)
    response, callbacks = request_zip(client, organization, [options[0].pk, stranger.pk],
                                      django_capture_on_commit_callbacks)
    assert response.status_code == 404
    assert not DocumentBundle.objects.exists() and not callbacks


def test_unknown_row_is_refused(client, organization, options, payer,
                                django_capture_on_commit_callbacks):
    client.force_login(payer)
    response, _ = request_zip(client, organization, [options[0].pk, 999_999],
                              django_capture_on_commit_callbacks)
    assert response.status_code == 404
    assert not DocumentBundle.objects.exists()


def test_rows_of_another_ente_are_refused(client, organization, other_organization,
                                          options, payer, django_capture_on_commit_callbacks):
    client.force_login(payer)
    response, _ = request_zip(client, other_organization, [options[0].pk],
                              django_capture_on_commit_callbacks)
    assert response.status_code == 404
    assert not DocumentBundle.objects.exists()


@pytest.mark.parametrize("ids, message", [
    ([], "Seleziona almeno una riga da scaricare."),
    (["abc"], "Selezione non valida."),
    (["1.5"], "Selezione non valida."),
    (["-1"], "Selezione non valida."),
])
def test_bad_selection_goes_back_with_a_message(client, organization, options, payer,
                                                ids, message):
    client.force_login(payer)
    response = client.post(create_url(organization),
                           {"option": ids, "next": home_url(organization)}, follow=True)
    assert response.redirect_chain[-1][0] == home_url(organization)
    assert message in text_of(response)
    assert not DocumentBundle.objects.exists()


def test_next_to_another_site_is_ignored(client, organization, options, payer):
    client.force_login(payer)
    response = client.post(create_url(organization),
                           {"option": [], "next": "https://evil.example/"})
    assert response["Location"] == home_url(organization)


def test_more_rows_than_the_limit_go_back_with_a_message(client, organization, options,
                                                         payer, settings):
    settings.DOCUMENTS_ZIP_MAX_POSITIONS = 2
    client.force_login(payer)
    response = client.post(create_url(organization),
                           {"option": [o.pk for o in options], "next": home_url(organization)},
                           follow=True)
    assert "Puoi scaricare al massimo 2 righe alla volta." in text_of(response)
    assert not DocumentBundle.objects.exists()


def test_the_limit_counts_rows_not_documents(client, organization, make_position, payer,
                                             settings, django_capture_on_commit_callbacks):
    """Three installments of one position are one avviso, but three rows."""
    settings.DOCUMENTS_ZIP_MAX_POSITIONS = 2
    position = claim(payer, make_position(installments=[
        OptionSpec(100, date.today() + timedelta(days=10 * n), installment_number=n)
        for n in (1, 2, 3)]))
    client.force_login(payer)
    ids = list(position.options.values_list("pk", flat=True))
    response, _ = request_zip(client, organization, ids, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == home_url(organization)
    assert not DocumentBundle.objects.exists()
    request_zip(client, organization, ids[:2], django_capture_on_commit_callbacks)
    assert DocumentBundle.objects.get().file_count == 1


def test_anonymous_is_sent_to_login(client, organization, options):
    response = client.post(create_url(organization), {"option": [options[0].pk]})
    assert response.status_code == 302 and "/accedi/" in response["Location"]


def test_only_get_on_create_is_refused(client, organization, payer):
    client.force_login(payer)
    response = client.get(create_url(organization))
    assert response.status_code == 302  # to Da Pagare, which holds the form; nothing made
    assert response["Location"] == f"/{organization.slug}/pratiche/"
    assert not DocumentBundle.objects.exists()


def test_only_the_owner_sees_and_downloads(client, organization, options, payer, other_payer,
                                           other_organization,
                                           django_capture_on_commit_callbacks):
    client.force_login(payer)
    request_zip(client, organization, [options[0].pk], django_capture_on_commit_callbacks)
    bundle = DocumentBundle.objects.get()
    assert client.get(download_url(organization, bundle)).status_code == 200
    # the same bundle under another Ente's prefix
    assert client.get(status_url(other_organization, bundle)).status_code == 404
    assert client.get(download_url(other_organization, bundle)).status_code == 404
    client.force_login(other_payer)
    assert client.get(status_url(organization, bundle)).status_code == 404
    assert client.get(download_url(organization, bundle)).status_code == 404


def test_expired_bundle_is_gone(client, organization, options, payer,
                                django_capture_on_commit_callbacks):
    client.force_login(payer)
    request_zip(client, organization, [options[0].pk], django_capture_on_commit_callbacks)
    bundle = DocumentBundle.objects.get()
    DocumentBundle.objects.filter(pk=bundle.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(download_url(organization, bundle)).status_code == 404
    assert "non è più disponibile" in client.get(status_url(organization, bundle)
                                                 ).content.decode()


def test_purge_command_deletes_only_expired_bundles(organization, payer, capsys):
    old = DocumentBundle.objects.create(owner=payer, organization=organization,
                                        content=b"PK", status="ready")
    fresh = DocumentBundle.objects.create(owner=payer, organization=organization)
    DocumentBundle.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1))
    call_command("purge_document_bundles")
    assert list(DocumentBundle.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert "1 expired document bundle(s) removed." in capsys.readouterr().out


def test_rows_are_judged_when_the_zip_is_built(client, organization, options, payer,
                                               django_capture_on_commit_callbacks):
    """Paid through pagoPA meanwhile: its quietanza; paid elsewhere meanwhile: skipped."""
    client.force_login(payer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(create_url(organization), {"option": [o.pk for o in options]})
    receipt = pay(options[0])
    options[1].mark_paid()
    for callback in callbacks:
        callback()
    bundle = DocumentBundle.objects.get()
    assert bundle.file_count == 2 and bundle.skipped_count == 1
    assert sorted(download(client, organization, bundle)) == [
        f"avviso-{options[2].notice_number}.pdf",
        f"quietanza-{receipt.creditor_reference_id}.pdf"]


def test_nothing_left_at_build_time_fails_visibly(client, organization, options, payer,
                                                  django_capture_on_commit_callbacks):
    client.force_login(payer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(create_url(organization), {"option": [options[0].pk]})
    options[0].cancel()
    for callback in callbacks:
        callback()
    bundle = DocumentBundle.objects.get()
    assert bundle.status == "failed"
    assert "Non è stato possibile" in client.get(status_url(organization, bundle)
                                                 ).content.decode()
    assert client.get(download_url(organization, bundle)).status_code == 404


# --- the buttons on the payer's lists --------------------------------------------------

def test_da_pagare_zip_button_posts_the_checked_rows(client, organization, options, payer):
    client.force_login(payer)
    html = main_html(client.get(home_url(organization)))
    assert (f'formaction="{create_url(organization)}">Scarica selezionati (ZIP)</button>'
            in html)
    # the button sits in the form the checkboxes belong to, next to Paga selezionati
    form = html[html.index('<form id="pay-selected"'):]
    form = form[:form.index("</form>")]
    assert "Paga selezionati" in form and "Scarica selezionati (ZIP)" in form
    for option in options:
        assert (f'id="select-{option.pk}" name="option" value="{option.pk}" '
                f'form="pay-selected"') in html
    assert "Scarica tutti" not in html and 'name="positions"' not in html


def test_history_rows_have_labelled_checkboxes_and_a_zip_form(client, organization,
                                                              options, payer):
    pay(options[0])
    options[1].cancel()
    client.force_login(payer)
    html = main_html(client.get(history_url(organization)))
    assert (f'<form id="zip-selected" method="post" action="{create_url(organization)}">'
            in html)
    assert "Scarica selezionati (ZIP)" in html
    for option in options:  # every row, whatever its state
        assert (f'id="select-{option.pk}" name="option" value="{option.pk}" '
                f'form="zip-selected" aria-describedby="select-help"') in html
        assert f'<label for="select-{option.pk}"' in html
    amount = f"{options[2].amount_cents // 100},{options[2].amount_cents % 100:02d} €"
    assert (f'<span class="visually-hidden">Seleziona {options[2].position.causale}, '
            f'{amount}</span>') in html
    assert 'id="select-help"' in html
