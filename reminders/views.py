"""The public pay-link page ``/<ente>/paga/<token>/`` and the reminders' unsubscribe page.

No login and no codice fiscale: the signed token is the proof. The page shows what the
avviso prints about the debt (Ente, causale, codice avviso, amount, due date) and no
debtor data at all; *Paga* goes through the same selection rules and Checkout flow as
every other *Paga* (``payments.selection``, ``payments.flow``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from documents.builders import NothingPayable
from documents.notices import notice_file
from documents.responses import pdf_attachment
from organizations.context import with_organization
from payments.flow import PaymentRefused, PaymentUnavailable, start_checkout
from payments.selection import PaymentSelectionForm
from positions.models import PaymentOption, PaymentPosition
from positions.services import option_label
from reminders import optout
from reminders.paylinks import resolve
from sportello.ratelimit import over_limit

#: Only our own pages get the address (which holds the token): never Checkout or any
#: other site. Not ``no-referrer``: with it Chromium sends ``Origin: null`` on the page's
#: own *Paga* POST, and Django's CSRF check refuses it (tried in the browser journey:
#: "Origin checking failed - null does not match any trusted origins").
REFERRER_POLICY = "same-origin"


def _private(response: HttpResponse) -> HttpResponse:
    """A pay link is a key: no search engine keeps the page, no other site learns it."""
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    response["Referrer-Policy"] = REFERRER_POLICY
    return response


def _refused(request, status: int = 404) -> HttpResponse:
    """The one answer for tampered, expired, revoked and foreign tokens (and too many
    tries): the same page and status, nothing of any position."""
    return _private(render(request, "reminders/pay_link_invalid.html",
                           {"rate_limited": status == 429}, status=status))


def _open(request, token: str) -> PaymentPosition | HttpResponse:
    if over_limit(request, "pay-link", settings.REMINDERS_PAY_LINK_RATE):
        return _refused(request, status=429)
    position = resolve(request.organization, token)
    return _refused(request) if position is None else position


@require_http_methods(["GET", "HEAD", "POST"])
@with_organization
def pay(request, token: str):
    """GET shows the debt; POST (*Paga*, CSRF) opens Checkout for the chosen option."""
    position = _open(request, token)
    if isinstance(position, HttpResponse):
        return position
    if request.method == "POST":
        return _pay(request, token, position)
    options = list(position.options.order_by("plan", "installment_number", "pk"))
    plans = len({o.plan for o in options} - {PaymentOption.SINGLE_PLAN})
    rows = [{"option": o, "label": option_label(o.plan, o.installment_number, plans)}
            for o in options if o.status != PaymentOption.Status.SUPERSEDED]
    return _private(render(request, "reminders/pay_link.html", {
        "position": position, "rows": rows, "token": token,
        "payable": any(o.is_payable for o in options)}))


def _pay(request, token: str, position: PaymentPosition) -> HttpResponse:
    form = PaymentSelectionForm(request, request.POST,
                                positions=PaymentPosition.objects.filter(pk=position.pk))
    back = redirect("reminders:pay", ente=request.organization.slug, token=token)
    if not form.is_valid():
        for error in form.errors.get("option", []):
            messages.error(request, error)
        return _private(back)
    try:
        return _private(start_checkout(request, form.cleaned_data["option"]))
    except PaymentRefused as refused:
        messages.error(request, refused.message)
    except PaymentUnavailable:
        messages.error(request, _("Il pagamento online non è disponibile in questo momento. "
                                  "Riprova tra qualche minuto o usa l'avviso di pagamento."))
    return _private(back)


@require_safe
@with_organization
def notice(request, token: str):
    """*Stampa bollettino*: the avviso of the link's position (it prints what any paper
    avviso prints, the debtor's name included)."""
    position = _open(request, token)
    if isinstance(position, HttpResponse):
        return position
    try:
        document = notice_file(position)
    except NothingPayable as exc:
        raise Http404 from exc
    return _private(pdf_attachment(document.content, document.filename))


@require_http_methods(["GET", "HEAD", "POST"])
@with_organization
def unsubscribe(request, token: str):
    """Stop the reminders of this Ente to one address. GET only asks (mail scanners
    open links); POST acts. Receipts are not reminders: they still arrive."""
    if over_limit(request, "reminder-unsubscribe", settings.REMINDERS_PAY_LINK_RATE):
        return _private(render(request, "reminders/unsubscribe.html",
                               {"invalid": True}, status=429))
    email = optout.email_from_token(request.organization, token)
    if email is None:
        return _private(render(request, "reminders/unsubscribe.html", {"invalid": True},
                               status=404))
    done = False
    if request.method == "POST":
        optout.opt_out(request.organization, email)
        done = True
    return _private(render(request, "reminders/unsubscribe.html",
                           {"done": done, "masked": optout.masked(email)}))
