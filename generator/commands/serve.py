"""`serve`: build the site, serve it with live reload, and build again whenever a file under
data/ (or a hand-written page, or mkdocs.yml) changes: only the pages that changed are rendered
again, and the browser reloads once the new site is in place. The cache is opened once, live:
the parsed records and what the site build can reuse stay in memory for the whole run."""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import os
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

from generator import layout
from generator.builder import pipeline
from generator.builder.load import data_folder
from generator.cache.store import Cache
from generator.commands.output import generated, recovered, say, site_line
from generator.errors import LsfError, UsageError
from generator.files import build_lock
from generator.site import servestatus


def run(args: argparse.Namespace) -> int:
    from mkdocs.livereload import LiveReloadServer

    data, out, config, site_dir, addr = args.data, args.out, args.config, args.site_dir, args.addr
    data_folder(data)
    host, _, port = addr.rpartition(":")
    if not host or not port.isdigit():
        raise UsageError(f"--addr {addr!r}: expected HOST:PORT, such as 127.0.0.1:8000")
    cache = Cache(data, config, enabled=not args.no_cache, live=True)
    req = pipeline.Request(data, out, config, args.strict, site_dir=site_dir)  # keeps the briefs
    failed = True  # the first build always says what it did, and so does one after a failure
    saving = _Saving(cache, req)

    def rebuild() -> None:
        nonlocal failed
        saving.wait()  # no save under way while this one changes what is kept
        started = time.perf_counter()
        cache.refresh()
        result = pipeline.run(req, cache)
        saving.start()  # once this returned, MkDocs told the browsers to reload and they fetched
        recovered(site_dir, result.recovered)
        say(result.warnings)
        servestatus.write(site_dir, servestatus.status(result.error))  # read by the page that reloads now
        # A failed build returns too (it never raises): MkDocs reloads the browsers only then.
        if result.error is not None:  # reported; the last good site stays
            error = result.error
            say(error.lines() if isinstance(error, LsfError) else [f"Error: {error}"])
            failed = True
            return
        assert result.built is not None and result.site is not None
        if failed or not result.site.unchanged or result.built.history.written:
            print(generated(out, result.built), flush=True)
            print(f"{site_line(site_dir, result)} Save to page: {time.perf_counter() - started:.1f} s.", flush=True)
        failed = False

    stop = _Stop()
    with stop.on_signals():
        try:
            rebuild()
            server = LiveReloadServer(
                builder=rebuild,
                host=host,
                port=int(port),
                root=site_dir,
                mount_path=_mount_path(config),
                polling_interval=args.interval,
            )
            # MkDocs starts the thread that answers requests as an ordinary thread: the process
            # would wait for it at exit, for ever if its shutdown was cut short.
            server.serve_thread.daemon = True
            if not args.poll:  # told of changes by the system (inotify on Linux): polling kept a core busy
                server.observer = _changes_observer()  # MkDocs only schedules, starts and stops it
            for path in _watched(data, out, config):
                server.watch(path)
            print(f"Serving {site_dir}/ on http://{addr}{_mount_path(config)} (Ctrl-C stops).", flush=True)
            try:
                server.serve()
            finally:
                stop.stopping()  # a signal can no longer cut the shutdown short
                with _quiet("watchdog"):  # an emitter stopped while it read an event logs an error
                    server.shutdown()
        except KeyboardInterrupt:
            if stop.signal is None:
                raise
        finally:
            saving.finish()
            servestatus.clear(site_dir)
    if stop.signal is not None:
        print(f"Stopped on {stop.signal.name}.", flush=True)
    return 0


class _Saving:
    """What a rebuild keeps for the next process (`Cache.flush`: the records' and the site's
    parts, tens of MB at a whole summit's scale) is written in a thread of its own, under the
    build lock, a moment after the rebuild returned: MkDocs reloads the browsers then, and
    they fetch the page while nothing else holds the interpreter. The same thread then
    collects the garbage and freezes what survives (`gc.freeze`: the records and what the
    cache keeps, which every full collection during a rebuild would walk again, 0.1 s at M).
    A rebuild that comes first cancels it (its own is the newer state) and waits for one
    under way; the end of serve writes what is left."""

    DELAY = 1.0  # seconds after a rebuild

    def __init__(self, cache: Cache, req: pipeline.Request) -> None:
        self.cache = cache
        self.req = req
        self.timer: threading.Timer | None = None

    def start(self) -> None:
        self.timer = threading.Timer(self.DELAY, self._save)
        self.timer.daemon = True
        self.timer.start()

    def _save(self) -> None:
        with contextlib.suppress(LsfError, OSError), build_lock(self.req.out, self.req.data):
            self.cache.flush()
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    def wait(self) -> None:
        """Cancel the pending save, or wait for the one under way."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer.join()
            self.timer = None

    def finish(self) -> None:
        self.wait()
        with contextlib.suppress(LsfError, OSError), build_lock(self.req.out, self.req.data):
            self.cache.flush()


class _Stop:
    """SIGTERM and SIGINT stop serve, the same way. The first interrupts what the main thread is
    doing (a rebuild is abandoned: it writes atomically, and the last good site stays), and the
    shutdown that follows runs to its end whatever signals come next: a service manager signals
    every process of the group, and `make` passes its own SIGTERM on, so serve gets two at once.
    Once serve is stopping, the handlers stay until the process exits."""

    def __init__(self) -> None:
        self.signal: signal.Signals | None = None  # the one that stopped serve
        self._stopping = False
        self._pid = os.getpid()

    def _handle(self, signum: int, frame: object) -> None:
        if os.getpid() != self._pid:  # a render worker the first build forked: as without serve
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        if self._stopping:
            return
        self._stopping = True
        self.signal = signal.Signals(signum)
        raise KeyboardInterrupt

    def stopping(self) -> None:
        self._stopping = True

    @contextlib.contextmanager
    def on_signals(self) -> Iterator[None]:
        previous = {s: signal.signal(s, self._handle) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            yield
        finally:
            if self.signal is None:  # ended otherwise (an error): the handlers as they were
                for s, handler in previous.items():
                    signal.signal(s, handler)


@contextlib.contextmanager
def _quiet(logger: str) -> Iterator[None]:
    log = logging.getLogger(logger)
    level = log.level
    log.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        log.setLevel(level)


def _changes_observer() -> Any:
    """watchdog's native observer, reporting changes only: a build reads every data file, and
    reporting those reads (a native observer's opened and closed events) would rebuild forever."""
    from watchdog import events
    from watchdog.observers import Observer

    changes: list[type[events.FileSystemEvent]] = [
        events.FileCreatedEvent,
        events.FileModifiedEvent,
        events.FileDeletedEvent,
        events.FileMovedEvent,
        events.FileClosedEvent,  # closed after writing
    ]

    class ChangesOnly(Observer):  # type: ignore[misc,valid-type]
        def schedule(self, handler: Any, path: Any, *, recursive: bool = False, **kwargs: Any) -> Any:
            return super().schedule(handler, path, recursive=recursive, event_filter=changes)

    return ChangesOnly()


def _mount_path(config: str) -> str:
    """The path the site is published under (site_url's), as `mkdocs serve` serves it."""
    from urllib.parse import urlsplit

    site_url = pipeline.publishing(config, False).site_url
    path = urlsplit(site_url or "/").path or "/"
    return path if path.endswith("/") else path + "/"


def _watched(data: str, out: str, config: str) -> list[str]:
    """What a change in triggers a rebuild: data/, mkdocs.yml, and every hand-written file and
    folder in docs/ (not the generated ones: the build writes those itself)."""
    mine = {p.rstrip("/") for p in layout.GENERATED_PLACES}
    docs = sorted(os.path.join(out, n) for n in os.listdir(out) if n not in mine) if os.path.isdir(out) else []
    return [data, config, *docs]
