"""The open type slot: every two digits read and round-trip; a catalogue declares its own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import handling_item_codes, origins, type_slots, usccs

from service_codes import CatalogCode, Level, MatterType, parse_code
from service_codes.codelists import code as type_code
from service_codes.errors import InvalidCodeLists, InvalidComponent
from service_codes.matter_types import (
    EXTENSION_SLOTS,
    STANDARD,
    Declared,
    ExtensionType,
    Family,
    MatterTypes,
    catalogue_types,
    from_slot,
    from_value,
    parse_matter_types,
    slot,
)
from service_codes.schemas import guide_schema

DECLARED = """\
[matter_type]
"21" = { zh = "依申请公共服务", family = "public_service" }
"30" = { zh = "行政备案", family = "power" }
"""


@given(
    origin=origins,
    slot_=type_slots,
    main=st.integers(1, 99999),
    sub=st.integers(0, 999),
    uscc=usccs(),
    level=st.sampled_from([type_code(level) for level in Level]),
    item=st.integers(1, 99),
    material=st.integers(1, 999),
    day=st.dates(dt.date(1000, 1, 1), dt.date(9999, 12, 31)),
    serial=st.integers(4, 9).flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n)),
)
def test_every_type_slot_round_trips_in_every_kind_of_code(
    origin: str,
    slot_: str,
    main: int,
    sub: int,
    uscc: str,
    level: str,
    item: int,
    material: int,
    day: dt.date,
    serial: str,
) -> None:
    catalog = f"{origin}{slot_}{main:05d}{sub:03d}"
    implementation = f"{uscc}{level}{catalog}"
    texts = [
        catalog,
        implementation,
        f"{implementation}{item:02d}",
        f"{implementation}{material:03d}",
        f"{implementation}{item:02d}{material:03d}",
        f"{implementation}{day:%Y%m%d}{serial}",  # a case number
    ]
    for text in texts:
        assert str(parse_code(text)) == text
    parsed = CatalogCode.parse(catalog)
    assert slot(parsed.matter_type) == slot_


def test_the_standard_slots_name_their_type_and_the_others_keep_their_digits() -> None:
    named = {slot(t): t for t in MatterType}
    assert set(named) == {"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "20"}
    for number in range(100):
        digits = f"{number:02d}"
        kind = from_slot(digits)
        if digits in named:
            assert kind is named[digits]
        else:
            assert kind == ExtensionType(digits) and digits in EXTENSION_SLOTS
    assert len(EXTENSION_SLOTS) == 100 - len(named)


def test_the_schema_takes_exactly_the_slots_the_standard_leaves_free() -> None:
    import re

    pattern = re.compile(guide_schema()["$defs"]["ExtensionType"]["pattern"])
    free = [f"{n:02d}" for n in range(100) if pattern.fullmatch(f"{n:02d}")]
    assert tuple(free) == EXTENSION_SLOTS


@pytest.mark.parametrize("bad", ["01", "20", "1", "123", "ab", "２１", 21])
def test_an_extension_type_is_two_digits_the_standard_does_not_use(bad: object) -> None:
    with pytest.raises(InvalidComponent):
        ExtensionType(bad)  # type: ignore[arg-type]


@given(handling_item_codes)
def test_a_value_names_its_type_both_ways(code: object) -> None:
    kind = parse_code(str(code)).implementation.catalog.matter_type  # type: ignore[union-attr]
    assert from_value(kind.value) == kind


def test_declared_types_have_their_label_and_family() -> None:
    types = parse_matter_types(DECLARED)
    assert types.label_zh(ExtensionType("21")) == "依申请公共服务"
    assert types.family(ExtensionType("30")) is Family.POWER
    assert types.family(MatterType.PUBLIC_SERVICE) is Family.PUBLIC_SERVICE
    assert types.family(MatterType.LICENSING) is Family.POWER
    assert types.is_known(ExtensionType("21")) and not types.is_known(ExtensionType("99"))
    assert types.family(ExtensionType("99")) is None
    assert STANDARD.label_zh(ExtensionType("21")) == "扩展类型 21"
    assert types.label_zh(MatterType.LICENSING) == "行政许可"
    assert types == MatterTypes(
        (
            Declared("21", "依申请公共服务", Family.PUBLIC_SERVICE),
            Declared("30", "行政备案", Family.POWER),
        )
    )


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ('[matter_type]\n"01" = { zh = "许可", family = "power" }\n', "standard's type"),
        ('[matter_type]\n"2x" = { zh = "某类", family = "power" }\n', "two digits"),
        ('[matter_type]\n"21" = { zh = "某类" }\n', "write"),
        ('[matter_type]\n"21" = { zh = "某类", family = "both" }\n', "family"),
        ('[matter_type]\n"21" = { zh = " ", family = "power" }\n', "label"),
        ('[level]\n"8" = { zh = "某级" }\n', "only matter types"),
        ("[matter_type\n", "TOML"),
        ("matter_type = 3\n", "table"),
    ],
)
def test_a_wrong_declaration_is_refused_naming_the_entry(text: str, names: str) -> None:
    with pytest.raises(InvalidCodeLists) as caught:
        parse_matter_types(text, "registry/codelists.toml")
    assert names in caught.value.message or names in caught.value.message_zh
    assert caught.value.message_zh != caught.value.message


def test_a_catalogue_without_a_code_list_file_declares_nothing(tmp_path: Path) -> None:
    assert catalogue_types(tmp_path) == STANDARD
    (tmp_path / "codelists.toml").write_text(DECLARED, "utf-8")
    assert catalogue_types(tmp_path).label_zh(ExtensionType("30")) == "行政备案"
    (tmp_path / "codelists.toml").write_bytes(b"\xff\xfe")
    with pytest.raises(InvalidCodeLists):
        catalogue_types(tmp_path)


# --- a catalogue that declares its types -----------------------------------------------------


def _catalogue_with_an_extension(tmp_path: Path, declared: bool) -> Path:
    import json
    import shutil

    from conftest import ROOT

    catalogue = tmp_path / "catalogue"
    shutil.copytree(ROOT / "registry" / "guides", catalogue / "guides")
    path = catalogue / "guides" / "marriage-registration.json"
    data = json.loads(path.read_text("utf-8"))
    data["matter_type"] = "21"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    if declared:
        (catalogue / "codelists.toml").write_text(DECLARED, "utf-8")
    return catalogue


def _run(*args: str) -> tuple[int, str, str]:
    from click.testing import CliRunner

    from service_codes.cli import main

    result = CliRunner().invoke(main, ["--lang", "en", *args])
    return result.exit_code, result.stdout, result.stderr


def test_an_undeclared_type_is_built_with_a_warning_and_a_declared_one_without(
    tmp_path: Path,
) -> None:
    from service_codes import from_json

    for declared in (False, True):
        catalogue = _catalogue_with_an_extension(tmp_path / str(declared), declared)
        out = tmp_path / str(declared) / "out"
        code, stdout, stderr = _run("build", str(catalogue), "--out", str(out))
        assert code == 0, stderr
        warned = "marriage-registration.json: /matter_type:" in stdout + stderr
        assert warned is not declared
        built = from_json((out / "guides" / "marriage-registration.json").read_bytes())
        assert str(built.catalog_code).startswith("0021")
        assert built.matter_type == ExtensionType("21")
        assert str(built.implementation_code).endswith(str(built.catalog_code))


def test_a_changed_declaration_rebuilds_every_guide(tmp_path: Path) -> None:
    catalogue = _catalogue_with_an_extension(tmp_path, declared=False)
    out = tmp_path / "out"
    assert _run("build", str(catalogue), "--out", str(out))[0] == 0
    code, stdout, _ = _run("build", str(catalogue), "--out", str(out), "--incremental")
    assert code == 0 and "; 0 changed" in stdout
    (catalogue / "codelists.toml").write_text(DECLARED, "utf-8")
    code, stdout, stderr = _run("build", str(catalogue), "--out", str(out), "--incremental")
    assert code == 0 and "/matter_type" not in stdout + stderr and "; 0 changed" not in stdout


def test_explain_validate_and_render_name_a_declared_type(tmp_path: Path) -> None:
    catalogue = _catalogue_with_an_extension(tmp_path, declared=True)
    lists = str(catalogue / "codelists.toml")
    guide = str(catalogue / "guides" / "marriage-registration.json")
    code, stdout, _ = _run("explain", "002105003000")
    assert code == 0 and "an extension type the catalogue does not declare" in stdout
    code, stdout, _ = _run("explain", "002105003000", "--codelists", lists)
    assert code == 0 and "依申请公共服务" in stdout
    code, stdout, _ = _run("validate", guide)
    assert code == 0 and "/matter_type" in stdout
    code, stdout, _ = _run("validate", guide, "--codelists", lists)
    assert code == 0 and "/matter_type" not in stdout
    pages = tmp_path / "pages"
    code, _, stderr = _run("render", guide, "--out", str(pages), "--codelists", lists)
    assert code == 0, stderr
    assert "依申请公共服务" in (pages / "marriage-registration.html").read_text("utf-8")
    assert "依申请公共服务" in (pages / "index.html").read_text("utf-8")


def test_a_broken_code_list_file_is_a_clear_error(tmp_path: Path) -> None:
    catalogue = _catalogue_with_an_extension(tmp_path, declared=False)
    (catalogue / "codelists.toml").write_text('[matter_type]\n"01" = {}\n', "utf-8")
    code, _, stderr = _run("build", str(catalogue), "--out", str(tmp_path / "out"))
    assert code == 1 and "codelists.toml" in stderr and "Traceback" not in stderr
    code, _, stderr = _run("explain", "002105003000", "--codelists", str(tmp_path / "none.toml"))
    assert code == 2 and "none.toml" in stderr
