"""What keeps a summit's build within its memory: each page staged on disk as it is made (no
page held once made; nothing in docs/ changes unless every page was made), the data files'
bytes and parse results let go of once parsed, data.json written in pieces, and the generation
run in a process of its own before the site phase forks its workers. The measurement itself
(peak memory at ten times M) is `make bench`'s: too slow for the suite."""

from __future__ import annotations

import errno
import os
import pickle
import resource
import shutil
from pathlib import Path

import pytest

from generator import cli
from generator.builder import apart, pipeline, write
from generator.builder.write import PageWriter
from generator.cache.reuse import Blob
from generator.cache.store import Cache
from generator.errors import DataError, Problems
from generator.layout import JSON_MARK
from generator.pages.render import Renderer
from tests.conftest import SAMPLE, edit, make_project, run_cli, tree

STAGING = ".lsfmm-staging-*"


def page(body: str) -> str:
    return f"---\ntitle: x\ngenerated_by: lsfmm-prep\n---\n{body}\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(SAMPLE, tmp_path / "data")
    return tmp_path


def build(project: Path, monkeypatch, *extra: str) -> int:
    monkeypatch.chdir(project)
    return cli.main(["build", "--strict", "--data", "data", "--out", "docs", *extra])


def test_each_page_is_on_disk_before_the_next_is_made(project, monkeypatch, capsys):
    """A cold build: when each page is rendered, every page rendered before it is already in
    the staging folder, and docs/ holds none of them yet."""
    seen: list[tuple[int, int, int]] = []
    real = Renderer.page

    def noting(self, spec):
        staged = [f for d in (project / "docs").glob(STAGING) for f in d.iterdir()]
        placed = [p for p in (project / "docs").rglob("*.md") if STAGING[:-1] not in str(p)]
        seen.append((len(seen), len(staged), len(placed)))
        return real(self, spec)

    monkeypatch.setattr(Renderer, "page", noting)
    assert build(project, monkeypatch) == 0
    assert len(seen) > 20
    assert [(n, staged) for n, staged, _ in seen] == [(n, n) for n, _, _ in seen]  # none held
    assert {placed for _, _, placed in seen} == {0}  # moved into place only once all were made
    assert not list((project / "docs").glob(STAGING))
    assert "40 written" in capsys.readouterr().out


def test_a_failure_after_pages_were_staged_leaves_docs_as_they_were(project, monkeypatch, capsys):
    assert build(project, monkeypatch) == 0
    before = tree(project / "docs")
    edit(project / "data" / "people.yaml", "name: Bob Reviewer", "name: Bob Q. Reviewer")  # many pages
    real, made = Renderer.page, []

    def failing(self, spec):
        if len(made) == 5:
            raise OSError(errno.ENOSPC, "No space left on device")
        made.append(spec.path)
        return real(self, spec)

    monkeypatch.setattr(Renderer, "page", failing)
    assert build(project, monkeypatch) == 1
    assert "no space left" in capsys.readouterr().err
    assert len(made) == 5
    assert tree(project / "docs") == before
    assert not list((project / "docs").glob(STAGING))


def test_the_writer_stages_only_what_changed_and_discards_on_error(tmp_path):
    (tmp_path / "topics").mkdir()
    (tmp_path / "topics" / "a.md").write_text(page("a"))
    with PageWriter(str(tmp_path)) as writer:
        writer.add("topics/a.md", page("a"))  # unchanged: nothing staged
        assert writer.staging is None
        writer.add("topics/b.md", page("b"))
        (staging,) = tmp_path.glob(STAGING)
        assert [f.read_text() for f in staging.iterdir()] == [page("b")]
    assert not list(tmp_path.glob(STAGING))  # not committed: discarded
    assert not (tmp_path / "topics" / "b.md").exists()


def test_a_file_in_pieces_is_written_as_it_comes_and_compared_on_disk(tmp_path):
    pieces = [JSON_MARK, '"a": 1,\n', '"b": 2}\n']
    with PageWriter(str(tmp_path)) as writer:
        writer.add("data.json", iter(pieces))
        report = writer.commit()
    assert report.written == ["data.json"]
    assert (tmp_path / "data.json").read_text() == "".join(pieces)
    with PageWriter(str(tmp_path)) as writer:
        writer.add("data.json", iter(pieces))
        assert not [f for d in tmp_path.glob(STAGING) for f in d.iterdir()]  # the same: dropped
        report = writer.commit()
    assert report.written == [] and report.unchanged == ["data.json"]
    with PageWriter(str(tmp_path)) as writer:
        writer.add("data.json", iter([*pieces[:2], '"b": 3}\n']))
        assert writer.commit().written == ["data.json"]
    assert (tmp_path / "data.json").read_text().endswith('"b": 3}\n')


def test_parse_results_are_kept_on_disk_not_in_memory(project, monkeypatch, capsys):
    """Each parse result is written as it is made (a build's spool, then .lsfmm-cache/
    parsed.pickle), never held pickled beside the records; the next build reads them back."""
    monkeypatch.chdir(project)
    cache = Cache("data", "mkdocs.yml")
    reuse = cache.reuse()
    with reuse.remembering():
        pipeline.validate(pipeline.load("data"), reuse, True, [])
    assert reuse.files and all(isinstance(b, Blob) for b in reuse.files.values())
    assert all(pickle.loads(b.read()) for b in reuse.files.values())
    cache.keep(reuse, None)
    again = Cache("data", "mkdocs.yml").reuse()
    assert set(again.files) == set(reuse.files)
    assert [b.read() for b in again.files.values()] == [reuse.files[k].read() for k in again.files]
    assert build(project, monkeypatch) == 0  # the build reads them back
    capsys.readouterr()


def test_the_data_files_bytes_are_let_go_of_as_they_are_parsed(project, monkeypatch):
    monkeypatch.chdir(project)
    loaded = pipeline.load("data")
    count = len(loaded.files)
    pipeline.validate(loaded, None, True, [])
    assert count > 5 and loaded.files == []


# ---------------------------------------------------------------------------------- apart


def test_the_generation_runs_apart_when_the_site_follows(tmp_path, monkeypatch):
    project = make_project(tmp_path, SAMPLE)
    pids = tmp_path / "pids"
    real = pipeline.generate

    def noting(req, cache, warnings):
        with open(pids, "a") as fh:
            fh.write(f"{os.getpid()} {req.site_dir is not None}\n")
        return real(req, cache, warnings)

    monkeypatch.setattr(pipeline, "generate", noting)
    assert build(project, monkeypatch) == 0  # no site: here
    assert run_cli("site", "--strict", cwd=project).returncode == 0
    (here, _), (there, site) = (line.split() for line in pids.read_text().splitlines())
    assert int(here) == os.getpid() and int(there) != os.getpid() and site == "True"


def test_memory_used_apart_is_not_this_process_s():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def big() -> int:
        block = bytearray(300 * 1024 * 1024)
        block[::4096] = b"x" * len(block[::4096])  # touched: resident
        return len(block)

    outcome = apart.in_child(big, lambda: "said")
    assert outcome.result() == 300 * 1024 * 1024 and outcome.also == "said"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024  # KB
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss > 300 * 1024


def test_errors_come_back_from_apart_as_they_were_raised():
    problems = Problems()
    problems.error("data/x.yaml", 3, "bad")

    def data() -> None:
        raise DataError(problems, True)

    with pytest.raises(DataError) as caught:
        apart.in_child(data).result()
    assert caught.value.problems.items == problems.items and str(caught.value) == str(DataError(problems, True))

    def disk() -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "/some/file")

    with pytest.raises(OSError) as full:
        apart.in_child(disk).result()
    assert (full.value.errno, full.value.filename) == (errno.ENOSPC, "/some/file")

    def bug() -> None:
        raise KeyError("nowhere")

    with pytest.raises(KeyError) as bad:
        apart.in_child(bug).result()
    assert "In the generation process" in bad.value.__notes__[0] and "def bug" not in bad.value.__notes__[0]
    assert 'raise KeyError("nowhere")' in bad.value.__notes__[0]


def test_a_full_disk_while_staging_says_so_and_writes_nothing(project, monkeypatch, capsys):
    assert build(project, monkeypatch) == 0
    before = tree(project / "docs")
    edit(project / "data" / "people.yaml", "name: Bob Reviewer", "name: Bob Q. Reviewer")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(write, "write_new", full)
    assert build(project, monkeypatch) == 1
    assert "no space left" in capsys.readouterr().err
    assert tree(project / "docs") == before


def test_an_interrupt_of_this_process_alone_ends_the_work_apart_too(tmp_path):
    """Before: the interrupted build waited for the generation to finish, which then wrote
    docs/ (an interrupt sent to the build's process alone, not to its process group)."""
    import signal
    import time

    done = tmp_path / "done"

    def slow() -> None:
        for _ in range(50):
            time.sleep(0.1)
        done.write_text("finished")  # what a generation left to finish would write

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    started = time.monotonic()
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)  # not inherited by the child: this process alone
        with pytest.raises(KeyboardInterrupt):
            apart.in_child(slow)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - started < 3
    time.sleep(0.2)
    assert not done.exists()


def test_a_generation_killed_by_the_system_is_one_line_not_a_bug():
    """Before: "ended without a result (signal 9)" reported as a bug, with a traceback."""
    import signal

    from generator.errors import LsfError

    def killed() -> None:
        os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer ends a process

    with pytest.raises(LsfError) as caught:
        apart.in_child(killed)
    assert caught.value.lines() == [
        "Error: the build's generation process was killed (SIGKILL: most often the system's out-of-memory "
        "killer, which the kernel log names); build again when the machine has the memory free"
    ]
