"""Issue 17, item 5: more than one machine. Two app servers (gunicorn) and two job-queue
workers against one PostgreSQL database and one Redis, as an Ente that outgrew a machine
runs them: every job runs once, the rate limits are shared, a session opened on one server
works on the other, and a receipt delivered to both at once is applied once.

Needs PostgreSQL and Redis (127.0.0.1:6379, database 7): skipped, saying why, otherwise."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from mail.models import OutgoingEmail
from mail.outbox import queue_email
from payments.models import Receipt
from positions.models import PaymentOption
from sportello.serving import gunicorn_command
from tests.payments.test_receipt_concurrency import receipt_message

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/7"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                              "QUEUES": ["default", "bulk"]}}


def _redis():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (CI does)")
    try:
        import redis
    except ImportError:
        pytest.skip("needs the redis package (pyproject's runtime dependencies)")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"needs Redis at {REDIS_URL}")
    return client


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}")


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker, tmp_path_factory):
    """Two gunicorn app servers and two db_workers, one database, one Redis (started once
    for the module: each test's data is its own, the servers only read the database)."""
    tmp_path = tmp_path_factory.mktemp("cluster")
    with django_db_blocker.unblock():
        _redis().flushdb()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.core.multi_server_settings",
           "DATABASE_URL": _database_url(), "CACHE_URL": REDIS_URL,
           "EMAIL_URL": f"file://{tmp_path / 'mail'}", "RICERCA_RATE": "4/m",
           "LOG_LEVEL": "WARNING", "PAGOPA_ACA_URL": "http://127.0.0.1:9/aca/v1"}
    ports = [_free_port(), _free_port()]
    commands = [gunicorn_command("127.0.0.1", port, threads=4) for port in ports]
    commands += [[sys.executable, "manage.py", "db_worker", "--queue-name", "default",
                  "--interval", "0.2"]] * 2
    log = (tmp_path / "cluster.log").open("wb")
    processes = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
                 for command in commands]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + 90
        for url in urls:
            while True:
                try:
                    if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                assert time.monotonic() < deadline, (tmp_path / "cluster.log").read_text()
                time.sleep(0.3)
        yield urls, tmp_path / "mail"
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def test_jobs_run_once_with_two_workers(cluster):
    _, mail_dir = cluster
    with override_settings(TASKS=DATABASE_TASKS):  # enqueue for the workers, not in here
        for n in range(20):
            queue_email("anna@example.it", f"Lavoro {n:02d}", "Testo")
    deadline = time.monotonic() + 90
    while OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.SENT).exists():
        assert time.monotonic() < deadline, "the workers did not send every email"
        time.sleep(0.3)
    sent = "".join(path.read_text() for path in mail_dir.iterdir())
    subjects = re.findall(r"^Subject: (Lavoro \d\d)$", sent, re.M)
    assert sorted(subjects) == [f"Lavoro {n:02d}" for n in range(20)]  # each exactly once
    assert set(OutgoingEmail.objects.values_list("attempts", flat=True)) == {1}


def test_rate_limits_are_shared_between_servers(cluster, organization):
    urls, _ = cluster
    _redis().flushdb()
    search = reverse("positions:search", args=[organization.slug])
    answers = []
    for attempt in range(6):  # RICERCA_RATE=4/m for the client address, whichever server
        session = requests.Session()
        url = urls[attempt % 2] + search
        page = session.get(url, timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answers.append(session.post(url, timeout=30, data={
            "fiscal_code": "RSSMRA80E12H501I", "reference": "NESSUNO",
            "csrfmiddlewaretoken": token}).status_code)
    assert answers == [200, 200, 200, 200, 429, 429]


def test_a_session_opened_on_one_server_works_on_the_other(cluster, organization, payer):
    (first, second), _ = cluster
    login = reverse("accounts:login", args=[organization.slug])
    home = reverse("positions:home", args=[organization.slug])
    browser = requests.Session()  # cookies are per host, not per port: one browser
    page = browser.get(first + login, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = browser.post(first + login, timeout=30, allow_redirects=False, data={
        "username": payer.email, "password": "Password-lunga-123",
        "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    answer = browser.get(second + home, timeout=30, allow_redirects=False)
    assert answer.status_code == 200 and "Le mie pratiche" in answer.text


def test_a_receipt_delivered_to_both_servers_is_applied_once(cluster, make_position, debtor):
    urls, _ = cluster
    debtor.email = "mario.rossi@example.it"
    debtor.save()
    option = make_position().options.get()
    body = receipt_message(option, "e" * 32)

    def send(url):
        response = requests.post(f"{url}/pagopa/paForNode", data=body, timeout=60, headers={
            "Content-Type": "text/xml", "SOAPAction": "paSendRTV2"})
        return response.status_code, b"<outcome>OK</outcome>" in response.content

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(send, urls * 4))
    assert answers == [(200, True)] * 8  # the Node is acknowledged by every server
    receipt = Receipt.objects.get()
    assert receipt.applied and not receipt.needs_attention
    option.refresh_from_db()
    assert option.status == PaymentOption.Status.PAID
    assert OutgoingEmail.objects.count() == 1  # one quietanza email
