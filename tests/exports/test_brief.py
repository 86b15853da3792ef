"""The printable session brief as HTML (what the PDF engine lays out): the golden file of the
sample fixture, what each brief of the default data holds, endnotes, and hostile data.

After an intended change, run `make goldens` and review the diff of tests/golden/briefs/.
"""

from __future__ import annotations

import html
import os
import re

from generator.pages import markup
from generator.pages.render import key_links, letter_label, render_briefs
from tests.conftest import REPO, SAMPLE
from tests.conftest import site_of as load

GOLDEN = REPO / "tests" / "golden" / "briefs"
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"


def text_of(fragment: str) -> str:
    """The visible text of HTML, whitespace collapsed (&#10; in quotes is a line break)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_sample_briefs_match_their_golden_files():
    briefs = render_briefs(load(SAMPLE))
    if UPDATE:
        for old in GOLDEN.glob("*.html"):
            old.unlink()
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for tid, text in briefs.items():
            (GOLDEN / f"{tid}.html").write_text(text, encoding="utf-8")
    expected = {p.stem: p.read_text(encoding="utf-8") for p in GOLDEN.glob("*.html")}
    assert sorted(briefs) == sorted(expected) == ["hooks-in-mm", "later-topic"]
    for tid in briefs:
        assert briefs[tid] == expected[tid], f"tests/golden/briefs/{tid}.html differs (make goldens?)"


def test_each_default_brief_holds_its_whole_session():
    site = load(REPO / "data")
    briefs = render_briefs(site)
    assert sorted(briefs) == ["cache-ext", "memcg-ext", "userspace-mm-control", "using-bpf-in-mm"]
    assert "Session brief · LSFMM+BPF 2023" in briefs["userspace-mm-control"]  # headed with its own summit
    for tid in site.topics_of_event["lsfmmbpf-2026"]:
        doc = briefs[tid]
        topic = site.topics[tid]
        text = text_of(doc)
        assert f"<h1>{html.escape(topic['title'])}</h1>" in doc
        for pid in topic["leads"]:
            assert site.people[pid]["name"] in text
        assert "Not on record (the session was held)." in text  # held, and no slot is known
        # Page 1: the facts, the questions to settle and the running order, before the detail.
        summary = doc.split('<section class="summary">', 1)[1].split('<section class="abstract">', 1)[0]
        for q in (site.questions[q] for q in site.questions_of_topic.get(tid, [])):
            assert (html.escape(q["question"], quote=True) in summary) == (q["status"] == "open"), q["id"]
        if topic["running_order"]:
            assert '<table class="order">' in summary
        # The reading list, the concerns on each proposal, the sources behind each position.
        for link in topic["reading"]:
            assert html.escape(link["title"] or link["url"], quote=True) in doc, link
        for pid in topic["proposals"]:
            for c in site.proposals[pid]["concerns"]:
                assert markup.text_code(c["concern"]) in doc, (pid, c["concern"])  # code spans as code
        for q in (site.questions[q] for q in site.questions_of_topic.get(tid, [])):
            for pos in q["positions"]:
                for src in pos["sources"]:
                    assert html.escape(src["about"] or src["url"], quote=True) in doc
        for pid in topic["proposals"]:
            assert f"<h3>{html.escape(site.proposals[pid]['title'], quote=True)}</h3>" in doc, (tid, pid)
        questions = [site.questions[q] for q in site.questions_of_topic.get(tid, [])]
        assert questions, tid
        for n, q in enumerate(questions, 1):
            assert f"{n}. {q['question']}" in text, (tid, q["id"])
            for pos in q["positions"]:
                assert markup.text_code(pos["summary"]) in doc  # code spans as code
        open_ones = [q for q in questions if q["status"] == "open"]
        assert doc.count('<div class="outcome">') == len(open_ones)
        assert doc.count('<div class="outcome notes-box">') == 1
        for n, q in enumerate(questions, 1):
            if q["status"] == "open":
                assert f"Outcome of question {n}</p>" in doc
        # Every quote of the session: from its thread, or about its proposals or questions.
        qids = {q["id"] for q in questions}
        expected = [
            quid
            for quid, quote in site.quotes.items()
            if (topic["thread"] and quote["thread"] == topic["thread"])
            or set(quote["proposals"]) & set(topic["proposals"])
            or set(quote["questions"]) & qids
        ]
        shown = re.findall(r'<div class="quote" id="quote-([a-z0-9-]+)">', doc)
        assert shown == expected
        for n, quid in enumerate(shown):
            assert f"Quote {letter_label(n)} " + " ".join(site.quotes[quid]["text"].split()) in text
    assert len(re.findall('<div class="quote"', briefs["using-bpf-in-mm"])) == 11


def test_every_link_is_a_numbered_endnote_with_its_full_address():
    site = load(REPO / "data")
    doc = render_briefs(site)["using-bpf-in-mm"]
    body, _, notes = doc.partition('<section class="endnotes">')
    links = re.findall(r'<a href="([^"]+)">(?:(?!</a>).)*</a><sup class="lsf-ref">(\d+)</sup>', body)
    assert len(links) == body.count("<a ") > 30
    listed = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', notes)
    assert [a for a, b in listed] == [b for a, b in listed]
    numbered = {int(n): html.unescape(h) for h, n in links}
    assert sorted(numbered) == list(range(1, len(listed) + 1))  # numbered in order, no gap
    for n, href in numbered.items():
        printed = html.unescape(listed[n - 1][0])
        if "lore.kernel.org" in href:
            assert printed.startswith("https://lore.kernel.org/r/") and "@" in printed
        else:
            assert printed == href
    # The reading link in its long form is printed in the short Message-ID form.
    assert "https://lore.kernel.org/r/7ia4o6j4c5y1.fsf@castle.c.googlers.com" in [html.unescape(a) for a, _ in listed]
    assert not any("lore.kernel.org/linux-mm/" in a for a, _ in listed)


def test_key_links_are_the_newest_postings_of_the_work():
    site = load(REPO / "data")
    keys = key_links(site.proposals["bpf-oom"])
    # Postings of the work itself, newest first: v3 is known only through replies in its
    # review (type archive), which are no posting of the work.
    assert [(link["version"], str(link["date"])) for link in keys] == [
        ("v2", "2025-10-27"),
        ("v1", "2025-08-18"),
        ("RFC", "2025-04-28"),
    ]
    # Without a posting of the work itself, the first link stands in.
    assert [link["type"] for link in key_links(site.proposals["memcg-ext"])] == ["web"]
    assert [letter_label(n) for n in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


def test_hostile_data_stays_text_in_the_brief(tmp_path):
    from tests.hostile import PAYLOADS, RLO_NAME, write_hostile
    from tests.test_hostile import Audit

    site = load(write_hostile(tmp_path / "data", big_quote=False))
    for tid, doc in render_briefs(site).items():
        audit = Audit()
        audit.feed(doc)
        assert audit.problems == [], tid
        text = html.unescape(re.sub(r"<[^>]+>", "", doc))
        for payload in PAYLOADS[:5]:
            assert " ".join(payload.split()) in " ".join(text.split()), payload
        assert RLO_NAME not in text and "[U+202E]" in text
