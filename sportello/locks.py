"""Named locks held until the transaction ends, for writes that must not interleave where
no row exists yet to lock (the first position of a reference, a notice's activation)."""

from __future__ import annotations

import hashlib

from django.db import DEFAULT_DB_ALIAS, connections


def lock_names(names, using: str = DEFAULT_DB_ALIAS) -> None:
    """Take a transaction-scoped advisory lock on each of ``names``, in a fixed order so
    two holders of several never deadlock; released at commit or rollback. On PostgreSQL
    only: SQLite's writers are serialised already. Call it inside ``transaction.atomic``,
    and keep what follows short (nothing slow under a lock)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    keys = sorted({int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(),
                                  "big", signed=True) for name in names})
    if not keys:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_advisory_xact_lock(k)) FROM "
                       "(SELECT unnest(%s::bigint[]) AS k ORDER BY k) AS keys", [keys])
