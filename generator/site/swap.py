"""The swap: the site is built into a fresh folder beside site/ and replaces it with renames
only, so a failed or killed build leaves the previous site whole; a copy a killed swap left is
put back first. The old site is then deleted in the background, by a process of its own that
outlives the build: an edit never waits for thousands of files to be unlinked (0.2 s on a quiet
disk, 4-6 s on a busy one), and what a kill leaves of it the next build hands over the same way."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable

from generator import layout

SWAP_MARK = "swapping"  # in .site-old-*: the site folder whose swap is under way


def recover_site(site_dir: str) -> str | None:
    """Put back the site a killed swap left in .site-old-*/site when site/ is missing; returns
    the folder it came from. Only a copy whose swap never finished counts: its folder holds
    SWAP_MARK naming this very site folder (written before the first rename, deleted before
    the copy is removed), so a half-removed old site or another site folder's copy is never
    put back. Run first, under the build lock."""
    if os.path.lexists(site_dir):
        return None
    parent = os.path.dirname(os.path.abspath(site_dir))
    kept = []
    for folder in glob.glob(os.path.join(parent, layout.SITE_OLD + "*")):
        try:
            with open(os.path.join(folder, SWAP_MARK), encoding="utf-8") as fh:
                named = fh.read().strip()
        except OSError:
            continue
        if named == os.path.abspath(site_dir) and os.path.isdir(os.path.join(folder, "site")):
            kept.append(folder)
    if not kept:
        return None
    newest = max(kept, key=lambda p: os.stat(os.path.join(p, "site")).st_mtime_ns)
    os.replace(os.path.join(newest, "site"), site_dir)
    shutil.rmtree(newest, ignore_errors=True)
    return newest


def fresh_site_folder(site_dir: str) -> str:
    """A new empty folder beside `site_dir` for MkDocs to build into, readable by a web server;
    first removes what builds that were killed left there."""
    parent = os.path.dirname(os.path.abspath(site_dir))
    recover_site(site_dir)  # never remove the only copy of the site
    remove_later(
        leftover
        for leftover in glob.glob(os.path.join(parent, layout.SITE_NEW + "*"))
        + glob.glob(os.path.join(parent, layout.SITE_OLD + "*"))
        if os.path.lexists(site_dir) or not os.path.isfile(os.path.join(leftover, SWAP_MARK))
    )
    fresh = tempfile.mkdtemp(prefix=layout.SITE_NEW, dir=parent)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(fresh, 0o777 & ~umask)  # mkdtemp makes 0700; the site is for a web server to read
    return fresh


def swap_site(fresh: str, site_dir: str) -> None:
    """Put the built site in place of `site_dir` with renames only: a kill at any moment leaves
    either the old or the new site whole, or, between the two renames, the old one in
    .site-old-*/site, which the next run puts back first (`recover_site`). The old site is
    then removed in the background (`remove_later`): the swap never waits for it."""
    parent = os.path.dirname(os.path.abspath(site_dir))
    old = None
    if os.path.exists(site_dir):
        old = tempfile.mkdtemp(prefix=layout.SITE_OLD, dir=parent)
        with open(os.path.join(old, SWAP_MARK), "w", encoding="utf-8") as fh:
            fh.write(os.path.abspath(site_dir) + "\n")
        os.replace(site_dir, os.path.join(old, "site"))
    os.replace(fresh, site_dir)
    if old:
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(old, SWAP_MARK))  # the swap is done: this copy is no longer one to put back
        remove_later([old])


def remove_later(folders: Iterable[str]) -> None:
    """Delete folders in the background: `rm -rf` in a session of its own, started by a shell
    that returns at once, so nobody waits for it (not this process, not `make`, not a test
    reading this one's output) and no signal to the build stops it halfway. The folders are
    beside site/ (.site-old-*, .site-new-*), where neither MkDocs nor serve looks; what is left
    of one when the machine stops, the next build hands over again. Without a shell, they are
    deleted here."""
    folders = [os.path.abspath(f) for f in folders]
    if not folders:
        return
    try:
        subprocess.run(
            ["sh", "-c", 'rm -rf -- "$@" &', "sh", *folders],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            check=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)


def discard(folder: str) -> None:
    """Remove a fresh site folder that will not be swapped in."""
    if os.path.exists(folder):
        shutil.rmtree(folder, ignore_errors=True)
