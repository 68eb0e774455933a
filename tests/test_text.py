from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service_codes import normalize_name

BASE = "(新办)食品经营许可"


@given(st.text())
def test_idempotent(name: str) -> None:
    once = normalize_name(name)
    assert normalize_name(once) == once


@pytest.mark.parametrize(
    "variant",
    [
        "（新办）食品经营许可",
        "【新办】食品经营许可",
        "〔新办〕食品经营许可",
        "［新办］ 食品经营许可",
        " ( 新办 ) 食品\u3000经营\t许可\n",
        "(新办)食品\u200b经营许可",
    ],
)
def test_bracket_width_and_whitespace_variants_fold_together(variant: str) -> None:
    assert normalize_name(variant) == normalize_name(BASE)


def test_latin_case_and_full_width_letters_fold() -> None:
    assert normalize_name("ＩＣＰ许可") == normalize_name("icp许可") == "icp许可"


def test_punctuation_variants_fold() -> None:
    assert normalize_name("出版物零售、批发") == normalize_name("出版物零售,批发")
    assert normalize_name("《道路运输条例》") == normalize_name("〈道路运输条例〉")


def test_meaningful_differences_are_kept() -> None:
    assert normalize_name("食品经营许可") != normalize_name("食品生产许可")
    assert normalize_name("新办") != normalize_name("(新办)")


@given(st.text(), st.lists(st.sampled_from([" ", "\u3000", "\t", "\n"]), max_size=3))
def test_whitespace_anywhere_is_ignored(name: str, spaces: list[str]) -> None:
    padded = "".join(spaces) + name + "".join(spaces)
    assert normalize_name(padded) == normalize_name(name)


OPEN, CLOSE = "(（【〔［〖", ")）】〕］〗"


@st.composite
def names_with_a_variant(draw: st.DrawFn) -> tuple[str, str]:
    """A name and the same name typed with other widths, cases and brackets."""
    chars = draw(st.lists(st.sampled_from("abcXYZ019食品经营许可()"), min_size=1, max_size=20))
    variant = []
    for ch in chars:
        if ch == "(":
            ch = draw(st.sampled_from(OPEN))
        elif ch == ")":
            ch = draw(st.sampled_from(CLOSE))
        elif ch.isascii() and draw(st.booleans()):
            ch = chr(ord(ch.swapcase()) + 0xFEE0)  # full-width, other case
        variant.append(ch + draw(st.sampled_from(["", " ", "\u3000"])))
    return "".join(chars), "".join(variant)


@given(names_with_a_variant())
def test_blind_to_width_case_whitespace_and_bracket_variants(pair: tuple[str, str]) -> None:
    name, variant = pair
    assert normalize_name(variant) == normalize_name(name)
