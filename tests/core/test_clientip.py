"""The client address: only what our own proxies added to X-Forwarded-For counts.

Behind a proxy that appends, a client that writes its own first entry must not get
round the rate limits or the login lockout (issue 9, item 1)."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from sportello.clientip import client_ip, parse_address
from sportello.ratelimit import client_address
from tests.accounts.conftest import url
from tests.positions.test_search import search

PROXY = "10.0.0.5"


def ip(xff: str | None = None, remote: str = PROXY) -> str:
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return client_ip(RequestFactory().get("/", **extra))


@pytest.fixture
def no_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_PROXY_NETWORKS = []


@pytest.fixture
def one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_NETWORKS = []
    # The setting the portal read before: set too, so the tests show the old bypasses.
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"


def test_without_trusted_proxies_the_header_is_ignored(no_proxy):
    assert ip("52.1.2.3") == PROXY
    assert ip(None, remote="2001:DB8::0:1") == "2001:db8::1"


def test_counted_from_the_right(settings):
    settings.TRUSTED_PROXY_NETWORKS = []
    settings.TRUSTED_PROXY_COUNT = 1
    assert ip("52.1.2.3, 9.9.9.9") == "9.9.9.9"
    assert ip("9.9.9.9") == "9.9.9.9"
    assert ip(None) == PROXY  # no header: the proxy itself (never the client's text)
    settings.TRUSTED_PROXY_COUNT = 2
    assert ip("52.1.2.3, 9.9.9.9, 10.0.0.9") == "9.9.9.9"
    assert ip("9.9.9.9") == "9.9.9.9"  # fewer entries: the leftmost, written by a proxy


def test_proxy_networks(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_PROXY_NETWORKS = ["10.0.0.0/8", "2001:db8:ffff::/48"]
    assert ip("52.1.2.3, 9.9.9.9, 10.1.1.1") == "9.9.9.9"
    assert ip("10.2.2.2, 10.1.1.1") == "10.2.2.2"  # all ours: the leftmost
    # REMOTE_ADDR not a proxy of ours: the header is a stranger's text
    assert ip("9.9.9.9", remote="198.51.100.7") == "198.51.100.7"
    settings.TRUSTED_PROXY_COUNT = 1  # both: at most one hop
    assert ip("52.1.2.3, 10.1.1.1") == "10.1.1.1"


@pytest.mark.parametrize("header", ["garbage", "52.1.2.3, not-an-ip", ", ,", "999.1.1.1"])
def test_malformed_header_falls_back_to_the_last_trusted_address(settings, header):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_NETWORKS = []
    assert ip(header) == PROXY


def test_ipv6_and_ports(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_NETWORKS = []
    assert ip("52.1.2.3, 2001:DB8::0:7") == "2001:db8::7"
    assert ip("[2001:db8::7]:4430") == "2001:db8::7"
    assert ip("9.9.9.9:51000") == "9.9.9.9"
    assert ip("::ffff:9.9.9.9") == "9.9.9.9"
    assert ip("9.9.9.9", remote="::1") == "9.9.9.9"
    assert parse_address("fe80::1%eth0") is not None and parse_address("x:y:z") is None


def test_the_rate_limit_key_is_the_same_function(one_proxy):
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.1.1.1, 2.2.2.2")
    assert client_address(None, request) == client_address("ricerca", request) == "2.2.2.2"


@pytest.mark.django_db
def test_rotating_the_first_entry_does_not_get_round_the_ricerca_limit(
        client, organization, make_position, settings, one_proxy):
    settings.RICERCA_RATE = "3/m"
    make_position()
    for n in range(3):
        response = search(client, organization, REMOTE_ADDR=PROXY,
                          HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 9.9.9.9")
        assert response.status_code == 200
    limited = search(client, organization, REMOTE_ADDR=PROXY,
                     HTTP_X_FORWARDED_FOR="203.0.113.99, 9.9.9.9")
    assert limited.status_code == 429
    # another client behind the same proxy is not limited
    other = search(client, organization, REMOTE_ADDR=PROXY,
                   HTTP_X_FORWARDED_FOR="203.0.113.99, 9.9.9.8")
    assert other.status_code == 200


@pytest.mark.django_db
def test_rotating_the_first_entry_does_not_get_round_the_login_lockout(
        organization, payer, settings, one_proxy):
    settings.AXES_FAILURE_LIMIT = 3
    settings.ACCOUNT_LOGIN_RATE = "1000/m"
    login = url("accounts:login", organization)

    def attempt(first: str, password: str = "sbagliata"):  # noqa: S107
        return Client().post(login, {"username": payer.email, "password": password},
                             REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{first}, 9.9.9.9")

    for n in range(2):
        assert attempt(f"203.0.113.{n}").status_code == 200
    assert attempt("203.0.113.50").status_code == 429
    # the right password from a "new" first entry is still refused while locked
    assert attempt("203.0.113.51", "Password-lunga-123").status_code == 429
