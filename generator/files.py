"""Files on disk, the ground every stage stands on: the one atomic write (a temporary file
renamed into place), writes only when content changed, the record files that import-mbox and
`new` create or extend under data/ (each checked to hold still what it held when read), and the
build lock.

- A new record file never replaces an existing one; a question is added to questions.yaml only
  if the file is still what it was when the stub was planned.
- No path may leave the folder it is written into (`inside`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from generator import layout
from generator.errors import WriteError


def under(rel: str, places: tuple[str, ...]) -> bool:
    """Whether `rel` is one of `places` or inside one of its folders (ending in /)."""
    return any(rel == p or (p.endswith("/") and rel.startswith(p)) for p in places)


def inside(root: str, rel: str) -> str:
    full = os.path.realpath(os.path.join(root, rel))
    if os.path.isabs(rel) or not full.startswith(os.path.realpath(root) + os.sep):
        raise WriteError(f"refusing to write outside {root}: {rel}")
    return full


def same(full: str, data: bytes) -> bool:
    """Whether the file holds exactly `data` (read only when the sizes agree)."""
    try:
        with open(full, "rb") as fh:
            return os.fstat(fh.fileno()).st_size == len(data) and fh.read() == data
    except FileNotFoundError:
        return False


def write_new(path: str, data: bytes | Callable[[BinaryIO], object]) -> None:
    """A new file (never one that exists) holding `data`, or what `data(fh)` writes into it."""
    umask = os.umask(0)
    os.umask(umask)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 & ~umask)
    with naming(path), os.fdopen(fd, "wb") as fh:
        if callable(data):
            data(fh)  # streamed: a large pickle is never held in memory twice
        else:
            fh.write(data)


@contextlib.contextmanager
def naming(path: str) -> Iterator[None]:
    """An error of the system while `path` is written names it: a write to a full disk says
    only "No space left on device"."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None:
            exc.filename = path
        raise


# What the system says of a folder that cannot be written, and what to do.
NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
READ_ONLY = (errno.EROFS,)
DENIED = (errno.EACCES, errno.EPERM)
OF_THE_DISK = NO_SPACE + READ_ONLY + DENIED


def disk_error(exc: OSError, folders: dict[str, str], kept: str = "", elsewhere: bool = True) -> WriteError:
    """An error of the system (a full disk, a read-only or forbidden folder) as one line that
    says what to free or fix: the file it happened to, the folder of `folders` (shown name by
    path) that holds it, and `kept` (what was left as it was) at the end. `elsewhere`: building
    into another folder is a way out (not for the records of data/)."""
    other = ", or build into another folder" if elsewhere else ""
    target = exc.filename2 if exc.filename2 is not None else exc.filename  # a copy or rename: where to
    path = os.path.abspath(os.fsdecode(target)) if target is not None else ""
    holders = {os.path.abspath(f): name for f, name in folders.items()}
    holder = max((f for f in holders if path and layout.within(path, f)), key=len, default="")
    folder = holders.get(holder) or (layout.display_path(os.path.dirname(path)) + "/" if path else "a folder it writes")
    at = f" (writing {layout.display_path(path)})" if path else ""  # a full or read-only disk: a write
    if exc.errno in NO_SPACE:
        full = "no space left" if exc.errno == errno.ENOSPC else "the disk quota is used up"
        what = f"{full} on the disk of {folder}{at}: free some space there, then build again"
    elif exc.errno in READ_ONLY:
        what = f"{folder} is on a read-only file system{at}: make it writable{other}"
    elif exc.errno in DENIED:  # a read as well
        seen = f" ({layout.display_path(path)})" if path else ""
        what = f"permission denied in {folder}{seen}: give this user access to it{other}"
    else:
        what = f"{exc.strerror or exc}{at}"
    return WriteError(what + (f"; {kept}" if kept else "") + ".")


def atomic_write(full: str, data: bytes | Callable[[BinaryIO], object]) -> None:
    """Write `data` (or what `data(fh)` writes) to a temporary file beside `full`, then rename
    it into place: a reader (or a kill) sees the old file or the new one whole, never a part.
    The one way files are replaced here: pages, exports, briefs, schemas and the cache."""
    folder = os.path.dirname(full) or "."
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, f".tmp-{os.getpid()}-{os.path.basename(full)}")
    try:
        write_new(tmp, data)
        os.replace(tmp, full)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_if_changed(full: str, data: bytes) -> bool:
    """Write atomically unless the file already holds data."""
    if same(full, data):
        return False
    atomic_write(full, data)
    return True


def create_file(path: str, text: str) -> None:
    """Write a new file (a record stub); never replace one that exists."""
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise WriteError(f"{folder}: no such folder")
    try:
        write_new(path, text.encode("utf-8"))
    except FileExistsError:
        raise WriteError(f"{path} already exists; it was left as it was") from None


def replace_text(path: str, old: str, new: str) -> None:
    """Replace a file's text atomically, only if it still holds `old` (no lost edits)."""
    try:
        with open(path, "rb") as fh:
            current = fh.read()
    except OSError as exc:
        raise WriteError(f"{path}: cannot read it: {exc.strerror}") from None
    if current != old.encode("utf-8"):
        raise WriteError(f"{path} changed while the stub was being added; nothing was written, try again")
    write_if_changed(path, new.encode("utf-8"))


def read_current(paths: list[str]) -> dict[str, bytes | None]:
    """What the files hold now (None: absent), to extend them and to check before writing."""
    out: dict[str, bytes | None] = {}
    for path in paths:
        try:
            with open(path, "rb") as fh:
                out[path] = fh.read()
        except FileNotFoundError:
            out[path] = None
    return out


def write_data(
    data_dir: str,
    files: dict[str, bytes],
    expected: dict[str, bytes | None],
    places: tuple[str, ...] = layout.IMPORT_PLACES,
) -> list[str]:
    """Write files under data_dir: only those in `places` (import-mbox: people.yaml and
    threads/*.yaml; the build: the calendar history). Each file must
    still hold what it held when it was read (`expected`; None: it did not exist), else nothing
    is written: a file someone saved in the meantime is never overwritten. Every file is staged
    first, then renamed into place; a new file never replaces one that appeared meanwhile."""
    for path in sorted(files):
        rel = os.path.relpath(path, data_dir).replace(os.sep, "/")
        if rel.startswith("../") or not under(rel, places):
            raise WriteError(f"refusing to write {path}: only {', '.join(places)} may be written in {data_dir}")
        inside(data_dir, rel)
    now = read_current(sorted(files))
    for path in sorted(files):
        if now[path] != expected.get(path):
            raise WriteError(f"{path} changed while it was being written; nothing was written (run it again)")
    staged: list[tuple[str, str]] = []
    try:
        try:
            for path in sorted(files):
                folder = os.path.dirname(path) or "."
                os.makedirs(folder, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=folder, prefix=".lsfmm-write-")
                staged.append((tmp, path))
                with naming(tmp), os.fdopen(fd, "wb") as fh:
                    fh.write(files[path])
                if now[path] is not None:
                    os.chmod(tmp, os.stat(path).st_mode & 0o7777)
                else:
                    umask = os.umask(0)
                    os.umask(umask)
                    os.chmod(tmp, 0o666 & ~umask)
        except OSError as exc:  # staging: nothing is in place yet, and nothing will be
            exc.staging = True  # type: ignore[attr-defined]
            raise
        for tmp, path in staged:
            if now[path] is None:
                os.link(tmp, path)  # fails if the file appeared meanwhile
                os.unlink(tmp)
            else:
                os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return sorted(files)


def write_records(
    data_dir: str, files: dict[str, bytes], expected: dict[str, bytes | None], places: tuple[str, ...]
) -> list[str]:
    """`write_data` for the commands that add records (import-mbox, intake, release): a full
    or read-only disk, or a denied folder, met while the files are staged (where it is met:
    renaming in the same folder takes no space) is one line naming the folder, and says that
    nothing was written."""
    try:
        return write_data(data_dir, files, expected, places)
    except OSError as exc:
        if exc.errno not in OF_THE_DISK or not getattr(exc, "staging", False):
            raise
        folders = {data_dir: f"{layout.display_path(data_dir)}/"}
        raise disk_error(exc, folders, "nothing was written", elsewhere=False) from None


# ---------------------------------------------------------------------------------- site/


@contextlib.contextmanager
def build_lock(*folders: str) -> Iterator[None]:
    """One build at a time over the same files: `build`, `site`, `clean` and each rebuild of
    `serve` hold an exclusive lock on .lsfmm-build.lock beside each folder they write (docs/,
    and data/ for its calendar history and cache), taken in the order of their paths. A second
    one waits, saying so.

    The lock is the system's, held by the build's own process only: an fcntl record lock, which
    the system releases when that process ends (a kill included) and which a forked child (a
    page renderer) never holds, so it is never stale. The file names the process while it holds
    the lock and is emptied when it lets go: a build that finds a name there took over from one
    that was killed, and says whose it was. Record locks belong to a process, not to a thread:
    a lock per path in this process keeps two threads (serve's) apart as well."""
    roots = {os.path.realpath(p): p for p in sorted({os.path.dirname(os.path.abspath(f)) for f in folders})}
    with contextlib.ExitStack() as stack:
        for real in sorted(roots):  # one lock per folder, however it is named
            stack.enter_context(_lock(roots[real]))
        yield


_LOCAL: dict[str, threading.Lock] = {}  # by lock file: this process's own holder of it
_LOCAL_GUARD = threading.Lock()


@contextlib.contextmanager
def _lock(root: str) -> Iterator[None]:
    path = os.path.join(root, layout.LOCK)
    with _LOCAL_GUARD:
        local = _LOCAL.setdefault(os.path.realpath(path), threading.Lock())
    if not local.acquire(blocking=False):
        _waiting(root, str(os.getpid()))
        local.acquire()
    try:
        try:
            # Never closed by anything else while held: closing any descriptor of the file
            # would release a record lock. Only this function opens it.
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            if exc.errno in READ_ONLY:  # no build writes there (a read-only data/'s folder): none to wait for
                yield
                return
            raise WriteError(f"{path}: cannot open the build lock ({exc.strerror or exc})") from None
        try:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EACCES, errno.EAGAIN):
                    raise
                _waiting(root, _holder(fd) or "?")
                fcntl.lockf(fd, fcntl.LOCK_EX)
            left = _holder(fd)
            if left:
                print(
                    f"The build lock in {root} was left by process {left}, which ended without releasing it "
                    "(killed?); going on.",
                    file=sys.stderr,
                    flush=True,
                )
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            try:
                yield
            finally:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, 0)  # let go of in order: nobody to name
        finally:
            os.close(fd)  # releases the record lock
    finally:
        local.release()


def _waiting(root: str, holder: str) -> None:
    print(f"Waiting for another build in {root} (process {holder}) to finish...", file=sys.stderr, flush=True)


def _holder(fd: int) -> str:
    """The process the lock file names ('' when none)."""
    return os.pread(fd, 40, 0).decode("ascii", "replace").strip()


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
