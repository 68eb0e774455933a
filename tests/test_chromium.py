"""The rendered pages in a real browser: headless Chromium loads, screenshots and prints them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT
from lxml import html

from service_codes import from_json
from service_codes.formats.html import process_diagram, render_guide

CHROMIUM = shutil.which("chromium")
if CHROMIUM is None and os.environ.get("CI"):
    raise RuntimeError("CI installs chromium (.ci/run): the browser tests must run there")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

BUNDLED = sorted((ROOT / "registry" / "guides").glob("*.json"))
# As the machine's own probe starts it: no sandbox as root, no GPU, no network of its own.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--enable-logging=stderr",
    "--v=0",
]


def chromium(tmp_path: Path, page: Path, *action: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *action, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def console_messages(stderr: str) -> list[str]:
    return re.findall(r"CONSOLE[(:]\d+\)?\] (.*)", stderr)


def render(tmp_path: Path, source: Path) -> tuple[Path, int]:
    guide = from_json(source.read_bytes())
    page = tmp_path / f"{source.stem}.html"
    page.write_text(render_guide(guide), encoding="utf-8")
    return page, len(guide.steps)


def test_the_console_check_can_fail(tmp_path: Path) -> None:
    page = tmp_path / "noisy.html"
    page.write_text('<html><body><script>console.error("boom")</script></body></html>')
    assert any("boom" in m for m in console_messages(chromium(tmp_path, page, "--dump-dom").stderr))


def test_a_page_loads_cleanly_with_one_diagram_node_per_step(tmp_path: Path) -> None:
    page, steps = render(tmp_path, ROOT / "registry" / "guides" / "food-business-licence-new.json")
    loaded = chromium(tmp_path, page, "--dump-dom")
    assert console_messages(loaded.stderr) == []
    dom = html.fromstring(loaded.stdout)
    assert len(dom.xpath('//svg[@class="diagram"]/g[@class="step"]')) == steps
    shot = tmp_path / "page.png"
    chromium(tmp_path, page, f"--screenshot={shot}", "--window-size=820,1600")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


@pytest.mark.parametrize("source", BUNDLED, ids=lambda p: p.stem)
def test_every_bundled_guide_prints_on_at_most_three_a4_pages(tmp_path: Path, source: Path) -> None:
    page, _ = render(tmp_path, source)
    pdf = tmp_path / "page.pdf"
    chromium(tmp_path, page, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    sizes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data)
    assert sizes and all(round(float(w)) == 595 and round(float(h)) == 842 for w, h in sizes)  # A4
    assert 1 <= pdf_pages(data) <= 3


def tool(name: str, package: str) -> str:
    """The path of a command-line tool the test needs; CI must have it (.ci/run installs it)."""
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI installs {package} (.ci/run): {name} is missing")
        pytest.skip(f"{name} ({package}) is not installed")
    return found


def measure(tmp_path: Path, page: Path, script: str) -> object:
    """What a script computes on the laid-out page, as JSON read back from the dumped DOM."""
    probe = tmp_path / f"probe-{page.name}"
    probe.write_text(
        page.read_text("utf-8").replace(
            "</body>",
            f'<pre id="probe"></pre><script>document.getElementById("probe").textContent ='
            f" JSON.stringify((() => {{ {script} }})());</script></body>",
        ),
        encoding="utf-8",
    )
    loaded = chromium(tmp_path, probe, "--dump-dom", "--window-size=820,1600")
    assert console_messages(loaded.stderr) == []
    return json.loads(html.fromstring(loaded.stdout).get_element_by_id("probe").text_content())


def test_printed_pages_are_numbered_and_show_the_version_and_its_date(tmp_path: Path) -> None:
    source = ROOT / "registry" / "guides" / "food-business-licence-new.json"
    guide = from_json(source.read_bytes())
    assert guide.effective_date is not None
    page, _ = render(tmp_path, source)
    pdf = tmp_path / "page.pdf"
    chromium(tmp_path, page, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    total = pdf_pages(pdf.read_bytes())
    assert total >= 2  # so that "every page" means more than the first
    pdftotext = tool("pdftotext", "poppler-utils")
    for number in range(1, total + 1):
        text = subprocess.run(
            [pdftotext, "-f", str(number), "-l", str(number), str(pdf), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        text = re.sub(r"\s+", "", text)  # pdftotext spaces CJK text as it likes
        assert f"第{number}页/共{total}页" in text, (number, text[-300:])
        assert f"第{guide.version}版" in text, number
        assert guide.effective_date.isoformat() in text, number


def test_diagram_labels_are_at_least_body_size_and_fit_their_boxes(tmp_path: Path) -> None:
    guides = [from_json(p.read_bytes()) for p in BUNDLED]
    page = tmp_path / "diagrams.html"
    every_diagram = "".join(process_diagram(g.steps) for g in guides)  # on one real page
    page.write_text(render_guide(guides[0]).replace("</body>", every_diagram + "</body>"), "utf-8")
    found = measure(
        tmp_path,
        page,
        """
        const px = (e) => parseFloat(getComputedStyle(e).fontSize);
        return {body: px(document.body), labels: [...document.querySelectorAll(
          "svg.diagram g.step text")].map((t) => {
            const box = t.getBBox(), rect = t.parentNode.querySelector("rect").getBBox();
            return {text: t.textContent, size: px(t) * t.getScreenCTM().a,
              inside: box.x >= rect.x && box.y >= rect.y
                && box.x + box.width <= rect.x + rect.width
                && box.y + box.height <= rect.y + rect.height};
          })};
        """,
    )
    assert isinstance(found, dict) and found["body"] >= 12
    steps = len(guides[0].steps) + sum(len(g.steps) for g in guides)
    assert len(found["labels"]) == 2 * steps  # a title and a detail line per step
    for label in found["labels"]:
        assert label["size"] >= found["body"] - 0.01, (label, found["body"])
        assert label["inside"], label


def test_qr_codes_scan_to_the_online_urls_and_print_large_enough(tmp_path: Path) -> None:
    source = next(p for p in BUNDLED if len(from_json(p.read_bytes()).online_urls) >= 2)
    urls = from_json(source.read_bytes()).online_urls
    page, _ = render(tmp_path, source)
    script = 'return [...document.querySelectorAll("svg.qr")].map((q) => q.clientWidth);'
    sizes = measure(tmp_path, page, script)
    assert isinstance(sizes, list) and len(sizes) == len(urls)
    assert all(size >= 20 / 25.4 * 96 for size in sizes), sizes  # at least 20 mm across
    shot = tmp_path / "page.png"
    chromium(tmp_path, page, f"--screenshot={shot}", "--window-size=820,6000")
    scanned = subprocess.run(
        [tool("zbarimg", "zbar-tools"), "--quiet", "--raw", "-Sqrcode.enable", str(shot)],
        capture_output=True, text=True, check=False,
    ).stdout.split()  # fmt: skip
    assert sorted(scanned) == sorted(urls)
