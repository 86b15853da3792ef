"""Caches that make a rebuild cost what changed, and never serve stale data.

- Records: each data file's validation result (record, references, problems), keyed by the
  file's path and the SHA-256 of its bytes, and by the version of the code that produced it.
  A file whose bytes changed is parsed again; nothing else is trusted.
- Pages: for each generated page, a fingerprint of everything it was rendered from (the
  hashes of the data files it depends on, the template and code version) and the hash of the
  file written. A page whose fingerprint is unchanged and whose file on disk is intact is
  neither rendered nor written again.

- Memos: results of pure functions of record content (quote provenance, data.json lines,
  calendars), each keyed by everything its result is computed from (data file hashes, record
  ids, the text compared), so that a key that matches can only give the value it would
  compute again. Entries a run did not use are dropped when it saves.

All live in one pickle file in `.lsfmm-cache/` beside the data folder (git-ignored). It is
ours alone: a cache file that cannot be read is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

# The libraries whose output is cached: a new version of any of them starts a fresh cache.
_LIBRARIES = ("PyYAML", "Jinja2", "MarkupSafe", "Markdown", "nh3", "icalendar", "python-dateutil")


def code_version() -> str:
    """Changes whenever the generator's code (every module of the package: what is cached
    is made by most of them, and listing some missed mailtext.py and siteconfig.py), its
    templates, the libraries that make what is cached, or Python itself change."""
    here = os.path.dirname(__file__)
    h = hashlib.sha256(sys.version.encode())
    for lib in _LIBRARIES:
        try:
            h.update(f"\0{lib} {metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:  # pragma: no cover - each is installed with requirements.txt
            h.update(f"\0{lib} -".encode())
    names = sorted(
        os.path.relpath(os.path.join(top, n), here)
        for top, dirs, files in os.walk(here)
        for n in files
        if (n.endswith(".py") or os.path.relpath(top, here).startswith("templates")) and "__pycache__" not in top
    )
    for name in names:
        with open(os.path.join(here, name), "rb") as fh:
            h.update(name.encode() + b"\0" + fh.read())
    return h.hexdigest()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Cache:
    """In memory for `serve`; saved to disk between command runs."""

    path: str | None
    version: str = field(default_factory=code_version)
    records: dict[tuple[str, str], bytes] = field(default_factory=dict)  # (file, sha) -> pickled result
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)  # page -> (fingerprint, output sha)
    memos: dict[str, dict[Any, Any]] = field(default_factory=dict)  # name -> key -> value
    # `serve` keeps the records themselves between rebuilds (None: unpickled on each use).
    # Safe because a record is only ever annotated from its own file (model.build_site sets
    # each quote's thread, author and date from its thread file), so a reused record is what
    # unpickling it again would give.
    live: dict[tuple[str, str], Any] | None = None
    _used: set[tuple[str, str]] = field(default_factory=set)
    _open: dict[str, Memo] = field(default_factory=dict)

    @classmethod
    def open(cls, path: str | None) -> Cache:
        cache = cls(path)
        if path and os.path.exists(path):
            try:
                with open(path, "rb") as fh:
                    version, records, pages, memos = pickle.load(fh)
                if version == cache.version:
                    cache.records, cache.pages, cache.memos = records, pages, memos
            except Exception:  # a damaged or foreign cache is simply rebuilt
                pass
        return cache

    def get_record(self, key: tuple[str, str]) -> Any:
        if self.live is not None and key in self.live and key in self.records:
            self._used.add(key)
            return self.live[key]
        blob = self.records.get(key)
        if blob is None:
            return None
        self._used.add(key)
        result = pickle.loads(blob)
        if self.live is not None:
            self.live[key] = result
        return result

    def put_record(self, key: tuple[str, str], result: Any) -> None:
        if self.path is not None:  # --no-cache: nothing is kept past this run, which reads each file once
            self._keep(key, self.pickled(result), result)

    def _keep(self, key: tuple[str, str], blob: bytes, result: Any) -> None:
        self.records[key] = blob
        self._used.add(key)
        if self.live is not None:
            self.live[key] = result

    @staticmethod
    def pickled(result: Any) -> bytes:
        return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)

    def put_pickled(self, key: tuple[str, str], blob: bytes) -> Any:
        """Keep a result that arrives pickled (from a worker); returns it unpickled."""
        result = pickle.loads(blob)
        if self.path is not None:
            self._keep(key, blob, result)
        return result

    def template_dir(self) -> str | None:
        """Where Jinja keeps compiled templates (beside the cache file, in a folder of this
        code version: Jinja knows a compiled template by its source alone, but the options
        render.py compiles with change it), or None. Folders of other versions are removed."""
        if not self.path:
            return None
        parent = os.path.join(os.path.dirname(self.path), "templates")
        folder = os.path.join(parent, self.version[:32])
        if not os.path.isdir(folder):
            if os.path.isdir(parent):
                for old in os.listdir(parent):
                    shutil.rmtree(os.path.join(parent, old), ignore_errors=True)
            os.makedirs(folder, exist_ok=True)
        return folder

    def memo(self, name: str) -> Memo:
        """The memo table `name` for this run (one per name and run)."""
        if name not in self._open:
            self._open[name] = Memo(self.memos.get(name, {}))
        return self._open[name]

    def save(self) -> None:
        """Keep what this run used; write atomically (only the cache, never docs/ or data/)."""
        self.records = {k: v for k, v in self.records.items() if k in self._used}
        if self.live is not None:
            self.live = {k: v for k, v in self.live.items() if k in self._used}
        self._used = set()
        self.memos.update({name: m.used for name, m in self._open.items()})
        self._open = {}
        if not self.path:
            return
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        tmp = f"{self.path}.{os.getpid()}.tmp"
        with open(tmp, "wb") as fh:
            pickle.dump((self.version, self.records, self.pages, self.memos), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.path)


class Memo:
    """Values by key: those of the last run that this run asks for again, and new ones."""

    __slots__ = ("old", "used")

    def __init__(self, old: dict[Any, Any]):
        self.old = old
        self.used: dict[Any, Any] = {}

    def get(self, key: Any) -> Any:
        """The value stored for `key`, or None."""
        value = self.used.get(key)
        if value is None:
            value = self.old.get(key)
            if value is not None:
                self.used[key] = value
        return value

    def put(self, key: Any, value: Any) -> Any:
        self.used[key] = value
        return value

    def get_or(self, key: Any, make: Callable[[], Any]) -> Any:
        """The value stored for `key`, else `make()` stored under it (never None)."""
        value = self.get(key)
        return value if value is not None else self.put(key, make())


def memo_of(cache: Cache | None, name: str) -> Memo:
    """The memo table `name` of `cache`, or an empty one that this run alone uses."""
    return cache.memo(name) if cache is not None else Memo({})


def memo_key(*parts: Any) -> bytes:
    """A memo key: the SHA-256 of the parts' repr (bytes, str, int, bool, None and tuples of
    them, whose repr is exact)."""
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).digest()


def default_path(data_dir: str) -> str:
    return os.path.join(os.path.dirname(os.path.abspath(data_dir)), ".lsfmm-cache", "cache.pickle")
