"""The responsabile switches a service's reminders on, with the days; audited; kept as
typed with an Italian message when wrong; operatori and other Enti cannot."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from organizations.models import StaffRole
from reminders.models import ReminderPolicy
from tests.backoffice.conftest import login_staff, make_staff

pytestmark = pytest.mark.django_db


def url(service):
    return reverse("backoffice:service_reminders", args=[service.organization.slug, service.pk])


def test_the_manager_switches_reminders_on(client, organization, service):
    login_staff(client, make_staff(organization, "resp@example.it", StaffRole.MANAGER))
    page = client.get(url(service)).content.decode()
    assert 'name="days_before"' in page and 'value="7"' in page  # the default shown
    assert not ReminderPolicy.objects.exists()
    response = client.post(url(service), {"enabled": "on", "days_before": "5",
                                          "day_after": "on"})
    assert response.status_code == 302
    policy = ReminderPolicy.objects.get(service=service)
    assert (policy.enabled, policy.days_before, policy.day_after) == (True, 5, True)
    entry = AuditEntry.objects.get(action="reminder_policy.updated")
    assert entry.data["after"] == {"enabled": True, "days_before": 5, "day_after": True}
    editor = client.get(reverse("backoffice:service", args=[organization.slug, service.pk]))
    assert url(service) in editor.content.decode()


def test_bad_days_keep_what_was_typed(client, organization, service):
    login_staff(client, make_staff(organization, "resp@example.it", StaffRole.MANAGER))
    response = client.post(url(service), {"enabled": "on", "days_before": "90"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Al massimo 60 giorni prima della scadenza." in page and 'value="90"' in page
    assert not ReminderPolicy.objects.exists()


def test_an_operator_and_another_ente_cannot(client, organization, other_organization,
                                            service):
    login_staff(client, make_staff(organization, "op@example.it", StaffRole.OPERATOR))
    assert client.post(url(service), {"enabled": "on", "days_before": "5"}).status_code == 403
    client.logout()
    login_staff(client, make_staff(other_organization, "altro@example.it", StaffRole.MANAGER))
    assert client.post(url(service), {"enabled": "on", "days_before": "5"}).status_code == 404
    assert not ReminderPolicy.objects.exists()
