"""*Staff dell'Ente*: responsabile only; add (with the set-password email), change role,
remove; the last responsabile stays; every change audited."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEntry
from backoffice import staff
from mail.models import OutgoingEmail
from organizations.models import StaffMembership, StaffRole
from tests.backoffice.conftest import make_staff


def url(name, organization, *args):
    return reverse(f"backoffice:{name}", args=[organization.slug, *args])


def test_an_operator_is_refused(operator_client, organization, operator):
    member = StaffMembership.objects.get(user=operator)
    for name, args in (("staff", ()), ("staff_add", ()), ("staff_remove", (member.pk,))):
        assert operator_client.get(url(name, organization, *args)).status_code == 403
    assert operator_client.post(url("staff_role", organization, member.pk),
                                {"role": StaffRole.MANAGER}).status_code == 403
    member.refresh_from_db()
    assert member.role == StaffRole.OPERATOR


def test_the_list_shows_the_staff_and_exports(manager_client, organization, operator):
    page = manager_client.get(url("staff", organization)).content.decode()
    assert operator.email in page and "responsabile@example.it" in page
    response = manager_client.get(url("staff", organization), {"formato": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "operatore@example.it;" in body


def test_adding_a_newcomer_sends_a_link_to_choose_the_password(manager_client, organization,
                                                                client):
    response = manager_client.post(url("staff_add", organization), {
        "email": "Nuova.Collega@Example.it", "first_name": "Anna", "last_name": "Bianchi",
        "role": StaffRole.OPERATOR})
    assert response["Location"] == url("staff", organization)
    user = User.objects.get(email="nuova.collega@example.it")
    assert not user.has_usable_password()
    member = StaffMembership.objects.get(user=user, organization=organization)
    assert member.role == StaffRole.OPERATOR
    entry = AuditEntry.objects.get(action="staff.added")
    assert entry.actor.email == "responsabile@example.it"
    assert entry.data["after"] == {"email": user.email, "role": "operatore", "new_account": True}
    email = OutgoingEmail.objects.get(to=user.email)
    link = re.search(r"https?://[^/\s]+(/\S*/password-dimenticata/\S+/)", email.body_text)
    assert link and url("login", organization) in email.body_text
    # The link works: the newcomer chooses a password, then can pass step 1 of the login.
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    done = client.post(form_page.redirect_chain[-1][0], {
        "new_password1": "Una-password-nuova-77", "new_password2": "Una-password-nuova-77"})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Una-password-nuova-77")


def test_adding_an_existing_account_tells_them(manager_client, organization, payer):
    manager_client.post(url("staff_add", organization), {
        "email": payer.email, "first_name": "Mario", "last_name": "Rossi",
        "role": StaffRole.MANAGER})
    assert StaffMembership.objects.get(user=payer).role == StaffRole.MANAGER
    payer.refresh_from_db()
    assert payer.check_password("Password-lunga-123")  # untouched
    assert "password-dimenticata" not in OutgoingEmail.objects.get(to=payer.email).body_text


def test_adding_twice_keeps_what_was_typed_and_says_why(manager_client, organization, operator):
    response = manager_client.post(url("staff_add", organization), {
        "email": operator.email, "first_name": "Ugo", "last_name": "Neri",
        "role": StaffRole.OPERATOR})
    assert response.status_code == 200
    page = response.content.decode()
    assert "fa già parte dello staff" in page and 'value="Ugo"' in page
    assert StaffMembership.objects.filter(user=operator).count() == 1


def test_change_role_and_remove_are_audited(manager_client, organization, operator):
    member = StaffMembership.objects.get(user=operator)
    manager_client.post(url("staff_role", organization, member.pk), {"role": StaffRole.MANAGER})
    member.refresh_from_db()
    assert member.role == StaffRole.MANAGER
    entry = AuditEntry.objects.get(action="staff.role_changed")
    assert entry.data["before"] == {"role": "operatore"}
    assert entry.data["after"] == {"role": "responsabile"}
    assert manager_client.get(url("staff_remove", organization, member.pk)).status_code == 200
    manager_client.post(url("staff_remove", organization, member.pk))
    assert not StaffMembership.objects.filter(pk=member.pk).exists()
    assert User.objects.filter(pk=operator.pk).exists()  # the account stays
    removed = AuditEntry.objects.get(action="staff.removed")
    assert removed.data["before"] == {"email": operator.email, "role": "responsabile"}


def test_the_last_responsabile_cannot_be_removed_nor_demoted(manager_client, organization,
                                                             manager):
    member = StaffMembership.objects.get(user=manager)
    response = manager_client.post(url("staff_remove", organization, member.pk), follow=True)
    assert "unico responsabile" in response.content.decode()
    manager_client.post(url("staff_role", organization, member.pk), {"role": StaffRole.OPERATOR})
    member.refresh_from_db()
    assert member.role == StaffRole.MANAGER
    with pytest.raises(staff.StaffRuleError):
        staff.remove_member(member)
    # With a second responsabile, the first may step down.
    make_staff(organization, "altro-capo@example.it", StaffRole.MANAGER)
    staff.change_role(member, StaffRole.OPERATOR)
    member.refresh_from_db()
    assert member.role == StaffRole.OPERATOR


def test_another_entes_member_is_404(manager_client, other_organization):
    stranger = make_staff(other_organization, "b@example.it", StaffRole.OPERATOR)
    member = StaffMembership.objects.get(user=stranger)
    slug = "comune-di-prova"
    assert manager_client.get(reverse("backoffice:staff_remove",
                                      args=[slug, member.pk])).status_code == 404
    assert manager_client.post(reverse("backoffice:staff_role", args=[slug, member.pk]),
                               {"role": StaffRole.MANAGER}).status_code == 404
    member.refresh_from_db()
    assert member.role == StaffRole.OPERATOR


def test_a_newcomer_may_be_given_a_fiscal_code_for_spid(manager_client, organization):
    response = manager_client.post(url("staff_add", organization), {
        "email": "cf@example.it", "first_name": "Mario", "last_name": "Rossi",
        "role": StaffRole.OPERATOR, "fiscal_code": "rssmra80e12h501i"})
    assert response.status_code == 302
    assert User.objects.get(email="cf@example.it").fiscal_code == "RSSMRA80E12H501I"
    wrong = manager_client.post(url("staff_add", organization), {
        "email": "cf2@example.it", "first_name": "Mario", "last_name": "Rossi",
        "role": StaffRole.OPERATOR, "fiscal_code": "RSSMRA80E12H501X"})
    assert wrong.status_code == 200 and 'value="cf2@example.it"' in wrong.content.decode()
