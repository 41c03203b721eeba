"""App IO in the back office: keys entered by a responsabile (masked, encrypted,
audited), the suspension alert, the messages on the position page."""

from __future__ import annotations

from django.utils import timezone

from appio.models import IoConfig, IoMessage, IoServiceKey
from audit.models import AuditEntry
from tests.backoffice.conftest import login_staff, make_staff

KEY = "chiave-segreta-di-io-1234"


def url(organization, name=""):
    return f"/{organization.slug}/backoffice/{name}"


def test_only_a_responsabile_edits_the_keys(operator_client, organization):
    assert operator_client.get(url(organization, "app-io/")).status_code in (403, 404)


def test_other_entes_staff_get_404(client, other_organization, organization):
    login_staff(client, make_staff(other_organization, "altro@example.it", "manager"))
    assert client.get(url(organization, "app-io/")).status_code == 404


def test_key_saved_encrypted_masked_and_audited(manager_client, organization, service):
    page = manager_client.get(url(organization, "app-io/"))
    assert page.status_code == 200
    response = manager_client.post(url(organization, "app-io/"), {
        "enabled": "on", "api_key": KEY, f"service_{service.pk}": "chiave-del-servizio-9876"})
    assert response.status_code == 302
    config = IoConfig.objects.get(organization=organization)
    assert config.enabled and config.api_key == KEY and KEY not in config.api_key_encrypted
    assert IoServiceKey.objects.get(service=service).api_key == "chiave-del-servizio-9876"
    page = manager_client.get(url(organization, "app-io/")).content.decode()
    assert KEY not in page and "1234" in page and "9876" in page  # masked: last four only
    entry = AuditEntry.objects.get(action="appio.settings_changed")
    assert KEY not in str(entry.data) and "api_key" in entry.data["changed"]
    # An empty field keeps the stored key.
    manager_client.post(url(organization, "app-io/"), {"enabled": "on", "api_key": ""})
    assert IoConfig.objects.get().api_key == KEY


def test_enabling_without_a_key_keeps_what_was_typed_with_a_message(manager_client,
                                                                    organization):
    response = manager_client.post(url(organization, "app-io/"), {"enabled": "on"})
    assert response.status_code == 400
    assert "Inserisci la chiave del servizio IO" in response.content.decode()
    assert not IoConfig.objects.exists()


def test_suspension_shows_on_the_dashboard_and_a_new_key_lifts_it(manager_client,
                                                                 organization):
    config = IoConfig(organization=organization, enabled=True, suspended_at=timezone.now(),
                      suspension_error="IoKeyRefused: 401")
    config.set_api_key(KEY)
    config.save()
    home = manager_client.get(url(organization)).content.decode()
    assert 'id="io-suspended"' in home and "sospesi" in home
    manager_client.post(url(organization, "app-io/"),
                        {"enabled": "on", "api_key": "una-chiave-nuova-5678"})
    assert IoConfig.objects.get().suspended_at is None
    assert AuditEntry.objects.filter(action="appio.sends_resumed").exists()
    assert 'id="io-suspended"' not in manager_client.get(url(organization)).content.decode()


def test_position_page_lists_its_io_messages(operator_client, organization, make_position):
    position = make_position()
    IoMessage.objects.create(organization=organization, position=position,
                             kind=IoMessage.Kind.CREATED, state=IoMessage.State.NO_PROFILE,
                             error="IoProfileNotFound: App IO answered 404", attempts=1)
    page = operator_client.get(url(organization, f"posizioni/{position.pk}/")).content.decode()
    assert 'id="io-messages"' in page and "Cittadino non iscritto a IO" in page
