"""``manage.py generate_bench_data --positions N --debtors M``: the benchmarks' database.

Brings the bench Ente ("Comune del Benchmark", slug ``bench``) to N positions over M
debtors (every debtor with an email), in bulk: run it again with a larger N to grow the
same database (10k, then 100k, then 1M). See ``demo/bench_data.py``.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from demo import bench_data


class Command(BaseCommand):
    help = "Load the benchmark Ente with N positions over M debtors (bulk inserts)."

    def add_arguments(self, parser):
        parser.add_argument("--positions", type=int, required=True)
        parser.add_argument("--debtors", type=int, required=True)

    def handle(self, *args, positions: int, debtors: int, **options):
        started = time.perf_counter()
        try:
            added = bench_data.generate(positions, debtors,
                                        self.stdout if options["verbosity"] > 1 else None)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"added {added:,} positions ({positions:,} in all, {debtors:,} "
                          f"debtors) in {time.perf_counter() - started:.1f} s")
