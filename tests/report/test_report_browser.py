"""The HTML report in a real headless Chromium: every image loads, nothing overflows the page
width at desktop and tablet widths, and the page asks for nothing over the network."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    pytest.skip("Chromium is not installed (.ci/run installs Debian's chromium)")


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is a test dependency")
    executable = _chromium()
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=ARGS)
        yield b
        b.close()


def _open(browser, path: Path, width: int):
    page = browser.new_page(viewport={"width": width, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    return page, requests


def _check(browser, path: Path, width: int) -> None:
    page, requests = _open(browser, path, width)
    try:
        images = page.evaluate("""() => Array.from(document.images).map(i => ({
            complete: i.complete, w: i.naturalWidth, h: i.naturalHeight,
            right: i.getBoundingClientRect().right}))""")
        assert images and all(i["complete"] and i["w"] > 0 and i["h"] > 0 for i in images)
        assert all(i["right"] <= width + 0.5 for i in images)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        inner = page.evaluate("window.innerWidth")
        assert scroll <= inner == width, f"content {scroll} px wide in a {width} px window"
        wide = page.evaluate("""(w) => Array.from(document.querySelectorAll('body *'))
            .filter(e => e.getBoundingClientRect().right > w + 0.5).map(e => e.tagName)""",
                             width)
        assert not wide, f"elements beyond {width} px: {wide[:5]}"
        external = [u for u in requests if not u.startswith(("file:", "data:"))]
        assert not external, external
    finally:
        page.close()


@pytest.mark.parametrize("width", [1280, 800])
def test_example_report_renders(browser, example_report, width):
    _check(browser, example_report["html"], width)


@pytest.mark.parametrize("width", [1280, 800])
def test_trend_report_renders(browser, trend_report, width):
    _check(browser, trend_report["html"], width)
