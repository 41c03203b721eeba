"""How fast can any paSendRTV2 be here? The receipt's own SQL replayed bare, beside the floor.

Issue 17 asks for paSendRTV2 at 60% of the floor's throughput, and (item 1) for the
receipt to be stored, judged, applied and its jobs enqueued inside its transaction. This
measures what that transaction alone costs through the same server: it records the
statements of one real paSendRTV2, starts the bench server (``bench/run.py``'s
``Server``: production settings, gunicorn, the job-queue workers) with
``bench/replay.py`` enabled, and at 1, 8 and 32 clients measures the floor, then three
replays with no code around them, then paSendRTV2 itself:

- ``store``: the receipt's INSERT and the option's and position's UPDATEs, in one
  transaction (the least a receipt writes: nothing read, nothing enqueued);
- ``core``: the minimum of item 1 (lock and read, store, apply to option and position,
  one job with its row);
- ``all``: every statement paSendRTV2 sends today.

Run from the repository root against the bench database (``generate_bench_data``; every
call pays a notice, so never a real one):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python bench/receipt_bound.py [--calls 400] [--clients 1,8,32]

Writes ``bench/results/receipt_bound.json`` and RESULTS.md's section between its markers.
Loopback only, bounded counts, no assertions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.inprocess import configure  # noqa: E402

NODE_SECRET = configure()

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

import bench.run  # noqa: E402
from bench.replay import VARIANTS, Capture  # noqa: E402
from bench.run import (  # noqa: E402
    SECRET_HEADER,
    Server,
    get_ok,
    hammer,
    machine,
    open_options,
    receipt_body,
    soap_call,
)
from demo import bench_data  # noqa: E402
from payments.models import Receipt  # noqa: E402
from positions.models import PaymentOption, PaymentPosition  # noqa: E402

bench.run.NODE_SECRET = NODE_SECRET  # the server started below gets the same secret
RESULT = ROOT / "bench" / "results" / "receipt_bound.json"
BEGIN, END = "<!-- bench/receipt_bound.py: begin -->", "<!-- bench/receipt_bound.py: end -->"
LABELS = {
    "floor": "floor (a view that does nothing)",
    "store": "replay: the receipt stored, its option and position paid (3 statements)",
    "core": "replay: store, judge, apply, enqueue (7 statements, one transaction)",
    "all": "replay: all of paSendRTV2's 13 statements",
    "paSendRTV2": "paSendRTV2",
}


def capture(option: PaymentOption) -> Capture:
    """One real paSendRTV2 for ``option``, in this process, with every statement it sent."""
    body = receipt_body(option, option.position.debtor.fiscal_code)
    statements: list[tuple[str, list]] = []

    def recording(execute, sql, params, many, context):
        statements.append((sql, list(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(recording):
        response = Client().post(
            "/pagopa/paForNode", body, content_type="text/xml; charset=utf-8",
            HTTP_SOAPACTION="paSendRTV2",
            **{"HTTP_" + SECRET_HEADER.upper().replace("-", "_"): NODE_SECRET})
    if b"<outcome>OK</outcome>" not in response.content:
        raise SystemExit(f"the receipt to capture failed: {response.content[:300]!r}")
    receipt_id = re.search(rb"<receiptId>(\w+)</receiptId>", body).group(1).decode()
    result = Capture(
        statements=statements, option=option.pk, position=option.position_id,
        notice_number=option.notice_number, iuv=option.iuv, receipt_id=receipt_id,
        receipt_pk=Receipt.objects.get(receipt_id=receipt_id).pk,
        email_pk=statements[10][1][0])
    result.check()
    return result


def measure(server: Server, options: list[PaymentOption], clients_levels: list[int],
            calls: int) -> dict:
    replay_url = server.url + "/bench/replay-receipt"
    floor_url = server.url + "/bench/floor"
    soap = soap_call(server.url + "/pagopa/paForNode")

    def replay(variant: str):
        def call(session, option: PaymentOption) -> None:
            response = session.post(replay_url, timeout=60, data={
                "variant": variant, "option": option.pk, "position": option.position_id,
                "notice_number": option.notice_number, "iuv": option.iuv})
            if response.status_code != 200:
                raise RuntimeError(f"replay {variant}: {response.status_code}")
        return call

    def take(count: int) -> list[PaymentOption]:
        taken, options[:] = options[:count], options[count:]
        return taken

    for variant in VARIANTS:  # warm: imports, prepared statements, connections
        hammer(replay(variant), take(20), 2)
    hammer(soap, [("paSendRTV2", receipt_body(o, o.position.debtor.fiscal_code))
                  for o in take(20)], 2)
    server.wait_for_jobs()
    results = {}
    for clients in clients_levels:
        level = {"floor": hammer(lambda s, _: get_ok(s, floor_url), range(calls), clients)}
        for variant in VARIANTS:
            level[variant] = hammer(replay(variant), take(calls), clients)
            server.wait_for_jobs()  # the replays' jobs are real: let them run first
        level["paSendRTV2"] = hammer(soap, [
            ("paSendRTV2", receipt_body(o, o.position.debtor.fiscal_code))
            for o in take(calls)], clients)
        server.wait_for_jobs()
        results[str(clients)] = level
        print(f"  {clients} clients: " + ", ".join(
            f"{name} {v['per_s']:.0f}/s ({v['per_s'] / level['floor']['per_s']:.0%})"
            for name, v in level.items()), flush=True)
    return results


def report(result: dict) -> str:
    lines = [BEGIN, "", "#### The last run of bench/receipt_bound.py", "",
             f"{result['date']}, {result['machine']}, {result['positions']:,} positions. "
             "Regenerate: `DATABASE_URL=postgres://…/bench .venv/bin/python "
             "bench/receipt_bound.py`. The same server as `bench/run.py`; each replay "
             "sends the statements one real paSendRTV2 sent (`bench/replay.py`), for "
             "another notice each call, with no SOAP, domain code or ORM around them.", "",
             "| clients | what | calls | throughput | vs floor | p50 | p99 |",
             "|---|---|---|---|---|---|---|"]
    for clients, level in result["levels"].items():
        floor = level["floor"]["per_s"]
        for name, value in level.items():
            lines.append(f"| {clients} | {LABELS[name]} | {value['n']} | "
                         f"{value['per_s']:.0f}/s | {value['per_s'] / floor:.0%} | "
                         f"{bench.run.ms(value['p50_ms'])} ms | "
                         f"{bench.run.ms(value['p99_ms'])} ms |")
    lines += ["", END]
    return "\n".join(lines)


def write_report(result: dict) -> None:
    bench.run.write_section(report(result), BEGIN, END)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=400, help="per variant and level")
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args()
    if args.report_only:
        write_report(json.loads(RESULT.read_text()))
        return
    if connection.vendor != "postgresql":
        raise SystemExit("set DATABASE_URL to the PostgreSQL bench database")
    levels = [int(c) for c in args.clients.split(",")]
    known = [bench_data.partita_iva(k.index + 1) for k in (bench_data.SMALL, bench_data.BIG)]
    options = open_options(5 + 80 + args.calls * len(levels) * (len(VARIANTS) + 1), known)
    var_dir = Path(tempfile.mkdtemp(prefix="sportello-bound-"))
    statements = var_dir / "receipt-statements.pickle"
    for _attempt in range(5):  # a sample whose ids coincide is refused: take another
        try:
            captured = capture(options.pop(0))
            break
        except ValueError as error:
            print(f"  {error}; capturing another receipt", flush=True)
    else:
        raise SystemExit("no usable receipt to replay in five tries")
    captured.save(statements)
    os.environ["BENCH_REPLAY_STATEMENTS"] = str(statements)
    server = Server(var_dir, None)
    try:
        levels_result = measure(server, options, levels, args.calls)
    finally:
        server.stop()
    result = {"date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
              "machine": machine(), "positions": PaymentPosition.objects.count(),
              "levels": levels_result}
    RESULT.parent.mkdir(exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=1))
    write_report(result)


if __name__ == "__main__":
    main()
