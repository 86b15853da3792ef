"""The default site published under a sub-path, as GitHub Pages publishes a project
(https://<user>.github.io/<repo>/): the address comes from SITE_URL, as the Pages workflows
give it, and every canonical link, the sitemap, the exports and the 404 page name it; no
link of any page leaves the sub-path. In a real browser (skipped without Chromium, as the other
browser tests are), the 404 page served for a missing address loads its styles and scripts,
leads to the agenda, and its search form opens the site's search.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import posixpath
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import REPO, make_project, run_cli
from tests.site.test_browser import SEARCH_READY
from tests.site.test_browser_site import Watched, artifacts, axe_source, browser  # noqa: F401 (fixtures)

PAGES_URL = "https://example.github.io/lsfmm-prep/"
PREFIX = urlsplit(PAGES_URL).path  # /lsfmm-prep/


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The default data built as `make site` builds it: first for the configuration's own
    address, then, in the same folder, for the Pages address. The second build must not reuse
    what the first made for another address (the tests below would find the old one)."""
    project = make_project(tmp_path_factory.mktemp("hosted"), REPO / "data")
    first = run_cli("site", "--strict", cwd=project)
    assert first.returncode == 0, first.stderr
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SITE_URL", PAGES_URL.rstrip("/"))  # as configure-pages gives it: no slash
        second = run_cli("site", "--strict", cwd=project)
    assert second.returncode == 0, second.stderr
    assert "nothing changed" not in second.stdout.lower()
    return project


@pytest.fixture(scope="module")
def site(project: Path) -> Path:
    return project / "site"


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def pages(site: Path) -> list[str]:
    """Every page's folder under the site root ('' for the home page), the 404 page aside."""
    return sorted(
        "" if p.parent == site else p.parent.relative_to(site).as_posix() + "/" for p in site.rglob("index.html")
    )


def test_every_page_names_its_address_under_the_pages_url(site):
    found = pages(site)
    assert len(found) >= 50
    for rel in found:
        canonical = re.findall(r'<link rel="canonical" href="([^"]*)">', read(site, rel + "index.html"))
        assert canonical == [PAGES_URL + rel], rel
    sitemap = read(site, "sitemap.xml")
    assert sorted(re.findall(r"<loc>([^<]*)</loc>", sitemap)) == sorted(PAGES_URL + rel for rel in found)
    assert gzip.decompress((site / "sitemap.xml.gz").read_bytes()).decode() == sitemap
    assert '<link rel="canonical"' not in read(site, "404.html")  # an error page has no address of its own


def test_the_exports_link_the_pages_url(site):
    data = json.loads(read(site, "data.json"))
    assert data["site_url"] == PAGES_URL
    assert "lsfmm-prep.example.org" not in read(site, "data.json") + read(site, "agenda.ics")


LINK = re.compile(r'\b(?:href|src|action)="([^"]*)"')


def test_no_link_of_any_page_leaves_the_sub_path(site):
    """Relative links work under any path; a path from the root must start with the
    sub-path (the 404 page's links all do: it is served at any depth)."""
    for page in sorted(site.rglob("*.html")):
        for url in LINK.findall(page.read_text(encoding="utf-8")):
            if url.startswith("/") and not url.startswith("//"):
                assert url.startswith(PREFIX), (page.relative_to(site), url)


def local_target(site: Path, url: str) -> Path:
    path = urlsplit(url).path
    assert path.startswith(PREFIX), url
    rel = posixpath.normpath(path[len(PREFIX) :]) if path != PREFIX else ""
    target = site / rel if rel not in ("", ".") else site
    return target / "index.html" if target.is_dir() else target


def test_the_404_page_says_what_the_site_is_and_leads_on(site):
    html = read(site, "404.html")
    assert "<title>Page not found - LSF/MM/BPF session briefs</title>" in html
    article = html.split('<article class="md-content__inner md-typeset">', 1)[1].split("</article>", 1)[0]
    text = " ".join(re.sub(r"<[^>]+>", " ", article).split())
    assert text.startswith(
        "Page not found This is LSF/MM/BPF session briefs : Agenda, topic and proposal briefs, quotes and open"
        " questions for an LSF/MM/BPF session. It has no page at this address."
    )
    links = dict((title, href) for href, title in re.findall(r'<li><a href="([^"]*)">([^<]*)</a>', article))
    assert links == {
        "Agenda": PREFIX + "agenda/",
        "Topics": PREFIX + "topics/",
        "Proposals": PREFIX + "proposals/",
        "Questions": PREFIX + "questions/",
        "People": PREFIX + "people/",
    }
    assert (
        f'<form class="lsf-not-found" action="{PREFIX}" method="get" role="search"' in article and 'name="q"' in article
    )
    for url in LINK.findall(html):  # its theme's styles and scripts, its navigation, its links
        if not urlsplit(url).scheme:
            assert local_target(site, url).is_file(), url


# ------------------------------------------------------------------------- in a real browser


class _PagesHandler(http.server.SimpleHTTPRequestHandler):
    """The site under PREFIX, and its 404.html with status 404 for any other address, as
    GitHub and GitLab Pages serve a project."""

    def log_message(self, *args):
        pass

    def translate_path(self, path: str) -> str:
        path = urlsplit(path).path
        if not path.startswith(PREFIX):
            return str(Path(self.directory) / "no such file")
        return super().translate_path("/" + path[len(PREFIX) :])

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # the browser leaves a page before it has read all of it: nothing to report


@pytest.fixture(scope="module")
def hosted(site: Path) -> Iterator[str]:
    server = _QuietServer(("127.0.0.1", 0), functools.partial(_PagesHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    server.shutdown()


def test_a_missing_address_shows_the_404_page_that_works_and_leads_on(browser, hosted, artifacts):  # noqa: F811
    w = Watched(browser)
    missing = hosted + "topics/renamed-topic/"
    response = w.page.goto(missing, wait_until="load")
    assert response is not None and response.status == 404
    w.page.wait_for_timeout(200)
    assert w.heading() == "Page not found"
    page = w.page
    page.screenshot(path=str(artifacts / "screenshots" / "not-found.png"), full_page=True)
    # Material's stylesheet and script loaded from under the sub-path: the header is laid out
    # and the search (the script's) is ready to open.
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    page.fill("#lsf-not-found-query", "BPF OOM")
    page.click("article button[type=submit]")
    page.wait_for_url(hosted + "?q=*")
    page.wait_for_function(SEARCH_READY, timeout=30000)
    assert page.input_value("input.md-search__input") == "BPF OOM"
    first = page.locator(".md-search-result__item a").first
    first.wait_for(timeout=10000)
    assert urlsplit(first.get_attribute("href")).path == PREFIX + "proposals/bpf-oom/"
    page.goto(missing, wait_until="load")
    page.click("article li a:text-is('Agenda')")
    page.wait_for_url(hosted + "agenda/")
    assert w.heading() == "Agenda"
    # Nothing failed but the missing address itself, once for each of the two visits.
    assert sorted(w.close()) == sorted(
        2
        * [
            f"HTTP 404: {missing}",
            "console: Failed to load resource: the server responded with a status of 404 (Not Found)",
        ]
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_404_page_passes_the_accessibility_audit(browser, hosted, axe_source, scheme):  # noqa: F811
    w = Watched(browser, scheme)
    w.page.goto(hosted + "no-such-page/", wait_until="load")
    w.page.add_script_tag(content=axe_source)
    violations = w.page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => `${v.id}: ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)"
    )
    w.close()
    assert violations == []
