"""Benchmarks that start what they measure, beside the framework floor, into RESULTS.md.

One command, from the repository root, with a PostgreSQL database of its own:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python bench/run.py --sizes 10000,100000,1000000

For each size it grows the bench Ente to that many positions (``generate_bench_data``,
one debtor per ten positions), collects the static files, starts ``manage.py serve``
with the production settings (``bench/settings.py``: gunicorn with the worker count for
the cores and a Redis cache when ``CACHE_URL`` is set, the job-queue workers, the
scheduler) on a loopback port, and measures over HTTP:

- the floor: a view that does nothing, through the same server and middleware;
- paVerifyPaymentNotice, paGetPaymentV2, paSendRTV2 (every receipt pays a different
  notice of a debtor with an email, so the worker renders and mails its quietanza) at 1,
  8 and 32 clients: throughput, p50, p99, and the ratio to the floor's throughput;
- the payer's pages for a debtor with 10 and one with 500 positions: *Da Pagare*,
  *Storico* unfiltered and with each filter, the anonymous *Ricerca pratica*, the avviso
  and the quietanza: p50, p95 and SQL statements per request.

Raw figures go to ``bench/results/<size>.json``; RESULTS.md's generated section is
rewritten from every JSON there (``--report-only`` rewrites it without measuring).
Loopback only, bounded counts, no assertions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportello.settings")

import django  # noqa: E402

django.setup()

import requests  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from demo import bench_data  # noqa: E402
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
from payments.models import Receipt  # noqa: E402
from positions.models import PaymentOption, PaymentPosition  # noqa: E402

RESULTS = ROOT / "bench" / "results"
REPORT = ROOT / "bench" / "RESULTS.md"
BEGIN, END = "<!-- bench/run.py: begin -->", "<!-- bench/run.py: end -->"
NODE_SECRET = secrets.token_urlsafe(40)
SECRET_HEADER = "X-Pagopa-Node-Secret"
PYTHON = sys.executable


# --- the server under test -----------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(var_dir: Path) -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings",
            # ACA pushes (the worker) go to the discard port, as in the tests.
            "PAGOPA_ACA_URL": "http://127.0.0.1:9/aca/v1",
            "SECRET_KEY": secrets.token_urlsafe(60), "PAGOPA_NODE_SECRET": NODE_SECRET,
            "SITE_URL": "https://bench.example", "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SPORTELLO_VAR_DIR": str(var_dir), "EMAIL_URL": f"file://{var_dir / 'mail'}",
            "LOG_LEVEL": "WARNING",
            # The serve command's line with gunicorn's workers × threads, which the report
            # reads from the log, written at once (a pipe to a file is block-buffered).
            "PYTHONUNBUFFERED": "1",
            # Many requests from one address (and for one codice fiscale): the limits would
            # answer 429, or ask for the human check, instead of the page measured.
            "RICERCA_RATE": "1000000/m", "RICERCA_CHECK_RATE": "1000000/m",
            "RICERCA_FISCAL_CODE_RATE": "1000000/h",
            "RICERCA_FISCAL_CODE_CHECK_RATE": "1000000/m", "ACCOUNT_LOGIN_RATE": "1000000/m"}


class Server:
    """``manage.py serve`` with the bench settings, on a free loopback port."""

    def __init__(self, var_dir: Path, workers: int | None, sandbox: bool = False):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = server_env(var_dir)
        if sandbox:  # the deadline day pays through the built-in sandbox
            self.env.update(BENCH_SANDBOX="true", BENCH_SITE_URL=self.url,
                            PAGOPA_ACA_URL=f"{self.url}/sandbox/aca/v1")
        self.log_path = var_dir / "server.log"
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        log_start = self.log.tell()
        subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
                       cwd=ROOT, env=self.env, check=True, stdout=self.log, stderr=self.log)
        command = [PYTHON, "manage.py", "serve", "--port", str(self.port)]
        if workers:
            command += ["--workers", str(workers)]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=self.log,
                                        stderr=self.log, start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/bench/floor", timeout=5).status_code == 200:
                    self._wait_for_background(log_start, deadline)
                    return
            except requests.RequestException:
                time.sleep(0.5)
            except BaseException:
                self.stop()
                raise
        self.stop()
        raise SystemExit(f"the server did not start: see {var_dir / 'server.log'}")

    def _wait_for_background(self, log_start: int, deadline: float) -> None:
        """Until every job-queue worker has started and the scheduler's first jobs have
        run: gunicorn answers seconds before them, and their start (Django loading in
        three processes, the schedule catching up) would otherwise run beside the first
        measurements, the floor's at one client among them."""
        queues = set(settings.TASK_QUEUES)
        started: set[str] = set()
        while time.monotonic() < deadline:
            with open(self.log_path, "rb") as log:
                log.seek(log_start)
                started.update(q.decode() for q in re.findall(
                    rb"Starting worker worker_id=\S+ queues=(\w+)", log.read()))
            if started >= queues:
                self.wait_for_jobs()
                return
            time.sleep(0.5)
        self.stop()
        raise SystemExit(f"the job-queue workers did not start: see {self.log_path}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()

    def wait_for_jobs(self, timeout: float = 300) -> float:
        """Seconds until the job queue is empty again (the receipts' emails rendered)."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            health = requests.get(self.url + "/healthz", timeout=10).json()
            if not health["jobs"]["ready"] and not health["outbox"]["due"]:
                break
            time.sleep(1)
        return time.monotonic() - started


# --- measuring -----------------------------------------------------------------------

def percentile(sorted_times: list[float], share: float) -> float:
    return sorted_times[min(len(sorted_times) - 1, int(len(sorted_times) * share))]


def summary(times: list[float], wall: float | None = None) -> dict:
    times = sorted(times)
    result = {"n": len(times), "p50_ms": statistics.median(times) * 1000,
              "p95_ms": percentile(times, 0.95) * 1000,
              "p99_ms": percentile(times, 0.99) * 1000, "max_ms": times[-1] * 1000}
    if wall:
        result["per_s"] = len(times) / wall
    return result


def hammer(call, items: list, clients: int) -> dict:
    """Run ``call(session, item)`` for every item with ``clients`` threads."""
    sessions: dict[int, requests.Session] = {}

    def one(item) -> float:
        session = sessions.setdefault(threading.get_ident(), requests.Session())
        started = time.perf_counter()
        call(session, item)
        return time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        times = list(pool.map(one, items))
    return summary(times, time.perf_counter() - started)


def get_ok(session: requests.Session, url: str, **kwargs) -> requests.Response:
    response = session.get(url, timeout=60, **kwargs)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code}")
    return response


# --- the EC endpoint -----------------------------------------------------------------

def header() -> RequestHeader:
    ente = bench_data.organization()
    return RequestHeader(ente.fiscal_code, ente.broker_id, ente.station_id)


def receipt_body(option: PaymentOption, debtor_code: str) -> bytes:
    receipt = ReceiptInfo(
        receipt_id=uuid.uuid4().hex, notice_number=option.notice_number,
        fiscal_code=bench_data.FISCAL_CODE, outcome="OK", creditor_reference_id=option.iuv,
        amount_cents=option.amount_cents, description="Tributo",
        company_name="Comune del Benchmark", debtor=DebtorInfo("G", debtor_code, "Impresa"),
        transfers=(TransferInfo(1, option.amount_cents, bench_data.FISCAL_CODE, "Tributo",
                                "9/0101100IM/", iban=bench_data.IBAN),),
        id_psp="BENCHPSP", psp_company_name="PSP di prova", id_channel="BENCHPSP_01",
        channel_description="bench", payment_method="creditCard", fee_cents=100)
    return soap.build_send_rt_request(SendRTRequest(header(), receipt))


def soap_call(url: str):
    def call(session: requests.Session, item: tuple[str, bytes]) -> None:
        action, body = item
        response = session.post(url, data=body, timeout=60, headers={
            "Content-Type": "text/xml; charset=utf-8", "SOAPAction": action,
            SECRET_HEADER: NODE_SECRET})
        if response.status_code != 200 or b"<outcome>OK</outcome>" not in response.content:
            raise RuntimeError(f"{action}: {response.status_code} {response.content[:300]!r}")
    return call


def open_options(count: int, exclude_debtors: list[str]) -> list[PaymentOption]:
    """``count`` random unpaid options (by random ids, not ORDER BY random())."""
    ente = bench_data.organization()
    low = PaymentOption.objects.filter(organization=ente).order_by("pk").values_list(
        "pk", flat=True).first()
    high = PaymentOption.objects.filter(organization=ente).order_by("-pk").values_list(
        "pk", flat=True).first()
    found: dict[int, PaymentOption] = {}
    for _ in range(100):  # a database whose notices are nearly all paid would spin for ever
        if len(found) >= count:
            break
        ids = random.sample(range(low, high + 1), min(count * 3, high - low + 1))
        for option in (PaymentOption.objects.filter(pk__in=ids, status="unpaid")
                       .exclude(position__debtor__fiscal_code__in=exclude_debtors)
                       .select_related("position__debtor")):
            found.setdefault(option.pk, option)
    if len(found) < count:
        raise SystemExit(f"only {len(found)} of the {count} unpaid notices the EC benchmark "
                         "needs were found: the receipts of earlier runs paid the rest; start "
                         "again from a new database (drop it, then bench/createdb.py)")
    return list(found.values())[:count]


def measure_ec(server: Server, clients_levels: list[int], calls: int) -> dict:
    url = server.url + "/pagopa/paForNode"
    call = soap_call(url)
    known = [bench_data.partita_iva(k.index + 1) for k in (bench_data.SMALL, bench_data.BIG)]
    floor = server.url + "/bench/floor"
    results: dict = {}
    pool = open_options(calls * (len(clients_levels) + 1), known)
    hammer(call, [("paVerifyPaymentNotice", soap.build_verify_request(VerifyRequest(
        header(), bench_data.FISCAL_CODE, o.notice_number))) for o in pool[:50]], 4)  # warm
    for clients in clients_levels:
        reads = pool[:calls]
        pays, pool = pool[:calls], pool[calls:]
        level = {"floor": hammer(lambda s, _: get_ok(s, floor), range(calls), clients)}
        level["paVerifyPaymentNotice"] = hammer(call, [
            ("paVerifyPaymentNotice", soap.build_verify_request(VerifyRequest(
                header(), bench_data.FISCAL_CODE, o.notice_number))) for o in reads], clients)
        level["paGetPaymentV2"] = hammer(call, [
            ("paGetPaymentV2", soap.build_get_payment_request(GetPaymentRequest(
                header(), bench_data.FISCAL_CODE, o.notice_number))) for o in reads], clients)
        level["paSendRTV2"] = hammer(call, [
            ("paSendRTV2", receipt_body(o, o.position.debtor.fiscal_code)) for o in pays],
            clients)
        level["jobs_drained_s"] = server.wait_for_jobs()
        results[str(clients)] = level
        print(f"  EC at {clients} clients: " + ", ".join(
            f"{name} {v['per_s']:.0f}/s p99 {v['p99_ms']:.0f} ms"
            for name, v in level.items() if isinstance(v, dict)), flush=True)
    return results


# --- the payer's pages ---------------------------------------------------------------

def login(server: Server, email: str) -> requests.Session:
    session = requests.Session()
    url = f"{server.url}/{bench_data.SLUG}/accedi/"
    get_ok(session, url)
    response = session.post(url, data={
        "username": email, "password": bench_data.PASSWORD,
        "csrfmiddlewaretoken": session.cookies["csrftoken"]}, timeout=60,
        allow_redirects=False)
    if response.status_code != 302:
        raise RuntimeError(f"login of {email}: {response.status_code}")
    return session


def sample(session: requests.Session, method: str, url: str, samples: int,
           check: str | None = None, **kwargs) -> dict:
    times, queries, sizes = [], set(), []
    for _ in range(2):  # warm-up: the first request of a process loads templates
        session.request(method, url, timeout=60, **kwargs)
    for _ in range(samples):
        started = time.perf_counter()
        response = session.request(method, url, timeout=60, **kwargs)
        times.append(time.perf_counter() - started)
        if response.status_code != 200 or (check and check not in response.text):
            raise RuntimeError(f"{method} {url}: {response.status_code}")
        queries.add(int(response.headers.get("X-Bench-Queries", "-1")))
        sizes.append(len(response.content))
    result = summary(times)
    result.update(queries=sorted(queries), kib=statistics.mean(sizes) / 1024)
    return result


def pay_one_of(server: Server, known: bench_data.KnownDebtor) -> Receipt:
    """A receipt on one of ``known``'s positions, for the quietanza page."""
    code = bench_data.partita_iva(known.index + 1)
    option = (PaymentOption.objects.filter(position__debtor__fiscal_code=code,
                                           status="unpaid").select_related("position")
              .order_by("-pk").first())  # not the one whose avviso is measured
    soap_call(server.url + "/pagopa/paForNode")(
        requests.Session(), ("paSendRTV2", receipt_body(option, code)))
    return Receipt.objects.get(option=option)


def measure_pages(server: Server, samples: int) -> dict:
    slug = bench_data.SLUG
    base = f"{server.url}/{slug}"
    results: dict = {}
    for known in (bench_data.SMALL, bench_data.BIG):
        code = bench_data.partita_iva(known.index + 1)
        session = login(server, known.email)
        positions = PaymentPosition.objects.filter(debtor__fiscal_code=code)
        some = positions.order_by("pk").first()
        paid = positions.filter(status="paid").order_by("pk").first()
        unpaid = positions.filter(status="valid").order_by("pk").first()
        paid_day = PaymentOption.objects.get(position=paid).paid_at.date()
        pages = {
            "Da Pagare": ("GET", f"{base}/pratiche/", {}),
            "Storico": ("GET", f"{base}/pratiche/storico/", {}),
            "Storico, page 2": ("GET", f"{base}/pratiche/storico/", {"params": {"page": 2}}),
            "Storico ?servizio": ("GET", f"{base}/pratiche/storico/",
                                  {"params": {"servizio": bench_data.SERVICES[1][0]}}),
            "Storico ?stato": ("GET", f"{base}/pratiche/storico/",
                               {"params": {"stato": "paid"}}),
            "Storico ?da_data": ("GET", f"{base}/pratiche/storico/",
                                 {"params": {"da_data": paid_day.isoformat()}}),
            "Storico ?a_data": ("GET", f"{base}/pratiche/storico/",
                                {"params": {"a_data": paid_day.isoformat()}}),
            "Storico ?riferimento": ("GET", f"{base}/pratiche/storico/",
                                     {"params": {"riferimento": some.external_reference}}),
            "Storico, all filters": ("GET", f"{base}/pratiche/storico/", {"params": {
                "servizio": bench_data.SERVICES[1][0], "stato": "paid",
                "da_data": (paid_day - dt.timedelta(days=90)).isoformat(),
                "a_data": paid_day.isoformat()}}),
            "position page": ("GET", f"{base}/pratiche/{some.pk}/", {}),
            "avviso PDF": ("GET", f"{base}/pratiche/{unpaid.pk}/avviso.pdf", {}),
        }
        if known is bench_data.BIG:
            receipt = pay_one_of(server, known)
            pages["quietanza PDF"] = ("GET", f"{base}/ricevute/{receipt.pk}/quietanza.pdf", {})
        size = {}
        for name, (method, url, kwargs) in pages.items():
            size[name] = sample(session, method, url, samples, **kwargs)
        # Ricerca pratica, anonymous: a fresh session (a CSRF cookie, no login).
        anonymous = requests.Session()
        get_ok(anonymous, f"{base}/")
        size["Ricerca pratica (anonymous)"] = sample(
            anonymous, "POST", f"{base}/", samples, check=some.causale[:20],
            data={"fiscal_code": code, "reference": some.external_reference,
                  "csrfmiddlewaretoken": anonymous.cookies["csrftoken"]})
        results[str(known.positions)] = size
        print(f"  pages for the debtor with {known.positions} positions: " + ", ".join(
            f"{name} p95 {v['p95_ms']:.0f} ms ({'/'.join(map(str, v['queries']))} q)"
            for name, v in size.items()), flush=True)
    return results


# --- one size, and the report --------------------------------------------------------

def machine() -> str:
    model = "?"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    return (f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, "
            f"PostgreSQL {version}, {platform.system()} {platform.release()}")


def run_size(size: int, args) -> dict:
    print(f"== {size:,} positions", flush=True)
    started = time.perf_counter()
    subprocess.run([PYTHON, "manage.py", "generate_bench_data", "--positions", str(size),
                    "--debtors", str(max(size // 10, 1000))], cwd=ROOT, check=True)
    generated = time.perf_counter() - started
    var_dir = Path(args.var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    server = Server(var_dir, args.workers)
    try:  # the server is stopped whatever happens
        workers = re.findall(rb"\((\d+) \xc3\x97 (\d+) threads", (var_dir / "server.log")
                             .read_bytes())
        result = {
            "size": size, "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(), "generate_s": generated,
            "load_before": os.getloadavg()[0],
            "gunicorn": "×".join(w.decode() for w in workers[-1]) if workers else "?",
            "cache": server.env.get("CACHE_URL", "local memory"),
            "positions": PaymentPosition.objects.count(),
            "pages": measure_pages(server, args.samples),
            "ec": (measure_ec(server, [int(c) for c in args.clients.split(",")], args.calls)
                   if not args.no_ec else {}),
        }
    finally:
        server.stop()
    result["load_after"] = os.getloadavg()[0]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{size}.json").write_text(json.dumps(result, indent=1))
    return result


def ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def report() -> str:
    runs = sorted((json.loads(p.read_text()) for p in RESULTS.glob("*.json")
                   if p.stem.isdigit()),
                  key=lambda r: r["size"])
    if not runs:
        return ""
    lines = [BEGIN, "",
             "## Portal and EC endpoint at 10k / 100k / 1M positions (bench/run.py)", "",
             "Regenerate: `DATABASE_URL=postgres://…/bench .venv/bin/python bench/run.py "
             "--sizes 10000,100000,1000000` (each size grows the same database; "
             "`--report-only` rewrites this section from `bench/results/*.json`). The server "
             "is `manage.py serve` with the production settings (`bench/settings.py`), its "
             "job-queue workers and scheduler running; client and server share the machine.",
             ""]
    for run in runs:
        lines.append(f"- {run['size']:,} positions: {run['date']}, {run['machine']}, "
                     f"gunicorn {run['gunicorn']} threads, cache {run['cache']}, data "
                     f"generated in {run['generate_s']:.0f} s; load average (1 min) "
                     f"{run['load_before']:.1f} before, {run['load_after']:.1f} after")
    lines += ["", "### The payer's pages (one client; p50 / p95 in ms; SQL statements per "
              "request)", ""]
    sizes = [run["size"] for run in runs]
    for debtor in ("10", "500"):
        lines += [f"Debtor with {debtor} positions:", "",
                  "| page | " + " | ".join(f"{s:,} positions" for s in sizes) + " |",
                  "|---|" + "---|" * len(sizes)]
        names = list(runs[-1]["pages"][debtor])
        for name in names:
            cells = []
            for run in runs:
                value = run["pages"].get(debtor, {}).get(name)
                cells.append("–" if value is None else
                             f"{ms(value['p50_ms'])} / {ms(value['p95_ms'])} "
                             f"({'/'.join(map(str, value['queries']))} q)")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")
    for run in runs:
        if not run["ec"]:
            continue
        lines += [f"### EC endpoint at {run['size']:,} positions", "",
                  "| clients | operation | calls | throughput | vs floor | p50 | p99 | max |",
                  "|---|---|---|---|---|---|---|---|"]
        for clients, level in run["ec"].items():
            floor = level["floor"]["per_s"]
            for name, value in level.items():
                if not isinstance(value, dict):
                    continue
                lines.append(f"| {clients} | {name} | {value['n']} | {value['per_s']:.0f}/s | "
                             f"{value['per_s'] / floor:.0%} | {ms(value['p50_ms'])} ms | "
                             f"{ms(value['p99_ms'])} ms | {ms(value['max_ms'])} ms |")
            lines.append(f"| {clients} | (job queue empty again after) | | "
                         f"{level['jobs_drained_s']:.0f} s | | | | |")
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def write_section(section: str, begin: str, end: str) -> None:
    """Put ``section`` (which starts with ``begin`` and ends with ``end``) in RESULTS.md
    where those markers are, or at its end the first time."""
    text = REPORT.read_text()
    if begin in text:
        head, rest = text.split(begin, 1)
        text = head + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    REPORT.write_text(text)
    print(f"wrote {REPORT}")


def write_report() -> None:
    write_section(report(), BEGIN, END)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--calls", type=int, default=400, help="per operation and level")
    parser.add_argument("--samples", type=int, default=40, help="requests per page")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn processes")
    parser.add_argument("--no-ec", action="store_true")
    parser.add_argument("--var-dir", default="/tmp/sportello-bench")
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql" and not args.report_only:
        raise SystemExit("set DATABASE_URL to a PostgreSQL database of the benchmark's own")
    if not args.report_only:
        call_command("migrate", verbosity=0)  # the benchmark's own database, new or not
        for size in (int(s) for s in args.sizes.split(",")):
            run_size(size, args)
    write_report()


if __name__ == "__main__":
    main()
