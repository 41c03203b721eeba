"""A deadline day: citizens and the pagoPA Node at once (run by ``bench/deadline_day.py``).

- ``Node`` is a PSP paying printed notices through the Node: paVerifyPaymentNotice,
  paGetPaymentV2, then paSendRTV2 for a notice nobody else pays (SOAP built by ``pagopa``,
  the same code the tests validate against the official XSDs). Every receipt the portal
  acknowledged is written to ``BENCH_ACKED`` at the end, for the database check.
- ``Citizen`` searches anonymously (*Ricerca pratica*), logs in, reads *Da Pagare* and
  *Storico*, prints an avviso, and pays online through the built-in sandbox (cart →
  Checkout → PSP), whose Node then calls the EC endpoint and delivers the receipt from the
  job queue.

On a deadline day most payments arrive through PSP channels (banks' apps, counters), so
there are more Node conversations than portal visits that pay: weights 3 : 7 of users, and
a citizen pays in one visit out of ten. The data (``BENCH_DATA``, JSON) come from the
runner. Loopback only; the runner bounds the time and the number of users.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pagopa import soap  # noqa: E402
from pagopa.messages import (  # noqa: E402
    DebtorInfo,
    GetPaymentRequest,
    ReceiptInfo,
    RequestHeader,
    SendRTRequest,
    TransferInfo,
    VerifyRequest,
)

DATA = json.loads(Path(os.environ["BENCH_DATA"]).read_text())
HEADER = RequestHeader(DATA["fiscal_code"], DATA["broker_id"], DATA["station_id"])
NOTICES: list[list] = DATA["notices"]  # [notice number, IUV, cents, debtor's code]
ACKED: list[str] = []
OPTION = re.compile(r'<form id="pay-row-(\d+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@events.test_start.add_listener
def loopback_only(environment, **kwargs):
    if urlsplit(environment.host or "").hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("the deadline day only runs against a server on loopback")


@events.quitting.add_listener
def write_acked(environment, **kwargs):
    Path(os.environ["BENCH_ACKED"]).write_text(json.dumps(ACKED))


class Node(HttpUser):
    """A PSP at the counter: one printed notice after another."""

    weight = 3
    wait_time = between(0.5, 2)

    def soap(self, action: str, body: bytes, name: str) -> bool:
        with self.client.post("/pagopa/paForNode", data=body, name=name, catch_response=True,
                              headers={"Content-Type": "text/xml; charset=utf-8",
                                       "SOAPAction": action,
                                       DATA["secret_header"]: DATA["secret"]}) as response:
            if response.status_code == 200 and b"<outcome>OK</outcome>" in response.content:
                response.success()
                return True
            response.failure(f"{response.status_code} {response.content[:200]!r}")
            return False

    @task
    def pay_a_printed_notice(self):
        if not NOTICES:
            return
        notice, iuv, cents, debtor = NOTICES.pop()
        if not self.soap("paVerifyPaymentNotice", soap.build_verify_request(
                VerifyRequest(HEADER, DATA["fiscal_code"], notice)), "paVerifyPaymentNotice"):
            return
        if not self.soap("paGetPaymentV2", soap.build_get_payment_request(
                GetPaymentRequest(HEADER, DATA["fiscal_code"], notice)), "paGetPaymentV2"):
            return
        receipt_id = uuid.uuid4().hex
        receipt = ReceiptInfo(
            receipt_id=receipt_id, notice_number=notice, fiscal_code=DATA["fiscal_code"],
            outcome="OK", creditor_reference_id=iuv, amount_cents=cents,
            description="Tributo", company_name="Comune del Benchmark",
            debtor=DebtorInfo("G", debtor, "Impresa"),
            transfers=(TransferInfo(1, cents, DATA["fiscal_code"], "Tributo", "9/0101100IM/",
                                    iban=DATA["iban"]),),
            id_psp="BENCHPSP", psp_company_name="PSP di prova", id_channel="BENCHPSP_01",
            channel_description="sportello", payment_method="cash", fee_cents=150)
        if self.soap("paSendRTV2", soap.build_send_rt_request(SendRTRequest(HEADER, receipt)),
                     "paSendRTV2"):
            ACKED.append(receipt_id)


class Citizen(HttpUser):
    """A visitor of the portal; logs in as one of the benchmark's payers."""

    weight = 7
    wait_time = between(1, 5)

    def on_start(self):
        self.base = f"/{DATA['slug']}"
        self.logged_in = False

    def csrf(self, html: str) -> str:
        match = CSRF.search(html)
        return match.group(1) if match else self.client.cookies.get("csrftoken", "")

    @task(4)
    def search(self):
        page = self.client.get(f"{self.base}/", name="Ricerca pratica (form)")
        code, reference = random.choice(DATA["references"])
        self.client.post(f"{self.base}/", name="Ricerca pratica", data={
            "fiscal_code": code, "reference": reference,
            "csrfmiddlewaretoken": self.csrf(page.text)})

    def login(self):
        if self.logged_in:
            return
        page = self.client.get(f"{self.base}/accedi/", name="login (form)")
        self.client.post(f"{self.base}/accedi/", name="login", data={
            "username": random.choice(DATA["accounts"]), "password": DATA["password"],
            "csrfmiddlewaretoken": self.csrf(page.text)})
        self.logged_in = True

    @task(3)
    def my_positions(self):
        self.login()
        self.client.get(f"{self.base}/pratiche/", name="Da Pagare")
        self.client.get(f"{self.base}/pratiche/storico/", name="Storico",
                        params={"stato": random.choice(["", "paid", "unpaid"])})

    @task(2)
    def avviso(self):
        self.login()
        home = self.client.get(f"{self.base}/pratiche/", name="Da Pagare")
        ids = re.findall(r'/pratiche/(\d+)/avviso\.pdf', home.text)
        if ids:
            self.client.get(f"{self.base}/pratiche/{random.choice(ids)}/avviso.pdf",
                            name="avviso PDF")

    @task(1)
    def pay_online(self):
        self.login()
        home = self.client.get(f"{self.base}/pratiche/", name="Da Pagare",
                               params={"page": random.randint(1, 4)})
        options = OPTION.findall(home.text)
        if not options:
            return
        cart = self.client.post(f"{self.base}/paga/", name="Paga (cart)", data={
            "option": random.choice(options), "next": f"{self.base}/pratiche/",
            "csrfmiddlewaretoken": self.csrf(home.text)})
        if "/sandbox/checkout/" not in cart.url:
            return  # e.g. already being paid by another visitor: the page said so
        psp_page = self.client.post(cart.url, name="sandbox Checkout (method)", data={
            "method": "CP", "csrfmiddlewaretoken": self.csrf(cart.text)})
        self.client.post(psp_page.url, name="sandbox Checkout (pay)", data={
            "psp": "SNDBXIT1", "scenario": "ok", "delay_seconds": 0,
            "csrfmiddlewaretoken": self.csrf(psp_page.text)})
