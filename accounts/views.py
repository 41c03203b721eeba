"""Account pages: Accedi, Registrati, activation, password recovery, Profilo, the
codice fiscale proof and the switching among accounts held in this browser."""

from __future__ import annotations

from functools import wraps

from axes.utils import reset as reset_lockout
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.db import IntegrityError, transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from accounts import closure, emails, places, registration, sessions, verification
from accounts.decorators import payer_required
from accounts.forms import (
    ActivationForm,
    CloseAccountForm,
    EmailChangeForm,
    EmailForm,
    FiscalCodeStartForm,
    GuardedPasswordChangeForm,
    LoginForm,
    OutboxPasswordResetForm,
    ProfileForm,
    RegistrationForm,
    VerifyFiscalCodeForm,
)
from accounts.models import User
from accounts.password_checks import LOCKED_CODE, CurrentPasswordGuard
from accounts.signals import password_login
from accounts.tokens import LinkState, check_activation_token, check_email_change_token
from organizations.context import with_organization
from sportello.forms import StyledForm
from sportello.logging_config import security_event
from sportello.ratelimit import over_limit

REGISTER_CF_KEY = "register_fiscal_code"


def _home(request):
    return redirect("positions:home", request.organization.slug)


# --- Accedi, Aggiungi utenza, switch, Esci ---------------------------------------------

class EnteLoginView(auth_views.LoginView):
    """*Accedi*: email and password; back to ``next`` or to the payer's home."""

    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    adding = False

    def post(self, request, *args, **kwargs):
        if over_limit(request, "login", settings.ACCOUNT_LOGIN_RATE):
            form = self.get_form_class()(request, initial={"username":
                                                           request.POST.get("username", "")})
            return render(request, self.template_name,
                          self.get_context_data(form=form, rate_limited=True), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        sessions.sign_in(self.request, form.get_user())
        password_login.send(sender=User, request=self.request, user=form.get_user())
        return redirect(self.get_success_url())

    def get_default_redirect_url(self):
        return reverse("positions:home", args=[self.request.organization.slug])

    def get_context_data(self, **kwargs):
        return super().get_context_data(adding=self.adding, **kwargs)


class AddAccountView(EnteLoginView):
    """*Aggiungi utenza*: the login form again, keeping the accounts already held."""

    redirect_authenticated_user = False
    adding = True


login = with_organization(EnteLoginView.as_view())
add_account = with_organization(AddAccountView.as_view())


@require_POST
@with_organization
def switch(request):
    """Make another account held in this browser the active one (no password asked)."""
    try:
        user_id = int(request.POST.get("user", ""))
    except ValueError:
        user_id = 0
    user = sessions.switch_to(request, user_id)
    if user is None:
        messages.error(request, _("Quell'utenza non è più disponibile in questo browser: "
                                  "accedi di nuovo con la sua password."))
        return redirect("accounts:login", request.organization.slug)
    messages.success(request, _("Ora stai usando l'utenza di %(name)s.")
                     % {"name": user.display_name()})
    return _home(request)


@require_POST
@with_organization
def logout(request):
    """*Esci*: from the active account; another one held here takes its place."""
    if request.user.is_authenticated:
        following = sessions.sign_out_current(request)
        if following is not None:
            messages.info(request, _("Sei uscito. Ora stai usando l'utenza di %(name)s.")
                          % {"name": following.display_name()})
            return _home(request)
    return redirect("positions:search", request.organization.slug)


@require_POST
@with_organization
def logout_all(request):
    """*Esci da tutte*: every account held in this browser."""
    sessions.sign_out_all(request)
    messages.info(request, _("Sei uscito da tutte le utenze."))
    return redirect("positions:search", request.organization.slug)


# --- Registrati --------------------------------------------------------------------------

def registration_open(view):
    """Local registration, unless the Ente turned it off (SPID/CIE only): then a page
    that says so and offers them, and nothing is created."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.organization.local_registration:
            # A form sent anyway is refused (403); reading the page is not an error.
            return render(request, "registration/register_closed.html",
                          status=403 if request.method == "POST" else 200)
        return view(request, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "POST"])
@with_organization
@registration_open
def register(request):
    """*Registrati*, step 1: the codice fiscale only (nothing is looked up)."""
    initial = {"fiscal_code": request.session.get(REGISTER_CF_KEY, "")}
    form = FiscalCodeStartForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        request.session[REGISTER_CF_KEY] = form.cleaned_data["fiscal_code"]
        return redirect("accounts:register_details", request.organization.slug)
    return render(request, "registration/register_start.html", {"form": form})


@require_http_methods(["GET", "POST"])
@with_organization
@registration_open
def register_details(request):
    """*Registrati*, step 2: anagrafica and *Dati accesso*. Nothing the Ente knows about
    the codice fiscale is shown or pre-filled: knowing a code must reveal nothing."""
    fiscal_code = request.session.get(REGISTER_CF_KEY)
    if not fiscal_code:
        return redirect("accounts:register", request.organization.slug)
    form = RegistrationForm(request.POST or None, fiscal_code=fiscal_code)
    context = {"form": form}
    if request.method == "POST":
        if over_limit(request, "register", settings.ACCOUNT_REGISTER_RATE):
            context["rate_limited"] = True
            return render(request, "registration/register_details.html", context, status=429)
        if form.is_valid():
            registration.register(request.organization, form.save(commit=False),
                                  form.cleaned_data["password1"])
            del request.session[REGISTER_CF_KEY]
            request.session["register_email"] = form.cleaned_data["email"]
            return redirect("accounts:register_done", request.organization.slug)
    return render(request, "registration/register_details.html", context)


@with_organization
def register_done(request):
    """The same page whatever happened: new account, existing email, double submit."""
    return render(request, "registration/register_done.html",
                  {"email": request.session.get("register_email", ""),
                   "hours": settings.ACCOUNT_ACTIVATION_HOURS})


@require_GET
@with_organization
def municipalities(request):
    """The active Italian comuni with their province, for the type-ahead."""
    response = JsonResponse({"comuni": places.municipalities()})
    patch_cache_control(response, public=True, max_age=86400)
    return response


# --- Activation ------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@with_organization
def activate(request, token: str):
    """GET shows the form (mail scanners that open links change nothing); POST acts,
    with the password chosen at registration (see ``ActivationForm``)."""
    link = check_activation_token(token)
    if link.state is not LinkState.VALID:
        return render(request, "accounts/activate_invalid.html",
                      {"state": link.state.value, "form": EmailForm()},
                      status=200 if link.state is LinkState.USED else 410)
    form = ActivationForm(request.POST or None, user=link.user)
    if request.method == "POST" and form.is_valid():
        registration.activate(link.user)
        return render(request, "accounts/activate_done.html")
    return render(request, "accounts/activate_confirm.html",
                  {"account": link.user, "form": form})


@require_http_methods(["GET", "POST"])
@with_organization
def resend_activation(request):
    form = EmailForm(request.POST or None)
    if request.method == "POST":
        if over_limit(request, "account-email", settings.ACCOUNT_EMAIL_RATE):
            return render(request, "accounts/resend_activation.html",
                          {"form": form, "rate_limited": True}, status=429)
        if form.is_valid():
            registration.resend_activation(request.organization, form.cleaned_data["email"])
            request.session["register_email"] = form.cleaned_data["email"]
            return redirect("accounts:register_done", request.organization.slug)
    return render(request, "accounts/resend_activation.html", {"form": form})


# --- Password dimenticata ----------------------------------------------------------------

class PasswordResetView(auth_views.PasswordResetView):
    """Same answer whether or not the email has an account (Django's behaviour)."""

    form_class = OutboxPasswordResetForm
    template_name = "registration/password_reset_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.request.organization}

    def post(self, request, *args, **kwargs):
        if over_limit(request, "account-email", settings.ACCOUNT_EMAIL_RATE):
            return render(request, self.template_name,
                          self.get_context_data(form=self.get_form(), rate_limited=True),
                          status=429)
        return super().post(request, *args, **kwargs)

    def get_success_url(self):
        return reverse("accounts:password_reset_done", args=[self.request.organization.slug])


class StyledSetPasswordForm(StyledForm, SetPasswordForm):
    pass


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link's GET shows the form (Django moves the token into the session first);
    only the POST sets the password, which also ends the login lockout for the email."""

    template_name = "registration/password_reset_confirm.html"
    form_class = StyledSetPasswordForm

    def form_valid(self, form):
        response = super().form_valid(form)
        reset_lockout(username=self.user.email.lower())
        return response

    def get_success_url(self):
        return reverse("accounts:password_reset_complete",
                       args=[self.request.organization.slug])


password_reset = with_organization(PasswordResetView.as_view())
password_reset_done = with_organization(auth_views.PasswordResetDoneView.as_view(
    template_name="registration/password_reset_done.html"))
password_reset_confirm = with_organization(PasswordResetConfirmView.as_view())
password_reset_complete = with_organization(auth_views.PasswordResetCompleteView.as_view(
    template_name="registration/password_reset_complete.html"))


# --- Profilo -------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@with_organization
@payer_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Dati aggiornati."))
        return redirect("accounts:profile", request.organization.slug)
    return render(request, "accounts/profile.html", {
        "form": form, "code_opens_ente": request.user.fiscal_code_verified_at(
            request.organization)})


def _checked_status(form, field: str) -> int:
    """429 when the form was refused for too many wrong current passwords, else 200."""
    return 429 if form.has_error(field, LOCKED_CODE) else 200


@require_http_methods(["GET", "POST"])
@with_organization
@payer_required
def password_change(request):
    """Old password required (wrong ones are limited). Other browsers holding this
    account drop it."""
    form = GuardedPasswordChangeForm(request.user, request.POST or None,
                                     guard=CurrentPasswordGuard(request))
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        sessions.refresh_current(request)
        messages.success(request, _("Password cambiata."))
        return redirect("accounts:profile", request.organization.slug)
    return render(request, "accounts/password_change.html", {"form": form},
                  status=_checked_status(form, "old_password"))


@require_http_methods(["GET", "POST"])
@with_organization
@payer_required
def email_change(request):
    """The new address takes effect only once its link is followed. If it already has
    an account, its owner is told by email and this page says nothing different."""
    form = EmailChangeForm(request.POST or None, user=request.user,
                           guard=CurrentPasswordGuard(request))
    if request.method == "POST" and form.is_valid():
        new_email = form.cleaned_data["new_email"]
        with transaction.atomic():
            if User.objects.filter(email__iexact=new_email).exists():
                emails.send_account_exists(request.organization, new_email)
            else:
                emails.send_email_change(request.organization, request.user, new_email)
        return render(request, "accounts/email_change_sent.html", {"new_email": new_email})
    return render(request, "accounts/email_change.html", {"form": form},
                  status=_checked_status(form, "password"))


@require_http_methods(["GET", "POST"])
@with_organization
def email_change_confirm(request, token: str):
    """GET shows one button; POST changes the email (once)."""
    link = check_email_change_token(token)
    if link.state is not LinkState.VALID:
        return render(request, "accounts/email_change_invalid.html",
                      {"state": link.state.value}, status=410)
    if request.method == "POST":
        try:
            with transaction.atomic():
                User.objects.filter(pk=link.user.pk).update(email=link.new_email)
        except IntegrityError:
            return render(request, "accounts/email_change_invalid.html",
                          {"state": "taken"}, status=409)
        return render(request, "accounts/email_change_done.html",
                      {"new_email": link.new_email})
    return render(request, "accounts/email_change_confirm.html", {"new_email": link.new_email})


def _verification_limited(request) -> bool:
    """Per address and per account: a stolen session cannot try more from elsewhere."""
    rate = settings.ACCOUNT_VERIFY_RATE
    by_address = over_limit(request, "verify-cf", rate)
    by_account = is_ratelimited(request, group="verify-cf-user", key="user", rate=rate,
                                increment=True)
    return by_address or by_account


@require_http_methods(["GET", "POST"])
@with_organization
@payer_required
def verify_fiscal_code(request):
    user = request.user
    if not user.fiscal_code:
        raise Http404
    form = VerifyFiscalCodeForm(request.POST or None)
    context = {"form": form, "verified": user.fiscal_code_verified_at(request.organization)}
    if request.method == "POST" and not context["verified"]:
        if _verification_limited(request):
            context["rate_limited"] = True
            return render(request, "accounts/verify_fiscal_code.html", context, status=429)
        if form.is_valid():
            if verification.verify_with_notice(user, request.organization,
                                               form.cleaned_data["reference"],
                                               request=request):
                messages.success(request, _("Codice fiscale verificato: ora vedi le "
                                            "posizioni intestate a %(code)s.")
                                 % {"code": user.fiscal_code})
                return _home(request)
            security_event("fiscal_code_verification_failed", request,
                           organization=request.organization.slug, user_id=user.pk)
            # One answer for a wrong notice, a notice of another code and a notice
            # made through Inserimento spontaneo: nothing to learn from trying.
            form.add_error("reference", _("Codice fiscale non verificato."))
    return render(request, "accounts/verify_fiscal_code.html", context)


@require_http_methods(["GET", "POST"])
@with_organization
@payer_required
def close(request):
    """*Chiudi l'utenza*: GET explains what goes and what stays; POST closes."""
    form = CloseAccountForm(request.POST or None, user=request.user,
                            guard=CurrentPasswordGuard(request))
    if request.method == "POST" and form.is_valid():
        closing = request.user
        sessions.sign_out_current(request)  # another account held here may take its place
        closure.close_account(closing)
        messages.info(request, _("La tua utenza è chiusa. Le pratiche e le ricevute restano "
                                 "all'Ente, come richiede la legge."))
        return redirect("positions:search", request.organization.slug)
    return render(request, "accounts/close.html", {"form": form},
                  status=_checked_status(form, "password") if form.is_bound else 200)
