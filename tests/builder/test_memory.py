"""What keeps a summit's build within its memory: each page staged on disk as it is made (no
page held once made; nothing in docs/ changes unless every page was made), the data files'
bytes and parse results let go of once parsed, data.json written in pieces. The measurement itself
(peak memory at ten times M) is `make bench`'s: too slow for the suite."""

from __future__ import annotations

import errno
import pickle
import shutil
from pathlib import Path

import pytest

from generator import cli
from generator.builder import pipeline, write
from generator.builder.write import PageWriter
from generator.cache.reuse import Blob
from generator.cache.store import Cache
from generator.layout import JSON_MARK
from generator.pages.render import Renderer
from tests.conftest import SAMPLE, edit, tree

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
