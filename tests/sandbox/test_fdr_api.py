"""The sandbox's FdR service over HTTP (live server), each exchange validated against the
official ``openapi-psp.json`` / ``openapi-organizations.json``: a PSP's flow from draft
to publication and revision, garbage refused, and the organisations' reads with
``publishedGt``, paging, revisions and the failure modes."""

from __future__ import annotations

import datetime as dt

import pytest
from openapi_core.exceptions import OpenAPIError

from sandbox.models import SandboxFlow, SandboxFlowPayment, Station
from tests.sandbox.conftest import EC, OTHER_EC

pytestmark = pytest.mark.django_db(transaction=True)

PSP = "SNDBXIT1"
NAME = "2026-11-27SNDBXIT1-0001"


def header(name=NAME, tot=2, total=35.5, ec=EC) -> dict:
    return {
        "fdr": name, "fdrDate": "2026-11-27T18:00:00Z",
        "sender": {"type": "LEGAL_PERSON", "id": "12345678901", "pspId": PSP,
                   "pspName": "Banca Sandbox", "pspBrokerId": "12345678901",
                   "channelId": f"{PSP}_01"},
        "receiver": {"id": ec, "organizationId": ec, "organizationName": "Comune di Prova"},
        "regulation": "20261127SNDBXIT10001SCT", "regulationDate": "2026-11-27",
        "bicCodePouringBank": "SNDBITMMXXX", "totPayments": tot, "sumPayments": total,
    }


def payment(index: int, pay: float = 12.5, iuv: str | None = None, **extra) -> dict:
    return {"index": index, "iuv": iuv or f"0200000000000{index:04d}", "iur": f"IUR{index}",
            "idTransfer": 1, "pay": pay, "payStatus": "EXECUTED",
            "payDate": "2026-11-27T10:00:00Z", **extra}


def draft_path(name=NAME) -> str:
    return f"/psps/{PSP}/fdrs/{name}"


def test_a_psp_drafts_fills_corrects_and_publishes_a_flow(psp_api):
    assert psp_api.call("POST", draft_path(), header()).status_code == 201
    listed = psp_api.call("GET", f"/psps/{PSP}/created").json()
    assert [(f["fdr"], f["organizationId"], f["revision"]) for f in listed["data"]] == [
        (NAME, EC, 1)]
    added = psp_api.call("PUT", draft_path() + "/payments/add",
                         {"payments": [payment(1), payment(2, 99.99), payment(3, 23)]})
    assert added.status_code == 200
    # One payment too many: taken out again by its index.
    assert psp_api.call("PUT", draft_path() + "/payments/del",
                        {"indexList": [2]}).status_code == 200
    flow = psp_api.call("GET", f"/psps/{PSP}/created/fdrs/{NAME}/organizations/{EC}").json()
    assert flow["status"] == "INSERTED" and "published" not in flow
    assert (flow["computedTotPayments"], flow["computedSumPayments"]) == (2, 35.5)
    rows = psp_api.call("GET", f"/psps/{PSP}/created/fdrs/{NAME}/organizations/{EC}/payments",
                        size=1, page=2).json()
    assert rows["metadata"] == {"pageSize": 1, "pageNumber": 2, "totPage": 2}
    assert [r["index"] for r in rows["data"]] == [3]
    assert psp_api.call("POST", draft_path() + "/publish").status_code == 200
    published = psp_api.call("GET", f"/psps/{PSP}/published", organizationId=EC).json()
    assert [(f["fdr"], f["revision"]) for f in published["data"]] == [(NAME, 1)]
    one = psp_api.call("GET", f"/psps/{PSP}/published/fdrs/{NAME}/revisions/1"
                              f"/organizations/{EC}").json()
    assert one["status"] == "PUBLISHED" and one["sumPayments"] == 35.5
    assert psp_api.call("GET", f"/psps/{PSP}/published/fdrs/{NAME}/revisions/1/organizations/"
                               f"{EC}/payments").json()["count"] == 2

    # A correction is the next revision; the first one stays readable.
    assert psp_api.call("POST", draft_path(), header(tot=1, total=12.5)).status_code == 201
    psp_api.call("PUT", draft_path() + "/payments/add", {"payments": [payment(1)]})
    psp_api.call("POST", draft_path() + "/publish")
    assert list(SandboxFlow.objects.filter(fdr=NAME).order_by("revision")
                .values_list("revision", "status", "tot_payments")) == [
        (1, "PUBLISHED", 2), (2, "PUBLISHED", 1)]


def test_publication_needs_the_declared_totals(psp_api):
    psp_api.call("POST", draft_path(), header(tot=2, total=25))
    psp_api.call("PUT", draft_path() + "/payments/add", {"payments": [payment(1)]})
    refused = psp_api.call("POST", draft_path() + "/publish")
    assert refused.status_code == 400 and "totPayments" in refused.json()["errors"][0]["message"]
    psp_api.call("PUT", draft_path() + "/payments/add", {"payments": [payment(2, 12.49)]})
    refused = psp_api.call("POST", draft_path() + "/publish")
    assert refused.status_code == 400 and refused.json()["appErrorCode"] == "FDR-0707"
    assert SandboxFlow.objects.get().status == "INSERTED"
    # A draft may be thrown away; a published flow may not.
    assert psp_api.call("DELETE", draft_path()).status_code == 200
    assert not SandboxFlow.objects.exists()
    assert psp_api.call("DELETE", draft_path()).status_code == 404


@pytest.mark.parametrize(("body", "path"), [
    ({**header(), "fdr": "other"}, "fdr"),
    ({**header(), "totPayments": 0}, "totPayments"),
    ({**header(), "sumPayments": 1.234}, "sumPayments"),
    ({**header(), "regulationDate": "27/11/2026"}, "regulationDate"),
    ({k: v for k, v in header().items() if k != "regulationDate"}, "regulationDate"),
    ({**header(), "totPayments": 10**20}, "totPayments"),
    ({**header(), "sumPayments": 10**12}, "sumPayments"),
    ({**header(), "regulation": "SEPA\x00"}, "regulation"),
    ({**header(), "sender": {**header()["sender"], "pspId": "OTHERPSP"}}, "sender.pspId"),
    ({**header(), "receiver": {"id": EC}}, "receiver.organizationId"),
])
def test_a_malformed_flow_is_refused_with_the_reason(psp_api, body, path):
    # valid=False: these requests break the schema on purpose; the answer is checked below.
    response = psp_api.call("POST", draft_path(), body, valid=False)
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == path
    assert not SandboxFlow.objects.exists()


@pytest.mark.parametrize("bad", [
    {"pay": -1}, {"pay": 1.001}, {"idTransfer": 6}, {"payStatus": "PAID"},
    {"payDate": "yesterday"}, {"iuv": ""}, {"index": 0}, {"index": 10**20},
    {"iur": "IUR\x00"}, {"pay": 1e300},
])
def test_malformed_payments_are_refused_all_together(psp_api, bad):
    psp_api.call("POST", draft_path(), header())
    response = psp_api.call("PUT", draft_path() + "/payments/add",
                            {"payments": [payment(1), {**payment(2), **bad}]}, valid=False)
    assert response.status_code == 400 and response.json()["appErrorCode"] == "FDR-0700"
    assert not SandboxFlowPayment.objects.exists()  # not even the good one


def test_garbage_body_and_unknown_paths_answer_json(psp_api, org_api):
    response = psp_api.call("POST", draft_path(), valid=False)
    assert response.status_code == 400 and response.json()["httpStatusCode"] == 400
    missing = org_api.call("GET", f"/organizations/{EC}/nothing/here", valid=False)
    assert missing.status_code == 404 and missing.json()["appErrorCode"] == "FDR-0404"


def publish(psp_api, name: str, rows: list[dict], ec: str = EC) -> None:
    total = round(sum(r["pay"] for r in rows), 2)
    psp_api.call("POST", f"/psps/{PSP}/fdrs/{name}", header(name, len(rows), total, ec))
    psp_api.call("PUT", f"/psps/{PSP}/fdrs/{name}/payments/add", {"payments": rows})
    assert psp_api.call("POST", f"/psps/{PSP}/fdrs/{name}/publish").status_code == 200


def test_an_ente_reads_its_flows_since_a_watermark_page_by_page(psp_api, org_api):
    for n in (1, 2, 3):
        publish(psp_api, f"2026-11-27SNDBXIT1-000{n}", [payment(1), payment(2)])
    publish(psp_api, "2026-11-27SNDBXIT1-0009", [payment(1)], ec=OTHER_EC)  # not ours
    first = org_api.call("GET", f"/organizations/{EC}/fdrs", size=2).json()
    assert first["metadata"] == {"pageSize": 2, "pageNumber": 1, "totPage": 2}
    assert first["count"] == 3
    assert [f["fdr"][-4:] for f in first["data"]] == ["0001", "0002"]
    second = org_api.call("GET", f"/organizations/{EC}/fdrs", size=2, page=2).json()
    assert [(f["fdr"][-4:], f["pspId"], f["revision"]) for f in second["data"]] == [
        ("0003", PSP, 1)]
    watermark = first["data"][1]["published"]
    newer = org_api.call("GET", f"/organizations/{EC}/fdrs", publishedGt=watermark).json()
    assert [f["fdr"][-4:] for f in newer["data"]] == ["0003"]
    assert org_api.call("GET", f"/organizations/{EC}/fdrs", pspId="OTHERPSP").json()[
        "data"] == []

    name = "2026-11-27SNDBXIT1-0003"
    flow = org_api.call("GET", f"/organizations/{EC}/fdrs/{name}/revisions/1/psps/{PSP}").json()
    assert (flow["fdr"], flow["totPayments"], flow["sumPayments"]) == (name, 2, 25)
    assert flow["sender"]["pspId"] == PSP and flow["receiver"]["organizationId"] == EC
    rows = org_api.call("GET", f"/organizations/{EC}/fdrs/{name}/revisions/1/psps/{PSP}"
                               "/payments", size=1).json()
    assert rows["metadata"]["totPage"] == 2 and rows["data"][0]["iur"] == "IUR1"
    # Another Ente's flow is not found through this Ente, nor an unknown revision.
    assert org_api.call("GET", f"/organizations/{EC}/fdrs/2026-11-27SNDBXIT1-0009/revisions/1"
                               f"/psps/{PSP}").status_code == 404
    assert org_api.call("GET", f"/organizations/{EC}/fdrs/{name}/revisions/2/psps/{PSP}"
                               "/payments").status_code == 404


def test_every_revision_is_listed_in_publication_order(psp_api, org_api):
    publish(psp_api, NAME, [payment(1)])
    publish(psp_api, NAME, [payment(1), payment(2)])
    listed = org_api.call("GET", f"/organizations/{EC}/fdrs").json()["data"]
    assert [(f["fdr"], f["revision"]) for f in listed] == [(NAME, 1), (NAME, 2)]
    assert listed[0]["published"] <= listed[1]["published"]


@pytest.mark.parametrize("query", [{"size": 1001}, {"page": 0}, {"publishedGt": "ieri"},
                                   {"page": "9" * 30}, {"size": "١٢"}])
def test_bad_query_parameters_answer_400(org_api, query):
    response = org_api.call("GET", f"/organizations/{EC}/fdrs", valid=False, **query)
    assert response.status_code == 400 and response.json()["httpStatusCode"] == 400


def test_failure_modes_of_the_organisations_api(org_api, psp_api, client):
    publish(psp_api, NAME, [payment(1)])
    client.post("/sandbox/fdr/", {"action": "failure", "failure-organization": EC,
                                  "failure-failure": "401"})
    refused = org_api.call("GET", f"/organizations/{EC}/fdrs", valid=False)
    assert refused.status_code == 401 and "subscription key" in refused.json()["message"]
    Station.objects.filter(ec_fiscal_code=EC).update(fdr_failure="500")
    broken = org_api.call("GET", f"/organizations/{EC}/fdrs/{NAME}/revisions/1/psps/{PSP}")
    assert broken.status_code == 500 and broken.json()["appErrorCode"] == "FDR-0500"
    client.post("/sandbox/fdr/", {"action": "failure", "failure-organization": EC,
                                  "failure-failure": ""})
    assert org_api.call("GET", f"/organizations/{EC}/fdrs").json()["count"] == 1


def test_a_malformed_flow_breaks_the_schema_of_its_payments(psp_api, org_api):
    publish(psp_api, NAME, [payment(1)])
    SandboxFlow.objects.update(malformed=True)
    path = f"/organizations/{EC}/fdrs/{NAME}/revisions/1/psps/{PSP}/payments"
    with pytest.raises(OpenAPIError):
        org_api.call("GET", path)
    row = org_api.call("GET", path, valid=False).json()["data"][0]
    assert "iur" not in row and row["pay"] == "dieci euro"


def test_info(org_api, psp_api):
    assert org_api.call("GET", "/info").json()["name"] == "pagopa-fdr"
    assert psp_api.call("GET", "/info").status_code == 200


def test_a_published_at_date_is_utc_with_z():
    from sandbox.fdr import stamp

    moment = dt.datetime(2026, 11, 27, 19, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert stamp(moment) == "2026-11-27T18:00:00Z"
