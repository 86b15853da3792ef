"""The PDF briefs in a built site: written into site/briefs/ with their manifest (which
topic's brief each is, and the hash of the brief it was made from), read back, and carried
from the old site into a fresh one."""

from __future__ import annotations

import json
import os

from generator import layout
from generator.errors import WriteError
from generator.files import WriteReport, inside, write_if_changed


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
        write_if_changed(inside(site_dir, f"{layout.BRIEFS}/{layout.BRIEF_MANIFEST}"), text.encode())
    for name in sorted(files):
        if write_if_changed(inside(site_dir, f"{layout.BRIEFS}/{name}"), files[name]):
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
