"""The command line over a shared PostgreSQL registry: init, import, export, build, failures."""

from __future__ import annotations

import shutil
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from conftest import ROOT, copy_catalogue

from service_codes import Registry
from service_codes.cli import main

PASSWORD = "Cl1-S3cret-pw"


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def dsn(pg_database: str) -> str:
    """An empty database, then its registry schema made by `registry init`."""
    code, stdout, _ = run("--lang", "en", "registry", "init", pg_database)
    assert code == 0 and stdout.startswith("created an empty registry: database test_")
    return pg_database


def test_init_makes_the_schema_once(dsn: str) -> None:
    code, stdout, _ = run("--lang", "en", "registry", "init", dsn)
    assert code == 0 and "already there" in stdout and "nothing was changed" in stdout
    with psycopg.connect(dsn) as conn:
        version = conn.execute("SELECT value FROM service_codes.meta").fetchone()
    assert version == ("1",)


def test_import_then_export_carries_the_ledger_byte_for_byte(dsn: str, tmp_path: Path) -> None:
    source = ROOT / "registry" / "codes.jsonl"
    code, stdout, _ = run("--lang", "en", "registry", "import", str(source), "--registry", dsn)
    events = len(source.read_bytes().splitlines())
    assert code == 0 and stdout.strip().startswith(f"imported {events} events into database")
    target = tmp_path / "out.jsonl"
    code, stdout, _ = run(
        "--lang", "en", "registry", "--registry", dsn, "export", "--to", str(target)
    )
    assert code == 0 and f"exported {events} events" in stdout
    assert target.read_bytes() == source.read_bytes()
    # The file exists now: export refuses to overwrite it without --force.
    code, _, stderr = run("registry", "--registry", dsn, "export", "--to", str(target))
    assert code == 2 and "--force" in stderr
    # A second import into the registry that now holds events is refused, nothing written.
    code, _, stderr = run("--lang", "en", "registry", "import", str(source), "--registry", dsn)
    assert code == 1 and "import into an empty one" in stderr
    assert Registry.open(dsn).size == events


def test_build_against_the_shared_registry_gives_the_file_builds_bytes(
    dsn: str, tmp_path: Path
) -> None:
    by_file, shared = copy_catalogue(tmp_path / "a"), copy_catalogue(tmp_path / "b")
    (shared / "codes.jsonl").unlink()  # the codes come from the database only
    assert run("registry", "import", str(by_file / "codes.jsonl"), "--registry", dsn)[0] == 0
    assert run("build", str(by_file), "--out", str(tmp_path / "out-a"))[0] == 0
    code, stdout, _ = run(
        "--lang", "en", "build", str(shared), "--out", str(tmp_path / "out-b"), "--registry", dsn
    )
    assert code == 0 and "0 new codes in database test_" in stdout
    assert not (shared / "codes.jsonl").exists()
    for written in sorted((tmp_path / "out-a").rglob("*.json")):
        twin = tmp_path / "out-b" / written.relative_to(tmp_path / "out-a")
        assert twin.read_bytes() == written.read_bytes(), written.name


def test_new_guides_get_the_same_codes_through_either_backend(dsn: str, tmp_path: Path) -> None:
    by_file, shared = copy_catalogue(tmp_path / "a"), copy_catalogue(tmp_path / "b")
    for catalogue in (by_file, shared):
        (catalogue / "codes.jsonl").unlink()  # every code is new
    assert run("build", str(by_file), "--out", str(tmp_path / "out-a"))[0] == 0
    env = {"SERVICE_CODES_REGISTRY": dsn}  # the registry named by the environment
    assert run("build", str(shared), "--out", str(tmp_path / "out-b"), env=env)[0] == 0
    assert (tmp_path / "out-a" / "index.json").read_bytes() == (
        tmp_path / "out-b" / "index.json"
    ).read_bytes()
    exported = tmp_path / "shared.jsonl"
    assert run("registry", "export", "--to", str(exported), env=env)[0] == 0
    assert exported.read_bytes() == (by_file / "codes.jsonl").read_bytes()


def test_every_registry_subcommand_takes_the_dsn(dsn: str, tmp_path: Path) -> None:
    catalogue = copy_catalogue(tmp_path)
    run("registry", "import", str(catalogue / "codes.jsonl"), "--registry", dsn)
    code = Registry.open(dsn).events()[0]["code"]
    assert run("--lang", "en", "registry", "verify", "--registry", dsn)[1].startswith("ledger OK")
    assert code in run("registry", "log", "--registry", dsn)[1]
    assert run("--lang", "en", "registry", "show", code, "--registry", dsn)[1].startswith(
        f"code: {code}"
    )
    assert run("--lang", "en", "registry", "repair", "--registry", dsn)[1].strip() == (
        "nothing to repair"
    )
    code_out = run(
        "--lang", "en", "registry", "retire", code, "--reason", "事项取消", "--registry", dsn
    )
    assert code_out[0] == 0 and Registry.open(dsn).info(code).retired


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def center(pg_server, dsn: str) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The DSN of a service center's role that holds no grant at all."""
    role = f"center_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}' IN ROLE service_codes_writer")
    yield pg_server.dsn(dsn.rsplit("/", 1)[1], user=role, password=PASSWORD)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP ROLE {role}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bad_connections_exit_2_naming_host_and_database_never_the_password(
    pg_server, center: str, lang: str
) -> None:  # type: ignore[no-untyped-def]
    database = center.rsplit("/", 1)[1]
    wrong_password = center.replace(PASSWORD, PASSWORD + "x")
    unreachable = f"postgresql://center:{PASSWORD}@127.0.0.1:{_closed_port()}/{database}"
    no_schema = pg_server.dsn("postgres", password=None)
    for location in (wrong_password, unreachable, no_schema):
        code, stdout, stderr = run("--lang", lang, "registry", "--registry", location, "verify")
        assert code == 2, (location, stderr)
        assert "127.0.0.1" in stderr and stdout == ""
        assert PASSWORD not in stderr and PASSWORD + "x" not in stderr
        assert ("postgres" if location is no_schema else database) in stderr
    code, _, stderr = run("--lang", lang, "registry", "--registry", no_schema, "verify")
    assert "registry init" in stderr


def test_a_refused_write_exits_1_naming_the_role_and_nothing_is_written(
    dsn: str, center: str, tmp_path: Path
) -> None:
    catalogue = copy_catalogue(tmp_path)
    run("registry", "import", str(catalogue / "codes.jsonl"), "--registry", dsn)
    before = Registry.open(dsn).head
    code = Registry.open(dsn).events()[0]["code"]
    role = center.split("//")[1].split(":")[0]
    code_out, _, stderr = run(
        "--lang", "en", "registry", "retire", code, "--reason", "事项取消", "--registry", center
    )
    assert code_out == 1 and role in stderr and "catalogue" in stderr
    assert PASSWORD not in stderr
    assert Registry.open(dsn).head == before
    shutil.rmtree(catalogue)
