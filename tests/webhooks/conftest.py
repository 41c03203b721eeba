"""A real receiver on loopback (http.server in a thread) that checks every signature the
way the README tells an Ente's developer to, and an endpoint of the test Ente."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.payments.conftest import (  # noqa: F401 - the Node's side, for the payment test
    node,
    official_schemas,
    site,
    validate,
)
from webhooks import signing
from webhooks.models import SUBSCRIBABLE, Endpoint

SECRET = "whsec_test-secret-of-the-ente-0123456789"


@dataclass
class Received:
    headers: dict
    body: bytes
    valid: bool

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers ``status`` to every POST and records it; ``stop()`` makes the port refuse."""

    secret: str = SECRET
    status: int = 200
    received: list[Received] = field(default_factory=list)
    port: int = 0
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sportello/eventi"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = dict(self.headers.items())
                receiver.received.append(Received(
                    headers, body, signing.verify(receiver.secret, headers, body)))
                answer = b'{"ok": true}' if receiver.status < 300 else b"receiver broken"
                self.send_response(receiver.status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def receiver():
    running = Receiver().start()
    yield running
    running.stop()


@pytest.fixture
def endpoint(organization, receiver):
    return Endpoint.objects.create(organization=organization, url=receiver.url,
                                   secret=SECRET, events=[str(e) for e in SUBSCRIBABLE])
