"""The staff of an Ente: adding a person, changing a role, removing one; each audited.

The rule: an Ente always keeps at least one *responsabile* (else nobody could manage its
staff again but a superuser). The check counts under a row lock of the Ente's managers, so
two responsabili removing each other at once cannot leave none.

A person new to Sportello gets an account without a password and an email with a link to
choose one (Django's password-reset token: it works once, and expires after
PASSWORD_RESET_TIMEOUT); a person who already has an account (a payer, staff elsewhere) is
told by email that they were added.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import User
from audit.log import log_action
from mail.outbox import queue_email
from organizations.models import Organization, StaffMembership, StaffRole


class StaffRuleError(Exception):
    """A change that would break a staff rule; the message is for the person (Italian)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _link(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _send(organization: Organization, user: User, template: str, subject: str,
          **context) -> None:
    context.update(organization=organization, user=user,
                   login_link=_link("backoffice:login", organization.slug))
    text = render_to_string(f"backoffice/email/{template}.txt", context)
    html = render_to_string(f"backoffice/email/{template}.html", context)
    queue_email(user.email, f"{subject} · {organization.name}", text, html,
                organization=organization)


def add_member(organization: Organization, *, email: str, first_name: str, last_name: str,
               role: str, fiscal_code: str = "", request=None) -> StaffMembership:
    """Add a person to the Ente's staff (creating the account if needed; ``fiscal_code``,
    for SPID/CIE, is set on a new account only: an existing one keeps its own)."""
    email = User.objects.normalize_email(email.strip()).lower()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        created = user is None
        if created:
            user = User.objects.create_user(email, None, first_name=first_name,
                                            last_name=last_name, fiscal_code=fiscal_code)
        elif StaffMembership.objects.filter(organization=organization, user=user).exists():
            raise StaffRuleError(_("Questa persona fa già parte dello staff dell'Ente."),
                                 field="email")
        membership = StaffMembership.objects.create(organization=organization, user=user,
                                                    role=role)
        log_action("staff.added", obj=membership, request=request, organization=organization,
                   data={"after": {"email": email, "role": role, "new_account": created}})
        if created:
            uid = urlsafe_base64_encode(force_bytes(user.pk))
            token = default_token_generator.make_token(user)
            _send(organization, user, "staff_invite", _("Sei nello staff dell'Ente"),
                  membership=membership,
                  password_link=_link("accounts:password_reset_confirm", organization.slug,
                                      uid, token))
        else:
            _send(organization, user, "staff_added", _("Sei nello staff dell'Ente"),
                  membership=membership)
    return membership


def _locked_managers(organization: Organization) -> list[int]:
    return list(StaffMembership.objects.select_for_update()
                .filter(organization=organization, role=StaffRole.MANAGER)
                .values_list("pk", flat=True))


def change_role(membership: StaffMembership, role: str, *, request=None) -> StaffMembership:
    with transaction.atomic():
        managers = _locked_managers(membership.organization)
        current = StaffMembership.objects.select_for_update().get(pk=membership.pk)
        if current.role == role:
            return current
        if current.role == StaffRole.MANAGER and managers == [current.pk]:
            raise StaffRuleError(_("È l'unico responsabile dell'Ente: prima nomina un altro "
                                   "responsabile."), field="role")
        before = current.role
        current.role = role
        current.save(update_fields=["role"])
        log_action("staff.role_changed", obj=current, request=request,
                   organization=current.organization,
                   data={"before": {"role": before}, "after": {"role": role},
                         "email": current.user.email})
    return current


def remove_member(membership: StaffMembership, *, request=None) -> None:
    with transaction.atomic():
        managers = _locked_managers(membership.organization)
        current = StaffMembership.objects.select_for_update().select_related("user").get(
            pk=membership.pk)
        if current.role == StaffRole.MANAGER and managers == [current.pk]:
            raise StaffRuleError(_("È l'unico responsabile dell'Ente: non può essere "
                                   "rimosso."))
        log_action("staff.removed", obj=current, request=request,
                   organization=current.organization,
                   data={"before": {"email": current.user.email, "role": current.role}})
        current.delete()
