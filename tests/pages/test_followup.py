"""Last year in this year's brief (tests/fixtures/aftermath: a 2025 session with its decisions,
a 2026 topic that continues it, a proposal with new versions in between and one with none):
the topic's page and brief open with the earlier sessions' decisions and what happened since
to the proposals they concern, and a decision with nothing on record for six months before the
summit is flagged there and on the committee page. The whole pages are golden files
(tests/golden/aftermath/, test_render.py)."""

from __future__ import annotations

import pytest

from generator.pages import followup
from generator.pages.render import render_briefs, render_pages
from tests.conftest import AFTERMATH
from tests.conftest import site_of as load


@pytest.fixture(scope="module")
def site():
    return load(AFTERMATH, clean=True)


@pytest.fixture(scope="module")
def pages(site):
    return render_pages(site)


def section(page: str, heading: str) -> str:
    """A page's text from a heading to the next heading of the same level."""
    level = heading.split(" ", 1)[0]
    rest = page.split(heading + "\n", 1)[1]
    return rest.split(f"\n{level} ", 1)[0]


def test_the_page_opens_with_the_earlier_decisions_and_what_happened_since(pages):
    page = pages["topics/oom-2026.md"]
    assert page.index("## Earlier sessions") < page.index("## Abstract")
    earlier = section(page, "## Earlier sessions")
    assert (
        '<li><a href="../oom-2025/#decision-struct-ops-first">Post the OOM policy as a <code>struct_ops</code> '
        "interface, attached per memory cgroup.</a> "
        'Concerns <a href="../../proposals/oom-policy/">OOM policies in BPF</a>.'
    ) in earlier
    assert "<p>Since Tue 25 Mar 2025:</p>" in earlier
    since = earlier.split("(v3 under review since 2026-01-20):<ul>\n", 1)[1].split("</ul>", 1)[0]
    assert since.splitlines() == [
        '<li>2025-09-15: <a href="https://lore.kernel.org/r/20250915.oom-v2@example.org">'
        "patch series v2: [PATCH v2 0/6] OOM policies in BPF</a></li>",
        '<li>2025-12: <a href="https://example.org/oom-status">'
        "Moved from RFC to review after the v2 discussion</a></li>",
        '<li>2026-01-20: <a href="https://lore.kernel.org/r/20260120.oom-v3@example.org">'
        "patch series v3: [PATCH v3 0/6] OOM policies in BPF</a></li>",
    ]
    assert '<a href="../../proposals/thp-hooks/">BPF hooks for huge pages</a>, now' in earlier
    assert "nothing on record since." in earlier


def test_the_brief_opens_with_them_too_with_the_slot_in_its_time_zone_and_code_as_code(site):
    brief = render_briefs(site)["oom-2026"]
    summary = brief.split('<section class="summary">', 1)[1].split('<section class="abstract">', 1)[0]
    assert summary.index("<h2>Earlier sessions</h2>") < summary.index("<h2>To settle in the room</h2>")
    assert "patch series v3: [PATCH v3 0/6] OOM policies in BPF</a>" in summary
    assert "Tue 5 May 2026, 09:30–10:00 (Europe/Zagreb time, 30 minutes), Main hall" in summary
    assert "as <code>oom_score_adj</code> still decides." in brief and "`" not in brief.split("<body>", 1)[1]
    later = render_briefs(site)["oom-2025"]
    assert "<tr><th>Continued at</th><td><em>OOM policies in BPF, a year on</em> (Example Summit 2026)" in later


def test_a_decision_quiet_for_six_months_is_flagged_on_the_topic_and_committee_pages(pages):
    earlier = section(pages["topics/oom-2026.md"], "## Earlier sessions")
    flagged = [line for line in earlier.splitlines() if "<strong>No activity for six months:</strong>" in line]
    assert len(flagged) == 1 and "decision-no-thp-hooks-yet" in flagged[0]
    assert "after 2025-03-25, more than six months before this summit's first day (2026-05-04)." in flagged[0]
    heading = "## Earlier decisions with no activity for six months { #quiet-decisions }"
    rows = [line for line in section(pages["events/summit-2026/committee.md"], heading).splitlines() if "| [" in line]
    assert len(rows) == 1 and "#decision-no-thp-hooks-yet" in rows[0] and "| 2025-03-25 |" in rows[0]
    assert "quiet-decisions" not in pages["events/summit-2025/committee.md"]


def test_six_months_are_counted_to_a_date_of_the_data():
    assert followup.months_before("2026-05-04", 6) == "2025-11-04"
    assert followup.months_before("2026-08-31", 6) == "2026-02-28"
    assert followup.months_before("2026-03-31", 6) == "2025-09-30"
    assert followup.reference_day({"start": "2026-05"}) == "2026-05-01"  # the first day it may be
