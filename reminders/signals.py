"""What reminders tell the apps above them (App IO listens to send its own reminder)."""

from __future__ import annotations

from django.dispatch import Signal

#: A reminder is recorded for ``position``'s ``option``: ``kind`` is ``"before"`` or
#: ``"after"`` the ``due_date`` it reminds of. Sent inside the transaction that writes
#: the ``Reminder`` row (once per position, option, kind and due date), so a receiver
#: enqueues a job or uses ``transaction.on_commit``; nothing slow here.
reminder_due = Signal()
