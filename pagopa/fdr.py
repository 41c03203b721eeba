"""Client for pagoPA's FdR organisations' API (``openapi-organizations.json``).

The SOAP ``nodoChiediElencoFlussiRendicontazione`` is deprecated from 30 June 2026; an
Ente now lists the flows published for it since a time (``publishedGt``, paged), reads
each flow (one revision of one PSP's flow) and its payments (paged).

Parsing is strict: anything the schema would reject raises :class:`FdrDataError` with
a message saying which field, so the caller can record it and go on; the transport and
the server's failures raise :class:`FdrUnavailable` (worth retrying later). A payment
that does not parse does not make its whole flow unreadable: ``fetch_payments`` returns
it among the ``rejected`` with the reason, for staff to see.

Amounts are JSON numbers in euro; they are read as ``Decimal`` (never float) and kept
as integer cents.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import requests

from pagopa._http import get_json

DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 30.0)
#: The API's largest page.
PAGE_SIZE = 1000
#: A safety stop: a server that keeps announcing more pages cannot keep us forever.
MAX_PAGES = 10_000
PAY_STATUSES = frozenset({"EXECUTED", "REVOKED", "STAND_IN", "STAND_IN_NO_RPT", "NO_RPT"})


class FdrError(Exception):
    """Base class; ``status`` is the HTTP status when there was an answer."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class FdrUnavailable(FdrError):
    """Network failure, timeout, 5xx, 408, 429: try again later."""


class FdrRefused(FdrError):
    """A 4xx answer (400, 401, 403, 404): the request itself is wrong or not allowed."""


class FdrDataError(FdrError):
    """The answer is not what the OpenAPI file describes (garbage, a missing field)."""


@dataclass(frozen=True)
class FlowRef:
    """One entry of the flows list (``FlowByPSP``)."""

    fdr: str
    psp_id: str
    revision: int
    published: dt.datetime | None
    flow_date: dt.datetime | None


@dataclass(frozen=True)
class Sender:
    type: str
    id: str
    psp_id: str
    psp_name: str
    psp_broker_id: str
    channel_id: str


@dataclass(frozen=True)
class Receiver:
    id: str
    organization_id: str
    organization_name: str


@dataclass(frozen=True)
class Flow:
    """``SingleFlowResponse``: a flow's header, its totals in cents."""

    fdr: str
    revision: int
    status: str
    fdr_date: dt.datetime | None
    regulation: str
    regulation_date: dt.date | None
    bic: str
    sender: Sender
    receiver: Receiver
    published: dt.datetime | None
    computed_count: int | None
    computed_amount_cents: int | None
    declared_count: int | None
    declared_amount_cents: int | None
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)


@dataclass(frozen=True)
class Payment:
    """One ``Payment`` of a flow (one transfer of one pagoPA payment)."""

    index: int
    iuv: str
    iur: str
    id_transfer: int
    amount_cents: int
    pay_status: str
    pay_date: dt.datetime


@dataclass(frozen=True)
class RejectedPayment:
    """An item of the payments list the strict parser refused, with why."""

    position: int
    reason: str
    raw: Any = field(repr=False, compare=False, default=None)


@dataclass
class Payments:
    payments: list[Payment] = field(default_factory=list)
    rejected: list[RejectedPayment] = field(default_factory=list)


class FdrClient:
    """The organisations' API of one installation (``base_url`` ends before
    ``/organizations``, e.g. ``https://api.platform.pagopa.it/fdr-org/service/v1``)."""

    def __init__(self, base_url: str, api_key: str, *,
                 session: requests.Session | None = None,
                 timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
                 page_size: int = PAGE_SIZE) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.session = session
        self.timeout = timeout
        self.page_size = page_size

    # --- the three calls -----------------------------------------------------------
    def list_flows(self, organization_id: str, published_after: dt.datetime | None = None,
                   ) -> Iterator[FlowRef]:
        """Every flow published for the Ente after ``published_after``, all pages."""
        params: dict[str, Any] = {"size": self.page_size}
        if published_after is not None:
            params["publishedGt"] = _instant_param(published_after)
        path = f"/organizations/{_seg(organization_id)}/fdrs"
        for item in self._pages(path, params, "flows"):
            yield parse_flow_ref(item)

    def get_flow(self, organization_id: str, fdr: str, revision: int, psp_id: str) -> Flow:
        data = self._get(self._flow_path(organization_id, fdr, revision, psp_id), {})
        return parse_flow(data)

    def fetch_payments(self, organization_id: str, fdr: str, revision: int,
                       psp_id: str) -> Payments:
        """All the flow's payments (all pages), those that parse and those that do not."""
        path = self._flow_path(organization_id, fdr, revision, psp_id) + "/payments"
        result = Payments()
        for position, item in enumerate(self._pages(path, {"size": self.page_size},
                                                    "payments"), start=1):
            try:
                result.payments.append(parse_payment(item))
            except FdrDataError as exc:
                result.rejected.append(RejectedPayment(position, str(exc), item))
        return result

    # --- plumbing ------------------------------------------------------------------
    @staticmethod
    def _flow_path(organization_id: str, fdr: str, revision: int, psp_id: str) -> str:
        return (f"/organizations/{_seg(organization_id)}/fdrs/{_seg(fdr)}"
                f"/revisions/{int(revision)}/psps/{_seg(psp_id)}")

    def _pages(self, path: str, params: dict[str, Any], what: str) -> Iterator[Any]:
        page = 1
        while True:
            data = self._get(path, {**params, "page": page})
            items = data.get("data", [])
            if not isinstance(items, list):
                raise FdrDataError(f"{what} page {page}: 'data' is not a list")
            yield from items
            metadata = data.get("metadata") or {}
            if not isinstance(metadata, dict):
                raise FdrDataError(f"{what} page {page}: 'metadata' is not an object")
            total = metadata.get("totPage")
            if total is not None and not _is_int(total):
                raise FdrDataError(f"{what} page {page}: 'totPage' is not an integer")
            if not items or total is None or page >= total or page >= MAX_PAGES:
                return
            page += 1

    def _get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        response = get_json(self.base_url + path, self.api_key, params,
                            session=self.session, timeout=self.timeout,
                            unreachable=FdrUnavailable, what="FdR")
        status = response.status_code
        if status >= 500 or status in (408, 429):
            raise FdrUnavailable(f"FdR answered {status} for {path}", status)
        if not 200 <= status < 300:
            raise FdrRefused(f"FdR answered {status} for {path}: {_error_text(response)}",
                             status)
        try:
            data = json.loads(response.content, parse_float=Decimal)
        except ValueError as exc:
            raise FdrDataError(f"FdR answer for {path} is not JSON") from exc
        if not isinstance(data, dict):
            raise FdrDataError(f"FdR answer for {path} is not a JSON object")
        return data


# --- strict parsing (also used by tests on canned JSON) ------------------------------
def parse_flow_ref(item: Any) -> FlowRef:
    obj = _object(item, "flow")
    return FlowRef(fdr=_text(obj, "fdr", 1, 70), psp_id=_text(obj, "pspId", 1, 35),
                   revision=_int(obj, "revision", minimum=1),
                   published=_instant(obj, "published", required=False),
                   flow_date=_instant(obj, "flowDate", required=False))


def parse_flow(data: Any) -> Flow:
    obj = _object(data, "flow")
    sender = _object(obj.get("sender"), "sender")
    receiver = _object(obj.get("receiver"), "receiver")
    status = obj.get("status")
    if status not in ("CREATED", "INSERTED", "PUBLISHED"):
        raise FdrDataError(f"flow: status {status!r} is not a ReportingFlowStatusEnum")
    sender_type = sender.get("type")
    if sender_type not in ("LEGAL_PERSON", "ABI_CODE", "BIC_CODE"):
        raise FdrDataError(f"sender.type {sender_type!r} is not a SenderTypeEnum")
    return Flow(
        fdr=_text(obj, "fdr", 1, 70),
        revision=_int(obj, "revision", minimum=1),
        status=status,
        fdr_date=_instant(obj, "fdrDate", required=False),
        regulation=_text(obj, "regulation", 1, 140),
        regulation_date=_date(obj, "regulationDate"),
        bic=_text(obj, "bicCodePouringBank", 0, 35, required=False),
        sender=Sender(type=sender_type, id=_text(sender, "id", 1, 35, "sender."),
                      psp_id=_text(sender, "pspId", 1, 35, "sender."),
                      psp_name=_text(sender, "pspName", 3, 70, "sender."),
                      psp_broker_id=_text(sender, "pspBrokerId", 1, 35, "sender."),
                      channel_id=_text(sender, "channelId", 1, 35, "sender.")),
        receiver=Receiver(id=_text(receiver, "id", 1, 35, "receiver."),
                          organization_id=_text(receiver, "organizationId", 1, 35,
                                                "receiver."),
                          organization_name=_text(receiver, "organizationName", 1, 140,
                                                  "receiver.")),
        published=_instant(obj, "published", required=False),
        computed_count=_int(obj, "computedTotPayments", minimum=0, required=False),
        computed_amount_cents=_cents(obj, "computedSumPayments", required=False),
        declared_count=_int(obj, "totPayments", minimum=0, required=False),
        declared_amount_cents=_cents(obj, "sumPayments", required=False),
        raw=_plain(obj),
    )


def parse_payment(item: Any) -> Payment:
    obj = _object(item, "payment")
    pay_status = obj.get("payStatus")
    if pay_status not in PAY_STATUSES:
        raise FdrDataError(f"payment: payStatus {pay_status!r} is not one of "
                           f"{', '.join(sorted(PAY_STATUSES))}")
    return Payment(index=_int(obj, "index", minimum=1), iuv=_text(obj, "iuv", 1, 35),
                   iur=_text(obj, "iur", 1, 35),
                   id_transfer=_int(obj, "idTransfer", minimum=1, maximum=5),
                   amount_cents=_cents(obj, "pay"), pay_status=pay_status,
                   pay_date=_instant(obj, "payDate"))


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FdrDataError(f"{where}: not a JSON object")
    return value


def _text(obj: dict, name: str, low: int, high: int, prefix: str = "", *,
          required: bool = True) -> str:
    value = obj.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not low <= len(value) <= high:
        raise FdrDataError(f"{prefix}{name}: a text of {low} to {high} characters is "
                           f"required, got {_show(value)}")
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int(obj: dict, name: str, *, minimum: int, maximum: int | None = None,
         required: bool = True) -> int | None:
    value = obj.get(name)
    if value is None and not required:
        return None
    if not _is_int(value) or value < minimum or (maximum is not None and value > maximum):
        bounds = f"{minimum}..{maximum}" if maximum is not None else f">= {minimum}"
        raise FdrDataError(f"{name}: an integer {bounds} is required, got {_show(value)}")
    return value


def _cents(obj: dict, name: str, *, required: bool = True) -> int | None:
    """A JSON number of euro with at most two decimals, as cents."""
    value = obj.get(name)
    if value is None and not required:
        return None
    if _is_int(value):
        value = Decimal(value)
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise FdrDataError(f"{name}: a non-negative amount in euro is required, "
                           f"got {_show(value)}")
    cents = value * 100
    if cents != cents.to_integral_value():
        raise FdrDataError(f"{name}: more than two decimals in {value}")
    return int(cents)


def _instant(obj: dict, name: str, *, required: bool = True) -> dt.datetime | None:
    value = obj.get(name)
    if value is None and not required:
        return None
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None:
            # pagoPA's Instants are UTC; one written without an offset is read as UTC.
            return parsed if parsed.utcoffset() is not None else parsed.replace(
                tzinfo=dt.UTC)
    raise FdrDataError(f"{name}: an ISO 8601 date-time is required, got {_show(value)}")


def _date(obj: dict, name: str) -> dt.date:
    value = obj.get(name)
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise FdrDataError(f"{name}: an ISO 8601 date is required, got {_show(value)}")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _plain(value: Any) -> Any:
    """The flow as JSON-storable data (amounts back to strings, never floats)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def _instant_param(value: dt.datetime) -> str:
    if value.utcoffset() is None:
        raise ValueError("publishedGt must be timezone-aware")
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _seg(value: str) -> str:
    return quote(str(value), safe="")


def _error_text(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.reason or ""
    if isinstance(data, dict):
        errors = data.get("errors") or []
        messages = [e.get("message", "") for e in errors if isinstance(e, dict)]
        return "; ".join(m for m in messages if m) or str(data.get("appErrorCode") or "")
    return ""
