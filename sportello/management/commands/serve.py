"""Serve the portal and run the job-queue worker, as one foreground command.

Used by ``make run``. gunicorn runs threaded processes: one per core when the cache is
shared (``CACHE_URL`` Redis), else one (the local-memory cache holds the rate limits), with
a worker that cuts clients sending their request too slowly
(``sportello.serving``). Children are started in their own process group and stopped
together on Ctrl-C or SIGTERM; if one of them dies, the other is stopped too, so nothing
is left running half-way.

The job-queue workers and the scheduler run at a lower CPU priority (``--worker-nice``,
default 10, ``WORKER_NICE``): on a machine they share with the web processes, the Node's
calls and the payers' pages take the CPUs first and the queue (quietanze, ZIPs) drains
in what is left. Past one machine, workers get machines of their own (README).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sportello.serving import gunicorn_command, worker_count


class Command(BaseCommand):
    help = "Serve the portal (gunicorn, threaded) together with the background worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--workers", type=int, default=settings.WEB_WORKERS,
                            help="gunicorn processes (default: WEB_WORKERS, else one per "
                                 "core with a shared cache, else one)")
        parser.add_argument("--no-worker", action="store_true",
                            help="Serve only; run the worker elsewhere.")
        parser.add_argument("--worker-nice", type=int,
                            default=int(os.environ.get("WORKER_NICE", "10")),
                            help="How much lower the CPU priority of the job-queue workers "
                                 "and the scheduler is than the web server's (os.nice; "
                                 "0 keeps it equal; default 10, WORKER_NICE)")

    def handle(self, *args, host, port, threads, no_worker, workers=None, worker_nice=10,
               **options):
        python = sys.executable
        workers = settings.WEB_WORKERS if workers is None else workers
        shared = "LocMemCache" not in settings.CACHES["default"]["BACKEND"]
        if workers > 1 and not shared:
            raise CommandError("Several gunicorn processes need a shared cache for the rate "
                               "limits: set CACHE_URL=redis://… (or serve one process).")
        workers = worker_count(workers, shared)
        commands = [gunicorn_command(host, port, threads, workers)]
        if not no_worker:
            # One worker per queue (settings.TASK_QUEUES): emails and receipts on
            # "default" never wait behind the ZIPs being built on "bulk".
            for queue in settings.TASK_QUEUES:
                commands.append([python, "manage.py", "db_worker", "--queue-name", queue,
                                 "--interval", "1"])
            # The scheduler: enqueues the cron-like jobs (outbox sweeper, ACA retries,
            # purges, reconciliation) when due; the workers run them (settings.SCHEDULE).
            commands.append([python, "manage.py", "run_schedule", "--interval", "5"])
        # The children run the settings this command runs with: sportello.wsgi alone would
        # default to production.
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
        background = lowered_priority(worker_nice)
        children = [subprocess.Popen(command, env=env,  # noqa: S603
                                     preexec_fn=None if index == 0 else background)
                    for index, command in enumerate(commands)]
        stopping = False

        def stop(signum=None, frame=None):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"Sportello at http://{host}:{port}/ ({workers} × {threads} threads; "
                          "Ctrl-C to stop)")
        try:
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.2)
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            deadline = time.monotonic() + 10
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
        failed = [c for c in children if c.returncode not in (0, -signal.SIGTERM, None)]
        if failed and not stopping:
            raise SystemExit(1)


def lowered_priority(increment: int):
    """What a background child runs before its command: ``os.nice(increment)`` (None,
    nothing, for 0). The web server keeps the priority ``serve`` has."""
    if increment <= 0:
        return None

    def lower() -> None:
        os.nice(increment)

    return lower
