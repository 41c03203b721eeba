from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import payer_required
from organizations.context import with_organization
from payments.flow import PaymentRefused, PaymentUnavailable, may_see, start_checkout
from payments.models import PaymentAttempt
from payments.selection import PaymentSelectionForm
from payments.status import PaymentState, option_payment_state
from positions.models import InvalidTransition, PaymentOption

#: Seconds between refreshes of the "pagamento in corso" page.
REFRESH_SECONDS = 5
RETURN_KINDS = ("ok", "cancel", "error", "waiting")


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("positions:search", ente=request.organization.slug)


@require_POST
@with_organization
def start(request):
    """The one entry point of *Paga* / *Paga selezionati*: validate, then Checkout."""
    form = PaymentSelectionForm(request, request.POST)
    if not form.is_valid():
        for error in form.errors.get("option", []):
            messages.error(request, error)
        return _back(request)
    if not request.user.is_authenticated:
        # A visitor who found the position pays after logging in (or registering): the
        # payment and its receipt then belong to an account. After the login the payer
        # confirms the amount once and goes on to Checkout, without looking for Paga again.
        options = [option.pk for option in form.cleaned_data["option"]]
        confirm = (f"{reverse('payments:confirm', args=[request.organization.slug])}?"
                   f"{urlencode({'option': options}, doseq=True)}")
        login = reverse("accounts:login", args=[request.organization.slug])
        messages.info(request, _("Accedi o registrati per pagare: dopo l'accesso confermi "
                                 "l'importo e vai al pagamento."))
        return redirect(f"{login}?{urlencode({'next': confirm})}")
    try:
        return start_checkout(request, form.cleaned_data["option"])
    except PaymentRefused as refused:
        messages.error(request, refused.message)
        return _back(request)
    except PaymentUnavailable:
        messages.error(request, _("Il pagamento online non è disponibile in questo momento. "
                                  "Riprova tra qualche minuto o usa l'avviso di pagamento."))
        return _back(request)


@require_GET
@with_organization
@payer_required
def confirm(request):
    """After *Paga* → *Accedi*: what is about to be paid, with one button to Checkout.

    A GET only shows (the button posts to ``start``, CSRF and all). Options no longer
    payable or not this account's send the payer to their list with the reason."""
    form = PaymentSelectionForm(request, request.GET)
    if not form.is_valid():
        for error in form.errors.get("option", []):
            messages.error(request, error)
        return redirect("positions:home", ente=request.organization.slug)
    options = form.cleaned_data["option"]
    return render(request, "payments/confirm.html", {
        "options": options, "total_cents": sum(o.amount_cents for o in options)})


def _attempt(request, attempt_id) -> PaymentAttempt:
    attempt = get_object_or_404(PaymentAttempt, public_id=attempt_id,
                                organization=request.organization)
    if not may_see(request, attempt):
        raise Http404
    return attempt


def _outcome(attempt: PaymentAttempt, options, kind: str) -> tuple[str, dict]:
    """What is true now: paid (every receipt in), cancel/error, or still waiting."""
    states = option_payment_state(options)
    if all(states[o.pk] is PaymentState.PAID for o in options):
        return "paid", states
    return (kind if kind in ("cancel", "error") else "waiting"), states


@require_http_methods(["GET", "HEAD", "POST"])
@with_organization
def returned(request, attempt_id, kind: str):
    """Where Checkout sends the payer back. It proves nothing: only receipts pay, so the
    page tells what our records say now, and updates itself while we wait.

    A GET only reads (a link, a prefetch or a crawler must change nothing); the payer
    gives the attempt up with the page's own form (POST, CSRF-protected), which cancels
    it through the attempt's state machine: never once it is paid."""
    if kind not in RETURN_KINDS:
        raise Http404
    attempt = _attempt(request, attempt_id)
    if request.method == "POST":
        return _give_up(request, attempt, kind)
    options = list(attempt.options.select_related("position__service")
                   .prefetch_related("receipts"))
    outcome, states = _outcome(attempt, options, kind)
    rows = [{"option": o, "paid": states[o.pk] is PaymentState.PAID,
             "receipt": next((r for r in o.receipts.all() if r.applied), None)}
            for o in options]
    retry = [o for o in options if o.status == PaymentOption.Status.UNPAID]
    return render(request, "payments/returned.html", {
        "attempt": attempt, "outcome": outcome, "rows": rows, "retry_options": retry,
        "refresh_seconds": REFRESH_SECONDS,
        "may_give_up": outcome in ("cancel", "error") and attempt.is_open,
    })


def _give_up(request, attempt: PaymentAttempt, kind: str):
    if kind not in ("cancel", "error"):
        raise Http404
    try:
        attempt.cancel(returned=kind)
    except InvalidTransition:
        messages.warning(request, _("Questo pagamento non si può più annullare: vedi qui "
                                    "sotto il suo stato."))
    else:
        messages.success(request, _("Pagamento annullato: la pratica resta da pagare."))
    return redirect("payments:returned", ente=request.organization.slug,
                    attempt_id=attempt.public_id, kind=kind)


@require_GET
@with_organization
def attempt_status(request, attempt_id):
    """Polled by static/js/payment-status.js on the "pagamento in corso" page."""
    attempt = _attempt(request, attempt_id)
    outcome, _states = _outcome(attempt, list(attempt.options.all()), attempt.returned)
    return JsonResponse({"outcome": outcome})
