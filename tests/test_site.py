"""Whole-site builds: generate, then `mkdocs build --strict` with the project's mkdocs.yml."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SAMPLE, make_project, run_cli


def build_site(tmp: Path, data: Path) -> Path:
    project = make_project(tmp, data)
    gen = run_cli("build", "--strict", "--data", str(project / "data"), "--out", str(project / "docs"))
    assert gen.returncode == 0, gen.stderr
    mk = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert mk.returncode == 0, mk.stderr
    return project / "site"


@pytest.fixture(scope="module")
def default_site(tmp_path_factory) -> Path:
    return build_site(tmp_path_factory.mktemp("default"), REPO / "data")


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory) -> Path:
    return build_site(tmp_path_factory.mktemp("sample"), SAMPLE)


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def test_default_site_has_every_page(default_site):
    for rel in [
        "index.html",
        "agenda/index.html",
        "topics/index.html",
        "proposals/index.html",
        "questions/index.html",
        "people/index.html",
        "guide/index.html",
    ]:
        assert (default_site / rel).exists(), rel
    topics = sorted(p.stem for p in (REPO / "data" / "topics").glob("*.yaml"))
    proposals = sorted(p.stem for p in (REPO / "data" / "proposals").glob("*.yaml"))
    assert topics == ["cache-ext", "memcg-ext", "using-bpf-in-mm"]
    for tid in topics:
        assert (default_site / "topics" / tid / "index.html").exists()
    for pid in proposals:
        assert (default_site / "proposals" / pid / "index.html").exists()


def test_every_quote_links_to_lore(default_site):
    html = read(default_site, "topics/using-bpf-in-mm/index.html")
    quotes = html.count('class="lsf-quote"')
    assert quotes >= 8
    attributions = re.findall(r'<a href="https://lore\.kernel\.org/r/([^"]+)">message on lore</a>', html)
    assert len(attributions) == quotes
    assert set(attributions) <= {
        "7ia4o6j4c5y1.fsf@castle.c.googlers.com",
        "014f3c0a-7c6f-4f64-95cd-b7b69d804880@kernel.org",
        "7ia4h5ov6o0n.fsf@castle.c.googlers.com",
    }


def test_agenda_lists_unscheduled_sessions_apart(default_site):
    html = read(default_site, "agenda/index.html")
    assert "No session has a known slot yet." in html
    assert 'id="unscheduled"' in html
    for title in ["Using BPF in MM", "Reimagining Memory Cgroup (memcg_ext)"]:
        assert title in html


def test_search_index_holds_the_proposals(default_site):
    index = json.loads(read(default_site, "search/search_index.json"))
    titles = {doc["title"] for doc in index["docs"]}
    assert "BPF OOM" in " ".join(titles)


def nav_targets(html: str) -> list[str]:
    """Where the navigation links of a page point (table-of-contents anchors left out)."""
    return sorted(re.findall(r'<a href="([^"#]*)"[^>]*class="md-nav__link', html))


def test_navigation_lists_sections_not_every_page(default_site):
    # From a proposal brief: the seven sections, and no other brief.
    assert nav_targets(read(default_site, "proposals/bpf-oom/index.html")) == [
        "../",
        "../..",
        "../../agenda/",
        "../../guide/",
        "../../people/",
        "../../questions/",
        "../../topics/",
    ]
    assert len(nav_targets(read(default_site, "index.html"))) == 7


def test_dark_mode_toggle_and_no_font_cdn(default_site):
    html = read(default_site, "index.html")
    assert 'data-md-color-scheme="slate"' in html
    assert "fonts.googleapis.com" not in html


def test_sample_site_agenda_with_times_and_rooms(sample_site):
    html = read(sample_site, "agenda/index.html")
    assert "09:30–10:00, Main hall: Hooks in MM" in html
    assert "<td>09:35</td>" in html and "<td>09:50</td>" in html
    topic = read(sample_site, "topics/hooks-in-mm/index.html")
    assert '<a href="../../proposals/oom-hook/">OOM hook</a>' in topic
    assert '<a href="../../questions/#hook-stability">' in topic


def test_printed_links_are_numbered_endnotes(default_site):
    html = read(default_site, "topics/using-bpf-in-mm/index.html")
    article = html[html.index('<article class="md-content__inner md-typeset">') : html.index("</article>")]
    notes = re.findall(r"<li>(?:<a href=\"([^\"]+)\">)?([^<]+)(?:</a>)?</li>", article.split("lsf-print-notes", 1)[1])
    printed = [text for _, text in notes]
    numbers = [int(n) for n in re.findall(r'<sup class="lsf-ref">(\d+)</sup>', article)]
    assert sorted(set(numbers)) == list(range(1, len(printed) + 1))  # every note is referred to
    assert "https://lore.kernel.org/r/7ia4o6j4c5y1.fsf@castle.c.googlers.com" in printed  # the short form
    assert not any("lore.kernel.org/linux-mm/" in p for p in printed)
    assert "proposals/bpf-oom/ (on this site)" in printed  # site_url is not set in mkdocs.yml
    # Every link of the content has its number, except the permalinks of headings.
    links = re.findall(r"<a [^>]*>", article.split('<section class="lsf-print-notes"', 1)[0])
    assert len(numbers) == len([a for a in links if 'class="headerlink"' not in a]) > 50
    # The notes are for paper only: the search index does not hold them.
    index = read(default_site, "search/search_index.json")
    assert "(on this site)" not in index and "lsf-ref" not in index


def test_topic_pages_print_as_briefs(default_site):
    html = read(default_site, "topics/using-bpf-in-mm/index.html")
    assert html.count('<div class="lsf-outcome" aria-hidden="true"></div>') == 4  # the open questions
    assert html.count('<div class="lsf-outcome lsf-notes" aria-hidden="true"></div>') == 1
    assert "briefs/" not in html  # `make site` builds no PDF, so no page links to one
