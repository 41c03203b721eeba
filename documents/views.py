"""Document downloads for payers and the public receipt check.

Every position-bound URL asks ``positions.access`` first; whatever the request may not
see, or what has no document, is a 404 (never 403), so ids reveal nothing.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.decorators import payer_required
from organizations.context import with_organization
from positions.access import get_visible_position, visible_positions

from .builders import NothingPayable
from .bundles import request_bundle
from .forms import BundleForm
from .models import DocumentBundle
from .notices import notice_file
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


@require_safe
@with_organization
def verify_receipt(request, token: str):
    """Public check of a printed receipt. Forged, altered, foreign-Ente and unknown
    receipts get the same 404 page with a clear message, so the page is no oracle."""
    receipt = verify(request.organization, token)
    status = 200 if receipt is not None else 404
    return render(request, "documents/verify_receipt.html", {"receipt": receipt},
                  status=status)


@require_POST
@with_organization
@payer_required
def bundle_create(request):
    """Request a ZIP of the avvisi of the posted positions; ids the request may not see
    make the whole request a 404."""
    form = BundleForm(request.POST)
    if not form.is_valid():
        return render(request, "documents/bundle_invalid.html", {"form": form}, status=400)
    ids = form.cleaned_data["positions"]
    visible = set(visible_positions(request).filter(pk__in=ids).values_list("pk", flat=True))
    if visible != set(ids):
        raise Http404
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
    filename = f"avvisi-{timezone.localtime(bundle.created_at):%Y%m%d-%H%M}.zip"
    return attachment(bytes(content), filename, "application/zip")
