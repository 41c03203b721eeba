"""Hostile or broken input on /pagopa/paForNode, and who may call it."""

from __future__ import annotations

import pytest
from lxml import etree

from pagopa import soap
from pagopa.messages import RequestHeader, VerifyRequest
from payments.models import Activation
from tests.pagopa.conftest import NS_PA, NS_SOAP

pytestmark = pytest.mark.django_db

URL = "/pagopa/paForNode"


@pytest.fixture
def notice(make_position):
    return make_position().options.get().notice_number


def verify_body(organization, notice_number: str) -> bytes:
    header = RequestHeader(organization.fiscal_code, organization.broker_id,
                           organization.station_id)
    return soap.build_verify_request(VerifyRequest(header, organization.fiscal_code,
                                                   notice_number))


def post(client, body: bytes, action: str = "paVerifyPaymentNotice", **extra):
    return client.post(URL, data=body, content_type="text/xml; charset=utf-8",
                       HTTP_SOAPACTION=action, **extra)


def fault_code(response, validate) -> str:
    payload = validate(response.content)
    return payload.findtext("fault/faultCode")


def test_valid_request_is_answered(client, organization, notice, validate):
    response = post(client, verify_body(organization, notice))
    assert response.status_code == 200
    assert validate(response.content).findtext("outcome") == "OK"


def test_malformed_xml_is_a_syntax_error(client, organization, validate):
    response = post(client, b"<soapenv:Envelope><broken>")
    # The operation is known from SOAPAction: the KO comes in its response element.
    assert fault_code(response, validate) == "PAA_SINTASSI_EXTRAXSD"


def test_message_invalid_against_the_xsd(client, organization, notice, validate):
    body = verify_body(organization, notice).replace(notice.encode(), b"12345")
    assert fault_code(post(client, body), validate) == "PAA_SINTASSI_XSD"


XXE = f"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<soapenv:Envelope xmlns:soapenv="{NS_SOAP}" xmlns:pafn="{NS_PA}"><soapenv:Body>
<pafn:paVerifyPaymentNoticeReq><idPA>&xxe;</idPA><idBrokerPA>1</idBrokerPA>
<idStation>1</idStation><qrCode><fiscalCode>80000120016</fiscalCode>
<noticeNumber>301000000000000099</noticeNumber></qrCode></pafn:paVerifyPaymentNoticeReq>
</soapenv:Body></soapenv:Envelope>""".encode()

LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<soapenv:Envelope xmlns:soapenv="{NS_SOAP}" xmlns:pafn="{NS_PA}"><soapenv:Body>
<pafn:paVerifyPaymentNoticeReq><idPA>&lol9;</idPA></pafn:paVerifyPaymentNoticeReq>
</soapenv:Body></soapenv:Envelope>""".encode()


@pytest.mark.parametrize("body", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_entities_and_dtds_are_refused(client, organization, body, validate):
    response = post(client, body)
    assert response.status_code == 200
    assert b"root:" not in response.content and b"lollol" not in response.content
    assert fault_code(response, validate) == "PAA_SINTASSI_EXTRAXSD"


def test_oversized_body_is_refused(client, organization, notice, validate):
    body = verify_body(organization, notice)
    padded = body.replace(b"<soapenv:Body>", b"<!--" + b"x" * soap.MAX_BODY_BYTES
                          + b"--><soapenv:Body>", 1)
    assert fault_code(post(client, padded), validate) == "PAA_SINTASSI_EXTRAXSD"


def test_unknown_operation_is_a_soap_fault(client, organization):
    body = (f'<soapenv:Envelope xmlns:soapenv="{NS_SOAP}"><soapenv:Body>'
            f'<x:paDoSomething xmlns:x="{NS_PA}"/></soapenv:Body></soapenv:Envelope>').encode()
    response = post(client, body, action="paDoSomething")
    assert response.status_code == 500
    assert etree.fromstring(response.content).find(f".//{{{NS_SOAP}}}Fault") is not None


def test_get_is_not_a_soap_call(client):
    assert client.get(URL).status_code == 405


def test_call_from_an_address_not_allowed_is_refused_and_logged(client, organization, notice,
                                                                 settings, caplog):
    settings.PAGOPA_NODE_ALLOWED_IPS = ["10.20.0.0/16"]
    response = post(client, verify_body(organization, notice))
    assert response.status_code == 403
    assert b"Fault" in response.content
    assert "address 127.0.0.1 not allowed" in caplog.text
    response = post(client, verify_body(organization, notice), REMOTE_ADDR="10.20.3.4")
    assert response.status_code == 200


def test_shared_secret_header(client, organization, notice, settings):
    settings.PAGOPA_NODE_SECRET = "s3cret-of-the-station"
    assert post(client, verify_body(organization, notice)).status_code == 403
    assert post(client, verify_body(organization, notice),
                HTTP_X_PAGOPA_NODE_SECRET="wrong").status_code == 403
    response = post(client, verify_body(organization, notice),
                    HTTP_X_PAGOPA_NODE_SECRET="s3cret-of-the-station")
    assert response.status_code == 200


def test_no_authentication_configured_lets_nobody_in(client, organization, notice, settings):
    settings.PAGOPA_NODE_ALLOWED_IPS = []
    settings.PAGOPA_NODE_SECRET = ""
    assert post(client, verify_body(organization, notice)).status_code == 403


def test_refused_calls_touch_nothing(client, organization, notice, settings):
    settings.PAGOPA_NODE_ALLOWED_IPS = ["10.20.0.0/16"]
    from pagopa.messages import GetPaymentRequest

    header = RequestHeader(organization.fiscal_code, organization.broker_id,
                           organization.station_id)
    body = soap.build_get_payment_request(GetPaymentRequest(header, organization.fiscal_code,
                                                            notice))
    assert post(client, body, action="paGetPaymentV2").status_code == 403
    assert not Activation.objects.exists()


def test_schemas_served_for_the_wsdl(client):
    assert b"paVerifyPaymentNoticeReq" in client.get("/pagopa/wsdl/xsd/paForNode.xsd").content
    assert b"stAmount" in client.get("/pagopa/xsd-common/sac-common-types-1.0.xsd").content
