"""The load phase (generator/builder/load.py) and what `site` sees of data/ before it: a link
to nothing or a link loop is an error in `site` as in `check`, and the files editors keep beside
a record are not data."""

import subprocess
from pathlib import Path

import pytest

from tests.conftest import SAMPLE, make_project, run_cli, tree


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("load"), SAMPLE)
    result = run_cli("site", "--strict", cwd=project)
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture
def project(built, tmp_path) -> Path:
    """A copy of the built project, built once where it is: the next `site` with nothing
    changed does nothing."""
    copy = tmp_path / "p"
    subprocess.run(["cp", "-a", str(built), str(copy)], check=True)
    assert run_cli("site", "--strict", cwd=copy).returncode == 0
    return copy


BROKEN = [
    "data/topics/dangling.yaml: cannot read the file: it is a symbolic link to a file that does not exist",
    "data/topics/loop.yaml: cannot read the file: it is a symbolic link that leads back to itself (a loop)",
    "Failed: 2 errors; nothing was written.",
]


def test_a_link_to_nothing_or_a_loop_fails_site_as_it_fails_check(project):
    """Before: `check` failed ("missing file"), and `site` said "Nothing changed" with exit 0:
    its no-op check did not see a file it could not stat."""
    topics = project / "data" / "topics"
    (topics / "dangling.yaml").symlink_to("gone.yaml")
    (topics / "loop.yaml").symlink_to("loop.yaml")
    before = {name: tree(project / name) for name in ("docs", "site")}
    check = run_cli("check", "--strict", cwd=project)
    site = run_cli("site", "--strict", cwd=project)
    assert (check.returncode, check.stderr.splitlines()) == (1, BROKEN)
    assert (site.returncode, site.stdout, site.stderr.splitlines()) == (1, "", BROKEN)
    assert {name: tree(project / name) for name in ("docs", "site")} == before
    # Mended: the link now leads to a record, which is built.
    (topics / "loop.yaml").unlink()
    (topics / "dangling.yaml").unlink()
    assert run_cli("site", "--strict", cwd=project).stdout.startswith("Nothing changed")


def test_a_broken_history_link_is_said_not_taken_for_no_history(project):
    (project / "data" / "calendar-history.yaml").unlink(missing_ok=True)
    (project / "data" / "calendar-history.yaml").symlink_to("nowhere.yaml")
    result = run_cli("check", "--strict", cwd=project)
    assert result.returncode == 1
    assert (
        "data/calendar-history.yaml: cannot read the file: it is a symbolic link to a file that does not exist"
        in result.stderr.splitlines()
    )


EDITOR_FILES = ["later-topic.yaml~", "#later-topic.yaml#", ".#later-topic.yaml", ".later-topic.yaml.swp", "x.swp"]


def test_the_files_editors_keep_beside_a_record_are_not_data(project):
    """Before: every build failed with "unexpected file here" for Emacs' and vim's backups."""
    topics = project / "data" / "topics"
    record = (topics / "later-topic.yaml").read_text()
    for name in EDITOR_FILES[:2]:
        (topics / name).write_text(record.replace("title:", "title: An older"))  # a backup, an autosave
    (topics / ".#later-topic.yaml").symlink_to("someone@host.12345:1700000000")  # Emacs' lock: a link to nothing
    (topics / ".later-topic.yaml.swp").write_bytes(b"b0VIM 9.0\x00")
    (topics / "x.swp").write_bytes(b"b0VIM 9.0\x00")
    check = run_cli("check", "--strict", cwd=project)
    assert (check.returncode, check.stderr) == (0, "")
    site = run_cli("site", "--strict", cwd=project)
    assert (site.returncode, site.stderr) == (0, "")
    assert site.stdout.startswith("Nothing changed")  # nor do they count as a change
    assert "An older" not in (project / "docs" / "topics" / "later-topic.md").read_text()
