"""The Django admin only shows positions: every change goes through the back office's
service, which keeps pagoPA's rules, the ACA push and the audit trail."""

import pytest
from django.urls import NoReverseMatch, reverse

from positions.models import PaymentOption, PaymentPosition


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser(
        "admin@comune.example", "Password-lunga-123"))
    return client


@pytest.mark.parametrize("model", ["paymentposition", "paymentoption", "debtor", "transfer"])
def test_no_add_page(superuser_client, db, model):
    try:
        url = reverse(f"admin:positions_{model}_add")
    except NoReverseMatch:  # not registered at all: read-only too
        return
    assert superuser_client.get(url).status_code == 403


def test_change_page_only_shows_and_a_post_changes_nothing(superuser_client, make_position):
    position = make_position()
    option = position.options.get()
    url = reverse("admin:positions_paymentposition_change", args=[position.pk])
    page = superuser_client.get(url).content.decode()
    assert 'name="causale"' not in page and "avviso.pdf" in page
    response = superuser_client.post(url, {"causale": "Cambiata", "debtor": position.debtor_id})
    assert response.status_code == 403
    option_url = reverse("admin:positions_paymentoption_change", args=[option.pk])
    response = superuser_client.post(option_url, {"amount_cents": 1})
    assert response.status_code == 403
    assert PaymentPosition.objects.get().causale == position.causale
    assert PaymentOption.objects.get().amount_cents == option.amount_cents
    delete = reverse("admin:positions_paymentposition_delete", args=[position.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
