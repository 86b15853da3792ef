"""What the commands print, in one place: problems and warnings to standard error, and the
lines that say what a build did."""

from __future__ import annotations

import difflib
import os
import sys

from generator import layout
from generator.builder.pipeline import Built, Result


def say(lines: list[str]) -> None:
    """Problems and warnings, to standard error."""
    for line in lines:
        print(line, file=sys.stderr)


def plural(n: int, word: str) -> str:
    if word == "person":
        return f"{n} {'person' if n == 1 else 'people'}"
    return f"{n} {word}{'s' * (n != 1)}"


def finished(result: Result) -> Result:
    """A build's warnings said; its error raised (printed once, by the command line)."""
    say(result.warnings)
    if result.error is not None:
        raise result.error
    return result


def recovered(site_dir: str, came_from: str | None) -> None:
    if came_from:
        print(f"Put back {site_dir}/ from {os.path.basename(came_from)}/, where a killed build left it.", flush=True)


def generated(out: str, built: Built) -> str:
    r = built.report
    line = (
        f"Generated {built.pages} pages and {built.exports} export files in {out}/: {len(r.written)} written, "
        f"{len(r.unchanged)} unchanged, {len(r.removed)} removed."
    )
    if built.history.written:
        line += (
            f"\nUpdated {layout.HISTORY_FILE} in the data folder (what the calendars show): commit it with the data."
        )
    elif built.history.not_written:
        line += "\n" + built.history.not_written
    return line


def site_line(site_dir: str, result: Result) -> str:
    report = result.site
    assert report is not None
    if report.unchanged:
        return f"Site in {site_dir}/ is up to date: nothing changed, nothing written."
    took = f" in {report.seconds.get('total', 0):.1f} s"
    if report.clean:
        why = f" ({report.why})" if report.why else ""
        return f"Site built in {site_dir}/{took}: {report.pages} pages{why}."
    return f"Site built in {site_dir}/{took}: {report.rendered} pages rendered, {report.reused} reused."


def print_diffs(files: dict[str, bytes], current: dict[str, bytes | None]) -> None:
    """A dry run's changes: each file as a unified diff against what it holds now."""
    for path in sorted(files):
        old = (current.get(path) or b"").decode("utf-8").splitlines(keepends=True)
        new = files[path].decode("utf-8").splitlines(keepends=True)
        sys.stdout.writelines(difflib.unified_diff(old, new, path if current.get(path) else "/dev/null", path))
