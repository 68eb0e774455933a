from __future__ import annotations

import shutil
from pathlib import Path

import attrs
from click.testing import CliRunner
from conftest import ROOT

from service_codes import Agency, LegalBasis, TimeLimit, TimeUnit, from_json, to_json
from service_codes.cli import main
from service_codes.consistency import check_consistency
from service_codes.problems import Severity

TEMPLATE = from_json((ROOT / "registry" / "guides" / "food-business-licence-new.json").read_bytes())
OTHER = Agency(name="西安市雁塔区市场监督管理局", uscc="116101130057276552")


def twin(**changes: object) -> list:  # type: ignore[type-arg]
    return [TEMPLATE, attrs.evolve(TEMPLATE, agency=OTHER, **changes)]


def test_identical_implementations_agree() -> None:
    report = check_consistency(twin())
    assert report.groups == 1 and report.differences == () and report.ok


def test_standard_elements_that_differ_are_errors() -> None:
    report = check_consistency(
        twin(
            name="食品 经营许可",  # same identity, other spelling
            competent_department="雁塔区商务局",
            legal_basis=(LegalBasis(law="《食品安全法》"),),
        )
    )
    assert [(d.element, d.severity) for d in report.differences] == [
        ("name", Severity.ERROR),
        ("legal_basis", Severity.ERROR),
        ("competent_department", Severity.ERROR),
    ]
    assert not report.ok
    name = report.differences[0]
    assert [v.agency for v in name.variants] == [TEMPLATE.agency.name, OTHER.name]


def test_materials_conditions_and_time_limits_are_listed_for_review() -> None:
    report = check_consistency(
        twin(
            materials=TEMPLATE.materials[:-1],
            conditions=TEMPLATE.conditions[1:],
            promised_limit=TimeLimit(value=3, unit=TimeUnit.WORKING_DAY),
        )
    )
    assert [(d.element, d.severity) for d in report.differences] == [
        ("materials", Severity.WARNING),
        ("conditions", Severity.WARNING),
        ("promised_limit", Severity.WARNING),
    ]
    assert report.ok
    assert report.differences[2].variants[1].value == "3 工作日"


def test_different_matters_are_not_compared() -> None:
    other = attrs.evolve(TEMPLATE, name="食品生产许可", agency=OTHER, conditions=())
    assert check_consistency([TEMPLATE, other]) == check_consistency([])


def test_check_command(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue"
    shutil.copytree(ROOT / "registry" / "guides", catalogue / "guides")
    runner = CliRunner()
    result = runner.invoke(main, ["--lang", "en", "check", str(catalogue)])
    assert result.exit_code == 0 and "0 errors, 0 to review" in result.stdout
    copy = attrs.evolve(TEMPLATE, agency=OTHER, competent_department="雁塔区商务局", conditions=())
    (catalogue / "guides" / "zz-copy.json").write_text(to_json(copy), encoding="utf-8")
    result = runner.invoke(main, ["--lang", "en", "check", str(catalogue)])
    assert result.exit_code == 1
    assert "食品经营许可: competent_department differs (error)" in result.stdout
    assert "conditions differs (review)" in result.stdout
    assert "1 matter with several implementations, 1 error, 1 to review" in result.stdout
    assert not (catalogue / "codes.jsonl").exists()  # checking writes nothing


def test_a_coded_and_an_uncoded_implementation_of_one_matter_are_compared() -> None:
    from service_codes import CatalogCode

    coded = attrs.evolve(TEMPLATE, catalog_code=CatalogCode.parse("000100001001"))
    other = attrs.evolve(TEMPLATE, agency=OTHER, competent_department="雁塔区商务局")
    report = check_consistency([coded, other])
    assert report.groups == 1
    assert [d.element for d in report.errors] == ["competent_department"]
    assert report.errors[0].matter == "000100001001"


def test_differences_carry_the_chinese_name_of_their_element() -> None:
    report = check_consistency(
        twin(competent_department="雁塔区商务局", conditions=TEMPLATE.conditions[1:])
    )
    assert [(d.element, d.element_zh) for d in report.differences] == [
        ("competent_department", "主管部门"),
        ("conditions", "受理条件"),
    ]
