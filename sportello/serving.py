"""How ``manage.py serve`` runs gunicorn, and a threaded worker that slow clients can't starve.

gunicorn's gthread worker gives a thread to a connection once its first byte arrives, and
that thread then blocks until the whole request has come in: ten clients that send their
headers or body a byte at a time (or stop half-way) kept every thread of ``make run`` busy.
:class:`ThreadWorker` puts two limits on reading a request: no more than
``READ_IDLE_SECONDS`` without a byte, and no more than ``READ_DEADLINE_SECONDS`` for the
whole request (headers and body); sending a response may stall at most
``SEND_IDLE_SECONDS``. A client that breaks them is disconnected and the thread is free.
In production a buffering reverse proxy sits in front (README, "Production"): it hands over
whole requests at once and these limits are never reached.
"""

from __future__ import annotations

import os
import socket
import sys
import time

from gunicorn.workers.gthread import ThreadWorker as GThreadWorker

READ_IDLE_SECONDS = 5.0
READ_DEADLINE_SECONDS = 10.0
SEND_IDLE_SECONDS = 30.0
WORKER_CLASS = "sportello.serving.ThreadWorker"


def worker_count(requested: int, shared_cache: bool) -> int:
    """gunicorn processes: ``requested`` if set, else one per core when the cache (rate
    limits, lockout counters) is shared between processes, else one.

    One process runs Python on one core at a time (the GIL): a second core serves requests
    only through a second process. Without a shared cache, each process would count rate
    limits on its own and let through N times the limit, so one is the safe default there.
    """
    if requested:
        return requested
    return max(os.cpu_count() or 1, 1) if shared_cache else 1


def gunicorn_command(host: str, port: int, threads: int = 8, workers: int = 1) -> list[str]:
    """The gunicorn command line of ``manage.py serve``: ``workers`` processes of
    ``threads`` threads, with the slow-client-proof worker."""
    return [
        sys.executable, "-m", "gunicorn", "sportello.wsgi:application",
        "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", str(threads),
        "--worker-class", WORKER_CLASS, "--keep-alive", "5",
        "--access-logfile", "-", "--graceful-timeout", "5",
        # Smaller limits than gunicorn's defaults on the request line and headers.
        "--limit-request-line", "4094", "--limit-request-fields", "50",
        "--limit-request-field_size", "8190",
    ]


class DeadlineSocket(socket.socket):
    """A client socket whose blocking reads are bounded (see the module docstring).

    gunicorn switches the socket to blocking at the start of each request it reads: that
    is when the request's reading deadline starts."""

    deadline: float = 0.0

    @classmethod
    def adopt(cls, sock: socket.socket) -> DeadlineSocket:
        adopted = cls(sock.family, sock.type, sock.proto, fileno=sock.detach())
        adopted.deadline = time.monotonic() + READ_DEADLINE_SECONDS
        return adopted

    def setblocking(self, flag: bool) -> None:
        if flag:
            self.deadline = time.monotonic() + READ_DEADLINE_SECONDS
            super().settimeout(READ_IDLE_SECONDS)
        else:
            super().setblocking(False)

    def _bound_read(self) -> None:
        if self.gettimeout() == 0.0:
            return  # non-blocking use (gunicorn's poller): nothing to bound
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("request not received in time")
        super().settimeout(min(READ_IDLE_SECONDS, remaining))

    def recv(self, size: int, flags: int = 0) -> bytes:
        self._bound_read()
        return super().recv(size, flags)

    def recv_into(self, buffer, nbytes: int = 0, flags: int = 0) -> int:
        self._bound_read()
        return super().recv_into(buffer, nbytes, flags)

    def sendall(self, data, flags: int = 0) -> None:
        """Send everything, failing only when the client takes nothing for a while (a
        large download to a slow but live client is fine)."""
        if self.gettimeout() == 0.0:
            return super().sendall(data, flags)
        previous = self.gettimeout()
        super().settimeout(SEND_IDLE_SECONDS)
        try:
            view = memoryview(data).cast("B")
            while view:
                sent = super().send(view, flags)
                view = view[sent:]
        finally:
            super().settimeout(previous)


class _AdoptingListener:
    """A listening socket whose accepted connections are :class:`DeadlineSocket`."""

    def __init__(self, listener) -> None:
        self._listener = listener

    def accept(self):
        sock, address = self._listener.accept()
        return DeadlineSocket.adopt(sock), address

    def __getattr__(self, name: str):
        return getattr(self._listener, name)


class ThreadWorker(GThreadWorker):
    """gunicorn's gthread worker with :class:`DeadlineSocket` connections."""

    def accept(self, listener):
        return super().accept(_AdoptingListener(listener))
