"""The write-up drafts (tests/fixtures/aftermath: a 2025 session with its outcome and decisions,
a 2026 topic that continues it): a page and a plain text per session and per summit, each
decision with its anchor, each proposal with its posting of the day, only verified quotes; a
session without an outcome says so, and its summit lists it. The whole drafts are golden files
(tests/golden/aftermath/, test_render.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest

from generator.exports.export import exports
from generator.layout import Publish
from generator.pages.render import render_pages
from generator.records import schema as S
from tests.conftest import AFTERMATH, REPO, edit, make_project, run_cli
from tests.conftest import site_of as load
from tests.pages.test_render import SAMPLE_PUBLISH


@pytest.fixture(scope="module")
def site():
    return load(AFTERMATH, clean=True)


@pytest.fixture(scope="module")
def files(site):
    return {**render_pages(site), **exports(site, SAMPLE_PUBLISH)}


def section(page: str, heading: str) -> str:
    """A page's text from a heading to the next heading of the same level."""
    level = heading.split(" ", 1)[0]
    rest = page.split(heading + "\n", 1)[1]
    return rest.split(f"\n{level} ", 1)[0]


# ---------------------------------------------------------------------------------- citable decisions


def test_each_decision_has_its_anchor_on_its_page_and_in_data_json(files):
    page = files["topics/oom-2025.md"]
    assert '<span class="lsf-decision" id="decision-struct-ops-first"></span>Post the OOM policy' in page
    assert 'id="decision-no-thp-hooks-yet"' in page
    doc = json.loads(files["data.json"])
    (topic,) = [t for t in doc["topics"] if t["id"] == "oom-2025"]
    first = topic["outcome"]["decisions"][0]
    assert first == {
        "id": "struct-ops-first",
        "text": "Post the OOM policy as a `struct_ops` interface, attached per memory cgroup.",
        "proposals": ["oom-policy"],
        "sources": [
            {
                "url": "https://example.org/report-2025",
                "about": "The report of the session",
                "fields": [],
                "confidence": "seen",
            }
        ],
        "page": "topics/oom-2025/#decision-struct-ops-first",
    }


# ---------------------------------------------------------------------------------- the write-up


def test_a_session_without_outcome_says_so_and_the_summit_lists_it(files):
    draft = files["writeups/oom-2026.md"]
    assert "No outcome on record." in draft and "## Decided" not in draft
    summit = files["events/summit-2026/writeup.md"]
    assert (
        "Sessions with no outcome on record yet: [OOM policies in BPF, a year on](../../topics/oom-2026.md)." in summit
    )
    home = files["events/summit-2026/index.md"]
    assert "no outcome on record yet for [OOM policies in BPF, a year on](../../topics/oom-2026.md)" in home
    assert "(every session has one)" in files["events/summit-2025/index.md"]


def test_the_draft_links_each_decision_by_its_anchor_and_each_proposal_by_its_posting_then(files):
    text = files["writeups/oom-2025.txt"]
    assert text.startswith("[lsfmm-prep draft from data/topics/oom-2025.yaml: ")
    notes = dict(line.split(" ", 1) for line in text.split("\nLinks:\n\n", 1)[1].splitlines())
    assert "https://briefs.example.org/summit/topics/oom-2025/#decision-struct-ops-first" in notes.values()
    # What the room discussed: the newest posting by the session's day, not v3 of a year later.
    assert '"[RFC PATCH 0/4] OOM policies in BPF" (RFC, 2025-02-10)' in " ".join(text.split())
    assert "v3" not in section(text, "## Proposed")
    page = files["writeups/oom-2025.md"]
    assert '(<a href="../../topics/oom-2025/#decision-struct-ops-first">decision struct-ops-first</a>)' in page
    # The session it continues, with the decisions, in the draft of the later one.
    later = section(files["writeups/oom-2026.md"], "## Continues")
    assert (
        '<a href="../../topics/oom-2025/#decision-no-thp-hooks-yet">'
        "No huge-page hooks until the OOM interface has settled.</a>" in later
    )


def test_an_unverified_quote_never_reaches_the_writeup(tmp_path):
    """A quote whose message has no text on record is a warning (not verified): the topic page
    still shows it, marked by `check`; the write-up keeps the position and says a quote was left
    out, never its words."""
    data = Path(shutil.copytree(AFTERMATH, tmp_path / "data"))
    thread = data / "threads" / "oom-2026.yaml"
    edit(
        thread,
        "quotes:\n",
        "  - message_id: 20260303.unread@example.org\n    author: ana-oom\n    date: 2026-03-03T08:00:00Z\n"
        "    in_reply_to: 20260302.reply@example.org\nquotes:\n"
        "  - id: ana-unread\n    message: 20260303.unread@example.org\n"
        "    text: Words nobody has checked against the mail.\n",
    )
    edit(data / "questions.yaml", "quotes: [ben-fallback]", "quotes: [ben-fallback, ana-unread]")
    site = load(data)
    assert site.quotes["ana-unread"]["verified"] is False and site.quotes["ben-fallback"]["verified"] is True
    pages = render_pages(site)
    drafts = {p: t for p, t in exports(site, SAMPLE_PUBLISH).items() if p.endswith(".txt")}
    drafts.update({p: t for p, t in pages.items() if "writeup" in p})
    assert len(drafts) == 8  # of two sessions and two summits, as pages and as plain text
    for path, draft in drafts.items():
        assert "Words nobody has checked" not in draft, path
    page = pages["writeups/oom-2026.md"]
    assert "A kill that frees nothing" in page  # the verified one is quoted
    assert "<p><em>1 quote behind this position left out: not verified against the mail it cites.</em></p>" in page
    for path in ("writeups/oom-2026.txt", "events/summit-2026/writeup.txt"):  # the summit's, in full
        assert "A kill that frees nothing" in drafts[path], path
        assert "(1 quote behind this position left out: not verified" in drafts[path], path
    assert "Words nobody has checked" in pages["topics/oom-2026.md"]  # the brief shows what is on record


# ---------------------------------------------------------------------------------- the built site


def test_the_site_builds_with_every_decision_anchor_a_link_points_at(tmp_path):
    """MkDocs checks every anchor a page links (strict): the drafts, the earlier sessions and
    the committee page all point at decisions; the plain texts are published beside the pages."""
    project = make_project(tmp_path, AFTERMATH)
    result = run_cli("site", "--strict", cwd=project)
    assert result.returncode == 0, result.stderr
    built = project / "site"
    assert 'id="decision-struct-ops-first"' in (built / "topics" / "oom-2025" / "index.html").read_text()
    text = (built / "writeups" / "oom-2025.txt").read_text()
    assert text.startswith("[lsfmm-prep draft from data/topics/oom-2025.yaml")
    assert (built / "events" / "summit-2026" / "writeup.txt").exists()


# ---------------------------------------------------------------------------------- the default data


def test_the_default_data_drafts_hold_only_what_its_records_say():
    """Each held session of the default data has its draft from its recorded outcome; each
    decision it records names its source; every link of every draft is this site's or one the
    data gives (a URL, or a Message-ID on lore): nothing in a draft comes from elsewhere."""
    site = load(REPO / "data")
    held = [t for t in site.topics.values() if S.decision_status(t) == "held"]
    assert sorted(t["id"] for t in held) == ["cache-ext", "memcg-ext", "userspace-mm-control", "using-bpf-in-mm"]
    for t in held:
        assert t["outcome"] and all(d["sources"] for d in t["outcome"]["decisions"]), t["id"]
    (decision,) = site.topics["using-bpf-in-mm"]["outcome"]["decisions"]
    assert decision["id"] == "no-thp-hooks" and decision["proposals"] == ["bpf-thp"]
    assert "https://lwn.net/Articles/1072538/" in [s["url"] for s in decision["sources"]]
    files = exports(site, Publish(site_url="https://site.example/"))
    data = "".join(p.read_text(encoding="utf-8") for p in (REPO / "data").rglob("*.yaml"))
    for path, text in files.items():
        if not path.endswith(".txt"):
            continue
        assert "No outcome on record." not in text, path
        for line in text.split("\nLinks:\n\n", 1)[1].splitlines():
            url = line.split(" ", 1)[1]
            lore = url.removeprefix("https://lore.kernel.org/r/")
            assert url.startswith("https://site.example/") or url in data or unquote(lore) in data, (path, url)
