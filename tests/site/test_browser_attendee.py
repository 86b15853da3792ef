"""The site as attendees use it, in a real browser (headless Chromium driven by Playwright, as in
tests/site/test_browser_site.py), on the summit fixture: two summits, a session held over the
2029 coffee break, a committee page that counts its topics by track.

Each page is opened once and looked at as a desktop shows it (1280 px) and as a phone does
(390 px), the window resized between:

- a person's page groups their sessions by summit, the latest first, each with its day, time
  and room, and nothing on it needs a sideways scroll on a phone;
- on the agenda grid a session held over a break stays in its room, marked with the break,
  which fills the rooms free at its time; there is a row for every start and end (the last says
  when the day ends); the break's label can be read whole however far a phone scrolls the grid
  (tests/site/test_browser_grid.py checks the same of a lunch across every room, and the
  tracks' stripes);
- the committee's tables fit the text column at 1280 px, and at 390 px the counts' totals show
  without scrolling and a topic's title keeps its column wide enough to read.

The axe-core audit finds no serious or critical violation on these pages, in either scheme.
Skipped or failed as the site's browser tests are.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SUMMIT, make_project, run_cli
from tests.site.test_browser_grid import cut_labels, on_screen
from tests.site.test_browser_site import (  # noqa: F401 (fixtures)
    Watched,
    artifacts,
    audit,
    axe_source,
    browser,
    served,
)

WIDTHS = [1280, 390]
PAGES = {"person": "people/ana-swap/", "grid": "events/example-2029/agenda/", "committee": "committee/"}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("attendee-site"), SUMMIT)
    result = run_cli("site", "--strict", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


def at_width(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.wait_for_timeout(100)  # Material lays the page out again


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def inside(inner, outer) -> bool:
    """Whether one box (x, y, width, height) lies within another, to the pixel."""
    return (
        inner["x"] >= outer["x"] - 1
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1
        and inner["y"] >= outer["y"] - 1
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 1
    )


def test_a_persons_page_gives_each_summit_its_sessions_with_day_time_and_room(browser, served, artifacts):
    w = Watched(browser)
    page = w.open(served + PAGES["person"])
    assert w.heading() == "Ana Swap"
    article = page.locator("article")
    sections = [h.replace("¶", "").strip() for h in article.locator("h2:visible").all_inner_texts()]
    assert sections == ["Example Summit 2030", "Example Summit 2029", "Proposals"]
    # The list after each summit's heading: its sessions, with day, time and room.
    lists = [article.locator(f"h2:nth-of-type({n}) + p + ul > li") for n in (1, 2)]
    assert [lst.all_inner_texts() for lst in lists] == [
        ["Leads Pluggable swap back ends (joint session): Mon 6 May 2030, 10:00–10:45, Main hall"],
        ["Leads Swap tiers, first round: Tue 17 Apr 2029, 11:00–11:30, The hall"],
    ]
    for width in WIDTHS:
        at_width(page, width)
        assert no_sideways_scroll(page), f"the person page scrolls sideways at {width} px"
        for lst in lists:
            item = lst.first
            item.scroll_into_view_if_needed()
            assert on_screen(page, item.locator("a")) and inside(item.bounding_box(), article.bounding_box())
        page.screenshot(path=artifacts / "screenshots" / f"person-{width}.png", full_page=True)
    assert w.close() == []


def test_a_session_held_over_a_break_stays_in_its_room_and_the_break_reads_whole(browser, served, artifacts):
    w = Watched(browser)
    page = w.open(served + PAGES["grid"])
    grid = page.locator(".lsf-grid").first
    heads = grid.locator("thead th")
    assert heads.all_inner_texts() == ["Time", "The hall", "Side room"]
    # A row for every start and end: the last says when the day ends.
    assert grid.locator("tbody th").all_inner_texts() == ["11:00", "11:15", "11:30", "11:45"]
    assert grid.locator("tr.lsf-end td").inner_text() == "Nothing later is scheduled."
    session = grid.locator("td.lsf-slot")
    assert session.get_attribute("rowspan") == "2" and "lsf-over-break" in session.get_attribute("class")
    assert session.locator(".lsf-slot-over").inner_text() == "Overlaps Coffee break (11:15–11:45)"
    breaks = grid.locator("td.lsf-break")
    assert breaks.count() == 2  # the side room from 11:15, the hall once the session ended
    for width in WIDTHS:
        at_width(page, width)
        grid.scroll_into_view_if_needed()
        hall, side = heads.nth(1).bounding_box(), heads.nth(2).bounding_box()
        box = session.bounding_box()
        assert abs(box["x"] - hall["x"]) < 2 and abs(box["width"] - hall["width"]) < 2, "not in its room"
        for scroll in ("0", "e.scrollWidth"):  # the break's labels read whole, scrolled or not
            grid.evaluate(f"e => {{ e.scrollLeft = {scroll}; }}")
            assert cut_labels(grid) == [], f"at {width} px, scrolled to {scroll}"
            assert on_screen(page, breaks.nth(0).locator(".lsf-label")), f"at {width} px, scrolled to {scroll}"
        if width < 600:
            assert no_sideways_scroll(page)
        assert abs(side["y"] - hall["y"]) < 2
        page.screenshot(path=artifacts / "screenshots" / f"grid-over-break-{width}.png", full_page=True)
    assert w.close() == []


def test_the_committee_tables_fit_a_desktop_and_read_on_a_phone(browser, served, artifacts):
    w = Watched(browser)
    page = w.open(served + PAGES["committee"])
    tables = page.locator("article table")
    counts = tables.first
    assert counts.locator("thead th").all_inner_texts()[:2] == ["Track", "Topics"]
    totals = counts.locator("tbody tr:last-child td")
    assert totals.all_inner_texts()[:2] == ["All topics", "4"]
    at_width(page, 1280)
    for n in range(tables.count()):  # no table scrolls sideways
        wrap = tables.nth(n).locator("xpath=ancestor::div[contains(@class, 'md-typeset__scrollwrap')]")
        assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth"), f"table {n + 1} scrolls at 1280 px"
    totals.nth(1).scroll_into_view_if_needed()
    assert on_screen(page, totals.nth(1))
    page.screenshot(path=artifacts / "screenshots" / "committee-1280.png", full_page=True)
    at_width(page, 390)
    assert no_sideways_scroll(page)
    totals.nth(1).scroll_into_view_if_needed()
    assert on_screen(page, totals.nth(1)), "the total of topics needs a sideways scroll at 390 px"
    # A topic's title keeps 8rem (Material's rem: 20 px), not a word per line.
    rem = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    titles = page.locator("article table td:first-child > a[href*='topics/']")
    assert titles.count() >= 4
    for n in range(titles.count()):
        cell = titles.nth(n).locator("xpath=..")
        assert cell.bounding_box()["width"] >= 8 * rem - 1, titles.nth(n).inner_text()
    page.screenshot(path=artifacts / "screenshots" / "committee-390.png", full_page=True)
    assert w.close() == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_attendee_pages_pass_the_accessibility_audit(browser, served, axe_source, scheme):
    _, serious = audit(browser, served, axe_source, scheme, list(PAGES.values()))
    assert serious == {}
