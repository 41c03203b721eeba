"""Client of the App IO Services API (``io-functions-services``, OpenAPI ``index.yaml``
with the shapes of ``io-functions-commons/openapi/definitions.yaml``).

It lives in ``pagopa/`` beside the Checkout and ACA clients: IO is a platform of PagoPA
S.p.A. reached with the same APIM subscription key header, and like them it must stay
free of Django so that it can be tested, reused and published on its own.

Two calls: ``POST /profiles`` (``getProfileByPOST``: the fiscal code in the body, never
in a URL that proxies log) answers the ``LimitedProfile`` with ``sender_allowed``;
``POST /messages`` (``submitMessageforUserWithFiscalCodeInBody``) answers ``201 {id}``.
``base_url`` is the server URL, e.g. ``https://api.io.pagopa.it/api/v1``.

Errors are typed so that the caller decides without reading status codes:

* :class:`IoProfileNotFound` - 404 on the profile: the citizen is not on IO (final);
* :class:`IoKeyRefused` - 401, or a 403 that is not a ProblemJson: APIM refused the
  subscription key itself (invalid, revoked, suspended). Every later call with that key
  would fail the same way, so the caller must stop using it, not retry;
* :class:`IoNotAllowed` - a 403 ProblemJson from IO: this service may not write to this
  citizen (or send this kind of content); final for this message;
* :class:`IoRateLimited` - 429, with ``retry_after`` seconds when IO says so;
* :class:`IoUnavailable` - transport failure, timeout, 5xx: try again later;
* :class:`IoInvalidRequest` - other 4xx (400 invalid payload...): retrying will not help.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

import requests

from pagopa._http import post_json

DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 15.0)
SUBJECT_LENGTH = (10, 120)  # MessageSubject
MARKDOWN_LENGTH = (80, 10_000)  # MessageBodyMarkdown
MAX_AMOUNT_CENTS = 9_999_999_999  # PaymentAmount
_NOTICE_NUMBER = re.compile(r"^[0123][0-9]{17}$")  # PaymentNoticeNumber
_ORGANIZATION_FISCAL_CODE = re.compile(r"^[0-9]{11}$")
_FISCAL_CODE = re.compile(r"^[A-Z0-9]{16}$")


class IoError(Exception):
    """Base class; ``status`` is None for transport errors."""

    retryable = False

    def __init__(self, message: str, status: int | None = None,
                 problem: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.problem = problem


class IoProfileNotFound(IoError):
    """The fiscal code has no IO profile."""


class IoKeyRefused(IoError):
    """APIM refused the subscription key: stop every send with it."""


class IoNotAllowed(IoError):
    """IO will not deliver this service's message to this citizen."""


class IoInvalidRequest(IoError):
    """IO rejected the request as malformed (or another final 4xx)."""


class IoUnavailable(IoError):
    """Network failure, timeout or 5xx: try again later."""

    retryable = True


class IoRateLimited(IoUnavailable):
    """429; ``retry_after`` is the number of seconds IO asked for, if any."""

    def __init__(self, message: str, status: int | None = 429,
                 problem: dict[str, Any] | None = None, retry_after: int | None = None) -> None:
        super().__init__(message, status, problem)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Profile:
    """``LimitedProfile``: whether this service may write to the citizen."""

    sender_allowed: bool
    preferred_languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class PaymentData:
    """``PaymentData``: IO shows its own *Paga* button for this notice."""

    amount_cents: int
    notice_number: str
    payee_fiscal_code: str
    invalid_after_due_date: bool = False

    def validate(self) -> None:
        amount = self.amount_cents
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise ValueError("amount must be an int number of cents")
        if not 1 <= amount <= MAX_AMOUNT_CENTS:
            raise ValueError(f"amount must be within 1..{MAX_AMOUNT_CENTS}")
        if not _NOTICE_NUMBER.match(self.notice_number):
            raise ValueError("notice_number must match ^[0123][0-9]{17}$")
        if not _ORGANIZATION_FISCAL_CODE.match(self.payee_fiscal_code):
            raise ValueError("payee fiscal_code must be 11 digits")

    def to_json(self) -> dict[str, Any]:
        self.validate()
        return {"amount": self.amount_cents, "notice_number": self.notice_number,
                "invalid_after_due_date": self.invalid_after_due_date,
                "payee": {"fiscal_code": self.payee_fiscal_code}}


@dataclass(frozen=True)
class Message:
    """``NewMessage`` with the recipient's fiscal code in the body."""

    fiscal_code: str
    subject: str
    markdown: str
    due_date: dt.datetime | None = None
    payment_data: PaymentData | None = None

    def validate(self) -> None:
        if not _FISCAL_CODE.match(self.fiscal_code):
            raise ValueError("fiscal_code must be 16 upper-case letters and digits")
        low, high = SUBJECT_LENGTH
        if not low <= len(self.subject) <= high:
            raise ValueError(f"subject must be {low}..{high} characters")
        low, high = MARKDOWN_LENGTH
        if not low <= len(self.markdown) <= high:
            raise ValueError(f"markdown must be {low}..{high} characters")
        if self.due_date is not None and self.due_date.utcoffset() is None:
            raise ValueError("due_date must be timezone-aware")

    def to_json(self) -> dict[str, Any]:
        """Validated JSON body; ``due_date`` as an ISO 8601 UTC timestamp."""
        self.validate()
        content: dict[str, Any] = {"subject": self.subject, "markdown": self.markdown}
        if self.due_date is not None:
            due = self.due_date.astimezone(dt.UTC)
            content["due_date"] = due.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        if self.payment_data is not None:
            content["payment_data"] = self.payment_data.to_json()
        return {"fiscal_code": self.fiscal_code, "content": content}


class IoClient:
    """One IO service (one subscription key). The key travels only in the header."""

    def __init__(self, base_url: str, api_key: str, *,
                 session: requests.Session | None = None,
                 timeout: float | tuple[float, float] = DEFAULT_TIMEOUT) -> None:
        self.base_url = base_url.rstrip("/")
        self._key = api_key
        self.session = session
        self.timeout = timeout

    def __repr__(self) -> str:  # never the key
        return f"IoClient({self.base_url!r})"

    def _post(self, path: str, body: dict[str, Any]) -> requests.Response:
        return post_json(self.base_url + path, self._key, body, session=self.session,
                         timeout=self.timeout, unreachable=IoUnavailable, what="App IO")

    def profile(self, fiscal_code: str) -> Profile:
        """``POST /profiles``; raises :class:`IoProfileNotFound` when not on IO."""
        response = self._post("/profiles", {"fiscal_code": fiscal_code})
        data = _result_or_raise(response, profile=True)
        languages = data.get("preferred_languages") or ()
        return Profile(sender_allowed=data.get("sender_allowed") is True,
                       preferred_languages=tuple(str(x) for x in languages))

    def submit(self, message: Message) -> str:
        """``POST /messages``; the id IO gave the message."""
        response = self._post("/messages", message.to_json())
        data = _result_or_raise(response)
        message_id = data.get("id")
        if not isinstance(message_id, str) or not message_id:
            raise IoUnavailable(f"App IO answered {response.status_code} without an id",
                                response.status_code, data)
        return message_id


def _result_or_raise(response: requests.Response, profile: bool = False) -> dict[str, Any]:
    status = response.status_code
    data = _json(response)
    if 200 <= status < 300:
        return data or {}
    problem = data if data and ("title" in data or "detail" in data) else None
    detail = (data or {}).get("detail") or (data or {}).get("title") \
        or (data or {}).get("message") or response.reason
    message = f"App IO answered {status}: {detail}"
    if status == 404 and profile:
        raise IoProfileNotFound(message, status, data)
    if status == 401 or (status == 403 and problem is None):
        raise IoKeyRefused(message, status, data)
    if status == 403:
        raise IoNotAllowed(message, status, data)
    if status == 429:
        raise IoRateLimited(message, status, data,
                            retry_after=_seconds(response.headers.get("Retry-After")))
    if status >= 500 or status == 408:
        raise IoUnavailable(message, status, data)
    raise IoInvalidRequest(message, status, data)


def _seconds(value: str | None) -> int | None:
    """``Retry-After`` in seconds (the HTTP-date form is read too)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        from email.utils import parsedate_to_datetime

        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0, int((when - dt.datetime.now(dt.UTC)).total_seconds()))


def _json(response: requests.Response) -> dict[str, Any] | None:
    try:
        data = json.loads(response.content or b"null")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
