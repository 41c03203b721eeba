"""Create the benchmark's PostgreSQL database named by a URL, if it does not exist yet.

    python bench/createdb.py postgres://postgres@127.0.0.1:5432/sportello_bench
"""

from __future__ import annotations

import sys

import psycopg
from psycopg import sql


def main(url: str) -> None:
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                  [name]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


if __name__ == "__main__":
    main(sys.argv[1])
