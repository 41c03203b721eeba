"""The receipt's own SQL, replayed with no code around it: a lower bound for paSendRTV2.

``bench/receipt_bound.py`` records the statements one real paSendRTV2 sends (SQL text and
the parameters the ORM and ``sportello.sqlrows`` prepared) and starts the bench server
with ``BENCH_REPLAY_STATEMENTS`` naming that file; the view below then sends the same
statements for another unpaid notice, in the same transaction shape (the Ente read in
autocommit, the rest in one transaction with one commit), with nothing else: no SOAP
parsing or validation, no domain code, no ORM, no answer to build. What it costs
through the server is therefore what any implementation that stores, judges, applies
and enqueues inside the receipt's transaction (issue 17, item 1) must at least pay on
this machine, beside the same floor.

The substitutions that make each call a new receipt of a new notice, and nothing else:
the option, notice number, IUV and receiptId wherever they appear, and the position where
a statement names it (the facts' SELECT, the position's UPDATE, the audit entry); a new
id for each job row; the ids that the receipt's and the email's INSERTs return, wherever
the captured statements used them (the attachment, the jobs' arguments, the audit
entry); the time of day. The capture refuses a sample whose ids could be confused.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from psycopg.types.json import Jsonb

#: What each statement of one paSendRTV2 must start with, in order: the capture checks it,
#: so a change of the receipt's SQL stops the bound instead of measuring something else.
EXPECTED = (
    'SELECT e."id"',  # the Ente, in autocommit
    'SELECT o."id"',  # the option and position, locked
    'SELECT x."id"',  # the facts for judging (other plans, receiptId, activation)
    'INSERT INTO "payments_receipt"',
    'UPDATE "positions_paymentoption"',
    'INSERT INTO "payments_acapush"',
    'INSERT INTO "django_tasks_database_dbtaskresult"',  # the ACA push's job
    'UPDATE "positions_paymentposition"',
    'SELECT "id", "events" FROM "webhooks_endpoint"',
    'INSERT INTO "mail_outgoingemail"',
    'INSERT INTO "mail_emailattachment"',
    'INSERT INTO "django_tasks_database_dbtaskresult"',  # the email's delivery job
    'INSERT INTO "audit_auditentry"',
)

#: The variants measured, by the indexes of EXPECTED they send (0: in autocommit).
VARIANTS = {
    # The least a receipt can write: its row, its option and position paid, in one
    # transaction (its row alone would leave an unpaid option with an applied receipt,
    # which a later benchmark on the same database would pay again).
    "store": (3, 4, 7),
    # Item 1's minimum: lock and read, store, judge's reads, apply to option and
    # position, enqueue one job (the ACA push a paid option needs, with its row).
    "core": (1, 2, 3, 4, 5, 6, 7),
    # Everything one paSendRTV2 sends today.
    "all": tuple(range(len(EXPECTED))),
}

NEVER = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Capture:
    """One real paSendRTV2's statements (SQL, parameters) and the ids they hold."""

    statements: list[tuple[str, list]]
    option: int
    position: int
    notice_number: str
    iuv: str
    receipt_id: str
    receipt_pk: int
    email_pk: int

    def check(self) -> None:
        """Refuse a capture this module would replay wrongly."""
        if len(self.statements) != len(EXPECTED) or any(
                not sql.startswith(start) for (sql, _), start in zip(self.statements, EXPECTED,
                                                                      strict=True)):
            raise ValueError("paSendRTV2's statements changed: update bench/replay.EXPECTED "
                             "and VARIANTS")
        audit_columns = self.statements[12][0].split("(", 1)[1].split(")", 1)[0]
        if audit_columns.split(", ")[_AUDIT_POSITION] != '"position_id"':
            raise ValueError("the audit entry's columns changed: update _AUDIT_POSITION")
        # Ids are swapped by value, apart from the position's (by place: in the bench
        # data an option and its position have the same id). The receipt's id is only
        # ever a string in these statements, the email's only a number.
        if self.option == self.email_pk:
            raise ValueError("ambiguous capture: the option's and the email's ids coincide")

    def save(self, path: Path) -> None:
        path.write_bytes(pickle.dumps(self))


#: Where the audit entry's INSERT (``audit.log``) puts the position's id.
_AUDIT_POSITION = 9

_loaded: dict[str, Capture] = {}


def _capture() -> Capture:
    path = os.environ.get("BENCH_REPLAY_STATEMENTS")
    if not path:
        raise Http404
    if path not in _loaded:
        # The file is the benchmark's own, written by bench/receipt_bound.py moments before.
        _loaded[path] = pickle.loads(Path(path).read_bytes())  # noqa: S301
    return _loaded[path]


def _swap(value, ids: dict, now: dt.datetime):
    """``value`` as the new receipt's (see the module's docstring)."""
    if isinstance(value, uuid.UUID):
        return uuid.uuid4()
    if isinstance(value, dt.datetime):
        return value if value == NEVER else now
    if isinstance(value, Jsonb) and isinstance(value.obj, dict) and "args" in value.obj:
        return Jsonb({**value.obj, "args": [_swap(a, ids, now) for a in value.obj["args"]]})
    if isinstance(value, int | str):
        return ids.get((type(value), value), value)
    return value


@csrf_exempt
@require_POST
def replay_receipt(request: HttpRequest) -> HttpResponse:
    """Send the captured receipt's statements of ``variant`` for the notice posted."""
    capture = _capture()
    chosen = VARIANTS[request.POST["variant"]]
    option, position = int(request.POST["option"]), int(request.POST["position"])
    ids: dict = {(int, capture.option): option,
                 (str, capture.notice_number): request.POST["notice_number"],
                 (str, capture.iuv): request.POST["iuv"],
                 (str, capture.receipt_id): uuid.uuid4().hex}
    now = timezone.now()

    def send(cursor, index: int) -> None:
        sql, params = capture.statements[index]
        params = [_swap(p, ids, now) for p in params]
        if index in (2, 7):  # the facts' WHERE position, the position's UPDATE WHERE id
            params[-1] = position
        elif index == 12:
            params[_AUDIT_POSITION] = position
        cursor.execute(sql, params)
        if index == 3:  # the receipt's id, as the attachment and the audit entry name it
            ids[(str, str(capture.receipt_pk))] = str(cursor.fetchone()[0])
        elif index == 9:  # the email's id, for its attachment and its delivery job
            ids[(int, capture.email_pk)] = cursor.fetchone()[0]

    with connection.cursor() as cursor:
        if 0 in chosen:
            send(cursor, 0)
        with transaction.atomic():
            for index in chosen:
                if index:
                    send(cursor, index)
    return HttpResponse(b"ok", content_type="text/plain")
