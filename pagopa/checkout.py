"""Client for the pagoPA Checkout "carts" API (EC frontend → Checkout redirect).

URL mapping (``PAGOPA_CHECKOUT_URL``): the value is the OpenAPI server URL *without*
the version segment, e.g. ``https://api.platform.pagopa.it/checkout/ec`` (UAT:
``https://api.uat.platform.pagopa.it/checkout/ec``); the client appends
``/v1/carts`` or ``/v2/carts``. A URL that already ends in ``/v1`` or ``/v2`` (the
literal ``servers`` entry of checkout_v1.json) is accepted when it matches ``version``.

Checkout answers 302 with the Location the browser must be sent to; redirects are
never followed here, because following would make *our* server fetch the Checkout UI.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from pagopa._http import post_json

#: OpenAPI limits (checkout_v1.json / checkout_v2.json, ``PaymentNotice``/``CartRequest``).
MAX_NOTICES = 5
MAX_TEXT = 140
DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 15.0)

_NOTICE_NUMBER = re.compile(r"^[0-9]{18}$")
_FISCAL_CODE = re.compile(r"^[0-9]{11}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_VERSIONED = re.compile(r"/v([12])$")


class CartValidationError(ValueError):
    """The cart violates the Checkout OpenAPI limits; nothing was sent."""


class CheckoutError(Exception):
    """Checkout refused the cart or answered something unusable.

    ``status`` is the HTTP status (None for transport errors); ``problem`` the
    decoded ProblemJson body when there was one.
    """

    def __init__(self, message: str, status: int | None = None,
                 problem: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.problem = problem


class CheckoutUnavailable(CheckoutError):
    """Network failure, timeout or 5xx: retrying later may work."""


@dataclass(frozen=True)
class PaymentNotice:
    """One notice of the cart; ``amount_cents`` is what Checkout shows before verify."""

    notice_number: str
    fiscal_code: str
    amount_cents: int
    company_name: str
    description: str


@dataclass(frozen=True)
class ReturnUrls:
    """Where Checkout sends the browser back; ``waiting`` is mandatory in v2 only."""

    ok: str
    cancel: str
    error: str
    waiting: str | None = None


@dataclass(frozen=True)
class CartRequest:
    """Body of ``POST /carts``; ``id_cart`` comes back as ``paymentNote`` in paGetPayment."""

    payment_notices: tuple[PaymentNotice, ...]
    return_urls: ReturnUrls
    email_notice: str | None = None
    id_cart: str | None = None
    all_ccp: bool | None = None

    def validate(self, version: int = 1) -> None:
        """Raise :class:`CartValidationError` unless the cart fits ``version``'s schema."""
        _check_version(version)
        if not 1 <= len(self.payment_notices) <= MAX_NOTICES:
            raise CartValidationError(f"a cart holds 1..{MAX_NOTICES} payment notices")
        for index, notice in enumerate(self.payment_notices):
            _validate_notice(index, notice)
        urls = self.return_urls
        named = {"returnOkUrl": urls.ok, "returnCancelUrl": urls.cancel,
                 "returnErrorUrl": urls.error}
        if version == 2 or urls.waiting is not None:
            named["returnWaitingUrl"] = urls.waiting
        for name, url in named.items():
            if not _is_absolute_http_url(url):
                raise CartValidationError(f"{name} must be an absolute http(s) URL")
        if self.email_notice is not None and not _EMAIL.match(self.email_notice):
            raise CartValidationError("emailNotice is not an e-mail address")

    def to_json(self, version: int = 1) -> dict[str, Any]:
        """The JSON body for ``version`` (validated first)."""
        self.validate(version)
        return_urls = {
            "returnOkUrl": self.return_urls.ok,
            "returnCancelUrl": self.return_urls.cancel,
            "returnErrorUrl": self.return_urls.error,
        }
        if version == 2:
            return_urls["returnWaitingUrl"] = self.return_urls.waiting
        body: dict[str, Any] = {
            "paymentNotices": [_notice_json(notice) for notice in self.payment_notices],
            "returnUrls": return_urls,
        }
        if self.email_notice is not None:
            body["emailNotice"] = self.email_notice
        if self.id_cart is not None:
            body["idCart"] = self.id_cart
        if self.all_ccp is not None:
            body["allCCP"] = self.all_ccp
        return body


def _check_version(version: int) -> None:
    if version not in (1, 2):
        raise ValueError(f"Checkout carts API version must be 1 or 2, got {version!r}")


def _validate_notice(index: int, notice: PaymentNotice) -> None:
    where = f"paymentNotices[{index}]"
    if not _NOTICE_NUMBER.match(notice.notice_number):
        raise CartValidationError(f"{where}.noticeNumber must be 18 digits")
    if not _FISCAL_CODE.match(notice.fiscal_code):
        raise CartValidationError(f"{where}.fiscalCode must be 11 digits")
    amount = notice.amount_cents
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        raise CartValidationError(f"{where}.amount must be an integer number of cents >= 1")
    for name, value in (("companyName", notice.company_name),
                        ("description", notice.description)):
        if len(value) > MAX_TEXT:
            raise CartValidationError(f"{where}.{name} longer than {MAX_TEXT} characters")


def _notice_json(notice: PaymentNotice) -> dict[str, Any]:
    return {
        "noticeNumber": notice.notice_number,
        "fiscalCode": notice.fiscal_code,
        "amount": notice.amount_cents,
        "companyName": notice.company_name,
        "description": notice.description,
    }


def _is_absolute_http_url(url: str | None) -> bool:
    if not url:
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def carts_url(base_url: str, version: int) -> str:
    """``POST`` target for ``version`` given ``PAGOPA_CHECKOUT_URL`` (see module doc)."""
    _check_version(version)
    base = base_url.rstrip("/")
    match = _VERSIONED.search(base)
    if match:
        if int(match.group(1)) != version:
            raise ValueError(f"{base_url!r} is the v{match.group(1)} API, not v{version}")
        return f"{base}/carts"
    return f"{base}/v{version}/carts"


def create_cart(base_url: str, api_key: str, cart: CartRequest, version: int = 1,
                session: requests.Session | None = None,
                timeout: float | tuple[float, float] = DEFAULT_TIMEOUT) -> str:
    """Create the cart and return the Checkout URL to redirect the browser to.

    Raises :class:`CartValidationError` before any I/O, :class:`CheckoutUnavailable`
    on transport errors/5xx and :class:`CheckoutError` on 4xx or a reply without a
    redirect Location.
    """
    body = cart.to_json(version)
    url = carts_url(base_url, version)
    response = post_json(url, api_key, body, session=session, timeout=timeout,
                         unreachable=CheckoutUnavailable, what="Checkout")
    return _location_or_raise(response, url)


def _location_or_raise(response: requests.Response, url: str) -> str:
    status = response.status_code
    if status >= 400:
        problem = _problem(response)
        detail = (problem or {}).get("detail") or (problem or {}).get("title") or response.reason
        error = CheckoutUnavailable if status >= 500 else CheckoutError
        raise error(f"Checkout answered {status}: {detail}", status, problem)
    if not 300 <= status < 400:
        raise CheckoutError(f"Checkout answered {status} instead of a redirect", status)
    location = response.headers.get("Location")
    if not location:
        raise CheckoutError(f"Checkout answered {status} without a Location header", status)
    return urljoin(url, location)


def _problem(response: requests.Response) -> dict[str, Any] | None:
    """Decoded ProblemJson, tolerating bodies that are not JSON objects."""
    try:
        data = json.loads(response.content or b"null")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    try:
        port = parts.port or default_port
    except ValueError:  # malformed port
        return ("", "", None)
    return (parts.scheme.lower(), (parts.hostname or "").lower(), port)


def is_checkout_location(location: str, checkout_url: str) -> bool:
    """True when ``location`` has the same scheme, host and port as ``checkout_url``.

    The portal redirects the browser only to Checkout: this keeps a tampered or
    misrouted response from turning the portal into an open redirect.
    """
    origin = _origin(location)
    return bool(origin[1]) and origin == _origin(checkout_url)
