"""The Site as rendering and exports read it in a build: the same records and relations, with
every read noted for the build's `Reuse` (`generator.cache.reuse`), and `derive` answered from
what earlier builds kept when their reads still hold."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from generator.cache.reuse import ALL, Noting, Reuse
from generator.records.model import Site

T = TypeVar("T")


class RecordedSite(Site):
    """A Site whose tables and relations note each record and relation they hand out (a whole
    table when iterated) into `reuse`'s recorder."""

    def __init__(self, site: Site, reuse: Reuse):
        self._site = site
        self._reuse = reuse
        self.data_dir = site.data_dir
        for name in (*Site.TABLES, *Site.RELATIONS):
            setattr(self, name, Noting(getattr(site, name), name, reuse.recorder))
        reuse.watch(site, Site.TABLES)

    @property
    def current_event(self) -> str:  # type: ignore[override]
        self._reuse.recorder.note("events", ALL)  # the current event is chosen among all
        return self._site.current_event

    def derive(self, key: Any, make: Callable[[], T], keep: bool = False) -> T:
        return self._reuse.derive(key, make, keep)
