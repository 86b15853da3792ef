"""The one fingerprint of everything a build depends on besides the data and the hand-written
pages: a change to any part makes every cached result unusable, so the next build starts afresh.

- the generator's own code, templates and stylesheet (by content), and every installed package
  whose output is kept (pages, calendars, the site), by version, and Python's version: taken
  once per process, so that they describe the code that is running (under `serve`, an edit of
  the generator's code on disk is not the code that builds: its results are not kept as the
  new code's);
- the time zone database the calendars embed (zoneinfo's files);
- the MkDocs configuration, the theme overrides and the hooks' folders (by content), and the
  value of every environment variable an `!ENV` tag of the configuration reads (the Pages
  workflows give `site_url` as SITE_URL): another value is another site.

What the records and pages keep (`records` in `Fingerprint`) depends on the configuration only
through two settings (site_url and use_directory_urls, as the exports read them, `!ENV`
resolved): another mkdocs.yml with the same two, or none, keeps them; the site and the no-op
check depend on all of it (`whole`).

Standard library only (PyYAML and MkDocs' `!ENV` reader, pyyaml_env_tag, for mkdocs.yml, once):
it is computed before the build's imports, for the no-op check.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
import zoneinfo
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Fingerprint:
    whole: str  # everything above
    records: str  # the running code, packages, time zones, site_url and use_directory_urls


def fingerprint(config_file: str | None = None) -> str:
    """The SHA-256 of every part above (the configuration's only with `config_file`)."""
    return fingerprints(config_file).whole


def fingerprints(config_file: str | None = None) -> Fingerprint:
    base = hashlib.sha256(running().encode())
    base.update(repr(tz_stamp()).encode())
    records = base.copy()
    whole = base.copy()
    if config_file is not None:
        try:
            with open(config_file, "rb") as fh:
                whole.update(b"\0config\0" + fh.read())
        except OSError:
            whole.update(b"\0config missing")
        dirs, settings, env = _read_config(config_file)
        records.update(repr(settings).encode())
        whole.update(b"\0env\0" + repr(env).encode())
        for folder in dirs:
            _hash_files(whole, folder, lambda name: True)
    return Fingerprint(whole.hexdigest(), records.hexdigest())


@functools.cache
def running() -> str:
    """The code that runs: Python, the packages whose output is kept, the generator's files as
    they were when first asked (at the start of a command)."""
    h = hashlib.sha256(sys.version.encode())
    for name, version in sorted(versions().items()):
        h.update(f"\0{name} {version}".encode())
    _hash_files(h, CODE, lambda name: name.endswith(CODE_SUFFIXES))
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
    return _read_config(config_file)[0]


def _read_config(config_file: str) -> tuple[list[str], tuple[object, ...], list[tuple[str, str | None]]]:
    """shaping_dirs, the two settings the pages and exports read (as they read them), and the
    environment variables the configuration reads, with their values."""
    root = os.path.dirname(os.path.abspath(config_file))
    dirs = [os.path.join(root, "overrides")]
    settings: tuple[object, ...] = (None, None)
    env: list[tuple[str, str | None]] = []
    try:
        import yaml

        from generator.errors import Problems
        from generator.site import config

        node = config.compose(config_file)
        env = config.env_read(node)
        publish = config.publish_of(node, config_file, Problems())
        settings = (publish.site_url, publish.directory_urls)
        cfg = {k.value: v for k, v in getattr(node, "value", []) if isinstance(k, yaml.ScalarNode)}
        theme = cfg.get("theme")
        if isinstance(theme, yaml.MappingNode):
            dirs += [os.path.join(root, v.value) for k, v in theme.value if k.value == "custom_dir"]
        hooks = cfg.get("hooks")
        if isinstance(hooks, yaml.SequenceNode):
            dirs += [os.path.dirname(os.path.join(root, v.value)) for v in hooks.value]
    except Exception:  # MkDocs will say what is wrong with it
        pass
    return sorted({d for d in dirs if os.path.isdir(d)}), settings, env
