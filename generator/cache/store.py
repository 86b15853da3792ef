"""The one cache: a folder `.lsfmm-cache/` beside the data folder, and the one object a command
opens at its edge and hands to the build.

Everything in it is kept under the one fingerprint (`cache.fingerprint`: the code, the packages
whose output is kept, the time zone data, mkdocs.yml, the theme overrides and the hooks; for the
records and pages, of mkdocs.yml only the two settings they read): a file made under another
fingerprint is never used. Each part is one file of two pickles, the fingerprint it was made
under and the part (read only when the first matches), written by the one atomic write
(`files.atomic_write`):

- `records.pickle`: what a rebuild reuses of the records and the pages (`cache.reuse`);
- `parsed.pickle`: each data file's parse result, pickled (`cache.reuse.Blob`): an index of
  them, then their bytes, read one at a time when used, copied one at a time when saved (a
  summit's are 150 MB: never all in memory). Keyed by the file's bytes, it agrees with any
  `records.pickle` of the same fingerprint;
- `site-<tag>.pickle`: what a rebuild of one site folder reuses (`site.sitebuild.SiteState`);
- `noop-<tag>.pickle`: what the last successful `site --strict` with the same folders was made
  from, so that the next one with nothing changed does nothing (`cache.noop`).

Beside them, Jinja's compiled templates: the generator's in `templates/` and the site theme's
in `site-templates/`, each in a folder of its fingerprint (`Cache.templates`,
`Cache.theme_bytecode`).

The cache is a convenience: when it cannot be read, a build starts afresh; when it cannot be
written, the build goes on and says so in its warnings. With the cache off (`--no-cache`)
nothing is read or written, and the same code runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import shutil
from typing import Any, BinaryIO

from generator import layout
from generator.cache.fingerprint import Fingerprint, fingerprints
from generator.cache.reuse import Blob, FileKey, Reuse
from generator.files import atomic_write


def folder_of(data_dir: str) -> str:
    """Where the cache of a data folder lives: beside it."""
    return os.path.join(os.path.dirname(os.path.abspath(data_dir)), layout.CACHE_FOLDER)


def tag(*paths: str) -> str:
    """A short name for a set of folders (their absolute paths)."""
    return hashlib.sha256(repr([os.path.abspath(p) for p in paths]).encode()).hexdigest()[:12]


class Cache:
    """The cache of one data folder for one configuration. `enabled` false: nothing is read or
    written. `live` (serve): what is reused also stays in memory between rebuilds, and is
    written to disk by `flush` (serve's, once the page is shown), not by the build itself."""

    def __init__(self, data_dir: str, config: str, enabled: bool = True, live: bool = False):
        self.folder = folder_of(data_dir)
        self.config = config
        self.enabled = enabled
        self.live = live
        self.warnings: list[str] = []
        self.fingerprints: Fingerprint = fingerprints(config)
        self._reuse: Reuse | None = None
        self._held: dict[str, Any] = {}  # parts kept in memory (live)
        self._unsaved: dict[str, tuple[str, Any]] = {}  # live: parts not yet on disk, with their fingerprint
        self._compiled: Any = None  # live: the site theme's compiled templates (`theme_bytecode`)

    @property
    def fingerprint(self) -> str:
        return self.fingerprints.whole

    def refresh(self) -> None:
        """Take the fingerprint again (serve, before each rebuild: mkdocs.yml, the overrides or
        the time zone data may have changed; the code is the one running); parts made under
        another are dropped."""
        now = fingerprints(self.config)
        if now.records != self.fingerprints.records:
            self._reuse = None
        if now != self.fingerprints:
            self._held.clear()
            self._compiled = None
        self.fingerprints = now

    def _under(self, name: str) -> str:
        """The fingerprint a part is kept under."""
        return self.fingerprints.records if name == "records" else self.fingerprints.whole

    # ------------------------------------------------------------------ parts

    def path(self, name: str) -> str:
        return os.path.join(self.folder, f"{name}.pickle")

    def load(self, name: str) -> Any:
        """A part as saved under this fingerprint, or None."""
        if not self.enabled:
            return None
        if name in self._held:
            return self._held[name]
        try:
            with open(self.path(name), "rb") as fh:
                if pickle.load(fh) != self._under(name):
                    return None
                return pickle.load(fh)
        except Exception:  # absent, damaged or foreign: made afresh
            return None

    def outdated(self, name: str) -> bool:
        """Whether a part is on disk, made under another fingerprint."""
        if not self.enabled:
            return False
        try:
            with open(self.path(name), "rb") as fh:
                return bool(pickle.load(fh) != self._under(name))
        except Exception:
            return False

    def save(self, name: str, value: Any) -> None:
        """Keep a part (atomically); a failure is a warning: the next build starts afresh.
        Live, it is kept in memory at once and written by `flush`."""
        if not self.enabled:
            return
        if self.live:
            self._held[name] = value
            self._unsaved[name] = (self._under(name), value)
            return
        self._write(name, self._under(name), value)

    def flush(self) -> None:
        """Write the parts kept in memory since the last flush (live): serve calls it after a
        rebuild, once the browsers were told to reload, so that no one waits for it. A part on
        disk is only a head start for the next process: one not yet written (serve killed
        first) costs that process time, never exactness (a page is reused only when its file
        is intact, a site only when it is the one the part describes)."""
        while self._unsaved:
            name = next(iter(self._unsaved))
            under, value = self._unsaved.pop(name)
            self._write(name, under, value)

    def _write(self, name: str, under: str, value: Any) -> None:
        try:

            def dump(fh: BinaryIO) -> None:
                pickle.dump(under, fh, protocol=pickle.HIGHEST_PROTOCOL)
                if name != "parsed":
                    pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
                    return
                keys = sorted(value)  # the parse results: their index, then each one's bytes
                pickle.dump([(k, value[k].size) for k in keys], fh, protocol=pickle.HIGHEST_PROTOCOL)
                for k in keys:
                    fh.write(value[k].read())

            atomic_write(self.path(name), dump)
        except OSError as exc:
            self._cannot("save what a rebuild could reuse", exc, "the next build starts afresh")

    def forget(self, name: str) -> None:
        self._held.pop(name, None)
        self._unsaved.pop(name, None)
        with contextlib.suppress(OSError):
            os.unlink(self.path(name))

    # ------------------------------------------------------------------ the records and pages

    def reuse(self) -> Reuse:
        """What this build may reuse of the records and pages (one for every rebuild of serve)."""
        if self._reuse is None or not self.live:
            self._reuse = Reuse(self.load("records"), live=self.live, files=self.parsed())
        self._reuse.begin()
        return self._reuse

    def keep(self, reuse: Reuse, written: bool | None) -> None:
        """A build ended (see `Reuse.end`): save what changed. Outside serve it is let go at
        once: the site phase (and its forked workers) need none of it in memory."""
        if reuse.end(written):
            self.save("records", reuse.state())
        if reuse.files_changed:
            self.save_parsed(reuse.files)
            reuse.files_changed = False
        if not self.live:
            self._reuse = None

    def parsed(self) -> dict[FileKey, Blob] | None:
        """The parse results kept (`parsed.pickle`): where each lies in the file, which stays
        open (a later save replaces the file, not what is open). None when there are none."""
        if not self.enabled:
            return None
        if "parsed" in self._held:
            return dict(self._held["parsed"])
        try:
            fh = open(self.path("parsed"), "rb")  # noqa: SIM115 - kept open by the blobs
        except OSError:
            return None
        try:
            if pickle.load(fh) != self._under("records"):
                fh.close()
                return None
            index = pickle.load(fh)
            offset = fh.tell()
            files = {}
            for key, size in index:
                files[key] = Blob(fh, offset, size)
                offset += size
            if offset != os.fstat(fh.fileno()).st_size:
                raise ValueError("cut short")
            return files
        except Exception:  # damaged or foreign: made afresh
            fh.close()
            return None

    def save_parsed(self, files: dict[FileKey, Blob]) -> None:
        """Keep the parse results (atomically): an index, then each one's bytes, copied one at
        a time from where it lies. Live, kept in memory at once and written by `flush`, as
        every other part."""
        if not self.enabled:
            return
        files = dict(files)
        if self.live:
            self._held["parsed"] = files
            self._unsaved["parsed"] = (self._under("records"), files)
            return
        self._write("parsed", self._under("records"), files)

    def templates(self) -> str | None:
        """Where Jinja keeps compiled templates: a folder of this fingerprint (the options
        templates are compiled with are in the code); the others are removed. None with the
        cache off, or when it cannot be made (they are compiled again)."""
        return self._compiled_folder("templates", self.fingerprints.records)

    def _compiled_folder(self, name: str, under: str) -> str | None:
        if not self.enabled:
            return None
        parent = os.path.join(self.folder, name)
        folder = os.path.join(parent, under[:32])
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

    def theme_bytecode(self) -> Any:
        """Where the site's theme keeps its compiled templates between builds (Jinja's bytecode
        cache): in memory, live (serve compiles the theme once, not on every rebuild), else in
        a folder of the whole fingerprint (the configuration, the overrides and the packages
        make the theme's environment), beside the generator's own; None with the cache off.
        Jinja reuses a compiled template only for the same source (a checksum of it)."""
        if not self.enabled:
            return None
        if not self.live:
            from jinja2 import FileSystemBytecodeCache

            folder = self._compiled_folder("site-templates", self.fingerprints.whole)
            return FileSystemBytecodeCache(folder) if folder else None
        if self._compiled is None:
            from jinja2 import BytecodeCache
            from jinja2.bccache import Bucket

            class InMemory(BytecodeCache):
                def __init__(self) -> None:
                    self.code: dict[str, bytes] = {}

                def load_bytecode(self, bucket: Bucket) -> None:
                    code = self.code.get(bucket.key)
                    if code is not None:
                        bucket.bytecode_from_string(code)

                def dump_bytecode(self, bucket: Bucket) -> None:
                    self.code[bucket.key] = bucket.bytecode_to_string()

            self._compiled = InMemory()
        return self._compiled

    def take_warnings(self) -> list[str]:
        out, self.warnings = self.warnings, []
        return out

    def _cannot(self, what: str, exc: OSError, then: str) -> None:
        """The cache is a convenience: a failure to use it costs speed, never the build."""
        where = layout.display_path(self.folder)
        line = f"{where}: warning: cannot {what} ({exc.strerror or exc}); {then}"
        if line not in self.warnings:
            self.warnings.append(line)
