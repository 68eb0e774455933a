"""Picture the published site on a phone: python docs/site_screenshot.py

Publishes the bundled catalogue to a temporary folder, opens its home page in headless
Chromium (Debian's /usr/bin/chromium, through Playwright) at 390x844 CSS pixels and twice
that in device pixels, searches for 婚姻 and writes what the screen shows to
docs/site-phone.png.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from service_codes.publish import publish

DOCS = Path(__file__).parent
ROOT = DOCS.parent
OUT = DOCS / "site-phone.png"
QUERY = "婚姻"
# Pinned, so that a re-run shows the same release date and gives the same picture.
RELEASED = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def publish_bundled(folder: Path) -> Path:
    """The site of the bundled catalogue, published from a copy (publishing logs a release)."""
    catalogue = folder / "catalogue"
    shutil.copytree(ROOT / "registry", catalogue, ignore=shutil.ignore_patterns("*.lock", "*.md"))
    site = folder / "site"
    publish(catalogue, site, publisher="区政务服务中心", reviewer="李四", time=RELEASED)
    return site


def screenshot(site: Path, out: Path, chromium: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            context = browser.new_context(
                viewport={"width": 390, "height": 844}, device_scale_factor=2
            )
            page = context.new_page()
            page.goto((site / "index.html").as_uri())
            page.fill("#q", QUERY)
            page.wait_for_selector("#results li a")  # the search has shown its results
            page.screenshot(path=out)  # the screen, not the full page
        finally:
            browser.close()


def main() -> int:
    chromium = shutil.which("chromium")
    if chromium is None:
        print("chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder:
        screenshot(publish_bundled(Path(folder)), OUT, chromium)
    print(OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
