"""The simulated pagoPA Node: calls the Ente's paForNode over HTTP, as the real one does.

Imports nothing of the portal: only ``pagopa`` (the protocol) and HTTP. Receipts are
delivered from the job queue (never from inside the request that triggered them), and
retried like the Node's queue of receipts to resubmit (RULES §8), faster.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from pagopa import soap
from pagopa.messages import (
    GetPaymentRequest,
    PaymentInfo,
    ReceiptInfo,
    RequestHeader,
    Response,
    SendRTRequest,
    VerifyRequest,
)
from sandbox.catalog import RECEIPT_METHOD, Psp
from sandbox.models import Payment, ReceiptDelivery, Station

log = logging.getLogger(__name__)

TIMEOUT = (3.0, 15.0)  # the Node waits at most 15 s for paSendRT
LEASE = dt.timedelta(seconds=30)


class NodeError(Exception):
    """The Ente did not answer usefully (unreachable, HTTP error, invalid response)."""


def station_for(ec_fiscal_code: str) -> Station:
    station = Station.objects.filter(ec_fiscal_code=ec_fiscal_code).first()
    return station or Station(ec_fiscal_code=ec_fiscal_code, broker_id=ec_fiscal_code,
                              station_id=f"{ec_fiscal_code}_01")


def endpoint(station: Station) -> str:
    return (station.endpoint_url or getattr(settings, "SANDBOX_EC_URL", "")
            or f"{settings.SITE_URL}/pagopa/paForNode")


def header(station: Station) -> RequestHeader:
    return RequestHeader(station.ec_fiscal_code, station.broker_id, station.station_id)


def post(station: Station, body: bytes, action: str) -> Response:
    return exchange(station, body, action)[0]


def exchange(station: Station, body: bytes, action: str) -> tuple[Response, bytes]:
    """POST one SOAP request; the parsed answer and its raw bytes."""
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": action}
    if settings.PAGOPA_NODE_SECRET:
        headers[settings.PAGOPA_NODE_SECRET_HEADER] = settings.PAGOPA_NODE_SECRET
    try:
        response = requests.post(endpoint(station), data=body, headers=headers,
                                 timeout=TIMEOUT)
    except requests.RequestException as exc:
        reason = type(exc).__name__
        raise NodeError(_("Ente irraggiungibile: %(error)s") % {"error": reason}) from exc
    try:
        return soap.parse_response(response.content), response.content
    except soap.SoapError as exc:
        raise NodeError(_("risposta non valida (HTTP %(status)s): %(error)s")
                        % {"status": response.status_code, "error": exc}) from exc


def verify(ec_fiscal_code: str, notice_number: str) -> Response:
    station = station_for(ec_fiscal_code)
    body = soap.build_verify_request(VerifyRequest(header(station), ec_fiscal_code,
                                                   notice_number))
    return post(station, body, "paVerifyPaymentNotice")


def get_payment(ec_fiscal_code: str, notice_number: str, payment_note: str | None = None,
                ) -> tuple[Response, bytes]:
    """Activation; also returns the raw answer, kept to write the receipt later."""
    station = station_for(ec_fiscal_code)
    body = soap.build_get_payment_request(GetPaymentRequest(
        header(station), ec_fiscal_code, notice_number, payment_note=payment_note or None,
        version=2))
    return exchange(station, body, "paGetPaymentV2")


def new_token() -> str:
    return uuid.uuid4().hex


def receipt_body(payment: Payment, info: PaymentInfo, psp: Psp, receipt_id: str,
                 payment_note: str | None) -> bytes:
    """A plausible paSendRTV2 for a payment the Ente activated with ``info``."""
    station = station_for(payment.ec_fiscal_code)
    now = timezone.localtime()
    receipt = ReceiptInfo(
        receipt_id=receipt_id, notice_number=payment.notice_number,
        fiscal_code=payment.ec_fiscal_code, outcome="OK",
        creditor_reference_id=info.creditor_reference_id, amount_cents=info.amount_cents,
        description=info.description, company_name=info.company_name or "Ente",
        office_name=info.office_name, debtor=info.debtor, transfers=info.transfers,
        id_psp=psp.id, psp_company_name=psp.name, psp_fiscal_code=psp.fiscal_code,
        id_channel=f"{psp.id}_01", channel_description="sandbox",
        payment_method=RECEIPT_METHOD.get(payment.method, "other"),
        payment_note=payment_note or None, fee_cents=payment.fee_cents,
        payment_date_time=now.replace(microsecond=0, tzinfo=None),
        application_date=now.date(), transfer_date=now.date() + dt.timedelta(days=1),
        stand_in=False,
    )
    return soap.build_send_rt_request(SendRTRequest(header(station), receipt, version=2))


def pay(payment: Payment, psp: Psp, payment_note: str | None = None) -> None:
    """The PSP collected the money: queue the receipt(s) as the scenario says."""
    info = soap.parse_response(payment.get_payment_xml.encode()).data
    now = timezone.now()
    payment.status = Payment.Status.PAID
    payment.save(update_fields=["status"])
    due = now + dt.timedelta(seconds=payment.delay_seconds if payment.scenario == "late"
                             else 0)
    first = ReceiptDelivery.objects.create(
        payment=payment, receipt_id=payment.token, due_at=due,
        body=receipt_body(payment, info, psp, payment.token, payment_note).decode(),
        simulated_failures=1 if payment.scenario == "unreachable" else 0)
    deliveries = [first]
    if payment.scenario == "twice":
        deliveries.append(ReceiptDelivery.objects.create(
            payment=payment, receipt_id=payment.token, body=first.body, due_at=due))
    elif payment.scenario == "different":
        other = new_token()
        deliveries.append(ReceiptDelivery.objects.create(
            payment=payment, receipt_id=other, due_at=due,
            body=receipt_body(payment, info, psp, other, payment_note).decode()))
    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk, at=delivery.due_at: enqueue(pk, at))


def enqueue(delivery_id: int, due_at: dt.datetime) -> None:
    """Deliver from the job queue; later deliveries wait there if it can defer, else
    for ``manage.py sandbox_node`` (the tests call :func:`deliver_due`)."""
    from sandbox.tasks import deliver_receipt

    task = deliver_receipt
    if due_at > timezone.now():
        if not task.get_backend().supports_defer:
            return
        task = task.using(run_after=due_at)
    try:
        task.enqueue(delivery_id)
    except Exception:  # noqa: BLE001 - sandbox_node picks it up
        log.exception("Could not enqueue receipt delivery %s", delivery_id)


def retry_delay() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "SANDBOX_RT_RETRY_SECONDS", 10))


MAX_ATTEMPTS = 48  # the Node's documented maximum (hourly for two days)


def deliver(delivery_id: int, now: dt.datetime | None = None) -> dt.datetime | None:
    """One delivery attempt if due; returns when to retry, or None."""
    now = now or timezone.now()
    claimed = ReceiptDelivery.objects.filter(
        pk=delivery_id, status=ReceiptDelivery.Status.PENDING, due_at__lte=now,
    ).update(due_at=now + LEASE, attempts=F("attempts") + 1)
    if not claimed:
        return None
    delivery = ReceiptDelivery.objects.select_related("payment").get(pk=delivery_id)
    try:
        if delivery.attempts <= delivery.simulated_failures:
            raise NodeError(_("Ente irraggiungibile (simulato)"))
        station = station_for(delivery.payment.ec_fiscal_code)
        response = post(station, delivery.body.encode(), "paSendRTV2")
    except NodeError as exc:
        return _retry(delivery, str(exc), now)
    fault = response.fault.fault_code if response.fault else ""
    ReceiptDelivery.objects.filter(pk=delivery.pk).update(
        status=(ReceiptDelivery.Status.DELIVERED if response.ok
                else ReceiptDelivery.Status.REJECTED),
        answer=(response.outcome + (f" {fault}" if fault else ""))[:100],
        delivered_at=now, last_error="")
    return None


def _retry(delivery: ReceiptDelivery, error: str, now: dt.datetime) -> dt.datetime | None:
    if delivery.attempts >= MAX_ATTEMPTS:
        ReceiptDelivery.objects.filter(pk=delivery.pk).update(
            status=ReceiptDelivery.Status.GAVE_UP, last_error=error)
        return None
    retry_at = now + retry_delay()
    ReceiptDelivery.objects.filter(pk=delivery.pk).update(due_at=retry_at, last_error=error)
    log.info("Sandbox: receipt %s not delivered (%s), retry at %s", delivery.receipt_id,
             error, retry_at)
    return retry_at


def deliver_due(now: dt.datetime | None = None) -> int:
    """Attempt every delivery whose time has come. Returns how many were tried."""
    now = now or timezone.now()
    due = list(ReceiptDelivery.objects.filter(status=ReceiptDelivery.Status.PENDING,
                                              due_at__lte=now)
               .order_by("due_at").values_list("pk", flat=True))
    for pk in due:
        deliver(pk, now)
    return len(due)
