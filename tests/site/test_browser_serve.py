"""serve's banner in a real browser (headless Chromium driven by Playwright, as in
tests/site/test_browser_site.py): a page served by `python -m generator serve` shows, after a
rebuild that failed, a banner naming each problem's file:line, with the data's text as text;
the axe-core audit finds no serious or critical violation on the bannered page in the light or
the dark scheme; once the file is mended the banner is gone. A published page (served by a
plain web server) asks for nothing of it. Skipped or failed as the site's browser tests are.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from pathlib import Path

import pytest

from tests.commands.test_serve import free_port, start_serve, wait_for
from tests.conftest import SAMPLE, make_project, run_cli
from tests.site.test_browser_site import ARTIFACTS, axe_source, browser  # noqa: F401 (fixtures)

STATUS = "lsfmm-serve-status.json"
BANNER = ".lsf-serve-banner"
HOSTILE_KEY = "<img src=x onerror=alert(1)>"  # quoted by the error message: must stay text


class Seen:
    """A page with its errors, dialogs and requests recorded. The live-reload request that a
    reload cancels is no error."""

    def __init__(self, browser, scheme: str = "light"):
        self.problems: list[str] = []
        self.requests: list[str] = []
        self.page = browser.new_page(color_scheme=scheme, viewport={"width": 1280, "height": 900})
        self.page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))

    def _failed(self, request):
        if not ("/livereload/" in request.url and request.failure == "net::ERR_ABORTED"):
            self.problems.append(f"failed: {request.url} ({request.failure})")


def serious_violations(page, axe_source: str) -> list[str]:
    page.add_script_tag(content=axe_source)
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes'][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def serving(tmp_path):
    """serve on a copy of the sample data: (project, base URL)."""
    project = make_project(tmp_path, SAMPLE)
    port = free_port()
    proc = start_serve(project, port)
    base = f"http://127.0.0.1:{port}/"
    try:
        assert wait_for(base + "proposals/cache-policy/", "Cache policy"), "the site was not served"
        yield project, base
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out.decode()


def test_a_failed_rebuild_shows_a_banner_until_it_is_mended(browser, axe_source, serving):
    project, base = serving
    record = project / "data" / "proposals" / "cache-policy.yaml"
    good = record.read_text(encoding="utf-8")
    seen = Seen(browser)
    page = seen.page
    with page.expect_response(f"**/{STATUS}") as response:
        page.goto(base + "proposals/cache-policy/", wait_until="load")
    assert response.value.json()["failed"] is False
    page.wait_for_timeout(300)
    assert page.locator(BANNER).count() == 0

    # A typo and a field whose name is markup: the page reloads after the failed rebuild.
    record.write_text(good.replace("status: idea", "staus: idea") + f'"{HOSTILE_KEY}": 1\n', encoding="utf-8")
    banner = page.locator(BANNER)
    banner.wait_for(timeout=60000)
    assert banner.locator("li").all_inner_texts() == [
        "data/proposals/cache-policy.yaml:4:1: unknown field 'staus' (did you mean 'status'?)",
        f"data/proposals/cache-policy.yaml:8:1: unknown field '{HOSTILE_KEY}'",
    ]
    assert banner.locator("li code").all_inner_texts() == [
        "data/proposals/cache-policy.yaml:4:1",
        "data/proposals/cache-policy.yaml:8:1",
    ]
    assert "Failed: 2 errors; nothing was written." in banner.inner_text()
    assert banner.locator("img, script, iframe, [onerror]").count() == 0
    assert page.inner_text("article h1").replace("¶", "").strip() == "Cache policy"  # the last good page
    box, height = banner.bounding_box(), page.viewport_size["height"]
    assert box is not None and abs(box["y"] + box["height"] - height) < 1  # at the bottom of the window
    (ARTIFACTS / "screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "screenshots" / "serve-banner.png"))

    # Accessible in both schemes (the banner's colours are its own).
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert serious_violations(page, axe_source) == [], scheme

    # Hidden on request, back with the next reload while the data is still broken.
    banner.get_by_role("button", name="Hide until the next rebuild").click()
    assert banner.count() == 0
    page.reload(wait_until="load")
    banner.wait_for(timeout=10000)

    # Mended: the page reloads, and the status says so.
    with page.expect_response(f"**/{STATUS}", timeout=60000) as response:
        record.write_text(good, encoding="utf-8")
    assert response.value.json()["failed"] is False
    page.wait_for_timeout(300)
    assert banner.count() == 0
    page.close()
    assert seen.problems == []


@pytest.fixture
def published(tmp_path):
    """The site that `site` builds, served by a plain web server, with a status file that says
    a rebuild failed put into it (as a killed serve could have left one)."""
    project = make_project(tmp_path, SAMPLE)
    result = run_cli("site", "--strict", cwd=project)
    assert result.returncode == 0, result.stderr
    site: Path = project / "site"
    failed = {"generated_by": "lsfmm-prep", "failed": True, "problems": [], "summary": ["Failed: 1 error."]}
    (site / STATUS).write_text(json.dumps(failed), encoding="utf-8")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_a_published_page_asks_for_nothing_of_serve(browser, published):
    seen = Seen(browser)
    seen.page.goto(published + "proposals/cache-policy/", wait_until="load")
    seen.page.wait_for_timeout(500)
    assert seen.page.evaluate("typeof livereload") == "undefined"
    assert [u for u in seen.requests if "lsfmm-serve" in u] == []
    assert seen.page.locator(BANNER).count() == 0
    seen.page.close()
    assert seen.problems == []
