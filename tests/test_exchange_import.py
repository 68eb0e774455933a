"""``service-codes import`` of the platform's exchange records: every row kept or named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from conftest import ROOT

from service_codes import Guide, from_json
from service_codes.cli import main
from service_codes.formats.exchange_tables import FAMILIES, tables
from service_codes.matter_types import ExtensionType

# The tables of the platform's DDL, without this library's own.
_DDL_TABLES = {t.name for family in FAMILIES for t in tables(family) if not t.own}


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--lang", "en", *args])
    return result.exit_code, result.stdout, result.stderr


def _exported(tmp_path: Path) -> list[dict[str, object]]:
    catalogue = tmp_path / "catalogue"
    shutil.copytree(ROOT / "registry" / "guides", catalogue / "guides")
    out = tmp_path / "export"
    assert _run("export", str(catalogue), "--format", "exchange", "--out", str(out))[0] == 0
    return [json.loads(p.read_text("utf-8")) for p in sorted((out / "guides").glob("*.json"))]


def _basic(record: dict[str, object]) -> dict[str, str]:
    return next(v for k, v in record.items() if k.endswith("_basic"))  # type: ignore[return-value]


def _whole(records: list[dict[str, object]]) -> list[dict[str, object]]:
    """The records of the families whose tables hold all a guide needs."""
    return [r for r in records if "up_task_general_basic" in r or "up_task_public_basic" in r]


def test_the_platforms_records_import_with_every_bad_row_named(tmp_path: Path) -> None:
    records = _whole(_exported(tmp_path))
    extension = json.loads(json.dumps(records[0]))
    basic = extension.get("up_task_general_basic") or extension["up_task_public_basic"]
    basic["task_type"] = "99"
    basic["catalog_code"] = basic["catalog_code"][:2] + "99" + basic["catalog_code"][4:]
    basic["task_code"] = basic["task_code"][:21] + "99" + basic["task_code"][23:]
    basic.update(local_task_code="XK00101000", local_catalog_code="610113-XK-0001")
    for row in extension.values():
        for each in row if isinstance(row, list) else [row]:
            each["task_code"] = basic["task_code"]
    broken = json.loads(json.dumps(records[1]))
    broken_basic = broken.get("up_task_general_basic") or broken["up_task_public_basic"]
    broken_basic["task_code"] = "E-000004-001-000-0001-00000001"
    table = "up_task_general_basic" if "up_task_general_basic" in broken else "up_task_public_basic"
    source = tmp_path / "platform.json"
    source.write_text(json.dumps([*records[2:], extension, broken], ensure_ascii=False), "utf-8")
    catalogue = tmp_path / "imported"
    code, _, stderr = _run("import", str(source), "--out", str(catalogue))
    assert code == 1 and "nothing was written" in stderr
    number = len(records) - 2 + 2  # the broken record is the last
    assert f"{table}, row {number}, task_code: " in stderr and "local code" in stderr
    code, stdout, stderr = _run("import", str(source), "--out", str(catalogue), "--partial")
    assert code == 1 and f"{len(records) - 1} guides written" in stdout
    written = {p.stem: from_json(p.read_bytes()) for p in (catalogue / "guides").glob("*.json")}
    kept = written[basic["task_code"]]
    assert kept.matter_type == ExtensionType("99")
    assert kept.local_codes == ("XK00101000",) and kept.local_catalog_code == "610113-XK-0001"
    assert len(written) == len(records) - 1


def test_a_file_that_is_not_json_is_a_clear_error(tmp_path: Path) -> None:
    source = tmp_path / "platform.json"
    source.write_text("[{", "utf-8")
    code, _, stderr = _run("import", str(source), "--out", str(tmp_path / "out"))
    assert code == 2 and "platform.json" in stderr and "Traceback" not in stderr


def test_every_family_imports_over_the_catalogue_that_holds_its_guides(tmp_path: Path) -> None:
    records = _exported(tmp_path)
    assert {k for r in records for k in r if k.endswith("_basic")} == {
        f"up_task_{f}_basic" for f in ("general", "punish", "handle", "check", "public")
    }
    source = tmp_path / "platform.json"
    source.write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    fresh = tmp_path / "fresh"
    code, stdout, stderr = _run("import", str(source), "--out", str(fresh), "--partial")
    partial = len(records) - len(_whole(records))
    assert code == 1 and stderr.count("do not hold") == partial
    assert f"{len(_whole(records))} guides written" in stdout
    # Into the catalogue that holds the guides (its registry gives their codes), every
    # family reads over its guide and is written back to that guide's own file.
    catalogue = tmp_path / "catalogue"
    before = sorted(p.name for p in (catalogue / "guides").glob("*.json"))
    code, stdout, stderr = _run("import", str(source), "--out", str(catalogue), "--force")
    assert code == 0, stderr
    assert f"{len(records)} guides written" in stdout
    assert sorted(p.name for p in (catalogue / "guides").glob("*.json")) == before
    for name in before:  # each now holds its codes, and what the catalogue said besides
        guide = from_json((catalogue / "guides" / name).read_bytes())
        source_guide = from_json((ROOT / "registry" / "guides" / name).read_bytes())
        assert guide.implementation_code is not None
        assert (guide.place, guide.service_objects) == (
            source_guide.place,
            source_guide.service_objects,
        )


def test_a_repeated_implementation_code_is_named_not_dropped(tmp_path: Path) -> None:
    records = _whole(_exported(tmp_path))
    source = tmp_path / "platform.json"
    source.write_text(json.dumps([records[0], records[1], records[0]], ensure_ascii=False), "utf-8")
    code, _, stderr = _run("import", str(source), "--out", str(tmp_path / "out"))
    assert code == 1 and "row 3, task_code: repeats the implementation code of record 1" in stderr


def test_a_repeat_written_otherwise_is_still_a_repeat(tmp_path: Path) -> None:
    records = _whole(_exported(tmp_path))
    again = json.loads(json.dumps(records[0]))
    for rows in again.values():
        for row in rows if isinstance(rows, list) else [rows]:
            row["task_code"] = row["task_code"].lower()
    source = tmp_path / "platform.json"
    source.write_text(json.dumps([records[0], again], ensure_ascii=False), "utf-8")
    code, _, stderr = _run("import", str(source), "--out", str(tmp_path / "out"))
    assert code == 1 and "row 2, task_code: repeats the implementation code of record 1" in stderr


NEW = ("situations", "discretion", "inspection", "responsibility", "intermediary_services")


def _new_fields(guide: Guide) -> tuple[object, ...]:
    tagged = tuple(i.applies_to for i in (*guide.conditions, *guide.materials, *guide.fees))
    return (*(getattr(guide, name) for name in NEW), tagged)


def test_situations_and_power_fields_come_back_through_export_and_import(tmp_path: Path) -> None:
    records = _exported(tmp_path)
    assert any(r.get("up_task_punish_discretion") for r in records)
    assert any(r.get("up_task_general_situation") for r in records)
    source = tmp_path / "platform.json"
    source.write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    catalogue = tmp_path / "catalogue"
    code, _, stderr = _run("import", str(source), "--out", str(catalogue), "--force")
    assert code == 0, stderr
    for path in sorted((catalogue / "guides").glob("*.json")):
        guide = from_json(path.read_bytes())
        original = from_json((ROOT / "registry" / "guides" / path.name).read_bytes())
        assert _new_fields(guide) == _new_fields(original), path.name


def test_the_platforms_own_export_imports_over_the_guides_it_lacks_tables_for(
    tmp_path: Path,
) -> None:
    """The platform's export has none of this library's tables: the guide keeps what they
    held, and a penalty text changed on the platform is named, not taken as conditions."""
    records = _exported(tmp_path)
    platforms = [{name: rows for name, rows in r.items() if name in _DDL_TABLES} for r in records]
    punished = next(i for i, r in enumerate(records) if r.get("up_task_punish_discretion"))
    source = tmp_path / "platform.json"
    source.write_text(json.dumps(platforms, ensure_ascii=False), "utf-8")
    catalogue = tmp_path / "catalogue"
    code, _, stderr = _run("import", str(source), "--out", str(catalogue), "--force")
    assert code == 0, stderr
    for path in sorted((catalogue / "guides").glob("*.json")):
        original = from_json((ROOT / "registry" / "guides" / path.name).read_bytes())
        assert _new_fields(from_json(path.read_bytes())) == _new_fields(original), path.name
    platforms[punished]["up_task_punish_basic"]["punishment_method"] = "改写的处罚"
    source.write_text(json.dumps(platforms, ensure_ascii=False), "utf-8")
    code, _, stderr = _run("import", str(source), "--out", str(catalogue), "--force")
    assert code == 1 and "punishment_method: is not the text of the guide's discretion" in stderr
