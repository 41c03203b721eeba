"""Canned FdR organisations' API answers, checked against openapi-organizations.json,
and a fake FdR served over real HTTP (the ``http_server`` of tests/pagopa) for the sync
tests that need answers the sandbox does not give (garbage, outages)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from openapi_schema_validator import OAS30Validator

from tests.pagopa.conftest import SPEC, Recorded, Reply

ORG_SPEC = SPEC / "pagopa-fdr" / "openapi-organizations.json"


@cache
def _components() -> dict[str, Any]:
    return json.loads(ORG_SPEC.read_text(encoding="utf-8"))["components"]


def validate(schema_name: str, instance: Any) -> None:
    """Raise jsonschema's ValidationError when ``instance`` is not a ``schema_name``."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": _components()}
    OAS30Validator(schema, format_checker=OAS30Validator.FORMAT_CHECKER).validate(instance)


def euro(cents: int) -> Decimal:
    return Decimal(cents) / 100


def payment(index: int, iuv: str, iur: str, cents: int, *, id_transfer: int = 1,
            status: str = "EXECUTED", date: str = "2026-11-27T10:00:00Z") -> dict:
    return {"index": index, "iuv": iuv, "iur": iur, "idTransfer": id_transfer,
            "pay": euro(cents), "payStatus": status, "payDate": date}


def flow(fdr: str, organization_id: str, payments: list[dict], *, revision: int = 1,
         psp_id: str = "88888888888", published: str = "2026-11-28T08:00:00Z",
         declared: tuple[int, int] | None = None) -> dict:
    count = len(payments)
    total = sum(int(p["pay"] * 100) for p in payments)
    declared_count, declared_total = declared or (count, total)
    return {
        "status": "PUBLISHED", "revision": revision, "created": "2026-11-28T07:00:00Z",
        "updated": published, "fdr": fdr, "fdrDate": "2026-11-28T07:00:00Z",
        "regulation": f"SEPA-{fdr}", "regulationDate": "2026-11-28",
        "bicCodePouringBank": "UNCRITMMXXX",
        "sender": {"type": "LEGAL_PERSON", "id": "SELBIT2B", "pspId": psp_id,
                   "pspName": "PSP di prova", "pspBrokerId": psp_id,
                   "channelId": f"{psp_id}_01"},
        "receiver": {"id": "APPBIT2B", "organizationId": organization_id,
                     "organizationName": "Comune di Prova"},
        "published": published, "computedTotPayments": count,
        "computedSumPayments": euro(total), "totPayments": declared_count,
        "sumPayments": euro(declared_total),
    }


def dumps(data: Any) -> bytes:
    return json.dumps(data, default=lambda d: float(d) if isinstance(d, Decimal) else d,
                      ).encode()


@dataclass
class FakeFdr:
    """The organisations' API of one Ente: published flows with their payments.

    ``broken`` maps a path fragment to a status code (an outage of one flow);
    ``garbage`` a path fragment to a body served as is."""

    organization_id: str
    flows: list[tuple[dict, list[dict]]] = field(default_factory=list)
    broken: dict[str, int] = field(default_factory=dict)
    garbage: dict[str, bytes] = field(default_factory=dict)
    page_size: int | None = None
    strict: bool = True

    def publish(self, header: dict, payments: list[dict]) -> None:
        self.flows.append((header, payments))

    def __call__(self, request: Recorded) -> Reply:
        parts = urlsplit(request.path)
        path = unquote(parts.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        for fragment, status in self.broken.items():
            if fragment in path:
                return self._json(status, {"httpStatusCode": status, "errors": []})
        for fragment, body in self.garbage.items():
            if fragment in path:
                return Reply(200, {"Content-Type": "application/json"}, body)
        base = f"/organizations/{self.organization_id}/fdrs"
        if path == base:
            since = query.get("publishedGt")
            listed = [{"fdr": h["fdr"], "pspId": h["sender"]["pspId"],
                       "revision": h["revision"], "published": h["published"],
                       "flowDate": h["fdrDate"]}
                      for h, _ in self.flows if since is None or h["published"] > since]
            return self._page(listed, query, "PaginatedFlowsResponse")
        for header, payments in self.flows:
            own = (f"{base}/{header['fdr']}/revisions/{header['revision']}"
                   f"/psps/{header['sender']['pspId']}")
            if path == own:
                return self._json(200, header, "SingleFlowResponse")
            if path == own + "/payments":
                return self._page(payments, query, "PaginatedPaymentsResponse")
        return self._json(404, {"httpStatusCode": 404, "appErrorCode": "FDR-0702",
                                "errors": [{"message": "not found"}]})

    def _page(self, items: list, query: dict, schema: str) -> Reply:
        size = self.page_size or int(query.get("size", 1000))
        page = int(query.get("page", 1))
        chunk = items[(page - 1) * size:page * size]
        total = max(1, -(-len(items) // size))
        return self._json(200, {"metadata": {"pageSize": size, "pageNumber": page,
                                             "totPage": total},
                                "count": len(chunk), "data": chunk}, schema)

    def _json(self, status: int, body: dict, schema: str | None = None) -> Reply:
        encoded = dumps(body)
        if schema and self.strict:
            validate(schema, json.loads(encoded))
        return Reply(status, {"Content-Type": "application/json"}, encoded)
