"""The write phase: generated pages and exports into docs/, and the JSON Schemas.

- A file is written only when its content changed (so live reload does not loop and a no-op
  build writes nothing); each changed page is staged as it is made (`PageWriter`: never all
  held in memory at once), and only once all are made are they renamed into place.
- Generated files live only in the places the generator owns (`layout.GENERATED_PLACES`) and
  carry a marker: pages a line in a closed front matter block, calendars their PRODID, data.json
  its first key, the schedules for apps (schedule.xml, schedule.json) the generator they name
  first, a write-up's plain text its first line. A file without it is never overwritten or
  deleted, and nothing outside those places is ever deleted.
- A generated file whose record is gone (or whose session lost its slot) is deleted.
- No path may leave the output folder.
"""

from __future__ import annotations

import errno
import glob
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass

from generator import layout
from generator.errors import WriteError
from generator.exports import history
from generator.files import (
    DENIED,
    READ_ONLY,
    WriteReport,
    inside,
    same,
    under,
    write_data,
    write_if_changed,
    write_new,
)


def is_generated(path: str) -> bool:
    """True for a file the generator wrote: a page whose front matter (closed by '---') has the
    marker line, a calendar with the generator's PRODID, a data.json whose first key names it, a
    schedule for apps that names it as its generator first, a write-up's plain text whose first
    line does."""
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
        return head.startswith((layout.JSON_MARK, layout.SCHEDULE_JSON_MARK))
    if path.endswith(".xml"):
        return head.startswith(layout.SCHEDULE_XML_MARK)
    if path.endswith(".txt"):
        return head.startswith(layout.TEXT_MARK)
    if path.endswith(".atom"):
        return head.startswith("<?xml") and layout.ATOM_MARK in head.split("<entry>", 1)[0]
    head = head.replace("\r\n", "\n").replace("\r", "\n")
    if not head.startswith("---\n") or "\n---\n" not in head[3:]:
        return False
    front = head[4 : head.index("\n---\n", 3)]
    return layout.MARK in front.split("\n")


def _owned(rel: str) -> bool:
    return under(rel, layout.GENERATED_PLACES)


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


class PageWriter:
    """The write phase, streamed: each page or export handed to `add` as it is made is compared
    with its file in docs/ and, when it changed, written at once into a staging folder inside
    docs/ and let go (a summit's pages do not fit in memory at once). `commit` then moves the
    staged files into place (renames, no copying) and deletes the generated pages of removed
    records; a build that fails or is killed before `commit` leaves docs/ as it was: the
    staging folder is removed (`discard`, or by the next build). Used as a context manager, it
    discards what it staged unless committed."""

    def __init__(self, out_dir: str) -> None:
        self.out_dir = out_dir
        self.seen: set[str] = set()  # every path added, changed or not
        self.staged: dict[str, str] = {}  # changed path -> its file in the staging folder
        self.conflicts: list[str] = []  # paths where a hand-written file is in the way
        self.staging: str | None = None

    def __enter__(self) -> PageWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    def add(self, rel: str, text: str | Iterable[str]) -> None:
        """One generated file: staged when it differs from what docs/ holds, else noted. Its
        text is a string, or pieces of it (a file too large to hold whole: each piece is
        written as it comes, and the staged file compared with the one in docs/)."""
        if not _owned(rel):
            places = ", ".join(layout.GENERATED_PLACES)
            raise WriteError(f"refusing to write {rel}: not one of the generated places {places}")
        if rel in self.seen:  # pragma: no cover - a bug: two pages at one path
            raise WriteError(f"refusing to write {rel} twice in one build")
        self.seen.add(rel)
        full = inside(self.out_dir, rel)
        if os.path.exists(full) and not is_generated(full):
            self.conflicts.append(rel)
            return
        if isinstance(text, str):
            data = text.encode("utf-8")
            if same(full, data):
                return
            name = os.path.join(self._staging(), str(len(self.staged)))
            write_new(name, data)
        else:
            name = os.path.join(self._staging(), str(len(self.staged)))
            write_new(name, lambda fh: fh.writelines(piece.encode("utf-8") for piece in text))
            if _same_files(name, full):
                os.unlink(name)
                return
        self.staged[rel] = name

    def _staging(self) -> str:
        if self.staging is None:
            os.makedirs(self.out_dir, exist_ok=True)
            for leftover in glob.glob(os.path.join(self.out_dir, layout.STAGING + "*")):
                shutil.rmtree(leftover, ignore_errors=True)  # from a build that was killed
            self.staging = tempfile.mkdtemp(dir=self.out_dir, prefix=layout.STAGING)
        return self.staging

    def commit(self, keep: set[str] | frozenset[str] = frozenset()) -> WriteReport:
        """Move every staged file into place; delete the generated pages on disk that were
        neither added nor are in `keep` (pages known to be current as they are): those of
        removed records. A hand-written file in the way of any page fails it all, first."""
        if self.conflicts:
            first = sorted(self.conflicts)[0]
            raise WriteError(
                f"{os.path.join(self.out_dir, first)}: a hand-written file is in the way of a generated page; "
                f"move it elsewhere (generated pages: {', '.join(layout.GENERATED_PLACES)})"
            )
        out_dir = self.out_dir
        report = WriteReport()
        old = existing_generated(out_dir, self.seen | set(keep)) if os.path.isdir(out_dir) else set()
        report.unchanged = sorted((self.seen - self.staged.keys()) | set(keep))
        for rel in sorted(self.staged):
            full = inside(out_dir, rel)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            os.replace(self.staged[rel], full)
            report.written.append(rel)
        self.staged.clear()
        self.discard()
        root = os.path.realpath(out_dir)
        for rel in sorted(old - self.seen - set(keep)):
            full = inside(out_dir, rel)
            os.unlink(full)
            report.removed.append(rel)
            parent = os.path.dirname(full)
            if parent != root and not os.listdir(parent):
                os.rmdir(parent)
        return report

    def discard(self) -> None:
        """Remove the staging folder and whatever is still in it."""
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None


def _same_files(a: str, b: str) -> bool:
    """Whether two files hold the same bytes (read a block at a time)."""
    try:
        with open(a, "rb") as fa, open(b, "rb") as fb:
            if os.fstat(fa.fileno()).st_size != os.fstat(fb.fileno()).st_size:
                return False
            while True:
                block = fa.read(1 << 20)
                if block != fb.read(1 << 20):
                    return False
                if not block:
                    return True
    except FileNotFoundError:
        return False


def write_pages(out_dir: str, pages: dict[str, str], keep: set[str] | frozenset[str] = frozenset()) -> WriteReport:
    """Write `pages`; generated pages on disk that are neither in `pages` nor in `keep` (pages
    known to be current as they are) belong to removed records and are deleted."""
    with PageWriter(out_dir) as writer:
        for rel, text in pages.items():
            writer.add(rel, text)
        return writer.commit(keep)


def write_files(out_dir: str, files: dict[str, str], check_only: bool = False) -> list[str]:
    """Write plain generated files (the JSON Schemas) into out_dir; return those that changed."""
    changed = []
    for name in sorted(files):
        full = inside(out_dir, name)
        data = files[name].encode("utf-8")
        if check_only:
            if not same(full, data):
                changed.append(name)
        elif write_if_changed(full, data):
            changed.append(name)
    return changed


@dataclass(frozen=True)
class HistoryWrite:
    """What became of the calendar history: written, or left because the data folder cannot
    be written (`not_written` says so, and what it would have recorded)."""

    written: bool = False
    not_written: str = ""


def write_history(data_dir: str, before: history.Read, after: history.History) -> HistoryWrite:
    """Keep what the calendars now show in data/ (only when it changed; no file while there
    is nothing to keep). A data folder that cannot be written (read-only, a CI cache or a
    mounted volume) is no error: the build goes on, and says what the file would record."""
    if not after and before.raw is None:
        return HistoryWrite()
    text = history.dump(after).encode("utf-8")
    if text == before.raw:
        return HistoryWrite()
    path = os.path.join(data_dir, layout.HISTORY_FILE)
    try:
        write_data(data_dir, {path: text}, {path: before.raw}, places=(layout.HISTORY_FILE,))
    except WriteError:  # it changed since it was read: never overwrite what is not known
        raise WriteError(
            f"{layout.display_path(path)} changed while this build ran (an edit, or another build?), so it was "
            "left as it is; the pages and calendars in the docs folder were written, but the history they "
            "follow was not: build again"
        ) from None
    except OSError as exc:
        if exc.errno not in READ_ONLY + DENIED:
            raise
        return HistoryWrite(not_written=_not_written(data_dir, path, exc, before.history, after))
    return HistoryWrite(written=True)


def _not_written(data_dir: str, path: str, exc: OSError, before: history.History, after: history.History) -> str:
    folder = layout.display_path(data_dir)
    why = "is read-only" if exc.errno == errno.EROFS else f"cannot be written ({exc.strerror})"
    changed = {p.topic for key, p in after.items() if before.get(key) != p}
    sessions = sorted(changed | {before[key].topic for key in before.keys() - after.keys()})
    named = ", ".join(sessions[:5]) + (f" and {len(sessions) - 5} more" if len(sessions) > 5 else "")
    if not sessions:
        return f"Not updated: {layout.display_path(path)}, as {folder}/ {why}; only its layout would change."
    return (
        f"Not updated: {layout.display_path(path)}, as {folder}/ {why}; the calendars show a change it does not "
        f"record, of {len(sessions)} session{'s' * (len(sessions) != 1)} ({named}). Build where {folder}/ can be "
        "written and commit the file: until then, a further change of these sessions may not reach calendar programs."
    )
