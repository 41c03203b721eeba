"""The sandbox's FdR service: the PSP-side operations of ``openapi-psp.json`` and the
reads of ``openapi-organizations.json``, over the sandbox's own records.

The API views (``sandbox.fdr_views``) and the sandbox's PSPs (``sandbox.fdr_publish``)
go through the same functions, so a flow published by the button obeys the same rules
as one a client sends over HTTP. Errors carry pagoPA's HTTP status and ``appErrorCode``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone

from pagopa.money import MAX_ST_AMOUNT_CENTS
from sandbox.models import SandboxFlow, SandboxFlowPayment

FDR_NAME = re.compile(r"[a-zA-Z0-9\-_]{1,35}")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_COUNT = 2_147_483_647  # what the database keeps for an index or a count
PAY_STATUSES = ("EXECUTED", "REVOKED", "STAND_IN", "STAND_IN_NO_RPT", "NO_RPT")
SENDER_TYPES = ("LEGAL_PERSON", "ABI_CODE", "BIC_CODE")
MAX_BATCH = 1000  # AddPaymentRequest / DeletePaymentRequest maxItems
DRAFT = (SandboxFlow.Status.CREATED, SandboxFlow.Status.INSERTED)


@dataclass
class FdrError(Exception):
    """A refusal as pagoPA's FdR service answers it (``ErrorResponse``)."""

    status: int
    code: str
    message: str
    path: str = ""

    def body(self) -> dict:
        error = {"message": self.message}
        if self.path:
            error["path"] = self.path
        return {"httpStatusCode": self.status, "httpStatusDescription": _REASONS[self.status],
                "appErrorCode": self.code, "errors": [error]}


_REASONS = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
            500: "Internal Server Error"}


def bad(message: str, path: str = "", code: str = "FDR-0702") -> FdrError:
    return FdrError(400, code, message, path)


# --- parsing what a client sends --------------------------------------------------------

def _text(data: dict, key: str, path: str, max_length: int = 35, min_length: int = 1) -> str:
    value = data.get(key)
    if (not isinstance(value, str) or not min_length <= len(value) <= max_length
            or not value.isprintable()):
        raise bad(f"{path}{key}: a string of {min_length} to {max_length} characters is "
                  "required", f"{path}{key}", "FDR-0700")
    return value


def cents(value: object, path: str) -> int:
    """Decimal euro (JSON number, read as Decimal) → cents; two decimals at most."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise bad(f"{path}: a number is required", path, "FDR-0700")
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise bad(f"{path}: not a number", path, "FDR-0700") from exc
    if (not amount.is_finite() or amount < 0 or amount * 100 > MAX_ST_AMOUNT_CENTS
            or amount != amount.quantize(Decimal("0.01"))):
        raise bad(f"{path}: a positive amount up to 999999999.99 with at most two decimals "
                  "is required", path, "FDR-0700")
    return int(amount * 100)


def instant(value: object, path: str) -> dt.datetime:
    if not isinstance(value, str):
        raise bad(f"{path}: an ISO-8601 date-time is required", path, "FDR-0700")
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise bad(f"{path}: an ISO-8601 date-time is required", path, "FDR-0700") from exc
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=dt.UTC)


def local_date(value: object, path: str) -> dt.date:
    if isinstance(value, str) and DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise bad(f"{path}: a date (yyyy-MM-dd) is required", path, "FDR-0700")


def _object(data: object, path: str) -> dict:
    if not isinstance(data, dict):
        raise bad(f"{path or 'body'}: an object is required", path, "FDR-0700")
    return data


# --- PSP side -------------------------------------------------------------------------

def create(psp_id: str, fdr: str, body: object, *, day: dt.date | None = None,
           now: dt.datetime | None = None) -> SandboxFlow:
    """``POST /psps/{pspId}/fdrs/{fdr}``: a draft, the next revision of the flow."""
    data = _object(body, "")
    if not FDR_NAME.fullmatch(fdr) or data.get("fdr") != fdr:
        raise bad("fdr: the flow name in the path and in the body must match "
                  "[a-zA-Z0-9-_]{1,35}", "fdr", "FDR-0700")
    sender = _object(data.get("sender"), "sender")
    receiver = _object(data.get("receiver"), "receiver")
    if sender.get("type") not in SENDER_TYPES:
        raise bad("sender.type: one of " + ", ".join(SENDER_TYPES), "sender.type", "FDR-0700")
    for key in ("id", "pspId", "pspBrokerId", "channelId"):
        _text(sender, key, "sender.")
    _text(sender, "pspName", "sender.", 70, 3)
    if sender["pspId"] != psp_id:
        raise bad("sender.pspId differs from the PSP in the path", "sender.pspId", "FDR-0716")
    for key in ("id", "organizationId"):
        _text(receiver, key, "receiver.")
    _text(receiver, "organizationName", "receiver.", 140)
    tot = data.get("totPayments")
    if isinstance(tot, bool) or not isinstance(tot, int) or not 1 <= tot <= MAX_COUNT:
        raise bad("totPayments: an integer >= 1 is required", "totPayments", "FDR-0700")
    now = now or timezone.now()
    values = {
        "organization_id": receiver["organizationId"],
        "fdr_date": instant(data.get("fdrDate"), "fdrDate"),
        "regulation": _text(data, "regulation", ""),
        "regulation_date": local_date(data.get("regulationDate"), "regulationDate"),
        "bic": (_text(data, "bicCodePouringBank", "") if data.get("bicCodePouringBank")
                else ""),
        "sender": {k: sender[k] for k in ("type", "id", "pspId", "pspName", "pspBrokerId",
                                          "channelId")},
        "receiver": {k: receiver[k] for k in ("id", "organizationId", "organizationName")},
        "tot_payments": tot, "sum_payments_cents": cents(data.get("sumPayments"),
                                                         "sumPayments"),
    }
    with transaction.atomic():
        flows = SandboxFlow.objects.select_for_update().filter(psp_id=psp_id, fdr=fdr)
        if flows.filter(status__in=DRAFT).exists():
            raise bad(f"Reporting fdr [{fdr}] already exists in draft", "fdr", "FDR-0702")
        last = flows.aggregate(last=Max("revision"))["last"] or 0
        try:
            with transaction.atomic():
                return SandboxFlow.objects.create(
                    psp_id=psp_id, fdr=fdr, revision=last + 1, day=day, created_at=now,
                    updated_at=now, **values)
        except IntegrityError as exc:  # two creations raced: the other one won
            raise bad(f"Reporting fdr [{fdr}] already exists in draft", "fdr",
                      "FDR-0702") from exc


def draft(psp_id: str, fdr: str, *, lock: bool = False) -> SandboxFlow:
    flows = SandboxFlow.objects.filter(psp_id=psp_id, fdr=fdr, status__in=DRAFT)
    flow = (flows.select_for_update() if lock else flows).first()
    if flow is None:
        raise FdrError(404, "FDR-0701", f"Reporting fdr [{fdr}] not found")
    return flow


def add_payments(psp_id: str, fdr: str, body: object) -> SandboxFlow:
    """``PUT .../payments/add``: all of them or none."""
    payments = _object(body, "").get("payments")
    if not isinstance(payments, list) or not 1 <= len(payments) <= MAX_BATCH:
        raise bad(f"payments: 1 to {MAX_BATCH} payments are required", "payments", "FDR-0700")
    rows = [_payment(item, f"payments[{n}]") for n, item in enumerate(payments)]
    indexes = [row.index for row in rows]
    if len(set(indexes)) != len(indexes):
        raise bad("payments: the same index twice", "payments", "FDR-0703")
    with transaction.atomic():
        flow = draft(psp_id, fdr, lock=True)
        if flow.payments.filter(index__in=indexes).exists():
            raise bad("payments: an index is already in the flow", "payments", "FDR-0703")
        for row in rows:
            row.flow = flow
        SandboxFlowPayment.objects.bulk_create(rows)
        _touch(flow, SandboxFlow.Status.INSERTED)
    return flow


def _payment(item: object, path: str) -> SandboxFlowPayment:
    data = _object(item, path)
    index, transfer = data.get("index"), data.get("idTransfer")
    if isinstance(index, bool) or not isinstance(index, int) or not 1 <= index <= MAX_COUNT:
        raise bad(f"{path}.index: an integer >= 1 is required", f"{path}.index", "FDR-0700")
    if isinstance(transfer, bool) or not isinstance(transfer, int) or not 1 <= transfer <= 5:
        raise bad(f"{path}.idTransfer: 1 to 5", f"{path}.idTransfer", "FDR-0700")
    if data.get("payStatus") not in PAY_STATUSES:
        raise bad(f"{path}.payStatus: one of " + ", ".join(PAY_STATUSES),
                  f"{path}.payStatus", "FDR-0700")
    return SandboxFlowPayment(
        index=index, iuv=_text(data, "iuv", path + "."), iur=_text(data, "iur", path + "."),
        id_transfer=transfer, amount_cents=cents(data.get("pay"), f"{path}.pay"),
        pay_status=data["payStatus"], pay_date=instant(data.get("payDate"), f"{path}.payDate"))


def delete_payments(psp_id: str, fdr: str, body: object) -> SandboxFlow:
    """``PUT .../payments/del``: by index; an index not in the flow is an error."""
    indexes = _object(body, "").get("indexList")
    if (not isinstance(indexes, list) or not 1 <= len(indexes) <= MAX_BATCH
            or any(isinstance(i, bool) or not isinstance(i, int) or abs(i) > MAX_COUNT
                   for i in indexes)):
        raise bad(f"indexList: 1 to {MAX_BATCH} integers are required", "indexList",
                  "FDR-0700")
    with transaction.atomic():
        flow = draft(psp_id, fdr, lock=True)
        found = flow.payments.filter(index__in=indexes)
        if found.count() != len(set(indexes)):
            raise bad("indexList: an index is not in the flow", "indexList", "FDR-0705")
        found.delete()
        remaining = flow.payments.exists()
        _touch(flow, SandboxFlow.Status.INSERTED if remaining else SandboxFlow.Status.CREATED)
    return flow


def publish(psp_id: str, fdr: str, now: dt.datetime | None = None) -> SandboxFlow:
    """``POST .../publish``: only when the payments add up to the declared totals."""
    with transaction.atomic():
        flow = draft(psp_id, fdr, lock=True)
        count, total = computed(flow)
        if count != flow.tot_payments:
            raise bad(f"totPayments [{flow.tot_payments}] differs from the payments in the "
                      f"flow [{count}]", "totPayments", "FDR-0706")
        if total != flow.sum_payments_cents:
            raise bad("sumPayments differs from the sum of the payments in the flow",
                      "sumPayments", "FDR-0707")
        flow.status = SandboxFlow.Status.PUBLISHED
        flow.published_at = flow.updated_at = now or timezone.now()
        flow.save(update_fields=["status", "published_at", "updated_at"])
    return flow


def delete(psp_id: str, fdr: str) -> None:
    """``DELETE /psps/{pspId}/fdrs/{fdr}``: a draft only; published flows stay."""
    with transaction.atomic():
        draft(psp_id, fdr, lock=True).delete()


def _touch(flow: SandboxFlow, status: str) -> None:
    flow.status = status
    flow.updated_at = timezone.now()
    flow.save(update_fields=["status", "updated_at"])


def computed(flow: SandboxFlow) -> tuple[int, int]:
    totals = flow.payments.aggregate(n=Count("pk"), total=Sum("amount_cents"))
    return totals["n"], totals["total"] or 0


# --- reads ----------------------------------------------------------------------------

def published(organization_id: str | None = None, psp_id: str | None = None,
              published_gt: dt.datetime | None = None,
              flow_date: dt.datetime | None = None) -> QuerySet[SandboxFlow]:
    """Every published revision, oldest publication first (a sync reads them in order)."""
    flows = SandboxFlow.objects.filter(status=SandboxFlow.Status.PUBLISHED)
    if organization_id is not None:
        flows = flows.filter(organization_id=organization_id)
    if psp_id:
        flows = flows.filter(psp_id=psp_id)
    if published_gt is not None:
        flows = flows.filter(published_at__gt=published_gt)
    if flow_date is not None:
        flows = flows.filter(fdr_date__gte=flow_date)
    return flows.order_by("published_at", "pk")


def one_published(organization_id: str, fdr: str, revision: int, psp_id: str) -> SandboxFlow:
    flow = published(organization_id, psp_id).filter(fdr=fdr, revision=revision).first()
    if flow is None:
        raise FdrError(404, "FDR-0701",
                       f"Reporting fdr [{fdr}] revision [{revision}] not found")
    return flow


def drafts(psp_id: str, created_gt: dt.datetime | None = None) -> QuerySet[SandboxFlow]:
    flows = SandboxFlow.objects.filter(psp_id=psp_id, status__in=DRAFT)
    if created_gt is not None:
        flows = flows.filter(created_at__gt=created_gt)
    return flows.order_by("created_at", "pk")


def one_draft(psp_id: str, fdr: str, organization_id: str) -> SandboxFlow:
    flow = drafts(psp_id).filter(fdr=fdr, organization_id=organization_id).first()
    if flow is None:
        raise FdrError(404, "FDR-0701", f"Reporting fdr [{fdr}] not found")
    return flow


# --- JSON shapes (``components.schemas`` of the two OpenAPI files) ----------------------

def euro(amount_cents: int) -> float:
    """A JSON number in decimal euro; cents/100 prints with at most two decimals."""
    return amount_cents / 100


def stamp(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def flow_json(flow: SandboxFlow, *, with_published: bool = True) -> dict:
    """``SingleFlowResponse`` (``SingleFlowCreatedResponse`` without ``published``)."""
    count, total = computed(flow)
    body = {
        "status": flow.status, "revision": flow.revision, "created": stamp(flow.created_at),
        "updated": stamp(flow.updated_at), "fdr": flow.fdr, "fdrDate": stamp(flow.fdr_date),
        "regulation": flow.regulation, "regulationDate": flow.regulation_date.isoformat(),
        "sender": flow.sender, "receiver": flow.receiver,
        "computedTotPayments": count, "computedSumPayments": euro(total),
        "totPayments": flow.tot_payments, "sumPayments": euro(flow.sum_payments_cents),
    }
    if flow.bic:
        body["bicCodePouringBank"] = flow.bic
    if with_published and flow.published_at:
        body["published"] = stamp(flow.published_at)
    return body


def payment_json(row: SandboxFlowPayment) -> dict:
    return {"index": row.index, "iuv": row.iuv, "iur": row.iur, "idTransfer": row.id_transfer,
            "pay": euro(row.amount_cents), "payStatus": row.pay_status,
            "payDate": stamp(row.pay_date)}


def garbled(row: SandboxFlowPayment) -> dict:
    """The ``malformed`` fault: a row no parser may accept (no IUR, amount as words)."""
    body = payment_json(row)
    del body["iur"]
    body["pay"] = "dieci euro"
    body["payDate"] = "ieri"
    return body


def page(items: QuerySet, number: int, size: int) -> tuple[list, dict, int]:
    """One page (1-based) with pagoPA's ``metadata``; ``count`` is all the elements."""
    total = items.count()
    rows = list(items[(number - 1) * size:number * size])
    return rows, {"pageSize": size, "pageNumber": number,
                  "totPage": (total + size - 1) // size}, total


def paged(rows: Iterable[dict], metadata: dict, total: int) -> dict:
    return {"metadata": metadata, "count": total, "data": list(rows)}


def payments_of(flow: SandboxFlow) -> QuerySet[SandboxFlowPayment]:
    return flow.payments.order_by("index")


def latest_published(psp_id: str, fdr: str) -> SandboxFlow | None:
    return (SandboxFlow.objects.filter(psp_id=psp_id, fdr=fdr,
                                       status=SandboxFlow.Status.PUBLISHED)
            .order_by("-revision").first())

