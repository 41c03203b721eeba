"""ZIP of several avvisi, prepared by the job queue.

Rendering one avviso takes tens of milliseconds; a batch would hold a web worker for
seconds, so the request only records what to build (``DocumentBundle``) and the worker
(``manage.py db_worker``) builds it after commit.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from positions.models import PaymentPosition

from .builders import NothingPayable, for_notices
from .models import DocumentBundle
from .notices import notice_file

logger = logging.getLogger(__name__)


def max_bundle_positions() -> int:
    """How many avvisi one ZIP may hold (setting DOCUMENTS_ZIP_MAX_POSITIONS, default 20)."""
    return int(getattr(settings, "DOCUMENTS_ZIP_MAX_POSITIONS", 20))


def request_bundle(owner, organization, position_ids: Iterable[int]) -> DocumentBundle:
    """Record the bundle and enqueue its build once the transaction commits.

    The ids must already be checked against what ``owner`` may see (the view does it);
    after commit, so that the worker never looks for a row that is not there yet.
    """
    from .tasks import build_bundle

    with transaction.atomic():
        bundle = DocumentBundle.objects.create(
            owner=owner, organization=organization, position_ids=sorted(set(position_ids)))
        bundle_id = str(bundle.pk)
        transaction.on_commit(lambda: build_bundle.enqueue(bundle_id))
    return bundle


def build_zip(positions: Iterable[PaymentPosition]) -> tuple[bytes, int]:
    """One ``avviso-<codice avviso>.pdf`` per position with something payable."""
    buffer = io.BytesIO()
    count = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for position in positions:
            try:
                document = notice_file(position)
            except NothingPayable:
                # Paid or cancelled since it was selected: nothing to print for it.
                continue
            archive.writestr(document.filename, document.content)
            count += 1
    return buffer.getvalue(), count


def fill_bundle(bundle: DocumentBundle) -> None:
    """Build the ZIP of ``bundle`` and mark it ready, or failed when nothing could be built.

    Only the Ente's positions among the recorded ids are read (the ids were validated for
    the owner when the bundle was requested).
    """
    positions = for_notices(
        PaymentPosition.objects.for_organization(bundle.organization)
        .filter(pk__in=bundle.position_ids).order_by("pk")
    )
    try:
        content, count = build_zip(positions)
    except Exception:
        logger.exception("bundle %s failed", bundle.pk)
        content, count = b"", 0
    if count:
        bundle.content, bundle.file_count = content, count
        bundle.status = DocumentBundle.Status.READY
    else:
        bundle.status = DocumentBundle.Status.FAILED
    bundle.save(update_fields=["content", "file_count", "status"])
