"""Django's PostgreSQL backend with a health check that costs no round trip.

With ``DATABASE_CONN_HEALTH_CHECKS`` Django checks a persistent connection before each
request's first query by running ``SELECT 1``: one more round trip on every request that
touches the database, a fifth of a paVerifyPaymentNotice at one client (bench/RESULTS.md).
This backend asks the connection's socket instead. An idle connection has nothing to read
unless the server is ending it (restart, failover, ``pg_terminate_backend``,
``idle_session_timeout``: PostgreSQL sends its FATAL message and closes), so a readable
socket, or a connection libpq already knows is broken, is not reused. A server that
vanished without a word (a cable cut) is not seen by either check until a query fails,
which Django answers by closing the connection at the end of that request.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper
from psycopg import OperationalError, pq


class DatabaseWrapper(PostgreSQLDatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None:
            return False
        pgconn = self.connection.pgconn
        if pgconn.status != pq.ConnStatus.OK:
            return False
        if pgconn.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()  # inside a transaction: ask the server
        try:
            readable, _, _ = select.select([pgconn.socket], [], [], 0)
        except (OSError, ValueError, OperationalError):  # the socket is gone
            return False
        return not readable
