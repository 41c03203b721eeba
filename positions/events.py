"""What happened to positions, for the apps that tell someone about it.

The apps above positions (webhooks to the Ente's systems, App IO messages, reminders,
reconciliation) listen to these signals instead of being called by the writers, so the
domain never imports them. Every signal is sent *inside* the writing transaction, after
the change is saved: a receiver must not do anything slow or external there. It either
writes rows in the same transaction (a job of the database queue, an outbox row: they
commit or roll back with the change) or defers with ``transaction.on_commit``.

Senders: ``positions.services.create_position`` and the bulk writers (created),
``positions.editing`` (changed, cancelled), ``PaymentOption.mark_paid`` (paid, called by
the receipt handler under the position's lock), ``PaymentOption.expire`` (expired, one
option) and ``positions.expiry`` (options_expired, once per position and run).
"""

from __future__ import annotations

from django.dispatch import Signal

#: New positions of one Ente: ``organization``, ``position_ids`` (a list: a bulk import
#: sends one signal per batch, not one per row), ``origin`` (``PaymentPosition.Origin``).
positions_created = Signal()

#: A position the Ente changed: ``position`` and ``changes``, a frozenset naming what
#: changed among ``"amount"``, ``"due_date"``, ``"causale"``, ``"debtor"``,
#: ``"reference"``, ``"reopened"``.
position_changed = Signal()

#: A position cancelled by the Ente: ``position``, ``reason``.
position_cancelled = Signal()

#: An option paid by a receipt: ``option`` (its position is ``option.position``).
option_paid = Signal()

#: An option that ran out of time: ``option``.
option_expired = Signal()

#: The options of one position that expired together in one run of ``positions.expiry``
#: (one transaction, the position locked), sent once after the last of them:
#: ``position``, ``options`` (by plan, then as created) and ``payable``, whether
#: the position still has an option that can be paid. Listen to this one, not
#: ``option_expired``, to tell someone once per position rather than once per option.
options_expired = Signal()

AMOUNT = "amount"
DUE_DATE = "due_date"
CAUSALE = "causale"
DEBTOR = "debtor"
REFERENCE = "reference"
REOPENED = "reopened"


def changes_between(before: dict, after: dict) -> frozenset[str]:
    """What differs between two ``positions.editing.snapshot`` dicts, in the words of
    ``position_changed``."""
    changes = set()
    if before.get("causale") != after.get("causale"):
        changes.add(CAUSALE)
    if before.get("external_reference") != after.get("external_reference"):
        changes.add(REFERENCE)
    if before.get("debtor") != after.get("debtor"):
        changes.add(DEBTOR)
    old = {o["notice_number"]: o for o in before.get("options", [])}
    for option in after.get("options", []):
        previous = old.get(option["notice_number"])
        if previous is None:
            continue
        if previous["amount_cents"] != option["amount_cents"]:
            changes.add(AMOUNT)
        if previous["due_date"] != option["due_date"]:
            changes.add(DUE_DATE)
        if previous["status"] == "expired" and option["status"] == "unpaid":
            changes.add(REOPENED)
    return frozenset(changes)
