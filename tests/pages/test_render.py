"""Golden files: for each fixture (the sample; the summit: two events and every kind of topic
a program committee sees; the schedule: a grid of two days and three rooms; the merge: a topic
merged into a session, with what it brings; the aftermath: a 2025 session's decisions and the
2026 topic that continues it), the exact Markdown of every page and the exact exports
(calendars, schedule files, the write-up drafts as plain text, data.json) for a site
published at SAMPLE_PUBLISH.

After an intended change, run `make goldens` and review the diff of tests/golden/.
"""

import os
import shutil
from pathlib import Path

import pytest

from generator.builder.pipeline import load_site
from generator.errors import Problems
from generator.exports.export import exports
from generator.layout import Publish, relative
from generator.pages import markup
from generator.pages.queries import add_minutes, running_order
from generator.pages.render import render_pages
from tests.conftest import AFTERMATH, MERGE, REPO, SAMPLE, SCHEDULE, SUMMIT

GOLDENS = REPO / "tests" / "golden"
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"
SAMPLE_PUBLISH = Publish(site_url="https://briefs.example.org/summit/")
FIXTURES = {"sample": SAMPLE, "summit": SUMMIT, "schedule": SCHEDULE, "merge": MERGE, "aftermath": AFTERMATH}


def sample_pages() -> dict[str, str]:
    problems = Problems()
    site = load_site(str(SAMPLE), problems)
    assert site is not None and problems.items == []
    return render_pages(site)


def fixture_files(folder: Path) -> dict[str, str]:
    """Every file the generator writes for a fixture: pages and exports."""
    problems = Problems()
    site = load_site(str(folder), problems)
    assert site is not None and problems.items == [], [str(p) for p in problems.items]
    return {**render_pages(site), **exports(site, SAMPLE_PUBLISH)}


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_every_file_matches_its_golden_file(name):
    files = fixture_files(FIXTURES[name])
    golden = GOLDENS / name
    if UPDATE:
        for old in golden.rglob("*"):
            if old.is_file():
                old.unlink()
        for rel, text in files.items():
            (golden / rel).parent.mkdir(parents=True, exist_ok=True)
            (golden / rel).write_bytes(text.encode("utf-8"))  # calendars keep their CRLF line ends
    expected = {str(p.relative_to(golden)): p.read_bytes().decode("utf-8") for p in golden.rglob("*") if p.is_file()}
    assert sorted(files) == sorted(expected)
    for rel in files:
        assert files[rel] == expected[rel], f"{rel} differs from tests/golden/{name}/{rel} (make goldens?)"


def test_same_data_gives_byte_identical_pages(tmp_path):
    # Two processes with different hash seeds: no set or dict order may leak into the output.
    import os
    import subprocess
    import sys

    outs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(REPO))
        subprocess.run(
            [sys.executable, "-m", "generator", "build", "--data", str(REPO / "data"), "--out", str(out)],
            env=env,
            check=True,
            capture_output=True,
        )
        outs.append({p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    # 69 pages (a Changes page per event and the current one's; 19 of people, 3 of questions, 6
    # of proposal statuses; a write-up draft per event and per session); agenda.ics, the
    # calendars of the two events, the schedule.xml and schedule.json of the one with a time
    # zone, the write-up drafts as plain text, and data.json
    assert outs[0] == outs[1] and len(outs[0]) == 81


def test_page_kinds_and_marker():
    pages = sample_pages()
    assert sorted(pages) == [
        "agenda.md",
        "changes.md",
        "committee.md",
        "events/example-summit/agenda.md",
        "events/example-summit/changes.md",
        "events/example-summit/committee.md",
        "events/example-summit/index.md",
        "events/example-summit/schedule.md",
        "events/example-summit/writeup.md",
        "events/index.md",
        "index.md",
        "people/ada-lead.md",
        "people/bob-reviewer.md",
        "people/cy-author.md",
        "people/index.md",
        "proposals/by-status/idea.md",
        "proposals/by-status/landed.md",
        "proposals/by-status/under-review.md",
        "proposals/cache-policy.md",
        "proposals/index.md",
        "proposals/oom-hook.md",
        "proposals/stats-kfuncs.md",
        "questions/hooks-in-mm.md",
        "questions/index.md",
        "schedule.md",
        "topics/hooks-in-mm.md",
        "topics/index.md",
        "topics/later-topic.md",
        "writeups/hooks-in-mm.md",
        "writeups/later-topic.md",
    ]
    for text in pages.values():
        assert text.startswith("---\ntitle: ")
        assert "generated_by: lsfmm-prep" in text.split("\n---\n", 1)[0]


def test_running_order_times():
    problems = Problems()
    site = load_site(str(SAMPLE), problems)
    assert site is not None
    rows = running_order(site.topics["hooks-in-mm"])
    assert [r["start"] for r in rows] == ["09:30", "09:35", "09:50"]
    # Unscheduled, and an item without minutes: no invented times.
    assert [r["start"] for r in running_order(site.topics["later-topic"])] == [None, None]
    assert add_minutes("23:50", 20) == "00:10"


def test_running_order_table_has_start_only_with_a_slot_and_minutes_only_when_known(tmp_path):
    """The four cases of the table's columns (the goldens hold slot with minutes and minutes
    without a slot; the default data holds neither): a slot without any planned length."""
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    topic = data / "topics" / "hooks-in-mm.yaml"
    topic.write_text("\n".join(ln for ln in topic.read_text().split("\n") if not ln.startswith("    minutes:")))
    problems = Problems()
    site = load_site(str(data), problems)
    assert site is not None and problems.items == [], [str(p) for p in problems.items]
    page = render_pages(site)["topics/hooks-in-mm.md"]
    table = page.split("## Running order\n\n", 1)[1].split("</table>", 1)[0]
    assert table.split("</thead>")[0].split("<tr>\n")[1].split() == [
        "<th>Start</th>",
        "<th>Part</th>",
        "<th>Proposals</th>",
        "<th>Questions</th>",
        "</tr>",
    ]
    starts = [row.split("\n", 1)[0] for row in table.split("<tbody>", 1)[1].split("<tr>\n")[1:]]
    assert starts == ["<td>09:30</td>", "<td></td>", "<td></td>"]  # later starts are unknown without lengths


@pytest.mark.parametrize(
    ("src", "dst", "want"),
    [
        ("topics/a.md", "proposals/b.md", "../proposals/b.md"),
        ("index.md", "questions/index.md#q", "questions/index.md#q"),
        ("topics/a.md", "topics/b.md", "b.md"),
    ],
)
def test_relative_links(src, dst, want):
    assert relative(src, dst) == want


def test_default_data_renders_a_page_per_record():
    problems = Problems()
    site = load_site(str(REPO / "data"), problems)
    assert site is not None, [str(p) for p in problems.items]
    pages = render_pages(site)
    for tid in site.topics:
        assert f"topics/{tid}.md" in pages
    for pid in site.proposals:
        assert f"proposals/{pid}.md" in pages
    assert Path("questions/index.md").as_posix() in pages
    # No session is scheduled and no part has a planned length yet: the running order shows
    # no Start or Minutes column that could only be empty (the sample's goldens have both).
    assert all(t["slot"] is None for t in site.topics.values())
    assert not any(item["minutes"] for t in site.topics.values() for item in t["running_order"])
    table = pages["topics/using-bpf-in-mm.md"].split("## Running order\n\n", 1)[1].split("</table>", 1)[0]
    assert "<thead>\n<tr>\n<th>Part</th>\n<th>Proposals</th>\n<th>Questions</th>\n</tr>" in table
    assert table.split("<tbody>\n<tr>\n", 1)[1].startswith("<td>Out-of-tree BPF programs")


def test_the_schedule_page_lists_every_clash_and_the_grid_names_what_it_left_out(tmp_path):
    data = Path(shutil.copytree(SCHEDULE, tmp_path / "data"))
    topic = data / "topics" / "zoned-storage.yaml"
    topic.write_text(topic.read_text().replace('start: "10:30"', 'start: "10:15"'))
    waiting = data / "topics" / "maybe-later.yaml"
    waiting.write_text(
        waiting.read_text() + "decision:\n  status: accepted\n  sources:\n    - url: https://example.org/schedule\n"
    )
    problems = Problems()
    site = load_site(str(data), problems)
    assert site is not None and not problems.errors
    pages = render_pages(site)
    schedule = pages["schedule.md"]
    conflicts = schedule.split("## Conflicts")[1].split("## Accepted")[0]
    rows = [line for line in conflicts.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert [row.split(" | ")[0] for row in rows] == [
        "| Two sessions in one room",
        "| One person in two sessions",
        "| Accepted, no slot",
    ]
    assert "[Zoned storage](topics/zoned-storage.md), [Block queues](topics/block-queues.md)" in rows[0]
    # Each is a warning of `check`, word for word.
    assert len(problems.items) == 3
    for problem, row in zip(problems.items, rows, strict=True):
        assert row.endswith(f" | {markup.inline(problem.message)} |")
    assert schedule.split("## Accepted, without a slot")[1].strip().startswith("- [Maybe later](topics/maybe-later.md)")
    agenda = pages["agenda.md"]
    assert (
        "- 10:15–10:45: [Zoned storage](topics/zoned-storage.md) in Blue room, "
        "against [Block queues](topics/block-queues.md)" in agenda
    )
    assert 'href="../topics/zoned-storage/"' not in agenda  # not in the grid


@pytest.mark.parametrize(
    ("directory_urls", "top", "below"),
    [
        (True, "../topics/hooks-in-mm/", "../../../topics/hooks-in-mm/"),
        (False, "topics/hooks-in-mm.html", "../../topics/hooks-in-mm.html"),
    ],
)
def test_grid_links_are_written_as_the_site_addresses_pages(directory_urls, top, below):
    """MkDocs rewrites Markdown links only: the grid (raw HTML) links from the page's own URL."""
    problems = Problems()
    site = load_site(str(SAMPLE), problems)
    pages = render_pages(site, directory_urls=directory_urls)
    assert f'<a class="lsf-slot-title" href="{top}">Hooks in MM</a>' in pages["agenda.md"]
    assert f'<a class="lsf-slot-title" href="{below}">Hooks in MM</a>' in pages["events/example-summit/agenda.md"]


def test_a_topic_page_links_its_brief_as_the_site_addresses_pages():
    """topics/<id>/ (directory URLs) is two folders below the site root; topics/<id>.html one."""
    from generator.layout import brief_href

    assert brief_href("bpf-in-mm", "a4") == "../../briefs/bpf-in-mm.pdf"
    assert brief_href("bpf-in-mm", "letter", directory_urls=False) == "../briefs/bpf-in-mm.letter.pdf"
