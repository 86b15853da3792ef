"""A topic merged into a session (tests/fixtures/merge: made-up records in the shape of the 2023
case, cxl-zone-exmem merged into memory-tiering-2023): the session's page and brief show what
the merged topic brings (its lead as a marked co-lead, its proposal, its question, its thread's
quotes), and the merged topic's own page and its lead's page say where it went. Its pages and
exports are also golden files (tests/pages/test_render.py); the calendars and data.json are
checked in tests/exports/test_export.py."""

from __future__ import annotations

import html
import re

import pytest

from generator.pages.markup import HTML_START
from generator.pages.render import render_briefs, render_pages
from tests.conftest import MERGE, site_of

MERGED_TITLE = r"A zone for CXL memory \(ZONE\_EXMEM\)"  # as Markdown shows it
TITLE_HTML = "A zone for CXL memory (ZONE_EXMEM)"  # as the generated HTML shows it


def section(page: str, heading: str) -> str:
    """The text of a page's section, from its heading to the next of the same level."""
    level = heading.split(" ", 1)[0]
    rest = page[page.index(heading + "\n") + len(heading) + 1 :]
    end = re.search(rf"^{level} ", rest, re.M)
    return rest[: end.start()] if end else rest


def text_of(fragment: str) -> str:
    """The visible text of HTML, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


@pytest.fixture(scope="module")
def site():
    return site_of(MERGE, clean=True)


@pytest.fixture(scope="module")
def pages(site):
    return render_pages(site)


@pytest.fixture(scope="module")
def brief(site):
    return render_briefs(site)["memory-tiering-2023"]


def test_the_sessions_page_names_the_merged_topics_lead_as_a_marked_co_lead(pages):
    page = pages["topics/memory-tiering-2023.md"]
    merged = f'<a href="../cxl-zone-exmem/">{TITLE_HTML}</a>'
    assert (
        '<td>Leads</td>\n<td><a href="../../people/hana-tier/">Hana Tier</a>, '
        f'<a href="../../people/kyu-exmem/">Kyu Exmem</a> (from <em>{merged}</em>)</td>'
    ) in page
    assert f"<td>Merged into it</td>\n<td>{merged}</td>" in page  # the list stays
    assert (
        f"<td>Thread of <em>{merged}</em></td>\n<td>[LSF/MM/BPF TOPIC] A zone for CXL memory "
        "(2 messages on record)</td>"
    ) in page


def test_the_sessions_page_shows_the_merged_topics_proposals_questions_and_quotes(pages):
    page = pages["topics/memory-tiering-2023.md"]
    proposals = section(page, "## Proposals")
    assert proposals.index("### [Demotion between memory tiers]") < proposals.index("### [ZONE\\_EXMEM]")
    exmem = proposals.split("### [ZONE\\_EXMEM](../proposals/zone-exmem.md)\n", 1)[1]
    assert exmem.startswith(
        f'\n{HTML_START}\n<p>From the merged topic <em><a href="../cxl-zone-exmem/">{TITLE_HTML}</a></em>.</p>\n'
    )
    questions = section(page, "## Questions for the room")
    assert questions.index("### Where should a demoted page go?") < questions.index(
        "### Does CXL memory need a zone of its own?"
    )
    assert (
        '<p><strong>Open</strong> · <a href="../../questions/cxl-zone-exmem/#exmem-zone-or-node">'
        "positions with their quotes and sources</a>"
        f' · from the merged topic <em><a href="../cxl-zone-exmem/">{TITLE_HTML}</a></em></p>\n'
    ) in questions
    assert '<li><strong><a href="../../people/mo-maint/">Mo Maint</a>:</strong> No; a NUMA node is enough.' in questions
    said = section(page, "## What was said")
    assert "A NUMA node already says where memory is; a new zone is not needed." in said


def test_the_merged_topic_and_its_lead_say_where_it_went(pages):
    merged = pages["topics/cxl-zone-exmem.md"]
    decision = '<td>Decision</td>\n<td>Merged, 2023-04-10: into <a href="../memory-tiering-2023/">Memory tiering</a>.'
    assert decision in merged
    assert '<td>Lead</td>\n<td><a href="../../people/kyu-exmem/">Kyu Exmem</a></td>' in merged  # its own lead, unmarked
    person = pages["people/kyu-exmem.md"]
    assert (
        'Calendar of the 2 sessions Kyu Exmem leads or should attend: <a href="../kyu-exmem.ics">kyu-exmem.ics</a>'
    ) in person
    assert '<li>Co-leads (from a merged topic) <a href="../../topics/memory-tiering-2023/">Memory tiering</a>' in person
    glance = section(pages["index.md"], "## Sessions at a glance")
    row = next(line for line in glance.splitlines() if line.startswith("| [Memory tiering]"))
    assert "[Kyu Exmem](people/kyu-exmem.md) (from *" in row and row.endswith("| 2 | 2 |")  # proposals, questions


def test_the_brief_says_what_was_merged_into_the_session(brief):
    title = "A zone for CXL memory (ZONE_EXMEM)"
    assert f"<tr><th>Leads</th><td>Hana Tier, Kyu Exmem (from <em>{title}</em>)</td></tr>" in brief
    merged_in = f"<tr><th>Merged into it</th><td><em>{title}</em>, led by Kyu Exmem, merged 2023-04-10</td></tr>"
    assert merged_in in brief
    assert '<meta name="author" content="Hana Tier, Kyu Exmem">' in brief
    settle = brief.split('<ol class="settle-list">\n', 1)[1].split("</ol>", 1)[0]
    assert settle == (
        '<li value="1">Where should a demoted page go?</li>\n'
        f'<li value="2">Does CXL memory need a zone of its own? (from the merged topic <em>{title}</em>)</li>\n'
    )


def test_the_brief_holds_the_merged_topics_proposal_question_and_quotes(brief):
    mark = '<p class="from">From the merged topic <em>A zone for CXL memory (ZONE_EXMEM)</em>.</p>'
    assert f"<h3>ZONE_EXMEM</h3>\n{mark}\n" in brief
    assert "<strong>Concern, Mo Maint:</strong> A zone per memory kind does not scale" in brief
    number = '<span class="number">2.</span>'
    assert f"<h3>{number} Does CXL memory need a zone of its own?</h3>\n{mark}\n" in brief
    questions = text_of(brief.split('<section class="questions">', 1)[1].split("</section>", 1)[0])
    assert "Mo Maint: No; a NUMA node is enough. (quote A)" in questions
    assert "Outcome of question 2" in questions  # an open question gets its ruled box
    assert '<div class="quote" id="quote-mo-node-enough">' in brief
