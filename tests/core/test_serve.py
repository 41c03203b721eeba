"""``manage.py serve`` (make run) keeps answering while slow clients hold connections.

Ten clients that start a request and then send nothing more, or a byte at a time, used to
keep all eight threads busy; now the worker cuts them (sportello/serving.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sportello.serving import gunicorn_command, worker_count

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    """The real ``manage.py serve`` (gunicorn only) on a free port; stopped afterwards."""
    port = free_port()
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(SPORTELLO_VAR_DIR=str(tmp_path), SITE_URL=f"http://{HOST}:{port}")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--no-worker", "--host", HOST,
         "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for line in process.stderr:  # gunicorn says when it listens
            if "Listening at" in line:
                break
        else:
            pytest.fail("serve did not start")
        drain = threading.Thread(target=process.stderr.read, daemon=True)
        drain.start()
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def get(port: str | int, path: str, timeout: float) -> bytes:
    with socket.create_connection((HOST, port), timeout=timeout) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n"
                     .encode())
        return sock.recv(64)


def test_serve_uses_the_slow_client_worker():
    command = gunicorn_command(HOST, 8000)
    assert command[command.index("--worker-class") + 1] == "sportello.serving.ThreadWorker"
    assert command[command.index("--workers") + 1] == "1"


def test_one_process_per_core_only_with_a_shared_cache(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert worker_count(0, shared_cache=True) == 2
    assert worker_count(0, shared_cache=False) == 1  # rate limits would be per process
    assert worker_count(3, shared_cache=True) == 3
    command = gunicorn_command(HOST, 8000, workers=2)
    assert command[command.index("--workers") + 1] == "2"


def test_several_processes_without_a_shared_cache_are_refused():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="CACHE_URL"):
        call_command("serve", workers=2)


def test_ten_slow_clients_do_not_stop_a_normal_request(served):
    port = served
    stop = threading.Event()
    slow: list[socket.socket] = []

    def dripping(sock: socket.socket) -> None:
        # One header byte a second, for as long as the test lasts (the attack itself).
        try:
            while not stop.wait(1.0):
                sock.sendall(b"X")
        except OSError:
            pass  # cut by the server: what should happen

    drippers = []
    try:
        for n in range(10):
            sock = socket.create_connection((HOST, port), timeout=30)
            slow.append(sock)
            if n < 4:  # headers started, never finished
                sock.sendall(f"GET / HTTP/1.1\r\nHost: {HOST}\r\nX-Slow: ".encode())
            elif n < 7:  # headers sent, body promised and never sent
                # (with a CSRF cookie, so that Django reads the body to check the token)
                sock.sendall(f"POST /i18n/setlang/ HTTP/1.1\r\nHost: {HOST}\r\n"
                             f"Cookie: csrftoken={'a' * 32}\r\n"
                             f"Content-Type: application/x-www-form-urlencoded\r\n"
                             f"Content-Length: 100000\r\n\r\nlanguage=".encode())
            else:  # headers a byte at a time
                sock.sendall(f"GET / HTTP/1.1\r\nHost: {HOST}\r\nX-Slow: ".encode())
                drippers.append(threading.Thread(target=dripping, args=(sock,)))
        for thread in drippers:
            thread.start()
        # A normal request still gets its answer (the socket timeout bounds the wait).
        assert get(port, "/static/css/sportello.css", timeout=30).startswith(b"HTTP/1.1 200")
    finally:
        stop.set()
        for thread in drippers:
            thread.join()
        for sock in slow:
            sock.close()
