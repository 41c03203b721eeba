"""Issue 9, items 5 and 6: the payment attempt's state machine, and return URLs that
only read. ``status`` moves only through PaymentAttempt's methods, each on the locked
row; paid is final."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from payments.models import PaymentAttempt
from positions.models import InvalidTransition, PositionClaim

pytestmark = pytest.mark.django_db
Status = PaymentAttempt.Status


@pytest.fixture
def option(make_position, payer):
    position = make_position()
    PositionClaim.objects.create(user=payer, position=position, source="search")
    return position.options.get()


@pytest.fixture
def attempt(option, payer):
    attempt = PaymentAttempt.objects.create(organization=option.organization, user=payer,
                                            amount_cents=option.amount_cents)
    attempt.options.set([option])
    return attempt


def stored(attempt) -> PaymentAttempt:
    return PaymentAttempt.objects.get(pk=attempt.pk)


# --- each move -------------------------------------------------------------------------

def test_redirect_to_records_the_checkout_address(attempt):
    attempt.redirect_to("https://checkout.pagopa.it/c/123")
    row = stored(attempt)
    assert (row.status, row.checkout_location) == (Status.REDIRECTED,
                                                   "https://checkout.pagopa.it/c/123")
    assert attempt.status == Status.REDIRECTED


def test_fail_records_the_error(attempt):
    attempt.fail("CheckoutError: " + "x" * 600)
    row = stored(attempt)
    assert row.status == Status.FAILED and row.error.startswith("CheckoutError: ")
    assert len(row.error) == 500


@pytest.mark.parametrize("returned", ["cancel", "error"])
def test_cancel_records_what_the_payer_came_back_from(attempt, returned):
    attempt.redirect_to("https://checkout.pagopa.it/c/123")
    attempt.cancel(returned=returned)
    row = stored(attempt)
    assert (row.status, row.returned) == (Status.CANCELLED, returned)


@pytest.mark.parametrize("before", [Status.STARTED, Status.REDIRECTED, Status.CANCELLED,
                                    Status.FAILED])
def test_mark_paid_from_any_open_or_given_up_state(attempt, before):
    PaymentAttempt.objects.filter(pk=attempt.pk).update(status=before)
    attempt.refresh_from_db()
    attempt.mark_paid()
    assert stored(attempt).status == Status.PAID


# --- illegal moves ---------------------------------------------------------------------

@pytest.mark.parametrize("move", [
    lambda a: a.cancel(), lambda a: a.fail("late error"), lambda a: a.redirect_to("https://x"),
    lambda a: a.mark_paid(),
])
def test_nothing_overwrites_paid(attempt, move):
    attempt.mark_paid()
    with pytest.raises(InvalidTransition):
        move(attempt)
    row = stored(attempt)
    assert (row.status, row.error, row.checkout_location, row.returned) == (
        Status.PAID, "", "", "")


def test_cancel_after_paid_does_not_overwrite_even_from_a_stale_copy(attempt):
    """The old GET read the row, checked it, and wrote it without a lock: a receipt
    committed in between was overwritten. The move checks the locked row, not the copy."""
    stale = stored(attempt)
    attempt.mark_paid()
    assert stale.status == Status.STARTED
    with pytest.raises(InvalidTransition):
        stale.cancel()
    assert stored(attempt).status == Status.PAID
    assert stale.status == Status.PAID  # the copy learns the truth


@pytest.mark.parametrize(("before", "move"), [
    (Status.CANCELLED, lambda a: a.redirect_to("https://x")),
    (Status.FAILED, lambda a: a.redirect_to("https://x")),
    (Status.CANCELLED, lambda a: a.fail("x")),
    (Status.FAILED, lambda a: a.cancel()),
    (Status.REDIRECTED, lambda a: a.redirect_to("https://x")),
])
def test_other_illegal_moves_are_refused(attempt, before, move):
    PaymentAttempt.objects.filter(pk=attempt.pk).update(status=before)
    attempt.refresh_from_db()
    with pytest.raises(InvalidTransition):
        move(attempt)
    assert stored(attempt).status == before


def test_no_code_writes_the_status_directly():
    """Every writer goes through the methods above (the four old writers are gone)."""
    import inspect

    from payments import flow, receipts, views

    for module in (flow, receipts, views):
        source = inspect.getsource(module)
        assert "status=PaymentAttempt.Status" not in source
        assert "attempt.status =" not in source


# --- the return URLs -------------------------------------------------------------------

def returned_url(attempt, kind):
    return reverse("payments:returned", args=[attempt.organization.slug, attempt.public_id,
                                              kind])


@pytest.fixture
def browser(client, payer):
    client.force_login(payer)
    return client


@pytest.mark.parametrize("kind", ["cancel", "error", "ok", "waiting"])
def test_get_on_a_return_url_changes_nothing(browser, attempt, kind):
    attempt.redirect_to("https://checkout.pagopa.it/c/123")
    before = stored(attempt)
    response = browser.get(returned_url(attempt, kind))
    assert response.status_code == 200
    after = stored(attempt)
    assert (after.status, after.returned, after.updated_at) == (
        before.status, before.returned, before.updated_at)


def test_get_on_the_cancel_url_offers_the_cancellation_as_a_form(browser, attempt):
    attempt.redirect_to("https://checkout.pagopa.it/c/123")
    page = browser.get(returned_url(attempt, "cancel")).content.decode()
    assert "Pagamento annullato" in page
    assert f'<form method="post" action="{returned_url(attempt, "cancel")}"' in page
    assert "Annulla questo pagamento" in page and "csrfmiddlewaretoken" in page


def test_post_on_the_cancel_url_cancels_and_shows_the_page_again(browser, attempt):
    attempt.redirect_to("https://checkout.pagopa.it/c/123")
    response = browser.post(returned_url(attempt, "cancel"))
    assert response.status_code == 302 and response["Location"] == returned_url(attempt,
                                                                                 "cancel")
    row = stored(attempt)
    assert (row.status, row.returned) == (Status.CANCELLED, "cancel")
    page = browser.get(response["Location"]).content.decode()
    assert "Annulla questo pagamento" not in page


def test_cancel_url_after_the_receipt_neither_get_nor_post_overwrites_paid(browser, attempt,
                                                                           option):
    option.mark_paid()
    attempt.mark_paid()
    page = browser.get(returned_url(attempt, "cancel")).content.decode()
    assert "Pagamento completato" in page and "Annulla questo pagamento" not in page
    response = browser.post(returned_url(attempt, "cancel"), follow=True)
    assert "non si può più annullare" in response.content.decode()
    assert stored(attempt).status == Status.PAID


@pytest.mark.parametrize("kind", ["ok", "waiting", "nonsense"])
def test_post_on_other_return_urls_is_refused(browser, attempt, kind):
    response = browser.post(returned_url(attempt, kind))
    assert response.status_code == 404
    assert stored(attempt).status == Status.STARTED


def test_post_needs_the_csrf_token(payer, attempt):
    client = Client(enforce_csrf_checks=True)
    client.force_login(payer)
    assert client.post(returned_url(attempt, "cancel")).status_code == 403
    assert stored(attempt).status == Status.STARTED


def test_someone_elses_attempt_is_not_found(client, attempt, db):
    from accounts.models import User

    other = User.objects.create_user("altro@example.it", "Password-lunga-123")
    client.force_login(other)
    assert client.post(returned_url(attempt, "cancel")).status_code == 404
    assert client.get(returned_url(attempt, "cancel")).status_code == 404
    assert stored(attempt).status == Status.STARTED
