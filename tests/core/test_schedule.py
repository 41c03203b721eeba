"""The scheduler: due jobs are enqueued (and run by the worker) once per interval."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from mail.models import OutgoingEmail
from scheduling.models import ScheduledRun
from scheduling.schedule import tick
from scheduling.tasks import run_scheduled

T0 = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)


def queued_email(subject: str) -> OutgoingEmail:
    return OutgoingEmail.objects.create(to="mario.rossi@example.it", subject=subject,
                                        body_text="testo")


@pytest.mark.django_db
def test_tick_runs_what_is_due_and_not_what_is_not(settings):
    settings.SCHEDULE = {"send_outbox": 60, "purge_document_bundles": 3600,
                         "purge_unactivated_accounts": 0}
    queued_email("prima")
    assert tick(T0) == ["send_outbox", "purge_document_bundles"]  # never run: due now
    assert [m.subject for m in mail.outbox] == ["prima"]
    assert not ScheduledRun.objects.filter(name="purge_unactivated_accounts").exists()

    queued_email("seconda")
    assert tick(T0 + dt.timedelta(seconds=30)) == []  # a restart within the interval
    assert len(mail.outbox) == 1
    assert tick(T0 + dt.timedelta(seconds=61)) == ["send_outbox"]
    assert [m.subject for m in mail.outbox] == ["prima", "seconda"]
    assert tick(T0 + dt.timedelta(hours=1, seconds=1)) == ["send_outbox",
                                                           "purge_document_bundles"]
    run = ScheduledRun.objects.get(name="purge_document_bundles")
    assert run.last_run_at == T0 + dt.timedelta(hours=1, seconds=1)
    assert run.next_run_at == T0 + dt.timedelta(hours=2, seconds=1)


@pytest.mark.django_db
def test_every_cron_command_is_scheduled_by_default(settings):
    from sportello.settings import SCHEDULE

    assert {"purge_unactivated_accounts", "purge_document_bundles", "send_outbox",
            "push_aca", "reconcile_payments"} <= {k for k, v in SCHEDULE.items() if v > 0}
    settings.SCHEDULE = {name: 60 for name in ("purge_unactivated_accounts",
                                               "purge_document_bundles", "send_outbox",
                                               "push_aca", "reconcile_payments")}
    assert len(tick(T0)) == 5


@pytest.mark.django_db
def test_an_unknown_job_is_refused(settings):
    settings.SCHEDULE = {"rm -rf /": 60}
    with pytest.raises(ValueError, match="unknown jobs"):
        tick(T0)


@pytest.mark.django_db
def test_the_reconciliation_report_goes_to_the_log(make_position, caplog):
    from payments.models import PaymentAttempt

    option = make_position().options.get()
    attempt = PaymentAttempt.objects.create(organization=option.organization,
                                            amount_cents=option.amount_cents,
                                            status=PaymentAttempt.Status.REDIRECTED)
    attempt.options.add(option)
    PaymentAttempt.objects.filter(pk=attempt.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=3))
    run_scheduled.call("reconcile_payments")
    [record] = [r for r in caplog.records if r.name == "scheduling.tasks"]
    assert record.levelname == "WARNING"
    assert "Tentativi senza ricevuta (più vecchi di 60 minuti): 1" in record.getMessage()


@pytest.mark.django_db
def test_run_schedule_once(settings):
    settings.SCHEDULE = {"send_outbox": 30}
    queued_email("dal comando")
    call_command("run_schedule", "--once")
    assert [m.subject for m in mail.outbox] == ["dal comando"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_run_a_job_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (CI does)")
    settings.SCHEDULE = {"send_outbox": 60}
    queued_email("una volta")
    start = threading.Barrier(8)

    def scheduler(_):
        try:
            start.wait()
            return tick(T0)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        started = list(pool.map(scheduler, range(8)))

    assert sorted(started, key=len) == [[]] * 7 + [["send_outbox"]]
    assert ScheduledRun.objects.get().next_run_at == T0 + dt.timedelta(seconds=60)
    assert len(mail.outbox) == 1


def test_idp_metadata_are_fetched_daily_in_production_only(tmp_path):
    """One `serve` is a complete installation: in production the scheduler also refreshes
    the SPID/CIE providers' metadata (their certificates change); on one machine, with the
    demo IdP and no way out, it stays off."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from scheduling.schedule import COMMANDS
    from sportello.settings import SCHEDULE

    assert "identity_fetch_metadata" in COMMANDS
    assert SCHEDULE["identity_fetch_metadata"] == 0
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sportello.settings.production",
           "SECRET_KEY": "x" * 20 + "a-very-long-random-production-secret-key-0123456789",
           "SITE_URL": "https://pagamenti.comune.example",
           "ALLOWED_HOSTS": "pagamenti.comune.example", "SPORTELLO_VAR_DIR": str(tmp_path),
           "PAGOPA_NODE_SECRET": "Node-shared-secret-for-the-tests-0123456789"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-c", (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SCHEDULE['identity_fetch_metadata'])")],
        cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True, text=True,
        timeout=120, check=False)
    assert result.stdout.strip() == "86400", result.stderr
