"""Staff download the avviso from the PaymentPosition admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import qr_texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    from accounts.models import User

    return User.objects.create_superuser("admin@comune.example", "Password-lunga-123")


def admin_notice_url(position) -> str:
    return reverse("admin:positions_paymentposition_notice", args=[position.pk])


def test_staff_download_the_same_pdf(client, staff, make_position):
    position = make_position()
    option = position.options.get()
    client.force_login(staff)
    change = client.get(reverse("admin:positions_paymentposition_change", args=[position.pk]))
    assert admin_notice_url(position) in change.content.decode()
    response = client.get(admin_notice_url(position))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="avviso-{option.notice_number}.pdf"')
    # admin_view adds its own never_cache on top: still no-store and private
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control
    assert qr_texts(response.content) == [
        f"PAGOPA|002|{option.notice_number}|80000120016|0000002200"]


def test_payers_cannot_use_the_admin_route(client, payer, make_position):
    position = make_position()
    client.force_login(payer)
    response = client.get(admin_notice_url(position))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_who_are_not_superusers_are_sent_to_the_admin_login(client, make_position):
    from accounts.models import User

    clerk = User.objects.create_user("clerk@comune.example", "Password-lunga-123",
                                     is_staff=True)
    client.force_login(clerk)
    response = client.get(admin_notice_url(make_position()))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_paid_position_has_no_avviso(client, staff, make_position):
    position = make_position()
    position.options.get().mark_paid()
    client.force_login(staff)
    assert client.get(admin_notice_url(position)).status_code == 404
    change = client.get(reverse("admin:positions_paymentposition_change", args=[position.pk]))
    assert "nessun avviso" in change.content.decode()
    assert client.get("/admin/positions/paymentposition/abc/avviso.pdf").status_code == 404
