"""A throwaway PostgreSQL database on the real local server, for tests that need one."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import psycopg

# The server the tests use; CI's set-up starts PostgreSQL here when it is not running.
SERVER = os.environ.get("CHARTROOM_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")


@contextlib.contextmanager
def throwaway_database() -> Iterator[str]:
    """Create an empty database, yield its SQLAlchemy URL, drop it (and its connections)."""
    name = f"chartroom_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{SERVER.replace('postgresql://', 'postgresql+psycopg://')}/{name}"
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def rows_mentioning(database_url: str, value: str) -> dict[str, int]:
    """How many rows of each table in the database hold `value` in any text column."""
    plain = database_url.replace("postgresql+psycopg://", "postgresql://")
    found: dict[str, int] = {}
    with psycopg.connect(plain) as conn:
        columns = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type IN ('character varying', 'text')"
        ).fetchall()
        for table, column in columns:
            query = psycopg.sql.SQL("SELECT count(*) FROM {} WHERE {} = %s").format(
                psycopg.sql.Identifier(table), psycopg.sql.Identifier(column)
            )
            row = conn.execute(query, (value,)).fetchone()
            count = int(row[0]) if row else 0
            if count:
                found[f"{table}.{column}"] = found.get(f"{table}.{column}", 0) + count
    return found
