"""``manage.py serve``: the job-queue workers and the scheduler run at a lower CPU
priority than the web server (issue 17), so the Node's calls are answered first on the
CPUs they share and the queue drains after."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command

from sportello.management.commands import serve


class Child:
    """A started process that has already ended: ``serve`` stops at once."""

    returncode = 0

    def poll(self):
        return 0

    def wait(self, timeout=None):
        return 0


@pytest.fixture
def started(monkeypatch):
    calls: list[tuple[list[str], object]] = []

    def popen(command, env=None, preexec_fn=None):
        calls.append((command, preexec_fn))
        return Child()

    monkeypatch.setattr(serve.subprocess, "Popen", popen)
    return calls


def niceness_after(preexec) -> int:
    """The niceness a child gets from ``preexec``, measured in a forked process."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: lower itself as serve's child would, report, leave
        try:
            os.close(read)
            if preexec is not None:
                preexec()
            os.write(write, str(os.nice(0)).encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read) as pipe:
        return int(pipe.read())


def test_workers_and_scheduler_run_lower_than_the_web_server(started):
    call_command("serve", "--port", "0", "--workers", "1")
    (web, web_preexec), *background = started
    assert "gunicorn" in web
    assert {command[2] for command, _ in background} == {"db_worker", "run_schedule"}
    base = os.nice(0)
    assert niceness_after(web_preexec) == base
    for _, preexec in background:
        assert niceness_after(preexec) == min(base + 10, 19)


def test_worker_nice_zero_keeps_one_priority(started):
    call_command("serve", "--port", "0", "--workers", "1", "--worker-nice", "0")
    assert all(preexec is None for _, preexec in started)
