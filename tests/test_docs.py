"""The docs and the README stay true to the code."""

from __future__ import annotations

import doctest
import re

import pytest
from conftest import ROOT

from service_codes.schemas import guide_schema


def _schema_paths() -> list[str]:
    schema, defs, paths = guide_schema(), guide_schema()["$defs"], []

    def walk(definition: dict, prefix: str) -> None:  # type: ignore[type-arg]
        for name, prop in definition["properties"].items():
            paths.append(f"{prefix}/{name}")
            ref = prop.get("$ref") or prop.get("items", {}).get("$ref")
            target = defs.get(ref.rsplit("/", 1)[-1], {}) if ref else {}
            if target.get("type") == "object":
                walk(target, f"{prefix}/{name}" + ("/*" if prop.get("type") == "array" else ""))

    walk(schema, "")
    return paths


def test_standards_mapping_lists_every_element() -> None:
    text = (ROOT / "docs" / "standards-mapping.md").read_text("utf-8")
    missing = [p for p in _schema_paths() if f"`{p}`" not in text]
    assert not missing


def test_readme_python_runs(monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    readme = (ROOT / "README.md").read_text("utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert blocks
    monkeypatch.chdir(ROOT)
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
    assert "the level '9' is not a known level code" in capsys.readouterr().out


def test_readme_commands_are_the_ones_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    commands = re.findall(r"```sh\n(.*?)\n```", readme, re.S)
    assert len(commands) == 2 and "service-codes build" in commands[0]
    assert "pytest" in commands[1]
    assert commands[1] in (ROOT / ".ci" / "run").read_text("utf-8")


def test_docs_code_examples() -> None:
    for page in (ROOT / "docs").glob("*.md"):
        failures, _ = doctest.testfile(str(page), module_relative=False)
        assert failures == 0, page


def test_every_rule_is_documented() -> None:
    import inspect

    from service_codes import power_rules, rules, situation_rules

    modules = (rules, situation_rules, power_rules)
    ids = {i for m in modules for i in re.findall(r'"((?:[a-z]+\.)[a-z-]+)"', inspect.getsource(m))}
    text = (ROOT / "docs" / "validation.md").read_text("utf-8")
    assert ids and not [i for i in ids if f"`{i}`" not in text]


def test_every_exchange_column_is_documented() -> None:
    from service_codes.formats.exchange_tables import FAMILIES, tables

    text = (ROOT / "docs" / "formats.md").read_text("utf-8")
    columns = {c.name for f in FAMILIES for t in tables(f) for c in t.columns}
    assert columns and not [name for name in columns if f"`{name}`" not in text]
    assert all(f"`up_task_{family}_basic`" in text for family in FAMILIES)


def test_cli_and_api_references_are_current() -> None:
    import sys

    sys.path.insert(0, str(ROOT / "docs"))
    import reference

    assert (ROOT / "docs" / "cli.md").read_text("utf-8") == reference.cli_reference()
    assert (ROOT / "docs" / "api.md").read_text("utf-8") == reference.api_reference()
