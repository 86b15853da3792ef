"""The build lock (generator/files.py, `build_lock`): one build at a time over the same folders,
held by the build's own process only. A killed build never leaves it behind: the forked page
renderers do not hold it, and the next build says whose lock it found and goes on."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator import layout
from generator.files import build_lock
from tests.conftest import REPO, make_project

PROC = Path("/proc")


def children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (Linux: read from /proc)."""
    found = set()
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        return "generator" in (PROC / str(pid) / "cmdline").read_text(errors="replace") and (
            (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        )
    except OSError:
        return False


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    """A project around a synthetic data set of about 280 pages: enough for the site build to
    render its pages in forked workers (`site.pages.PARALLEL_FROM`)."""
    root = tmp_path_factory.mktemp("lock")
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "synth.py"), str(root / "data"), "10", "200", "200"], check=True
    )
    (root / "project").mkdir()
    return make_project(root / "project", root / "data")


def _generator(project: Path, *args: str, **kwargs: object) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", *args],
        cwd=project,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        text=True,
        **kwargs,  # type: ignore[call-overload]
    )


@pytest.mark.skipif(not (PROC / "self" / "stat").exists(), reason="needs /proc to find the page renderers")
def test_a_build_killed_while_its_workers_render_leaves_no_lock_behind(synthetic):
    """`kill -9` of a cold `site` while its forked workers render the pages: the next build
    goes on at once (before: the orphaned workers held the lock, and it waited for ever), says
    whose lock it found, and builds the whole site."""
    first = _generator(
        synthetic, "site", "--strict", "--no-cache", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    try:
        while len(workers) < 2 and time.monotonic() < deadline and first.poll() is None:
            workers = {pid for pid in children(first.pid) if alive(pid)}
            time.sleep(0.02)
        assert len(workers) >= 2, "the build never forked its page renderers"
        time.sleep(0.3)  # mid-render
        os.kill(first.pid, signal.SIGKILL)  # the main process alone, as `kill -9 PID` does
        first.wait()
        second = _generator(synthetic, "site", "--strict", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            _, err = second.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            second.kill()
            _, err = second.communicate()
            pytest.fail(f"the next build waited for the killed one's lock: {err}")
        assert second.returncode == 0, err
        assert (
            f"The build lock in {synthetic} was left by process {first.pid}, which ended without releasing "
            "it (killed?); going on.\n"
        ) in err
        assert "Waiting" not in err
        assert (synthetic / "site" / "index.html").is_file()
        assert (synthetic / "site" / "proposals" / "proposal-000199" / "index.html").is_file()
        # The workers died with the build that forked them: none is left rendering into a
        # folder the next build removes.
        time.sleep(0.2)
        assert not [pid for pid in workers if alive(pid)]
    finally:
        for pid in workers:  # the test's own processes, if the build left them
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_build_that_ended_cleanly_leaves_nobody_named(tmp_path, capsys):
    with build_lock(str(tmp_path / "docs")):
        assert (tmp_path / layout.LOCK).read_text() == f"{os.getpid()}\n"
    assert (tmp_path / layout.LOCK).read_text() == ""
    with build_lock(str(tmp_path / "docs")):
        pass
    assert capsys.readouterr().err == ""


def test_a_forked_child_does_not_hold_the_lock(tmp_path):
    """A process that forks while it holds the lock, then is killed: its child lives on, and
    the lock is free at once."""
    script = (
        "import os, sys, time\n"
        "from generator.files import build_lock\n"
        "with build_lock(sys.argv[1]):\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(30); os._exit(0)\n"
        "    print('held', flush=True); time.sleep(30)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path / "docs")],
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        took = time.monotonic()
        got = subprocess.run(
            [sys.executable, "-c", "import sys\nfrom generator.files import build_lock\n"
             "with build_lock(sys.argv[1]): print('got it')", str(tmp_path / "docs")],
            env=dict(os.environ, PYTHONPATH=str(REPO)),
            capture_output=True,
            text=True,
            timeout=20,
        )  # fmt: skip
        assert got.stdout == "got it\n" and time.monotonic() - took < 10
        assert f"was left by process {holder.pid}, which ended without releasing it" in got.stderr
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(holder.pid, signal.SIGKILL)  # the child the holder forked
