"""The environment of the benchmarks that drive Django in their own process (the test
client under ``bench/settings.py``): set before Django loads, with a fresh Node secret."""

from __future__ import annotations

import os
import secrets


def configure() -> str:
    """Set the environment; return the Node's secret, for the requests' header."""
    node_secret = secrets.token_urlsafe(40)
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "bench.settings", "SECRET_KEY": secrets.token_urlsafe(60),
        "PAGOPA_NODE_SECRET": node_secret, "SITE_URL": "https://bench.example",
        "ALLOWED_HOSTS": "testserver,127.0.0.1", "LOG_LEVEL": "WARNING",
        # ACA pushes (never run here: no worker) would go to the discard port.
        "PAGOPA_ACA_URL": "http://127.0.0.1:9/aca/v1",
    })
    return node_secret
