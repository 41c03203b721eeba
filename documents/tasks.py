"""Background jobs of the documents app (django-tasks; ``manage.py db_worker`` runs them)."""

from __future__ import annotations

from django_tasks import task

from .bundles import fill_bundle
from .models import DocumentBundle


# Bulk work on its own queue, lowest priority: receipts and emails never wait for it.
@task(queue_name="bulk", priority=-10)
def build_bundle(bundle_id: str) -> None:
    """Build one requested ZIP. Arguments are JSON (the id as text), as the queue stores
    them; a bundle deleted or already built meanwhile is left alone."""
    bundle = DocumentBundle.objects.filter(
        pk=bundle_id, status=DocumentBundle.Status.PENDING).select_related("organization").first()
    if bundle is None:
        return
    fill_bundle(bundle)
