"""Races arranged on PostgreSQL's real locks, not hoped for: a thread is started, and the
test waits (polling PostgreSQL, no fixed sleep) until it either waits on a lock another
transaction holds, or has gone all the way through."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import pytest
from django.db import connection, connections, transaction

T = TypeVar("T")

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


def waits_for_holder(hold: Callable[[], None], contend: Callable[[], T], what: str, *,
                     then: Callable[[], None] | None = None,
                     while_waiting: Callable[[], None] | None = None) -> T:
    """``contend()``'s result, having checked that it waited for ``hold``'s lock.

    ``hold`` runs in a transaction of its own thread, which stays open until ``contend``
    (in another thread) waits on a lock; then ``while_waiting`` runs in the test's
    thread, the holder runs ``then`` and commits, and ``contend`` goes on. Fails the test
    if ``contend`` finished without waiting, or if either thread raised."""
    holding, release, done = threading.Event(), threading.Event(), threading.Event()
    pid: list[int] = []
    result: list = []
    errors: list[BaseException] = []

    def holder() -> None:
        try:
            with transaction.atomic():
                hold()
                holding.set()
                release.wait(PATIENCE)
                if then is not None:
                    then()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def contender() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid.append(cursor.fetchone()[0])
            result.append(contend())
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()
            done.set()

    holding_thread = threading.Thread(target=holder)
    holding_thread.start()
    assert holding.wait(PATIENCE), errors
    contending_thread = threading.Thread(target=contender)
    contending_thread.start()
    wait_until_blocked_or_done(pid, done, what)
    try:
        assert not done.is_set(), f"{what} did not wait for the lock"
        if while_waiting is not None:
            while_waiting()
    finally:
        release.set()
        holding_thread.join(PATIENCE)
        contending_thread.join(PATIENCE)
    assert not errors, errors
    return result[0]
