"""The load phase: every data file of the layout read as bytes (regular files inside the data
folder only), what is wrong with the folders themselves, and the calendar history. I/O only:
parsing is the records' job."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from generator import layout
from generator.errors import Problems, UsageError
from generator.exports import history
from generator.records import yamlload
from generator.records.model import DataFile


@dataclass
class Loaded:
    """Every data file as read, what is wrong with the folders themselves, and what the
    calendars have published (data/calendar-history.yaml, written by the build)."""

    data_dir: str  # as messages show it
    files: list[DataFile]
    problems: Problems = field(default_factory=Problems)
    history: history.Read = field(default_factory=lambda: history.Read({}, None))


def load(data_dir: str, overlay: dict[str, bytes] | None = None) -> Loaded:
    """Read every data file of the layout. `overlay` maps paths to the content they are about
    to get (import-mbox checks the data as it will be before writing anything); a path in it is
    read from there, not from disk."""
    overlay = overlay or {}
    out = Loaded(layout.display_path(data_dir), [])
    old_event = os.path.join(data_dir, layout.OLD_EVENT_FILE)
    if os.path.isfile(old_event):
        out.problems.error(layout.display_path(old_event), 0, _moved_event(old_event, data_dir))
    real_data = os.path.realpath(data_dir)
    for place in layout.DATA_PLACES:
        where = os.path.join(data_dir, place.path)
        if place.folder and os.path.islink(where) and not layout.within(os.path.realpath(where), real_data):
            out.problems.error(
                layout.display_path(where),
                0,
                "it is a symbolic link to outside the data folder; only files inside it are read",
            )
            continue
        if not place.folder:
            paths = [] if place.optional and where not in overlay and not os.path.lexists(where) else [where]
        elif not os.path.isdir(where) and not (place.optional and any(os.path.dirname(p) == where for p in overlay)):
            if place.optional and not os.path.lexists(where):
                continue  # a folder a data set may leave out
            if not (place.kind == "event" and os.path.isfile(old_event)):  # said above
                out.problems.error(layout.display_path(where), 0, f"missing folder; it holds one file per {place.kind}")
            continue
        else:
            paths = []
            added = {os.path.basename(p) for p in overlay if os.path.dirname(p) == where}
            for entry in sorted(set(os.listdir(where) if os.path.isdir(where) else ()) | added):
                full = os.path.join(where, entry)
                if entry.startswith(".") or layout.editor_file(entry) or (full not in overlay and os.path.isdir(full)):
                    continue
                if not entry.endswith(layout.RECORD_SUFFIX):
                    shown = layout.display_path(full)
                    out.problems.error(shown, 0, f"unexpected file here; {place.kind} files end in .yaml")
                    continue
                paths.append(full)
            if place.kind == "event" and not paths and not os.path.isfile(old_event):  # else said above
                shown = layout.display_path(where)
                out.problems.error(shown, 0, "no event here: start one with `python -m generator new event ID`")
        folder = layout.display_path(where if place.folder else data_dir)  # once per folder: relpath is slow
        for path in paths:
            shown = os.path.normpath(os.path.join(folder, os.path.basename(path)))
            read: yamlload.FileBytes | None
            if path in overlay:
                read = yamlload.FileBytes(overlay[path], "", len(overlay[path]))
            elif not os.path.lexists(path):  # a link to nothing, or a loop, is there: read says which
                read = None
            else:
                read = yamlload.read_bytes(path, inside=data_dir)
            out.files.append(DataFile(path, shown, place, read))
    out.history = history.read(data_dir, out.problems)
    return out


def _moved_event(path: str, data_dir: str) -> str:
    """What to do with the one event file of a data set made before there could be several."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            found = re.search(r"^id:\s*[\"']?([a-z0-9-]+)", fh.read(65536), re.M)
    except OSError:
        found = None
    name = f"{found.group(1)}.yaml" if found else "<its id>.yaml"
    folder = layout.display_path(os.path.join(data_dir, "events"))
    if os.path.exists(os.path.join(data_dir, "events", name)):
        return f"events now live in {folder}/, one file per event, and {folder}/{name} is there: delete this file"
    return (
        f"events now live in {folder}/, one file per event: move this file there as {name} "
        f"(mkdir -p {folder} && mv {layout.display_path(path)} {folder}/{name})"
    )


def data_folder(data_dir: str) -> str:
    if not os.path.isdir(data_dir):
        raise UsageError(f"no data folder at {data_dir!r}")
    return data_dir
