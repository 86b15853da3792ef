"""What the machine refuses: a read-only data folder builds (the calendar history is said, not
written); a read-only docs/ or a full disk stops the build with one line saying what to fix or
free, and the previous site stays.

Each case runs two ways. "mount": the real thing, in a mount namespace of its own (`unshare -m`,
which needs root or user namespaces; skipped without), a read-only bind mount or a small tmpfs
that vanish with the process: root ignores permission bits, so chmod would prove nothing.
"simulated": in this process, the call at the write edge (tempfile.mkstemp in data/,
tempfile.mkdtemp in docs/, MkDocs' write of a page) raises the OSError the system would give.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import REPO, SCHEDULE, edit, make_project, run_cli, tree

T0 = "1900000000"  # SOURCE_DATE_EPOCH of the first build
T1 = "1900003600"


@functools.cache
def can_mount() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs none /mnt"], capture_output=True, timeout=20, check=False
    )
    return probe.returncode == 0


WAYS = [
    pytest.param("mount", marks=pytest.mark.skipif(not can_mount(), reason="no mount namespace here")),
    "simulated",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("disk"), SCHEDULE)
    result = run_cli("site", "--strict", cwd=project, env={"SOURCE_DATE_EPOCH": T0})
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture
def project(built, tmp_path) -> Path:
    copy = tmp_path / "p"
    subprocess.run(["cp", "-a", str(built), str(copy)], check=True)
    return copy


def in_namespace(project: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m generator ARGS` in `project`, in a mount namespace of its own, after the shell
    `script` (its mounts) ran there."""
    return subprocess.run(
        ["unshare", "-m", "sh", "-ec", script + '\nexec "$@"', "sh", sys.executable, "-m", "generator", *args],
        cwd=project,
        env=dict(os.environ, PYTHONPATH=str(REPO), SOURCE_DATE_EPOCH=T1),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def refusing(monkeypatch, module, name: str, folder: Path, code: int) -> None:
    """`module.name` (mkstemp, mkdtemp) raises OSError(code) for a file in `folder`, as the system
    does for a read-only or full file system."""
    real = getattr(module, name)

    def refuse(*args, **kwargs):
        where = Path(kwargs.get("dir") or ".").resolve()
        if where == folder.resolve() or folder.resolve() in where.parents:
            raise OSError(code, os.strerror(code), str(where / f"{kwargs.get('prefix', '')}x"))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, refuse)


def moved(project: Path) -> None:
    edit(project / "data" / "topics" / "folio-sizes.yaml", 'start: "09:30"', 'start: "10:00"')


@pytest.mark.parametrize("way", WAYS)
def test_a_read_only_data_folder_builds_and_says_what_the_history_would_record(project, way, monkeypatch):
    """Before: "[Errno 30] .../data/.lsfmm-write-XXXX" after docs/ was written, and site/ was not."""
    moved(project)
    data = tree(project / "data")
    if way == "mount":
        result = in_namespace(project, "mount --bind -o ro data data", "site", "--strict")
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", T1)
        refusing(monkeypatch, tempfile, "mkstemp", project / "data", errno.EROFS)
        result = run_cli("site", "--strict", cwd=project)
    assert (result.returncode, result.stderr) == (0, "")
    assert (
        "Not updated: data/calendar-history.yaml, as data/ is read-only; the calendars show a change it does not "
        "record, of 1 session (folio-sizes). Build where data/ can be written and commit the file: until then, a "
        "further change of these sessions may not reach calendar programs.\n"
    ) in result.stdout
    assert tree(project / "data") == data
    calendar = (project / "site" / "topics" / "folio-sizes.ics").read_bytes().decode()
    assert "SEQUENCE:1\r\n" in calendar and "T100000\r\n" in calendar  # the site shows the move
    assert not list((project / "data").glob(".lsfmm-write-*"))


@pytest.mark.parametrize("way", WAYS)
def test_a_read_only_docs_folder_is_one_line_and_the_site_stays(project, way, monkeypatch):
    moved(project)
    before = {name: tree(project / name) for name in ("data", "docs", "site")}
    if way == "mount":
        result = in_namespace(project, "mount --bind -o ro docs docs", "site", "--strict")
    else:
        refusing(monkeypatch, tempfile, "mkdtemp", project / "docs", errno.EROFS)
        result = run_cli("site", "--strict", cwd=project)
    assert (result.returncode, result.stdout) == (1, "")
    assert re.fullmatch(
        r"Error: docs/ is on a read-only file system \(writing docs/\.lsfmm-staging-\w+\): make it writable, or "
        r"build into another folder; site/ was left as it was\.\n",
        result.stderr,
    ), result.stderr
    assert {name: tree(project / name) for name in ("data", "docs", "site")} == before


@pytest.mark.parametrize("way", WAYS)
def test_a_full_disk_is_one_line_and_the_site_stays(project, way, monkeypatch, tmp_path):
    """Before: a raw "[Errno 28] No space left on device". A clean build (--no-cache) copies
    every file into the fresh site: on a disk with a megabyte free, it runs out."""
    before = tree(project / "site")
    if way == "mount":
        disk, out = tmp_path / "disk", tmp_path / "out"
        disk.mkdir()
        out.mkdir()
        size = int(subprocess.run(["du", "-sk", str(project)], capture_output=True, text=True).stdout.split()[0])
        script = (
            f'mount -t tmpfs -o size={size + 1024}k none "{disk}"\n'
            f'cp -a "{project}"/. "{disk}"/\n'
            f'cd "{disk}"\n'
            f'trap \'cp -a site "{out}"/site; ls -a > "{out}"/ls\' EXIT\n'
        )
        build = [sys.executable, "-m", "generator", "site", "--strict", "--no-cache"]
        result = subprocess.run(
            ["unshare", "-m", "sh", "-ec", script + '"$@"', "sh", *build],
            env=dict(os.environ, PYTHONPATH=str(REPO)),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        site, left = tree(out / "site"), (out / "ls").read_text().split()
    else:
        from mkdocs import utils

        def full(content: bytes, output_path: str) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # a write says no more than that

        monkeypatch.setattr(utils, "write_file", full)
        result = run_cli("site", "--strict", "--no-cache", cwd=project)
        site, left = tree(project / "site"), os.listdir(project)
    assert (result.returncode, result.stdout) == (1, "")
    assert re.fullmatch(
        r"Error: no space left on the disk of \./, where site/ is built \(writing \.site-new-\w+(/\S*)?\): free some "
        r"space there, then build again; site/ was left as it was\.\n",
        result.stderr,
    ), result.stderr
    assert site == before
    assert not [name for name in left if name.startswith(".site-")]


@pytest.mark.skipif(not can_mount(), reason="no mount namespace here")
def test_a_data_folder_inside_a_read_only_folder_builds_without_its_lock(project, tmp_path):
    """The lock beside data/ cannot be made on a read-only file system, where no build writes:
    it is not needed (before: "cannot open the build lock (Read-only file system)")."""
    shutil.move(project / "data", tmp_path / "ro" / "data")
    moved(tmp_path / "ro")
    ro = tmp_path / "ro"
    result = in_namespace(project, f'mount --bind -o ro "{ro}" "{ro}"', "site", "--strict", "--data", str(ro / "data"))
    assert result.returncode == 0, result.stderr
    assert "Not updated: " in result.stdout and not (ro / ".lsfmm-build.lock").exists()


@pytest.mark.parametrize(
    ("exc", "line"),
    [
        (
            OSError(errno.EDQUOT, "Disk quota exceeded", "data/.lsfmm-write-x"),
            "the disk quota is used up on the disk of data/ (writing data/.lsfmm-write-x): free some space there, "
            "then build again; site/ was left as it was.",
        ),
        (
            PermissionError(errno.EACCES, "Permission denied", "docs/topics/x.md"),  # a read, or a write
            "permission denied in docs/ (docs/topics/x.md): give this user access to it, or build into another "
            "folder; site/ was left as it was.",
        ),
        (
            OSError(errno.ENOSPC, "No space left on device", "docs/assets/a.css", None, ".site-new-x/assets/a.css"),
            "no space left on the disk of ./, where site/ is built (writing .site-new-x/assets/a.css): free some "
            "space there, then build again; site/ was left as it was.",
        ),  # a copy names where to, second
        (
            OSError(errno.EIO, "Input/output error"),
            "Input/output error; site/ was left as it was.",
        ),
    ],
)
def test_each_error_of_the_disk_is_one_line_naming_its_folder(exc, line, tmp_path, monkeypatch):
    from generator.files import disk_error

    monkeypatch.chdir(tmp_path)
    folders = {"data": "data/", "docs": "docs/", ".": "./, where site/ is built", "site": "site/"}
    assert disk_error(exc, folders, "site/ was left as it was").lines() == [f"Error: {line}"]
