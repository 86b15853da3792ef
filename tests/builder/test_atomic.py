"""A failed or killed build never leaves a half-written site or touches data/."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, SAMPLE, make_project, run_cli, settled, tree


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("atomic"), SAMPLE)
    result = run_cli("site", "--strict", cwd=project)
    assert result.returncode == 0, result.stderr
    return project


def test_bad_data_leaves_pages_site_and_data_as_they_were(built, tmp_path):
    project = Path(tmp_path / "p")
    subprocess.run(["cp", "-a", str(built), str(project)], check=True)
    record = project / "data" / "topics" / "later-topic.yaml"
    record.write_text(record.read_text().replace("lead: cy-author", "lead: nobody"))
    before = {name: tree(project / name) for name in ("docs", "site", "data")}
    result = run_cli("site", "--strict", cwd=project)
    assert result.returncode == 1
    assert "unknown person 'nobody'" in result.stderr
    assert {name: tree(project / name) for name in ("docs", "site", "data")} == before


@pytest.mark.parametrize("delay", [0.3, 0.8, 1.3, 1.8, 2.5])
def test_a_killed_build_leaves_the_previous_site_whole(built, tmp_path, delay):
    project = Path(tmp_path / "p")
    subprocess.run(["cp", "-a", str(built), str(project)], check=True)
    old_site = tree(project / "site")
    data_before = tree(project / "data")
    record = project / "data" / "proposals" / "cache-policy.yaml"
    record.write_text(record.read_text().replace("title: Cache policy", "title: Cache policy v2"))
    data_before = tree(project / "data")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "site", "--strict"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    site = tree(project / "site")
    assert sorted(site) == sorted(old_site), "site/ lost or gained files"
    page = site["proposals/cache-policy/index.html"].decode()
    if site == old_site:
        assert "Cache policy v2" not in page
    else:  # the whole new site was swapped in
        assert "Cache policy v2" in page
    assert tree(project / "data") == data_before
    # The next build finishes the job and cleans up what the killed one left.
    assert run_cli("site", "--strict", cwd=project).returncode == 0
    assert "Cache policy v2" in (project / "site" / "proposals" / "cache-policy" / "index.html").read_text()
    assert not settled(project, ".site-*") and not list((project / "docs").glob(".lsfmm-staging-*"))


def test_the_built_site_is_readable_by_a_web_server(built):
    assert (built / "site").stat().st_mode & 0o755 == 0o755


def test_a_mkdocs_warning_fails_the_site_build_and_keeps_the_old_site(built, tmp_path):
    # `mkdocs build --strict --quiet` drops warnings before --strict counts them: not used.
    project = Path(tmp_path / "p")
    subprocess.run(["cp", "-a", str(built), str(project)], check=True)
    (project / "docs" / "guide.md").write_text("# Guide\n\nSee [a page that is not there](missing.md).\n")
    before = tree(project / "site")
    result = run_cli("site", "--strict", cwd=project)
    assert result.returncode == 1
    assert "missing.md" in result.stderr and "Error: mkdocs build failed; site/ was left as it was." in result.stderr
    assert tree(project / "site") == before


def test_a_docs_link_to_outside_the_repository_is_refused_and_the_site_kept(built, tmp_path):
    """MkDocs publishes `docs/assets/x -> /etc/passwd`; the site build refuses it, and a FIFO,
    naming them and quoting nothing of their target."""
    project = Path(tmp_path / "p")
    subprocess.run(["cp", "-a", str(built), str(project)], check=True)
    secret = tmp_path / "token.txt"
    secret.write_text("ghp_SECRETSECRETSECRET\n")
    (project / "docs" / "assets" / "x").symlink_to(secret)
    os.mkfifo(project / "docs" / "assets" / "pipe")
    (project / "docs" / "assets" / "inside.css").symlink_to(project / "docs" / "assets" / "lsfmm.css")
    before = tree(project / "site")
    result = run_cli("site", "--strict", cwd=project)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "docs/assets/pipe: not a regular file (a FIFO, device or socket); the site publishes only regular files",
        "docs/assets/x: a symbolic link to outside the repository; the site publishes only files inside it",
        "Error: mkdocs build failed; site/ was left as it was.",
    ]
    assert tree(project / "site") == before


def test_a_site_a_killed_swap_left_aside_is_put_back_first_even_when_the_build_fails(built, tmp_path):
    project = Path(tmp_path / "p")
    subprocess.run(["cp", "-a", str(built), str(project)], check=True)
    before = tree(project / "site")
    aside = project / ".site-old-killed"
    aside.mkdir()
    (aside / "swapping").write_text(f"{project / 'site'}\n")  # as swap_site marks it, before its renames
    os.replace(project / "site", aside / "site")  # a kill between the swap's two renames
    record = project / "data" / "topics" / "later-topic.yaml"
    record.write_text(record.read_text().replace("lead: cy-author", "lead: nobody"))
    result = run_cli("site", "--strict", cwd=project)
    assert result.returncode == 1 and "unknown person 'nobody'" in result.stderr
    assert result.stdout.startswith("Put back site/ from .site-old-killed/, where a killed build left it.\n")
    assert tree(project / "site") == before
    assert not aside.exists()


def _site_process(project: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen(
        [sys.executable, "-m", "generator", *args],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_second_build_waits_for_the_first_and_says_so(built, tmp_path):
    project = Path(tmp_path / "p")
    subprocess.run(["cp", "-a", str(built), str(project)], check=True)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
            "fcntl.lockf(fd, fcntl.LOCK_EX); os.write(fd, b'4242\\n')\n"
            "print('held', flush=True); time.sleep(3); os.ftruncate(fd, 0)\n",
            str(project / ".lsfmm-build.lock"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    started = time.monotonic()
    second = _site_process(project, "site", "--strict")
    _, err = second.communicate(timeout=120)
    holder.wait()
    assert second.returncode == 0, err
    assert f"Waiting for another build in {project} (process 4242) to finish...\n" in err
    assert "left by process" not in err  # it let go of the lock in order
    assert time.monotonic() - started > 1.5  # it did wait for the holder


def test_two_builds_at_once_both_finish_with_a_whole_site(built, tmp_path):
    """Two `site` runs in one checkout: before the lock, the second one's clean-up removed the
    folder the first was building into, and the first said "Site built" over 78 of 169 files."""
    project = Path(tmp_path / "p")
    subprocess.run(["cp", "-a", str(built), str(project)], check=True)
    expected = sorted(tree(project / "site"))
    record = project / "data" / "proposals" / "cache-policy.yaml"
    record.write_text(record.read_text().replace("title: Cache policy", "title: Cache policy v2"))
    runs = [_site_process(project, "site", "--strict", "--no-cache") for _ in range(2)]
    results = [(p.wait(timeout=300), p.communicate()) for p in runs]
    assert [rc for rc, _ in results] == [0, 0], results
    assert sorted(tree(project / "site")) == expected
    assert "Cache policy v2" in (project / "site" / "proposals" / "cache-policy" / "index.html").read_text()
    assert not settled(project, ".site-*")


def test_builds_at_once_in_one_checkout_all_succeed(built, tmp_path):
    """Before the lock, two `build` runs at once failed 4 times in 15 with an unexpected
    FileNotFoundError in docs/.lsfmm-staging-*: each cleaned up what the other was staging."""
    project = Path(tmp_path / "p")
    subprocess.run(["cp", "-a", str(built), str(project)], check=True)
    shutil.rmtree(project / "docs" / "topics")  # every run has pages to stage
    runs = [_site_process(project, "build", "--strict", "--no-cache") for _ in range(4)]
    results = [(p.wait(timeout=300), p.communicate()[1]) for p in runs]
    assert [rc for rc, _ in results] == [0, 0, 0, 0], results
    assert {"hooks-in-mm.md", "later-topic.md"} <= {p.name for p in (project / "docs" / "topics").iterdir()}
    assert not list((project / "docs").glob(".lsfmm-staging-*"))


def test_only_a_copy_whose_swap_never_finished_is_put_back(built, tmp_path):
    """A copy half removed after a finished swap (no mark), or marked for another site folder,
    is never put back: it may lack files, or belong to `--site-dir public`."""
    project = Path(tmp_path / "p")
    subprocess.run(["cp", "-a", str(built), str(project)], check=True)
    for name, mark in (("half", None), ("other", f"{project / 'public'}\n")):
        aside = project / f".site-old-{name}"
        shutil.copytree(project / "site", aside / "site")
        (aside / "site" / "index.html").unlink()
        if mark:
            (aside / "swapping").write_text(mark)
    shutil.rmtree(project / "site")
    result = run_cli("site", "--strict", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "Put back" not in result.stdout
    assert (project / "site" / "index.html").is_file()
    # The half-removed copy is gone; the one that `--site-dir public` may need is kept for it.
    assert settled(project, ".site-old-*", keep=(".site-old-other",)) == [".site-old-other"]


def test_folders_linked_into_docs_are_checked_as_mkdocs_reads_them(built, tmp_path):
    project = Path(tmp_path / "p")
    subprocess.run(["cp", "-a", str(built), str(project)], check=True)
    secret = tmp_path / "token.txt"
    secret.write_text("ghp_SECRET\\n")
    (project / "extra").mkdir()
    (project / "extra" / "note.md").write_text("# A note\\n")
    (project / "extra" / "passwd.txt").symlink_to(secret)
    (project / "docs" / "extra").symlink_to(project / "extra")  # a folder inside the repository
    (project / "docs" / "up").symlink_to(project)  # the whole repository, .git included: a loop
    before = tree(project / "site")
    result = run_cli("site", "--strict", cwd=project)
    assert result.returncode == 1
    assert result.stderr.splitlines()[:2] == [
        "docs/extra/passwd.txt: a symbolic link to outside the repository; the site publishes only files inside it",
        "docs/up: a link to a folder that holds it, or read already (a loop)",
    ]
    assert "SECRET" not in result.stderr and tree(project / "site") == before
    # Without them, the linked folder is read, and an edit in it is built again.
    (project / "extra" / "passwd.txt").unlink()
    (project / "docs" / "up").unlink()
    assert run_cli("site", "--strict", cwd=project).returncode == 0
    assert "A note" in (project / "site" / "extra" / "note" / "index.html").read_text()
    (project / "extra" / "note.md").write_text("# A note, edited\\n")
    assert run_cli("site", "--strict", cwd=project).returncode == 0
    assert "A note, edited" in (project / "site" / "extra" / "note" / "index.html").read_text()


def test_a_data_folder_linked_to_outside_data_is_refused(built, tmp_path):
    project = Path(tmp_path / "p")
    subprocess.run(["cp", "-a", str(built), str(project)], check=True)
    shutil.move(project / "data" / "topics", tmp_path / "topics")
    (project / "data" / "topics").symlink_to(tmp_path / "topics")
    result = run_cli("check", "--data", "data", cwd=project)
    assert result.returncode == 1
    assert (
        "data/topics: it is a symbolic link to outside the data folder; only files inside it are read"
        in result.stderr.splitlines()
    )


def test_a_build_into_another_docs_folder_waits_for_a_site_of_the_same_data(built, tmp_path):
    """The lock is taken beside data/ too: its calendar history and cache are written by both."""
    project = Path(tmp_path / "p")
    subprocess.run(["cp", "-a", str(built), str(project)], check=True)
    record = project / "data" / "topics" / "hooks-in-mm.yaml"
    record.write_text(record.read_text().replace('start: "09:30"', 'start: "10:00"'))
    other = tmp_path / "other" / "docs"
    other.mkdir(parents=True)
    runs = [
        _site_process(project, "site", "--strict"),
        _site_process(project, "build", "--strict", "--out", str(other)),
    ]
    results = [(p.wait(timeout=300), p.communicate()[1]) for p in runs]
    assert [rc for rc, _ in results] == [0, 0], results


def test_a_full_disk_mid_build_still_says_the_site_was_put_back(built, tmp_path, monkeypatch):
    """An error of the machine (here ENOSPC while the pages are written) ends the build like
    any other: the site a killed swap left aside is back, and the output says so first."""
    import errno

    from generator.builder import write

    project = Path(tmp_path / "p")
    subprocess.run(["cp", "-a", str(built), str(project)], check=True)
    before = tree(project / "site")
    aside = project / ".site-old-killed"
    aside.mkdir()
    (aside / "swapping").write_text(f"{project / 'site'}\n")
    os.replace(project / "site", aside / "site")
    record = project / "data" / "topics" / "later-topic.yaml"
    record.write_text(record.read_text().replace("title: A later topic", "title: A later topic, v2"))

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(write, "write_new", full)  # each page, staged as it is made
    result = run_cli("site", "--strict", cwd=project)
    assert result.returncode == 1
    assert result.stdout.startswith("Put back site/ from .site-old-killed/, where a killed build left it.\n")
    assert result.stderr == (
        "Error: no space left on the disk of a folder it writes: free some space there, then build again; "
        "site/ was left as it was.\n"
    )
    assert tree(project / "site") == before
