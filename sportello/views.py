"""Health check and metrics. The error pages are organizations.errors: they keep the Ente."""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from sportello.health import backlog

log = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """For load balancers, monitoring and `make run`: the process answers, the database
    too, and the background work is not stuck.

    A job queue whose oldest ready job waited more than HEALTHZ_MAX_JOB_AGE_SECONDS is
    *degraded* (HTTP 200: the web side still serves; taking it out of a load balancer
    would not start the worker). A database that does not answer is 503.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        state = backlog()
    except DatabaseError:
        log.exception("Health check: the database does not answer")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    oldest = state.oldest_job_seconds
    stuck = oldest is not None and oldest > settings.HEALTHZ_MAX_JOB_AGE_SECONDS
    return JsonResponse({
        "status": "degraded" if stuck else "ok",
        "database": "ok",
        "jobs": {"ready": state.jobs_ready,
                 "oldest_ready_age_seconds": _seconds(oldest),
                 "max_age_seconds": settings.HEALTHZ_MAX_JOB_AGE_SECONDS,
                 "queues": {name: {"ready": queue.ready,
                                   "oldest_ready_age_seconds": _seconds(queue.oldest_seconds)}
                            for name, queue in state.queues.items()}},
        "outbox": {"due": state.outbox_due},
    })


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@never_cache
@require_GET
def metrics(request):
    """Prometheus metrics, for whoever holds METRICS_TOKEN (``Authorization: Bearer``).

    No token configured, or a wrong one: 404, as for any page that is not yours."""
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if not token or not constant_time_compare(given, f"Bearer {token}"):
        raise Http404
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
