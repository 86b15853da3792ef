"""The PDF briefs, read back with pypdf: one per topic and paper size, holding the whole session
(title, proposals, quotes, questions), an empty ruled box per open question, no empty page, a
sensible page count; and `site --pdf` puts them into the site, linked from the topic pages.

Needs WeasyPrint's Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0, libharfbuzz-subset0,
fonts-dejavu-core; .ci/run installs them); without it these tests are skipped with that reason.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from generator.exports import pdf
from generator.layout import brief_files
from generator.pages.render import render_briefs
from tests.conftest import AFTERMATH, REPO, SAMPLE, make_project, run_cli
from tests.conftest import site_of as load

pypdf = pytest.importorskip("pypdf", reason="pypdf is not installed (make installs it)")

MM_PER_PT = 25.4 / 72
PAGE_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
# A brief of the default data must stay a handout: the largest session fits in 12 pages.
MAX_PAGES = {"using-bpf-in-mm": 13, "cache-ext": 5, "memcg-ext": 5, "userspace-mm-control": 3}


@pytest.fixture(scope="module")
def engine():
    try:
        pdf._engine()
    except pdf.InputError as exc:
        pytest.skip(f"the PDF engine cannot run here: {exc}")


@pytest.fixture(scope="module")
def default_site():
    return load(REPO / "data")


@pytest.fixture(scope="module")
def default_pdfs(engine, default_site) -> dict[str, bytes]:
    return pdf.make_briefs(render_briefs(default_site), pdf.read_stylesheet())


def reader(data: bytes):
    return pypdf.PdfReader(io.BytesIO(data))


def flat(text: str) -> str:
    """Text with whitespace folded, and a word broken after its hyphen at a line end joined."""
    return re.sub(r"-\s+(?=\w)", "-", " ".join(text.split()))


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in reader(data).pages]


def frames(page, doc) -> list[tuple[str, float, float]]:
    """Every bordered box drawn on a page, as (kind, width mm, height mm): WeasyPrint fills the
    ring between two rectangles (re, re, f*); a "box" has borders on all four sides, a "rule"
    only a bottom border (the ruled lines to write on)."""
    from pypdf.generic import ContentStream

    ops = ContentStream(page.get_contents(), doc).operations
    scale, stack, found = 1.0, [], []
    for i, (operands, op) in enumerate(ops):
        if op == b"q":
            stack.append(scale)
        elif op == b"Q":
            scale = stack.pop()
        elif op == b"cm":
            scale *= abs(float(operands[0]))
        elif op == b"re" and i + 2 < len(ops) and ops[i + 1][1] == b"re" and ops[i + 2][1] == b"f*":
            inner = [float(x) for x in operands]
            outer = [float(x) for x in ops[i + 1][0]]
            size = (round(outer[2] * scale * MM_PER_PT, 1), round(outer[3] * scale * MM_PER_PT, 1))
            if outer[2] > inner[2] and outer[3] > inner[3]:
                found.append(("box", *size))
            elif outer[2] == inner[2] and outer[1] == inner[1] and outer[3] > inner[3]:
                found.append(("rule", *size))
    return found


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_pdf_per_topic_on_each_paper(default_pdfs, default_site, paper):
    for tid in default_site.topics:
        data = default_pdfs[brief_files(tid)[paper]]
        assert data.startswith(b"%PDF-")
        doc = reader(data)
        for page in doc.pages:
            width, height = (float(v) * MM_PER_PT for v in page.mediabox[2:])
            assert (round(width, 1), round(height, 1)) == PAGE_MM[paper]
        assert doc.metadata.title == f"{default_site.topics[tid]['title']}: session brief"
    assert len(default_pdfs) == 2 * len(default_site.topics) == 8


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_each_pdf_holds_the_whole_session(default_pdfs, default_site, paper):
    site = default_site
    for tid, topic in site.topics.items():
        text = flat(" ".join(page_texts(default_pdfs[brief_files(tid)[paper]])))
        assert flat(topic["title"]) in text
        for pid in topic["leads"]:
            assert site.people[pid]["name"] in text
        for pid in topic["proposals"]:
            assert flat(site.proposals[pid]["title"]) in text, (tid, pid)
        questions = [site.questions[q] for q in site.questions_of_topic.get(tid, [])]
        for n, q in enumerate(questions, 1):
            assert f"{n}. {flat(q['question'])}" in text, (tid, q["id"])
            for pos in q["positions"]:
                assert flat(pos["summary"].replace("`", "")) in text  # a code span is printed as code
            if q["status"] == "open":
                assert f"Outcome of question {n}" in text
        related = {q["id"] for q in questions}
        for quote in site.quotes.values():
            if quote["thread"] == topic["thread"] or set(quote["questions"]) & related:
                assert flat(quote["text"]) in text, (tid, quote["id"])
        assert flat("https://lore.kernel.org/r/" + topic["message_id"]) in text  # the endnote of the topic e-mail


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_an_empty_ruled_box_for_each_open_question(default_pdfs, default_site, paper):
    for tid in default_site.topics_of_event["lsfmmbpf-2026"]:  # the sessions with questions
        doc = reader(default_pdfs[brief_files(tid)[paper]])
        drawn = [f for page in doc.pages for f in frames(page, doc)]
        content_width = PAGE_MM[paper][0] - 2 * 18  # the brief's side margins
        open_questions = [
            q for q in default_site.questions_of_topic.get(tid, []) if default_site.questions[q]["status"] == "open"
        ]
        boxes = [(w, h) for kind, w, h in drawn if kind == "box" and abs(w - content_width) < 1]
        outcome = [h for w, h in boxes if 40 <= h <= 60]
        notes = [h for w, h in boxes if h > 80]
        assert len(outcome) == len(open_questions) >= 1, (tid, drawn)
        assert len(notes) == 1, (tid, drawn)
        # Ruled lines to write on: five per question, nine for the notes, inside the boxes.
        rules = [w for kind, w, h in drawn if kind == "rule" and content_width - 10 < w < content_width]
        assert len(rules) == 5 * len(open_questions) + 9, (tid, drawn)


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_no_page_is_empty_and_the_page_count_is_sensible(default_pdfs, default_site, paper):
    counts = {}
    for tid, topic in default_site.topics.items():
        pages = page_texts(default_pdfs[brief_files(tid)[paper]])
        counts[tid] = len(pages)
        for n, text in enumerate(pages, 1):
            body = text.replace(f"Page {n} of {len(pages)}", "").replace("Session brief", "")
            body = body.replace(topic["title"], "") if n > 1 else body
            assert len(body.split()) >= 3, (tid, n, text)  # more than a stray line
    for tid, count in counts.items():
        assert 1 <= count <= MAX_PAGES[tid], counts


def test_pdfs_are_byte_identical_for_the_same_data(engine):
    briefs = render_briefs(load(SAMPLE))
    css = pdf.read_stylesheet()
    assert pdf.make_briefs(briefs, css) == pdf.make_briefs(briefs, css)


def test_the_engine_loads_nothing(engine):
    for html in (
        '<p>x</p><img src="file:///etc/passwd">',
        '<link rel="stylesheet" href="https://example.org/x.css"><p>x</p>',
        '<p style="background: url(http://127.0.0.1:9/x.png)">x</p>',
    ):
        with pytest.raises(pdf.InputError, match="it may load nothing"):
            pdf.make_pdf(html, "a4", "")


def test_hostile_payloads_are_printed_as_text(engine, tmp_path):
    from tests.hostile import PAYLOADS, write_hostile

    site = load(write_hostile(tmp_path / "data", big_quote=False))
    briefs = render_briefs(site)
    data = pdf.make_pdf(briefs["hostile-topic"], "a4", pdf.read_stylesheet())
    text = flat(" ".join(page_texts(data)))
    for payload in PAYLOADS[:3]:
        assert flat(payload) in text


def test_a_brief_opens_with_the_earlier_sessions_decisions_and_what_happened_since(engine):
    """tests/fixtures/aftermath: the 2026 topic's PDF (A4) shows, before the questions to
    settle, last year's decisions, the steps since of the proposals they concern and the one
    gone quiet; the slot with its time zone; a position's `code` without its backticks."""
    data = pdf.make_pdf(render_briefs(load(AFTERMATH))["oom-2026"], "a4", pdf.read_stylesheet())
    first = flat(page_texts(data)[0])
    assert first.index("Earlier sessions") < first.index("To settle in the room")
    for words in (
        "OOM policies in BPF, first round (Example Summit 2025, Tue 25 Mar 2025; held)",
        "Decided: Post the OOM policy as a struct_ops interface, attached per memory cgroup.",
        "2025-09-15: patch series v2: [PATCH v2 0/6] OOM policies in BPF",
        "2026-01-20: patch series v3: [PATCH v3 0/6] OOM policies in BPF",
        "No activity for six months: nothing on record on its proposal after 2025-03-25",
        "Tue 5 May 2026, 09:30–10:00 (Europe/Zagreb time, 30 minutes), Main hall",
    ):
        assert words in first, words
    text = flat(" ".join(page_texts(data)))
    assert "as oom_score_adj still decides" in text and "`" not in text


def test_site_pdf_puts_the_briefs_into_the_site_and_links_them(engine, tmp_path):
    project = make_project(tmp_path, SAMPLE)
    result = run_cli("site", "--strict", "--pdf", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "Session briefs: 4 PDF files in site/briefs/." in result.stdout
    site = project / "site"
    assert sorted(p.name for p in (site / "briefs").iterdir()) == [
        "briefs.json",
        "hooks-in-mm.letter.pdf",
        "hooks-in-mm.pdf",
        "later-topic.letter.pdf",
        "later-topic.pdf",
    ]
    for tid in ("hooks-in-mm", "later-topic"):
        page = site / "topics" / tid / "index.html"
        hrefs = re.findall(r'<a class="lsf-noprint" href="([^"]+)">PDF, (A4|US Letter)</a>', page.read_text())
        assert [h for h, _ in hrefs] == [f"../../briefs/{tid}.pdf", f"../../briefs/{tid}.letter.pdf"]
        for href, _ in hrefs:
            target = (page.parent / href).resolve()
            assert target.is_file() and target.read_bytes().startswith(b"%PDF-")
    made = {p.name: p.read_bytes() for p in (site / "briefs").iterdir()}
    # Without --pdf: the briefs are kept, and linked; one whose topic changed says it is older.
    result = run_cli("site", "--strict", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "Session briefs kept in site/briefs/ for 2 topics.\n" in result.stdout
    assert {p.name: p.read_bytes() for p in (site / "briefs").iterdir()} == made
    assert "../../briefs/hooks-in-mm.pdf" in (site / "topics" / "hooks-in-mm" / "index.html").read_text()
    topic = project / "data" / "topics" / "hooks-in-mm.yaml"
    topic.write_text(topic.read_text().replace("title: Hooks in MM", "title: Hooks in MM, again"))
    result = run_cli("site", "--strict", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "made before what they show changed: hooks-in-mm (make pdf)." in result.stdout
    stale = (site / "topics" / "hooks-in-mm" / "index.html").read_text()
    assert "../../briefs/hooks-in-mm.pdf" in stale and "made before the last change to what it shows" in stale
    assert "made before the last change" not in (site / "topics" / "later-topic" / "index.html").read_text()
    # A topic gone: its brief goes too.
    (project / "data" / "topics" / "later-topic.yaml").unlink()
    (project / "data" / "proposals" / "cache-policy.yaml").unlink()  # on no other topic
    assert run_cli("site", "--strict", cwd=project).returncode == 0
    assert sorted(p.name for p in (site / "briefs").iterdir()) == [
        "briefs.json",
        "hooks-in-mm.letter.pdf",
        "hooks-in-mm.pdf",
    ]


def test_site_pdf_with_bad_data_writes_nothing(engine, tmp_path):
    project = make_project(tmp_path, SAMPLE)
    topic = project / "data" / "topics" / "later-topic.yaml"
    topic.write_text(topic.read_text().replace("lead: cy-author", "lead: nobody"))
    result = run_cli("site", "--strict", "--pdf", cwd=project)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith("data/topics/later-topic.yaml:3:")
    assert "Traceback" not in result.stderr
    assert not (project / "site").exists() and not Path(project / "docs" / "topics").exists()


def test_briefs_show_emoji_cjk_and_rtl_and_name_a_character_no_font_has(engine, tmp_path):
    """Kernel mail carries names like 吉藤英明, and titles carry emoji: the fonts .ci/run installs
    (Noto CJK, Noto Color Emoji, DejaVu) show them. A character no installed font has is named
    with the file and line that hold it, instead of a WeasyPrint message for every brief."""
    project = make_project(tmp_path, SAMPLE)
    topic = project / "data" / "topics" / "hooks-in-mm.yaml"
    people = project / "data" / "people.yaml"
    topic.write_text(topic.read_text().replace("title: Hooks in MM\n", 'title: "Hooks in MM 🚀 שלום"\n'))
    people.write_text(people.read_text().replace("name: Bob Reviewer\n", "name: 吉藤 英明\n"))
    result = run_cli("site", "--strict", "--pdf", cwd=project)
    if result.returncode and "no glyph in any installed font" in result.stderr:
        pytest.skip(f"the fonts .ci/run installs are not here: {result.stderr.splitlines()[0]}")
    assert result.returncode == 0, result.stderr
    text = flat(" ".join(page_texts((project / "site" / "briefs" / "hooks-in-mm.pdf").read_bytes())))
    assert "吉藤 英明" in text and "שלום" in text
    # Linear A is in no font: its file and line are named, and nothing is written.
    before = (project / "site" / "briefs" / "hooks-in-mm.pdf").read_bytes()
    topic.write_text(topic.read_text().replace("Hooks in MM 🚀", "Hooks in MM \U00010600"))
    result = run_cli("site", "--strict", "--pdf", cwd=project)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "data/topics/hooks-in-mm.yaml:2: '\U00010600' (U+10600 LINEAR A SIGN AB001) has no glyph in any installed "
        "font, so the PDF brief of hooks-in-mm cannot show it; install a font that has it (see the README's PDF "
        "briefs) or write the text without it",
        "Failed: 1 error; nothing was written.",
    ]
    assert (project / "site" / "briefs" / "hooks-in-mm.pdf").read_bytes() == before
