"""Every file the user sees is written here: the generated pages and exports under docs/, the
JSON Schemas, the built site swapped into site/ and its PDF briefs, the new-record stubs of
`python -m generator new`, and the record files that import-mbox creates or extends under
data/. (The incremental layer writes its own cache under .lsfmm-cache/; MkDocs writes the site
into the fresh folder this module swaps in.)

- A file is written only when its content changed (so live reload does not loop and a no-op
  build writes nothing); each write goes to a temporary file that is renamed into place.
- Generated files live only in the places the generator owns (`layout.GENERATED_PLACES`) and
  carry a marker: pages a line in a closed front matter block, calendars their PRODID, data.json
  its first key. A file without it is never overwritten or deleted, and nothing outside those
  places is ever deleted.
- A generated file whose record is gone (or whose session lost its slot) is deleted.
- No path may leave the output folder.
- The site is built into a fresh folder and swapped in whole.
- A new record file never replaces an existing one; a question is added to questions.yaml only
  if the file is still what it was when the stub was planned.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from generator import layout
from generator.errors import WriteError


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def is_generated(path: str) -> bool:
    """True for a file the generator wrote: a page whose front matter (closed by '---') has the
    marker line, a calendar with the generator's PRODID, a data.json whose first key names it."""
    if not path.endswith(layout.GENERATED_SUFFIXES):
        return False
    try:
        with open(path, encoding="utf-8", errors="replace", newline="") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    if path.endswith(".ics"):
        return head.startswith("BEGIN:VCALENDAR\r\n") and layout.ICS_MARK in head
    if path.endswith(".json"):
        return head.startswith(layout.JSON_MARK)
    head = head.replace("\r\n", "\n").replace("\r", "\n")
    if not head.startswith("---\n") or "\n---\n" not in head[3:]:
        return False
    front = head[4 : head.index("\n---\n", 3)]
    return layout.MARK in front.split("\n")


def _owned(rel: str) -> bool:
    return _under(rel, layout.GENERATED_PLACES)


def _under(rel: str, places: tuple[str, ...]) -> bool:
    """Whether `rel` is one of `places` or inside one of its folders (ending in /)."""
    return any(rel == p or (p.endswith("/") and rel.startswith(p)) for p in places)


def _inside(root: str, rel: str) -> str:
    full = os.path.realpath(os.path.join(root, rel))
    if os.path.isabs(rel) or not full.startswith(os.path.realpath(root) + os.sep):
        raise WriteError(f"refusing to write outside {root}: {rel}")
    return full


def existing_generated(out_dir: str, known: set[str] | frozenset[str] = frozenset()) -> set[str]:
    """Generated pages now on disk, looked for only in the generator's own places. Files in
    `known` (pages the caller writes or keeps anyway) are not opened and not returned."""
    found = set()
    for place in layout.GENERATED_PLACES:
        full = os.path.join(out_dir, place)
        if not place.endswith("/"):
            if place not in known and os.path.isfile(full) and is_generated(full):
                found.add(place)
            continue
        for top, dirs, files in os.walk(full):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            prefix = os.path.relpath(top, out_dir).replace(os.sep, "/") + "/"
            for name in files:
                rel = prefix + name
                if rel not in known and is_generated(os.path.join(top, name)):
                    found.add(rel)
    return found


def plan_conflicts(out_dir: str, pages: dict[str, str]) -> list[str]:
    """Pages that would overwrite a hand-written file."""
    conflicts = []
    for rel in sorted(pages):
        full = _inside(out_dir, rel)
        if os.path.exists(full) and not is_generated(full):
            conflicts.append(rel)
    return conflicts


def _same(full: str, data: bytes) -> bool:
    try:
        with open(full, "rb") as fh:
            return fh.read() == data
    except FileNotFoundError:
        return False


def _write_new(path: str, data: bytes) -> None:
    umask = os.umask(0)
    os.umask(umask)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 & ~umask)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def write_if_changed(full: str, data: bytes) -> bool:
    """Write atomically (temporary file, then rename) unless the file already holds data."""
    if _same(full, data):
        return False
    folder = os.path.dirname(full)
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, f".tmp-{os.getpid()}-{os.path.basename(full)}")
    try:
        _write_new(tmp, data)
        os.replace(tmp, full)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return True


def write_pages(out_dir: str, pages: dict[str, str], keep: set[str] | frozenset[str] = frozenset()) -> WriteReport:
    """Write `pages`; generated pages on disk that are neither in `pages` nor in `keep` (pages
    known to be current as they are) belong to removed records and are deleted."""
    report = WriteReport()
    for rel in pages:
        if not _owned(rel):
            places = ", ".join(layout.GENERATED_PLACES)
            raise WriteError(f"refusing to write {rel}: not one of the generated places {places}")
    conflicts = plan_conflicts(out_dir, pages)
    if conflicts:
        raise WriteError(
            f"{os.path.join(out_dir, conflicts[0])}: a hand-written file is in the way of a generated page; "
            f"move it elsewhere (generated pages: {', '.join(layout.GENERATED_PLACES)})"
        )
    old = existing_generated(out_dir, set(pages) | set(keep)) if os.path.isdir(out_dir) else set()
    changed = [rel for rel in sorted(pages) if not _same(_inside(out_dir, rel), pages[rel].encode("utf-8"))]
    fresh = set(changed)
    report.unchanged = sorted({rel for rel in pages if rel not in fresh} | set(keep))
    if changed:
        # Stage every changed page first: a failure or kill while rendering output to disk
        # leaves docs/ as it was; only then move the pages into place (renames, no copying).
        os.makedirs(out_dir, exist_ok=True)
        for leftover in glob.glob(os.path.join(out_dir, layout.STAGING + "*")):
            shutil.rmtree(leftover, ignore_errors=True)  # from a build that was killed
        staging = tempfile.mkdtemp(dir=out_dir, prefix=layout.STAGING)
        try:
            for n, rel in enumerate(changed):
                _write_new(os.path.join(staging, str(n)), pages[rel].encode("utf-8"))
            for n, rel in enumerate(changed):
                full = _inside(out_dir, rel)
                os.makedirs(os.path.dirname(full), exist_ok=True)
                os.replace(os.path.join(staging, str(n)), full)
                report.written.append(rel)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    root = os.path.realpath(out_dir)
    for rel in sorted(old - set(pages) - set(keep)):
        full = _inside(out_dir, rel)
        os.unlink(full)
        report.removed.append(rel)
        parent = os.path.dirname(full)
        if parent != root and not os.listdir(parent):
            os.rmdir(parent)
    return report


def write_files(out_dir: str, files: dict[str, str], check_only: bool = False) -> list[str]:
    """Write plain generated files (the JSON Schemas) into out_dir; return those that changed."""
    changed = []
    for name in sorted(files):
        full = _inside(out_dir, name)
        data = files[name].encode("utf-8")
        if check_only:
            if not _same(full, data):
                changed.append(name)
        elif write_if_changed(full, data):
            changed.append(name)
    return changed


def write_briefs(site_dir: str, files: dict[str, bytes], manifest: dict[str, str] | None = None) -> WriteReport:
    """Write the PDF briefs ({'<topic>.pdf' or '<topic>.letter.pdf': bytes}) into
    <site_dir>/briefs/, the one folder of the site the generator owns, with their manifest
    (topic -> the hash of the brief it was made from); PDFs there that are no longer generated
    are removed. Each file is written atomically, and only when it changed."""
    folder = os.path.join(site_dir, layout.BRIEFS)
    for name in files:
        if not layout.BRIEF_NAME.fullmatch(name):
            raise WriteError(f"refusing to write {name!r} into {folder}: not a brief's file name")
    report = WriteReport()
    if manifest is not None:
        text = json.dumps(dict(sorted(manifest.items())), indent=1) + "\n"
        write_if_changed(_inside(site_dir, f"{layout.BRIEFS}/{layout.BRIEF_MANIFEST}"), text.encode())
    for name in sorted(files):
        if write_if_changed(_inside(site_dir, f"{layout.BRIEFS}/{name}"), files[name]):
            report.written.append(name)
        else:
            report.unchanged.append(name)
    if os.path.isdir(folder):
        for name in sorted(os.listdir(folder)):
            if layout.BRIEF_NAME.fullmatch(name) and name not in files:
                os.unlink(os.path.join(folder, name))
                report.removed.append(name)
    return report


def read_brief_manifest(site_dir: str) -> dict[str, str]:
    """The briefs a built site holds (topic -> the hash of the brief they were made from), or
    none (no site, no briefs, a manifest that is not ours)."""
    try:
        with open(os.path.join(site_dir, layout.BRIEFS, layout.BRIEF_MANIFEST), encoding="utf-8") as fh:
            found = json.load(fh)
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, str) and layout.is_id(k)}


def keep_briefs(site_dir: str, fresh: str, manifest: dict[str, str]) -> None:
    """Copy into a fresh site the briefs of the old one that are still wanted (`manifest`)."""
    files = {}
    for tid in manifest:
        for name in layout.brief_files(tid).values():
            try:
                with open(os.path.join(site_dir, layout.BRIEFS, name), "rb") as fh:
                    files[name] = fh.read()
            except OSError:
                continue
    if files:
        write_briefs(
            fresh, files, {tid: sha for tid, sha in manifest.items() if layout.brief_files(tid)["a4"] in files}
        )


def create_file(path: str, text: str) -> None:
    """Write a new file (a record stub); never replace one that exists."""
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise WriteError(f"{folder}: no such folder")
    try:
        _write_new(path, text.encode("utf-8"))
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
        if rel.startswith("../") or not _under(rel, places):
            raise WriteError(f"refusing to write {path}: only {', '.join(places)} may be written in {data_dir}")
        _inside(data_dir, rel)
    now = read_current(sorted(files))
    for path in sorted(files):
        if now[path] != expected.get(path):
            raise WriteError(f"{path} changed while it was being written; nothing was written (run it again)")
    staged: list[tuple[str, str]] = []
    try:
        for path in sorted(files):
            folder = os.path.dirname(path) or "."
            os.makedirs(folder, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".lsfmm-write-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(files[path])
            if now[path] is not None:
                os.chmod(tmp, os.stat(path).st_mode & 0o7777)
            else:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(tmp, 0o666 & ~umask)
            staged.append((tmp, path))
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


# ---------------------------------------------------------------------------------- site/


@contextlib.contextmanager
def build_lock(*folders: str) -> Iterator[None]:
    """One build at a time over the same files: `build`, `site`, `clean` and each rebuild of
    `serve` hold an exclusive lock on .lsfmm-build.lock beside each folder they write (docs/,
    and data/ for its calendar history and cache), taken in the order of their paths. A second
    one waits, saying so. The lock is the system's (flock): it is released on any exit, a kill
    included, so it is never stale; the file only names the process that last held it."""
    roots = sorted({os.path.dirname(os.path.abspath(f)) for f in folders})
    with contextlib.ExitStack() as stack:
        for root in roots:
            stack.enter_context(_lock(root))
        yield


@contextlib.contextmanager
def _lock(root: str) -> Iterator[None]:
    path = os.path.join(root, layout.LOCK)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise WriteError(f"{path}: cannot open the build lock ({exc.strerror or exc})") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 40, 0).decode("ascii", "replace").strip() or "?"
            print(f"Waiting for another build in {root} (process {holder}) to finish...", file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


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
    for leftover in glob.glob(os.path.join(parent, layout.SITE_NEW + "*")) + glob.glob(
        os.path.join(parent, layout.SITE_OLD + "*")
    ):
        if os.path.lexists(site_dir) or not os.path.isfile(os.path.join(leftover, SWAP_MARK)):
            shutil.rmtree(leftover, ignore_errors=True)
    fresh = tempfile.mkdtemp(prefix=layout.SITE_NEW, dir=parent)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(fresh, 0o777 & ~umask)  # mkdtemp makes 0700; the site is for a web server to read
    return fresh


def swap_site(fresh: str, site_dir: str, remove_old: bool = True) -> str | None:
    """Put the built site in place of `site_dir` with renames only: a kill at any moment leaves
    either the old or the new site whole, or, between the two renames, the old one in
    .site-old-*/site, which the next run puts back first (`recover_site`). Returns the folder
    that holds the old site when it is left for the caller to remove (`remove_old` false)."""
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
    if old and remove_old:
        shutil.rmtree(old, ignore_errors=True)
        return None
    return old


def discard(folder: str) -> None:
    """Remove a fresh site folder that will not be swapped in."""
    if os.path.exists(folder):
        shutil.rmtree(folder, ignore_errors=True)
