"""parallel.split_map, and builds whose work is shared with forked workers: the same pages,
exports and messages, byte for byte, as serial builds."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator import parallel
from tests.conftest import REPO, SAMPLE, run_cli
from tests.test_bad_cases import BAD, lay_out
from tests.test_incremental import tree

FORCED = {"LSFMM_JOBS": "3", "LSFMM_PARALLEL_MIN": "1"}
SERIAL = {"LSFMM_JOBS": "1"}


@pytest.fixture
def three_jobs(monkeypatch):
    monkeypatch.setenv("LSFMM_JOBS", "3")


@pytest.mark.parametrize("interleave", [True, False])
def test_results_come_back_in_order_from_every_worker(three_jobs, interleave):
    pids = parallel.split_map(lambda part: [(x, os.getpid()) for x in part], list(range(10)), 1, interleave)
    assert [x for x, _ in pids] == list(range(10))
    # This process takes the first part; the pool's two workers the others (one worker may
    # take both: the pool hands out parts as workers ask).
    first = [0, 3, 6, 9] if interleave else [0, 1, 2]
    assert [x for x, pid in pids if pid == os.getpid()] == first
    assert len({pid for _, pid in pids}) >= 2


def test_a_small_batch_stays_in_this_process(three_jobs):
    calls = []
    assert parallel.split_map(lambda part: calls.append(list(part)) or list(part), [1, 2, 3], 10) == [1, 2, 3]
    assert calls == [[1, 2, 3]]


def test_one_job_means_serial(monkeypatch):
    monkeypatch.setenv("LSFMM_JOBS", "1")
    assert {pid for pid in parallel.split_map(lambda part: [os.getpid()] * len(part), range(50), 1)} == {os.getpid()}


def test_an_error_in_a_worker_reaches_the_caller(three_jobs):
    def fn(part):
        if 5 in part and parallel.in_worker:
            raise ValueError("item 5")
        return list(part)

    with pytest.raises(ValueError, match="item 5"):
        parallel.split_map(fn, list(range(9)), 1)
    assert parallel.in_worker is False  # set only in the workers


def build(cwd: Path, data: str, out: str, env: dict[str, str]) -> str:
    result = run_cli("build", "--strict", "--no-cache", "--data", data, "--out", out, cwd=cwd, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("data", [SAMPLE, REPO / "data"], ids=["sample", "default-data"])
def test_a_shared_build_equals_a_serial_one(tmp_path, data):
    shutil.copytree(data, tmp_path / "data")
    build(tmp_path, "data", "serial", SERIAL)
    build(tmp_path, "data", "shared", FORCED)
    serial, shared = tree(tmp_path / "serial"), tree(tmp_path / "shared")
    assert len(serial) > 10
    assert shared == serial


def test_a_shared_build_fills_the_cache_like_a_serial_one(tmp_path):
    """Workers send parsed records back pickled for the cache: a no-op rebuild after a shared
    cold build writes nothing."""
    shutil.copytree(SAMPLE, tmp_path / "data")
    args = ("build", "--strict", "--data", "data", "--out", "docs")
    assert run_cli(*args, cwd=tmp_path, env=FORCED).returncode == 0
    again = run_cli(*args, cwd=tmp_path, env=SERIAL)
    assert " 0 written," in again.stdout, again.stdout + again.stderr


# Cases whose problems come from many files (the workers' share) and from cross checks.
CASES = [
    "46-duplicate-quote-id-across-threads",
    "49-message-in-two-threads",
    "60-invalid-event-hides-nothing-else",
    "62-thread-with-unknown-field",
    "67-problems-in-many-files-sorted",
    "68-quote-not-in-its-message",
]


@pytest.mark.parametrize("name", CASES)
def test_bad_data_reports_the_same_when_shared(name, tmp_path):
    case = BAD / name
    lay_out(case, tmp_path)
    result = run_cli("check", "--data", "data", cwd=tmp_path, env=FORCED)
    assert f"exit {result.returncode}\n{result.stdout}{result.stderr}" == (case / "expected.txt").read_text()


def test_what_workers_add_to_the_cache_is_saved(tmp_path):
    """Workers render with the cache's memo tables (Markdown as HTML, people sections): what
    they add comes back, so a shared build saves the same cache as a serial one."""
    import pickle

    caches = {}
    for name, env in (("serial", SERIAL), ("shared", FORCED)):
        project = tmp_path / name
        shutil.copytree(REPO / "data", project / "data")
        result = run_cli("build", "--strict", "--data", "data", "--out", "docs", cwd=project, env=env)
        assert result.returncode == 0, result.stderr
        with open(project / ".lsfmm-cache" / "cache.pickle", "rb") as fh:
            caches[name] = pickle.load(fh)[3]  # (version, records, pages, memos)
    assert set(caches["serial"]) >= {"markdown", "blocks", "exports", "provenance"}
    for table in caches["serial"]:
        assert caches["shared"][table] == caches["serial"][table], table


def test_a_worker_that_dies_does_not_hang_the_build(three_jobs):
    """A worker killed mid-part (say, by the OOM killer) has its part done in this process."""
    import signal

    def fn(part):
        if parallel.in_worker and 4 in part:
            os.kill(os.getpid(), signal.SIGKILL)
        return [x * 2 for x in part]

    assert parallel.split_map(fn, list(range(9)), 1) == [x * 2 for x in range(9)]


def test_data_outside_the_working_folder_given_unnormalized(tmp_path):
    """--data /abs/./data from another folder: the shared files are found under the path
    the loader shows them by (this gave a KeyError)."""
    shutil.copytree(SAMPLE, tmp_path / "data")
    (tmp_path / "elsewhere").mkdir()
    data = f"{tmp_path}/./data"
    for env in (SERIAL, FORCED):
        result = run_cli(
            "build", "--strict", "--data", data, "--out", str(tmp_path / "docs"), cwd=tmp_path / "elsewhere", env=env
        )
        assert result.returncode == 0, result.stderr
    result = run_cli("build", "--strict", "--data", data, "--out", str(tmp_path / "docs"), cwd=tmp_path / "elsewhere")
    assert " 0 written," in result.stdout, result.stdout + result.stderr
