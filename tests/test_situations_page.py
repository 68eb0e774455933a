"""Situations on the rendered page in Chromium: the answers a reader picks hide what does not
apply to them, as `applicable` says, and the printed page still lists everything."""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from pathlib import Path

import attrs
import test_chromium
from conftest import ROOT
from hypothesis import HealthCheck, Phase, given, settings
from strategies import guides
from test_chromium import chromium, measure, tool
from test_situations import answer_sets

from service_codes import Fee, Guide, Option, Situation, applicable, from_json
from service_codes.formats.html import render_guide

pytestmark = test_chromium.pytestmark  # skipped where Chromium is missing, as there

# The answers of each set are clicked on the page as a reader would; after each set the page
# reports which conditions, materials and fees are still displayed.
PICK_AND_LOOK = """
const section = (title) => [...document.querySelectorAll("section")]
  .find((s) => s.querySelector("h2").textContent === title);
const shown = (items) => [...items].map((e, i) => [e, i])
  .filter(([e]) => getComputedStyle(e).display !== "none").map(([, i]) => i);
return ANSWERS.map((answers) => {
  document.querySelector("section.situations form").reset();
  for (const id of answers) document.querySelector(`input[value="${id}"]`).click();
  return {
    conditions: shown(section("受理条件").querySelectorAll("ol > li")),
    materials: shown(document.querySelectorAll("table.materials tbody tr")),
    fees: shown(section("收费").querySelectorAll("ul > li")),
  };
});
"""


def two_question_guide() -> Guide:
    """A bundled guide asked two questions: who applies (one answer) and what food is sold
    (optional, any number); its conditions, materials and fees tagged with their options."""
    guide = from_json((ROOT / "registry/guides/food-business-licence-new.json").read_bytes())
    kind = Situation(
        id="kind",
        question="申请人类型",
        options=(Option(id="individual", name="个体工商户"), Option(id="company", name="企业")),
    )
    food = Situation(
        id="food",
        question="经营项目",
        options=(Option(id="hot", name="热食类"), Option(id="cold", name="冷食类")),
        required=False,
        multiple=True,
    )
    tags = [(), ("individual",), ("company",), ("hot", "cold"), ("company", "cold")]
    assert len(guide.materials) >= len(tags)  # every kind of tag is on some material
    fees = (
        Fee(name="工本费", standard="不收费"),
        Fee(name="现场核查费", standard="不收费", applies_to=("company", "hot")),
    )
    return attrs.evolve(
        guide,
        situations=(kind, food),
        conditions=tuple(
            attrs.evolve(c, applies_to=("company",) if i == 1 else ())
            for i, c in enumerate(guide.conditions)
        ),
        materials=tuple(
            attrs.evolve(m, applies_to=tags[i % len(tags)]) for i, m in enumerate(guide.materials)
        ),
        fees=fees,
    )


def expected(guide: Guide, answers: frozenset[str]) -> dict[str, list[int]]:
    """The positions of the items `applicable` keeps, as the page numbers them."""
    kept = applicable(guide, answers)
    return {
        field: [i for i, item in enumerate(getattr(guide, field)) if item in getattr(kept, field)]
        for field in ("conditions", "materials", "fees")
    }


def everything(guide: Guide) -> dict[str, list[int]]:
    return {f: list(range(len(getattr(guide, f)))) for f in ("conditions", "materials", "fees")}


def shown_on_screen(directory: Path, guide: Guide, answers: list[list[str]]) -> object:
    page = directory / "guide.html"
    page.write_text(render_guide(guide), encoding="utf-8")
    return measure(directory, page, PICK_AND_LOOK.replace("ANSWERS", json.dumps(answers)))


def test_chosen_answers_show_exactly_what_applies(tmp_path: Path) -> None:
    guide = two_question_guide()
    sets = sorted(answer_sets(guide), key=sorted)
    assert len(sets) == 8  # 2 kinds of applicant x 4 sets of food
    found = shown_on_screen(tmp_path, guide, [sorted(s) for s in sets])
    assert found == [expected(guide, s) for s in sets]
    assert isinstance(found, list)
    hidden = [len(guide.materials) - len(f["materials"]) for f in found]
    assert min(hidden) >= 1 and max(hidden) >= 3  # the check sees materials go


def test_everything_shows_until_the_required_question_is_answered(tmp_path: Path) -> None:
    guide = two_question_guide()
    found = shown_on_screen(tmp_path, guide, [[], ["hot"], ["hot", "cold"]])
    assert found == [everything(guide)] * 3


situated = guides().filter(lambda g: bool(g.situations) and len(g.materials) > 0)


# Each example starts a browser: a few, and no shrinking (it would start hundreds).
@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
@given(situated)
def test_generated_guides_show_what_applies_to_each_answer_set(guide: Guide) -> None:
    sets = sorted(answer_sets(guide), key=sorted)
    with tempfile.TemporaryDirectory() as folder:
        found = shown_on_screen(Path(folder), guide, [sorted(s) for s in sets])
    assert found == [expected(guide, s) for s in sets]


def test_the_printed_page_lists_every_material_and_whom_it_is_for(tmp_path: Path) -> None:
    guide = two_question_guide()
    answers = ["individual", "hot"]
    assert len(applicable(guide, answers).materials) < len(guide.materials)
    clicks = "".join(f"document.querySelector('input[value=\"{a}\"]').click();" for a in answers)
    page = tmp_path / "guide.html"
    page.write_text(
        render_guide(guide).replace("</body>", f"<script>{clicks}</script></body>"), "utf-8"
    )
    # On screen this very page hides what the answers rule out; printed, it shows it all.
    look = "return [...document.querySelectorAll('table.materials tbody tr')].map((e, i) => [e, i])"
    look += ".filter(([e]) => getComputedStyle(e).display !== 'none').map(([, i]) => i);"
    on_screen = measure(tmp_path, page, look)
    assert on_screen == expected(guide, frozenset(answers))["materials"]
    assert isinstance(on_screen, list) and len(on_screen) < len(guide.materials)
    pdf = tmp_path / "guide.pdf"
    chromium(tmp_path, page, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    printed = subprocess.run(
        [tool("pdftotext", "poppler-utils"), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    printed = re.sub(r"\s+", "", printed)  # pdftotext breaks and spaces CJK lines as it likes
    for material in guide.materials:
        assert re.sub(r"\s+", "", material.name) in printed, material.name
    for condition in guide.conditions:
        assert re.sub(r"\s+", "", condition.text) in printed, condition.text
    for fee in guide.fees:
        assert fee.name in printed, fee.name
    assert "适用：个体工商户" in printed and "适用：企业、冷食类" in printed
    assert "适用：热食类、冷食类" in printed
