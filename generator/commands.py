"""One function per command of `python -m generator`: each runs the build's phases
(`generator.build.pipeline`) or the import's, and says what happened. Output goes to the terminal here
and nowhere else: results to standard output, problems and warnings to standard error. Errors
are raised (`generator.errors`) and printed once, by `cli.main`.
"""

from __future__ import annotations

import difflib
import os
import re
import signal
import sys
import time
from typing import Any

from generator import layout
from generator.build import pipeline as runner
from generator.cache import noop
from generator.cache.incremental import open_layer
from generator.errors import DataError, Problem, Problems, UsageError
from generator.exports.jsonschemas import schemas
from generator.files import (
    build_lock,
    create_file,
    read_current,
    recover_site,
    replace_text,
    write_data,
    write_files,
    write_pages,
)
from generator.mail import importer, mbox
from generator.pages import grid, markup
from generator.pages.render import Renderer, fmt_date
from generator.records import schema as S
from generator.records import stubs
from generator.records.model import CONFLICT, Site
from generator.site import sitebuild


def say(lines: list[str]) -> None:
    """Problems and warnings, to standard error."""
    for line in lines:
        print(line, file=sys.stderr)


def _layer(data: str, use_cache: bool) -> runner.Clean:
    return open_layer(data) if use_cache else runner.Clean()


def _generated(out: str, built: runner.Built) -> str:
    r = built.report
    line = (
        f"Generated {built.pages} pages and {built.exports} export files in {out}/: {len(r.written)} written, "
        f"{len(r.unchanged)} unchanged, {len(r.removed)} removed."
    )
    if built.history:
        line += (
            f"\nUpdated {layout.HISTORY_FILE} in the data folder (what the calendars show): commit it with the data."
        )
    return line


# ---------------------------------------------------------------------------------- the build


def _checked(data: str, strict: bool, use_cache: bool) -> Site:
    """The Site of the data folder, validated; nothing written (but the cache)."""
    runner.data_folder(data)
    layer = _layer(data, use_cache)
    layer.start()
    try:
        return runner.check(data, strict, layer, say)
    finally:
        say(layer.finish(None))


def check(data: str, strict: bool, use_cache: bool) -> int:
    """Validate only."""
    _checked(data, strict, use_cache)
    return 0


def agenda(data: str, event: str | None, day: str | None, strict: bool, use_cache: bool) -> int:
    """An event's agenda as 72-column text on standard output (for a mail to the list)."""
    site = _checked(data, strict, use_cache)
    eid = event or site.current_event
    if eid not in site.events:
        raise UsageError(f"no event '{eid}' in {data}/events/; there are: {', '.join(sorted(site.events))}")
    ev = site.events[eid]
    if day is not None and not str(ev["start"]) <= day <= str(ev["end"]):
        raise UsageError(f"{day} is not a day of {ev['name']} ({ev['start']} to {ev['end']})")
    sessions = Renderer(site).sessions_of(eid)
    print(grid.agenda_text(ev, sessions, site.people, S.TOPIC_KIND.labels, fmt_date, markup.plain, day), end="")
    return 0


def build(data: str, out: str, config: str, strict: bool, use_cache: bool) -> int:
    with build_lock(out, data):
        built = runner.build(data, out, config, strict, _layer(data, use_cache), say)
    print(_generated(out, built))
    return 0


def site(
    data: str,
    out: str,
    config: str,
    site_dir: str,
    strict: bool,
    use_cache: bool,
    pdf: bool,
    timings: bool = False,
    inputs: noop.Inputs | None = None,
) -> int:
    """build, then MkDocs into a fresh folder that replaces site/ only when all succeeded;
    with `inputs`, what it was made from is recorded once it succeeded."""
    with build_lock(out, data):
        _recover(site_dir)
        before = inputs.before() if inputs else None
        started = time.perf_counter()
        built = runner.build(data, out, config, strict, _layer(data, use_cache), say, pdf=pdf, site_dir=site_dir)
        generated = time.perf_counter() - started
        print(_generated(out, built))
        report = runner.site(sitebuild.Builder(config, site_dir, reuse=use_cache), built.briefs)
        if inputs and before:
            inputs.record(before)  # under the lock: another build may follow at once
    print(_site_line(site_dir, report))
    if timings:
        stages = ", ".join(f"{k} {v:.2f} s" for k, v in report.seconds.items() if k != "total")
        print(f"Timings: generation {generated:.2f} s; site: {stages}.")
    folder = os.path.join(site_dir, layout.BRIEFS)
    if built.briefs.files:
        print(f"Session briefs: {len(built.briefs.files)} PDF files in {folder}/.")
    elif built.briefs.manifest:
        stale = sorted(tid for tid, state in built.briefs.states.items() if state == "stale")
        kept = f"Session briefs kept in {folder}/ for {len(built.briefs.manifest)} topics"
        print(kept + (f"; made before what they show changed: {', '.join(stale)} (make pdf)." if stale else "."))
    return 0


def _recover(site_dir: str) -> None:
    came_from = recover_site(site_dir)
    if came_from:
        print(f"Put back {site_dir}/ from {os.path.basename(came_from)}/, where a killed build left it.", flush=True)


def _site_line(site_dir: str, report: sitebuild.Report) -> str:
    if report.unchanged:
        return f"Site in {site_dir}/ is up to date: nothing changed, nothing written."
    took = f" in {report.seconds.get('total', 0):.1f} s"
    if report.clean:
        why = f" ({report.why})" if report.why else ""
        return f"Site built in {site_dir}/{took}: {report.pages} pages{why}."
    return f"Site built in {site_dir}/{took}: {report.rendered} pages rendered, {report.reused} reused."


def serve(
    data: str, out: str, config: str, site_dir: str, strict: bool, addr: str, interval: float, poll: bool = False
) -> int:
    """Build the site, serve it with live reload, and build again whenever a file under
    data/ (or a hand-written page, or mkdocs.yml) changes: only the pages that changed are
    rendered again, and the browser reloads once the new site is in place. The parsed records
    and what the site build can reuse stay in memory for the whole run."""
    from mkdocs.livereload import LiveReloadServer

    from generator.errors import LsfError

    runner.data_folder(data)
    host, _, port = addr.rpartition(":")
    if not host or not port.isdigit():
        raise UsageError(f"--addr {addr!r}: expected HOST:PORT, such as 127.0.0.1:8000")
    layer = open_layer(data, live=True)
    builder = sitebuild.Builder(config, site_dir, live=True)
    failed = True  # the first build always says what it did, and so does one after a failure

    def rebuild() -> None:
        nonlocal failed
        started = time.perf_counter()
        try:
            with build_lock(out, data):
                _recover(site_dir)
                built = runner.build(data, out, config, strict, layer, say, site_dir=site_dir)  # keeps the briefs
                report = runner.site(builder, built.briefs)
        except LsfError as exc:  # reported; the last good site stays
            say(exc.lines())
            failed = True
            return
        if failed or not report.unchanged or built.history:
            print(_generated(out, built), flush=True)
            print(f"{_site_line(site_dir, report)} Save to page: {time.perf_counter() - started:.1f} s.", flush=True)
        failed = False

    rebuild()
    server = LiveReloadServer(
        builder=rebuild,
        host=host,
        port=int(port),
        root=site_dir,
        mount_path=_mount_path(config),
        polling_interval=interval,
    )
    if not poll:  # told of changes by the system (inotify on Linux): polling a summit's files kept a core busy
        server.observer = _changes_observer()  # MkDocs only schedules, starts and stops it
    for path in _watched(data, out, config):
        server.watch(path)

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(f"Serving {site_dir}/ on http://{addr}{_mount_path(config)} (Ctrl-C stops).", flush=True)
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0


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

    site_url = runner.publishing(config, False).site_url
    path = urlsplit(site_url or "/").path or "/"
    return path if path.endswith("/") else path + "/"


def _watched(data: str, out: str, config: str) -> list[str]:
    """What a change in triggers a rebuild: data/, mkdocs.yml, and every hand-written file and
    folder in docs/ (not the generated ones: the build writes those itself)."""
    mine = {p.rstrip("/") for p in layout.GENERATED_PLACES}
    docs = sorted(os.path.join(out, n) for n in os.listdir(out) if n not in mine) if os.path.isdir(out) else []
    return [data, config, *docs]


def clean(out: str) -> int:
    with build_lock(out):
        report = write_pages(out, {}) if os.path.isdir(out) else None
    print(f"Removed {len(report.removed) if report else 0} generated files from {out}/.")
    return 0


def schema(out: str, check_only: bool) -> int:
    files = schemas()
    changed = write_files(out, files, check_only)
    if check_only and changed:
        stale = Problems([Problem(os.path.join(out, name), 0, 0, "stale; run `make schema`") for name in changed])
        raise DataError(stale, summary="")
    if not check_only:
        print(f"Wrote {len(changed)} JSON Schema files to {out}/ ({len(files) - len(changed)} unchanged).")
    return 0


# ---------------------------------------------------------------------------------- adding records


def _valid_site(data: str, hint: str) -> Site:
    """The data as a Site, for commands that add records: they only add to data that checks
    (its warnings are not theirs to show)."""
    try:
        return runner.check(data, False, runner.Clean(), lambda lines: None)
    except DataError as exc:
        exc.hint = hint
        raise


def new(ask: stubs.Ask, data: str) -> int:
    """Write the stub of a new record. The data it joins must check (an event's stub may be the
    first), and so must the data with it, before anything is written."""
    runner.data_folder(data)
    first_event = ask.kind == "event"
    site = None if first_event else _valid_site(data, "Fix these first: a stub is only added to data that checks.")
    texts = {}
    for name in ("questions.yaml", "people.yaml"):
        with open(os.path.join(data, name), encoding="utf-8") as fh:
            texts[name] = fh.read()
    stub = stubs.plan(ask, site, data, texts)
    try:  # the data as it will be, with the stub
        runner.check(data, False, runner.Clean(), lambda lines: None, overlay={stub.path: stub.text.encode()})
    except DataError as exc:  # its errors only: the stub's own placeholders are expected
        errors = Problems(exc.problems.errors)
        hint = f"Fix these first: with the new {ask.kind}, the data would not check."
        if any("names no event" in p.message for p in errors.items):
            hint += " Once there are two events, every topic names its own: add `event: ID` to each above."
        raise DataError(errors, hint=hint) from None
    if stub.old is None:
        create_file(stub.path, stub.text)
    else:
        replace_text(stub.path, stub.old, stub.text)
    shown = layout.display_path(stub.path)
    print(f"{'Added to' if stub.old else 'Wrote'} {shown}: {ask.kind} '{ask.rid}'. Next: {stub.next_step}")
    return 0


def _plural(n: int, word: str) -> str:
    if word == "person":
        return f"{n} {'person' if n == 1 else 'people'}"
    return f"{n} {word}{'s' * (n != 1)}"


def import_mbox(
    data: str, paths: list[str], topic: str | None, thread: str | None, dry_run: str | None, force: bool = False
) -> int:
    """Read mail, plan the additions, check the data as it will be, then show or write them."""
    data = os.path.normpath(data)
    runner.data_folder(data)
    if thread and not layout.is_id(thread):
        raise UsageError(f"--thread {thread!r}: expected an id of lower-case letters, digits and single dashes")
    site = _valid_site(data, "Fix the data before importing into it.")
    read = mbox.read_inputs(paths)
    say([str(p) for p in sorted(read.problems)])
    unreadable = [p for p in read.problems if not p.warning]
    if unreadable:
        raise DataError(summary=f"Failed: {_plural(len(unreadable), 'unreadable input')}; nothing was written.")
    if not read.mails:
        raise DataError(summary="Failed: no message to import (every one was skipped, see above); nothing was written.")
    thread_id = importer.choose_thread(read.mails, site, topic, thread, force)
    thread_path = os.path.join(data, "threads", f"{thread_id}.yaml")
    current = read_current([thread_path, os.path.join(data, "people.yaml")])
    plan = importer.plan(read.mails, site, thread_id, current, data)
    say([str(p) for p in plan.warnings])
    for line in _what_was_read(read, plan):
        print(line)
    if dry_run:
        for line in _summary(read, plan, site):
            print(line)
    if not plan.files:
        held = len(site.threads[thread_id]["messages"]) if thread_id in site.threads else 0
        print(f"{thread_path}: up to date ({_plural(held, 'message')} on record); nothing was written.")
        return 0
    _check_after(data, plan, thread_path)
    for line in _what_changes(plan, site, data, thread_path, current[thread_path] is None, topic):
        print(line)
    if dry_run == "summary":
        print("Dry run: nothing was written.")
        return 0
    if dry_run:
        for path in sorted(plan.files):
            old = (current.get(path) or b"").decode("utf-8").splitlines(keepends=True)
            lines = plan.files[path].decode("utf-8").splitlines(keepends=True)
            sys.stdout.writelines(difflib.unified_diff(old, lines, path if current.get(path) else "/dev/null", path))
        print("Dry run: nothing was written.")
        return 0
    written = write_data(data, plan.files, current)
    print(f"Wrote {', '.join(written)}.")
    return 0


def _what_was_read(read: mbox.Read, plan: importer.Plan) -> list[str]:
    skipped = sum(read.counts.values()) - len(read.mails)
    line = f"Read {_plural(len(read.mails), 'message')} from {_plural(len(read.counts), 'input')}"
    lines = [line + (f"; skipped {skipped} (see the warnings above)." if skipped else ".")]
    if plan.quoted:
        attributed = [q for q in plan.quoted if q.message_id]
        by_text = sum(q.how == "text" for q in attributed)
        lines.append(
            f"Quoted blocks: {len(plan.quoted)}, {len(attributed)} attributed to their message "
            f"({by_text} confirmed by their words, {len(attributed) - by_text} by the reply chain)."
        )
    return lines


# What a warning is about, for the summary of a dry run (first match wins).
_WARNING_KINDS = [
    (re.compile(r"; skipped$"), "message skipped"),
    (re.compile(r"`conflict` line|not merged"), "Message-ID reused"),
    (re.compile(r"is not in <[^>]+>, the message it replies to"), "quote not in the message it replies to"),
    (re.compile(r"says .* wrote the text quoted there"), "attribution contradicts the chain"),
    (re.compile(r"the record's value is kept"), "mail differs from the record"),
]


def _summary(read: mbox.Read, plan: importer.Plan, site: Site) -> list[str]:
    """A dry run's count of what the import finds: messages, people and warnings by kind."""
    ids = {m.message_id for m in read.mails}
    known = sum(1 for mid in ids if mid in site.messages)
    skipped = sum(read.counts.values()) - len(read.mails)
    new = len(plan.added) - len(plan.quoted_only)
    kinds: dict[str, int] = {}
    for problem in [p for p in read.problems if p.warning] + plan.warnings:
        kind = next((k for pattern, k in _WARNING_KINDS if pattern.search(problem.message)), "other")
        kinds[kind] = kinds.get(kind, 0) + 1
    warned = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
    return [
        f"Summary: {new} new, {len(plan.quoted_only)} known only through quotes, {known} already on record, "
        f"{skipped} skipped; {_plural(len(plan.people), 'person')} new; {_plural(len(plan.conflicts), 'conflict')}; "
        f"warnings: {warned or 'none'}."
    ]


def _check_after(data: str, plan: importer.Plan, thread_path: str) -> None:
    """The data as the import would leave it must check, and read back as planned."""
    after = Problems()
    site_after = runner.load_site(data, after, overlay=plan.files)
    wrong = importer.read_back(plan, site_after) if site_after is not None else []
    planned = {f"{CONFLICT} <{mid}>: {said}" for mid, said in plan.conflicts.items()}
    errors = [p for p in after.errors if p.message not in planned]  # the conflicts it records are for a person
    if site_after is None or wrong or errors:
        found = Problems(errors + [Problem(thread_path, 0, 0, w) for w in wrong])
        raise DataError(found, summary="Failed: the import would leave the data invalid (above); nothing was written.")


def _what_changes(plan: importer.Plan, site: Site, data: str, thread_path: str, new: bool, topic: Any) -> list[str]:
    quoted_only = f" ({len(plan.quoted_only)} known only through quotes)" if plan.quoted_only else ""
    if new:
        lines = [
            f"{thread_path}: new thread '{plan.thread_id}' with {_plural(len(plan.added), 'message')}{quoted_only}."
        ]
    else:
        filled = "".join(
            f"; <{mid}> gets {', '.join(fields)}"
            for mid, fields in sorted(plan.filled.items())
            if fields != ["conflict"]
        )
        lists = f"; lists gain {', '.join(plan.lists)}" if plan.lists else ""
        lines = [f"{thread_path}: {_plural(len(plan.added), 'message')} added{quoted_only}{filled}{lists}."]
    if plan.conflicts:
        ids = ", ".join(f"<{mid}>" for mid in sorted(plan.conflicts))
        lines.append(
            f"{thread_path}: {_plural(len(plan.conflicts), 'conflict')} recorded for you to resolve ({ids}): "
            "`check` fails until each `conflict` line is replaced by `resolved: <what you found>`."
        )
    if plan.people:
        names = ", ".join(p.id for p in plan.people)
        people = os.path.join(data, "people.yaml")
        lines.append(f"{people}: {_plural(len(plan.people), 'person')} added, marked for review: {names}.")
    if plan.person_fills:
        names = ", ".join(sorted(plan.person_fills))
        lines.append(f"{os.path.join(data, 'people.yaml')}: under review, mail filed by name alone: {names}.")
    if topic and site.topics.get(topic) and not site.topics[topic]["thread"]:
        lines.append(
            f"Add `thread: {plan.thread_id}` to {site.topics[topic].path} to show the thread on the topic page."
        )
    return lines
