"""/healthz reports the background backlog; /metrics is Prometheus, behind a token."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import OperationalError, connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client.parser import text_string_to_metric_families

from mail.models import OutgoingEmail
from tests.payments.test_receipt_concurrency import receipt_message

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-the-tests-0123456789"  # noqa: S105


def ready_job(age: dt.timedelta, queue: str = "default") -> DBTaskResult:
    job = DBTaskResult.objects.create(
        task_path="mail.tasks.deliver_email", args_kwargs={"args": [1], "kwargs": {}},
        backend_name="default", run_after=get_date_max(), queue_name=queue)
    DBTaskResult.objects.filter(pk=job.pk).update(enqueued_at=timezone.now() - age)
    return job


def test_healthz_is_ok_with_an_empty_queue(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok", "database": "ok",
        "jobs": {"ready": 0, "oldest_ready_age_seconds": None, "max_age_seconds": 300,
                 "queues": {}},
        "outbox": {"due": 0}}


def test_healthz_counts_the_backlog_and_the_oldest_job(client, settings):
    settings.HEALTHZ_MAX_JOB_AGE_SECONDS = 600
    ready_job(dt.timedelta(seconds=120), queue="bulk")
    ready_job(dt.timedelta(seconds=30))
    delayed = ready_job(dt.timedelta(hours=2))  # a retry due 40 s ago
    DBTaskResult.objects.filter(pk=delayed.pk).update(
        run_after=timezone.now() - dt.timedelta(seconds=40))
    not_yet = ready_job(dt.timedelta(hours=2))  # a retry due in an hour: not backlog
    DBTaskResult.objects.filter(pk=not_yet.pk).update(
        run_after=timezone.now() + dt.timedelta(hours=1))
    finished = ready_job(dt.timedelta(hours=5))
    DBTaskResult.objects.filter(pk=finished.pk).update(status="SUCCESSFUL")
    OutgoingEmail.objects.create(to="a@example.it", subject="s", body_text="b")
    OutgoingEmail.objects.create(to="b@example.it", subject="s", body_text="b",
                                 next_attempt_at=timezone.now() + dt.timedelta(hours=1))
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["jobs"]["ready"] == 3
    assert 120 <= body["jobs"]["oldest_ready_age_seconds"] < 600
    queues = body["jobs"]["queues"]
    assert queues["bulk"]["ready"] == 1 and queues["bulk"]["oldest_ready_age_seconds"] >= 120
    assert queues["default"]["ready"] == 2
    assert 40 <= queues["default"]["oldest_ready_age_seconds"] < 120
    assert body["outbox"] == {"due": 1}


def test_healthz_is_degraded_when_the_oldest_job_waited_too_long(client, settings):
    settings.HEALTHZ_MAX_JOB_AGE_SECONDS = 60
    ready_job(dt.timedelta(minutes=10))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["jobs"]["ready"] == 1


def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    def unreachable():
        raise OperationalError("connection refused")

    # The one stand-in of these tests: a database server that went away.
    monkeypatch.setattr(connection, "ensure_connection", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


def test_metrics_need_a_configured_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION=TOKEN).status_code == 404
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")


def scrape(client) -> dict:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def test_metrics_count_requests_queue_and_receipts(client, settings, make_position):
    settings.METRICS_TOKEN = TOKEN
    option = make_position().options.get()
    ready_job(dt.timedelta(seconds=90))
    before = scrape(client)

    def count(samples, name, **labels):
        return samples.get((name, tuple(sorted(labels.items()))), 0)

    for receipt_id in ("c" * 32, "c" * 32, "d" * 32):  # first, re-delivery, second receipt
        client.post("/pagopa/paForNode", data=receipt_message(option, receipt_id),
                    content_type="text/xml", HTTP_SOAPACTION="paSendRTV2")
    after = scrape(client)

    def moved(name, **labels):
        return count(after, name, **labels) - count(before, name, **labels)

    assert moved("sportello_receipts_received_total") == 2
    assert moved("sportello_receipts_duplicate_total") == 1
    assert moved("sportello_receipts_applied_total") == 1
    assert moved("sportello_receipts_flagged_total", flag="already_paid") == 1
    assert moved("sportello_http_requests_total", method="POST", view="pagopa:paForNode",
                 status="200") == 3
    assert count(after, "sportello_http_request_duration_seconds_count", method="POST",
                 view="pagopa:paForNode") >= 3
    assert count(after, "sportello_jobs_ready", queue="default") == 1
    assert count(after, "sportello_jobs_oldest_ready_age_seconds", queue="default") >= 90
    assert "sportello_outbox_due" in {name for name, _ in after}
