"""The incremental site build (generator.site.sitebuild) against `mkdocs build`, the reference: after
a scripted series of edits of every kind of record (adds, renames, deletes, hand-written pages
and assets), the site a chain of incremental builds made is, page by page and byte for byte,
the site a clean `mkdocs build` makes of the same docs/, search index included."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import SAMPLE, edit, make_project, run_cli, tree, write_tree

Edit = Callable[[Path], None]


def replace(rel: str, old: str, new: str) -> Edit:
    def change(project: Path) -> None:
        edit(project / rel, old, new)

    change.__name__ = f"{rel}: {old!r} -> {new!r}"
    return change


def add(rel: str, text: str) -> Edit:
    def edit(project: Path) -> None:
        (project / rel).write_text(text)

    edit.__name__ = f"add {rel}"
    return edit


def delete(rel: str) -> Edit:
    def edit(project: Path) -> None:
        (project / rel).unlink()

    edit.__name__ = f"delete {rel}"
    return edit


def rename(old: str, new: str) -> Edit:
    def edit(project: Path) -> None:
        (project / old).rename(project / new)

    edit.__name__ = f"rename {old} -> {new}"
    return edit


def touch(rel: str) -> Edit:
    def edit(project: Path) -> None:
        os.utime(project / rel)

    edit.__name__ = f"touch {rel}"
    return edit


NEW_PROPOSAL = """id: new-target
title: A new target
kind: target
status: idea
status_sources:
  - url: https://example.org/new-target
summary: Found at the summit.
people:
  - person: dee-new
    role: author
"""

NEW_TOPIC = """id: extra-topic
title: An extra topic
lead: dee-new
message_id: extra@example.org
posted: 2030-02-05
abstract: Added *late*.
proposals: [new-target]
"""

NEW_PAGE = """# Notes

Kept by hand: see [the hooks topic](topics/hooks-in-mm.md) and [the guide](guide.md#the-records).
"""

# Each step is a list of edits made together, then one `site`. Every kind of record is edited,
# added, renamed and deleted; so are a hand-written page, an asset and a page's links.
STEPS: list[list[Edit]] = [
    [replace("data/proposals/oom-hook.yaml", "title: OOM hook", "title: OOM hook, v3")],
    [replace("data/proposals/cache-policy.yaml", "status: idea", "status: rfc")],
    [replace("data/topics/hooks-in-mm.yaml", "Where should MM grow hooks", "Where, and why, should MM grow hooks")],
    [replace("data/topics/hooks-in-mm.yaml", 'start: "09:30"', 'start: "10:00"')],
    [replace("data/questions.yaml", "Are the new hooks a stable ABI?", "Are the hooks an ABI?")],
    [replace("data/people.yaml", "name: Bob Reviewer", "name: Bob Q. Reviewer")],
    [
        replace("data/people.yaml", "  - id: cy-author\n", "  - id: dee-new\n    name: Dee New\n  - id: cy-author\n"),
        add("data/proposals/new-target.yaml", NEW_PROPOSAL),
        replace("data/topics/later-topic.yaml", "proposals: [cache-policy]", "proposals: [cache-policy, new-target]"),
    ],
    [
        replace(
            "data/threads/hooks-in-mm.yaml",
            'subject: "[LSF/MM/BPF TOPIC] Hooks in MM"\nlists',
            'subject: "[LSF/MM/BPF TOPIC] Hooks in mm"\nlists',
        )
    ],
    [
        rename("data/proposals/stats-kfuncs.yaml", "data/proposals/stats-helpers.yaml"),
        replace("data/proposals/stats-helpers.yaml", "id: stats-kfuncs", "id: stats-helpers"),
        replace(
            "data/topics/hooks-in-mm.yaml",
            "proposals: [oom-hook, stats-kfuncs]",
            "proposals: [oom-hook, stats-helpers]",
        ),
        replace("data/topics/hooks-in-mm.yaml", "proposals: [stats-kfuncs]", "proposals: [stats-helpers]"),
        replace("data/proposals/oom-hook.yaml", "related: [stats-kfuncs]", "related: [stats-helpers]"),
    ],
    [
        delete("data/proposals/cache-policy.yaml"),
        replace("data/topics/later-topic.yaml", "proposals: [cache-policy, new-target]", "proposals: [new-target]"),
    ],
    [replace("data/events/example-summit.yaml", "name: Main hall", "name: Great hall")],
    [add("data/topics/extra-topic.yaml", NEW_TOPIC)],
    [add("docs/notes.md", NEW_PAGE)],
    [
        replace(
            "docs/guide.md", "# Guide: editing the data", "# Guide: editing the data\n\nSee also the [notes](notes.md)."
        )
    ],
    [replace("docs/assets/lsfmm.css", "", "/* edited */\n")],
    [touch("data/proposals/oom-hook.yaml"), touch("docs/guide.md")],
    [
        replace("docs/guide.md", "See also the [notes](notes.md).", "No notes."),
        delete("docs/notes.md"),
    ],
    [
        replace(
            "data/questions.yaml",
            "  - id: keep-old-api\n",
            "  - id: new-question\n    topic: later-topic\n    question: Who maintains it?\n  - id: keep-old-api\n",
        )
    ],
    [
        delete("data/topics/extra-topic.yaml"),
        replace("data/topics/later-topic.yaml", "abstract: Not scheduled yet.", "abstract: Not yet."),
    ],
    [replace("data/topics/hooks-in-mm.yaml", "title: Hooks in MM", "title: Hooks in memory management")],
    [replace("data/people.yaml", "affiliation: Example Corp", "affiliation: Example Inc")],
    [replace("data/proposals/new-target.yaml", "title: A new target", "title: The new target")],
    [  # a topic renamed: its page and its questions' page move, and every link to them
        rename("data/topics/later-topic.yaml", "data/topics/later-session.yaml"),
        replace("data/topics/later-session.yaml", "id: later-topic", "id: later-session"),
        replace("data/questions.yaml", "topic: later-topic", "topic: later-session"),
    ],
    [  # a question deleted: its topic has none left, so its questions' page goes
        replace(
            "data/questions.yaml",
            "  - id: new-question\n    topic: later-session\n    question: Who maintains it?\n",
            "",
        ),
    ],
]
CHECKPOINTS = {6, 11, 16, len(STEPS) - 1}  # after these steps, compare with a clean build


def site(project: Path) -> str:
    result = run_cli("site", "--data", "data", "--out", "docs", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def reference(project: Path, into: Path) -> None:
    """A clean `mkdocs build` of the project's docs/, as the command runs it."""
    shutil.rmtree(into, ignore_errors=True)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(into)],
        cwd=project,
        capture_output=True,
        text=True,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )
    assert result.returncode == 0, result.stderr


def assert_same_site(built: Path, ref: Path) -> None:
    ours, theirs = tree(built), tree(ref)
    assert sorted(ours) == sorted(theirs)
    differ = [path for path in ours if ours[path] != theirs[path]]
    assert differ == [], f"differ from mkdocs build: {differ}"
    index = json.loads(ours["search/search_index.json"])
    assert index == json.loads(theirs["search/search_index.json"])


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("sitebuild"), SAMPLE)


def test_a_chain_of_incremental_builds_equals_mkdocs_build(project, tmp_path):
    assert "Site built in site/" in site(project)
    first = json.loads((project / "site" / "search" / "search_index.json").read_text())
    assert any(e["location"] == "proposals/oom-hook/" for e in first["docs"])
    outputs = []
    for n, step in enumerate(STEPS):
        for change in step:
            change(project)
        outputs.append(site(project))
        if n in CHECKPOINTS:
            reference(project, tmp_path / f"ref-{n}")
            assert_same_site(project / "site", tmp_path / f"ref-{n}")
    rendered = [line for out in outputs for line in out.splitlines() if line.startswith("Site ")]
    assert len(rendered) == len(STEPS) and all("reused" in line or "up to date" in line for line in rendered), rendered
    # A step that changes nothing a page shows renders nothing (the touched files).
    touched = next(n for n, s in enumerate(STEPS) if all(e.__name__.startswith("touch") for e in s))
    assert "0 pages rendered" in rendered[touched] or "up to date" in rendered[touched], rendered[touched]
    index = json.loads((project / "site" / "search" / "search_index.json").read_text())
    titles = {e["title"] for e in index["docs"]}
    assert "The new target" in titles and "Hooks in memory management" in titles
    pages = {e["location"].split("#")[0] for e in index["docs"]}
    assert "topics/later-session/" in pages and not {"topics/later-topic/", "proposals/cache-policy/"} & pages
    assert not (project / "site" / "questions" / "later-session").exists()


def test_nothing_changed_writes_nothing(tmp_path):
    project = make_project(tmp_path, SAMPLE)
    site(project)
    before = {p: p.stat().st_mtime_ns for p in (project / "site").rglob("*")}
    inode = (project / "site").stat().st_ino
    assert "is up to date: nothing changed, nothing written" in site(project)
    assert (project / "site").stat().st_ino == inode
    assert {p: p.stat().st_mtime_ns for p in (project / "site").rglob("*")} == before


def test_a_reused_page_whose_anchor_is_gone_fails_as_mkdocs_build_does(tmp_path):
    """guide.md is not rendered again, but its link to a question's anchor is checked again:
    the build fails with MkDocs' own message, and the site stays as it was."""
    project = make_project(tmp_path, SAMPLE)
    replace(
        "docs/guide.md", "## The records", "See [the old API](questions/hooks-in-mm.md#keep-old-api).\n\n## The records"
    )(project)
    site(project)
    before = tree(project / "site")
    for record in (project / "data").rglob("*.yaml"):  # the question's id, everywhere
        record.write_text(record.read_text().replace("keep-old-api", "keep-the-old-api"))
    result = run_cli("site", "--data", "data", "--out", "docs", cwd=project)
    assert result.returncode == 1
    message = (
        "Doc file 'guide.md' contains a link 'questions/hooks-in-mm.md#keep-old-api', but the doc "
        "'questions/hooks-in-mm.md' does not contain an anchor '#keep-old-api'."
    )
    assert message in result.stderr
    assert "mkdocs build failed; site/ was left as it was" in result.stderr
    assert tree(project / "site") == before
    clean = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "ref")],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert clean.returncode == 1 and message in clean.stderr


def test_a_link_to_a_deleted_page_fails(tmp_path):
    """A page that names a deleted page is rendered again, so its link is checked."""
    project = make_project(tmp_path, SAMPLE)
    replace("docs/guide.md", "## The records", "See [cache policy](proposals/cache-policy.md).\n\n## The records")(
        project
    )
    site(project)
    delete("data/proposals/cache-policy.yaml")(project)
    replace("data/topics/later-topic.yaml", "proposals: [cache-policy]", "proposals: []")(project)
    result = run_cli("site", "--data", "data", "--out", "docs", cwd=project)
    assert result.returncode == 1
    assert "contains a link 'proposals/cache-policy.md', but the target is not found" in result.stderr


def test_a_change_of_configuration_builds_clean(tmp_path):
    project = make_project(tmp_path, SAMPLE)
    site(project)
    replace("mkdocs.yml", "site_name: LSF/MM/BPF session briefs", "site_name: Briefs")(project)
    out = site(project)
    assert "the code, configuration, theme overrides, hooks, packages or time zone data changed" in out
    reference(project, tmp_path / "ref")
    assert_same_site(project / "site", tmp_path / "ref")


def test_a_site_the_last_build_did_not_make_builds_clean(tmp_path):
    project = make_project(tmp_path, SAMPLE)
    site(project)
    reference(project, project / "site")  # someone ran mkdocs build into site/
    assert "is not the one the last build made" in site(project)


def test_other_plugins_run_mkdocs_build_itself(tmp_path):
    """A plugin this build does not know could depend on anything: the site is built by
    `mkdocs build` in a process of its own, every time."""
    project = make_project(tmp_path, SAMPLE)
    replace("mkdocs.yml", "plugins:\n  - search\n", "plugins:\n  - search\n  - offline\n")(project)
    out = site(project)
    assert "MkDocs has plugins this build does not know" in out
    assert (project / "site" / "search" / "search_index.js").exists()  # the offline plugin's


def test_pages_rendered_by_forked_workers_are_the_same(tmp_path, monkeypatch):
    """A cold build of many pages renders them in forked processes: the site is byte for byte
    `mkdocs build`'s, and a warning raised in a worker still fails the build."""
    from generator.site import pages

    monkeypatch.setattr(pages, "PARALLEL_FROM", 2)
    project = make_project(tmp_path, SAMPLE)
    assert "Site built in site/" in site(project)
    reference(project, tmp_path / "ref")
    assert_same_site(project / "site", tmp_path / "ref")
    replace("docs/guide.md", "## The records", "See [nothing](proposals/nothing.md).\n\n## The records")(project)
    replace("mkdocs.yml", "site_name: LSF/MM/BPF session briefs", "site_name: Briefs")(project)  # all again
    result = run_cli("site", "--data", "data", "--out", "docs", cwd=project)
    assert result.returncode == 1
    assert "contains a link 'proposals/nothing.md', but the target is not found" in result.stderr


def test_a_page_missing_from_the_site_is_rendered_again(tmp_path):
    """A built page deleted from site/ by hand is made again by the next build that has
    anything to do, not left out because its Markdown did not change."""
    project = make_project(tmp_path, SAMPLE)
    site(project)
    (project / "site" / "proposals" / "oom-hook" / "index.html").unlink()
    replace("data/proposals/cache-policy.yaml", "title: Cache policy", "title: Cache policy, again")(project)
    assert "reused" in site(project)
    reference(project, tmp_path / "ref")
    assert_same_site(project / "site", tmp_path / "ref")


def test_a_page_removed_renders_again_every_page_that_linked_to_it(tmp_path):
    """Each page records the files its links were resolved against: removing `extra/index.md`
    renders `extra/intro.md` again, whose link now points nowhere, and `site --strict` fails as
    `mkdocs build --strict` does (the folder's name appears in no page's Markdown: a guess by
    names would miss it)."""
    project = make_project(tmp_path, SAMPLE)
    write_tree(project / "docs", {"extra/index.md": "# Extra\n", "extra/intro.md": "# Intro\n\n[Back](index.md)\n"})
    assert "Site built in site/" in site(project)
    (project / "docs" / "extra" / "index.md").unlink()
    result = run_cli("site", "--strict", "--data", "data", "--out", "docs", cwd=project)
    assert result.returncode == 1, result.stdout
    assert "Doc file 'extra/intro.md' contains a link 'index.md', but the target 'extra/index.md'" in result.stderr
    (project / "docs" / "extra" / "intro.md").write_text("# Intro\n\n[Back](../guide.md)\n")
    assert "pages rendered" in site(project)
    reference(project, project / "ref")
    assert_same_site(project / "site", project / "ref")


def test_a_page_added_renders_again_the_pages_that_looked_it_up(tmp_path):
    """A link written before its target existed (reported at INFO here, so the build goes on)
    is resolved once the target is added, though the page that holds it did not change: the
    page that looked the target up is rendered again, and only it and the new page."""
    project = make_project(tmp_path, SAMPLE)
    edit(project / "mkdocs.yml", "    anchors: warn\n", "    anchors: warn\n    not_found: info\n")
    write_tree(project / "docs", {"extra/intro.md": "# Intro\n\n[Next](next.md)\n"})
    site(project)
    assert 'href="next.md"' in (project / "site" / "extra" / "intro" / "index.html").read_text()
    write_tree(project / "docs", {"extra/next.md": "# Next\n"})
    assert "2 pages rendered" in site(project)
    assert 'href="../next/"' in (project / "site" / "extra" / "intro" / "index.html").read_text()
    reference(project, project / "ref")
    assert_same_site(project / "site", project / "ref")


def test_serve_s_rebuilds_equal_mkdocs_build(tmp_path, monkeypatch):
    """Under serve one process makes every rebuild, from what it keeps in memory (the records,
    the site's state, the theme's compiled templates) and writes that to disk only after each
    rebuild (`Cache.flush`): after the same chain of edits, its site is still, byte for byte,
    the site `mkdocs build` makes; the theme is compiled once; and a `site` after serve finds
    the site it left up to date."""
    import jinja2

    from generator.builder import pipeline
    from generator.cache.store import Cache

    project = make_project(tmp_path, SAMPLE)
    monkeypatch.chdir(project)
    compiled: list[str] = []
    compile_ = jinja2.Environment.compile

    def noting(self, source, name=None, filename=None, *args, **kwargs):
        compiled.append(os.path.realpath(filename or ""))
        return compile_(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", noting)
    cache = Cache("data", "mkdocs.yml", live=True)
    req = pipeline.Request("data", "docs", "mkdocs.yml", True, site_dir="site")
    assert pipeline.run(req, cache).error is None
    cache.flush()
    overrides = os.path.realpath(project / "overrides")

    def of_the_theme(path: str) -> bool:  # (Material's search plugin reads its words in an environment of its own)
        theirs = f"site-packages{os.sep}material{os.sep}" in path and f"{os.sep}partials{os.sep}language" not in path
        return path.startswith(overrides) or theirs

    assert any(of_the_theme(path) for path in compiled)
    compiled.clear()
    for n, step in enumerate(STEPS):
        for change in step:
            change(project)
        cache.refresh()
        result = pipeline.run(req, cache)
        assert result.error is None, result.error
        cache.flush()
        if n in CHECKPOINTS:
            reference(project, tmp_path / f"ref-{n}")
            assert_same_site(project / "site", tmp_path / f"ref-{n}")
    assert [path for path in compiled if of_the_theme(path)] == [], "the theme was compiled again"
    assert "is up to date: nothing changed, nothing written" in site(project)


def test_the_theme_is_compiled_once_per_fingerprint(tmp_path, monkeypatch):
    """The theme's compiled templates are kept in the cache (`.lsfmm-cache/site-templates/`,
    under the whole fingerprint): a later `site` compiles none of them again."""
    import jinja2

    project = make_project(tmp_path, SAMPLE)
    compiled: list[str] = []
    compile_ = jinja2.Environment.compile

    def noting(self, source, name=None, filename=None, *args, **kwargs):
        compiled.append(name or "")
        return compile_(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", noting)
    site(project)
    assert "main.html" in compiled
    assert list((project / ".lsfmm-cache" / "site-templates").iterdir())
    compiled.clear()
    edit(project / "data" / "proposals" / "oom-hook.yaml", "title: OOM hook", "title: OOM hook, v4")
    assert "pages rendered" in site(project)
    assert not {"main.html", "404.html", "sitemap.xml", "base.html"} & set(compiled), compiled
