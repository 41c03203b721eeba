"""Staff login: email and password, then TOTP (enrolment the first time), audited."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from backoffice.login import PENDING_KEY
from organizations.models import StaffMembership, StaffRole

PASSWORD = "Password-lunga-123"


def code_of(device: TOTPDevice, offset: int = 0) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():0{device.digits}d}"


def url(name: str, organization) -> str:
    return reverse(f"backoffice:{name}", args=[organization.slug])


def password_step(client, organization, email, password=PASSWORD, **extra):
    return client.post(url("login", organization), {"username": email, "password": password,
                                                    **extra})


@pytest.fixture
def newcomer(organization, django_user_model):
    """Staff without a second factor yet."""
    user = django_user_model.objects.create_user("nuovo@example.it", PASSWORD)
    StaffMembership.objects.create(organization=organization, user=user,
                                   role=StaffRole.OPERATOR)
    return user


def test_password_then_code_logs_in_and_is_audited(client, organization, operator):
    response = password_step(client, organization, "Operatore@Example.it")
    assert response["Location"] == url("second_factor", organization)
    # After the password alone nobody is logged in, and the back office stays closed.
    assert "_auth_user_id" not in client.session
    assert client.get(url("home", organization)).status_code == 302
    device = TOTPDevice.objects.get(user=operator)
    response = client.post(url("second_factor", organization), {"code": code_of(device)})
    assert response["Location"] == url("home", organization)
    assert client.get(url("home", organization)).status_code == 200
    entry = AuditEntry.objects.get(action="staff.login")
    assert entry.actor == operator and entry.organization == organization
    assert entry.ip_address == "127.0.0.1"


def test_a_wrong_code_is_refused_and_audited(client, organization, operator):
    password_step(client, organization, operator.email)
    device = TOTPDevice.objects.get(user=operator)
    wrong = f"{(int(code_of(device)) + 1) % 1000000:06d}"
    response = client.post(url("second_factor", organization), {"code": wrong})
    assert response.status_code == 200
    assert "Codice non valido" in response.content.decode()
    assert client.get(url("home", organization)).status_code == 302
    failed = AuditEntry.objects.get(action="staff.login_failed")
    assert failed.actor == operator and failed.data == {"step": "second_factor"}


def test_a_wrong_password_is_audited_and_keeps_the_email(client, organization, operator):
    response = password_step(client, organization, operator.email, "sbagliata")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Email o password non corretti" in page and operator.email in page
    entry = AuditEntry.objects.get(action="staff.login_failed")
    assert entry.organization == organization
    assert entry.data == {"email": operator.email, "step": "password"}


def test_staff_of_another_ente_and_payers_get_the_wrong_password_answer(
        client, other_organization, operator, payer):
    for email in (operator.email, payer.email):
        response = password_step(client, other_organization, email)
        assert response.status_code == 200
        assert "Email o password non corretti" in response.content.decode()
        assert PENDING_KEY not in client.session


def test_the_code_step_needs_the_password_step(client, organization, operator):
    response = client.get(url("second_factor", organization))
    assert response["Location"] == url("login", organization)
    # A password passed for another Ente does not open this one.
    client.post(url("login", organization), {})
    session = client.session
    session[PENDING_KEY] = {"user": operator.pk, "ente": "altro", "fp": "x", "at": 0}
    session.save()
    assert client.get(url("second_factor", organization))["Location"] == url("login",
                                                                              organization)


def test_first_login_enrols_with_qr_and_secret(client, organization, newcomer):
    password_step(client, organization, newcomer.email)
    page = client.get(url("second_factor", organization))
    html = page.content.decode()
    assert "Attiva il secondo fattore" in html
    assert 'src="data:image/svg+xml' in html  # inline image: no external request, CSP-safe
    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)
    from backoffice.login import secret_text
    assert secret_text(device) in html
    # Reloading the page keeps the same key (the app may already have it).
    client.get(url("second_factor", organization))
    assert TOTPDevice.objects.filter(user=newcomer).count() == 1
    response = client.post(url("second_factor", organization), {"code": code_of(device)})
    assert response["Location"] == url("home", organization)
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(action="staff.second_factor_enrolled",
                                     actor=newcomer).exists()


def test_next_is_kept_only_inside_this_back_office(client, organization, operator):
    inside = url("home", organization) + "?x=1"
    password_step(client, organization, operator.email, next=inside)
    device = TOTPDevice.objects.get(user=operator)
    response = client.post(url("second_factor", organization), {"code": code_of(device)})
    assert response["Location"] == inside
    client.logout()
    password_step(client, organization, operator.email, next="https://evil.example/")
    response = client.post(url("second_factor", organization),
                           {"code": code_of(device, offset=1)})
    assert response["Location"] == url("home", organization)


def test_repeated_wrong_passwords_lock_out_with_the_staff_page(client, organization, operator):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_step(client, organization, operator.email, "sbagliata")
    response = password_step(client, organization, operator.email)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Accesso del personale" in html and "bloccato" in html
    assert PENDING_KEY not in client.session


def test_logout_ends_the_session_and_is_audited(operator_client, organization, operator):
    response = operator_client.post(url("logout", organization))
    assert response["Location"] == url("login", organization)
    assert operator_client.get(url("home", organization)).status_code == 302
    assert AuditEntry.objects.filter(action="staff.logout", actor=operator).exists()


def test_a_logged_in_member_without_code_goes_to_the_code_step(client, organization, operator):
    client.force_login(operator)
    response = client.get(url("login", organization))
    assert response["Location"] == url("second_factor", organization)


def test_held_payer_accounts_stay_and_switching_back_asks_the_code_again(
        client, organization, operator, payer):
    """accounts.sessions: a payer logged in in this browser stays held after the staff
    login; coming back to the staff account by *switch* (no password, no code) does not
    carry the second factor."""
    client.post(reverse("accounts:login", args=[organization.slug]),
                {"username": payer.email, "password": PASSWORD})
    password_step(client, organization, operator.email)
    device = TOTPDevice.objects.get(user=operator)
    client.post(url("second_factor", organization), {"code": code_of(device)})
    assert client.get(url("home", organization)).status_code == 200
    assert {e["id"] for e in client.session["held_accounts"]} == {payer.pk, operator.pk}
    switch = reverse("accounts:switch", args=[organization.slug])
    client.post(switch, {"user": payer.pk})
    assert client.get(url("home", organization)).status_code == 404  # a payer
    client.post(switch, {"user": operator.pk})
    response = client.get(url("home", organization))
    assert response["Location"] == url("login", organization)
