"""paSendRTV2 in-process: SQL statements, commits and CPU per call, beside the floor.

Run from the repository root against a database filled by ``generate_bench_data``
(never a real one: every call pays a notice):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sportello_bench \\
        .venv/bin/python bench/bench_receipt.py [CALLS] [--list [--where]]
        .venv/bin/python bench/bench_receipt.py [CALLS] --profile [cumulative|tottime]

The production settings as the benchmarks serve them (``bench/settings.py``, the
database job queue), the Django test client (no HTTP server, no worker: the jobs stay
queued), ``time.process_time()`` per call, so the figures are the request's own CPU and
hardly move with the machine's load (printed, with wall p50/p99 that do). ``--list``
prints the statements of one call (indented: inside a transaction; ``--where``: the
lines of ours that ran them), and the commits it cost: transactions plus writes in
autocommit. ``--profile`` runs cProfile on CPU time (``PROFILE_FILTER`` restricts the
listing, e.g. to the project's files). No assertions: figures only.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.inprocess import configure  # noqa: E402

NODE_SECRET = configure()

import django  # noqa: E402

django.setup()

from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402

from bench.run import SECRET_HEADER, open_options, receipt_body  # noqa: E402
from demo import bench_data  # noqa: E402


def main() -> None:
    args = [a for a in sys.argv[1:] if a.isdigit()]
    calls = int(args[0]) if args else 200
    import bench.run

    bench.run.NODE_SECRET = NODE_SECRET
    client = Client()
    headers = {"content_type": "text/xml; charset=utf-8", "HTTP_SOAPACTION": "paSendRTV2",
               "HTTP_" + SECRET_HEADER.upper().replace("-", "_"): NODE_SECRET}
    known = [bench_data.partita_iva(k.index + 1) for k in (bench_data.SMALL, bench_data.BIG)]
    options = open_options(calls + 21, known)
    bodies = [receipt_body(o, o.position.debtor.fiscal_code) for o in options]
    connection = connections["default"]
    commits = 0
    real_commit = connection.commit

    def counting_commit():
        nonlocal commits
        commits += 1
        real_commit()

    connection.commit = counting_commit

    def send(body: bytes) -> None:
        response = client.post("/pagopa/paForNode", body, **headers)
        if response.status_code != 200 or b"<outcome>OK</outcome>" not in response.content:
            raise RuntimeError(f"{response.status_code} {response.content[:300]!r}")

    for body in bodies[:20]:  # warm: imports, schemas, connection
        send(body)
        client.get("/bench/floor")
    commits, statements, alone = 0, [], []

    def recording(execute, sql, params, many, context):
        where = ""
        if "--where" in sys.argv:
            import traceback

            frames = [f for f in traceback.extract_stack()[:-1]
                      if str(ROOT) in f.filename and ".venv" not in f.filename
                      and "bench" not in f.filename]
            where = " <- ".join(f"{Path(f.filename).name}:{f.lineno}" for f in frames[-3:][::-1])
        statements.append(("  " if connection.in_atomic_block else "") + sql[:110] + "  " + where)
        if not connection.in_atomic_block:
            alone.append(sql)  # autocommit: its own transaction (and WAL flush if a write)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(recording):
        send(bodies[20])
    alone_writes = [sql for sql in alone if not sql.lstrip().upper().startswith("SELECT")]
    one_commits = commits
    transactions = one_commits + len(alone_writes)
    if "--list" in sys.argv:
        for number, sql in enumerate(statements, 1):
            print(f"{number:3} {sql}")
    if "--profile" in sys.argv:
        import cProfile
        import pstats

        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for body in bodies[21:]:
            send(body)
        profile.disable()
        order = sys.argv[-1] if sys.argv[-1] in ("tottime", "cumulative") else "cumulative"
        pstats.Stats(profile).sort_stats(order).print_stats(
            os.environ.get("PROFILE_FILTER", ""), 70)
        return
    floor, receipts, walls = [], [], []
    database_before = backend_cpu(connection)
    for body in bodies[21:]:
        started = time.process_time()
        client.get("/bench/floor")
        floor.append(time.process_time() - started)
        started, wall = time.process_time(), time.perf_counter()
        send(body)
        receipts.append(time.process_time() - started)
        walls.append(time.perf_counter() - wall)
    database_ms = (backend_cpu(connection) - database_before) / len(receipts) * 1000
    walls.sort()
    load = os.getloadavg()
    print(f"paSendRTV2: {len(statements)} SQL statements (savepoints included), "
          f"{transactions} commits a call ({one_commits} of transactions, "
          f"{len(alone_writes)} autocommit writes)")
    print(f"CPU per call over {len(receipts)} calls (process_time, this process only): "
          f"floor mean {statistics.mean(floor) * 1000:.2f} ms, "
          f"paSendRTV2 mean {statistics.mean(receipts) * 1000:.2f} ms "
          f"(median {statistics.median(receipts) * 1000:.2f} ms); wall p50 "
          f"{statistics.median(walls) * 1000:.1f} ms, p99 "
          f"{walls[min(len(walls) - 1, int(len(walls) * 0.99))] * 1000:.1f} ms; "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"PostgreSQL backend CPU per call (floor and receipt together, 10 ms ticks): "
          f"{database_ms:.2f} ms")


def backend_cpu(connection) -> float:
    """CPU seconds of our connection's PostgreSQL backend (planning and running our
    statements competes with the app for the same two cores)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
