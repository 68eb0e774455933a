from __future__ import annotations

import pytest
from click.testing import CliRunner

from service_codes import InvalidCode
from service_codes.cli import main
from service_codes.explain import explain_code

IMPLEMENTATION = "11450721MB155808114000104002000"


def test_an_implementation_code_part_by_part() -> None:
    parts = {p.name: p for p in explain_code(IMPLEMENTATION)}
    assert parts["USCC"].text == "11450721MB15580811"
    assert parts["region"].text == "450721" and "灵山县" in parts["region"].meaning
    assert parts["level"].meaning == "县级"
    assert parts["matter type"].meaning == "行政许可"
    assert parts["main item"].text == "04002" and parts["sub-item"].meaning == "no sub-item"
    whole = ("USCC", "level", "origin", "matter type", "main item", "sub-item")
    assert "".join(parts[name].text for name in whole) == IMPLEMENTATION


@pytest.mark.parametrize(
    ("code", "last"),
    [
        ("610100001002", "sub-item"),
        (IMPLEMENTATION + "03", "handling item"),
        (IMPLEMENTATION + "007", "material"),
        (IMPLEMENTATION + "03012", "material"),
    ],
)
def test_every_kind_of_code(code: str, last: str) -> None:
    parts = explain_code(code)
    assert parts[-1].name == last and parts[-1].meaning and parts[-1].meaning_zh
    if code.startswith("61"):
        assert parts[0].meaning == "added by the province 陕西省"


def test_an_invalid_code_says_what_is_wrong() -> None:
    with pytest.raises(InvalidCode, match="level"):
        explain_code("11450721MB155808119000104002000")


def test_explain_command() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["--lang", "zh", "explain", IMPLEMENTATION])
    assert result.exit_code == 0
    assert "行使层级：县级" in result.stdout and "事项类型：行政许可" in result.stdout
    result = runner.invoke(main, ["--lang", "en", "explain", "11450721MB155808124000104002000"])
    assert result.exit_code == 1 and "check character" in result.stderr


def test_an_invalid_code_is_explained_in_chinese_only() -> None:
    result = CliRunner().invoke(main, ["--lang", "zh", "explain", "0001000010"])
    assert result.exit_code == 1
    assert "编码应为 12、31、33、34、36 或 43 到 48 位" in result.stderr
    assert "而不是 10 位" in result.stderr
    assert "code" not in result.stderr and " or " not in result.stderr
