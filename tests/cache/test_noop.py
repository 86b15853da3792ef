"""`site --strict` with nothing changed (generator.cache.noop): known from the files' times and sizes,
before the build's imports; anything changed runs the build."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import SAMPLE, edit, make_project, run_cli

NOTHING = "Nothing changed since the last build"


def site(project: Path, *extra: str) -> str:
    result = run_cli("site", "--strict", "--data", "data", "--out", "docs", *extra, cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def snapshot(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = make_project(tmp_path, SAMPLE)
    assert NOTHING not in site(project)
    return project


def test_nothing_changed_is_known_at_once_and_writes_nothing(project):
    docs, built = snapshot(project / "docs"), snapshot(project / "site")
    assert site(project).startswith(NOTHING)
    assert snapshot(project / "docs") == docs and snapshot(project / "site") == built


def _append(rel: str, text: str) -> Callable[[Path], None]:
    def change(project: Path) -> None:
        with open(project / rel, "a", encoding="utf-8") as fh:
            fh.write(text)

    return change


def _touch(rel: str) -> Callable[[Path], None]:
    return lambda project: os.utime(project / rel, ns=(1, 1))


CHANGES = {
    "a data file edited": _append("data/proposals/oom-hook.yaml", "# a comment\n"),
    "a data file touched": _touch("data/topics/hooks-in-mm.yaml"),
    "a data file added": lambda p: (p / "data/people-extra.yaml").write_text("# not a record file\n"),
    "a hand-written page edited": _append("docs/guide.md", "\nMore.\n"),
    "a generated page edited by hand": _append("docs/proposals/oom-hook.md", "\nBy hand.\n"),
    "the site removed": lambda p: shutil.rmtree(p / "site"),
    "the configuration edited": _append("mkdocs.yml", "\n# a comment\n"),
    "the calendar history edited": _append("data/calendar-history.yaml", "# a comment\n"),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_any_change_runs_the_build(project, change):
    change(project)
    out = site(project)  # every change leaves the data valid: the build runs, and succeeds
    assert NOTHING not in out and "Generated " in out


def test_only_a_strict_site_with_the_cache_is_skipped(project):
    assert NOTHING not in site(project, "--no-cache")
    out = run_cli("site", "--data", "data", "--out", "docs", cwd=project)
    assert NOTHING not in out.stdout and "Generated " in out.stdout
    assert NOTHING not in site(project)  # --no-cache built the site again: it is not the one recorded
    assert site(project).startswith(NOTHING)


def test_two_edits_of_one_size_within_one_second_are_both_built(project):
    """On a file system that keeps times to the second (ext4 with 128-byte inodes, FAT, HFS+,
    some container mounts), two same-size edits within one second leave time and size alike.
    A file that recent is compared by content (git's racy-clean rule): the second edit is built."""
    record = project / "data" / "topics" / "hooks-in-mm.yaml"
    second = (time.time_ns() // 1_000_000_000) * 1_000_000_000  # now, to the second
    for old, title in (("Hooks in MM", "Hooks in XX"), ("Hooks in XX", "Hooks in YY")):
        edit(record, f"title: {old}\n", f"title: {title}\n")
        os.utime(record, ns=(second, second))
        out = site(project)
        assert NOTHING not in out, title
        assert title in (project / "docs" / "topics" / "hooks-in-mm.md").read_text()
        assert title in (project / "site" / "topics" / "hooks-in-mm" / "index.html").read_text()
    assert site(project).startswith(NOTHING)  # and once built, nothing more


def test_a_new_time_zone_database_runs_the_build(project):
    """The calendars embed the time zone rules: a new tz database (a tzdata update) runs the
    build, whose cache starts afresh, though no file of the project changed."""
    zones = project.parent / "zoneinfo"
    zones.mkdir()
    (zones / "tzdata.zi").write_text("# version 2026a\n")
    env = {"PYTHONTZPATH": str(zones)}
    first = run_cli("site", "--strict", "--data", "data", "--out", "docs", cwd=project, env=env)
    assert first.returncode == 0 and NOTHING not in first.stdout, first.stderr
    again = run_cli("site", "--strict", "--data", "data", "--out", "docs", cwd=project, env=env)
    assert again.stdout.startswith(NOTHING)
    (zones / "tzdata.zi").write_text("# version 2026b\n")
    after = run_cli("site", "--strict", "--data", "data", "--out", "docs", cwd=project, env=env)
    assert after.returncode == 0, after.stderr
    assert NOTHING not in after.stdout
    assert "(the code, configuration, theme overrides, hooks, packages or time zone data changed)" in after.stdout
