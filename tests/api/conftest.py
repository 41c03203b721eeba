"""An Ente's API token and a client that sends it (the Django test client: real views,
real database, the full middleware stack)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest


@pytest.fixture
def token(organization):
    from api.tokens import issue_token

    _token, raw = issue_token(organization, "Gestionale tributi")
    return raw


@pytest.fixture
def other_token(other_organization):
    from api.tokens import issue_token

    return issue_token(other_organization, "Altro gestionale")[1]


class Api:
    def __init__(self, client, raw: str):
        self.client, self.raw = client, raw

    def _headers(self, headers):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.raw}",
                **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()}}

    def get(self, path, headers=None, **params):
        return self.client.get(f"/api/v1{path}", params, **self._headers(headers))

    def post(self, path, body, headers=None, raw: bool = False):
        data = body if raw else json.dumps(body)
        return self.client.post(f"/api/v1{path}", data, content_type="application/json",
                                **self._headers(headers))

    def patch(self, path, body, headers=None):
        return self.client.patch(f"/api/v1{path}", json.dumps(body),
                                 content_type="application/json", **self._headers(headers))


@pytest.fixture
def api(client, token):
    return Api(client, token)


def position_body(reference="TARI-2026-0001", amount=12000, **extra) -> dict:
    due = (date.today() + timedelta(days=30)).isoformat()
    body = {
        "reference": reference, "service": "trasporto-scolastico",
        "causale": "TARI 2026", "debtor": {"fiscal_code": "RSSMRA80E12H501I",
                                           "full_name": "Mario Rossi",
                                           "email": "mario.rossi@example.it"},
        "options": [{"amount_cents": amount, "due_date": due}],
    }
    body.update(extra)
    return body
