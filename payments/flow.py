"""Opening a payment on pagoPA Checkout for a validated selection of options.

The attempt is committed *before* Checkout is called: Checkout (and the sandbox in the
same process) may call our EC endpoint back while the cart is being opened, and must
find the attempt without waiting on this request's transaction.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from pagopa.checkout import (
    CartRequest,
    CartValidationError,
    CheckoutError,
    PaymentNotice,
    ReturnUrls,
    create_cart,
    is_checkout_location,
)
from payments.models import PaymentAttempt
from positions.models import InvalidTransition

log = logging.getLogger(__name__)

SESSION_KEY = "payment_attempts"


class PaymentUnavailable(Exception):
    """Checkout could not be opened; the payer is told to try again later."""


class PaymentRefused(PaymentUnavailable):
    """Checkout answered 422: pagoPA checked the notices (checkPosition) and will not take
    the cart now. ``message`` says why, honestly, in the payer's words."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.message = refusal_message(detail)


def refusal_message(detail: str) -> str:
    """What to tell the payer about a 422 from Checkout, from its ProblemJson detail (the
    Node's code, e.g. ``PPT_PAGAMENTO_IN_CORSO``, when pagoPA gives it)."""
    text = (detail or "").upper()
    if "IN_CORSO" in text:
        return _("pagoPA segnala che uno degli avvisi scelti è già in corso di pagamento "
                 "(ad esempio in un'altra finestra o presso uno sportello). Attendi l'esito, "
                 "al massimo 30 minuti, prima di riprovare: così non paghi due volte.")
    if "DUPLICATO" in text:
        return _("pagoPA segnala che uno degli avvisi scelti risulta già pagato o è ripetuto "
                 "nel carrello. Controlla lo Storico pratiche prima di pagare di nuovo: la "
                 "ricevuta può arrivare con qualche minuto di ritardo.")
    return _("pagoPA non ha accettato il pagamento: la verifica degli avvisi scelti non è "
             "andata a buon fine. Controlla lo stato delle pratiche e riprova più tardi, "
             "oppure paga con l'avviso di pagamento.")


def checkout_base_url() -> str:
    """``PAGOPA_CHECKOUT_URL``, or the built-in sandbox's carts API when unset."""
    return settings.PAGOPA_CHECKOUT_URL or f"{settings.SITE_URL}/sandbox/checkout/ec"


def return_urls(attempt: PaymentAttempt) -> ReturnUrls:
    def url(kind: str) -> str:
        return settings.SITE_URL + reverse(
            "payments:returned", args=[attempt.organization.slug, attempt.public_id, kind])

    return ReturnUrls(ok=url("ok"), cancel=url("cancel"), error=url("error"),
                      waiting=url("waiting"))


def cart_for(attempt: PaymentAttempt, options) -> CartRequest:
    organization = attempt.organization
    notices = tuple(
        PaymentNotice(notice_number=o.notice_number, fiscal_code=organization.fiscal_code,
                      amount_cents=o.amount_now_cents, company_name=organization.name[:140],
                      description=o.payment_description[:140])
        for o in options
    )
    return CartRequest(payment_notices=notices, return_urls=return_urls(attempt),
                       email_notice=attempt.email or None, id_cart=attempt.id_cart)


def start_checkout(request, options) -> HttpResponseRedirect:
    """Create the attempt, open the Checkout cart, and send the browser there."""
    user = request.user if request.user.is_authenticated else None
    with transaction.atomic():
        attempt = PaymentAttempt.objects.create(
            organization=request.organization, user=user, email=getattr(user, "email", ""),
            amount_cents=sum(o.amount_now_cents for o in options),
            checkout_version=settings.PAGOPA_CHECKOUT_VERSION,
        )
        attempt.options.set(options)
    remember(request.session, attempt)
    base = checkout_base_url()
    try:
        location = create_cart(base, settings.PAGOPA_CHECKOUT_KEY, cart_for(attempt, options),
                               version=attempt.checkout_version)
    except (CheckoutError, CartValidationError) as exc:
        _fail(attempt, f"{type(exc).__name__}: {exc}")
        if getattr(exc, "status", None) == 422:
            raise PaymentRefused(str(exc)) from exc
        raise PaymentUnavailable(str(exc)) from exc
    if not is_checkout_location(location, base):
        _fail(attempt, f"refused redirect outside Checkout: {location[:300]}")
        raise PaymentUnavailable("Checkout answered an unexpected address")
    try:
        attempt.redirect_to(location)
    except InvalidTransition:
        # The receipt got here first (the sandbox pays in-process): it stays paid.
        log.info("Attempt %s already %s when its cart opened", attempt.public_id,
                 attempt.status)
    return HttpResponseRedirect(location)


def _fail(attempt: PaymentAttempt, error: str) -> None:
    log.error("Checkout cart for attempt %s not opened: %s", attempt.public_id, error)
    try:
        attempt.fail(error)
    except InvalidTransition:
        log.warning("Attempt %s is %s: not marked failed", attempt.public_id, attempt.status)


def remember(session, attempt: PaymentAttempt) -> None:
    """This browser started the attempt: it may see its outcome page."""
    known = session.get(SESSION_KEY, [])
    session[SESSION_KEY] = [*known[-19:], str(attempt.public_id)]


def may_see(request, attempt: PaymentAttempt) -> bool:
    if str(attempt.public_id) in request.session.get(SESSION_KEY, []):
        return True
    return bool(request.user.is_authenticated and attempt.user_id == request.user.pk)
