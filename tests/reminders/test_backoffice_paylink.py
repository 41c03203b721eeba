"""The back office issues, prints (QR) and revokes a position's pay link; audited; other
Enti's staff get 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from reminders import paylinks
from reminders.models import PayLink
from tests.backoffice.conftest import login_staff, make_staff

pytestmark = pytest.mark.django_db


def url(name, organization, *args):
    return reverse(f"backoffice:{name}", args=[organization.slug, *args])


@pytest.fixture
def staff_client(client, organization):
    login_staff(client, make_staff(organization, "operatore@example.it"))
    return client


def test_issue_show_qr_and_revoke(staff_client, organization, make_position, settings):
    settings.SITE_URL = "https://pagamenti.comune.example"
    position = make_position()
    page = staff_client.get(url("position", organization, position.pk)).content.decode()
    assert "Crea il link di pagamento" in page and "Revoca il link" not in page
    assert not PayLink.objects.exists()  # a GET creates nothing

    response = staff_client.post(url("position_pay_link", organization, position.pk))
    assert response.status_code == 302 and response["Location"].endswith("#pay-link")
    link = PayLink.objects.get()
    assert AuditEntry.objects.filter(action="pay_link.issued", position_id=position.pk,
                                     actor__email="operatore@example.it").exists()
    page = staff_client.get(url("position", organization, position.pk)).content.decode()
    assert paylinks.url_of(link) in page and "Revoca il link" in page

    qr = staff_client.get(url("position_pay_link_qr", organization, position.pk))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.content and b"<script" not in qr.content

    staff_client.post(url("position_pay_link_revoke", organization, position.pk))
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert AuditEntry.objects.filter(action="pay_link.revoked", position_id=position.pk).exists()
    assert staff_client.get(url("position_pay_link_qr", organization, position.pk)
                            ).status_code == 404
    assert paylinks.resolve(organization, paylinks.token_for(link)) is None


def test_the_qr_code_reads_back_as_the_link(staff_client, organization, make_position):
    import io

    import zxingcpp
    from PIL import Image

    from backoffice.paylink_views import qr_symbol

    position = make_position()
    staff_client.post(url("position_pay_link", organization, position.pk))
    link_url = paylinks.url_of(PayLink.objects.get())
    png = staff_client.get(url("position_pay_link_qr_png", organization, position.pk))
    assert png["Content-Type"] == "image/png"
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
    assert code.text == link_url
    svg = staff_client.get(url("position_pay_link_qr", organization, position.pk)).content
    out = io.BytesIO()
    qr_symbol(link_url).save(out, kind="svg", scale=4, border=4,
                             title="Codice QR del link di pagamento")
    assert svg == out.getvalue()  # the same symbol as the PNG, drawn as vectors


def test_other_entes_staff_get_404(client, organization, other_organization, make_position):
    position = make_position()
    login_staff(client, make_staff(other_organization, "altro@example.it"))
    for name in ("position_pay_link", "position_pay_link_revoke"):
        assert client.post(reverse(f"backoffice:{name}",
                                   args=[organization.slug, position.pk])).status_code == 404
    assert client.get(reverse("backoffice:position_pay_link_qr",
                              args=[organization.slug, position.pk])).status_code == 404
    assert not PayLink.objects.exists()


def test_a_get_on_issue_or_revoke_changes_nothing(staff_client, organization, make_position):
    position = make_position()
    assert staff_client.get(url("position_pay_link", organization, position.pk)
                            ).status_code == 405
    assert not PayLink.objects.exists()
