"""The exchange records against the platform's DDL: every table and column they write is the
platform's, at its width, and every column the platform requires is written; the only other
tables are this library's own, listed here by name."""

from __future__ import annotations

import pytest
from conftest import ROOT
from platform_ddl import Table as DdlTable
from platform_ddl import read_ddl

from service_codes import Guide, Registry, from_json
from service_codes.formats.exchange import to_exchange
from service_codes.formats.exchange_tables import BOOKKEEPING as BOOKKEEPING_COLUMNS
from service_codes.formats.exchange_tables import FAMILIES, SYNC, Table, family_of, tables
from service_codes.matter_types import STANDARD

DDL = read_ddl(ROOT / "tests" / "data" / "platform-ddl" / "up_task.sql")
# The platform's own bookkeeping, which an exchange record does not fill.
BOOKKEEPING = {"id", "tenant_id", "version"}
BUNDLED = [from_json(p.read_bytes()) for p in sorted((ROOT / "registry" / "guides").glob("*.json"))]
POWERS = ("general", "punish", "handle", "check")
# This library's own tables, for what the DDL has no table for: every one named, so that a
# table of neither the DDL nor this list fails.
OWN = (
    {
        f"up_task_{f}_{part}"
        for f in FAMILIES
        for part in ("situation", "situation_item", "publicity")
    }
    | {"up_task_punish_condition", "up_task_punish_discretion", "up_task_check_random"}
    | {f"up_task_{f}_duty" for f in POWERS}
    | {"up_task_general_intermediary", "up_task_public_intermediary"}
)


def _own(ddl: DdlTable) -> set[str]:
    return {
        c.name
        for c in ddl.columns.values()
        if c.not_null
        and c.name not in BOOKKEEPING
        and not c.name.startswith(("create_", "update_"))
    }


def ddl_tables(family: str) -> list[Table]:
    return [t for t in tables(family) if not t.own]  # type: ignore[arg-type]


@pytest.mark.parametrize("family", FAMILIES)
def test_every_table_written_is_the_ddls_or_a_listed_own_one(family: str) -> None:
    for table in tables(family):  # type: ignore[arg-type]
        assert (table.name in DDL) != (table.name in OWN), table.name
        assert table.own == (table.name in OWN), table.name


@pytest.mark.parametrize("family", FAMILIES)
def test_own_tables_carry_the_sync_columns_and_one_column_a_name(family: str) -> None:
    for table in tables(family):  # type: ignore[arg-type]
        if table.own:
            names = [c.name for c in table.columns]
            assert len(set(names)) == len(names) and not set(names) & set(SYNC), table.name
            assert table.ignored == BOOKKEEPING_COLUMNS and table.items, table.name


@pytest.mark.parametrize("family", FAMILIES)
def test_every_table_and_column_written_is_the_platforms_at_its_width(family: str) -> None:
    for table in ddl_tables(family):
        ddl = DDL[table.name]
        for column in table.columns:
            found = ddl.columns[column.name]
            wide = found.sql_type == "varchar"
            assert column.length == (found.length if wide else None), (table.name, column.name)
        assert set(SYNC) <= set(ddl.columns)


@pytest.mark.parametrize("family", FAMILIES)
def test_every_column_of_the_ddl_is_written_or_knowingly_left(family: str) -> None:
    for table in ddl_tables(family):
        written = {c.name for c in table.columns} | set(SYNC)
        if not table.name.endswith("_basic"):
            written |= {"task_guid", "task_code"}
        assert written | table.ignored == set(DDL[table.name].columns), table.name
        assert not written & table.ignored


def test_the_families_are_the_ddls_tables() -> None:
    written = {table.name for family in FAMILIES for table in tables(family)}
    assert written - OWN == {name for name in DDL if name != "up_task_directory"}
    assert written >= OWN and not OWN & set(DDL)


@pytest.fixture(scope="module")
def coded(tmp_path_factory: pytest.TempPathFactory) -> list[Guide]:
    """The bundled guides with the codes the registry gives them."""
    registry = Registry.open(tmp_path_factory.mktemp("ledger"), create=True)
    return registry.assign_many(BUNDLED)


def test_every_required_column_is_filled_for_every_bundled_guide(coded: list[Guide]) -> None:
    basics = []
    for guide in coded:
        record = to_exchange(guide)
        family = family_of(guide.matter_type, STANDARD)
        assert set(record) == {t.name for t in tables(family)}
        for table in ddl_tables(family):
            ddl, rows = DDL[table.name], record[table.name]
            numbers = {c.name for c in ddl.columns.values() if c.sql_type == "int"}
            for row in rows if isinstance(rows, list) else [rows]:
                assert set(row) <= set(ddl.columns), table.name
                assert all(isinstance(value, str) for value in row.values())
                empty = {c for c in _own(ddl) if row.get(c, "") == ""}
                # A guide may have no local code; the punish table still takes the column.
                assert empty <= {"local_task_code"}, (guide.name, table.name, empty)
                assert all(row[c].isdigit() for c in numbers & set(row) if row[c]), table.name
            if table.items is None and table.name.endswith("_basic"):
                basics.append(rows["row_guid"])
    assert len(set(basics)) == len(basics) == len(coded)
