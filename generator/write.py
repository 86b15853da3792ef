"""The only module that touches docs/: write the generated pages, nothing else.

- A page is written only when its content changed (so live reload does not loop and a no-op
  build writes nothing); each write goes to a temporary file that is renamed into place.
- Generated pages carry a marker; a file without it is never overwritten or deleted.
- A generated page whose record is gone is deleted.
- No path may leave the output folder.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field

MARK = "generated_by: lsfmm-prep"


class WriteError(Exception):
    pass


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def is_generated(path: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return head.startswith("---\n") and MARK in head.split("\n---\n", 1)[0]


def _inside(root: str, rel: str) -> str:
    full = os.path.realpath(os.path.join(root, rel))
    if os.path.isabs(rel) or not full.startswith(os.path.realpath(root) + os.sep):
        raise WriteError(f"refusing to write outside {root}: {rel}")
    return full


def existing_generated(out_dir: str) -> set[str]:
    found = set()
    for top, dirs, files in os.walk(out_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if name.endswith(".md"):
                full = os.path.join(top, name)
                if is_generated(full):
                    found.add(os.path.relpath(full, out_dir).replace(os.sep, "/"))
    return found


def plan_conflicts(out_dir: str, pages: dict[str, str]) -> list[str]:
    """Pages that would overwrite a hand-written file."""
    conflicts = []
    for rel in sorted(pages):
        full = _inside(out_dir, rel)
        if os.path.exists(full) and not is_generated(full):
            conflicts.append(rel)
    return conflicts


def write_pages(out_dir: str, pages: dict[str, str]) -> WriteReport:
    report = WriteReport()
    conflicts = plan_conflicts(out_dir, pages)
    if conflicts:
        raise WriteError(
            f"{os.path.join(out_dir, conflicts[0])}: a hand-written file is in the way of a generated page; "
            "move it elsewhere (generated pages: index.md, agenda.md, topics/, proposals/, questions/, people/)"
        )
    old = existing_generated(out_dir) if os.path.isdir(out_dir) else set()
    for rel in sorted(pages):
        full = _inside(out_dir, rel)
        data = pages[rel].encode("utf-8")
        try:
            with open(full, "rb") as fh:
                if fh.read() == data:
                    report.unchanged.append(rel)
                    continue
        except FileNotFoundError:
            pass
        os.makedirs(os.path.dirname(full), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(full), prefix=".tmp-", suffix=".md")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, full)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        report.written.append(rel)
    for rel in sorted(old - set(pages)):
        full = _inside(out_dir, rel)
        os.unlink(full)
        report.removed.append(rel)
        parent = os.path.dirname(full)
        if parent != os.path.realpath(out_dir) and not os.listdir(parent):
            os.rmdir(parent)
    return report
