"""The exchange records against the platform's DDL: every table and column they write is the
platform's, at its width, and every column the platform requires is written."""

from __future__ import annotations

import pytest
from conftest import ROOT
from platform_ddl import Table as DdlTable
from platform_ddl import read_ddl

from service_codes import Guide, Registry, from_json
from service_codes.formats.exchange import to_exchange
from service_codes.formats.exchange_tables import FAMILIES, SYNC, family_of, tables
from service_codes.matter_types import STANDARD

DDL = read_ddl(ROOT / "tests" / "data" / "platform-ddl" / "up_task.sql")
# The platform's own bookkeeping, which an exchange record does not fill.
BOOKKEEPING = {"id", "tenant_id", "version"}
BUNDLED = [from_json(p.read_bytes()) for p in sorted((ROOT / "registry" / "guides").glob("*.json"))]


def _own(ddl: DdlTable) -> set[str]:
    return {
        c.name
        for c in ddl.columns.values()
        if c.not_null
        and c.name not in BOOKKEEPING
        and not c.name.startswith(("create_", "update_"))
    }


@pytest.mark.parametrize("family", FAMILIES)
def test_every_table_and_column_written_is_the_platforms_at_its_width(family: str) -> None:
    for table in tables(family):  # type: ignore[arg-type]
        ddl = DDL[table.name]
        for column in table.columns:
            found = ddl.columns[column.name]
            wide = found.sql_type == "varchar"
            assert column.length == (found.length if wide else None), (table.name, column.name)
        assert set(SYNC) <= set(ddl.columns)


@pytest.mark.parametrize("family", FAMILIES)
def test_every_column_of_the_ddl_is_written_or_knowingly_left(family: str) -> None:
    for table in tables(family):  # type: ignore[arg-type]
        written = {c.name for c in table.columns} | set(SYNC)
        if not table.name.endswith("_basic"):
            written |= {"task_guid", "task_code"}
        assert written | table.ignored == set(DDL[table.name].columns), table.name
        assert not written & table.ignored


def test_the_families_are_the_ddls_tables() -> None:
    written = {table.name for family in FAMILIES for table in tables(family)}
    assert written == {name for name in DDL if name != "up_task_directory"}


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
        for table in tables(family):
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
