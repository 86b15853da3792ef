"""The one incremental layer: what a rebuild may reuse, and the proof that it may.

The core (model, render, export) knows nothing of it. This layer wraps the phases of the build
(`generator.build.pipeline.Clean` is the same interface, keeping nothing) and keeps three kinds of
results between builds, in one pickle file in .lsfmm-cache/ beside the data folder (and Jinja's
compiled templates in a folder beside it):

1. Files: each data file's parse result (`model.parse_file`, a pure function of its bytes), by
   its path, the SHA-256 of its bytes and its size.
2. Pure functions: the `generator.cache.memo` tables (quote provenance, Markdown as HTML), by their
   arguments.
3. Work that reads the Site: every page, and each `Site.derive` text that asks to be kept (the
   parts of the whole-site pages, calendars, lines of data.json), with what it read.
   Rendering and exports read a `SiteView`: the same Site, whose tables and relations note
   every record and relation they hand out while the work runs (a whole table when iterated).
   Nothing lists what a page depends on; the reads are recorded as the core makes them.

A recorded result is reused only when every read gives the same now: a record, the path and
hash of the file it came from; a relation, its value; a whole table, every id and file in it.
A page is reused only when, besides, its file on disk still holds what was written. Everything
is keyed by the code version (every module and template, the libraries that shape the output,
Python, and the time zone database the calendars embed): a change to any starts afresh.

`serve` keeps one layer for its whole run, with the parsed records in memory. The cache is a
convenience: when it cannot be read or written, the build goes on and says so.
"""

from __future__ import annotations

import contextlib
import hashlib
import operator
import os
import pickle
import shutil
import sys
import zoneinfo
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib import metadata
from typing import Any, TypeVar

from generator import layout
from generator.build.pipeline import Clean
from generator.cache import memo
from generator.exports.export import exports
from generator.exports.history import History
from generator.pages import render
from generator.pages.render import Renderer, plan
from generator.records.model import DataFile, FileResult, Site, parse_file
from generator.site.config import Publish

T = TypeVar("T")

# The libraries whose output is kept: a new version of any of them starts a fresh cache.
_LIBRARIES = ("PyYAML", "Jinja2", "MarkupSafe", "Markdown", "nh3", "icalendar", "python-dateutil", "tzdata")
ALL = "*"  # a read of a whole table (iterated, or its size asked)
Read = tuple[str, Any]  # (table or relation name, id or ALL)


def code_version() -> str:
    """Changes whenever the generator's code (every module of the package), its templates, the
    libraries that make what is kept, Python itself, or the time zone rules change."""
    here = os.path.dirname(os.path.dirname(__file__))
    h = hashlib.sha256(sys.version.encode())
    for lib in _LIBRARIES:
        try:
            h.update(f"\0{lib} {metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:  # pragma: no cover - each is installed with requirements.txt
            h.update(f"\0{lib} -".encode())
    h.update(repr(_tz_stamp()).encode())
    names = sorted(
        os.path.relpath(os.path.join(top, n), here)
        for top, dirs, files in os.walk(here)
        for n in files
        if n.endswith((".py", ".j2", ".css")) and "__pycache__" not in top
    )
    for name in names:
        with open(os.path.join(here, name), "rb") as fh:
            h.update(name.encode() + b"\0" + fh.read())
    return h.hexdigest()


def _tz_stamp() -> list[tuple[str, int, int]]:
    """Which time zone database the calendars' VTIMEZONE rules come from (zoneinfo's search
    path; the tzdata package is among the libraries)."""
    out = []
    for folder in zoneinfo.TZPATH:
        # Files every release of the tz database rewrites (Debian ships all four).
        for name in ("tzdata.zi", "+VERSION", "zone1970.tab", "zone.tab", ""):
            path = os.path.join(folder, name)
            if os.path.exists(path):
                st = os.stat(path)
                out.append((path, st.st_size, st.st_mtime_ns))
    return out


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------------- recording


class Recorder:
    """What the work being done reads, innermost work last: the Site's records and relations
    (in first-read order), and the kept `Site.derive` values it uses."""

    def __init__(self) -> None:
        self.stack: list[tuple[dict[Read, None], dict[Any, None]]] = []
        self._reads: dict[Read, Read] = {}  # one tuple per read, shared by every entry that made it

    def note(self, name: str, key: Any) -> None:
        if self.stack:
            read = (name, key)
            self.stack[-1][0][self._reads.setdefault(read, read)] = None

    def merge(self, reads: tuple[Read, ...], uses: tuple[Any, ...] = (), key: Any = None) -> None:
        """Work reused inside the current work: its reads are the current work's too (and the
        kept value `key`, with what it uses, is used by it)."""
        if self.stack:
            frame_reads, frame_uses = self.stack[-1]
            frame_reads.update(dict.fromkeys(reads))
            frame_uses.update(dict.fromkeys(uses))
            if key is not None:
                frame_uses[key] = None

    def run(self, work: Callable[[], T]) -> tuple[T, tuple[Read, ...], tuple[Any, ...]]:
        """work(), with what it read and the kept values it used."""
        self.stack.append(({}, {}))
        try:
            value = work()
        finally:
            frame_reads, frame_uses = self.stack.pop()
        reads, uses = tuple(frame_reads), tuple(frame_uses)
        self.merge(reads, uses)
        return value, reads, uses


class Noting(Mapping[str, Any]):
    """A table of the Site that notes each record it hands out (or the whole table)."""

    __slots__ = ("_data", "_name", "_rec")

    def __init__(self, data: Mapping[str, Any], name: str, recorder: Recorder):
        self._data = data
        self._name = name
        self._rec = recorder

    def __getitem__(self, key: str) -> Any:
        self._rec.note(self._name, key)
        return self._data[key]

    def get(self, key: str, default: Any = None) -> Any:
        self._rec.note(self._name, key)
        return self._data.get(key, default)

    def __contains__(self, key: object) -> bool:
        self._rec.note(self._name, key)
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        self._rec.note(self._name, ALL)
        return iter(self._data)

    def __len__(self) -> int:
        self._rec.note(self._name, ALL)
        return len(self._data)

    def keys(self) -> Any:
        self._rec.note(self._name, ALL)
        return self._data.keys()

    def values(self) -> Any:
        self._rec.note(self._name, ALL)
        return self._data.values()

    def items(self) -> Any:
        self._rec.note(self._name, ALL)
        return self._data.items()


class SiteView(Site):
    """The Site as render and export see it under this layer: every read noted, and `derive`
    answered from what earlier builds kept when their reads still hold."""

    def __init__(self, site: Site, layer: Incremental):
        self._site = site
        self._layer = layer
        self.data_dir = site.data_dir
        for name in (*Site.TABLES, *Site.RELATIONS):
            setattr(self, name, Noting(getattr(site, name), name, layer.recorder))

    @property
    def current_event(self) -> str:  # type: ignore[override]
        self._layer.recorder.note("events", ALL)  # the current event is chosen among all
        return self._site.current_event

    def derive(self, key: Any, make: Callable[[], T], keep: bool = False) -> T:
        return self._layer.derive(key, make, keep)


# ---------------------------------------------------------------------------------- the layer


@dataclass
class Entry:
    """A result of work that read the Site, with its reads and what each gave (None until saved)."""

    reads: tuple[Read, ...]
    digests: tuple[Any, ...] | None
    value: Any  # the text; for a page, the SHA-256 of what was written
    uses: tuple[Any, ...] = ()  # the kept Site.derive values it used (their keys)
    key: Any = None  # for a page: what it was rendered as (spec and options)
    keep: bool = False  # for a Site.derive value: kept for later builds


class Incremental(Clean):
    """The build phases with reuse (see the module's doc). One per command run; `serve` keeps
    one for its whole run (`live`: parsed records stay in memory)."""

    def __init__(self, path: str, live: bool = False):
        self.path = path
        self.version = code_version()
        self.live: dict[tuple[str, str, str, int], FileResult] | None = {} if live else None
        self.files: dict[tuple[str, str, str, int], bytes] = {}  # (file, kind, sha, size) -> pickled FileResult
        self.tables: dict[str, dict[Any, Any]] = {}  # generator.cache.memo tables
        self.derived: dict[Any, Entry] = {}  # Site.derive texts of the last build
        self.pages: dict[str, Entry] = {}  # page path -> entry of the last build
        self.recorder = Recorder()
        self.changed = True  # what is kept differs from the cache file (none read yet)
        self._load()

    def _load(self) -> None:
        try:
            with open(self.path, "rb") as fh:
                version, files, tables, derived, pages = pickle.load(fh)
        except Exception:  # absent, damaged or foreign: simply rebuilt
            return
        if version == self.version:
            self.files, self.tables, self.derived, self.pages = files, tables, derived, pages
            self.changed = False

    def start(self) -> None:
        """Start a build: what it collects (the files it used, its reads, what it made), with
        the pure functions' tables open and compiled templates kept."""
        self.used_files: set[tuple[str, str, str, int]] = set()
        self.file_sha: dict[str, str] = {}  # data file (as shown) -> SHA-256 of its bytes
        self.fresh: dict[Any, Entry] = {}  # this build's Site.derive results
        self.fresh_pages: dict[str, Entry] = {}
        self.site: Site | None = None
        self._digests: dict[Read, Any] = {}
        self._files: dict[str, tuple[str, str]] = {}
        self.recorder = Recorder()
        self.warnings: list[str] = []
        memo.open_tables(self.tables)
        render.keep_compiled_templates(self._template_folder())

    # ------------------------------------------------------------------ phases

    def parse(self, files: list[DataFile]) -> list[FileResult]:
        out = []
        for file in files:
            if file.read is None or file.read.raw is None:
                out.append(parse_file(file))  # nothing to key it by: missing or unreadable
                continue
            sha = _sha(file.read.raw)
            self.file_sha[file.shown] = sha
            # The size too: of a file over the limit only the first bytes are read (and hashed).
            key = (file.shown, file.place.kind, sha, file.read.size)
            result = self.live.get(key) if self.live is not None else None
            if result is None and key in self.files:
                result = pickle.loads(self.files[key])
            if result is None:
                result = parse_file(file)
                self.files[key] = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
                self.changed = True
            if self.live is not None:
                self.live[key] = result
            self.used_files.add(key)
            out.append(result)
        return out

    def view(self, site: Site) -> SiteView:
        self.site = site
        return SiteView(site, self)

    def render(
        self, site: Site, briefs: Mapping[str, str], out_dir: str, directory_urls: bool = True
    ) -> tuple[dict[str, str], set[str]]:
        """The pages whose reads changed (or whose file on disk did), and the paths of those
        current on disk as they are."""
        renderer = Renderer(self.view(site), briefs, directory_urls)
        pages: dict[str, str] = {}
        kept: set[str] = set()
        for spec in plan(site):
            key = (spec, renderer.options(spec))
            old = self.pages.get(spec.path)
            if old is not None and old.key == key and self._holds(old) and _intact(out_dir, spec.path, old.value):
                self.fresh_pages[spec.path] = old
                kept.add(spec.path)
                continue
            text, reads, uses = self.recorder.run(lambda spec=spec: renderer.page(spec))  # type: ignore[misc]
            pages[spec.path] = text
            self.fresh_pages[spec.path] = Entry(reads, None, _sha(text.encode("utf-8")), uses, key)
        return pages, kept

    def export(self, site: Site, publish: Publish, published: History) -> dict[str, str]:
        return exports(self.view(site), publish, published)

    def derive(self, key: Any, make: Callable[[], T], keep: bool) -> T:
        entry = self.fresh.get(key)
        if entry is None and keep:
            old = self.derived.get(key)
            if old is not None and self._holds(old):
                entry = self.fresh[key] = old
        if entry is not None:
            self.recorder.merge(entry.reads, entry.uses, key if entry.keep else None)
            return entry.value
        value, reads, uses = self.recorder.run(make)
        self.fresh[key] = Entry(reads, None, value, uses, keep=keep)
        if keep:
            self.recorder.merge((), (), key)
        return value

    def finish(self, written: bool | None) -> list[str]:
        """End a build and save what it used and made. `written`: the pages were written (keep
        what was rendered), None: nothing was rendered (the data had errors; keep the pages of
        the last build), False: writing failed (forget the pages: the disk is not known)."""
        used = memo.close_tables()
        render.keep_compiled_templates(None)
        files_before, tables_before = len(self.files), self.tables
        # A table this build did not use (nothing rendered) keeps what earlier builds left.
        self.tables = {name: entries or self.tables.get(name, {}) for name, entries in used.items()}
        self.files = {k: v for k, v in self.files.items() if k in self.used_files}
        if self.live is not None:
            self.live = {k: v for k, v in self.live.items() if k in self.used_files}
        changed = self.changed or len(self.files) != files_before or self.tables != tables_before
        if written and self.site is not None:
            for entry in (*self.fresh.values(), *self.fresh_pages.values()):
                if entry.digests is None:
                    entry.digests = tuple(self._digest(r) for r in entry.reads)
                    changed = True
            # Kept: the values this build used, and those the pages it did not render again
            # used (they hold while those pages do: their reads are part of the page's).
            derived = {k: e for k, e in self.fresh.items() if e.keep}
            wanted = [k for page in self.fresh_pages.values() for k in page.uses if k not in derived]
            while wanted:
                k = wanted.pop()
                old = self.derived.get(k)
                if old is not None and k not in derived:
                    derived[k] = old
                    wanted.extend(old.uses)
            changed = changed or derived.keys() != self.derived.keys() or self.fresh_pages.keys() != self.pages.keys()
            self.derived = derived
            self.pages = self.fresh_pages
        elif written is False:
            changed = changed or bool(self.pages)
            self.pages = {}
        self.site = None
        if changed:  # a build that reused everything leaves the file as it is
            self._save()
        return self.warnings

    # ------------------------------------------------------------------ reads

    def _holds(self, entry: Entry) -> bool:
        """Whether every read of an earlier result gives the same now."""
        if entry.digests is None:  # made in this build
            return True
        if len(entry.reads) < 2:
            return tuple(self._digest(r) for r in entry.reads) == entry.digests
        fetch = operator.itemgetter(*entry.reads)  # all at once; each read is digested once a build
        try:
            now = fetch(self._digests)
        except KeyError:
            for read in entry.reads:
                self._digest(read)
            now = fetch(self._digests)
        return now == entry.digests

    def _digest(self, read: Read) -> Any:
        """What a read gives now, as compared between builds (computed once per build)."""
        try:
            return self._digests[read]
        except KeyError:
            pass
        site = self.site
        assert site is not None
        name, key = read
        table = getattr(site, name)
        is_records = name in Site.TABLES
        value: Any
        if key == ALL:
            h = hashlib.sha256()
            for k, v in table.items():
                h.update(repr((k, self._record(v) if is_records else _frozen(v))).encode())
            value = h.digest()
        else:
            found = table.get(key)
            value = self._record(found) if is_records else _frozen(found)
        self._digests[read] = value
        return value

    def _record(self, rec: Any) -> Any:
        """A record as compared between builds: the file it came from and that file's hash
        (a record is a pure function of its file's bytes); one tuple per file."""
        if rec is None:
            return None
        try:
            return self._files[rec.path]
        except KeyError:
            value = self._files[rec.path] = (rec.path, self.file_sha.get(rec.path, ""))
            return value

    # ------------------------------------------------------------------ the file

    def _template_folder(self) -> str | None:
        """Where Jinja keeps compiled templates: a folder of this code version beside the cache
        file (the options templates are compiled with are in the code); others are removed.
        None when it cannot be made: the templates are compiled again."""
        parent = os.path.join(os.path.dirname(self.path), "templates")
        folder = os.path.join(parent, self.version[:32])
        try:
            if not os.path.isdir(folder):
                if os.path.isdir(parent):
                    for old in os.listdir(parent):
                        shutil.rmtree(os.path.join(parent, old), ignore_errors=True)
                os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            self._cannot("keep compiled templates", exc, "they are compiled again")
            return None
        return folder

    def _cannot(self, what: str, exc: OSError, then: str) -> None:
        """The cache is a convenience: a failure to use it costs speed, never the build."""
        where = layout.display_path(os.path.dirname(self.path))
        self.warnings.append(f"{where}: warning: cannot {what} ({exc.strerror or exc}); {then}")

    def _save(self) -> None:
        """Write atomically (only the cache, never docs/ or data/)."""
        self.changed = False
        tmp = f"{self.path}.{os.getpid()}.tmp"
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            with open(tmp, "wb") as fh:
                state = (self.version, self.files, self.tables, self.derived, self.pages)
                pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError as exc:
            self._cannot("save what a rebuild could reuse", exc, "the next build starts afresh")
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _frozen(value: Any) -> Any:
    """A relation's value as compared between builds."""
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, dict):
        return tuple(value.items())
    return value


def _intact(out_dir: str, rel: str, sha: str) -> bool:
    try:
        with open(os.path.join(out_dir, rel), "rb") as fh:
            return _sha(fh.read()) == sha
    except OSError:
        return False


def open_layer(data_dir: str, live: bool = False) -> Incremental:
    """The layer for a build of `data_dir`, with what earlier builds kept."""
    return Incremental(layout.cache_path(data_dir), live)
