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


Stat = tuple[int, int]  # (mtime_ns, size)


def walk(folder: str, keep: Any = None) -> dict[str, Stat]:
    """Every file under `folder` ('/'-separated relative paths) with its time and size;
    `keep(rel)` chooses which. Python's own __pycache__ folders are left out; linked folders are
    followed, as MkDocs follows them, once each."""
    found: dict[str, Stat] = {}
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
            try:
                st = os.stat(os.path.join(top, name))
            except OSError:
                continue
            found[path] = (st.st_mtime_ns, st.st_size)
    return found


def shaping_dirs(config_file: str) -> list[str]:
    """The folders besides docs/ whose files shape the pages: the theme overrides
    (`custom_dir`) and the folders of the hooks, read from mkdocs.yml."""
    root = os.path.dirname(os.path.abspath(config_file))
    dirs = [os.path.join(root, "overrides")]
    try:
        import yaml

        with open(config_file, encoding="utf-8") as fh:
            node = yaml.compose(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        cfg = {k.value: v for k, v in getattr(node, "value", []) if isinstance(k, yaml.ScalarNode)}
        theme = cfg.get("theme")
        if isinstance(theme, yaml.MappingNode):
            dirs += [os.path.join(root, v.value) for k, v in theme.value if k.value == "custom_dir"]
        hooks = cfg.get("hooks")
        if isinstance(hooks, yaml.SequenceNode):
            dirs += [os.path.dirname(os.path.join(root, v.value)) for v in hooks.value]
    except Exception:  # MkDocs will say what is wrong with it
        pass
    return sorted({d for d in dirs if os.path.isdir(d)})


def _generated(rel: str) -> bool:
    top = rel.split("/", 1)[0]
    return any(rel == p or (p.endswith("/") and top + "/" == p) for p in layout.GENERATED_PLACES)


def stat(path: str) -> Stat | None:
    """A file's time and size, or None."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def site_stamp(site_dir: str) -> Stat | None:
    """Identifies a built site: its search index is written new by every build."""
    return stat(os.path.join(site_dir, "search", "search_index.json"))


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
        args = json.dumps([os.path.abspath(p) for p in (data, out, config, site_dir)])
        tag = hashlib.sha256(args.encode()).hexdigest()[:12]
        self.path = os.path.join(os.path.dirname(layout.cache_path(data)), f"noop-{tag}.json")
        self.code = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    def before(self) -> dict[str, Any]:
        """What the build is about to read: taken before it starts."""
        history = layout.HISTORY_FILE
        return {
            "data": walk(self.data, lambda rel: rel != history),
            "hand-written": walk(self.out, lambda rel: not _generated(rel)),
            "config": stat(self.config),
            "code": {d: walk(d) for d in sorted({self.code, *shaping_dirs(self.config)})},
            "versions": _versions(),
        }

    def after(self) -> dict[str, Any]:
        """What the build leaves: taken once it succeeded."""
        return {
            "history": stat(os.path.join(self.data, layout.HISTORY_FILE)),
            "generated": walk(self.out, _generated),
            "site": site_stamp(self.site_dir),
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
        now = json.loads(json.dumps({"version": VERSION, **self.before(), **self.after()}))  # as it was kept
        return bool(kept.get("site")) and kept == now

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
