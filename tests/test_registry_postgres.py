"""The shared PostgreSQL registry, proved through the library and with raw SQL as a center's role.

Security (grants, append-only rows, the chain, passwords), bad connections (each a
RegistryUnavailable naming the host and database, never the password, writing nothing), and
the same ledger as a file registry, byte for byte. Every test runs against a real server.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import socket
import traceback
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import psycopg
import pytest
from conftest import ROOT, copy_catalogue, ledger_bytes
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from psycopg.errors import InsufficientPrivilege
from test_registry import BUNDLED, USCC, codes, guide

from service_codes import (
    CatalogCode,
    ImplementationCode,
    Level,
    MatterType,
    Registry,
    RegistryCorrupt,
    RegistryError,
    RegistryRefused,
    RegistryUnavailable,
)
from service_codes.identifiers import (
    organization_check_character,
    uscc_check_character,
    validate_uscc,
)
from service_codes.index import matter_identity
from service_codes.ledger import GENESIS, seal
from service_codes.ledger.chain import hashed_body

PASSWORD = "S3cret-pw-xyz"
DAY = dt.date(2026, 11, 25)
DATE = DAY.isoformat()
OWN = USCC  # the center's own agency
OTHER = "11610113013036360N"  # another center's agency, in the same district
ROW = tuple[int, str, str]  # position, body, hash


def today() -> dt.date:
    return DAY


def make_uscc(head: str, organisation: str) -> str:
    """A valid USCC of the 8 characters ``head`` (authority, category, region) and an
    organisation code's first 8 characters."""
    first17 = head + organisation + organization_check_character(organisation)
    return validate_uscc(first17 + uscc_check_character(first17))


REGION = "91610113"
IN_REGION = [make_uscc(REGION, "MA6U0001"), make_uscc(REGION, "05600218")]
OUT_OF_REGION = [
    make_uscc("91610114", "MA6U0001"),  # the neighbouring district
    make_uscc("92610113", "MA6U0001"),  # the same district, another category
    make_uscc("11610113", "MA6U0001"),  # the same district, another authority
    make_uscc("19161011", "3MA6U000"),  # holds 91610113, but not at its start
]


# -- fixtures and helpers ------------------------------------------------------------------


def dbname_of(dsn: str) -> str:
    return str(conninfo_to_dict(dsn)["dbname"])


def role_of(dsn: str) -> str:
    return str(conninfo_to_dict(dsn)["user"])


class Roles:
    """Service centers' login roles, each with a unique name; dropped after the test."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.made: list[str] = []

    def make(
        self,
        database: str,
        *scopes: str,
        password: str = PASSWORD,
        member: str | None = "service_codes_writer",
    ) -> str:
        """A new role holding ``scopes`` in the registry ``database``; returns its DSN there."""
        name = f"center_{uuid.uuid4().hex[:12]}"
        create = sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(name), sql.Literal(password)
        )
        if member:
            create += sql.SQL(" IN ROLE {}").format(sql.Identifier(member))
        with psycopg.connect(self.server.dsn(), autocommit=True) as conn:
            conn.execute(create)
        self.made.append(name)
        if scopes:
            with psycopg.connect(database, autocommit=True) as conn:
                for scope in scopes:
                    conn.execute("INSERT INTO service_codes.grants VALUES (%s, %s)", [name, scope])
        return str(self.server.dsn(dbname_of(database), user=name, password=password))

    def drop_all(self) -> None:
        with psycopg.connect(self.server.dsn(), autocommit=True) as conn:
            while self.made:
                conn.execute(
                    sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(self.made.pop()))
                )


@pytest.fixture
def registry(pg_registries: Any) -> Iterator[str]:
    """The superuser (owner's) DSN of a new, empty registry database."""
    yield pg_registries.new()
    pg_registries.drop_all()


@pytest.fixture
def roles(pg_server: Any) -> Iterator[Roles]:
    made = Roles(pg_server)
    yield made
    made.drop_all()


def rows(dsn: str) -> list[ROW]:
    """Every row of the events table, read with plain SQL (not through the library)."""
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            "SELECT position, body, hash FROM service_codes.events ORDER BY position"
        ).fetchall()


def table(dsn: str, name: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn) as conn:
        query = sql.SQL("SELECT * FROM service_codes.{} ORDER BY 1, 2").format(sql.Identifier(name))
        return conn.execute(query).fetchall()


def has_schema(dsn: str) -> bool:
    with psycopg.connect(dsn) as conn:
        found = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = 'service_codes'")
        return found.fetchone() is not None


def implementation(uscc: str, catalog: object) -> str:
    return str(ImplementationCode(uscc, Level.COUNTY, CatalogCode.parse(str(catalog))))


def issue(code: str, identity: Sequence[str], name: str) -> dict[str, Any]:
    return {
        "event": "issue",
        "code": code,
        "identity": list(identity),
        "name": name,
        "date": DATE,
        "reason": "raw SQL",
    }


def material(parent: str, seq: int, name: str) -> dict[str, Any]:
    """A well-formed issue of a material code under the implementation code ``parent``."""
    return issue(f"{parent}{seq:03d}", ("material", parent, name), name)


def change(kind: str, code: str, **fields: Any) -> dict[str, Any]:
    return {"event": kind, "code": code, "date": DATE, "reason": "raw SQL", **fields}


def last_row(conn: psycopg.Connection[Any]) -> tuple[int, str]:
    found = conn.execute(
        "SELECT position, hash FROM service_codes.events ORDER BY position DESC LIMIT 1"
    ).fetchone()
    return (found[0], found[1]) if found else (0, GENESIS)


def sealed(events: Sequence[dict[str, Any]], position: int, prev: str) -> list[ROW]:
    """Rows exactly as the library writes them: chained on ``prev`` and hashed."""
    made = []
    for number, event in enumerate(events, start=position):
        line, prev = seal(event, prev)
        made.append((number, hashed_body(line[:-1]).decode(), prev))
    return made


def write(conn: psycopg.Connection[Any], new: Sequence[ROW], how: str = "INSERT") -> None:
    """Append ``new`` in one statement: an INSERT, or a COPY as the library does."""
    if how == "COPY":
        copy_sql = "COPY service_codes.events (position, body, hash) FROM STDIN"
        with conn.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for row in new:
                copy.write_row(row)
        return
    conn.execute(
        "INSERT INTO service_codes.events (position, body, hash)"
        " SELECT * FROM unnest(%s::bigint[], %s::text[], %s::text[])",
        [[r[0] for r in new], [r[1] for r in new], [r[2] for r in new]],
    )


def append_raw(conn: psycopg.Connection[Any], *events: dict[str, Any], how: str = "INSERT") -> None:
    """Append correctly chained and hashed rows after the last one, by hand."""
    position, prev = last_row(conn)
    write(conn, sealed(events, position + 1, prev), how)


def refusal(error: psycopg.Error) -> Any:
    return json.loads(error.diag.message_detail or "null")


def texts_of(error: BaseException) -> list[str]:
    """Everything a log could show of ``error``: messages, str, repr, the formatted
    traceback, and the same of every exception in its chain (suppressed context too)."""
    texts = ["".join(traceback.format_exception(error))]
    seen: BaseException | None = error
    while seen is not None:
        texts += [str(seen), repr(seen)]
        texts += [getattr(seen, field, "") for field in ("message", "message_zh")]
        seen = seen.__cause__ or seen.__context__
    return texts


def assert_no_secret(error: BaseException, *secrets: str) -> None:
    for secret in secrets:
        for text in texts_of(error):
            assert secret not in text, text


# -- security: grants ----------------------------------------------------------------------


def test_a_center_cannot_issue_for_another_centers_agency(registry: str, roles: Roles) -> None:
    with Registry.open(registry, today=today) as admin:
        admin.assign_many(
            [
                guide("食品经营许可", uscc=OWN, materials=("申请书",)),
                guide("食品经营许可", uscc=OTHER),
            ]
        )
    center = roles.make(registry, OWN)
    role = role_of(center)
    before = rows(registry)
    with Registry.open(center, today=today) as reg:
        with pytest.raises(RegistryRefused) as caught:
            reg.assign(guide("食品经营许可", uscc=OTHER, materials=("申请书",)))
        error = caught.value
        assert OTHER in error.message and role in error.message
        assert OTHER in error.message_zh and role in error.message_zh
        assert "实施主体" in error.message_zh and dbname_of(registry) in error.message
        assert_no_secret(error, PASSWORD)
        assert rows(registry) == before
        # A batch that holds one guide of another agency is refused whole: the center's
        # own new material is not written either.
        with pytest.raises(RegistryRefused, match=OTHER):
            reg.assign_many(
                [
                    guide("食品经营许可", uscc=OWN, materials=("营业执照",)),
                    guide("食品经营许可", uscc=OTHER, materials=("申请书",)),
                ]
            )
        assert rows(registry) == before
        # The refusal is the grant's, not the guide's: the same handle codes its own agency.
        mine = reg.assign(guide("食品经营许可", uscc=OWN, materials=("申请书", "营业执照")))
    assert [str(m.code)[-3:] for m in mine.materials] == ["001", "002"]
    after = rows(registry)
    assert after[: len(before)] == before and len(after) == len(before) + 1
    assert json.loads(after[-1][1])["code"] == str(mine.materials[1].code)


@pytest.mark.parametrize("how", ["INSERT", "COPY"])
def test_raw_sql_cannot_append_another_agencys_material_code(
    registry: str, roles: Roles, how: str
) -> None:
    with Registry.open(registry, today=today) as admin:
        catalog = admin.assign(guide("食品经营许可")).catalog_code
    center = roles.make(registry, OWN)
    before = rows(registry)
    theirs = material(implementation(OTHER, catalog), 1, "申请书")
    with psycopg.connect(center, autocommit=True) as conn:
        with pytest.raises(InsufficientPrivilege) as caught:
            append_raw(conn, theirs, how=how)
        assert refusal(caught.value) == {"role": role_of(center), "scope": OTHER}
        assert rows(registry) == before
        # The very same hand-made row for the center's own agency goes in.
        mine = material(implementation(OWN, catalog), 1, "申请书")
        append_raw(conn, mine, how=how)
    assert len(rows(registry)) == len(before) + 1
    with Registry.open(registry, today=today) as reg:
        reg.verify()
        coded = reg.assign(guide("食品经营许可", uscc=OWN, materials=("申请书",)))
        assert str(coded.materials[0].code) == mine["code"]
    assert len(rows(registry)) == len(before) + 1  # it was the ledger's own row


def _their_codes(registry: str) -> dict[str, str]:
    """Codes of OTHER's agency, one of them retired, and of the center's own."""
    with Registry.open(registry, today=today) as admin:
        theirs = admin.assign(
            guide("食品经营许可", uscc=OTHER, materials=("甲", "乙", "丙"), items=("新办",))
        )
        mine = admin.assign(guide("食品经营许可", uscc=OWN, materials=("甲",)))
        admin.retire(theirs.materials[2].code, reason="取消")
    return {
        "catalog": str(theirs.catalog_code),
        "first": str(theirs.materials[0].code),
        "second": str(theirs.materials[1].code),
        "retired": str(theirs.materials[2].code),
        "item": str(theirs.handling_items[0].code),
        "parent": str(theirs.implementation_code),
        "mine": str(mine.materials[0].code),
        "my parent": str(mine.implementation_code),
    }


CHANGES: dict[str, Callable[[Registry, dict[str, str]], object]] = {
    "retire": lambda reg, c: reg.retire(c["first"], reason="取消"),
    "merge": lambda reg, c: reg.merge(c["first"], [c["second"]], reason="合并"),
    "rename": lambda reg, c: reg.rename(c["first"], "新名称", reason="更名"),
    "split": lambda reg, c: reg.split(c["item"], ["新办一", "新办二"], reason="拆分"),
    "reinstate": lambda reg, c: reg.reinstate(c["retired"], reason="恢复"),
    "retire the catalog code": lambda reg, c: reg.retire(c["catalog"], reason="取消"),
    "rename the matter": lambda reg, c: reg.rename(c["catalog"], "食品经营许可证", reason="更名"),
}


@pytest.mark.parametrize("what", list(CHANGES))
def test_a_center_cannot_change_another_agencys_code(
    registry: str, roles: Roles, what: str
) -> None:
    codes_ = _their_codes(registry)
    center = roles.make(registry, OWN)
    owner = roles.make(registry, OTHER, "catalogue")
    scope, scope_zh = (
        ("catalogue", "基本目录") if "catalog" in what or "matter" in what else (OTHER, OTHER)
    )
    before = rows(registry)
    with Registry.open(center, today=today) as reg, pytest.raises(RegistryRefused) as caught:
        CHANGES[what](reg, codes_)
    error = caught.value
    assert role_of(center) in error.message and scope in error.message
    assert role_of(center) in error.message_zh and scope_zh in error.message_zh
    assert rows(registry) == before
    # The change itself is a valid one: the role that holds the grants makes it.
    with Registry.open(owner, today=today) as reg:
        CHANGES[what](reg, codes_)
    assert len(rows(registry)) > len(before)


def _raw_changes(c: dict[str, str]) -> dict[str, dict[str, Any]]:
    split_into = {
        "code": f"{c['parent']}009",
        "identity": ["material", c["parent"], "丁"],
        "name": "丁",
    }
    return {
        "retire": change("retire", c["first"]),
        "reinstate": change("reinstate", c["retired"]),
        "merge theirs": change("merge", c["first"], merged=[c["second"]]),
        "merge theirs into mine": change("merge", c["mine"], merged=[c["first"]]),
        "rename": change(
            "alias", c["first"], identity=["material", c["parent"], "新名称"], name="新名称"
        ),
        "split theirs": change(
            "split",
            c["first"],
            into=[{**split_into, "code": f"{c['my parent']}009"}],
        ),
        "split mine into theirs": change("split", c["mine"], into=[split_into]),
    }


@pytest.mark.parametrize(
    "what",
    [
        "retire",
        "reinstate",
        "merge theirs",
        "merge theirs into mine",
        "rename",
        "split theirs",
        "split mine into theirs",
    ],
)
def test_raw_sql_cannot_change_another_agencys_code(registry: str, roles: Roles, what: str) -> None:
    codes_ = _their_codes(registry)
    center = roles.make(registry, OWN)
    before = rows(registry)
    with psycopg.connect(center, autocommit=True) as conn:
        with pytest.raises(InsufficientPrivilege) as caught:
            append_raw(conn, _raw_changes(codes_)[what])
        assert refusal(caught.value) == {"role": role_of(center), "scope": OTHER}
        # A change of the center's own code goes in.
        append_raw(conn, change("retire", codes_["mine"]))
    after = rows(registry)
    assert after[: len(before)] == before and len(after) == len(before) + 1


def test_only_a_role_with_the_catalogue_grant_issues_catalog_codes(
    registry: str, roles: Roles
) -> None:
    center = roles.make(registry, OWN)
    office = roles.make(registry, "catalogue")
    role = role_of(center)
    with Registry.open(center, today=today) as reg:
        with pytest.raises(RegistryRefused) as caught:
            reg.assign(guide("新设事项", materials=("申请书",)))
        error = caught.value
        assert role in error.message and "catalogue" in error.message
        assert role in error.message_zh and "基本目录" in error.message_zh
        assert OWN not in error.message  # the agency's part was not what was refused
        assert rows(registry) == []
        identity = matter_identity("00", MatterType.LICENSING, "新设事项", None)
        with psycopg.connect(center, autocommit=True) as conn:
            with pytest.raises(InsufficientPrivilege) as raw:
                append_raw(conn, issue("000100001000", identity, "新设事项"))
            assert refusal(raw.value) == {"role": role, "scope": "catalogue"}
        assert rows(registry) == []

        with Registry.open(office, today=today) as catalogue:
            # The catalogue's grant is not an agency's.
            with pytest.raises(RegistryRefused, match=OWN):
                catalogue.assign(guide("新设事项", materials=("申请书",)))
            assert rows(registry) == []
            issued = catalogue.assign(guide("新设事项"))
        assert [json.loads(r[1])["code"] for r in rows(registry)] == [str(issued.catalog_code)]

        # Now the center codes its own guide of the matter, on the handle refused before.
        mine = reg.assign(guide("新设事项", materials=("申请书",)))
        assert mine.catalog_code == issued.catalog_code
        assert str(mine.materials[0].code) == implementation(OWN, issued.catalog_code) + "001"
        assert len(rows(registry)) == 2
        for refused in (
            lambda: reg.retire(issued.catalog_code, reason="取消"),
            lambda: reg.rename(issued.catalog_code, "改名事项", reason="更名"),
        ):
            with pytest.raises(RegistryRefused, match="catalogue"):
                refused()
    assert len(rows(registry)) == 2


@pytest.mark.parametrize(
    ("uscc", "covered"), [(u, True) for u in IN_REGION] + [(u, False) for u in OUT_OF_REGION]
)
def test_a_region_prefix_grant_covers_exactly_the_usccs_that_start_with_it(
    registry: str, roles: Roles, uscc: str, covered: bool
) -> None:
    assert uscc.startswith(REGION) is covered
    with Registry.open(registry, today=today) as admin:
        catalog = admin.assign(guide("甲")).catalog_code
    center = roles.make(registry, REGION)
    before = rows(registry)
    with Registry.open(center, today=today) as reg:
        if covered:
            coded = reg.assign(guide("甲", uscc=uscc, materials=("申请书",)))
            assert str(coded.materials[0].code) == implementation(uscc, catalog) + "001"
            assert len(rows(registry)) == len(before) + 1
        else:
            with pytest.raises(RegistryRefused) as caught:
                reg.assign(guide("甲", uscc=uscc, materials=("申请书",)))
            assert uscc in caught.value.message and uscc in caught.value.message_zh
            assert rows(registry) == before
    # And by hand: the next material number under the agency's implementation code.
    written = rows(registry)
    raw = material(implementation(uscc, catalog), 2 if covered else 1, "营业执照")
    with psycopg.connect(center, autocommit=True) as conn:
        if covered:
            append_raw(conn, raw)
        else:
            with pytest.raises(InsufficientPrivilege) as refused:
                append_raw(conn, raw)
            assert refusal(refused.value)["scope"] == uscc
    assert len(rows(registry)) == len(written) + covered
    with Registry.open(registry) as reg:
        reg.verify()


# -- security: append-only, the tables around it, passwords, forged rows -------------------


@pytest.mark.parametrize("who", ["center", "admin role", "superuser"])
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE service_codes.events SET body = body",
        "UPDATE service_codes.events SET hash = hash WHERE position = 1",
        "DELETE FROM service_codes.events WHERE position = (SELECT max(position) FROM"
        " service_codes.events)",
        "DELETE FROM service_codes.events WHERE false",
        "TRUNCATE service_codes.events",
        "TRUNCATE service_codes.events CASCADE",
    ],
)
def test_no_role_can_rewrite_or_remove_an_event(
    registry: str, roles: Roles, who: str, statement: str
) -> None:
    with Registry.open(registry, today=today) as admin:
        admin.assign(guide("食品经营许可", uscc=OWN, materials=("申请书", "营业执照")))
    dsn = {
        "center": lambda: roles.make(registry, OWN),
        "admin role": lambda: roles.make(registry, member="service_codes_admin"),
        "superuser": lambda: registry,
    }[who]()
    before = rows(registry)
    with psycopg.connect(dsn, autocommit=True) as conn:
        with pytest.raises(InsufficientPrivilege) as caught:
            conn.execute(statement)
        if who == "superuser":  # no privilege stops a superuser: the trigger does
            assert "append-only" in str(caught.value)
    assert rows(registry) == before
    with Registry.open(registry) as reg:
        reg.verify()
        assert reg.size == len(before)


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO service_codes.grants VALUES (current_user, 'catalogue')",
        "INSERT INTO service_codes.grants VALUES (current_user, '1')",
        "UPDATE service_codes.grants SET scope = 'catalogue'",
        "DELETE FROM service_codes.grants",
        "INSERT INTO service_codes.meta VALUES ('schema_version_2', '1')",
        "UPDATE service_codes.meta SET value = '999'",
        "DELETE FROM service_codes.meta",
        "GRANT service_codes_admin TO CURRENT_USER",
        "SET ROLE service_codes_admin",
        "ALTER ROLE CURRENT_USER SUPERUSER",
        "ALTER TABLE service_codes.events DISABLE TRIGGER events_check_append",
        "DROP TRIGGER events_append_only ON service_codes.events",
        pytest.param(
            "CREATE OR REPLACE FUNCTION service_codes.may_write(needed text) RETURNS boolean"
            " LANGUAGE sql AS 'SELECT true'",
            id="CREATE OR REPLACE FUNCTION service_codes.may_write",
        ),
    ],
)
def test_a_center_cannot_change_the_grants_the_meta_or_its_own_powers(
    registry: str, roles: Roles, statement: str
) -> None:
    center = roles.make(registry, OWN)
    grants, meta = table(registry, "grants"), table(registry, "meta")
    with psycopg.connect(center, autocommit=True) as conn:
        with pytest.raises(InsufficientPrivilege):
            conn.execute(statement)
        may = conn.execute(
            "SELECT service_codes.may_write('catalogue'), service_codes.may_write(%s),"
            " service_codes.may_write(%s)",
            [OWN, OTHER],
        ).fetchone()
    assert may == (False, True, False)
    assert table(registry, "grants") == grants and table(registry, "meta") == meta
    assert rows(registry) == []


def test_a_center_cannot_read_any_password(registry: str, roles: Roles) -> None:
    other = roles.make(registry, OTHER)
    center = roles.make(registry, OWN)
    with psycopg.connect(center, autocommit=True) as conn:
        for query in (
            "SELECT rolpassword FROM pg_authid",
            "SELECT rolname, rolpassword FROM pg_catalog.pg_authid WHERE rolname = %s",
            "SELECT passwd FROM pg_shadow",
            "SELECT usename, passwd FROM pg_catalog.pg_shadow WHERE usename = %s",
        ):
            with pytest.raises(InsufficientPrivilege):
                conn.execute(query, [role_of(other)] if "%s" in query else None)
        for query in (
            "SELECT rolpassword FROM pg_roles WHERE rolname = %s",
            "SELECT passwd FROM pg_user WHERE usename = %s",
        ):
            assert conn.execute(query, [role_of(other)]).fetchall() == [("********",)]


def _forged(case: str, existing: list[ROW]) -> tuple[list[ROW], list[dict[str, Any]], str]:
    """Rows that break the chain in one way, the honest events they carry, and the
    SQLSTATE the database answers with."""
    last, prev = existing[-1][0], existing[-1][2]
    parent = implementation(OWN, json.loads(existing[0][1])["code"])
    event, other = material(parent, 9, "伪造"), material(parent, 10, "再伪造")
    if case == "wrong prev":  # chains on the first row, not the last
        return sealed([event], last + 1, existing[0][2]), [event], "23000"
    if case == "wrong hash":
        (position, body, digest), *_ = sealed([event], last + 1, prev)
        flipped = ("0" if digest[0] != "0" else "1") + digest[1:]
        return [(position, body, flipped)], [event], "23514"
    if case == "gap":  # chained on the last row, one position further on
        return sealed([event], last + 2, prev), [event], "23000"
    if case == "reused position":  # in place of the last row
        return sealed([event], last, existing[-2][2]), [event], "23505"
    if case == "second row of a batch":
        good = sealed([event], last + 1, prev)
        return [*good, *sealed([other], last + 2, GENESIS)], [event, other], "23000"
    if case == "first row after genesis":  # a second "first" row
        return sealed([event], last + 1, GENESIS), [event], "23000"
    if case == "not JSON":
        body = '{"prev": "' + prev + '", broken'
        return (
            [(last + 1, body, hashlib.sha256(body.encode()).hexdigest())],
            [event],
            "23514",
        )  # the row is not a line: refused before it is parsed
    raise AssertionError(case)


@pytest.mark.parametrize("how", ["INSERT", "COPY"])
@pytest.mark.parametrize("who", ["center", "superuser"])
@pytest.mark.parametrize(
    "case",
    [
        "wrong prev",
        "wrong hash",
        "gap",
        "reused position",
        "second row of a batch",
        "first row after genesis",
        "not JSON",
    ],
)
def test_a_forged_row_is_refused_by_the_database_even_for_the_superuser(
    registry: str, roles: Roles, case: str, who: str, how: str
) -> None:
    with Registry.open(registry, today=today) as admin:
        admin.assign(guide("食品经营许可", uscc=OWN, materials=("申请书", "营业执照")))
    dsn = roles.make(registry, OWN) if who == "center" else registry
    before = rows(registry)
    forged, honest, sqlstate = _forged(case, before)
    with psycopg.connect(dsn, autocommit=True) as conn:
        with pytest.raises(psycopg.Error) as caught:
            write(conn, forged, how)
        assert caught.value.sqlstate == sqlstate, caught.value
        if sqlstate == "23000":
            assert "does not chain" in str(caught.value)
        assert rows(registry) == before
        # The same events, sealed in their place, go in: only the forgery was refused.
        append_raw(conn, *honest, how=how)
    after = rows(registry)
    assert after[: len(before)] == before and len(after) == len(before) + len(honest)
    with Registry.open(registry) as reg:
        reg.verify()


def test_a_temporary_table_cannot_stand_in_for_pg_roles_in_the_grant_check(
    registry: str, roles: Roles
) -> None:
    office = roles.make(registry, "catalogue")
    center = roles.make(registry, OWN)
    identity = matter_identity("00", MatterType.LICENSING, "新设事项", None)
    with psycopg.connect(center, autocommit=True) as conn:
        conn.execute("CREATE TEMP TABLE pg_roles (rolname name, oid oid)")
        conn.execute(
            "INSERT INTO pg_temp.pg_roles"
            " SELECT %s, oid FROM pg_catalog.pg_roles WHERE rolname = current_user",
            [role_of(office)],
        )
        try:
            with pytest.raises(InsufficientPrivilege):
                append_raw(conn, issue("000100001000", identity, "新设事项"))
        finally:
            conn.execute("DROP TABLE pg_temp.pg_roles")
    assert rows(registry) == []


def test_a_center_cannot_file_a_code_of_its_own_under_another_agencys_identity(
    registry: str, roles: Roles
) -> None:
    with Registry.open(registry, today=today) as admin:
        mine, theirs = admin.assign_many([guide("甲", uscc=OWN), guide("甲", uscc=OTHER)])
    center = roles.make(registry, OWN)
    before = rows(registry)
    parent, their_parent = str(mine.implementation_code), str(theirs.implementation_code)
    squatted = issue(f"{parent}007", ("material", their_parent, "申请书"), "申请书")
    with psycopg.connect(center, autocommit=True) as conn, pytest.raises(InsufficientPrivilege):
        append_raw(conn, squatted)
    assert rows(registry) == before


def test_every_row_the_database_accepts_reads_back_as_a_ledger_line(
    registry: str, roles: Roles
) -> None:
    with Registry.open(registry, today=today) as admin:
        coded = admin.assign(guide("甲", uscc=OWN, materials=("申请书",)))
    center = roles.make(registry, OWN)
    with psycopg.connect(center, autocommit=True) as conn:
        position, prev = last_row(conn)
        ((_, body, _),) = sealed([change("retire", str(coded.materials[0].code))], 1, prev)
        body += " "
        with contextlib.suppress(psycopg.Error):  # refusing it is a right answer too
            write(conn, [(position + 1, body, hashlib.sha256(body.encode()).hexdigest())])
    with Registry.open(registry) as reg:
        reg.verify()
        assert len(reg.events()) == len(rows(registry))


# -- bad connections -----------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


BAD = ["unreachable", "wrong password", "wrong PGPASSWORD", "no schema", "newer schema"]


@pytest.mark.parametrize("case", BAD)
def test_a_bad_connection_is_unavailable_naming_host_and_database_never_the_password(
    request: pytest.FixtureRequest,
    pg_server: Any,
    registry: str,
    roles: Roles,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
) -> None:
    with Registry.open(registry, today=today) as admin:
        admin.assign(guide("食品经营许可", uscc=OWN, materials=("申请书",)))
    database, right = registry, PASSWORD
    hint = "cannot be reached"
    if case == "unreachable":
        role = role_of(roles.make(registry, OWN))
        where = f"{pg_server.host}:{_closed_port()}"
        dsn = f"postgresql://{role}:{PASSWORD}@{where}/{dbname_of(registry)}"
    elif case in ("wrong password", "wrong PGPASSWORD"):
        right = "R1ght-pw-abc"
        role = role_of(roles.make(registry, OWN, password=right))
        if case == "wrong password":
            dsn = pg_server.dsn(dbname_of(registry), user=role, password=PASSWORD)
        else:
            dsn = pg_server.dsn(dbname_of(registry), user=role)
            assert PASSWORD not in dsn
            monkeypatch.setenv("PGPASSWORD", PASSWORD)
    elif case == "no schema":
        database = request.getfixturevalue("pg_database")
        dsn = roles.make(database, member=None)
        hint = "registry init"
    else:
        with psycopg.connect(registry, autocommit=True) as conn:
            conn.execute("UPDATE service_codes.meta SET value = '999' WHERE key = 'schema_version'")
        dsn = roles.make(registry, OWN)
        hint = "upgrade service-codes"
    before = rows(registry)
    meta = table(registry, "meta")

    with pytest.raises(RegistryUnavailable) as caught:
        Registry.open(dsn)
    error = caught.value
    for message in (error.message, error.message_zh):
        assert pg_server.host in message and dbname_of(database) in message, message
    assert hint in error.message
    if case == "newer schema":
        assert "999" in error.message and "999" in error.message_zh
    assert_no_secret(error, PASSWORD, right)

    assert rows(registry) == before and table(registry, "meta") == meta
    if case == "no schema":
        assert not has_schema(database)


def test_a_database_without_the_schema_gets_one_only_when_asked(
    pg_database: str, roles: Roles
) -> None:
    center = roles.make(pg_database, member=None)
    for dsn in (center, pg_database):
        with pytest.raises(RegistryUnavailable, match="registry init"):
            Registry.open(dsn)
    assert not has_schema(pg_database)
    # A center's role may not make the schema: refused, and still nothing there.
    with pytest.raises(RegistryError) as caught:
        Registry.open(center, create=True)
    assert role_of(center) in caught.value.message
    assert_no_secret(caught.value, PASSWORD)
    assert not has_schema(pg_database)

    with Registry.open(pg_database, create=True) as made:
        assert made.size == 0
    assert has_schema(pg_database) and table(pg_database, "meta") == [("schema_version", "1")]
    with Registry.open(pg_database) as again, Registry.open(pg_database, create=True) as twice:
        assert again.size == twice.size == 0
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute(
            sql.SQL("GRANT service_codes_reader TO {}").format(sql.Identifier(role_of(center)))
        )
    with Registry.open(center) as reader:
        assert reader.size == 0 and reader.location.startswith(f"database {dbname_of(center)} on")


def test_create_does_not_touch_a_schema_of_a_newer_version(registry: str, roles: Roles) -> None:
    with Registry.open(registry, today=today) as admin:
        admin.assign(guide("食品经营许可", uscc=OWN, materials=("申请书",)))
    with psycopg.connect(registry, autocommit=True) as conn:
        conn.execute("UPDATE service_codes.meta SET value = '999' WHERE key = 'schema_version'")
    before, meta = rows(registry), table(registry, "meta")
    for dsn in (registry, roles.make(registry, OWN)):
        with pytest.raises(RegistryUnavailable, match="schema 999"):
            Registry.open(dsn, create=True)
    assert rows(registry) == before and table(registry, "meta") == meta


def test_the_dsn_may_come_from_libpq_variables(
    pg_server: Any, registry: str, roles: Roles, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Registry.open(registry, today=today) as admin:
        admin.assign(guide("食品经营许可", uscc=OWN, materials=("申请书",)))
    center = roles.make(registry, OWN)
    given = conninfo_to_dict(center)
    monkeypatch.delenv("SERVICE_CODES_REGISTRY", raising=False)
    for variable, field in (
        ("PGHOST", "host"),
        ("PGPORT", "port"),
        ("PGUSER", "user"),
        ("PGPASSWORD", "password"),
        ("PGDATABASE", "dbname"),
    ):
        monkeypatch.setenv(variable, str(given[field]))
    with Registry.open("postgresql://", today=today) as reg:
        assert reg.location == f"database {given['dbname']} on {given['host']}:{given['port']}"
        assert reg.size == len(rows(registry)) == 2  # the matter and its material
        coded = reg.assign(guide("食品经营许可", uscc=OWN, materials=("申请书", "营业执照")))
        # It is the center's role that PGUSER named: its grants apply.
        with pytest.raises(RegistryRefused) as caught:
            reg.assign(guide("新设事项"))
    assert role_of(center) in caught.value.message
    assert PASSWORD not in reg.location
    assert json.loads(rows(registry)[-1][1])["code"] == str(coded.materials[1].code)


def test_service_codes_registry_names_the_database(
    registry: str, roles: Roles, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Registry.open(registry, today=today) as admin:
        admin.assign(guide("食品经营许可", uscc=OWN, materials=("申请书",)))
    center = roles.make(registry, OWN)
    monkeypatch.setenv("SERVICE_CODES_REGISTRY", center)
    with Registry.open(today=today) as reg:
        assert reg.location.startswith(f"database {dbname_of(registry)} on ")
        assert PASSWORD not in reg.location
        assert reg.size == 2  # the matter and its material
        coded = reg.assign(guide("食品经营许可", uscc=OWN, materials=("申请书",)))
        assert str(coded.materials[0].code).endswith("001")
        assert reg.size == 2  # the code it read from the database, nothing new
        reg.assign(guide("食品经营许可", uscc=OWN, materials=("营业执照",)))
    assert len(rows(registry)) == 3


# -- the same ledger as a file -------------------------------------------------------------


def _history(reg: Registry) -> list[tuple[str, ...]]:
    """The bundled catalogue, then a code's whole life: every kind of event."""
    out = reg.assign_many(BUNDLED)
    a = reg.assign(guide("甲", materials=("申请书", "身份证", "营业执照"), items=("新办", "变更")))
    b, c = reg.assign_many([guide("乙"), guide("丙")])
    reg.rename(a.catalog_code, "甲乙", reason="更名")
    reg.rename(a.materials[1].code, "居民身份证", reason="更名")
    reg.retire(a.materials[0].code, reason="取消")
    reg.reinstate(a.materials[0].code, reason="恢复")
    reg.merge(b.catalog_code, [c.catalog_code], reason="合并")
    reg.split(a.handling_items[0].code, ["新办一", "新办二"], reason="拆分")
    again = reg.assign(guide("甲乙", materials=("居民身份证",), uscc=OTHER))
    return codes([*out, a, b, c, again])


@pytest.mark.parametrize("who", ["owner", "center with the grants"])
def test_the_bundled_catalogue_gets_the_file_registrys_codes_and_bytes(
    tmp_path: Path, registry: str, roles: Roles, who: str
) -> None:
    with Registry.open(tmp_path, create=True, today=today) as by_file:
        expected = by_file.assign_many(BUNDLED)
    file_bytes = (tmp_path / "codes.jsonl").read_bytes()
    dsn = registry if who == "owner" else roles.make(registry, "catalogue", "11610113", "12610113")
    with Registry.open(dsn, today=today) as shared:
        got = shared.assign_many(BUNDLED)
        assert codes(got) == codes(expected)
        assert ledger_bytes(shared) == file_bytes
        assert codes(shared.assign_many(BUNDLED)) == codes(expected)  # nothing new
    assert len(rows(registry)) == len(file_bytes.splitlines())
    # Each row is a line of the file: body without its brace, then the hash.
    for (_, body, digest), line in zip(rows(registry), file_bytes.splitlines(), strict=True):
        assert line == body.encode()[:-1] + b',"hash":"' + digest.encode() + b'"}'
    with Registry.open(registry, today=today) as again:
        assert codes(again.assign_many(BUNDLED)) == codes(expected)


def test_a_whole_history_gives_the_same_codes_and_bytes_on_both_backends(
    tmp_path: Path, registry: str
) -> None:
    with Registry.open(tmp_path, create=True, today=today) as by_file:
        expected = _history(by_file)
    with Registry.open(registry, today=today) as shared:
        assert _history(shared) == expected
        assert ledger_bytes(shared) == (tmp_path / "codes.jsonl").read_bytes()
        shared.verify()


def _ledger_with_history(folder: Path) -> bytes:
    with Registry.open(folder, create=True, today=today) as reg:
        _history(reg)
    return (folder / "codes.jsonl").read_bytes()


def ledger_bytes_of(dsn: str) -> bytes:
    with Registry.open(dsn) as reg:
        return ledger_bytes(reg)


@pytest.mark.parametrize("source", ["bundled ledger", "a ledger with every kind of event"])
def test_importing_a_file_ledger_then_exporting_gives_its_bytes(
    tmp_path: Path, registry: str, source: str
) -> None:
    if source == "bundled ledger":
        content = (ROOT / "registry" / "codes.jsonl").read_bytes()
    else:
        content = _ledger_with_history(tmp_path / "history")
    lines = content.splitlines(keepends=True)
    with Registry.open(registry, today=today) as shared:
        assert shared.import_lines(lines) == len(lines)
        assert ledger_bytes(shared) == content
    assert len(rows(registry)) == len(lines)
    with Registry.open(registry, today=today) as reopened:
        reopened.verify()
        assert ledger_bytes(reopened) == content
        assert reopened.head == (len(lines), json.loads(lines[-1])["hash"])
        if source == "bundled ledger":  # the same codes as the file gives, nothing new
            with Registry.open(copy_catalogue(tmp_path), today=today) as by_file:
                expected = codes(by_file.assign_many(BUNDLED))
            assert codes(reopened.assign_many(BUNDLED)) == expected
            assert "None" not in {code for guide_codes in expected for code in guide_codes}
            assert len(rows(registry)) == len(lines)
        # A second import into the registry that now holds events is refused.
        with pytest.raises(RegistryError, match="import into an empty one") as caught:
            reopened.import_lines(lines)
        assert not isinstance(caught.value, RegistryCorrupt)
    assert ledger_bytes_of(registry) == content


def test_an_import_into_a_registry_with_events_is_refused_writing_nothing(registry: str) -> None:
    content = (ROOT / "registry" / "codes.jsonl").read_bytes()
    with Registry.open(registry, today=today) as shared:
        shared.assign(guide("甲"))
        before = rows(registry)
        with pytest.raises(RegistryError, match="already holds 1 events"):
            shared.import_lines(content.splitlines(keepends=True))
    assert rows(registry) == before


def test_an_import_by_a_role_without_the_grants_is_refused_writing_nothing(
    registry: str, roles: Roles
) -> None:
    center = roles.make(registry, "11610113")  # not the catalogue, nor 12610113...
    content = (ROOT / "registry" / "codes.jsonl").read_bytes()
    with Registry.open(center) as reg, pytest.raises(RegistryRefused) as caught:
        reg.import_lines(content.splitlines(keepends=True))
    assert role_of(center) in caught.value.message
    assert rows(registry) == []


def _flip(line: bytes, at: int) -> bytes:
    """``line`` with its byte at ``at`` changed (a digit or hex digit to another one)."""
    old = line[at : at + 1]
    new = {b"0": b"1"}.get(old, b"0") if old.isalnum() else b"x"
    return line[:at] + new + line[at + 1 :]


TAMPERS: dict[str, Callable[[bytes], int]] = {
    "a digit of the date": lambda line: line.index(b'"date":"') + len(b'"date":"2026-1'),
    "a hex digit of its hash": lambda line: len(line) - 5,
    "a hex digit of prev": lambda line: line.index(b'"prev":"') + 20,
    "a byte of the name (not UTF-8 after)": lambda line: line.index(b'"name":"') + 8,
    "a key": lambda line: line.index(b'"event"') + 2,
}


@pytest.mark.parametrize("where", list(TAMPERS))
def test_a_tampered_import_is_refused_naming_the_line_writing_nothing(
    registry: str, where: str
) -> None:
    lines = (ROOT / "registry" / "codes.jsonl").read_bytes().splitlines(keepends=True)
    middle = len(lines) // 2
    tampered = list(lines)
    tampered[middle] = _flip(lines[middle], TAMPERS[where](lines[middle]))
    assert len(tampered[middle]) == len(lines[middle]) and tampered[middle] != lines[middle]
    assert sum(a != b for a, b in zip(tampered[middle], lines[middle], strict=True)) == 1
    with Registry.open(registry, today=today) as shared:
        with pytest.raises(RegistryCorrupt) as caught:
            shared.import_lines(tampered)
        error = caught.value
        assert error.line == middle + 1
        assert f"imported line {middle + 1}" in error.message
        assert f"导入的第 {middle + 1} 行" in error.message_zh
        assert shared.size == 0
    assert rows(registry) == []
    assert ledger_bytes_of(registry) == b""


def test_a_key_value_connection_string_is_a_database_never_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dsn = f"host=127.0.0.1 port={port} dbname=codes user=center password={PASSWORD}"
    for create in (False, True):
        with pytest.raises(RegistryUnavailable) as caught:
            Registry.open(dsn, create=create)
        told = "".join(traceback.format_exception(caught.value)) + caught.value.message_zh
        assert "codes on 127.0.0.1" in caught.value.message and PASSWORD not in told
    assert list(tmp_path.iterdir()) == []  # no folder named after the string
