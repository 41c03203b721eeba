"""The position's pay link on the back office: issue it, print it as a QR code (for
letters), revoke it. Every change is audited by ``reminders.paylinks``. Scope before
method: another Ente's staff get 404 whatever the method."""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.access import staff_required
from positions.models import PaymentPosition
from reminders import paylinks


def _position(request, pk: int) -> PaymentPosition:
    return get_object_or_404(PaymentPosition.objects.select_related("organization"),
                             pk=pk, organization=request.organization)


def _back(request, position: PaymentPosition):
    return redirect(f"{request.path.rsplit('/link/', 1)[0]}/#pay-link")


@staff_required()
@require_POST
def issue(request, pk: int):
    position = _position(request, pk)
    paylinks.pay_link_for(position, actor=request.user)
    messages.success(request, _("Link di pagamento pronto: puoi copiarlo o stamparne il "
                                "codice QR."))
    return _back(request, position)


@staff_required()
@require_POST
def revoke(request, pk: int):
    position = _position(request, pk)
    link = paylinks.live_link(position)
    if link is not None:
        paylinks.revoke(link, actor=request.user, request=request)
        messages.success(request, _("Link revocato: non apre più la posizione. I prossimi "
                                    "promemoria porteranno un link nuovo."))
    return _back(request, position)


@staff_required()
def qr(request, pk: int, kind: str):
    """The live link as a QR code: SVG (sharp at any print size) or PNG (for word
    processors). Served as an image, so the page stays CSP-strict."""
    position = _position(request, pk)  # another Ente's position: 404 whatever the method
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    link = paylinks.live_link(position)
    if link is None:
        raise Http404
    out = io.BytesIO()
    symbol = qr_symbol(paylinks.url_of(link))
    if kind == "svg":
        symbol.save(out, kind="svg", scale=4, border=4,
                    title=_("Codice QR del link di pagamento"))
        content_type = "image/svg+xml"
    else:
        symbol.save(out, kind="png", scale=8, border=4)
        content_type = "image/png"
    response = HttpResponse(out.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="link-pagamento-{pk}.{kind}"'
    return response


def qr_symbol(url: str) -> segno.QRCode:
    """Error correction M (15%): a letter's QR survives a fold or a stain."""
    return segno.make(url, error="m")
