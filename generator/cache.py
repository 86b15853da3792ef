"""Caches that make a rebuild cost what changed, and never serve stale data.

- Records: each data file's validation result (record, references, problems), keyed by the
  file's path and the SHA-256 of its bytes, and by the version of the code that produced it.
  A file whose bytes changed is parsed again; nothing else is trusted.
- Pages: for each generated page, a fingerprint of everything it was rendered from (the
  hashes of the data files it depends on, the template and code version) and the hash of the
  file written. A page whose fingerprint is unchanged and whose file on disk is intact is
  neither rendered nor written again.

Both live in one pickle file in `.lsfmm-cache/` beside the data folder (git-ignored). It is
ours alone: a cache file that cannot be read is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from dataclasses import dataclass, field
from typing import Any

_CODE_FILES = ("errors.py", "yamlload.py", "schema.py", "model.py", "markup.py", "render.py", "export.py")


def code_version() -> str:
    """Changes whenever the generator's code, its templates or Python itself change."""
    here = os.path.dirname(__file__)
    h = hashlib.sha256(sys.version.encode())
    templates = [
        os.path.relpath(os.path.join(top, n), here)
        for top, _, files in os.walk(os.path.join(here, "templates"))
        for n in files
    ]
    names = list(_CODE_FILES) + sorted(templates)
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
    _used: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def open(cls, path: str | None) -> Cache:
        cache = cls(path)
        if path and os.path.exists(path):
            try:
                with open(path, "rb") as fh:
                    version, records, pages = pickle.load(fh)
                if version == cache.version:
                    cache.records, cache.pages = records, pages
            except Exception:  # a damaged or foreign cache is simply rebuilt
                pass
        return cache

    def get_record(self, key: tuple[str, str]) -> Any:
        blob = self.records.get(key)
        if blob is None:
            return None
        self._used.add(key)
        return pickle.loads(blob)  # a fresh copy: later stages may annotate records

    def put_record(self, key: tuple[str, str], result: Any) -> None:
        self.records[key] = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        self._used.add(key)

    def save(self) -> None:
        """Keep what this run used; write atomically (only the cache, never docs/ or data/)."""
        self.records = {k: v for k, v in self.records.items() if k in self._used}
        self._used = set()
        if not self.path:
            return
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        tmp = f"{self.path}.{os.getpid()}.tmp"
        with open(tmp, "wb") as fh:
            pickle.dump((self.version, self.records, self.pages), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.path)


def default_path(data_dir: str) -> str:
    return os.path.join(os.path.dirname(os.path.abspath(data_dir)), ".lsfmm-cache", "cache.pickle")
