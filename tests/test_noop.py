"""`site --strict` with nothing changed (generator.cache.noop): known from the files' times and sizes,
before the build's imports; anything changed runs the build."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import SAMPLE, make_project, run_cli

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
    "a data file added": lambda p: shutil.copy(p / "data/proposals/oom-hook.yaml", p / "data/proposals/x.yaml"),
    "a hand-written page edited": _append("docs/guide.md", "\nMore.\n"),
    "a generated page edited by hand": _append("docs/proposals/oom-hook.md", "\nBy hand.\n"),
    "the site removed": lambda p: shutil.rmtree(p / "site"),
    "the configuration edited": _append("mkdocs.yml", "\n# a comment\n"),
    "the calendar history edited": _append("data/calendar-history.yaml", "# a comment\n"),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_any_change_runs_the_build(project, change):
    change(project)
    result = run_cli("site", "--strict", "--data", "data", "--out", "docs", cwd=project)
    assert NOTHING not in result.stdout
    assert "Generated " in result.stdout or "Failed" in result.stderr


def test_only_a_strict_site_with_the_cache_is_skipped(project):
    assert NOTHING not in site(project, "--no-cache")
    out = run_cli("site", "--data", "data", "--out", "docs", cwd=project)
    assert NOTHING not in out.stdout and "Generated " in out.stdout
    assert NOTHING not in site(project)  # --no-cache built the site again: it is not the one recorded
    assert site(project).startswith(NOTHING)
