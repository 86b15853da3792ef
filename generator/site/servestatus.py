"""The status file `serve` keeps in the site it serves (`layout.SERVE_STATUS`): whether the
last rebuild failed and why, for the banner that the theme's script shows in the browser
(overrides/main.html loads overrides/assets/lsfmm-serve.js only when MkDocs' live-reload
server serves the page).

The problems are data: each its file, line, column and message, then the summary lines, as
the terminal shows them. Never markup: a message quotes the data, which quotes mail, and the
script puts every value into the page as text.

The file is serve's alone, and lives only while serve runs: every build removes it first
(`clear`, from the pipeline), so a site that `site` builds, or leaves as it was because nothing
changed, never carries one, even one that a killed serve left behind.
"""

from __future__ import annotations

import contextlib
import json
import os
from typing import Any

from generator import layout
from generator.errors import DataError, LsfError
from generator.files import atomic_write


def status(error: LsfError | OSError | None) -> dict[str, Any]:
    """The status of a rebuild that ended with `error` (None: it succeeded)."""
    if error is None:
        return {"generated_by": layout.GENERATOR, "failed": False}
    if isinstance(error, DataError):
        problems = error.problems.sorted()
        items = [
            {"file": p.path, "line": p.line, "column": p.column, "message": p.message, "warning": p.warning}
            for p in problems
        ]
        summary = error.lines()[len(problems) :]
    else:  # MkDocs' log, a file in the way, the machine's: lines without a place
        lines = error.lines() if isinstance(error, LsfError) else [f"Error: {error}"]
        lines = [line for text in lines for line in text.splitlines() if line.strip()]
        items = [{"file": None, "line": 0, "column": 0, "message": line, "warning": False} for line in lines[:-1]]
        summary = lines[-1:]
    return {"generated_by": layout.GENERATOR, "failed": True, "problems": items, "summary": summary}


def write(site_dir: str, state: dict[str, Any]) -> None:
    """Put the status into the served site (when there is one: with no page, no banner)."""
    if os.path.isdir(site_dir):
        atomic_write(os.path.join(site_dir, layout.SERVE_STATUS), json.dumps(state, ensure_ascii=False).encode())


def clear(site_dir: str) -> None:
    """Remove the status file from the site, if there is one."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(os.path.join(site_dir, layout.SERVE_STATUS))
