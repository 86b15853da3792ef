"""The agenda's grid in a real browser (headless Chromium driven by Playwright, as in
tests/site/test_browser_site.py), on the schedule fixture: two days, three rooms, a plenary and a
joint session, a shared lunch.

At a desktop's width (1280 px) and a phone's (390 px): the joint session spans the rooms of its
two tracks, each row's time (the last row's too: when the day ends) and the lunch's label are on
screen however far the grid is scrolled sideways, each track's stripe is drawn inside its cell,
and a session's link opens its brief. On paper each day is a landscape page of its own. The
axe-core audit finds no serious or critical violation on the agenda and the schedule page.
Skipped or failed as the site's browser tests are.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import SCHEDULE, make_project, run_cli
from tests.site.test_browser_site import Watched, audit, axe_source, browser, served  # noqa: F401 (fixtures)

WIDTHS = [1280, 390]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("grid-site"), SCHEDULE)
    result = run_cli("site", "--strict", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


def on_screen(page, locator) -> bool:
    """Whether the element is what the browser shows at the middle of its box (not covered,
    not scrolled away)."""
    return locator.evaluate(
        "e => { const r = e.getBoundingClientRect(); const x = r.left + Math.min(r.width, 40) / 2,"
        " y = r.top + Math.min(r.height, 20) / 2; return x >= 0 && y >= 0 && x < innerWidth"
        " && y < innerHeight && e.contains(document.elementFromPoint(x, y)); }"
    )


def cut_labels(grid) -> list[str]:
    """The labels of breaks (and of the last row) that the grid cuts although their cell shows
    enough of itself to hold them: with the grid scrolled anywhere, a label whose cell has as
    much room in view (right of the time column) as the label needs must be whole in view."""
    return grid.evaluate(
        """g => {
            const view = g.getBoundingClientRect(), time = g.querySelector('thead th').getBoundingClientRect();
            const left = time.right, right = view.right, cut = [];
            for (const label of g.querySelectorAll('.lsf-label')) {
                const c = label.closest('td').getBoundingClientRect(), l = label.getBoundingClientRect();
                const room = Math.min(c.right, right) - Math.max(c.left, left);
                if (room >= l.width + 16 && (l.left < left - 1 || l.right > right + 1)) cut.push(label.textContent);
            }
            return cut;
        }"""
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_a_spanning_session_and_the_time_of_every_row_are_visible(browser, served, width):
    w = Watched(browser)
    page = w.page
    page.set_viewport_size({"width": width, "height": 800})
    w.open(served + "agenda/")
    day = page.locator(".lsf-grid").first
    heads = day.locator("thead th")
    assert heads.all_inner_texts() == ["Time", "Blue room", "Green room", "Red room"]
    joint = day.locator("td.lsf-joint-session")
    assert joint.get_attribute("colspan") == "2"
    joint.scroll_into_view_if_needed()
    assert joint.is_visible() and on_screen(page, joint.locator("a"))
    box = joint.bounding_box()
    green, red = heads.nth(2).bounding_box(), heads.nth(3).bounding_box()
    assert abs(box["x"] - green["x"]) < 2 and abs(box["x"] + box["width"] - (red["x"] + red["width"])) < 2
    # The row the joint session starts in: its time is beside it, however far the grid scrolled.
    row_time = joint.locator("xpath=../th")
    assert row_time.inner_text() == "10:30" and on_screen(page, row_time)
    # Calm edges: each session keeps a thin outline, and its track's stripe (solid, dashed,
    # dotted or double) is drawn inside it: a thick dotted border spilled past the corners.
    edges = day.locator("td.lsf-slot").evaluate_all(
        "cells => cells.map(e => { const s = getComputedStyle(e), b = getComputedStyle(e, '::before');"
        " return [s.borderLeftWidth, s.borderTopWidth, b.position, b.top, b.bottom, b.left, b.borderLeftStyle]; })"
    )
    assert {tuple(e[:6]) for e in edges} == {("1px", "1px", "absolute", "0px", "0px", "0px")}
    assert {e[6] for e in edges} == {"solid", "dashed", "dotted", "double"}
    # The lunch, across every room, is labelled where it starts, in view however far the grid
    # scrolls (and so is the last row, when the day ends).
    lunch = day.locator("td.lsf-break .lsf-label")
    assert lunch.inner_text() == "Lunch 12:30–13:30" and on_screen(page, lunch)
    assert cut_labels(day) == []
    # Every row: scrolled as far right as the grid goes, the time still shows, and the lunch.
    day.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    assert on_screen(page, lunch) and cut_labels(day) == []
    times = day.locator("tbody th")
    assert times.all_inner_texts() == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:30", "13:30"]
    for n in range(times.count()):
        times.nth(n).scroll_into_view_if_needed()
        assert on_screen(page, times.nth(n)), f"the time of row {n + 1} is hidden at {width} px"
    if width < 600:  # a phone: the rooms do not fit, so the grid scrolls and the page does not
        assert day.evaluate("e => e.scrollWidth > e.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    page.screenshot(path=f"test-artifacts/screenshots/grid-{width}.png", full_page=True)
    assert w.close() == []


def test_a_session_in_the_grid_opens_its_brief(browser, served):
    w = Watched(browser)
    page = w.open(served + "events/grid-2030/agenda/")  # a page one level deeper: links still hold
    page.click(".lsf-grid a:text-is('BPF in MM, jointly')")
    page.wait_for_url("**/topics/bpf-in-mm/")
    assert w.heading() == "BPF in MM, jointly"
    assert w.close() == []


def test_on_paper_each_day_is_a_landscape_page(browser, served):
    w = Watched(browser)
    page = w.open(served + "agenda/")
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True)
    boxes = [tuple(float(x) for x in m.split()) for m in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", pdf)]
    landscape = [b[2] > b[3] for b in boxes]
    # The introduction, then a landscape page for each of the two days, then the unscheduled list.
    assert landscape == [False, True, True, False]
    assert w.close() == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_grid_pages_pass_the_accessibility_audit(browser, served, axe_source, scheme):
    _, serious = audit(browser, served, axe_source, scheme, ["agenda/", "schedule/"])
    assert serious == {}
