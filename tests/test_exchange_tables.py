"""The exchange records against the platform's DDL: every table and column they write is the
platform's, at its width, and every column the platform requires is written."""

from __future__ import annotations

import pytest
from conftest import ROOT
from platform_ddl import Table as DdlTable
from platform_ddl import read_ddl

from service_codes import from_json
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


@pytest.mark.parametrize("guide", BUNDLED, ids=lambda g: g.name)
def test_every_required_column_is_written_for_every_bundled_guide(guide: object) -> None:
    record = to_exchange(guide)  # type: ignore[arg-type]
    for name, rows in record.items():
        ddl = DDL[name]
        for row in rows if isinstance(rows, list) else [rows]:
            assert set(row) <= set(ddl.columns), name
            missing = _own(ddl) - set(row)
            assert not missing, (name, missing)
            assert all(isinstance(value, str) for value in row.values())
    family = family_of(guide.matter_type, STANDARD)  # type: ignore[attr-defined]
    assert set(record) == {t.name for t in tables(family)}
