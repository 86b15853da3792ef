"""`site` with nothing changed: known before anything is imported, parsed or rendered.

A successful `site --strict` records what it was made from: the time and size of every file
under the data folder and the hand-written files of docs/ as the build found them (so that an
edit made while it ran is seen by the next one), and, as the build left them, every generated
file of docs/, the built site (the time and size of its search index), the configuration, the
generator's own code and templates, the theme overrides, and the versions of Python and of the
packages the pages depend on. When all of that is the same, the next `site --strict` has
nothing to do: every layer would reuse everything and write nothing. Anything else (an edit,
a file touched, added or removed, another package) runs the build, whose own layers then
reuse what they can. Standard library only: this runs before the build's imports.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from typing import Any

from generator import layout

PACKAGES = ("PyYAML", "Jinja2", "Markdown", "nh3", "icalendar", "tzdata", "mkdocs", "mkdocs-material")
VERSION = 1


def _walk(folder: str, keep: Any = None) -> dict[str, list[int]]:
    """Every file under `folder` ('/'-separated relative paths) with its time and size;
    `keep(rel)` chooses which."""
    found: dict[str, list[int]] = {}
    for top, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        rel = os.path.relpath(top, folder).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        for name in names:
            path = prefix + name
            if keep is not None and not keep(path):
                continue
            try:
                st = os.stat(os.path.join(top, name))
            except OSError:
                continue
            found[path] = [st.st_mtime_ns, st.st_size]
    return found


def _generated(rel: str) -> bool:
    top = rel.split("/", 1)[0]
    return any(rel == p or (p.endswith("/") and top + "/" == p) for p in layout.GENERATED_PLACES)


def _stat(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size]


def _versions() -> dict[str, str]:
    from importlib import metadata

    found = {"python": sys.version}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = ""
    return found


class Inputs:
    """What one `site` reads, by its arguments."""

    def __init__(self, data: str, out: str, config: str, site_dir: str):
        self.data, self.out, self.config, self.site_dir = data, out, config, site_dir
        root = os.path.dirname(os.path.abspath(config))
        args = json.dumps([os.path.abspath(p) for p in (data, out, config, site_dir)])
        tag = hashlib.sha256(args.encode()).hexdigest()[:12]
        self.path = os.path.join(os.path.dirname(layout.cache_path(data)), f"noop-{tag}.json")
        self.code = os.path.dirname(os.path.abspath(__file__))
        self.overrides = os.path.join(root, "overrides")

    def before(self) -> dict[str, Any]:
        """What the build is about to read: taken before it starts."""
        history = layout.HISTORY_FILE
        return {
            "data": _walk(self.data, lambda rel: rel != history),
            "hand-written": _walk(self.out, lambda rel: not _generated(rel)),
            "config": _stat(self.config),
            "code": _walk(self.code),
            "overrides": _walk(self.overrides),
            "versions": _versions(),
        }

    def after(self) -> dict[str, Any]:
        """What the build leaves: taken once it succeeded."""
        return {
            "history": _stat(os.path.join(self.data, layout.HISTORY_FILE)),
            "generated": _walk(self.out, _generated),
            "site": _stat(os.path.join(self.site_dir, "search", "search_index.json")),
        }

    def unchanged(self) -> bool:
        """Whether the last successful `site --strict` was made from exactly what is here now."""
        try:
            with open(self.path, encoding="utf-8") as fh:
                kept = json.load(fh)
        except (OSError, ValueError):
            return False
        if not isinstance(kept, dict) or kept.get("version") != VERSION:
            return False
        return bool(kept.get("site")) and kept == {"version": VERSION, **self.before(), **self.after()}

    def record(self, before: dict[str, Any]) -> None:
        """After a successful `site --strict`: what it was made from."""
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            tmp = f"{self.path}.{os.getpid()}.tmp"
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump({"version": VERSION, **before, **self.after()}, fh)
            os.replace(tmp, self.path)
        except OSError:  # the next build does the work; this one is done
            pass
