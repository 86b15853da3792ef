"""generator/site/swap.py: the new site replaces the old with renames, and the old one is
deleted in the background: a build never waits for it, and what a kill leaves of it is removed
by the next build, never put back."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from generator.site import swap
from tests.conftest import SAMPLE, make_project, run_cli, settled

REAL_RMTREE = shutil.rmtree


def no_waiting(path: str, *args: object, **kwargs: object) -> None:
    """shutil.rmtree, refusing a site folder (the old site, a leftover): the build must not
    wait for one to be deleted."""
    if Path(path).name.startswith((".site-", "site")):
        raise AssertionError(f"the build waited for {path} to be deleted")
    REAL_RMTREE(path, *args, **kwargs)


def a_site(folder: Path, text: str, files: int = 2000) -> Path:
    for n in range(files):
        (folder / "pages" / f"{n % 20}").mkdir(parents=True, exist_ok=True)
        (folder / "pages" / f"{n % 20}" / f"{n}.html").write_text(f"{text} {n}")
    (folder / "index.html").write_text(text)
    return folder


def test_the_swap_leaves_the_old_site_to_a_process_of_its_own(tmp_path, monkeypatch):
    """Before: the swap deleted the old site/ before it returned (0.2 s on a quiet disk, 4-6 s
    on a busy one)."""
    site = a_site(tmp_path / "site", "old")
    fresh = a_site(Path(swap.fresh_site_folder(str(site))), "new", files=10)
    monkeypatch.setattr(swap.shutil, "rmtree", no_waiting)
    swap.swap_site(str(fresh), str(site))
    assert (site / "index.html").read_text() == "new"
    assert not settled(tmp_path, ".site-*")  # gone meanwhile
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_an_old_site_a_kill_left_is_removed_by_the_next_build_and_never_put_back(tmp_path, monkeypatch):
    """A kill after the swap, before the old site was handed over: a whole new site/, and
    beside it a copy with no mark, which the next build removes (in the background too)."""
    site = a_site(tmp_path / "site", "old", files=10)
    fresh = a_site(Path(swap.fresh_site_folder(str(site))), "new", files=10)
    monkeypatch.setattr(swap, "remove_later", lambda folders: None)  # killed before it ran
    swap.swap_site(str(fresh), str(site))
    monkeypatch.undo()
    (left,) = tmp_path.glob(".site-old-*")
    assert (left / "site" / "index.html").read_text() == "old" and not (left / swap.SWAP_MARK).exists()
    shutil.rmtree(site)  # even with no site/ at all, an unmarked copy is not a site to put back
    monkeypatch.setattr(swap.shutil, "rmtree", no_waiting)
    assert swap.recover_site(str(site)) is None
    swap.fresh_site_folder(str(site))
    assert settled(tmp_path, ".site-old-*") == [] and not site.exists()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("swap"), SAMPLE)
    assert run_cli("site", "--strict", cwd=project).returncode == 0
    return project


def test_a_site_build_hands_the_old_site_over_and_leaves_nothing_where_mkdocs_or_serve_look(
    built, tmp_path, monkeypatch
):
    project = tmp_path / "p"
    subprocess.run(["cp", "-a", str(built), str(project)], check=True)
    record = project / "data" / "proposals" / "cache-policy.yaml"
    record.write_text(record.read_text().replace("title: Cache policy", "title: Cache policy v2"))
    monkeypatch.setattr(swap.shutil, "rmtree", no_waiting)
    result = run_cli("site", "--strict", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "Cache policy v2" in (project / "site" / "proposals" / "cache-policy" / "index.html").read_text()
    assert not settled(project, ".site-*")
    for folder in ("docs", "site"):  # nothing hidden where MkDocs reads or serve serves
        assert not list((project / folder).rglob(".*")), folder
