"""Two staff save the same position at once: one wins, the other is refused, nothing is
silently merged. Real parallel connections on PostgreSQL (CI runs it)."""

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from audit.models import AuditEntry
from positions import editing
from positions.models import PaymentPosition
from positions.services import OptionSpec

DUE = date.today() + timedelta(days=30)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_edits_one_wins_the_other_is_refused(make_position):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (CI does)")
    position = make_position(installments=[OptionSpec(1000, DUE)])
    option_id = position.options.get().pk
    barrier = threading.Barrier(2)
    outcomes: dict[int, object] = {}

    def edit(amount: int) -> None:
        try:
            stale = PaymentPosition.objects.get(pk=position.pk)  # both read version 0
            barrier.wait()
            editing.update_position(
                stale, expected_version=stale.version, causale=f"Importo {amount}",
                external_reference="", switch_to_expired=False,
                options={option_id: OptionSpec(amount, DUE)})
            outcomes[amount] = "saved"
        except ValidationError as exc:
            outcomes[amount] = exc.code
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes[amount] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(amount,)) for amount in (2000, 3000)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(str, outcomes.values())) == sorted(
        ["saved", editing.CONCURRENT_EDIT]), outcomes
    winner = next(amount for amount, outcome in outcomes.items() if outcome == "saved")
    position.refresh_from_db()
    assert position.version == 1 and position.causale == f"Importo {winner}"
    assert position.options.get().amount_cents == winner
    assert position.options.get().transfers.get().amount_cents == winner
    assert AuditEntry.objects.filter(action="position.updated").count() == 1
