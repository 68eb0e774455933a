"""The constraints situations, discretion and inspection add to the JSON Schema: for each, a
guide that breaks it (the problem at the exact field, in both languages) and a near twin that
keeps it (docs/validation.md lists them beside the rules)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from conftest import ROOT

from service_codes.formats import read_and_check

Data = dict[str, Any]


def _bundled(name: str) -> Data:
    data: Data = json.loads((ROOT / "registry" / "guides" / f"{name}.json").read_bytes())
    return data


INSPECTION = _bundled("inspection-food-business")
PENALTY = _bundled("penalty-unlicensed-food-business")
SITUATED = next(
    data
    for path in sorted((ROOT / "registry" / "guides").glob("*.json"))
    if (data := json.loads(path.read_bytes())).get("situations")
)


def _set(data: Data, path: str, value: Any) -> Data:
    """A copy of ``data`` with the value at a JSON Pointer replaced (or removed when None)."""
    changed = copy.deepcopy(data)
    *parents, last = path.strip("/").split("/")
    at: Any = changed
    for part in parents:
        at = at[int(part)] if isinstance(at, list) else at[part]
    key: Any = int(last) if isinstance(at, list) else last
    if value is None:
        del at[key]
    else:
        at[key] = value
    return changed


def _first_option_only(data: Data) -> Data:
    changed = copy.deepcopy(data)
    situation = changed["situations"][0]
    dropped = {o["id"] for o in situation["options"][1:]}
    situation["options"] = situation["options"][:1]
    # Items tagged for a dropped option would add rule problems; keep the schema's alone.
    for key in ("conditions", "materials", "fees"):
        for item in changed.get(key, []):
            if "applies_to" in item:
                item["applies_to"] = [i for i in item["applies_to"] if i not in dropped]
                if not item["applies_to"]:
                    del item["applies_to"]
    return changed


FINE = "/discretion/0/penalties/2"
CASES: list[tuple[str, str, Callable[[], Data], Callable[[], Data]]] = [
    ("schema.maximum", "/inspection/ratio",
     lambda: _set(INSPECTION, "/inspection/ratio", 100.5),
     lambda: _set(INSPECTION, "/inspection/ratio", 100)),
    ("schema.minimum", "/inspection/ratio",
     lambda: _set(INSPECTION, "/inspection/ratio", -1),
     lambda: _set(INSPECTION, "/inspection/ratio", 0)),
    ("schema.enum", "/inspection/frequency",
     lambda: _set(INSPECTION, "/inspection/frequency", "hourly"),
     lambda: _set(INSPECTION, "/inspection/frequency", "quarterly")),
    ("schema.required", f"{FINE}/unit",
     lambda: _set(PENALTY, f"{FINE}/unit", None),
     lambda: PENALTY),
    ("schema.required", f"{FINE}/unit",
     lambda: _set(_set(PENALTY, f"{FINE}/unit", None), f"{FINE}/minimum", None),
     lambda: _set(PENALTY, f"{FINE}/minimum", None)),
    ("schema.minItems", "/situations/0/options",
     lambda: _first_option_only(SITUATED),
     lambda: SITUATED),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "path", "breaks", "keeps"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_schema_constraint(
    rule: str, path: str, breaks: Callable[[], Data], keeps: Callable[[], Data]
) -> None:
    _, kept = read_and_check(json.dumps(keeps(), ensure_ascii=False).encode())
    assert kept.errors == ()
    _, broken = read_and_check(json.dumps(breaks(), ensure_ascii=False).encode())
    assert [(p.path, p.rule) for p in broken.errors] == [(path, rule)]
    problem = broken.errors[0]
    assert problem.message and problem.message_zh and problem.message != problem.message_zh


def test_a_missing_unit_names_the_bound_that_needs_it() -> None:
    _, broken = read_and_check(
        json.dumps(_set(PENALTY, f"{FINE}/unit", None), ensure_ascii=False).encode()
    )
    (problem,) = broken.errors
    assert "'minimum'" in problem.message and "幅度单位" in problem.message_zh


def test_every_case_is_listed_in_the_docs() -> None:
    text = (ROOT / "docs" / "validation.md").read_text("utf-8")
    for rule, path, _, _ in CASES:
        field = path.rsplit("/", 1)[1]
        assert f"`{rule}`" in text and field in text, (rule, path)
