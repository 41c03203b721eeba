"""Fixtures borrowed from the folders that define them: a real local HTTP server, the
live server as the site (sandbox included) and the sandbox's PSP-side FdR API."""

from tests.pagopa.conftest import http_server  # noqa: F401
from tests.payments.conftest import site  # noqa: F401
from tests.sandbox.conftest import psp_api  # noqa: F401
