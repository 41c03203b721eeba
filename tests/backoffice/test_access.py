"""The back office answers only to the staff of the Ente in the URL."""

import pytest
from django.urls import reverse

from organizations.models import StaffMembership, StaffRole


@pytest.fixture
def clerk(db, organization, django_user_model):
    user = django_user_model.objects.create_user("clerk@example.it", "Password-lunga-123")
    StaffMembership.objects.create(organization=organization, user=user,
                                   role=StaffRole.OPERATOR)
    return user


def test_staff_of_another_ente_get_404(client, clerk, other_organization):
    client.force_login(clerk)
    response = client.get(reverse("backoffice:home", args=[other_organization.slug]))
    assert response.status_code == 404


def test_a_payer_gets_404(client, payer, organization):
    client.force_login(payer)
    response = client.get(reverse("backoffice:home", args=[organization.slug]))
    assert response.status_code == 404


def test_staff_without_second_factor_are_sent_to_login(client, clerk, organization):
    client.force_login(clerk)
    response = client.get(reverse("backoffice:home", args=[organization.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:login", args=[organization.slug])


def test_staff_past_the_second_factor_see_their_home(operator_client, organization):
    response = operator_client.get(reverse("backoffice:home", args=[organization.slug]))
    assert response.status_code == 200
