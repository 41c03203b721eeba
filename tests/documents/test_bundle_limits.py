"""Abuse limits on *Scarica selezionati (ZIP)* (issue 9, item 5): per account, per
address, and a cap on the ZIPs one account may have waiting. A refusal is a 429 page in
Italian that keeps the selection, queues nothing and is logged."""

from __future__ import annotations

import logging
import re

import pytest
from django.test import Client

from documents.models import DocumentBundle
from tests.core.test_security_events import events
from tests.positions.conftest import claim

from . import test_bundles as bundles
from .test_bundles import create_url, history_url

# The fixtures of the ZIP tests: three claimed positions, their options, another payer.
positions, options, other_payer = bundles.positions, bundles.options, bundles.other_payer

pytestmark = pytest.mark.django_db


def post_zip(client, organization, ids, capture, execute=True, **extra):
    with capture(execute=execute) as callbacks:
        response = client.post(create_url(organization),
                               {"option": ids, "next": history_url(organization)}, **extra)
    return response, callbacks


def hidden_options(page: str) -> list[int]:
    return sorted(int(v) for v in re.findall(r'name="option" value="(\d+)"', page))


def test_too_many_zips_from_one_account_are_refused(client, organization, options, payer,
                                                   settings, caplog,
                                                   django_capture_on_commit_callbacks):
    settings.DOCUMENTS_ZIP_RATE = "2/h"
    client.force_login(payer)
    ids = [o.pk for o in options]
    for n in range(2):  # from different addresses: the account's own count holds
        response, _ = post_zip(client, organization, ids, django_capture_on_commit_callbacks,
                               REMOTE_ADDR=f"10.0.0.{n + 1}")
        assert response.status_code == 302
    with caplog.at_level(logging.WARNING):
        refused, callbacks = post_zip(client, organization, ids,
                                      django_capture_on_commit_callbacks,
                                      REMOTE_ADDR="10.0.0.9")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Hai richiesto troppi file ZIP in poco tempo" in page
    assert hidden_options(page) == sorted(ids)  # the selection, ready to be sent again
    assert f'name="next" value="{history_url(organization)}"' in page
    assert callbacks == [] and DocumentBundle.objects.count() == 2  # nothing queued
    [event] = events(caplog, "zip_refused")
    assert event.reason == "account rate" and event.user_id == payer.pk
    assert event.client == "10.0.0.9"


def test_too_many_zips_from_one_address_are_refused(organization, options, payer,
                                                   other_payer, settings, caplog,
                                                   django_capture_on_commit_callbacks):
    settings.DOCUMENTS_ZIP_ADDRESS_RATE = "2/h"
    first, second = Client(), Client()
    first.force_login(payer)
    second.force_login(other_payer)
    ids = [options[0].pk]
    for _ in range(2):
        response, _ = post_zip(first, organization, ids, django_capture_on_commit_callbacks)
        assert response.status_code == 302
    # another account from the same address, with a row of its own: the address's
    # count holds
    claim(other_payer, options[1].position)
    refused, _ = post_zip(second, organization, [options[1].pk],
                          django_capture_on_commit_callbacks)
    assert refused.status_code == 429
    assert DocumentBundle.objects.filter(owner=other_payer).count() == 0
    [event] = events(caplog, "zip_refused")
    assert event.reason == "address rate" and event.user_id == other_payer.pk
    elsewhere, _ = post_zip(second, organization, [options[1].pk],
                            django_capture_on_commit_callbacks, REMOTE_ADDR="10.9.9.9")
    assert elsewhere.status_code == 302


def test_pending_zips_per_account_are_capped(client, organization, options, payer, settings,
                                            caplog, django_capture_on_commit_callbacks):
    settings.DOCUMENTS_ZIP_MAX_PENDING = 2
    client.force_login(payer)
    ids = [options[0].pk, options[2].pk]
    for _ in range(2):  # the worker has not built them yet
        response, _ = post_zip(client, organization, ids, django_capture_on_commit_callbacks,
                               execute=False)
        assert response.status_code == 302
    refused, _ = post_zip(client, organization, ids, django_capture_on_commit_callbacks,
                          execute=False)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Hai già 2 file in preparazione" in page and hidden_options(page) == sorted(ids)
    assert DocumentBundle.objects.count() == 2
    [event] = events(caplog, "zip_refused")
    assert event.reason == "pending" and event.pending == 2
    DocumentBundle.objects.update(status=DocumentBundle.Status.READY)
    again, _ = post_zip(client, organization, ids, django_capture_on_commit_callbacks,
                        execute=False)
    assert again.status_code == 302  # once built, the payer may ask again
