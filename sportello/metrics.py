"""Prometheus metrics (prometheus_client): requests, the job queue, receipts, security events.

Why prometheus_client and not django-prometheus: the portal runs one gunicorn process
(threads), so in-process counters are the whole story, and the queue gauges are read
from the database at scrape time (``BacklogCollector``), which is right whatever the
number of processes. django-prometheus would also replace the database backend and
cache engines to count queries, which we do not need. The counters restart from zero
with the process: Prometheus' ``rate()``/``increase()`` handle that.
"""

from __future__ import annotations

import time

from prometheus_client import REGISTRY, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily

REQUESTS = Counter("sportello_http_requests_total", "HTTP requests answered.",
                   ["method", "view", "status"])
LATENCY = Histogram("sportello_http_request_duration_seconds",
                    "Time to answer an HTTP request.", ["method", "view"])
RECEIPTS_RECEIVED = Counter("sportello_receipts_received_total",
                            "Receipts (paSendRT/paSendRTV2) stored, first deliveries only.")
RECEIPTS_DUPLICATE = Counter("sportello_receipts_duplicate_total",
                             "Receipt deliveries whose receiptId was already stored.")
RECEIPTS_APPLIED = Counter("sportello_receipts_applied_total",
                           "Receipts that made their payment option paid.")
RECEIPTS_FLAGGED = Counter("sportello_receipts_flagged_total",
                           "Receipts flagged for staff, by flag.", ["flag"])
SECURITY_EVENTS = Counter("sportello_security_events_total",
                          "Security events logged on sportello.security, by event.", ["event"])


def observe_receipt(receipt, *, duplicate: bool, applied: bool) -> None:
    """Count one delivery of a receipt (called by ``payments.receipts.receive``)."""
    if duplicate:
        RECEIPTS_DUPLICATE.inc()
        return
    RECEIPTS_RECEIVED.inc()
    if applied:
        RECEIPTS_APPLIED.inc()
    for flag in receipt.flags:
        RECEIPTS_FLAGGED.labels(flag=flag).inc()


class BacklogCollector:
    """Job queue and outbox gauges, read from the database when Prometheus scrapes."""

    def describe(self):
        # Without it the registry would call collect() (a query) when registering.
        yield GaugeMetricFamily("sportello_jobs_ready", "")
        yield GaugeMetricFamily("sportello_jobs_oldest_ready_age_seconds", "")
        yield GaugeMetricFamily("sportello_outbox_due", "")

    def collect(self):
        from sportello.health import backlog

        state = backlog()
        ready = GaugeMetricFamily("sportello_jobs_ready", "Jobs ready to run, not started.",
                                  labels=["queue"])
        oldest = GaugeMetricFamily("sportello_jobs_oldest_ready_age_seconds",
                                   "How long the oldest ready job has waited.",
                                   labels=["queue"])
        # "default" always has a sample, so an empty queue reads 0 rather than nothing.
        queues = state.queues or {"default": None}
        for name, queue in queues.items():
            ready.add_metric([name], queue.ready if queue else 0)
            oldest.add_metric([name], (queue.oldest_seconds or 0) if queue else 0)
        yield ready
        yield oldest
        yield GaugeMetricFamily("sportello_outbox_due", "Emails queued and due to be sent.",
                                value=state.outbox_due)


REGISTRY.register(BacklogCollector())


class MetricsMiddleware:
    """Count and time every request, labelled by the URL pattern's name (not the path:
    ids in paths would make one series per payer)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or "unnamed") if match else "unmatched"
        method = request.method if request.method in _METHODS else "other"
        LATENCY.labels(method=method, view=view).observe(time.perf_counter() - started)
        REQUESTS.labels(method=method, view=view, status=str(response.status_code)).inc()
        return response


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
