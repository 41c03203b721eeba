"""Document downloads for payers and the public receipt check.

Every position-bound URL asks ``positions.access`` first; whatever the request may not
see, or what has no document, is a 404 (never 403), so ids reveal nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from accounts.decorators import payer_required
from organizations.context import with_organization
from payments.models import Receipt
from positions.access import account_positions, get_visible_position, visible_positions
from positions.models import PaymentOption

from . import limits, personal_data
from .builders import NothingPayable
from .bundles import plan_bundle, request_bundle
from .forms import BundleForm
from .models import DocumentBundle
from .notices import notice_file
from .receipts import receipt_filename
from .receipts import receipt_pdf as render_receipt_pdf
from .responses import attachment, pdf_attachment
from .verification import verify


@require_safe
@with_organization
def notice_pdf(request, pk: int):
    """The avviso of a position this request may see (logged-in payer, or the visitor who
    found it with Ricerca pratica in this browser session)."""
    position = get_visible_position(request, pk)
    position.organization = request.organization  # the same row: spare a query
    try:
        document = notice_file(position)
    except NothingPayable as exc:
        raise Http404 from exc
    return pdf_attachment(document.content, document.filename)


@require_GET
@with_organization
def receipt_pdf(request, pk: int):
    """The quietanza of a receipt on a position this request may see."""
    receipt = get_object_or_404(Receipt, pk=pk, organization=request.organization,
                                applied=True, option__position__in=visible_positions(request))
    pdf = render_receipt_pdf(receipt)
    # The IUV is the Node's text (any string up to 35): never a file name as it is.
    return pdf_attachment(pdf, receipt_filename(receipt.creditor_reference_id, receipt.pk))


@require_safe
@with_organization
def verify_receipt(request, token: str):
    """Public check of a printed receipt. Forged, altered, foreign-Ente and unknown
    receipts get the same 404 page with a clear message, so the page is no oracle."""
    receipt = verify(request.organization, token)
    status = 200 if receipt is not None else 404
    return render(request, "documents/verify_receipt.html", {"receipt": receipt},
                  status=status)


def _next_url(request) -> str:
    """The list the selection came from (``next``, same host only), else Da Pagare."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("positions:home", args=[request.organization.slug])


def _back(request):
    return redirect(_next_url(request))


def _limited(request, message: str, ids: list[int]):
    """429: the reason, and the same selection ready to be sent again (nothing queued)."""
    return render(request, "documents/bundle_limited.html",
                  {"message": message, "option_ids": ids, "next": _next_url(request)},
                  status=429)


@require_POST
@with_organization
@payer_required
def bundle_create(request):
    """*Scarica selezionati (ZIP)*: request a ZIP of the documents of the posted rows
    (payment options). A row outside the account makes the whole request a 404; an empty,
    too long or unprintable selection goes back to the list with a message; too many
    requests (``documents.limits``) get a 429 page that keeps the selection."""
    form = BundleForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("option", []):
            messages.error(request, error)
        return _back(request)
    ids = form.cleaned_data["option"]
    options = list(PaymentOption.objects.filter(
        pk__in=ids, position__in=account_positions(request.user, request.organization)))
    if len(options) != len(ids):
        raise Http404
    if plan_bundle(options).is_empty:
        messages.error(request, _("Le righe scelte non hanno documenti da scaricare: sono "
                                  "annullate o scadute."))
        return _back(request)
    refused = limits.refusal(request)
    if refused:
        return _limited(request, refused, ids)
    bundle = request_bundle(request.user, request.organization, ids)
    return redirect("documents:bundle", request.organization.slug, bundle.pk)


def _own_bundle(request, bundle_id) -> DocumentBundle:
    """The bundle if it belongs to this account and this Ente, else 404."""
    bundle = DocumentBundle.objects.filter(
        pk=bundle_id, owner=request.user, organization=request.organization).defer(
        "content").first()
    if bundle is None:
        raise Http404
    return bundle


@require_safe
@with_organization
@payer_required
def bundle_status(request, bundle_id):
    """'In preparazione' (the page refreshes itself), then the download link."""
    bundle = _own_bundle(request, bundle_id)
    return render(request, "documents/bundle_status.html",
                  {"bundle": bundle, "expired": bundle.is_expired(timezone.now())})


@require_safe
@with_organization
@payer_required
def bundle_download(request, bundle_id):
    bundle = _own_bundle(request, bundle_id)
    if not bundle.is_ready:
        raise Http404
    content = DocumentBundle.objects.values_list("content", flat=True).get(pk=bundle.pk)
    filename = f"documenti-{timezone.localtime(bundle.created_at):%Y%m%d-%H%M}.zip"
    return attachment(bytes(content), filename, "application/zip")


@require_GET
@with_organization
@payer_required
def personal_data_download(request, fmt: str):
    """*Scarica i miei dati* (JSON or PDF) for the logged-in account at this Ente."""
    data = personal_data.personal_data(request.user, request.organization)
    stamp = timezone.localdate().isoformat()
    if fmt == "json":
        response = HttpResponse(personal_data.as_json(data),
                                content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(personal_data.as_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="i-miei-dati-{stamp}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
