"""The simulated pagoPA Node: calls the Ente's paForNode over HTTP, as the real one does.

Imports nothing of the portal: only ``pagopa`` (the protocol) and HTTP. Receipts are
delivered from the job queue (never from inside the request that triggered them), and
retried like the Node's queue of receipts to resubmit (RULES §8), faster.

It is another party with its own memory: the station's configuration says V1
(paGetPayment / paSendRT) or V2; a receipt is built from the Node's own copy of the
activation answer and from the PSP's side (fee, date), never by asking the Ente again;
the activation answer is checked as the Node does (transfers summing to the amount, a
postal account first for ``transferType=POSTAL``); and when the station's switch says
it is down, the Node serves the notice from ACA in Stand-In and keeps the receipt
(``standIn`` true, one transfer to the registered IBAN, category ``STAND-IN``) until the
station answers again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
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
    DebtorInfo,
    Fault,
    GetPaymentRequest,
    Operation,
    PaymentInfo,
    PaymentNoticeInfo,
    ReceiptInfo,
    RequestHeader,
    Response,
    SendRTRequest,
    TransferInfo,
    VerifyRequest,
)
from sandbox.catalog import RECEIPT_METHOD, Psp
from sandbox.models import AcaPosition, Payment, ReceiptDelivery, Station

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


#: ABI code of Poste Italiane: an Italian IBAN with it is a postal account.
POSTE_ABI = "07601"
STAND_IN_CATEGORY = "STAND-IN"
#: What the Node answers a PSP when the station is down and ACA cannot serve the notice.
UNREACHABLE = "PPT_STAZIONE_INT_PA_IRRAGGIUNGIBILE"


def is_postal_iban(iban: str | None) -> bool:
    return bool(iban) and len(iban) == 27 and iban[:2] == "IT" and iban[5:10] == POSTE_ABI


def node_fault(operation: Operation, code: str, description: str) -> Response:
    """A KO decided by the Node itself (not by the Ente)."""
    return Response(operation, "KO", Fault(code, description, "NodoDeiPagamentiSPC",
                                           description=description[:1000]))


def verify(ec_fiscal_code: str, notice_number: str) -> Response:
    station = station_for(ec_fiscal_code)
    if station.stand_in:
        return _verify_stand_in(ec_fiscal_code, notice_number)
    body = soap.build_verify_request(VerifyRequest(header(station), ec_fiscal_code,
                                                   notice_number))
    return post(station, body, "paVerifyPaymentNotice")


def get_payment(ec_fiscal_code: str, notice_number: str, payment_note: str | None = None,
                transfer_type: str | None = None, amount_cents: int | None = None,
                ) -> tuple[Response, bytes, Station]:
    """Activation, with the primitive of the station's version (or from ACA in Stand-In).

    Also returns the raw answer, the Node's own copy from which the receipt is written
    later, and the station as configured at that moment.
    """
    station = station_for(ec_fiscal_code)
    if station.stand_in:
        return (*_get_payment_stand_in(ec_fiscal_code, notice_number, transfer_type), station)
    version = station.version
    body = soap.build_get_payment_request(GetPaymentRequest(
        header(station), ec_fiscal_code, notice_number, amount_cents=amount_cents,
        payment_note=payment_note or None, transfer_type=transfer_type, version=version))
    action = "paGetPaymentV2" if version == 2 else "paGetPayment"
    response, raw = exchange(station, body, action)
    if response.ok:
        problem = activation_problem(response.data, transfer_type)
        if problem:
            return node_fault(response.operation, "PPT_SEMANTICA", problem), raw, station
    return response, raw, station


def activation_problem(info: PaymentInfo, transfer_type: str | None) -> str:
    """The Node's semantic checks of a paGetPayment answer (RULES §5.2, §7); '' if none."""
    if not info.transfers:
        return "transferList is empty"
    if sum(t.amount_cents for t in info.transfers) != info.amount_cents:
        return "the transfers do not add up to paymentAmount"
    if transfer_type == "POSTAL" and not is_postal_iban(info.transfers[0].iban):
        return "transferType POSTAL: transfer 1 must credit a postal IBAN"
    return ""


def _held(ec_fiscal_code: str, notice_number: str) -> AcaPosition | None:
    return AcaPosition.objects.filter(pa_fiscal_code=ec_fiscal_code, nav=notice_number).first()


def _company(held: AcaPosition) -> str:
    # ACA takes the Ente's name from pagoPA's registry of creditor institutions.
    return str(held.body.get("companyName") or f"Ente {held.pa_fiscal_code}")[:140]


def _verify_stand_in(ec_fiscal_code: str, notice_number: str) -> Response:
    held = _held(ec_fiscal_code, notice_number)
    if held is None or not held.payable_in_stand_in:
        return node_fault(Operation.VERIFY, UNREACHABLE,
                          "Stand-In: the notice is not payable in ACA")
    return Response(Operation.VERIFY, "OK", data=PaymentNoticeInfo(
        amount_cents=held.amount_cents, payment_description=held.description[:140],
        fiscal_code_pa=ec_fiscal_code, company_name=_company(held),
        due_date=_expiration(held)))


def _expiration(held: AcaPosition) -> dt.date:
    try:
        return dt.datetime.fromisoformat(held.expiration_date).date()
    except ValueError:
        return dt.date(2099, 12, 31)


def _get_payment_stand_in(ec_fiscal_code: str, notice_number: str,
                          transfer_type: str | None) -> tuple[Response, bytes]:
    """The activation ACA's data allow: one transfer of the whole amount to the IBAN
    registered there (the postal one for POSTAL), category STAND-IN."""
    held = _held(ec_fiscal_code, notice_number)
    if held is None or not held.payable_in_stand_in:
        return node_fault(Operation.GET_PAYMENT_V2, UNREACHABLE,
                          "Stand-In: the notice is not payable in ACA"), b""
    iban = held.postal_iban if transfer_type == "POSTAL" and held.postal_iban else held.iban
    info = PaymentInfo(
        creditor_reference_id=held.iuv, amount_cents=held.amount_cents,
        due_date=_expiration(held), description=held.description[:140],
        debtor=DebtorInfo(id_type=str(held.body.get("entityType") or "F"),
                          id_value=held.entity_fiscal_code,
                          full_name=held.entity_full_name[:70]),
        transfers=(TransferInfo(id_transfer=1, amount_cents=held.amount_cents,
                                fiscal_code_pa=ec_fiscal_code,
                                remittance_information=held.description[:140],
                                transfer_category=STAND_IN_CATEGORY,
                                iban=iban or "IT00A0000000000000000000000"),),
        company_name=_company(held))
    return (Response(Operation.GET_PAYMENT_V2, "OK", data=info),
            soap.build_get_payment_response(info, version=2))


TOKEN_LIFETIME = dt.timedelta(minutes=30)


def check_position(notices: list[dict], now: dt.datetime | None = None) -> str:
    """Checkout's checkPosition before it accepts a cart: '' when every notice may be
    paid, else why not (Checkout then answers 422). What the Node knows on its own: a
    notice twice in the cart, a notice with a live payment token, a notice it already
    collected, and the tester's switch for a KO."""
    now = now or timezone.now()
    seen = set()
    for notice in notices:
        number, ec = notice["noticeNumber"], notice["fiscalCode"]
        if (ec, number) in seen:
            return f"PPT_PAGAMENTO_DUPLICATO: {number} is twice in the cart"
        seen.add((ec, number))
        if station_for(ec).check_position_ko:
            return f"checkPosition KO: {number}"
        refusal = notice_refusal(ec, number, now)
        if refusal:
            return refusal
    return ""


def notice_refusal(ec_fiscal_code: str, number: str, now: dt.datetime | None = None) -> str:
    """Why the Node would not let this notice be paid now ('' if it would): already
    collected, or a payment token still live for it."""
    now = now or timezone.now()
    payments = Payment.objects.filter(ec_fiscal_code=ec_fiscal_code, notice_number=number)
    if payments.filter(status=Payment.Status.PAID).exists():
        return f"PPT_PAGAMENTO_DUPLICATO: {number} has already been paid"
    if payments.filter(status=Payment.Status.ACTIVATED,
                       created_at__gt=now - TOKEN_LIFETIME).exists():
        return f"PPT_PAGAMENTO_IN_CORSO: {number} is being paid"
    return ""


def lock_notice(ec_fiscal_code: str, number: str) -> None:
    """Serialise activations of one notice until commit, as the Node's activation is
    atomic per notice: on PostgreSQL a transaction-scoped advisory lock, held only for a
    read and an INSERT (the Ente is asked before it); SQLite's writers are serial. Not
    ``sportello.locks``: the sandbox is another party and imports nothing of ours but
    ``pagopa`` (tests/core/test_imports.py)."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(f"sandbox.notice:{ec_fiscal_code}:{number}".encode(),
                             digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big",
                                                                           signed=True)])


def new_token() -> str:
    return uuid.uuid4().hex


def receipt_body(payment: Payment, info: PaymentInfo, psp: Psp, receipt_id: str,
                 payment_note: str | None) -> bytes:
    """The receipt of ``payment``: the Ente's data as the Node recorded them at
    activation (``info``), the PSP's (fee, method, date), V1 or V2 as activated."""
    station = station_for(payment.ec_fiscal_code)
    paid = timezone.localtime(payment.paid_at or timezone.now())
    v2 = payment.version == 2
    transfers = info.transfers if v2 else tuple(
        dataclasses.replace(t, company_name=None) for t in info.transfers)
    receipt = ReceiptInfo(
        receipt_id=receipt_id, notice_number=payment.notice_number,
        fiscal_code=payment.ec_fiscal_code, outcome="OK",
        creditor_reference_id=info.creditor_reference_id, amount_cents=info.amount_cents,
        description=info.description, company_name=info.company_name or "Ente",
        office_name=info.office_name, debtor=info.debtor, transfers=transfers,
        id_psp=psp.id, psp_company_name=psp.name, psp_fiscal_code=psp.fiscal_code,
        id_channel=f"{psp.id}_01", channel_description=payment.channel,
        payment_method=RECEIPT_METHOD.get(payment.method, "other"),
        payment_note=(payment_note or None) if v2 else None, fee_cents=payment.fee_cents,
        payment_date_time=paid.replace(microsecond=0, tzinfo=None),
        application_date=paid.date(), transfer_date=paid.date() + dt.timedelta(days=1),
        stand_in=payment.stand_in,
    )
    return soap.build_send_rt_request(SendRTRequest(header(station), receipt,
                                                    version=payment.version))


def pay(payment: Payment, psp: Psp, payment_note: str | None = None) -> None:
    """The PSP collected the money: queue the receipt(s) as the scenario says."""
    info = soap.parse_response(payment.get_payment_xml.encode()).data
    now = timezone.now()
    payment.status = Payment.Status.PAID
    payment.paid_at = now
    payment.save(update_fields=["status", "paid_at"])
    if payment.stand_in:  # GPD records the payment: ACA's position is PAID for good
        AcaPosition.objects.filter(pa_fiscal_code=payment.ec_fiscal_code,
                                   iuv=info.creditor_reference_id).update(
            state=AcaPosition.Status.PAID)
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
        if station.stand_in:
            raise NodeError(_("Stazione irraggiungibile (Stand-In)"))
        action = "paSendRTV2" if delivery.payment.version == 2 else "paSendRT"
        response = post(station, delivery.body.encode(), action)
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
