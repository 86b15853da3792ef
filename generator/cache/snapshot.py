"""What a folder holds, as cheaply as it can be told: each file's time and size, and, for a
file changed so recently that its time cannot be trusted, its content too.

A file system keeps a file's time to some resolution (a nanosecond on ext4 with large inodes,
a second on ext4 with 128-byte inodes, HFS+ and many container mounts, two on FAT). Two edits
of the same size within one tick leave time and size alike: a file whose time is that close to
the moment it was looked at is "racily clean", as git calls it, and is compared by content
(git's Documentation/technical/racy-git.adoc). Here: a file changed less than RACY_NS before the
snapshot was taken keeps the SHA-256 of its content beside its time and size, and `same`
compares that content again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Callable
from stat import S_ISREG

from generator import layout

RACY_NS = 2_000_000_000  # FAT's two seconds: the coarsest clock a project folder may sit on
BROKEN = -1  # the size of an entry that cannot be read through (a dangling link, a link loop)
Stat = tuple  # (mtime_ns, size) or (mtime_ns, size, sha256 hex) for a racily clean file


def stat(path: str) -> Stat | None:
    """A file's time and size (and content, when racily clean), or None."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return _stamp(path, st, time.time_ns() - RACY_NS)


def _stamp(path: str, st: os.stat_result, racy_from: int) -> Stat:
    if st.st_mtime_ns < racy_from or not S_ISREG(st.st_mode):  # a FIFO is never opened
        return (st.st_mtime_ns, st.st_size)
    digest = _sha(path)
    return (st.st_mtime_ns, st.st_size) if digest is None else (st.st_mtime_ns, st.st_size, digest)


def _sha(path: str) -> str | None:
    try:
        with open(path, "rb", opener=lambda p, flags: os.open(p, flags | os.O_NONBLOCK)) as fh:
            return hashlib.sha256(fh.read()).hexdigest()
    except OSError:
        return None


def walk(folder: str, keep: Callable[[str], bool] | None = None) -> dict[str, Stat]:
    """Every file under `folder` ('/'-separated relative paths) with its stamp; `keep(rel)`
    chooses which. Python's own __pycache__ folders are left out; linked folders are followed,
    as MkDocs follows them, once each. A link to nothing (or a loop) is there too, with the
    size BROKEN: its coming, going or mending is a change."""
    found: dict[str, Stat] = {}
    racy_from = time.time_ns() - RACY_NS
    seen = {os.path.realpath(folder)}
    for top, dirs, names in os.walk(folder, followlinks=True):  # as MkDocs reads docs/
        followed = []
        for d in sorted(d for d in dirs if d != "__pycache__"):
            path = os.path.join(top, d)
            if os.path.islink(path):  # a linked folder is read once, and never its own ancestor
                real = os.path.realpath(path)
                if layout.loops(real, seen):
                    continue
                seen.add(real)
            followed.append(d)
        dirs[:] = followed
        rel = os.path.relpath(top, folder).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        for name in names:
            path = prefix + name
            if keep is not None and not keep(path):
                continue
            full = os.path.join(top, name)
            try:
                st = os.stat(full)
            except OSError:  # a link to nothing, or a loop: there, and the build says so
                with contextlib.suppress(OSError):
                    found[path] = (os.lstat(full).st_mtime_ns, BROKEN)
                continue
            found[path] = _stamp(full, st, racy_from)
    return found


def same_file(was: Stat | None, path: str) -> bool:
    """Whether the file at `path` still holds what stamp `was` told (None: it was absent)."""
    try:
        st = os.stat(path)
    except OSError:
        return was is None
    if was is None or tuple(was[:2]) != (st.st_mtime_ns, st.st_size):
        return False
    return len(was) == 2 or _sha(path) == was[2]


def same_files(old: dict[str, Stat], new: dict[str, Stat], folder: str) -> bool:
    """Whether two walks of `folder` tell the same files with the same content: a file kept
    with its content (racily clean then) is compared by content now."""
    if old.keys() != new.keys():
        return False
    for rel, was in old.items():
        now = new[rel]
        if tuple(was[:2]) != tuple(now[:2]):
            return False
        if len(was) == 3 and (now[2] if len(now) == 3 else _sha(os.path.join(folder, rel))) != was[2]:
            return False
    return True
