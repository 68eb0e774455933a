"""The copy of the platform's DDL under tests/data/platform-ddl/ and the reader of it.

Expected values were read by eye from the file (see SOURCE.md there).
"""

from __future__ import annotations

import pytest
from conftest import ROOT
from platform_ddl import Column, Table, parse_ddl, read_ddl

DDL = ROOT / "tests" / "data" / "platform-ddl"
TASK_INIT = DDL / "up_task.sql"

TASK_TABLES = {
    f"up_task_{family}_{part}"
    for family, parts in {
        "general": ("basic", "extend", "material", "fee_project", "questions"),
        "punish": ("basic", "questions"),
        "handle": ("basic", "material", "questions"),
        "check": ("basic", "questions"),
        "public": ("basic", "extend", "material", "fee_project", "questions"),
    }.items()
    for part in parts
} | {"up_task_directory"}
BOOKKEEPING = {
    "tenant_id",
    "create_org_id",
    "create_time",
    "create_user_id",
    "update_org_id",
    "update_time",
    "update_user_id",
    "version",
}


@pytest.fixture(scope="module")
def task_init() -> dict[str, Table]:
    return read_ddl(TASK_INIT)


def test_task_init_has_every_task_table(task_init: dict[str, Table]) -> None:
    assert set(task_init) == TASK_TABLES
    # There are no extend tables for punish/handle/check, and no steps table.
    assert not {"up_task_punish_extend", "up_task_handle_extend", "up_task_check_extend"} & set(
        task_init
    )


def test_table_comments(task_init: dict[str, Table]) -> None:
    general = task_init["up_task_general_basic"].comment
    assert general == "许可、给付、奖励、确认、裁决、其他类事项 基本信息"
    assert task_init["up_task_punish_basic"].comment == "处罚类事项 基本信息"
    assert task_init["up_task_handle_basic"].comment == "征收类事项 基本信息"
    assert task_init["up_task_check_basic"].comment == "强制、检查类事项 基本信息"
    assert task_init["up_task_public_basic"].comment == "公共服务类事项 基本信息"


def test_general_basic_columns(task_init: dict[str, Table]) -> None:
    table = task_init["up_task_general_basic"]
    assert len(table.columns) == 55
    assert table.primary_key == ("id",)
    assert table.columns["task_name"] == Column(
        name="task_name",
        sql_type="varchar",
        length=1000,
        not_null=True,
        default=None,
        comment="事项名称",
    )
    assert table.columns["catalog_code"].length == 12
    assert table.columns["task_code"].length == 36
    assert table.columns["use_level"].length == 11
    assert table.columns["handle_type"].length == 5
    assert table.columns["accept_condition"].length == 256
    assert table.columns["promise_type"].sql_type == "int"
    assert table.columns["promise_type"].length == 2
    assert table.columns["anticipate_type"].sql_type == "varchar"
    assert table.columns["anticipate_day"].sql_type == "int"
    assert table.columns["anticipate_day"].not_null
    explain = table.columns["anticipate_explain"]
    assert not explain.not_null and explain.default is None
    assert table.columns["version"].default == "1"
    assert table.columns["cd_time"].sql_type == "datetime"
    assert table.columns["cd_time"].length is None
    assert table.columns["special_procedure"].not_null
    assert table.columns["special_procedure"].length == 500


def test_extend_and_sub_tables(task_init: dict[str, Table]) -> None:
    extend = task_init["up_task_general_extend"].columns
    assert extend["is_entry_center"].comment == "是否进驻政务大厅"
    assert extend["is_entry_center"].not_null and extend["is_entry_center"].length == 2
    assert not extend["is_schedule"].not_null
    assert extend["result_type"].length == 30
    assert task_init["up_task_public_extend"].columns["result_type"].length == 2
    material = task_init["up_task_general_material"].columns
    assert material["is_need"].not_null and material["order_num"].sql_type == "int"
    assert material["material_name"].length == 200
    fee = task_init["up_task_general_fee_project"].columns
    assert fee["fee_stand"].not_null and fee["fee_stand"].comment == "收费标准"
    questions = task_init["up_task_general_questions"].columns
    assert questions["question"].length == 1000 and questions["answer"].length == 256
    punish = task_init["up_task_punish_basic"].columns
    assert punish["punishment_method"].length == 3000 and punish["punishment_method"].not_null
    assert punish["use_level"].length == 2 and punish["local_task_code"].not_null
    assert task_init["up_task_handle_basic"].columns["collect_type"].comment == "征收种类"


def test_bookkeeping_is_all_not_null(task_init: dict[str, Table]) -> None:
    for name in TASK_TABLES:
        columns = task_init[name].columns
        assert BOOKKEEPING | {"id", "row_guid", "cd_batch", "cd_operation", "cd_time"} <= set(
            columns
        ), name
        assert all(columns[c].not_null for c in BOOKKEEPING), name


def test_parse_ddl_details() -> None:
    tables = parse_ddl(
        "CREATE TABLE IF NOT EXISTS t (\n"
        "  `a` decimal(10,2) NOT NULL DEFAULT '0.00' COMMENT 'it''s (a)',\n"
        "  `b` text,\n"
        "  `c` varchar(8) DEFAULT NULL COMMENT 'x;y',\n"
        "  PRIMARY KEY (`a`, `b`)\n"
        ") COMMENT='t (1)';\n"
    )
    table = tables["t"]
    assert table.comment == "t (1)"
    assert table.primary_key == ("a", "b")
    assert table.columns["a"] == Column("a", "decimal", 10, True, "0.00", "it's (a)")
    assert table.columns["b"] == Column("b", "text", None, False, None, "")
    assert table.columns["c"].comment == "x;y" and table.columns["c"].default is None
    assert table.required() == []


def test_the_librarys_own_tables_are_not_the_platforms(task_init: dict[str, Table]) -> None:
    """The tables exchange_tables marks as its own are those the DDL lacks, and only those."""
    from service_codes.formats.exchange_tables import FAMILIES, tables

    written = [table for family in FAMILIES for table in tables(family)]
    assert {t.name for t in written if t.own} == {t.name for t in written} - set(task_init)
    assert {t.name for t in written if not t.own} <= TASK_TABLES
