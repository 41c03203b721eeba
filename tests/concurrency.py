"""Races arranged on PostgreSQL's real locks, not hoped for: a thread is started, and the
test waits (polling PostgreSQL, no fixed sleep) until it either waits on a lock another
transaction holds, or has gone all the way through."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

PATIENCE = 30  # seconds before a stuck thread fails the test (never reached when right)


def blocked(pid: int) -> bool:
    """The PostgreSQL backend ``pid`` waits on a lock another one holds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", [pid])
        return cursor.fetchone()[0]


def wait_until_blocked_or_done(pid: list[int], done: threading.Event, what: str) -> None:
    """Until the thread whose backend is ``pid[0]`` (appended by the thread once it has a
    connection) waits on a lock, or sets ``done``; fails the test after PATIENCE."""
    for _ in range(PATIENCE * 100):
        if done.is_set() or (pid and blocked(pid[0])):
            return
        done.wait(0.01)
    pytest.fail(f"{what} neither finished nor waited on a lock")
