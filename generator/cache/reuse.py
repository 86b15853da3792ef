"""What a rebuild reuses of the records and the pages, and the proof that it may.

The core (records, pages, exports) asks this object for three kinds of results, and knows
nothing of whether they come from an earlier build:

1. Files: each data file's parse result (a pure function of its bytes), by its path, the
   SHA-256 of its bytes and its size (`parsed`).
2. Pure functions: the `memo` tables (quote provenance, Markdown as HTML), by their arguments
   (`remembering`).
3. Work that reads the Site: every page (`page`) and each `Site.derive` value that asks to be
   kept (`derive`), with what it read. Rendering and exports read a recording view of the Site
   (`records.view.RecordedSite`), whose tables and relations note every record and relation
   they hand out while the work runs (a whole table when iterated), the build's inputs among
   them (`Site.inputs`: which PDF briefs the site holds). Nothing lists what a page depends
   on; the reads are recorded as the core makes them, as Sphinx's `note_dependency` does.

A recorded result is reused only when every read gives the same now: a record, the path and
hash of the file it came from; a relation, its value; a whole table, every id and file in it.
A page is reused only when, besides, its file on disk still holds what was written. What is
kept is saved by `Cache` under the one fingerprint (code, packages, time zones, configuration).
A build with the cache off gets a `Reuse` that starts empty and is never saved: the same code
runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import operator
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any, NamedTuple, TypeVar

from generator.cache import memo

T = TypeVar("T")

ALL = "*"  # a read of a whole table (iterated, or its size asked)
Read = tuple[str, Any]  # (table or relation name, id or ALL)
FileKey = tuple[str, str, str, int]  # (file as shown, kind, SHA-256 of its bytes, size)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Blob(NamedTuple):
    """A parse result, pickled, where it lies on disk: in the cache's file of parse results
    (`Cache.parsed`), or in the spool of the build that made it. Never held in memory: the
    records themselves are, and a summit's pickled copies would add 150 MB beside them."""

    file: IO[bytes]  # kept open: a newer cache file may have replaced it since
    offset: int
    size: int

    def read(self) -> bytes:
        data = os.pread(self.file.fileno(), self.size, self.offset)
        if len(data) != self.size:
            raise OSError(f"{self.file.name}: cut short")
        return data


class Spool:
    """Where a build writes the parse results it makes, as it makes them: an unnamed file
    (gone with the process), read back when the cache is saved, or by serve's next rebuild."""

    def __init__(self) -> None:
        self.file: IO[bytes] | None = None
        self.end = 0

    def add(self, data: bytes) -> Blob:
        if self.file is None:
            self.file = tempfile.TemporaryFile(prefix="lsfmm-parsed-")  # noqa: SIM115 - open while it is used
        fd, view = self.file.fileno(), memoryview(data)
        offset = self.end
        while view:
            n = os.pwrite(fd, view, self.end)
            self.end += n
            view = view[n:]
        return Blob(self.file, offset, len(data))


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


@dataclass
class Entry:
    """A result of work that read the Site, with its reads and what each gave (None until saved)."""

    reads: tuple[Read, ...]
    digests: tuple[Any, ...] | None
    value: Any  # the text; for a page, the SHA-256 of what was written
    uses: tuple[Any, ...] = ()  # the kept Site.derive values it used (their keys)
    key: Any = None  # for a page: what it was rendered as (spec and options)
    keep: bool = False  # for a Site.derive value: kept for later builds


class Reuse:
    """What one build (or, under `serve`, every rebuild: `live` keeps parse results in memory)
    may reuse, and what it makes for the next. See the module's doc."""

    def __init__(self, kept: Any = None, live: bool = False, files: dict[FileKey, Blob] | None = None):
        tables, derived, pages = kept if kept is not None else ({}, {}, {})
        self.files: dict[FileKey, Blob] = files if files is not None else {}  # pickled parse results
        self.tables: dict[str, dict[Any, Any]] = tables  # the memo tables
        self.derived: dict[Any, Entry] = derived  # Site.derive values of the last build
        self.pages: dict[str, Entry] = pages  # page path -> entry of the last build
        self.live: dict[FileKey, Any] | None = {} if live else None
        self.spool = Spool()
        self.changed = kept is None  # what is kept (but the files) differs from what was loaded
        self.files_changed = files is None  # the parse results kept differ from those loaded
        self.begin()

    def state(self) -> tuple[Any, ...]:
        """What is saved between builds, but the parse results (`files`, saved apart)."""
        return (self.tables, self.derived, self.pages)

    def begin(self) -> None:
        """Start a build: what it collects (the files it used, its reads, what it made)."""
        self.used_files: set[FileKey] = set()
        self.file_sha: dict[str, str] = {}  # data file (as shown) -> SHA-256 of its bytes
        self.fresh: dict[Any, Entry] = {}  # this build's Site.derive results
        self.fresh_pages: dict[str, Entry] = {}
        self.used_tables: dict[str, dict[Any, Any]] = {}
        self.site: Any = None
        self.record_tables: tuple[str, ...] = ()
        self._digests: dict[Read, Any] = {}
        self._files: dict[str, tuple[str, str]] = {}
        self.recorder = Recorder()

    @contextlib.contextmanager
    def remembering(self) -> Iterator[None]:
        """The pure functions' results, kept while the `with` lasts."""
        with memo.remembering(self.tables, self.used_tables):
            yield

    # ------------------------------------------------------------------ what the core asks

    def parsed(self, shown: str, kind: str, raw: bytes, size: int, make: Callable[[], T]) -> T:
        """The parse result of a data file's bytes: kept, or made now."""
        digest = sha(raw)
        self.file_sha[shown] = digest
        # The size too: of a file over the limit only the first bytes are read (and hashed).
        key = (shown, kind, digest, size)
        result = self.live.get(key) if self.live is not None else None
        if result is None and key in self.files:
            with contextlib.suppress(OSError, pickle.UnpicklingError):
                result = pickle.loads(self.files[key].read())
        if result is None:
            result = make()
            # Kept as it is now (validation adds to records): written, not held twice.
            try:
                self.files[key] = self.spool.add(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
            except OSError:  # the disk is full: not kept, parsed again next time
                self.files.pop(key, None)
            self.files_changed = True
        if self.live is not None:
            self.live[key] = result
        self.used_files.add(key)
        return result

    def watch(self, site: Any, record_tables: tuple[str, ...]) -> None:
        """The Site the reads of this build are made of (`record_tables`: which of its tables
        hold records, compared by the file each came from; the others are relations)."""
        if site is not self.site and self.site is not None:  # the same records, other inputs
            self._digests = {read: value for read, value in self._digests.items() if read[0] != "inputs"}
            self.fresh = {k: e for k, e in self.fresh.items() if not any(r[0] == "inputs" for r in e.reads)}
        self.site = site
        self.record_tables = record_tables

    def page(self, path: str, key: Any, make: Callable[[], str], intact: Callable[[str], bool]) -> str | None:
        """A page's text, made now; or None when the page of the last build holds (same `key`,
        every read the same, and `intact(sha)`: its file on disk still holds what was written)."""
        old = self.pages.get(path)
        if old is not None and old.key == key and self._holds(old) and intact(old.value):
            self.fresh_pages[path] = old
            return None
        text, reads, uses = self.recorder.run(make)
        self.fresh_pages[path] = Entry(reads, None, sha(text.encode("utf-8")), uses, key)
        return text

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

    def end(self, written: bool | None) -> bool:
        """End a build; whether what is kept (but the parse results: `files_changed`) changed.
        `written`: the pages were written (keep what was rendered), None: nothing was rendered
        (the data had errors; keep the pages of the last build), False: writing failed (forget
        the pages: the disk is not known)."""
        files_before, tables_before = len(self.files), self.tables
        # A table this build did not use (nothing rendered) keeps what earlier builds left.
        self.tables = {**self.tables, **{name: entries for name, entries in self.used_tables.items() if entries}}
        self.files = {k: v for k, v in self.files.items() if k in self.used_files}
        if self.live is not None:
            self.live = {k: v for k, v in self.live.items() if k in self.used_files}
        self.files_changed = self.files_changed or len(self.files) != files_before
        changed = self.changed or self.tables != tables_before
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
        self.changed = False
        # What only this build needed, let go of before what is kept is saved (the records,
        # through the values that read them, would stay in memory while it is pickled).
        self.fresh, self.fresh_pages, self._digests, self._files = {}, {}, {}, {}
        self.recorder = Recorder()
        return changed

    def forget_unkept(self) -> None:
        """Let go of the Site.derive values not kept for later builds (quote blocks: a fifth
        of M's rendering memory): once the pages are rendered, little asks for them again,
        and what does makes them again."""
        self.fresh = {k: e for k, e in self.fresh.items() if e.keep}

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
        return bool(now == entry.digests)

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
        is_records = name in self.record_tables
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


def _frozen(value: Any) -> Any:
    """A relation's value as compared between builds."""
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, dict):
        return tuple(value.items())
    return value
