"""The file import: upload, check (a report of every wrong row, nothing written), confirm,
write in the background with a progress bar, resumable.

Both phases are jobs on the ``bulk`` queue that read the file from the run's row and
stream it (``backoffice.import_file``), a thousand positions at a time, through the
domain's bulk writer (``positions.bulk.upsert_positions``): a dry run for the check, a
real one for the write. Each written chunk commits together with the run's ``processed``
counter, under the run's row lock, so a job that dies loses at most the chunk it was on,
and the job started again (``resume_stale``, on the schedule) skips what is done; the
references' idempotency is the second net. The management command ``import_positions``
runs the same chunks in the terminal.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from typing import IO, TypeVar

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.log import log_action
from backoffice.import_file import (
    FileRefused,
    ParsedPosition,
    Problem,
    column_of,
    count_rows,
    kind_of,
    parse_positions,
    read_rows,
)
from backoffice.models import ImportProblem, ImportRun
from organizations.models import Organization
from positions import bulk
from sportello import outbox

log = logging.getLogger(__name__)

CHUNK = bulk.BATCH_SIZE
T = TypeVar("T")
#: A running job whose run has not moved for this long is taken to be dead.
STALE_AFTER = dt.timedelta(minutes=5)


def max_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", 64 * 1024 * 1024)


# --- the chunk: shared by the jobs and the command ------------------------------------

@dataclass
class ChunkOutcome:
    counts: Counter = field(default_factory=Counter)
    problems: list[tuple[str, Problem]] = field(default_factory=list)  # (reference, problem)
    rows: int = 0


def process(organization: Organization, chunk: list[ParsedPosition], *, dry_run: bool,
            actor=None, checked: Checked | None = None) -> ChunkOutcome:
    """Check (``dry_run``) or write the chunk's positions that read well; the outcome of
    each, and every problem with its line and column. ``checked``: what this run's
    check pass found, to write without checking every row again."""
    outcome = ChunkOutcome(rows=sum(len(p.lines) for p in chunk))
    ready = []
    for parsed in chunk:
        if parsed.problems or parsed.spec is None:
            outcome.counts[bulk.INVALID] += 1
            outcome.problems += [(parsed.reference, p) for p in parsed.problems]
        elif checked is not None and parsed.first_line in checked.refused_lines:
            outcome.counts[bulk.INVALID] += 1  # its problems are in the report already
        else:
            ready.append(parsed)
    results = bulk.upsert_positions(organization, [p.spec for p in ready], actor=actor,
                                    source="import", all_or_nothing=False, dry_run=dry_run,
                                    batch_size=CHUNK, prechecked=checked is not None)
    for parsed, result in zip(ready, results, strict=True):
        outcome.counts[result.outcome] += 1
        for message in result.errors:
            if result.outcome == bulk.CONFLICT:
                message = _("Posizione già presente, non aggiornata: %(reason)s") % {
                    "reason": message}
            outcome.problems.append((parsed.reference, Problem(
                parsed.first_line, column_of(message), message)))
    return outcome


@dataclass(frozen=True)
class Checked:
    """What a run's check pass found: the first lines of the positions it refused.

    The write pass reads the same bytes (the run's ``content``, never changed once
    uploaded), parses them again (cheap, and the services are looked up again: one
    deactivated meanwhile is refused), and skips ``check_spec`` for the rest: its rules
    depend only on the spec and on today, so the answer is the one the check gave on the
    same day. On another day (a due date may have passed) everything is checked again."""

    refused_lines: frozenset[int]


def checked_of(run: ImportRun) -> Checked | None:
    """The check's findings, when the write may trust them (uploaded, hence checked, today)."""
    if timezone.localdate(run.created_at) != timezone.localdate():
        return None
    return Checked(frozenset(ImportProblem.objects.filter(run=run).values_list(
        "line", flat=True)))


def chunks(positions: Iterable[ParsedPosition], skip: int = 0) -> Iterator[list[ParsedPosition]]:
    chunk: list[ParsedPosition] = []
    for parsed in positions:
        if parsed.ordinal < skip:
            continue
        chunk.append(parsed)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def ahead(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """``items`` as they are, made by a thread of their own at most ``depth`` ahead.

    For the write: reading and parsing the next chunk (Python, no database) goes on
    while this thread waits for PostgreSQL to take the current one, on the second core.
    The chunks wait in a queue of ``depth`` (memory stays flat); whatever the reader
    raises (``FileRefused``) is raised here at the same place; stopping early (an
    exception here, ``_Taken``) stops the reader. It speaks this thread's language."""
    handoff: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    language = translation.get_language()

    def give(item) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            with translation.override(language):
                for item in items:
                    if not give((True, item)):
                        return
            give((False, None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            give((False, exc))
        finally:
            connections.close_all()  # none is expected: the reader needs no database

    reader = threading.Thread(target=read, name="import-reader", daemon=True)
    reader.start()
    try:
        while True:
            more, item = handoff.get()
            if more:
                yield item
            elif item is None:
                return
            else:
                raise item
    finally:
        stop.set()
        reader.join()


def import_stream(stream: IO[bytes], kind: str, organization: Organization, *,
                  dry_run: bool, actor=None,
                  progress: Callable[[int], None] | None = None) -> ChunkOutcome:
    """The whole file at once (the command): totals and every problem."""
    total = ChunkOutcome()
    positions = chunks(parse_positions(read_rows(stream, kind), organization))
    with closing(positions if dry_run else ahead(positions)) as positions:
        for chunk in positions:
            outcome = process(organization, chunk, dry_run=dry_run, actor=actor)
            total.counts += outcome.counts
            total.problems += outcome.problems
            total.rows += outcome.rows
            if progress:
                progress(outcome.rows)
    return total


# --- the run: upload, check, confirm, write --------------------------------------------

def start(organization: Organization, uploaded, *, request) -> ImportRun:
    """Keep the uploaded file and queue its check; FileRefused for a wrong kind or size."""
    kind = kind_of(uploaded.name)
    if uploaded.size > max_bytes():
        raise FileRefused(_("Il file è troppo grande (al massimo %(mb)s MB): dividilo in più "
                            "file.") % {"mb": max_bytes() // (1024 * 1024)})
    if uploaded.size == 0:
        raise FileRefused(_("Il file è vuoto: nessuna riga da importare."))
    with transaction.atomic():
        run = ImportRun.objects.create(
            organization=organization, created_by=request.user, kind=kind,
            filename=uploaded.name[:255], content=b"".join(uploaded.chunks()))
        log_action("positions.import_uploaded", obj=run, request=request,
                   data={"filename": run.filename})
        transaction.on_commit(lambda: _enqueue("check", run.pk))
    return run


def confirm(run: ImportRun, *, request) -> bool:
    """Start writing a checked run (once: a second confirmation does nothing)."""
    with transaction.atomic():
        taken = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.CHECKED).update(
            status=ImportRun.Status.WRITING, confirmed_by=request.user, processed=0,
            updated_at=timezone.now())
        if taken:
            log_action("positions.import_confirmed", obj=run, request=request,
                       data={"filename": run.filename, "to_create": run.to_create,
                             "to_update": run.to_update, "invalid": run.invalid})
            transaction.on_commit(lambda: _enqueue("write", run.pk))
    return bool(taken)


def _enqueue(phase: str, run_id: int) -> None:
    from backoffice.tasks import check_import, write_import

    task = check_import if phase == "check" else write_import
    outbox.enqueue(task, run_id, log, "Could not enqueue the import job of run %s")


def check(run_id: int) -> None:
    """The check job: count, read and dry-run the file; record every problem."""
    run = ImportRun.objects.select_related("organization").get(pk=run_id)
    if run.status != ImportRun.Status.CHECKING:
        return
    stream = io.BytesIO(bytes(run.content))
    try:
        rows = count_rows(stream, run.kind)
    except FileRefused as exc:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.REFUSED, file_error=str(exc), content=b"",
            finished_at=timezone.now())
        return
    ImportProblem.objects.filter(run=run).delete()  # a resumed check starts again
    ImportRun.objects.filter(pk=run.pk).update(rows=rows, checked=0, updated_at=timezone.now())
    totals: Counter = Counter()
    positions = 0
    for chunk in chunks(parse_positions(read_rows(stream, run.kind), run.organization)):
        outcome = process(run.organization, chunk, dry_run=True)
        totals += outcome.counts
        positions += len(chunk)
        ImportProblem.objects.bulk_create([
            ImportProblem(run=run, line=p.line, column=p.column, reference=ref[:100],
                          message=p.message) for ref, p in outcome.problems])
        ImportRun.objects.filter(pk=run.pk).update(
            checked=F("checked") + outcome.rows, positions=positions,
            updated_at=timezone.now())
    ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.CHECKING).update(
        status=ImportRun.Status.CHECKED, positions=positions, checked=rows,
        invalid=totals[bulk.INVALID], to_create=totals[bulk.CREATED],
        to_update=totals[bulk.UPDATED], unchanged=totals[bulk.UNCHANGED],
        conflicts=totals[bulk.CONFLICT], updated_at=timezone.now())


class _Taken(Exception):
    """Another job moved the run on: this one stops."""


def write(run_id: int) -> None:
    """The write job: from the first position not yet processed to the end."""
    run = ImportRun.objects.select_related("organization", "confirmed_by").get(pk=run_id)
    if run.status != ImportRun.Status.WRITING:
        return
    stream = io.BytesIO(bytes(run.content))
    positions = parse_positions(read_rows(stream, run.kind), run.organization)
    checked = checked_of(run)
    try:
        with closing(ahead(chunks(positions, skip=run.processed))) as chunked:
            for chunk in chunked:
                _write_chunk(run, chunk, checked)
    except _Taken:
        return
    except FileRefused as exc:  # the file was checked: only a changed setting gets here
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED, file_error=str(exc), finished_at=timezone.now())
        return
    with transaction.atomic():
        done = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.WRITING).update(
            status=ImportRun.Status.DONE, finished_at=timezone.now(), content=b"",
            updated_at=timezone.now())
        if done:
            run.refresh_from_db()
            log_action("positions.import_finished", obj=run, actor=run.confirmed_by,
                       organization=run.organization,
                       data={"filename": run.filename, "created": run.created,
                             "updated": run.updated, "unchanged": run.kept,
                             "refused": run.refused})
    if done:  # after commit: the next import (or the same file again) plans on fresh figures
        bulk.refresh_statistics(run.created + run.updated)


def _write_chunk(run: ImportRun, chunk: list[ParsedPosition],
                 checked: Checked | None = None) -> None:
    with transaction.atomic():
        # Not the file: reading its megabytes again for each chunk was a sixth of the write.
        locked = ImportRun.objects.select_for_update().only("status", "processed").get(
            pk=run.pk)
        if locked.status != ImportRun.Status.WRITING or locked.processed != chunk[0].ordinal:
            raise _Taken
        outcome = process(run.organization, chunk, dry_run=False, actor=run.confirmed_by,
                          checked=checked)
        counts = outcome.counts
        ImportRun.objects.filter(pk=run.pk).update(
            processed=chunk[-1].ordinal + 1, created=F("created") + counts[bulk.CREATED],
            updated=F("updated") + counts[bulk.UPDATED],
            kept=F("kept") + counts[bulk.UNCHANGED],
            refused=F("refused") + counts[bulk.INVALID] + counts[bulk.CONFLICT],
            updated_at=timezone.now())


def resume_stale(now: dt.datetime | None = None) -> int:
    """Queue again the runs whose job stopped moving (its worker died); how many."""
    now = now or timezone.now()
    stale = list(ImportRun.objects.filter(
        status__in=[ImportRun.Status.CHECKING, ImportRun.Status.WRITING],
        updated_at__lt=now - STALE_AFTER).values_list("pk", "status"))
    for pk, status in stale:
        # Claimed with the heartbeat, so two sweepers do not both queue it.
        if ImportRun.objects.filter(pk=pk, updated_at__lt=now - STALE_AFTER).update(
                updated_at=now):
            log.warning("Import run %s stopped moving: its job is queued again", pk)
            _enqueue("check" if status == ImportRun.Status.CHECKING else "write", pk)
    return len(stale)
