"""Staff login: email and password, then the second factor (TOTP, django-otp).

Nobody is logged in after the password alone: the session keeps a short-lived *pending*
marker (the account, the Ente, a fingerprint of the password hash) and only the right
code logs the person in (``accounts.sessions.sign_in``, so accounts already held in this
browser stay held) and marks the session verified (``django_otp.login``). Wrong
passwords count towards django-axes' lockout like the portal's; wrong codes towards the
device's own throttling; every POST towards a per-address rate limit. A person who is
not staff of *this* Ente gets the same answer as a wrong password.

SPID (level 2 or 3) or CIE is a strong login by itself: *Entra con SPID/CIE* on the staff
login page comes back to :func:`identity_login`, which lets in the staff member of this
Ente whose codice fiscale is the identity's (the SPID account itself, or the staff
account declaring that code), without a TOTP code.

The first time, the person has no confirmed device: the second step shows the QR code
(segno, as a ``data:`` image: CSP-safe) and the secret in text, and the first right code
confirms the device.
"""

from __future__ import annotations

import base64
import time

import django_otp
import segno
from django import forms
from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import sessions
from accounts.forms import LoginForm
from accounts.models import User
from audit.log import log_action
from backoffice.access import IDENTITY_LOGIN_KEY, membership_of, second_factor_passed
from identity import saml
from identity.views import VERIFIED_KEY
from organizations.models import Organization, StaffMembership
from sportello.forms import StyledForm
from sportello.ratelimit import over_limit

PENDING_KEY = "backoffice_pending"
PENDING_SECONDS = 300
TOTP_DEVICE_NAME = "app"


class CodeForm(StyledForm, forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Codice"), max_length=16,
        help_text=gettext_lazy("Le 6 cifre che mostra ora l'app di autenticazione "
                               "(o un codice di riserva)."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                      "inputmode": "numeric", "autofocus": True}))

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


def _next_url(request, organization: Organization) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted.startswith(f"/{organization.slug}/backoffice/") and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return reverse("backoffice:home", args=[organization.slug])


def _set_pending(request, user: User, organization: Organization, next_url: str) -> None:
    request.session[PENDING_KEY] = {"user": user.pk, "ente": organization.slug,
                                    "fp": sessions.fingerprint(user), "at": time.time(),
                                    "next": next_url}


def _pending_user(request, organization: Organization) -> tuple[User | None, str]:
    """The account that passed the password for this Ente, if still recent and unchanged."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or pending.get("ente") != organization.slug:
        return None, ""
    if time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None, ""
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is None or not constant_time_compare(pending.get("fp", ""),
                                                 sessions.fingerprint(user)):
        return None, ""
    if membership_of_user(user, organization) is None:
        return None, ""
    return user, pending.get("next", "")


def membership_of_user(user: User, organization: Organization):
    return user.staff_memberships.filter(organization=organization).first()


@never_cache
@require_http_methods(["GET", "POST"])
def login(request, ente: str):
    """Step 1: email and password."""
    organization = get_object_or_404(Organization, slug=ente)
    request.organization = organization
    next_url = _next_url(request, organization)
    if request.user.is_authenticated and membership_of(request, organization):
        if second_factor_passed(request):
            return HttpResponseRedirect(next_url)
        # Already logged in to the portal with this account: the second factor only.
        _set_pending(request, request.user, organization, next_url)
        return redirect("backoffice:second_factor", organization.slug)
    form = LoginForm(request, data=request.POST or None)
    context = {"organization": organization, "form": form, "next": next_url}
    if request.method == "POST":
        if over_limit(request, "staff-login", settings.ACCOUNT_LOGIN_RATE):
            context["rate_limited"] = True
            return render(request, "backoffice/login.html", context, status=429)
        request.renders_lockout = True  # accounts.lockout keeps this page
        if form.is_valid() and membership_of_user(form.get_user(), organization):
            _set_pending(request, form.get_user(), organization, next_url)
            return redirect("backoffice:second_factor", organization.slug)
        email = (request.POST.get("username") or "").strip().lower()
        log_action("staff.login_failed", request=request, organization=organization,
                   data={"email": email[:200], "step": "password"})
        if getattr(request, "axes_locked_out", False):
            context["locked_out"] = True
            context["cooloff_minutes"] = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
            return render(request, "backoffice/login.html", context, status=429)
        if form.is_valid():  # right password, but not staff of this Ente: say nothing more
            form.add_error(None, form.error_messages["invalid_login"])
    return render(request, "backoffice/login.html", context)


def qr_data_uri(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def secret_text(device: TOTPDevice) -> str:
    """The key as the apps ask for it when typed by hand: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _enrolment_device(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME,
                                               confirmed=False)


def _verify(user: User, code: str, enrolling: TOTPDevice | None):
    """The device that accepts ``code`` (each device's own throttling applies)."""
    if enrolling is not None:
        return django_otp.verify_token(user, enrolling.persistent_id, code) if code else None
    for device in devices_for_user(user, confirmed=True):
        matched = django_otp.verify_token(user, device.persistent_id, code)
        if matched is not None:
            return matched
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor(request, ente: str):
    """Step 2: the code of the authenticator app; the first time, the enrolment."""
    organization = get_object_or_404(Organization, slug=ente)
    request.organization = organization
    user, next_url = _pending_user(request, organization)
    if user is None:
        return redirect("backoffice:login", organization.slug)
    enrolling = None
    if not django_otp.user_has_device(user, confirmed=True):
        enrolling = _enrolment_device(user)
    form = CodeForm(request.POST or None)
    context = {"organization": organization, "form": form, "enrolling": enrolling}
    if enrolling is not None:
        context.update(qr=qr_data_uri(enrolling), secret=secret_text(enrolling))
    if request.method == "POST":
        if over_limit(request, "staff-otp", settings.ACCOUNT_LOGIN_RATE):
            context["rate_limited"] = True
            return render(request, "backoffice/second_factor.html", context, status=429)
        device = _verify(user, form.cleaned_data["code"], enrolling) if form.is_valid() else None
        if device is None:
            log_action("staff.login_failed", request=request, actor=user,
                       organization=organization, data={"step": "second_factor"})
            form.errors.pop("code", None)
            form.add_error("code", _("Codice non valido o scaduto: controlla l'ora del "
                                     "telefono e riprova con il codice attuale."))
            return render(request, "backoffice/second_factor.html", context, status=200)
        if enrolling is not None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            log_action("staff.second_factor_enrolled", request=request, actor=user,
                       organization=organization, obj=None,
                       data={"device": device.name})
        request.session.pop(PENDING_KEY, None)
        user.backend = sessions.BACKEND  # the password was checked at step 1
        sessions.sign_in(request, user)
        django_otp.login(request, device)
        log_action("staff.login", request=request, actor=user, organization=organization,
                   data={"device": device.persistent_id})
        return HttpResponseRedirect(next_url or reverse("backoffice:home",
                                                        args=[organization.slug]))
    return render(request, "backoffice/second_factor.html", context)


def _strong(level: str) -> bool:
    return level in saml.LEVELS[1:]


def _identity_member(organization: Organization, request, fiscal_code: str):
    """The staff member of ``organization`` the SPID/CIE identity is: the account that
    logged in, or the one staff account declaring that codice fiscale."""
    own = membership_of(request, organization)
    if own is not None and request.user.fiscal_code == fiscal_code:
        return own
    members = list(StaffMembership.objects.select_related("user").filter(
        organization=organization, user__fiscal_code=fiscal_code, user__is_active=True)[:2])
    return members[0] if len(members) == 1 else None


@never_cache
@require_http_methods(["GET"])
def identity_login(request, ente: str):
    """Back from *Entra con SPID/CIE*: into the back office as the staff member of that
    codice fiscale, or the login page with the reason."""
    organization = get_object_or_404(Organization, slug=ente)
    request.organization = organization
    proof = request.session.get(VERIFIED_KEY)
    fresh = (request.user.is_authenticated and isinstance(proof, dict)
             and proof.get("user") == request.user.pk
             and time.time() - float(proof.get("at", 0)) <= PENDING_SECONDS)
    if not fresh:
        return redirect("backoffice:login", organization.slug)
    request.session.pop(VERIFIED_KEY, None)  # one use
    fiscal_code = proof.get("fiscal_code", "")
    member = _identity_member(organization, request, fiscal_code)
    problem = None
    if not _strong(proof.get("level", "")):
        problem = _("Per il back office serve SPID di livello 2 o 3, oppure CIE.")
    elif member is None:
        problem = _("Nessun componente dello staff di questo Ente ha il codice fiscale "
                    "%(code)s. Accedi con email e password, o chiedi a un responsabile di "
                    "indicarlo.") % {"code": fiscal_code}
    if problem:
        log_action("staff.login_failed", request=request, organization=organization,
                   data={"step": "identity", "fiscal_code": fiscal_code})
        return render(request, "backoffice/login.html", {
            "organization": organization, "form": LoginForm(request), "identity_problem": problem,
            "next": reverse("backoffice:home", args=[organization.slug])})
    user = member.user
    if user.pk != request.user.pk:
        user.backend = sessions.BACKEND
        sessions.sign_in(request, user)
    request.session[IDENTITY_LOGIN_KEY] = user.pk
    log_action("staff.login", request=request, actor=user, organization=organization,
               data={"method": "identity", "level": proof.get("level", ""),
                     "fiscal_code": fiscal_code})
    return redirect("backoffice:home", organization.slug)
