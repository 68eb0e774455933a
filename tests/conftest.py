"""Test configuration: make the shared strategies importable and pin hypothesis' profile."""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import attrs
import pytest
from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))

import pgserver

# CI explores a fixed set of examples, so a run on a clean clone gives the verdict the same
# commit got before it was submitted; local runs keep exploring new ones.
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

ROOT = Path(__file__).parent.parent


def copy_catalogue(tmp_path: Path) -> Path:
    """A copy of the bundled catalogue, its guides and ledger, to change in a test."""
    copy = tmp_path / "catalogue"
    shutil.copytree(ROOT / "registry" / "guides", copy / "guides")
    shutil.copy(ROOT / "registry" / "codes.jsonl", copy / "codes.jsonl")
    return copy


def without_codes(guide):  # type: ignore[no-untyped-def]
    """The guide as it stands before a build has given it codes."""
    return attrs.evolve(
        guide,
        catalog_code=None,
        implementation_code=None,
        materials=tuple(attrs.evolve(m, code=None) for m in guide.materials),
        handling_items=tuple(attrs.evolve(i, code=None) for i in guide.handling_items),
    )


# -- PostgreSQL ----------------------------------------------------------------------------
# A real server, never a mock: CI's (SERVICE_CODES_TEST_PG, started by .ci/run with
# tests/pgserver.py), else a private one for this session, else skip (locally) or fail (CI).


def pg_unavailable(reason: str) -> NoReturn:
    """Skip a PostgreSQL test locally; under CI these tests must run, so fail instead."""
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {reason}", pytrace=False)
    pytest.skip(f"{reason} and CI is not set")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pgserver.PgServer | pgserver.ExistingServer]:
    """A PostgreSQL server for the session: ``.dsn(...)`` and ``.create_database(name)``.
    ``restart_immediate`` works only on a server started here, not on CI's."""
    existing = os.environ.get("SERVICE_CODES_TEST_PG")
    if existing:
        yield pgserver.ExistingServer(existing)
        return
    if not pgserver.binaries_available():
        pg_unavailable("no PostgreSQL binaries (install postgresql-15)")
    with pgserver.PgServer.start() as server:
        yield server


@pytest.fixture
def pg_database(pg_server: pgserver.PgServer | pgserver.ExistingServer) -> Iterator[str]:
    """The superuser DSN of a fresh, empty database, dropped after the test."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    dsn = pg_server.create_database(name)
    try:
        yield dsn
    finally:
        pg_server.drop_database(name)


# -- both registry backends ----------------------------------------------------------------

TEMPLATE = "service_codes_template"


@pytest.fixture(scope="session")
def pg_registries(
    pg_server: pgserver.PgServer | pgserver.ExistingServer,
) -> Iterator[PgRegistries]:
    """Makes fresh PostgreSQL registries: databases copied from one that holds the schema."""
    from service_codes import Registry

    pg_server.drop_database(TEMPLATE)
    Registry.open(pg_server.create_database(TEMPLATE), create=True).close()
    registries = PgRegistries(pg_server)
    try:
        yield registries
    finally:
        registries.drop_all()
        pg_server.drop_database(TEMPLATE)


class PgRegistries:
    def __init__(self, server: pgserver.PgServer | pgserver.ExistingServer) -> None:
        self.server = server
        self.made: list[str] = []

    def new(self) -> str:
        """The superuser DSN of a new, empty registry database."""
        from psycopg import sql

        name = f"registry_{uuid.uuid4().hex[:16]}"
        pgserver._admin_execute(
            self.server.dsn(),
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(TEMPLATE)
            ),
        )
        self.made.append(name)
        return self.server.dsn(name)

    def drop_all(self) -> None:
        while self.made:
            self.server.drop_database(self.made.pop())


class Locations:
    """New, empty registries of one backend: folders, or PostgreSQL databases."""

    def __init__(self, backend: str, tmp_path_factory: pytest.TempPathFactory, pg: Any) -> None:
        self.backend = backend
        self._tmp = tmp_path_factory
        self._pg = pg

    def new(self) -> str:
        """Where a new registry is: it exists, and holds no event."""
        if self._pg is not None:
            return str(self._pg.new())
        folder = self._tmp.mktemp("registry")
        (folder / "codes.jsonl").touch()
        return str(folder)


@pytest.fixture(params=["file", "postgresql"])
def locations(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Locations]:
    """Registries of each backend in turn: the same test runs over a file and PostgreSQL."""
    pg = request.getfixturevalue("pg_registries") if request.param == "postgresql" else None
    yield Locations(request.param, tmp_path_factory, pg)
    if pg is not None:
        pg.drop_all()


def ledger_bytes(registry: Any) -> bytes:
    """The registry's ledger as the lines of a file, whichever its backend."""
    import io

    out = io.BytesIO()
    registry.export(out)
    return out.getvalue()
