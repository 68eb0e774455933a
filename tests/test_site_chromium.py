"""The published site in headless Chromium, driven by Playwright: the home page's search,
its links, a clean console, a phone-sized screen and working without any network."""

from __future__ import annotations

import csv
import functools
import http.server
import json
import os
import shutil
import struct
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from conftest import ROOT
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright
from test_publish import T0, catalogue_copy

from service_codes.publish import publish

CHROMIUM = shutil.which("chromium")
if CHROMIUM is None and os.environ.get("CI"):
    raise RuntimeError("CI installs chromium (.ci/run): the browser tests must run there")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

# A guide whose name has no sub-name, so the site shows exactly the name the author wrote.
GUIDE = json.loads((ROOT / "registry/guides/labour-dispute-arbitration.json").read_text("utf-8"))
NAME: str = GUIDE["name"]
PHONE = {"width": 390, "height": 844}
NOTHING_FOUND = "没有找到"

OpenPage = Callable[..., Page]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled catalogue published once; the tests only read it."""
    root = tmp_path_factory.mktemp("site-chromium")
    publish(
        catalogue_copy(root), root / "site", publisher="区政务服务中心", reviewer="李四", time=T0
    )
    return root / "site"


@pytest.fixture(scope="module")
def code(site: Path) -> str:
    """The implementation code the build gave GUIDE, as the site's open data tells it."""
    with (site / "data" / "matters.csv").open(encoding="utf-8", newline="") as rows:
        codes = [
            r["code"] for r in csv.DictReader(rows) if (r["name"], r["sub_name"]) == (NAME, "")
        ]
    assert len(codes) == 1, codes
    return codes[0]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Debian's chromium, never one Playwright downloads; no sandbox since CI runs as root.
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser: Browser) -> Iterator[OpenPage]:
    """Opens a page in a fresh context (its options as ``Browser.new_context`` takes them)."""
    contexts = []

    def open_page(**options: Any) -> Page:
        context = browser.new_context(**options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page: OpenPage) -> Page:
    return open_page()


def home(site: Path) -> str:
    return (site / "index.html").as_uri()


def search(page: Page, query: str) -> list[tuple[str, str]]:
    """Types ``query`` into the search box: each result's link text and absolute href."""
    page.fill("#q", query)
    found: list[list[str]] = page.eval_on_selector_all(
        "#results li a", "links => links.map((a) => [a.textContent, a.href])"
    )
    return [(text, href) for text, href in found]


def watch(page: Page) -> list[str]:
    """Every console error or warning, uncaught exception and failed load, as it happens."""
    problems: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            problems.append(f"{page.url}: console {message.type}: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: pageerror: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    return problems


def inside(site: Path, url: str) -> Path | None:
    """The file of the site a file:// URL names, or None when it names none."""
    parts = urlsplit(url)
    if parts.scheme != "file":
        return None
    target = Path(unquote(parts.path)).resolve()
    return target if target.is_relative_to(site.resolve()) and target.is_file() else None


def guide_pages(site: Path) -> list[Path]:
    return [p.resolve() for p in sorted((site / "guides").glob("*.html"))]


# --- the search ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [NAME, NAME[: len(NAME) // 2], NAME[len(NAME) // 2 :]],
    ids=["name", "its-start", "its-end"],
)
def test_a_name_or_part_of_it_finds_the_guide_among_the_first_three(
    site: Path, code: str, page: Page, query: str
) -> None:
    page.goto(home(site))
    found = search(page, query)
    assert (NAME, (site / "guides" / f"{code}.html").as_uri()) in found[:3], found
    status = page.inner_text("#status")
    assert status.startswith(f"找到 {len(found)} 个"), status


def test_a_full_implementation_code_puts_its_guide_first(site: Path, code: str, page: Page) -> None:
    page.goto(home(site))
    found = search(page, code)
    assert found[0] == (NAME, (site / "guides" / f"{code}.html").as_uri()), found


def test_nonsense_finds_nothing_and_says_so(site: Path, page: Page) -> None:
    page.goto(home(site))
    assert search(page, "zzqx 无此事项 9999") == []
    assert NOTHING_FOUND in page.inner_text("#status")


# --- links --------------------------------------------------------------------------------


def test_every_link_of_the_home_page_and_its_results_opens_a_file_of_the_site(
    site: Path, page: Page
) -> None:
    page.goto(home(site))
    search(page, "西安市雁塔区")  # every guide's agency: the results' links join the page's
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "links => links.map((a) => a.href)")
    # The index holds more guides than a search shows: resolve its hrefs as a link would.
    hrefs += page.evaluate("window.SEARCH_INDEX.map((e) => new URL(e[5], location.href).href)")
    assert len(hrefs) > 2 * len(guide_pages(site)), len(hrefs)
    local = [h for h in hrefs if urlsplit(h).scheme not in ("http", "https")]
    broken = [h for h in local if inside(site, h.split("#")[0]) is None]
    assert broken == [], broken
    assert {inside(site, h) for h in local} >= set(guide_pages(site))  # each guide is reached


def test_clicking_a_result_opens_its_guide_page(site: Path, code: str, page: Page) -> None:
    page.goto(home(site))
    search(page, NAME)
    with page.expect_navigation():
        page.click(f'#results li a:text-is("{NAME}")')
    assert page.url == (site / "guides" / f"{code}.html").as_uri()
    assert NAME in page.title()
    assert NAME in page.inner_text("h1")


# --- the console --------------------------------------------------------------------------


def test_the_console_check_catches_errors_warnings_and_exceptions(page: Page) -> None:
    problems = watch(page)
    page.goto("about:blank")
    with page.expect_console_message():
        page.evaluate('console.error("x")')
    with page.expect_console_message():
        page.evaluate('console.warn("y")')
    with page.expect_event("pageerror"):
        page.evaluate('setTimeout(() => { throw new Error("boom"); })')
    assert [p.split(": ", 1)[1] for p in problems] == [
        "console error: x",
        "console warning: y",
        "pageerror: boom",
    ]


@pytest.mark.parametrize(
    "pattern",
    ["index.html", "guides/*.html", "agencies/*.html", "types/*.html", "lists/lists.html",
     "download.html"],
)  # fmt: skip
def test_pages_load_without_console_errors_warnings_or_exceptions(
    site: Path, page: Page, pattern: str
) -> None:
    problems = watch(page)
    pages = sorted(site.glob(pattern))
    assert pages, pattern
    for path in pages:
        page.goto(path.as_uri())
        if page.locator("#q").count():
            search(page, "婚姻")  # the search script at work, not only loaded
    assert problems == []


# --- a phone ------------------------------------------------------------------------------


def overflow(page: Page) -> int:
    """How much wider than the viewport the document is; tables may scroll inside it."""
    width: int = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    return width


def test_at_phone_width_the_home_page_fits_and_its_search_is_legible(
    site: Path, open_page: OpenPage
) -> None:
    page = open_page(viewport=PHONE, device_scale_factor=2)
    page.goto(home(site))
    assert search(page, NAME)
    assert page.evaluate("window.innerWidth") == PHONE["width"]
    assert overflow(page) <= 0
    box = page.locator("#q").bounding_box()
    assert box is not None and box["width"] >= 300, box
    sizes: list[float] = page.eval_on_selector_all(
        "#results li a", "links => links.map((a) => parseFloat(getComputedStyle(a).fontSize))"
    )
    assert sizes and min(sizes) >= 14, sizes


def test_at_phone_width_no_guide_page_is_wider_than_the_screen(
    site: Path, open_page: OpenPage
) -> None:
    page = open_page(viewport=PHONE, device_scale_factor=2)
    wide = {}
    for path in guide_pages(site):  # all of them: cheap, and each has its own tables
        page.goto(path.as_uri())
        if overflow(page) > 0:
            wide[path.name] = overflow(page)
    assert wide == {}


def test_a_phone_screenshot_has_twice_the_viewport_width_in_pixels(
    site: Path, open_page: OpenPage, tmp_path: Path
) -> None:
    page = open_page(viewport=PHONE, device_scale_factor=2)
    page.goto(home(site))
    assert search(page, "婚姻")
    shot = tmp_path / "home-phone.png"
    page.screenshot(path=shot)  # the viewport, not the full page
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (2 * PHONE["width"], 2 * PHONE["height"])


# --- no network ---------------------------------------------------------------------------


def test_offline_the_search_works_and_every_request_is_for_a_local_file(
    site: Path, code: str, open_page: OpenPage
) -> None:
    page = open_page(offline=True)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(home(site))
    assert search(page, code)[0][0] == NAME
    with page.expect_navigation():
        page.click("#results li a")
    assert NAME in page.title()
    page.goto((site / "download.html").as_uri())
    assert len(requested) >= 4  # home page, its two scripts, the guide page, download.html
    assert [u for u in requested if not u.startswith("file://")] == []
    # The control: the listener does see a request for the network, and offline refuses it.
    outcome = page.evaluate('fetch("https://example.com/").then(() => "loaded", () => "refused")')
    assert outcome == "refused"
    assert requested[-1] == "https://example.com/"


# --- from a web server ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    """The site served by a plain static web server, as its base URL."""
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    thread.join()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # the test reads what the browser says, not the server's log


def test_from_a_web_server_search_works_with_no_console_error(
    served: str, code: str, page: Page
) -> None:
    problems = watch(page)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(served)
    assert search(page, code)[0] == (NAME, f"{served}guides/{code}.html")
    page.click("#results li a")
    page.wait_for_load_state()
    assert NAME in page.title()
    page.goto(f"{served}download.html")
    assert problems == []
    assert requests and all(url.startswith(served) for url in requests)
