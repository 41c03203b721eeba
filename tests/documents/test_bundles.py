"""ZIP of several avvisi: POST the ids, the job queue builds it, only the owner downloads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from documents.models import DocumentBundle

from .conftest import qr_texts
from .django_helpers import claim, zip_members, zip_names

pytestmark = pytest.mark.django_db


@pytest.fixture
def positions(make_position, payer):
    made = [make_position(reference=f"TS-{i}", amount_cents=1000 + i) for i in range(3)]
    for position in made:
        claim(payer, position)
    return made


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


def request_zip(client, organization, ids, capture):
    with capture(execute=True) as callbacks:
        response = client.post(create_url(organization), {"positions": ids})
    return response, callbacks


def test_zip_end_to_end(client, organization, positions, payer,
                        django_capture_on_commit_callbacks):
    client.force_login(payer)
    ids = [p.pk for p in positions]
    response, callbacks = request_zip(client, organization, ids,
                                      django_capture_on_commit_callbacks)
    bundle = DocumentBundle.objects.get()
    assert len(callbacks) == 1  # enqueued after commit, not inside the request's transaction
    assert response.status_code == 302
    assert response["Location"] == status_url(organization, bundle)
    assert bundle.owner == payer and bundle.status == "ready" and bundle.file_count == 3

    page = client.get(status_url(organization, bundle)).content.decode()
    assert download_url(organization, bundle) in page
    assert 'http-equiv="refresh"' not in page

    download = client.get(download_url(organization, bundle))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert download["Cache-Control"] == "no-store, private"
    assert download["Content-Disposition"].startswith('attachment; filename="avvisi-')
    members = zip_members(download.content)
    options = [p.options.get() for p in positions]
    assert sorted(members) == sorted(f"avviso-{o.notice_number}.pdf" for o in options)
    for option in options:
        qr = qr_texts(members[f"avviso-{option.notice_number}.pdf"])
        assert qr == [f"PAGOPA|002|{option.notice_number}|80000120016|"
                      f"{option.amount_cents:010d}"]


def test_pending_page_refreshes_itself_without_scripts(client, organization, positions, payer,
                                                      django_capture_on_commit_callbacks):
    client.force_login(payer)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(create_url(organization), {"positions": [positions[0].pk]})
    bundle = DocumentBundle.objects.get()
    assert bundle.status == "pending"
    response = client.get(status_url(organization, bundle))
    body = response.content.decode()
    assert '<meta http-equiv="refresh" content="3">' in body
    assert "In preparazione" in body
    assert "<script>" not in body and " onclick" not in body and "style=" not in body
    assert client.get(download_url(organization, bundle)).status_code == 404


def test_ids_the_payer_may_not_see_are_refused(client, organization, positions, payer,
                                               make_position, debtor,
                                               django_capture_on_commit_callbacks):
    stranger = make_position(reference="NOT-MINE")
    client.force_login(payer)
    response, callbacks = request_zip(client, organization, [positions[0].pk, stranger.pk],
                                      django_capture_on_commit_callbacks)
    assert response.status_code == 404
    assert not DocumentBundle.objects.exists() and not callbacks


def test_positions_of_another_ente_are_refused(client, organization, other_organization,
                                               positions, payer,
                                               django_capture_on_commit_callbacks):
    client.force_login(payer)
    response, _ = request_zip(client, other_organization, [positions[0].pk],
                              django_capture_on_commit_callbacks)
    assert response.status_code == 404
    assert not DocumentBundle.objects.exists()


@pytest.mark.parametrize("ids", [[], ["abc"], ["1.5"], ["-1"]])
def test_malformed_selection_is_400(client, organization, positions, payer, ids):
    client.force_login(payer)
    assert client.post(create_url(organization), {"positions": ids}).status_code == 400
    assert not DocumentBundle.objects.exists()


def test_too_many_is_400(client, organization, positions, payer, settings):
    settings.DOCUMENTS_ZIP_MAX_POSITIONS = 2
    client.force_login(payer)
    response = client.post(create_url(organization), {"positions": [p.pk for p in positions]})
    assert response.status_code == 400
    assert "al massimo 2" in response.content.decode()


def test_anonymous_is_sent_to_login(client, organization, positions):
    response = client.post(create_url(organization), {"positions": [positions[0].pk]})
    assert response.status_code == 302 and "/accedi/" in response["Location"]


def test_only_get_on_create_is_refused(client, organization, payer):
    client.force_login(payer)
    assert client.get(create_url(organization)).status_code == 405


def test_only_the_owner_sees_and_downloads(client, organization, positions, payer, other_payer,
                                           other_organization,
                                           django_capture_on_commit_callbacks):
    client.force_login(payer)
    request_zip(client, organization, [positions[0].pk], django_capture_on_commit_callbacks)
    bundle = DocumentBundle.objects.get()
    assert client.get(download_url(organization, bundle)).status_code == 200
    # the same bundle under another Ente's prefix
    assert client.get(status_url(other_organization, bundle)).status_code == 404
    assert client.get(download_url(other_organization, bundle)).status_code == 404
    client.force_login(other_payer)
    assert client.get(status_url(organization, bundle)).status_code == 404
    assert client.get(download_url(organization, bundle)).status_code == 404


def test_expired_bundle_is_gone(client, organization, positions, payer,
                                django_capture_on_commit_callbacks):
    client.force_login(payer)
    request_zip(client, organization, [positions[0].pk], django_capture_on_commit_callbacks)
    bundle = DocumentBundle.objects.get()
    DocumentBundle.objects.filter(pk=bundle.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(download_url(organization, bundle)).status_code == 404
    assert "non è più disponibile" in client.get(status_url(organization, bundle)
                                                 ).content.decode()


def test_positions_paid_meanwhile_are_skipped(client, organization, positions, payer,
                                              django_capture_on_commit_callbacks):
    client.force_login(payer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(create_url(organization), {"positions": [p.pk for p in positions]})
    positions[0].options.get().mark_paid()
    for callback in callbacks:
        callback()
    bundle = DocumentBundle.objects.get()
    assert bundle.file_count == 2
    names = zip_names(client.get(download_url(organization, bundle)).content)
    assert f"avviso-{positions[0].options.get().notice_number}.pdf" not in names


def test_nothing_payable_at_all_fails_visibly(client, organization, positions, payer,
                                              django_capture_on_commit_callbacks):
    positions[0].options.get().mark_paid()
    client.force_login(payer)
    request_zip(client, organization, [positions[0].pk], django_capture_on_commit_callbacks)
    bundle = DocumentBundle.objects.get()
    assert bundle.status == "failed"
    assert "Non è stato possibile" in client.get(status_url(organization, bundle)
                                                 ).content.decode()
    assert client.get(download_url(organization, bundle)).status_code == 404
