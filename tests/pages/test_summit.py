"""A whole summit across the years (tests/fixtures/summit: made-up records in the shape of real
topic posts): two events, a topic known only from a list archive, one known only through its
replies, two leads, a declined meta-topic, a merged topic, a request to attend, and a session
that continues the one of the year before. Its pages and exports are also golden files
(tests/pages/test_render.py); these tests say what each of them must show."""

from __future__ import annotations

import json
import re

import pytest
from icalendar import Calendar

from generator.exports.export import exports
from generator.layout import Publish
from generator.pages.render import render_briefs, render_pages
from tests.conftest import SUMMIT, copy_data, edit, site_of

PUBLISH = Publish(site_url="https://briefs.example.org/")


@pytest.fixture(scope="module")
def site():
    return site_of(SUMMIT, clean=True)


@pytest.fixture(scope="module")
def pages(site):
    return render_pages(site)


@pytest.fixture(scope="module")
def files(site):
    return exports(site, PUBLISH)


@pytest.fixture(scope="module")
def briefs(site):
    return render_briefs(site)


def section(page: str, heading: str) -> str:
    """The text of a page's section, from its heading to the next of the same level."""
    level = heading.split(" ", 1)[0]
    start = page.index(heading + "\n")
    rest = page[start + len(heading) + 1 :]
    end = re.search(rf"^{level} ", rest, re.M)
    return rest[: end.start()] if end else rest


def test_the_newest_event_is_current_and_each_event_has_its_pages(site, pages):
    assert site.current_event == "example-2030"
    assert pages["index.md"].startswith('---\ntitle: "Example Summit 2030"\n')
    for eid in ("example-2029", "example-2030"):
        for page in ("index.md", "agenda.md", "committee.md"):
            assert f"events/{eid}/{page}" in pages
    past = pages["events/example-2029/index.md"]
    assert "Not the summit this site opens on: that is [Example Summit 2030](../../index.md)." in past
    events = pages["events/index.md"]
    assert events.index("Example Summit 2030") < events.index("Example Summit 2029")  # the newest first
    assert "[Example Summit 2030](example-2030/index.md) (current)" in events


def test_a_topic_known_only_from_an_archive_never_links_to_lore(pages, files, briefs):
    page = pages["topics/extensible-reclaim.md"]
    assert (
        "<td>Topic e-mail</td>\n"
        '<td><a href="https://lists.example.org/archive/linux-mm/2030-01/0042.html">the post in a list archive</a>'
        in page
    )
    known_by_replies = pages["topics/attend-slab.md"]
    assert (
        "<td>Topic e-mail</td>\n<td>no address on record (known only through the replies to it), date unknown</td>"
        in known_by_replies
    )
    for text in (page, known_by_replies, briefs["extensible-reclaim"], briefs["attend-slab"]):
        assert "lore.kernel.org" not in text
    doc = json.loads(files["data.json"])
    topic = next(t for t in doc["topics"] if t["id"] == "extensible-reclaim")
    assert topic["message_id"] is None and topic["post_url"].startswith("https://lists.example.org/")


def test_two_leads_everywhere(site, pages, briefs, files):
    """Two leads of their own, and a third, marked, from the topic merged into the session."""
    assert site.topics["swap-backends"]["leads"] == ["ana-swap", "ben-store"]
    both = '<a href="../../people/ana-swap/">Ana Swap</a>, <a href="../../people/ben-store/">Ben Store</a>'
    merged = (
        '<a href="../../people/dan-reclaim/">Dan Reclaim</a> '
        '(from <em><a href="../extensible-reclaim/">One extensible reclaim</a></em>)'
    )
    assert f"<td>Leads</td>\n<td>{both}, {merged}</td>" in pages["topics/swap-backends.md"]
    marked = "Dan Reclaim (from <em>One extensible reclaim</em>)"
    assert f"<th>Leads</th><td>Ana Swap, Ben Store, {marked}</td>" in briefs["swap-backends"]
    event = Calendar.from_ical(files["topics/swap-backends.ics"]).walk("VEVENT")[0]
    assert str(event["DESCRIPTION"]).startswith(
        "Leads: Ana Swap, Ben Store, Dan Reclaim (from One extensible reclaim)\n"
    )
    leads = '<li>Leads <a href="../../topics/swap-backends/">Pluggable swap back ends</a>'
    assert leads in pages["people/ana-swap.md"] and leads in pages["people/ben-store.md"]
    should = '<li>Should attend <a href="../../topics/swap-backends/">Pluggable swap back ends</a>'
    assert should in pages["people/cat-maint.md"]
    assert "- [Ana Swap](ana-swap.md){ #ana-swap }" in pages["people/index.md"]


def test_a_persons_page_gives_each_summit_its_sessions_with_day_time_and_room(pages):
    """Grouped by summit, the latest first, each session with its day, time and room as the
    records give them; what is not a session says why it has none; proposals apart."""
    ana = pages["people/ana-swap.md"]
    assert re.findall(r"^## (.*) \{", ana, re.M) == ["Example Summit 2030", "Example Summit 2029", "Proposals"]
    assert section(ana, "## Example Summit 2030 { #example-2030 }").splitlines()[2:5] == [
        '<p>Mon 6 May 2030 to Wed 8 May 2030, Example City (<a href="../../events/example-2030/">the summit</a>, '
        '<a href="../../events/example-2030/agenda/">its agenda</a>). '
        "Times are local to the summit (Europe/Prague).</p>",
        "<ul>",
        '<li>Leads <a href="../../topics/swap-backends/">Pluggable swap back ends</a> (joint session): '
        "Mon 6 May 2030, 10:00–10:45, Main hall</li>",
    ]
    assert (
        '<li>Leads <a href="../../topics/swap-tiers-2029/">Swap tiers, first round</a>: '
        "Tue 17 Apr 2029, 11:00–11:30, The hall</li>" in section(ana, "## Example Summit 2029 { #example-2029 }")
    )
    assert section(ana, "## Proposals { #proposals }").strip().splitlines()[1:4] == [
        "<ul>",
        '<li>Author <a href="../../proposals/swap-tiers/">Swap tiers</a></li>',
        "</ul>",
    ]
    dan = pages["people/dan-reclaim.md"]
    assert (
        '<li>Leads <a href="../../topics/extensible-reclaim/">One extensible reclaim</a>: '
        'merged into <a href="../../topics/swap-backends/">Pluggable swap' in dan
    )
    assert "(meta-topic): declined, so no session" in pages["people/eve-meta.md"]
    assert "(attend request): not a session" in pages["people/fay-slab.md"]


def test_a_room_or_a_slot_no_record_gives_is_unknown_on_a_persons_page(tmp_path):
    data = copy_data(SUMMIT, tmp_path / "data")
    edit(data / "topics/swap-backends.yaml", "  room: main\n", "")
    edit(
        data / "topics/swap-tiers-2029.yaml",
        'slot:\n  day: 2029-04-17\n  start: "11:00"\n  minutes: 30\n  room: hall\n',
        "",
    )
    pages = render_pages(site_of(data, clean=True))
    ana = pages["people/ana-swap.md"]
    assert "(joint session): Mon 6 May 2030, 10:00–10:45, room unknown" in ana
    assert (
        '<a href="../../topics/swap-tiers-2029/">Swap tiers, first round</a>: '
        "held; its day, time and room are not on record" in ana
    )


def test_declined_merged_and_attend_requests_are_off_the_agenda_but_findable(pages, files):
    agenda = pages["agenda.md"]
    assert "Pluggable swap back ends" in agenda
    for title in ("One extensible reclaim", "Should the summit go on?", "Request to attend"):
        assert title not in agenda
        assert title in pages["committee.md"]
        assert title in pages["topics/index.md"]
        assert title in section(pages["index.md"], "## Other topics")
    ics = Calendar.from_ical(files["agenda.ics"])
    assert [str(e["SUMMARY"]) for e in ics.walk("VEVENT")] == ["Pluggable swap back ends"]
    assert str(ics.walk("VEVENT")[0]["UID"]) == "swap-backends@example-2030.lsfmm-prep"
    merged = pages["topics/extensible-reclaim.md"]
    assert (
        '<td>Decision</td>\n<td>Merged, 2030-03-01: into <a href="../swap-backends/">Pluggable swap back ends</a>. '
        "Discussed" in merged
    )
    assert (
        '<td>Merged into it</td>\n<td><a href="../extensible-reclaim/">One extensible reclaim</a></td>'
        in pages["topics/swap-backends.md"]
    )
    assert "## Outcome" not in merged  # not a session: nothing to fill in after it
    assert "<td>Kind</td>\n<td>Meta-topic</td>" in pages["topics/end-of-summit.md"]


def test_the_committee_page_counts_by_track_and_decision(pages):
    page = pages["committee.md"]
    counts = section(page, "## Counts")
    # The total first (a phone shows it without scrolling), the counts right-aligned.
    assert "| Track | Topics | proposed | accepted | held | merged | declined | withdrawn |" in counts
    assert "|---|---:|---:|---:|---:|---:|---:|---:|" in counts
    assert "| [Storage](#track-storage) | 1 | 0 | 1 | 0 | 0 | 0 | 0 |" in counts
    assert "| [Memory management](#track-mm) | 3 | 0 | 2 | 0 | 1 | 0 | 0 |" in counts
    assert "| [No track given](#no-track) | 1 | 0 | 0 | 0 | 0 | 1 | 0 |" in counts
    assert "| All topics | 4 | 0 | 2 | 0 | 1 | 1 | 0 |" in counts
    mm = section(page, "## Memory management { #track-mm }")
    row = mm.split('<td><a href="../topics/swap-backends/">Pluggable swap back ends</a></td>\n', 1)[1]
    cells = row.split("</tr>", 1)[0].splitlines()
    assert cells[:2] == ["<td>joint session</td>", "<td>accepted, 2030-03-01</td>"]
    assert cells[-1] == "<td>2</td>"  # two messages on record
    assert 'merged, 2030-03-01 into <a href="../topics/swap-backends/">Pluggable swap back ends</a>' in mm


def test_a_session_shows_what_it_continues_and_a_proposal_every_session(pages, briefs):
    earlier = section(pages["topics/swap-backends.md"], "## Earlier sessions")
    assert "### [Swap tiers, first round](swap-tiers-2029.md)" in earlier
    assert (
        "Example Summit 2029, Tue 17 Apr 2029 · held, 2029-04-17 · report: "
        '<a href="https://example.org/report-2029">Report of the 2029 session</a>'
    ) in earlier
    assert (
        '<li><a href="../swap-tiers-2029/#decision-one-interface">One swap interface, several back ends behind it.</a>'
        in earlier
    )
    # Continued in the brief too.
    assert '<h3>Swap tiers, first round <span class="when">(Example Summit 2029' in briefs["swap-backends"]
    later = section(pages["topics/swap-tiers-2029.md"], "## Continued at later summits")
    assert '<li>Example Summit 2030: <a href="../swap-backends/">Pluggable swap back ends</a>' in later
    sessions = section(pages["proposals/swap-tiers.md"], "## Summit sessions")
    assert sessions.index("Example Summit 2030") < sessions.index("Example Summit 2029")
    # Each brief is headed with its own summit.
    assert "Session brief · ES 2029" in briefs["swap-tiers-2029"]
    assert "Session brief · ES 2030 · joint session" in briefs["swap-backends"]


def test_data_json_holds_every_event_and_the_committees_view(files):
    doc = json.loads(files["data.json"])
    assert doc["current_event"] == "example-2030"
    assert [e["id"] for e in doc["events"]] == ["example-2029", "example-2030"]
    topics = {t["id"]: t for t in doc["topics"]}
    assert topics["swap-backends"]["event"] == "example-2030" and "lead" not in topics["swap-backends"]
    assert topics["swap-backends"]["continues"] == ["swap-tiers-2029"]
    assert topics["swap-tiers-2029"]["continued_by"] == ["swap-backends"]
    assert topics["extensible-reclaim"]["decision"]["into"] == "swap-backends"
    assert topics["attend-slab"]["kind"] == "attend-request" and topics["attend-slab"]["calendar"] is None
    assert files["events/example-2029/agenda.ics"].count("BEGIN:VEVENT") == 1


def test_a_past_session_shows_what_was_said_before_it_and_later_sessions_in_order(pages):
    """The 2029 session's page leaves out a 2030 reply about its proposal; the 2030 one shows it."""
    assert "Good; keep the old path working." not in pages["topics/swap-tiers-2029.md"]
    assert "Good; keep the old path working." in pages["topics/swap-backends.md"]
    assert "<td>Topic e-mail</td>" in pages["topics/swap-tiers-2029.md"]
    listed = section(pages["topics/index.md"], "## Example Summit 2030")
    declined = next(line for line in listed.splitlines() if "Should the summit go on?" in line)
    assert "| not a session | declined, 2030-02-20 |" in declined


def test_kept_briefs_whose_files_are_gone_are_not_linked(site, tmp_path):
    """`make site` keeps the briefs of the site it replaces, but only those whose files are there."""
    import hashlib

    from generator.builder.briefs import briefs_html, kept_briefs
    from generator.pages.render import Renderer

    folder = tmp_path / "site" / "briefs"
    folder.mkdir(parents=True)
    html = briefs_html(Renderer(site), ["swap-backends", "swap-tiers-2029"])
    manifest = {tid: hashlib.sha256(text.encode()).hexdigest() for tid, text in html.items()}
    (folder / "briefs.json").write_text(json.dumps(manifest))
    for name in ("swap-backends.pdf", "swap-backends.letter.pdf", "swap-tiers-2029.pdf"):  # one of 2029's is gone
        (folder / name).write_bytes(b"%PDF-1.7 made earlier")
    kept = kept_briefs(site, Renderer(site), str(tmp_path / "site"))
    assert kept.states == {"swap-backends": "current"}
    pages = render_pages(site.with_inputs({f"brief:{tid}": state for tid, state in kept.states.items()}))
    assert "../../briefs/swap-backends.pdf" in pages["topics/swap-backends.md"]
    assert "briefs/" not in pages["topics/swap-tiers-2029.md"]
