"""What a rebuild reuses (generator/cache/): a no-op build writes nothing, an edit
renders only the pages that read what changed, and the result is always byte-identical to a
build from scratch, after an edit of every record kind and of every relation between records."""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import cli
from generator.builder import pipeline
from generator.cache.fingerprint import Fingerprint
from generator.cache.store import Cache
from generator.pages.render import Renderer
from tests.conftest import AFTERMATH, MERGE, REPO, SAMPLE, SCHEDULE, SUMMIT, edit, run_cli, tree

# (file under data/, text, its replacement): each leaves the sample data valid (check --strict).
EDITS = [
    # The event: what the home page, agenda, briefs and calendars show of it.
    ("events/example-summit.yaml", "name: Example Storage and MM Summit", "name: Example Storage and MM Summit 2"),
    ("events/example-summit.yaml", "timezone: Europe/Prague", "timezone: America/New_York"),
    ("events/example-summit.yaml", "    name: Main hall", "    name: Main hall (upstairs)"),
    ("events/example-summit.yaml", "    name: Memory management", "    name: Memory"),
    ("events/example-summit.yaml", "place: Example City", "place: Another City"),
    # People: names and affiliations wherever a person is named.
    ("people.yaml", "name: Bob Reviewer", "name: Bob Q. Reviewer"),
    ("people.yaml", "affiliation: Example Corp", "affiliation: Other Corp"),
    # Questions: text, context, positions, the proposals they bear on, their order.
    ("questions.yaml", "question: Are the new hooks a stable ABI?", "question: Are the new hooks ABI?"),
    ("questions.yaml", "      Hooks used by *distributions*", "      Hooks used by *vendors*"),
    ("questions.yaml", "summary: Keep it.", "summary: Keep it, for now."),
    ("questions.yaml", "    proposals: [oom-hook]\n", "    proposals: [oom-hook, stats-kfuncs]\n"),
    ("questions.yaml", "      - by: [bob-reviewer]\n", "      - by: [bob-reviewer, cy-author]\n"),
    # Topics: title, lead, tracks, slot, proposals, running order, thread.
    ("topics/hooks-in-mm.yaml", "title: Hooks in MM", "title: Hooks in memory management"),
    ("topics/hooks-in-mm.yaml", "lead: ada-lead", "lead: cy-author"),
    ("topics/hooks-in-mm.yaml", "tracks: [mm, bpf]", "tracks: [bpf]"),
    ("topics/hooks-in-mm.yaml", '  start: "09:30"', '  start: "10:00"'),
    ("topics/hooks-in-mm.yaml", "    minutes: 15\n", "    minutes: 10\n"),
    ("topics/hooks-in-mm.yaml", "thread: hooks-in-mm\n", ""),
    ("topics/later-topic.yaml", "proposals: [cache-policy]", "proposals: [cache-policy, stats-kfuncs]"),
    ("topics/later-topic.yaml", "title: A later topic", "title: An even later topic"),
    # Proposals: status, title, summary, people and roles, concerns, related proposals.
    ("proposals/oom-hook.yaml", "status: under-review", "status: rfc"),
    ("proposals/stats-kfuncs.yaml", "title: Stats kfuncs", "title: Statistics kfuncs"),
    ("proposals/cache-policy.yaml", "summary: Nobody has tried this yet.", "summary: Still nobody."),
    ("proposals/oom-hook.yaml", "    role: reviewer", "    role: co-author"),
    ("proposals/oom-hook.yaml", "  - by: bob-reviewer\n", "  - by: ada-lead\n"),
    ("proposals/oom-hook.yaml", "related: [stats-kfuncs]", "related: [stats-kfuncs, cache-policy]"),
    # Threads: subject, a message's author, quotes' words and what they are about.
    ("threads/hooks-in-mm.yaml", 'subject: "[LSF/MM/BPF TOPIC] Hooks in MM"', 'subject: "Hooks in MM, again"'),
    ("threads/hooks-in-mm.yaml", "    author: bob-reviewer\n", "    author: cy-author\n"),
    ("threads/hooks-in-mm.yaml", "      until a maintainer says so.", "      until a maintainer  says so."),
    ("threads/hooks-in-mm.yaml", "    proposals: [oom-hook]", "    proposals: [oom-hook, cache-policy]"),
    ("threads/hooks-in-mm.yaml", "    questions: [keep-old-api]", "    questions: [keep-old-api, hook-stability]"),
]

NOOP = "Generated 30 pages and 10 export files in docs/: 0 written, 40 unchanged, 0 removed.\n"


def build(tmp: Path, out: str, *extra: str) -> str:
    result = run_cli("build", "--strict", "--data", "data", "--out", out, *extra, cwd=tmp)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(SAMPLE, tmp_path / "data")
    assert "40 written" in build(tmp_path, "docs")
    return tmp_path


@pytest.fixture
def rendered(monkeypatch) -> list[str]:
    """The pages rendered (not reused) by builds in this process, in order."""
    paths: list[str] = []
    page = Renderer.page

    def noting(self, spec):
        paths.append(spec.path)
        return page(self, spec)

    monkeypatch.setattr(Renderer, "page", noting)
    return paths


def test_noop_rebuild_renders_and_writes_nothing(project, monkeypatch, capsys, rendered):
    before = {p: p.stat().st_mtime_ns for p in (project / "docs").rglob("*")}
    monkeypatch.chdir(project)
    assert cli.main(["build", "--strict", "--data", "data", "--out", "docs"]) == 0
    assert capsys.readouterr().out == NOOP
    assert rendered == []
    assert {p: p.stat().st_mtime_ns for p in (project / "docs").rglob("*")} == before


def test_one_proposal_edit_renders_only_what_shows_it(project, monkeypatch, capsys, rendered):
    edit(
        project / "data" / "proposals/cache-policy.yaml",
        "summary: Nobody has tried this yet.",
        "summary: Still nobody.",
    )
    before = tree(project / "docs")
    monkeypatch.chdir(project)
    assert cli.main(["build", "--strict", "--data", "data", "--out", "docs"]) == 0
    out = capsys.readouterr().out
    assert out == "Generated 30 pages and 10 export files in docs/: 3 written, 37 unchanged, 0 removed.\n"
    # Rendered: the proposal's page, the brief of its topic (which shows its first paragraph)
    # and the page that lists the proposals of its status; not the agenda, the topics or people
    # pages, whose reads (the running orders' proposals, the people's roles) do not include this
    # proposal, nor the proposals page and the event's home, which count proposals by status
    # and read only which proposals have which status. The write-up draft of its session reads
    # its record too, and renders the same text again; the summit's draft page (its sessions and
    # their decisions, the full text being writeup.txt) does not read it.
    assert sorted(rendered) == [
        "proposals/by-status/idea.md",
        "proposals/cache-policy.md",
        "topics/later-topic.md",
        "writeups/later-topic.md",
    ]
    after = tree(project / "docs")
    changed = sorted(p for p in after if after[p] != before[p])
    assert changed == ["data.json", "proposals/cache-policy.md", "topics/later-topic.md"]


def test_an_event_edit_renders_the_pages_that_read_the_event(project, monkeypatch, capsys, rendered):
    """Reads are recorded as rendering makes them: an event's record is read by its own pages, by
    every topic and proposal page (they name their summit) and by the page of each person with a
    part in it (their sessions' days and rooms), not by the lists of proposals, questions and
    people, which never show it."""
    edit(project / "data" / "events/example-summit.yaml", "    name: Main hall", "    name: Main hall (upstairs)")
    monkeypatch.chdir(project)
    assert cli.main(["build", "--strict", "--data", "data", "--out", "docs"]) == 0
    capsys.readouterr()
    assert not {"proposals/index.md", "questions/index.md", "people/index.md"} & set(rendered)
    assert {"people/ada-lead.md", "people/bob-reviewer.md", "people/cy-author.md"} <= set(rendered)
    assert {"events/example-summit/writeup.md", "writeups/hooks-in-mm.md"} <= set(rendered)  # name the summit
    assert len(rendered) == 23


@pytest.mark.parametrize(("rel", "old", "new"), EDITS, ids=[f"{e[0]}:{n}" for n, e in enumerate(EDITS)])
def test_incremental_equals_from_scratch(project, rel, old, new):
    edit(project / "data" / rel, old, new)
    build(project, "docs")
    build(project, "fresh", "--no-cache")
    assert tree(project / "docs") == tree(project / "fresh")


# Edits of what a whole summit adds (tests/fixtures/summit): decisions, leads, who must attend,
# continued topics, the current event, a post known only from an archive, tracks and rooms.
SUMMIT_EDITS = [
    ("topics/extensible-reclaim.yaml", "  status: merged\n  into: swap-backends\n", "  status: declined\n"),
    ("topics/extensible-reclaim.yaml", "leads: [dan-reclaim]", "leads: [dan-reclaim, eve-meta]"),
    ("topics/end-of-summit.yaml", "  status: declined", "  status: accepted"),
    ("topics/swap-backends.yaml", "leads: [ana-swap, ben-store]", "leads: [ben-store]"),
    ("topics/swap-backends.yaml", "  - person: cat-maint\n", "  - person: dan-reclaim\n"),
    ("topics/swap-backends.yaml", "continues: [swap-tiers-2029]\n", ""),
    ("topics/swap-tiers-2029.yaml", "      text: One swap interface, several back ends behind it.", "      text: Two."),
    ("topics/swap-tiers-2029.yaml", "    - id: one-interface", "    - id: two-interfaces"),
    ("topics/attend-slab.yaml", "kind: attend-request", "kind: bof"),
    (
        "topics/extensible-reclaim.yaml",
        "post_url: https://lists.example.org/archive/linux-mm/2030-01/0042.html",
        "message_id: r@example.org",
    ),
    ("topics/attend-slab.yaml", "event: example-2030", "event: example-2029"),
    ("events/example-2029.yaml", "short_name: ES 2029\n", "short_name: ES 2029\ncurrent: true\n"),
    ("events/example-2030.yaml", "    name: Storage", "    name: Block storage"),
    ("events/example-2030.yaml", "    name: Main hall", "    name: Great hall"),
]


# Edits of the schedule (tests/fixtures/schedule) that change its grid and leave it clash-free.
SCHEDULE_EDITS = [
    ("events/grid-2030.yaml", '    start: "12:30"', '    start: "12:45"'),  # the lunch break
    ("events/grid-2030.yaml", "    tracks: [storage]", "    tracks: [storage, bpf]"),  # a room's tracks
    ("events/grid-2030.yaml", "    name: BPF", "    name: eBPF"),
    ("events/grid-2030.yaml", "schedule: final", "schedule: draft"),
    ("events/grid-2030.yaml", '  end: "17:00"', '  end: "18:00"'),
    ("topics/opening.yaml", "kind: plenary", "kind: session"),
    ("topics/swap-day-two.yaml", "  room: green", "  room: blue"),
    ("topics/bpf-in-mm.yaml", "kind: joint-session", "kind: session"),
]


# Edits of a topic merged into a session (tests/fixtures/merge): what it brings to the session
# (its leads, title, proposals, thread, questions), and the merge itself.
MERGE_EDITS = [
    ("topics/cxl-zone-exmem.yaml", "leads: [kyu-exmem]", "leads: [kyu-exmem, mo-maint]"),
    ("topics/cxl-zone-exmem.yaml", "title: A zone for CXL memory (ZONE_EXMEM)", "title: A zone for CXL memory"),
    ("topics/cxl-zone-exmem.yaml", "proposals: [zone-exmem]", "proposals: []"),
    ("topics/cxl-zone-exmem.yaml", "thread: cxl-zone-exmem\n", ""),
    ("questions.yaml", "    topic: cxl-zone-exmem\n", "    topic: memory-tiering-2023\n"),
    ("topics/cxl-zone-exmem.yaml", "  status: merged\n  into: memory-tiering-2023\n", "  status: declined\n"),
    ("people.yaml", "name: Kyu Exmem", "name: Kyu X. Exmem"),
    # A request to attend: the committee's answer, what it names, when it came.
    ("attendance.yaml", "    topics: [memory-tiering-2023]\n", "    status: invited\n    topics: [cxl-hotplug]\n"),
    ("attendance.yaml", "posted: 2023-01-20T10:00:00Z", "posted: 2023-03-20T10:00:00Z"),
    ("people.yaml", "name: Mo Maint", "name: Mo M. Maint"),
]


# Edits of what follows a session (tests/fixtures/aftermath): a step of a proposal that ends a
# decision's quiet, a decision's id (its anchor on every page that links it), the day the quiet
# is counted to (the summit's first day).
AFTERMATH_EDITS = [
    (
        "proposals/thp-hooks.yaml",
        "    date: 2025-01-10\n",
        "    date: 2025-01-10\n  - type: series\n    url: https://example.org/thp-v2\n    date: 2026-02-01\n",
    ),
    ("topics/oom-2025.yaml", "    - id: no-thp-hooks-yet", "    - id: thp-hooks-later"),
    ("events/summit-2026.yaml", "start: 2026-05-04", "start: 2025-09-01"),
]


FIXTURE_EDITS = (
    [(SUMMIT, *e) for e in SUMMIT_EDITS]
    + [(SCHEDULE, *e) for e in SCHEDULE_EDITS]
    + [(MERGE, *e) for e in MERGE_EDITS]
    + [(AFTERMATH, *e) for e in AFTERMATH_EDITS]
)


@pytest.mark.parametrize(
    ("fixture", "rel", "old", "new"),
    FIXTURE_EDITS,
    ids=[f"{e[0].name}/{e[1]}:{n}" for n, e in enumerate(FIXTURE_EDITS)],
)
def test_incremental_equals_from_scratch_for_a_summit_and_a_schedule(tmp_path, fixture, rel, old, new):
    shutil.copytree(fixture, tmp_path / "data")
    build(tmp_path, "docs")
    edit(tmp_path / "data" / rel, old, new)
    build(tmp_path, "docs")
    build(tmp_path, "fresh", "--no-cache")
    assert tree(tmp_path / "docs") == tree(tmp_path / "fresh")


def test_an_edit_of_a_merged_topics_leads_changes_the_session_it_went_into(tmp_path, rendered):
    """The session's page, brief and calendars read what the merged topic brings through one
    relation (Site.merged_content): a new lead of the merged topic is a co-lead of the session
    after an incremental build, as after a clean one."""
    data = Path(shutil.copytree(MERGE, tmp_path / "data"))
    build(tmp_path, "docs")
    page = tmp_path / "docs" / "topics" / "memory-tiering-2023.md"
    before = page.read_text()
    assert "Mo Maint</a> (from" not in before
    rendered.clear()
    edit(data / "topics" / "cxl-zone-exmem.yaml", "leads: [kyu-exmem]", "leads: [kyu-exmem, mo-maint]")
    build(tmp_path, "docs")
    assert "topics/memory-tiering-2023.md" in rendered
    assert "topics/cxl-hotplug.md" not in rendered  # it reads nothing of the merge
    after = page.read_text()
    merged = '<em><a href="../cxl-zone-exmem/">A zone for CXL memory'
    assert f'<a href="../../people/mo-maint/">Mo Maint</a> (from {merged}' in after
    calendar = (tmp_path / "docs" / "topics" / "memory-tiering-2023.ics").read_text()
    assert "Mo Maint (from A zone for CXL memory" in calendar.replace("\r\n ", "")
    build(tmp_path, "fresh", "--no-cache")
    assert tree(tmp_path / "docs") == tree(tmp_path / "fresh")


def test_how_the_site_addresses_pages_renders_the_grid_again(project, rendered):
    """The grid's links and the brief links are raw HTML, written as the site addresses
    pages: mkdocs.yml is part of the cache's one fingerprint, so a change of its
    use_directory_urls renders every page again, as a clean build would."""
    (project / "mkdocs.yml").write_text("site_name: x\nuse_directory_urls: false\n")
    build(project, "docs")
    assert sorted(rendered) == sorted(p for p in tree(project / "docs") if p.endswith(".md"))
    assert 'href="topics/hooks-in-mm.html"' in (project / "docs" / "agenda.md").read_text()
    build(project, "fresh", "--no-cache")
    assert tree(project / "docs") == tree(project / "fresh")


def test_added_and_removed_files(project):
    data = project / "data"
    shutil.copy(data / "proposals" / "cache-policy.yaml", data / "proposals" / "new-one.yaml")
    (data / "proposals" / "new-one.yaml").write_text(
        (data / "proposals" / "new-one.yaml").read_text().replace("id: cache-policy", "id: new-one")
    )
    topic = data / "topics" / "later-topic.yaml"
    topic.write_text(topic.read_text().replace("proposals: [cache-policy]", "proposals: [new-one]"))
    (data / "proposals" / "cache-policy.yaml").unlink()
    assert "1 removed" in build(project, "docs")
    build(project, "fresh", "--no-cache")
    assert tree(project / "docs") == tree(project / "fresh")


def test_a_page_edited_or_deleted_by_hand_is_regenerated(project):
    page = project / "docs" / "proposals" / "oom-hook.md"
    original = page.read_bytes()
    page.write_text("---\ngenerated_by: lsfmm-prep\n---\nscribbled\n")
    (project / "docs" / "topics" / "later-topic.md").unlink()
    assert "2 written" in build(project, "docs")
    assert page.read_bytes() == original


def test_a_damaged_cache_is_rebuilt(project):
    (project / ".lsfmm-cache" / "cache.pickle").write_bytes(b"not a pickle")
    assert build(project, "docs") == NOOP


def test_bad_data_keeps_what_the_last_build_knew(project, monkeypatch, capsys, rendered):
    """A build that stops at bad data renders nothing and forgets nothing: once the data is
    good again, the next build renders only what changed."""
    path = project / "data" / "proposals" / "stats-kfuncs.yaml"
    good = path.read_text()
    path.write_text(good.replace("status: landed", "staus: landed"))
    monkeypatch.chdir(project)
    assert cli.main(["build", "--strict", "--data", "data", "--out", "docs"]) == 1
    path.write_text(good)
    assert cli.main(["build", "--strict", "--data", "data", "--out", "docs"]) == 0
    assert capsys.readouterr().out == NOOP
    assert rendered == []


def test_remembered_quote_checks_are_not_served_for_changed_text(project):
    """Quote provenance results are kept in the cache: a changed message text is compared
    again (the edit breaks the quote 'bob-abi'), and the same text again passes again. So is
    the same text at another quote level (same quote, same message text, level 1 not 0)."""
    thread = project / "data" / "threads" / "hooks-in-mm.yaml"
    good = thread.read_text()
    thread.write_text(good.replace("      Nothing is stable\n", "      Nothing is ever stable\n", 1))
    result = run_cli("build", "--strict", "--data", "data", "--out", "docs", cwd=project)
    assert result.returncode == 1
    assert "quote 'bob-abi' is not in the text of <reply.1@example.org>" in result.stderr
    thread.write_text(good)
    assert build(project, "docs") == NOOP
    ada = "    message: 20300101120000.1-1-ada@example.org\n    seen_in: reply.1@example.org\n"
    thread.write_text(good.replace("  - id: bob-abi\n    message: reply.1@example.org\n", "  - id: bob-abi\n" + ada, 1))
    result = run_cli("build", "--strict", "--data", "data", "--out", "docs", cwd=project)
    assert result.returncode == 1
    assert "quote 'bob-abi' is not in the text of <reply.1@example.org> at quote level 1" in result.stderr


def test_serve_keeps_one_layer_and_stays_exact_through_every_edit(project, monkeypatch, capsys):
    """`serve` keeps one layer, with the parsed records in memory, for its whole run: after
    each edit in turn (all of EDITS, one after the other), the pages equal a build from scratch."""
    monkeypatch.chdir(project)
    cache = Cache("data", "mkdocs.yml", live=True)
    req = pipeline.Request("data", "docs", "mkdocs.yml", True)
    assert pipeline.run(req, cache).error is None
    reuse = cache.reuse()
    assert reuse.live  # filled by the first build
    for rel, old, new in EDITS:
        edit(project / "data" / rel, old, new)
        cache.refresh()
        assert pipeline.run(req, cache).error is None
        assert cache.reuse() is reuse
        assert cli.main(["build", "--strict", "--no-cache", "--data", "data", "--out", "fresh"]) == 0
        assert tree(project / "docs") == tree(project / "fresh"), rel
    assert reuse.live is not None and set(reuse.live) == set(reuse.files)  # only the files as they are now
    capsys.readouterr()


def test_data_outside_the_working_folder_given_unnormalized(tmp_path):
    """--data /abs/./data from another folder: records are known by the path the loader shows."""
    shutil.copytree(SAMPLE, tmp_path / "data")
    (tmp_path / "elsewhere").mkdir()
    data, docs = f"{tmp_path}/./data", str(tmp_path / "docs")
    for _ in range(2):
        result = run_cli("build", "--strict", "--data", data, "--out", docs, cwd=tmp_path / "elsewhere")
        assert result.returncode == 0, result.stderr
    assert " 0 written," in result.stdout, result.stdout + result.stderr


def test_the_same_data_gives_the_same_cache_entries(tmp_path):
    """What a build keeps does not depend on hash order (two processes, two hash seeds)."""
    kept = []
    for seed in ("1", "2"):
        project = tmp_path / seed
        shutil.copytree(REPO / "data", project / "data")
        result = run_cli(
            "build", "--strict", "--data", "data", "--out", "docs", cwd=project, env={"PYTHONHASHSEED": seed}
        )
        assert result.returncode == 0, result.stderr
        with open(project / ".lsfmm-cache" / "records.pickle", "rb") as fh:
            pickle.load(fh)  # the fingerprint it was made under
            tables, derived, pages = pickle.load(fh)
        with open(project / ".lsfmm-cache" / "parsed.pickle", "rb") as fh:
            pickle.load(fh)
            files = pickle.load(fh)  # the index: (file key, size), then the parse results
            blobs = fh.read()
        assert sum(size for _, size in files) == len(blobs)
        kept.append((files, blobs, sorted(tables), sorted(map(repr, derived)), sorted(pages)))
    assert kept[0] == kept[1]


# ---------------------------------------------------------------------------------- the code version


def version_of(package_parent: Path) -> str:
    code = "from generator.cache.fingerprint import fingerprint; print(fingerprint())"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=package_parent, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_every_module_and_template_is_in_the_code_version(tmp_path):
    """A result made by mailtext.find_quote (quote provenance) or site/config.py (URLs in
    data.json) must not outlive a change to them: every module counts, not a list of some."""
    shutil.copytree(REPO / "generator", tmp_path / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    first = version_of(tmp_path)
    for rel in ("records/mailtext.py", "site/config.py", "files.py", "pages/templates/person.md.j2"):
        path = tmp_path / "generator" / rel
        path.write_text(path.read_text() + "\n# changed\n")
        again = version_of(tmp_path)
        assert again != first, rel
        first = again


def test_compiled_templates_are_kept_per_code_version(tmp_path):
    """Jinja knows a compiled template by its source alone; the options templates are compiled
    with live in the code, so each code version has its own folder and the others go."""
    (tmp_path / "data").mkdir()
    old = Cache(str(tmp_path / "data"), str(REPO / "mkdocs.yml"))
    old.fingerprints = Fingerprint("a" * 64, "a" * 64)
    old_dir = Path(old.templates() or "")
    (old_dir / "__jinja2_x.cache").write_bytes(b"compiled by old code")
    new = Cache(str(tmp_path / "data"), str(REPO / "mkdocs.yml"))
    new.fingerprints = Fingerprint("b" * 64, "b" * 64)
    new_dir = Path(new.templates() or "")
    assert new_dir != old_dir and new_dir.is_dir()
    assert not old_dir.exists()


def test_a_cache_that_cannot_be_written_costs_speed_never_the_build(project):
    """.lsfmm-cache/ in the way (here a file): the data's own problems are still reported, and
    good data still builds, with a warning that the next build starts afresh."""
    shutil.rmtree(project / ".lsfmm-cache")
    (project / ".lsfmm-cache").write_text("not a folder\n")
    event = project / "data" / "events" / "example-summit.yaml"
    good = event.read_text()
    event.write_text(good + "x: 1\n")
    bad = run_cli("build", "--strict", "--data", "data", "--out", "docs", cwd=project)
    assert bad.returncode == 1
    assert "data/events/example-summit.yaml:24:1: unknown field 'x'\n" in bad.stderr
    assert "Failed: 1 error; nothing was written.\n" in bad.stderr
    event.write_text(good)
    result = run_cli("build", "--strict", "--data", "data", "--out", "docs", cwd=project)
    assert (result.returncode, result.stdout) == (0, NOOP)
    assert ".lsfmm-cache: warning: cannot save what a rebuild could reuse (File exists)" in result.stderr


def test_a_file_over_the_size_limit_is_measured_again(project):
    """Only the first 4 MiB of a file are read, and hashed: its size is part of what the cache
    knows it by, so the message about a file that grew gives its new size."""
    people = project / "data" / "people.yaml"
    with people.open("a") as fh:
        fh.write("#" + "x" * 5_000_000 + "\n")
    first = run_cli("check", "--data", "data", cwd=project)
    with people.open("a") as fh:
        fh.write("#" + "x" * 1_000_000 + "\n")
    again = run_cli("check", "--data", "data", cwd=project)
    size = people.stat().st_size
    assert f"data/people.yaml: file too large: {size:,} bytes, at most 4,194,304\n" in again.stderr
    assert again.stderr != first.stderr


def test_code_edited_under_serve_is_not_the_code_whose_results_are_kept(tmp_path, monkeypatch):
    """Under serve the code that builds is the code that was imported: an edit of the
    generator's files on disk must not label what the running process makes as the new
    code's, or the next `make site` (new code) would reuse pages the old code rendered."""
    from generator.cache import fingerprint as fp

    shutil.copytree(SAMPLE, tmp_path / "data")
    code = tmp_path / "generator"
    shutil.copytree(REPO / "generator", code, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(fp, "CODE", str(code))
    fp.running.cache_clear()
    try:
        cache = Cache(str(tmp_path / "data"), str(tmp_path / "mkdocs.yml"), live=True)
        before = cache.fingerprints
        (code / "layout.py").write_text((code / "layout.py").read_text() + "\n# edited while serving\n")
        cache.refresh()
        assert cache.fingerprints == before  # the running code did not change
        fp.running.cache_clear()  # a new process: the code on disk
        assert Cache(str(tmp_path / "data"), str(tmp_path / "mkdocs.yml")).fingerprints.records != before.records
    finally:
        fp.running.cache_clear()


def test_serve_writes_what_it_keeps_after_the_rebuild(project, monkeypatch, capsys):
    """Under serve a rebuild keeps its parts in memory and returns (the browser reloads then);
    `flush` writes them after, and a later build in another process reuses them."""
    monkeypatch.chdir(project)
    records = project / ".lsfmm-cache" / "records.pickle"
    parsed = project / ".lsfmm-cache" / "parsed.pickle"  # the edited file is parsed again
    records.unlink()
    parsed.unlink()
    cache = Cache("data", "mkdocs.yml", live=True)
    req = pipeline.Request("data", "docs", "mkdocs.yml", True)
    edit(project / "data" / "proposals" / "oom-hook.yaml", "status: under-review", "status: rfc")
    assert pipeline.run(req, cache).error is None
    assert not records.exists() and not parsed.exists()
    cache.flush()
    assert records.exists() and parsed.exists()
    capsys.readouterr()
    assert build(project, "docs") == NOOP  # nothing rendered again: what serve kept was used


def test_a_summits_write_up_renders_again_only_the_sections_that_changed(tmp_path, monkeypatch):
    """A summit's write-up (events/<id>/writeup.txt) is made of one kept section per session,
    whose notes are numbered in the whole text: an edit that changes the links of one section
    renders that section alone, and every note after it is numbered as a build from scratch
    numbers it (a new link, a link another section used first, a link gone)."""
    import re

    import jinja2

    synth = REPO / "bench" / "synth.py"
    subprocess.run([sys.executable, str(synth), str(tmp_path / "data"), "8", "40", "40"], check=True)
    build(tmp_path, "docs")
    text = next((tmp_path / "docs" / "events").glob("*/writeup.txt")).read_text()
    postings = re.findall(r"^\[[0-9]+\] (https://lore\.kernel\.org/r/proposal-[0-9]+-v2@example\.org)$", text, re.M)
    first, later = postings[0], postings[-1]
    pid = first.rsplit("/", 1)[1].removesuffix("-v2@example.org")
    record = tmp_path / "data" / "proposals" / f"{pid}.yaml"
    rendered: list[str] = []
    call = jinja2.runtime.Macro.__call__

    def noting(self, *args, **kwargs):
        if self.name == "session" and args[1:] == ("###",):
            rendered.append(args[0]["id"])
        return call(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.runtime.Macro, "__call__", noting)
    new = "https://lore.kernel.org/r/new-posting@example.org"
    for old, now in [(first, new), (new, later), (later, first)]:
        edit(record, old, now)
        rendered.clear()
        build(tmp_path, "docs")
        assert len(rendered) == 1, rendered  # the section that shows the proposal
        shutil.rmtree(tmp_path / "fresh", ignore_errors=True)
        build(tmp_path, "fresh", "--no-cache")
        assert tree(tmp_path / "docs") == tree(tmp_path / "fresh"), now
