"""IUVs stay unique when many positions are created at the same time.

On PostgreSQL this uses real parallel connections (one per thread); SQLite serialises
writers on its own, so the interesting case is PostgreSQL, which CI runs.
"""

import threading

import pytest
from django.db import connection, connections

from positions.models import PaymentOption
from positions.services import OptionSpec

WORKERS = 8
PER_WORKER = 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_creations_never_share_an_iuv(make_position):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (CI does)")
    barrier = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            barrier.wait()
            for i in range(PER_WORKER):
                make_position(reference=f"W{n}-{i}",
                              installments=[OptionSpec(100, installment_number=1),
                                            OptionSpec(100, installment_number=2)])
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    iuvs = list(PaymentOption.objects.values_list("iuv", flat=True))
    assert len(iuvs) == WORKERS * PER_WORKER * 2
    assert len(set(iuvs)) == len(iuvs)
