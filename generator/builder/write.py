"""The write phase: generated pages and exports into docs/, and the JSON Schemas.

- A file is written only when its content changed (so live reload does not loop and a no-op
  build writes nothing); the changed pages are staged first, then renamed into place.
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


def plan_conflicts(out_dir: str, pages: dict[str, str]) -> list[str]:
    """Pages that would overwrite a hand-written file."""
    conflicts = []
    for rel in sorted(pages):
        full = inside(out_dir, rel)
        if os.path.exists(full) and not is_generated(full):
            conflicts.append(rel)
    return conflicts


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
    changed = [rel for rel in sorted(pages) if not same(inside(out_dir, rel), pages[rel].encode("utf-8"))]
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
                write_new(os.path.join(staging, str(n)), pages[rel].encode("utf-8"))
            for n, rel in enumerate(changed):
                full = inside(out_dir, rel)
                os.makedirs(os.path.dirname(full), exist_ok=True)
                os.replace(os.path.join(staging, str(n)), full)
                report.written.append(rel)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    root = os.path.realpath(out_dir)
    for rel in sorted(old - set(pages) - set(keep)):
        full = inside(out_dir, rel)
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
