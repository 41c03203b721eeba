"""The account emails: Italian text and HTML from templates/accounts/email/, with the
Ente's name, queued in the outbox (mail.outbox) so none is lost if SMTP is down."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import tokens
from accounts.models import User
from mail.outbox import queue_email


def absolute_url(name: str, *args) -> str:
    """A link for an email: SITE_URL is the public address of the portal."""
    return settings.SITE_URL + reverse(name, args=args)


def send(organization, to: str, template: str, subject: str, **context) -> None:
    context.update(organization=organization, site_url=settings.SITE_URL,
                   hours=settings.ACCOUNT_ACTIVATION_HOURS)
    text = render_to_string(f"accounts/email/{template}.txt", context)
    html = render_to_string(f"accounts/email/{template}.html", context)
    queue_email(to, f"{subject} · {organization.name}", text, html, organization=organization)


def send_activation(organization, user: User) -> None:
    link = absolute_url("accounts:activate", organization.slug,
                        tokens.make_activation_token(user))
    send(organization, user.email, "activation", _("Attiva la tua utenza"),
         user=user, link=link)


def send_account_exists(organization, email: str) -> None:
    send(organization, email, "account_exists", _("Hai già un'utenza"),
         reset_link=absolute_url("accounts:password_reset", organization.slug),
         login_link=absolute_url("accounts:login", organization.slug))


def send_email_change(organization, user: User, new_email: str) -> None:
    link = absolute_url("accounts:email_change_confirm", organization.slug,
                        tokens.make_email_change_token(user, new_email))
    send(organization, new_email, "email_change", _("Conferma il nuovo indirizzo email"),
         user=user, link=link)
    send(organization, user.email, "email_change_notice",
         _("Richiesta di cambio dell'indirizzo email"), user=user, new_email=new_email)


def send_password_reset_unknown(organization, email: str) -> None:
    """The reset request for an address with no active account: one email all the same,
    so both answers cost the same work (no timing oracle), and its owner learns why no
    link came."""
    send(organization, email, "password_reset_unknown", _("Reimposta la password"),
         activation_link=absolute_url("accounts:resend_activation", organization.slug),
         register_link=absolute_url("accounts:register", organization.slug))


def send_password_reset_no_password(organization, user: User) -> None:
    """The reset request for an account that logs in with SPID or CIE: it has no password
    to reset, and its owner is told so (not that the address has no account)."""
    send(organization, user.email, "password_reset_no_password", _("Reimposta la password"),
         user=user, login_link=absolute_url("accounts:login", organization.slug))
