"""Staff of the test Ente, logged in past the second factor (as the login page leaves them)."""

from __future__ import annotations

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from organizations.models import StaffMembership, StaffRole


def make_staff(organization, email: str, role: str = StaffRole.OPERATOR):
    from accounts.models import User

    user = User.objects.create_user(email, "Password-lunga-123")
    StaffMembership.objects.create(organization=organization, user=user, role=role)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user


def login_staff(client, user) -> None:
    """Log ``user`` in with a verified second factor, as the back-office login does."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()


@pytest.fixture
def operator(organization):
    return make_staff(organization, "operatore@example.it", StaffRole.OPERATOR)


@pytest.fixture
def manager(organization):
    return make_staff(organization, "responsabile@example.it", StaffRole.MANAGER)


@pytest.fixture
def operator_client(client, operator):
    login_staff(client, operator)
    return client


@pytest.fixture
def manager_client(client, manager):
    login_staff(client, manager)
    return client
