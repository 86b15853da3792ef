"""The one fingerprint of everything a build depends on besides the data and the hand-written
pages: a change to any part makes every cached result unusable, so the next build starts afresh.

- the generator's own code, templates and stylesheet (by content);
- every installed package whose output is kept (pages, calendars, the site), by version;
- Python's version, and the time zone database the calendars embed (zoneinfo's files);
- the MkDocs configuration, the theme overrides and the hooks' folders (by content).

Standard library only (PyYAML for mkdocs.yml, once): it is computed before the build's imports,
for the no-op check.
"""

from __future__ import annotations

import hashlib
import os
import sys
import zoneinfo
from importlib import metadata

# Every package whose output a build keeps: the pages' Markdown and HTML, the calendars (and
# the time zone data and date parsing they use), the site and its theme.
PACKAGES = (
    "PyYAML",
    "Jinja2",
    "MarkupSafe",
    "Markdown",
    "nh3",
    "icalendar",
    "python-dateutil",
    "tzdata",
    "mkdocs",
    "mkdocs-material",
    "pymdown-extensions",
    "Pygments",
)
CODE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the generator package
CODE_SUFFIXES = (".py", ".j2", ".css")


def fingerprint(config_file: str | None = None) -> str:
    """The SHA-256 of every part above (the configuration's only with `config_file`)."""
    h = hashlib.sha256(sys.version.encode())
    for name, version in sorted(versions().items()):
        h.update(f"\0{name} {version}".encode())
    h.update(repr(tz_stamp()).encode())
    _hash_files(h, CODE, lambda name: name.endswith(CODE_SUFFIXES))
    if config_file is not None:
        try:
            with open(config_file, "rb") as fh:
                h.update(b"\0config\0" + fh.read())
        except OSError:
            h.update(b"\0config missing")
        for folder in shaping_dirs(config_file):
            _hash_files(h, folder, lambda name: True)
    return h.hexdigest()


def versions() -> dict[str, str]:
    found = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "-"
    return found


def tz_stamp() -> list[tuple[str, int, int]]:
    """Which time zone database the calendars' VTIMEZONE rules come from: the files every
    release of the tz database rewrites, in zoneinfo's search path (the tzdata package is among
    the packages)."""
    out = []
    for folder in zoneinfo.TZPATH:
        for name in ("tzdata.zi", "+VERSION", "zone1970.tab", "zone.tab", ""):
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            out.append((path, st.st_size, st.st_mtime_ns))
    return out


def _hash_files(h: hashlib._Hash, folder: str, keep: object) -> None:
    """Every file under `folder` that `keep(name)` chooses, by path and content, in path order
    (__pycache__ left out)."""
    names = sorted(
        os.path.relpath(os.path.join(top, n), folder)
        for top, dirs, files in os.walk(folder)
        for n in files
        if "__pycache__" not in top and keep(n)  # type: ignore[operator]
    )
    for name in names:
        try:
            with open(os.path.join(folder, name), "rb") as fh:
                h.update(b"\0" + name.encode() + b"\0" + fh.read())
        except OSError:
            h.update(b"\0" + name.encode() + b"\0unreadable")


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
