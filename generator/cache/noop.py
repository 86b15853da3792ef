"""`site` with nothing changed: known before anything is imported, parsed or rendered.

A successful `site --strict` records what it was made from: every file under the data folder
and the hand-written files of docs/ as the build found them (so that an edit made while it ran
is seen by the next one), and, as the build left them, every generated file of docs/, the
calendar history and the built site (its search index). The code, the packages, the time zone
data and the configuration are the cache's fingerprint: the record is kept under it. When all
of that is the same, the next `site --strict` has nothing to do: every layer would reuse
everything and write nothing. Files are compared by time and size, and by content where their
time is too close to the snapshot to be trusted (`cache.snapshot`). Anything else (an edit, a
file touched, added or removed, another package) runs the build, whose own layers then reuse
what they can. Standard library only: this runs before the build's imports.
"""

from __future__ import annotations

import os
from typing import Any

from generator import layout
from generator.cache import snapshot
from generator.cache.store import Cache, tag
from generator.files import under


def _generated(rel: str) -> bool:
    return under(rel, layout.GENERATED_PLACES)


class Noop:
    """What one `site` reads and leaves, by its folders."""

    def __init__(self, cache: Cache, data: str, out: str, site_dir: str):
        self.cache = cache
        self.data, self.out, self.site_dir = data, out, site_dir
        self.name = f"noop-{tag(data, out, cache.config, site_dir)}"

    def before(self) -> dict[str, Any]:
        """What the build is about to read: taken before it starts."""
        history = layout.HISTORY_FILE
        return {  # the build reads no editor's backup of data/: saving one is no change
            "data": snapshot.walk(
                self.data, lambda rel: rel != history and not layout.editor_file(rel.rsplit("/")[-1])
            ),
            "hand-written": snapshot.walk(self.out, lambda rel: not _generated(rel)),
        }

    def after(self) -> dict[str, Any]:
        """What the build leaves: taken once it succeeded."""
        return {
            "history": snapshot.stat(os.path.join(self.data, layout.HISTORY_FILE)),
            "generated": snapshot.walk(self.out, _generated),
            "site": snapshot.stat(os.path.join(self.site_dir, layout.SITE_STAMP)),
        }

    def unchanged(self, before: dict[str, Any]) -> bool:
        """Whether the last successful `site --strict` was made from exactly what is here now
        (`before`: what the build is about to read, taken once for this check and the record)."""
        kept = self.cache.load(self.name)
        if not isinstance(kept, dict) or not kept.get("site"):
            return False
        folders = {"data": self.data, "hand-written": self.out, "generated": self.out}
        now = {**before, "generated": snapshot.walk(self.out, _generated)}
        for part, folder in folders.items():
            if not snapshot.same_files(kept[part], now[part], folder):
                return False
        return snapshot.same_file(kept["history"], os.path.join(self.data, layout.HISTORY_FILE)) and snapshot.same_file(
            kept["site"], os.path.join(self.site_dir, layout.SITE_STAMP)
        )

    def record(self, before: dict[str, Any]) -> None:
        """After a successful `site --strict`: what it was made from."""
        self.cache.save(self.name, {**before, **self.after()})
