"""The rendered pages in a real browser: headless Chromium loads, screenshots and prints them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT
from lxml import html

from service_codes import from_json
from service_codes.formats.html import render_guide

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
