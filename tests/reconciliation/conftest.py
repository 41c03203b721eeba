from tests.pagopa.conftest import http_server  # noqa: F401 - the fixture, over real HTTP
