"""Shared test helpers: repository paths, ../shared (skipped with a reason when absent), and
fixtures written from dicts of files."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SAMPLE = REPO / "tests" / "fixtures" / "sample"
SUMMIT = REPO / "tests" / "fixtures" / "summit"  # two events and every kind of topic
SCHEDULE = REPO / "tests" / "fixtures" / "schedule"  # two days, three rooms, a joint and a plenary session
MERGE = REPO / "tests" / "fixtures" / "merge"  # a topic, with all it brings, merged into a session
AFTERMATH = REPO / "tests" / "fixtures" / "aftermath"  # a 2025 session's decisions, and a 2026 topic that continues it
SEED_MBOX = SHARED / "sources" / "using-bpf-in-mm-reply.mbox"

# mkdocs.yml reads these with !ENV (the Pages workflows set them): the tests build the
# configuration's own defaults, whatever the shell that runs them has set.
for _name in ("SITE_URL", "REPO_URL", "EDIT_URI"):
    os.environ.pop(_name, None)


@pytest.fixture
def shared() -> Path:
    if not SEED_MBOX.exists():
        pytest.skip(f"../shared is not beside this checkout ({SHARED} missing): the seed message is not available")
    return SHARED


def site_of(folder: Path | str, clean: bool = False):
    """The Site of a data folder, which must check; with `clean`, without a warning either."""
    from generator.builder.pipeline import load_site
    from generator.errors import Problems

    problems = Problems()
    site = load_site(str(folder), problems)
    assert site is not None and not (clean and problems.items), [str(p) for p in problems.items]
    return site


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write {relative path: text} under root (like mkdocs' tests/base.py tempdir helper)."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (relative path -> bytes): two trees compare whole."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def settled(folder: Path, pattern: str, keep: tuple[str, ...] = (), timeout: float = 30) -> list[str]:
    """The names in `folder` that match `pattern` once the background deletions of a build are
    done (the old site and leftovers: `generator.site.swap.remove_later`), that is once only
    names in `keep` are left, or at `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        found = sorted(p.name for p in folder.glob(pattern))
        if set(found) <= set(keep) or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def edit(path: Path, old: str, new: str, every: bool = False) -> None:
    """Replace `old` by `new` in a file: its first occurrence, or `every` one. `old` must be
    there: an edit that changes nothing would make the test that follows prove nothing."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new) if every else text.replace(old, new, 1), encoding="utf-8")


def copy_data(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, process: bool = False
) -> subprocess.CompletedProcess[str]:
    """`python -m generator ARGS` in `cwd`: its exit code, standard output and error.

    Run in this process through `cli.main(argv)` (a process costs a second of imports); in a
    process of its own when asked, or with an environment of its own."""
    if process or env:
        full_env = dict(os.environ, PYTHONPATH=str(REPO), **(env or {}))
        return subprocess.run(
            [sys.executable, "-m", "generator", *args],
            cwd=cwd or REPO,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    from generator import cli

    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(cwd or REPO)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(list(args))
            except SystemExit as exc:  # argparse: --help, --version, bad usage
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        os.chdir(here)
    return subprocess.CompletedProcess(["generator", *args], code, out.getvalue(), err.getvalue())


def make_project(tmp: Path, data: Path) -> Path:
    """A copy of the project's site configuration (mkdocs.yml, its theme overrides and hook) and
    hand-written pages around a data folder."""
    shutil.copy(REPO / "mkdocs.yml", tmp / "mkdocs.yml")
    (tmp / "generator").symlink_to(REPO / "generator", target_is_directory=True)  # mkdocs.yml's hook
    shutil.copytree(REPO / "overrides", tmp / "overrides")
    shutil.copytree(REPO / "docs", tmp / "docs", ignore=_only_hand_written)
    shutil.copytree(data, tmp / "data")
    return tmp


def _only_hand_written(folder: str, names: list[str]) -> list[str]:
    from generator.builder.write import is_generated

    return [n for n in names if is_generated(os.path.join(folder, n))] + [
        n for n in names if folder == str(REPO / "docs") and n in {"topics", "proposals", "questions", "people"}
    ]


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory) -> Path:
    """The hostile data set (tests/hostile.py) generated and built into a real site."""
    from tests.hostile import write_hostile

    root = tmp_path_factory.mktemp("hostile")
    data = write_hostile(root / "hostile-data")
    (root / "project").mkdir()
    project = make_project(root / "project", data)
    result = run_cli("site", "--strict", cwd=project)
    assert result.returncode == 0, result.stderr
    return project / "site"
