"""ZIP of the documents of the rows a payer selected, prepared by the job queue.

A row is a payment option. What it gives depends on its state when the ZIP is built:
the avviso of its position while it is payable (one avviso per position, however many of
its installments were selected: the avviso already lists every installment still due),
the quietanza when it was paid by a receipt, nothing when it is cancelled or expired (or
paid outside pagoPA, with no receipt to print): those rows are counted, and the status
page says so.

Rendering one document takes tens of milliseconds; a batch would hold a web worker for
seconds, so the request only records what to build (``DocumentBundle``) and the worker
(``manage.py db_worker``) builds it after commit.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from payments.models import Receipt
from payments.status import applied_receipt_ids
from positions.models import PaymentOption, PaymentPosition

from .builders import NothingPayable, for_notices
from .models import DocumentBundle
from .notices import notice_file
from .receipts import receipt_filename, receipt_pdf

logger = logging.getLogger(__name__)

# An IUV is at most 35 characters; anything but letters and digits never reaches a ZIP
# member's name (no "../", no slash, no quote).


def max_bundle_positions() -> int:
    """How many rows one ZIP may hold (setting DOCUMENTS_ZIP_MAX_POSITIONS, default 20)."""
    return int(getattr(settings, "DOCUMENTS_ZIP_MAX_POSITIONS", 20))


@dataclass(frozen=True)
class BundlePlan:
    """What the selected rows give: avvisi (by position), quietanze (by receipt)."""

    position_ids: tuple[int, ...]
    receipt_ids: tuple[int, ...]
    skipped: int

    @property
    def is_empty(self) -> bool:
        return not (self.position_ids or self.receipt_ids)


def plan_bundle(options: Iterable[PaymentOption]) -> BundlePlan:
    """Sort the rows by what they print, with one query for the receipts of paid rows."""
    options = list(options)
    receipts = applied_receipt_ids(options)
    positions: set[int] = set()
    skipped = 0
    for option in options:
        if option.is_payable:
            positions.add(option.position_id)
        elif option.pk not in receipts:
            skipped += 1
    return BundlePlan(tuple(sorted(positions)), tuple(sorted(receipts.values())), skipped)


def request_bundle(owner, organization, option_ids: Iterable[int]) -> DocumentBundle:
    """Record the bundle and enqueue its build once the transaction commits.

    The ids must already be checked against what ``owner`` may see (the view does it);
    after commit, so that the worker never looks for a row that is not there yet.
    """
    from .tasks import build_bundle

    with transaction.atomic():
        bundle = DocumentBundle.objects.create(
            owner=owner, organization=organization, option_ids=sorted(set(option_ids)))
        bundle_id = str(bundle.pk)
        transaction.on_commit(lambda: build_bundle.enqueue(bundle_id))
    return bundle


def _avvisi(organization, position_ids: Iterable[int]) -> Iterable[tuple[str, bytes]]:
    positions = for_notices(PaymentPosition.objects.for_organization(organization)
                            .filter(pk__in=position_ids).order_by("pk"))
    for position in positions:
        try:
            document = notice_file(position)
        except NothingPayable:
            continue  # paid or cancelled between the plan and now: nothing left to print
        yield document.filename, document.content


def _quietanze(organization, receipt_ids: Iterable[int]) -> Iterable[tuple[str, bytes]]:
    receipts = (Receipt.objects.filter(organization=organization, pk__in=receipt_ids,
                                       applied=True)
                .select_related("organization", "option__position__service").order_by("pk"))
    for receipt in receipts:
        yield receipt_filename(receipt.creditor_reference_id, receipt.pk), receipt_pdf(receipt)


def build_zip(organization, plan: BundlePlan) -> tuple[bytes, int]:
    """The ZIP of ``plan``'s documents and how many it holds."""
    buffer = io.BytesIO()
    count = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for documents in (_avvisi(organization, plan.position_ids),
                          _quietanze(organization, plan.receipt_ids)):
            for filename, content in documents:
                archive.writestr(filename, content)
                count += 1
    return buffer.getvalue(), count


def fill_bundle(bundle: DocumentBundle) -> None:
    """Build the ZIP of ``bundle`` and mark it ready, or failed when nothing could be built.

    The rows are judged as they are now (a row paid since it was selected gives its
    quietanza); only the Ente's rows among the recorded ids are read (the ids were
    validated for the owner when the bundle was requested).
    """
    options = PaymentOption.objects.filter(organization=bundle.organization,
                                           pk__in=bundle.option_ids)
    plan = plan_bundle(options)
    try:
        content, count = build_zip(bundle.organization, plan)
    except Exception:
        logger.exception("bundle %s failed", bundle.pk)
        content, count = b"", 0
    bundle.skipped_count = plan.skipped
    if count:
        bundle.content, bundle.file_count = content, count
        bundle.status = DocumentBundle.Status.READY
    else:
        bundle.status = DocumentBundle.Status.FAILED
    bundle.save(update_fields=["content", "file_count", "skipped_count", "status"])


def purge_expired_bundles() -> int:
    """Delete the bundles past their expiry (their ZIP goes with the row); how many."""
    deleted, _ = DocumentBundle.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
