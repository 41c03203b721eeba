"""Client for ACA ``paCreatePosition`` (Archivio Centralizzato Avvisi).

An EC with synchronous paForNode APIs must mirror every position to ACA so the Node
can serve it in Stand-In while the EC is down; amount 0 closes/cancels it. The caller
(a background task) retries on :class:`AcaRetryableError` and gives up, alerting, on
:class:`AcaPermanentError`.

``base_url`` is the OpenAPI server URL, e.g. ``https://api.platform.pagopa.it/aca/v1``
(UAT ``https://api.uat.platform.pagopa.it/aca/v1``); ``/paCreatePosition`` is appended.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

import requests

from pagopa._http import post_json

#: ``AmountEuroCents`` maximum in paCreatePosition.json.
MAX_AMOUNT_CENTS = 99_999_999_999
DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 20.0)
_FISCAL_CODE_PA = re.compile(r"^[0-9]{11}$")


class AcaError(Exception):
    """Base class; ``status`` is None for transport errors."""

    def __init__(self, message: str, status: int | None = None,
                 problem: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.problem = problem


class AcaRetryableError(AcaError):
    """Network failure, timeout, 5xx (incl. 502), 408 or 429: try again later."""


class AcaPermanentError(AcaError):
    """Other 4xx (400, 404, 409, 422) or an unexpected 3xx: retrying will not help."""


@dataclass(frozen=True)
class DebtPosition:
    """``NewDebtPositionRequest``; ``expiration_date`` must be timezone-aware.

    ``nav`` defaults server-side to ``"3" + iuv``; set it explicitly anyway.
    """

    pa_fiscal_code: str
    entity_type: str  # "F" | "G"
    entity_fiscal_code: str
    entity_full_name: str
    iuv: str
    amount_cents: int
    description: str
    expiration_date: dt.datetime
    nav: str | None = None
    iban: str | None = None
    postal_iban: str | None = None
    switch_to_expired: bool = False
    pay_stand_in: bool = True

    def validate(self) -> None:
        """Raise ValueError on anything the OpenAPI schema would reject."""
        if not _FISCAL_CODE_PA.match(self.pa_fiscal_code):
            raise ValueError("paFiscalCode must be 11 digits")
        if self.entity_type not in ("F", "G"):
            raise ValueError("entityType must be F or G")
        if len(self.entity_fiscal_code) < 2:
            raise ValueError("entityFiscalCode needs at least 2 characters")
        for name, value in (("entityFullName", self.entity_full_name), ("iuv", self.iuv),
                            ("description", self.description), ("nav", self.nav)):
            if value is not None and not 1 <= len(value) <= 255:
                raise ValueError(f"{name} must be 1..255 characters")
        amount = self.amount_cents
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise ValueError("amount must be an int number of cents")
        if not 0 <= amount <= MAX_AMOUNT_CENTS:
            raise ValueError(f"amount must be within 0..{MAX_AMOUNT_CENTS}")
        for name, iban in (("iban", self.iban), ("postalIban", self.postal_iban)):
            if iban is not None and len(iban) != 27:
                raise ValueError(f"{name} must be 27 characters (Italian IBAN)")
        if self.expiration_date.utcoffset() is None:
            raise ValueError("expirationDate must be timezone-aware (ACA reads an offset)")

    def to_json(self) -> dict[str, Any]:
        """Validated JSON body; optional fields omitted when None."""
        self.validate()
        body: dict[str, Any] = {
            "paFiscalCode": self.pa_fiscal_code,
            "entityType": self.entity_type,
            "entityFiscalCode": self.entity_fiscal_code,
            "entityFullName": self.entity_full_name,
            "iuv": self.iuv,
            "nav": self.nav,
            "amount": self.amount_cents,
            "description": self.description,
            "expirationDate": self.expiration_date.isoformat(),
            "iban": self.iban,
            "postalIban": self.postal_iban,
            "switchToExpired": self.switch_to_expired,
            "payStandIn": self.pay_stand_in,
        }
        return {key: value for key, value in body.items() if value is not None}


def create_or_update_position(base_url: str, api_key: str, position: DebtPosition,
                              session: requests.Session | None = None,
                              timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
                              ) -> dict[str, Any]:
    """POST the position to ACA; returns the decoded ``DebtPositionResponse`` (or {}).

    The call is idempotent on ACA's side (create, update, or close with amount 0),
    which is what makes retrying on :class:`AcaRetryableError` safe.
    """
    body = position.to_json()
    url = base_url.rstrip("/") + "/paCreatePosition"
    response = post_json(url, api_key, body, session=session, timeout=timeout,
                         unreachable=AcaRetryableError, what="ACA")
    return _result_or_raise(response)


def _result_or_raise(response: requests.Response) -> dict[str, Any]:
    status = response.status_code
    data = _json(response)
    if 200 <= status < 300:
        return data or {}
    detail = (data or {}).get("detail") or (data or {}).get("title") or response.reason
    message = f"ACA answered {status}: {detail}"
    if status >= 500 or status in (408, 429):
        raise AcaRetryableError(message, status, data)
    raise AcaPermanentError(message, status, data)


def _json(response: requests.Response) -> dict[str, Any] | None:
    try:
        data = json.loads(response.content or b"null")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
