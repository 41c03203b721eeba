"""The EC endpoint driven by a SOAP client built from the official WSDL (zeep), on the
live server, for every outcome of RULES.md §5–§8; every message validated by the XSD."""

from __future__ import annotations

import datetime as dt

import pytest
import requests
from django.db import OperationalError
from lxml import etree

from mail.models import OutgoingEmail
from payments.models import Activation, Receipt
from positions.models import PaymentOption, PaymentPosition
from tests.payments.conftest import receipt_for

zeep = pytest.importorskip("zeep")
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def option(make_position, debtor):
    debtor.email = "mario.rossi@example.it"
    debtor.save()
    return make_position().options.get()


def _fault(result) -> str:
    assert result.outcome == "KO"
    return result.fault.faultCode


# --- paVerifyPaymentNotice ----------------------------------------------------------

def test_verify_answers_the_current_amount_and_writes_nothing(node, option, organization):
    before = (Activation.objects.count(), Receipt.objects.count())
    result = node.verify(option.notice_number)
    assert result.outcome == "OK"
    description = result.paymentList.paymentOptionDescription
    assert str(description.amount) == "22.00"
    assert description.options == "EQ"
    assert description.allCCP is False
    assert result.paymentDescription == "Trasporto scolastico mese di Settembre"
    assert result.fiscalCodePA == organization.fiscal_code
    assert result.companyName == organization.name
    assert (Activation.objects.count(), Receipt.objects.count()) == before
    option.refresh_from_db()
    assert option.status == PaymentOption.Status.UNPAID


def test_verify_answers_the_amount_as_it_is_now(node, option):
    option.amount_cents = 2500  # e.g. interest added by the Ente since the notice
    option.save()
    result = node.verify(option.notice_number)
    assert str(result.paymentList.paymentOptionDescription.amount) == "25.00"


def test_unknown_notice(node, option):
    assert _fault(node.verify("301000000000000099")) == "PAA_PAGAMENTO_SCONOSCIUTO"


@pytest.mark.parametrize(("change", "code"), [
    ("mark_paid", "PAA_PAGAMENTO_DUPLICATO"),
    ("cancel", "PAA_PAGAMENTO_ANNULLATO"),
    ("expire", "PAA_PAGAMENTO_SCADUTO"),
])
@pytest.mark.parametrize("operation", ["verify", "paGetPayment", "paGetPaymentV2"])
def test_states_that_cannot_be_paid(node, option, change, code, operation):
    getattr(option, change)()
    if operation == "verify":
        result = node.verify(option.notice_number)
    else:
        result = node.get_payment(option.notice_number, operation)
    assert _fault(result) == code
    assert result.fault.id == option.organization.fiscal_code
    assert not Activation.objects.exists()


def test_overdue_position_that_switches_to_expired(node, make_position):
    from positions.services import OptionSpec

    position = make_position(switch_to_expired=True, installments=[
        OptionSpec(2200, dt.date.today() - dt.timedelta(days=1))])
    assert _fault(node.verify(position.options.get().notice_number)) == "PAA_PAGAMENTO_SCADUTO"


def test_overdue_position_stays_payable_without_switch_to_expired(node, make_position):
    from positions.services import OptionSpec

    position = make_position(installments=[
        OptionSpec(2200, dt.date.today() - dt.timedelta(days=1))])
    assert node.verify(position.options.get().notice_number).outcome == "OK"


@pytest.mark.parametrize(("header", "code"), [
    ({"idPA": "09876540023"}, "PAA_ID_DOMINIO_ERRATO"),
    ({"idBrokerPA": "12345678901"}, "PAA_ID_INTERMEDIARIO_ERRATO"),
    ({"idStation": "80000120016_99"}, "PAA_STAZIONE_INT_ERRATA"),
])
def test_wrong_routing(node, option, header, code):
    assert _fault(node.verify(option.notice_number, **header)) == code


def test_notice_of_another_ente_is_not_ours(node, option, other_organization):
    result = node.call("paVerifyPaymentNotice", **node.header(),
                       qrCode=node.qr(option.notice_number, other_organization.fiscal_code))
    assert _fault(result) == "PAA_ID_DOMINIO_ERRATO"


# --- paGetPayment(V2) ----------------------------------------------------------------

def test_get_payment_v2_is_a_read_repeatable_with_the_same_data(node, option, organization):
    first = node.get_payment(option.notice_number, paymentNote="cart-1")
    second = node.get_payment(option.notice_number, paymentNote="cart-1")
    assert first.outcome == second.outcome == "OK"
    assert zeep_dict(first.data) == zeep_dict(second.data)
    data = first.data
    assert data.creditorReferenceId == option.iuv
    assert str(data.paymentAmount) == "22.00"
    assert data.companyName == organization.name
    assert data.debtor.uniqueIdentifier.entityUniqueIdentifierValue == "RSSMRA80E12H501I"
    assert data.debtor["e-mail"] == "mario.rossi@example.it"
    (transfer,) = data.transferList.transfer
    assert organization.iban == transfer.IBAN
    assert transfer.remittanceInformation == "Trasporto scolastico mese di Settembre"
    assert transfer.transferCategory == "9/0106104SP/"
    option.refresh_from_db()
    assert option.status == PaymentOption.Status.UNPAID  # open until the receipt
    assert Activation.objects.filter(option=option).count() == 2


def test_get_payment_v1(node, option):
    result = node.get_payment(option.notice_number, "paGetPayment", transferType="POSTAL")
    assert result.outcome == "OK"
    assert str(result.data.paymentAmount) == "22.00"


def zeep_dict(value):
    from zeep.helpers import serialize_object

    return serialize_object(value, dict)


def test_unexpected_error_answers_system_error_without_details(node, option, monkeypatch,
                                                               caplog):
    from payments import ec

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(ec, "payment_info", broken)
    result = node.get_payment(option.notice_number)
    assert _fault(result) == "PAA_SYSTEM_ERROR"
    assert "secret" not in str(zeep_dict(result))
    assert "secret internal detail" in caplog.text


# --- paSendRT(V2) --------------------------------------------------------------------

def test_receipt_pays_the_position_stores_everything_and_queues_one_email(node, option):
    node.get_payment(option.notice_number)
    assert node.send_rt(receipt_for(option)).outcome == "OK"
    option.refresh_from_db()
    assert option.status == PaymentOption.Status.PAID
    assert option.position.status == PaymentPosition.Status.PAID
    receipt = Receipt.objects.get()
    assert receipt.applied and not receipt.needs_attention
    assert receipt.receipt_id == "a" * 32
    assert receipt.amount_cents == 2200 and receipt.fee_cents == 100
    assert receipt.psp_company_name == "Banca Sandbox"
    assert receipt.payment_method == "creditCard"
    assert receipt.transfers[0]["iban"] == option.organization.iban
    assert "<receiptId>" + "a" * 32 + "</receiptId>" in receipt.raw_xml
    email = OutgoingEmail.objects.get()
    assert email.to == "mario.rossi@example.it"
    assert "22,00" in email.body_text
    assert email.attachments.get().content_type == "application/pdf"


def test_receipt_v1(node, option):
    receipt = receipt_for(option)
    for v2_only in ("paymentNote",):
        receipt.pop(v2_only, None)
    assert node.send_rt(receipt, "paSendRT").outcome == "OK"
    assert Receipt.objects.get().version == 1
    option.refresh_from_db()
    assert option.status == PaymentOption.Status.PAID


def test_same_receipt_twice_is_applied_once_and_acknowledged(node, option):
    assert node.send_rt(receipt_for(option)).outcome == "OK"
    assert node.send_rt(receipt_for(option)).outcome == "OK"
    assert Receipt.objects.count() == 1
    assert OutgoingEmail.objects.count() == 1


def test_second_different_receipt_is_kept_and_flagged(node, option):
    node.send_rt(receipt_for(option, "a" * 32))
    paid_at = PaymentOption.objects.get(pk=option.pk).paid_at
    assert node.send_rt(receipt_for(option, "b" * 32)).outcome == "OK"
    second = Receipt.objects.get(receipt_id="b" * 32)
    assert not second.applied
    assert second.flags == ["already_paid"] and second.needs_attention
    assert PaymentOption.objects.get(pk=option.pk).paid_at == paid_at
    assert OutgoingEmail.objects.count() == 1


def test_receipt_for_a_cancelled_notice_is_kept_and_flagged(node, option):
    option.cancel()
    assert node.send_rt(receipt_for(option)).outcome == "OK"
    receipt = Receipt.objects.get()
    assert receipt.flags == ["cancelled"] and not receipt.applied
    assert PaymentOption.objects.get(pk=option.pk).status == PaymentOption.Status.CANCELLED


def test_receipt_for_an_expired_notice_pays_it_and_is_flagged(node, option):
    option.expire()
    assert node.send_rt(receipt_for(option)).outcome == "OK"
    receipt = Receipt.objects.get()
    assert receipt.flags == ["expired"] and receipt.applied
    assert PaymentOption.objects.get(pk=option.pk).status == PaymentOption.Status.PAID


def test_receipt_for_an_unknown_notice_is_kept_and_flagged(node, option):
    receipt = receipt_for(option, noticeNumber="301000000000000099")
    assert node.send_rt(receipt).outcome == "OK"
    stored = Receipt.objects.get()
    assert stored.option is None and stored.flags == ["unknown_notice"]
    assert PaymentOption.objects.get(pk=option.pk).status == PaymentOption.Status.UNPAID


def test_stand_in_receipt_without_activation_pays_and_is_flagged(node, option):
    assert node.send_rt(receipt_for(option, standIn=True)).outcome == "OK"
    receipt = Receipt.objects.get()
    assert receipt.applied and receipt.flags == ["standin"]


def test_stand_in_receipt_after_an_activation_is_normal(node, option):
    node.get_payment(option.notice_number)
    node.send_rt(receipt_for(option, standIn=True))
    assert Receipt.objects.get().flags == []


def test_receipt_through_the_wrong_station_is_kept_for_staff(node, option):
    result = node.send_rt(receipt_for(option), idStation="80000120016_99")
    assert _fault(result) == "PAA_STAZIONE_INT_ERRATA"
    receipt = Receipt.objects.get()
    assert receipt.flags == ["station"] and not receipt.applied


def test_database_unavailable_means_an_error_the_node_retries(node, option, monkeypatch):
    from payments import receipts

    real = receipts.receive

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(receipts, "receive", down)
    with pytest.raises(zeep.exceptions.Fault):
        node.send_rt(receipt_for(option))
    assert not Receipt.objects.exists()
    monkeypatch.setattr(receipts, "receive", real)
    assert node.send_rt(receipt_for(option)).outcome == "OK"  # the Node's next retry
    assert PaymentOption.objects.get(pk=option.pk).status == PaymentOption.Status.PAID



# --- the WSDL ------------------------------------------------------------------------

def test_demand_payment_notice_is_not_served_and_never_a_500(node, organization, site):
    """Issue 11 item 6: a Node using the official WSDL gets a readable KO, HTTP 200."""
    result = node.call("paDemandPaymentNotice", **node.header(), idServizio="00001",
                       idSoggettoServizio="00001",
                       datiSpecificiServizioRequest=b"<servizio/>")
    assert _fault(result) == "PAA_SEMANTICA"
    assert result.fault.id == organization.fiscal_code
    assert "not offered" in result.fault.description
    raw = requests.post(f"{site}/pagopa/paForNode", timeout=5,
                        data=etree.tostring(node.history.last_sent["envelope"]),
                        headers={"Content-Type": "text/xml", "SOAPAction": "paDemandPaymentNotice"})
    assert raw.status_code == 200 and b"<outcome>KO</outcome>" in raw.content
    served = zeep.Client(f"{site}/pagopa/paForNode?wsdl")
    assert "paDemandPaymentNotice" not in dir(served.service)
    with pytest.raises(AttributeError):
        served.service.paDemandPaymentNotice  # noqa: B018


def test_wsdl_is_served_with_our_address_and_loads_in_zeep(site, option, organization):
    text = requests.get(f"{site}/pagopa/paForNode?wsdl", timeout=5).text
    assert f'location="{site}/pagopa/paForNode"' in text
    client = zeep.Client(f"{site}/pagopa/paForNode?wsdl")
    result = client.service.paVerifyPaymentNotice(
        idPA=organization.fiscal_code, idBrokerPA=organization.broker_id,
        idStation=organization.station_id,
        qrCode={"fiscalCode": organization.fiscal_code, "noticeNumber": option.notice_number})
    assert result.outcome == "OK"
