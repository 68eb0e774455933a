"""The six published lists: built from the bundled catalogue, one row per qualifying matter or
fee, every row naming a code the registry has issued, derived anew at every run."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import tomllib
from pathlib import Path
from typing import Any

import attrs
import lxml.html
import openpyxl
import pytest
from click.testing import CliRunner
from conftest import ROOT, copy_catalogue, without_codes
from hypothesis import given
from hypothesis import strategies as st
from strategies import guides

from service_codes import Registry
from service_codes.cli import main
from service_codes.codelists import Frequency, label_zh
from service_codes.formats.json import from_json
from service_codes.formats.lists_out import FORMATS, PAGE, ListSink, file_names
from service_codes.lists import (
    FEES,
    INSPECTION,
    INTERMEDIARY,
    LISTS,
    POWER,
    PUBLIC_SERVICE,
    RESPONSIBILITY,
    PublishedList,
    Tables,
    percent,
)
from service_codes.lookup import look_up
from service_codes.matter_types import Declared, ExtensionType, Family, MatterTypes
from service_codes.model import Fee, Guide, IntermediaryService
from service_codes.output import MARK


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--lang", "en", *args])
    return result.exit_code, result.stdout, result.stderr


def build_lists(catalogue: Path, out: Path, *options: str) -> None:
    code, _, stderr = run("lists", str(catalogue), "--out", str(out), *options)
    assert code == 0, stderr


# --- what the lists should hold, counted from the guides' JSON, not by the code under test ---


def _documents(catalogue: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_bytes()) for p in sorted((catalogue / "guides").glob("*.json"))]


def _public_service_types(catalogue: Path) -> set[str]:
    """The matter type values of the public-service family, as the catalogue declares them."""
    declared = catalogue / "codelists.toml"
    table = tomllib.loads(declared.read_text("utf-8")) if declared.is_file() else {}
    extensions = table.get("matter_type", {})
    return {"public_service"} | {
        c for c, d in extensions.items() if d["family"] == "public_service"
    }


def expected_rows(catalogue: Path) -> dict[str, int]:
    documents = _documents(catalogue)
    public = _public_service_types(catalogue)
    powers = sum(1 for d in documents if d["matter_type"] not in public)
    return {
        "power": powers,
        "responsibility": powers,
        "public-service": len(documents) - powers,
        "fees": sum(len(d.get("fees", [])) for d in documents),
        "intermediary-fees": sum(
            len(d.get("intermediary_services", []))
            for d in documents
            if d["matter_type"] == "licensing"
        ),
        "inspection": sum(1 for d in documents if "inspection" in d),
    }


def read_csv(path: Path) -> list[dict[str, str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 by its mark
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def read_xlsx(path: Path) -> list[list[Any]]:
    book = openpyxl.load_workbook(path, read_only=True)
    assert len(book.sheetnames) == 1
    return [list(row) for row in book[book.sheetnames[0]].iter_rows(values_only=True)]


def _header(published: PublishedList, field: str) -> str:
    return next(c.header for c in published.columns if c.field == field)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The bundled catalogue copied, and its lists in every format."""
    root = tmp_path_factory.mktemp("lists")
    catalogue = copy_catalogue(root)
    build_lists(catalogue, root / "out")
    return catalogue, root / "out"


# --- the files ------------------------------------------------------------------------------


def test_every_format_writes_every_list(built: tuple[Path, Path]) -> None:
    _, out = built
    written = sorted(p.name for p in out.iterdir() if p.name != MARK)
    assert written == sorted(file_names(FORMATS))
    assert len(written) == 2 * len(LISTS) + 1


@pytest.mark.parametrize("published", LISTS, ids=lambda p: p.name)
def test_each_csv_has_one_row_per_qualifying_matter_or_fee(
    built: tuple[Path, Path], published: PublishedList
) -> None:
    catalogue, out = built
    rows = read_csv(out / f"{published.name}.csv")
    assert len(rows) == expected_rows(catalogue)[published.name]
    assert all(set(row) == {c.header for c in published.columns} for row in rows)


@pytest.mark.parametrize("published", LISTS, ids=lambda p: p.name)
def test_each_workbook_opens_with_headers_and_one_row_per_item(
    built: tuple[Path, Path], published: PublishedList
) -> None:
    catalogue, out = built
    header, *rows = read_xlsx(out / f"{published.name}.xlsx")
    assert header == [c.header for c in published.columns]
    assert len(rows) == expected_rows(catalogue)[published.name]


def test_the_bundled_catalogue_fills_every_list(built: tuple[Path, Path]) -> None:
    catalogue, _ = built
    counts = expected_rows(catalogue)
    assert all(counts[p.name] > 0 for p in LISTS), counts


@pytest.mark.parametrize("published", LISTS, ids=lambda p: p.name)
def test_every_row_names_a_code_the_registry_issued_for_its_matter(
    built: tuple[Path, Path], published: PublishedList
) -> None:
    catalogue, out = built
    registry = Registry.open(catalogue)
    before = registry.size
    coded = registry.assign_many(
        from_json(p.read_bytes()) for p in (catalogue / "guides").glob("*.json")
    )
    assert registry.size == before  # the run coded them all already
    by_code = {str(g.implementation_code): g for g in coded}
    code_column = _header(published, "implementation_code")
    name_column = _header(published, "name")
    for row in read_csv(out / f"{published.name}.csv"):
        found = look_up(registry, row[code_column])
        assert found.issued, row[code_column]
        guide = by_code[row[code_column]]
        assert row[name_column].startswith(guide.name)
    registry.close()


def test_the_power_list_names_each_catalog_code_as_issued(built: tuple[Path, Path]) -> None:
    catalogue, out = built
    registry = Registry.open(catalogue)
    for row in read_csv(out / "power.csv"):
        catalog = row[_header(POWER, "catalog_code")]
        assert registry.info(catalog).code == catalog
        assert row[_header(POWER, "implementation_code")].endswith(catalog)
    registry.close()


@pytest.mark.parametrize("published", [FEES, INTERMEDIARY], ids=lambda p: p.name)
def test_fees_are_grouped_by_agency_with_their_legal_basis(
    built: tuple[Path, Path], published: PublishedList
) -> None:
    catalogue, out = built
    rows = read_csv(out / f"{published.name}.csv")
    agency, code = published.columns[0].header, _header(published, "implementation_code")
    keys = [(row[agency], row[code]) for row in rows]
    assert keys == sorted(keys)
    prefix = "fees" if published is FEES else "intermediary_services"
    given_bases = sorted(
        item.get("legal_basis", "")
        for d in _documents(catalogue)
        if published is FEES or d["matter_type"] == "licensing"
        for item in d.get(prefix, [])
    )
    assert sorted(row[_header(published, f"{prefix}.legal_basis")] for row in rows) == given_bases


def test_the_inspection_list_shows_ratio_and_frequency_as_published(
    built: tuple[Path, Path],
) -> None:
    catalogue, out = built
    inspections = {d["name"]: d["inspection"] for d in _documents(catalogue) if "inspection" in d}
    rows = read_csv(out / "inspection.csv")
    assert rows
    for row in rows:
        given_one = inspections[row[_header(INSPECTION, "name")].split("（")[0]]
        ratio = row[_header(INSPECTION, "inspection.ratio")]
        assert re.fullmatch(r"\d+(\.\d*[1-9])?%", ratio), ratio
        assert float(ratio[:-1]) == float(given_one["ratio"])
        assert row[_header(INSPECTION, "inspection.subjects")] == str(given_one["subjects"])
        frequency = label_zh(Frequency(given_one["frequency"]))
        assert row[_header(INSPECTION, "inspection.frequency")] == frequency


def test_the_page_has_one_table_per_list_and_nothing_external(built: tuple[Path, Path]) -> None:
    catalogue, out = built
    tree = lxml.html.fromstring((out / PAGE).read_bytes())
    tables = tree.xpath("//table")
    assert [t.get("data-list") for t in tables] == [p.name for p in LISTS]
    counts = expected_rows(catalogue)
    for table in tables:
        rows = table.xpath("./tbody/tr[td and not(td[@class='none'])]")
        assert len(rows) == counts[table.get("data-list")]
    assert not tree.xpath("//script | //link[not(@href='data:,')] | //img | //*[@src]")
    assert "@media print" in (out / PAGE).read_text("utf-8")
    assert "url(" not in (out / PAGE).read_text("utf-8")


def test_the_page_groups_fees_under_their_agency(built: tuple[Path, Path]) -> None:
    catalogue, out = built
    tree = lxml.html.fromstring((out / PAGE).read_bytes())
    groups = tree.xpath("//table[@data-list='fees']/tbody/tr[@class='group']/th/text()")
    agencies = {d["agency"]["name"] for d in _documents(catalogue) if d.get("fees")}
    assert sorted(groups) == groups and set(groups) == agencies


# --- derived, never hand-kept ----------------------------------------------------------------


def test_editing_a_fee_changes_the_fee_catalogue_at_the_next_run(tmp_path: Path) -> None:
    catalogue, out = copy_catalogue(tmp_path), tmp_path / "out"
    build_lists(catalogue, out, "--format", "csv")
    before = read_csv(out / "fees.csv")
    path = next(
        p for p in sorted((catalogue / "guides").glob("*.json")) if b'"fees"' in p.read_bytes()
    )
    document = json.loads(path.read_bytes())
    document["fees"][0]["standard"] = "每平方米每日 1.5 元。"
    document["fees"].append(
        {"name": "测试收费", "standard": "每件 10 元。", "legal_basis": "《测试条例》第一条"}
    )
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
    build_lists(catalogue, out, "--format", "csv")  # our own files: no --force needed
    after = read_csv(out / "fees.csv")
    assert len(after) == len(before) + 1
    standards = [row[_header(FEES, "fees.standard")] for row in after]
    assert "每平方米每日 1.5 元。" in standards and "每件 10 元。" in standards
    assert before != after


def test_the_same_input_gives_identical_bytes(tmp_path: Path) -> None:
    catalogue = copy_catalogue(tmp_path)
    build_lists(catalogue, tmp_path / "one")
    build_lists(catalogue, tmp_path / "two")
    for name in file_names(FORMATS):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), (
            name
        )


def test_a_file_the_command_did_not_write_is_never_overwritten(tmp_path: Path) -> None:
    catalogue, out = copy_catalogue(tmp_path), tmp_path / "out"
    out.mkdir()
    (out / "fees.csv").write_text("a person's own fee table", "utf-8")
    code, _, stderr = run("lists", str(catalogue), "--out", str(out))
    assert code == 2
    assert "fees.csv" in stderr
    assert (out / "fees.csv").read_text("utf-8") == "a person's own fee table"
    assert sorted(p.name for p in out.iterdir()) == ["fees.csv"]  # nothing else was written
    build_lists(catalogue, out, "--force")
    assert len(read_csv(out / "fees.csv")) == expected_rows(catalogue)["fees"]


def test_formats_may_be_repeated_or_comma_separated(tmp_path: Path) -> None:
    catalogue = copy_catalogue(tmp_path)
    build_lists(catalogue, tmp_path / "a", "--format", "csv,html")
    build_lists(catalogue, tmp_path / "b", "--format", "html", "--format", "csv")
    for folder in ("a", "b"):
        names = sorted(p.name for p in (tmp_path / folder).iterdir() if p.name != MARK)
        assert names == sorted(file_names(["csv", "html"]))
    code, _, stderr = run(
        "lists", str(catalogue), "--out", str(tmp_path / "c"), "--format", "csv,pdf"
    )
    assert code == 2 and "pdf" in stderr
    assert not (tmp_path / "c").exists()


def test_the_command_refuses_an_output_inside_the_guides(tmp_path: Path) -> None:
    catalogue = copy_catalogue(tmp_path)
    code, _, _ = run("lists", str(catalogue), "--out", str(catalogue / "guides" / "lists"))
    assert code == 2
    assert not (catalogue / "guides" / "lists").exists()


# --- the rows, from records ------------------------------------------------------------------


def _bundled(name: str) -> Guide:
    return from_json((ROOT / "registry" / "guides" / f"{name}.json").read_bytes())


def _with_situations() -> Guide:
    paths = sorted((ROOT / "registry" / "guides").glob("*.json"))
    return next(g for g in map(lambda p: from_json(p.read_bytes()), paths) if g.situations)


def test_a_power_matter_without_responsibility_keeps_an_empty_row() -> None:
    guide = attrs.evolve(_bundled("marriage-registration"), responsibility=None)
    (row,) = RESPONSIBILITY.rows(guide, MatterTypes())
    assert row[3:] == (None, None, None)
    assert row[1] is not None and row[1].startswith(guide.name)


def test_an_extension_type_is_a_power_unless_declared_a_public_service() -> None:
    guide = attrs.evolve(_bundled("marriage-registration"), matter_type=ExtensionType("21"))
    undeclared = MatterTypes()
    declared = MatterTypes.of({"21": Declared("21", "依申请公共服务", Family.PUBLIC_SERVICE)})
    assert len(list(POWER.rows(guide, undeclared))) == 1
    assert not list(PUBLIC_SERVICE.rows(guide, undeclared))
    assert not list(POWER.rows(guide, declared))
    assert len(list(PUBLIC_SERVICE.rows(guide, declared))) == 1


def test_only_licensing_matters_list_intermediary_services() -> None:
    services = (IntermediaryService(name="检测", standard="市场调节价"),)
    licensing = attrs.evolve(
        _bundled("public-place-health-licence"), intermediary_services=services
    )
    other = attrs.evolve(_bundled("marriage-registration"), intermediary_services=services)
    assert [row[1] for row in INTERMEDIARY.rows(licensing, MatterTypes())] == ["检测"]
    assert not list(INTERMEDIARY.rows(other, MatterTypes()))


def test_a_ratio_is_shown_as_published() -> None:
    assert [percent(r) for r in (5, 5.0, 0.5, 12.25, 100)] == ["5%", "5%", "0.5%", "12.25%", "100%"]


@given(st.lists(guides(), max_size=6), st.randoms(use_true_random=False))
def test_rows_do_not_depend_on_the_order_guides_come_in(
    drawn: list[Guide], shuffle: random.Random
) -> None:
    shuffled = list(drawn)
    shuffle.shuffle(shuffled)
    first, second = Tables(), Tables()
    for guide in drawn:
        first.add(guide)
    for guide in shuffled:
        second.add(guide)
    for published in LISTS:
        assert first.rows(published) == second.rows(published)
    assert len(first.rows(FEES)) == sum(len(g.fees) for g in drawn)
    assert len(first.rows(POWER)) + len(first.rows(PUBLIC_SERVICE)) == len(drawn)
    agencies = [row[0] for row in first.rows(FEES)]
    assert agencies == sorted(agencies)


@given(st.lists(guides(), max_size=4))
def test_the_sink_renders_the_same_bytes_for_the_same_guides(drawn: list[Guide]) -> None:
    files = []
    for _ in range(2):
        sink = ListSink(FORMATS)
        for guide in drawn:
            sink.add(guide.name, guide)
        files.append(sink.finish())
    assert files[0] == files[1]
    assert sorted(files[0]) == sorted(file_names(FORMATS))


def test_a_fee_applying_to_a_situation_names_its_options() -> None:
    guide = _with_situations()
    option = guide.situations[0].options[0]
    fee = Fee(name="测试收费", standard="每件 10 元。", applies_to=(option.id,))
    (row,) = FEES.rows(attrs.evolve(without_codes(guide), fees=(fee,)), MatterTypes())
    assert row[6] == option.name
