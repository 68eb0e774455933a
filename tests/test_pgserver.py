"""The PostgreSQL test server itself: real connections, real authentication, a real crash."""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Iterator

import pgserver
import psycopg
import pytest


@pytest.fixture
def private_server() -> Iterator[pgserver.PgServer]:
    """A server of this test's own, for what CI's shared one cannot do (restart it)."""
    if not pgserver.binaries_available():
        reason = "no PostgreSQL binaries (install postgresql-15)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {reason}", pytrace=False)
        pytest.skip(f"{reason} and CI is not set")
    with pgserver.PgServer.start() as server:
        yield server


def test_fresh_database_accepts_a_connection_and_a_query(pg_database: str) -> None:
    name = urllib.parse.urlsplit(pg_database).path.lstrip("/")
    with psycopg.connect(pg_database) as conn:
        assert conn.execute("select 1").fetchone() == (1,)
        assert conn.execute("select current_database()").fetchone() == (name,)
        tables = conn.execute(
            "select count(*) from information_schema.tables where table_schema = 'public'"
        ).fetchone()
        assert tables == (0,), "a fresh database has no tables"


def test_wrong_password_is_refused(pg_server: pgserver.PgServer | pgserver.ExistingServer) -> None:
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(pg_server.dsn(password="not-the-password"), connect_timeout=10)


def test_restart_immediate_keeps_committed_rows(private_server: pgserver.PgServer) -> None:
    dsn = private_server.create_database("crash")
    with psycopg.connect(dsn) as conn:
        conn.execute("create table t (id int primary key, note text)")
        conn.execute("insert into t values (1, 'committed'), (2, '已提交')")
        conn.commit()
        pid = conn.info.backend_pid

    private_server.restart_immediate()

    with psycopg.connect(dsn) as conn:
        assert conn.info.backend_pid != pid
        rows = conn.execute("select id, note from t order by id").fetchall()
        assert rows == [(1, "committed"), (2, "已提交")]
