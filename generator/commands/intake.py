"""`intake`: take in a season's mail for one summit: every topic post and request to attend
becomes a record (topics under data/topics/, requests in data/attendance.yaml), each with its
thread under data/threads/ and new senders in data/people.yaml (marked for review). Plans the
additions (`generator.mail.intake`), checks the data as it will be, then reports them
(--dry-run) or writes them. Adds only what is new; what is on record is never changed."""

from __future__ import annotations

import argparse
import os
from collections import Counter

from generator import layout
from generator.builder import pipeline
from generator.builder.load import data_folder
from generator.commands.check import valid_site
from generator.commands.output import plural, print_diffs, say
from generator.errors import DataError, InputError, Problem, Problems, UsageError
from generator.files import read_current, write_records
from generator.mail import form, importer, intake, mbox
from generator.records import schema as S


def run(args: argparse.Namespace) -> int:
    columns: dict[str, str] = {}
    for given in args.column or []:
        fld, sep, header = given.partition("=")
        if not sep or fld not in form.FIELDS:
            raise UsageError(f"--column {given!r}: expected FIELD=HEADER, FIELD one of {', '.join(form.FIELDS)}")
        columns[fld] = header
    if not args.paths and not args.form:
        raise UsageError("give the mail to take in (PATH...), a form export (--form CSV), or both")
    try:
        return take_in(args.data, args.paths, args.event, args.dry_run, args.form, columns)
    except MemoryError:  # the machine's limit, reached before anything is written
        raise InputError(mbox.OUT_OF_MEMORY) from None


def take_in(
    data: str,
    paths: list[str],
    event: str,
    dry_run: bool,
    form_path: str | None = None,
    columns: dict[str, str] | None = None,
) -> int:
    data = os.path.normpath(data)
    data_folder(data)
    site = valid_site(data, "Fix the data before taking mail in.")
    if event not in site.events:
        raise UsageError(f"--event {event!r}: no such event{S.suggest(event, set(site.events))}")
    rows: list[form.Row] = []
    if form_path is not None:
        try:
            with open(form_path, "rb") as fh:
                raw = fh.read(64 * 1024 * 1024)
        except OSError as exc:
            raise DataError(Problems([Problem(form_path, 0, 0, f"cannot read: {exc.strerror or exc}")])) from None
        rows, bad = form.read(raw, form_path, columns or {})
        if bad:
            raise DataError(
                Problems(bad), summary=f"Failed: {plural(len(bad), 'bad row')} in {form_path}; nothing was written."
            )
    read = mbox.read_inputs(paths)
    if read.too_large:
        raise InputError(f"{read.too_large}; split the mail and take it in in parts")
    say([str(p) for p in sorted(read.problems)])
    unreadable = [p for p in read.problems if not p.warning]
    if unreadable:
        raise DataError(summary=f"Failed: {plural(len(unreadable), 'unreadable input')}; nothing was written.")
    people_path = os.path.join(data, "people.yaml")
    attendance_path = os.path.join(data, "attendance.yaml")
    threads = [os.path.join(data, "threads", f"{tid}.yaml") for tid in site.threads]
    current = read_current([people_path, attendance_path, *threads])
    # The records name the export by its file name alone: where it was saved is nobody's business.
    season = intake.plan(read.mails, site, event, current, data, rows, os.path.basename(form_path or ""))
    if season.problems:
        found = Problems([Problem(form_path or p.path, p.line, p.column, p.message) for p in season.problems])
        raise DataError(found, summary="Failed: the form names topics it cannot; nothing was written.")
    current.update(read_current([p for p in season.files if p not in current]))
    say([str(p) for p in season.warnings])
    for line in report(season, read):
        print(line)
    if not season.files:
        print("Nothing new: everything in the input is on record or skipped; nothing was written.")
        return 0
    _check_after(data, season)
    if dry_run:
        for path in sorted(season.files):
            state = "new" if current.get(path) is None else "extended"
            print(f"  would write {layout.display_path(path)} ({state})")
        if dry_run == "diff":
            print_diffs(season.files, current)
        print("Dry run: nothing was written.")
        return 0
    written = write_records(data, season.files, current, (*layout.IMPORT_PLACES, *layout.INTAKE_PLACES))
    print(f"Wrote {plural(len(written), 'file')}: {', '.join(written)}.")
    print(
        "Next: review each new topic's title and the people marked `review:` (check the name, then delete "
        "the line): until then `make check` and `make site` fail (strict), while `python -m generator site` "
        "builds with warnings."
    )
    return 0


def report(season: intake.Season, read: mbox.Read) -> list[str]:
    """Per kind: what was added, what was on record, what was skipped and why."""
    lines = [f"Read {plural(len(read.mails), 'message')} from {plural(len(read.counts), 'input')}."]
    if season.form:
        lines.append(f"Read {plural(season.form_rows, 'row')} from {season.form}.")
    sessions = [t for t in season.topics if t.kind == "session"]
    bofs = [t for t in season.topics if t.kind == "bof"]
    people = season.people.people if season.people else []
    new_sessions = f"{len(sessions)} new session{'s' * (len(sessions) != 1)}"
    new_bofs = f"{len(bofs)} new BoF{'s' * (len(bofs) != 1)}"
    lines.append(f"Topics: {new_sessions}, {new_bofs}, {len(set(season.known_topics))} already on record.")
    for t in season.topics:
        where = f"; posted as a reply to <{t.posted_in}>" if t.posted_in else ""
        lsf = "" if intake.LSF_PC in t.lists else "; not sent to lsf-pc"
        lines.append(f"  + topic {t.id} ({t.kind}, lead {t.lead}){where}{lsf}")
    for mail, title in season.resent:
        lines.append(
            f"  = <{mail.message_id}> sends {title!r} again: filed in the first post's thread, not a new topic"
        )
    lines.append(
        f"Requests to attend: {len(season.requests)} new, {len(set(season.known_requests))} already on record."
    )
    for r in season.requests:
        named = f", names {', '.join(r.topics)}" if r.topics else ", names no topic"
        via = f", form {r.form}" if r.form else ""
        lines.append(f"  + request {r.id} ({r.person}{named}{via})")
    for mail, rid in season.asked_again:
        lines.append(f"  = <{mail.message_id}> asks again: one request, {rid}, names its topic too")
    added = {mid for p in season.plans for mid in p.added}
    replies = len(added & set(season.replies))
    lines.append(
        f"Threads: {plural(len(season.plans), 'thread')}, {plural(len(added), 'message')} added "
        f"({replies} of them replies); people: {len(people)} new (marked for review)."
    )
    reasons = Counter(s.why for s in season.skipped)
    lines.append(f"Skipped: {len(season.skipped)}" + ("." if not season.skipped else ":"))
    for why, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"  {n} x {why}")
        for s in season.skipped:
            if s.why == why:
                lines.append(f"    {s.line()}")
    return lines


def _check_after(data: str, season: intake.Season) -> None:
    """The data as intake would leave it must check, and each thread read back as planned."""
    after = Problems()
    site_after = pipeline.load_site(data, after, overlay=season.files)
    wrong: list[Problem] = []
    if site_after is not None:
        for plan in season.plans:
            shown = os.path.join(data, plan.thread_path)
            wrong += [Problem(shown, 0, 0, w) for w in importer.read_back(plan, site_after)]
        if season.people is not None:
            people = os.path.join(data, "people.yaml")
            wrong += [Problem(people, 0, 0, w) for w in importer.read_back(season.people, site_after)]
        for t in season.topics:
            if t.id not in site_after.topics:
                wrong.append(Problem(os.path.join(data, "topics", f"{t.id}.yaml"), 0, 0, "does not read back"))
        for r in season.requests:
            if r.id not in site_after.requests:
                wrong.append(Problem(os.path.join(data, "attendance.yaml"), 0, 0, f"request {r.id} does not read back"))
    planned = {c for plan in season.plans for c in plan.conflicts}
    errors = [p for p in after.errors if not any(f"<{mid}>" in p.message for mid in planned)]
    if site_after is None and not errors:
        errors = after.errors
    if site_after is None or wrong or errors:
        found = Problems(errors + wrong)
        raise DataError(found, summary="Failed: the intake would leave the data invalid (above); nothing was written.")
