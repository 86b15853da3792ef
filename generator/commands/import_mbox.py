"""`import-mbox`: read mail into one thread file under data/threads/ (new senders go to
data/people.yaml, marked for review): plan the additions, check the data as it will be, then
show them (--dry-run) or write them. Adds only what is new; what is on record is never changed."""

from __future__ import annotations

import argparse
import os
import re
from typing import Any

from generator import layout
from generator.builder import pipeline
from generator.builder.load import data_folder
from generator.commands.check import valid_site
from generator.commands.output import plural, print_diffs, say
from generator.errors import DataError, InputError, Problem, Problems, UsageError
from generator.files import read_current, write_records
from generator.mail import importer, mbox
from generator.records import yamlload
from generator.records.mailrules import CONFLICT
from generator.records.model import Site

_INVALID = "Failed: the import would leave the data invalid (above); nothing was written."


def run(args: argparse.Namespace) -> int:
    try:
        return import_mbox(args.data, args.paths, args.topic, args.thread, args.dry_run, args.force)
    except MemoryError:  # the machine's limit, reached before anything is written
        raise InputError(mbox.OUT_OF_MEMORY) from None


def import_mbox(
    data: str, paths: list[str], topic: str | None, thread: str | None, dry_run: str | None, force: bool = False
) -> int:
    """Read mail, plan the additions, check the data as it will be, then show or write them."""
    data = os.path.normpath(data)
    data_folder(data)
    if thread and not layout.is_id(thread):
        raise UsageError(f"--thread {thread!r}: expected an id of lower-case letters, digits and single dashes")
    site = valid_site(data, "Fix the data before importing into it.")
    read = mbox.read_inputs(paths)
    if read.too_large:
        raise InputError(f"{read.too_large}; split the mail and import it in parts")
    say([str(p) for p in sorted(read.problems)])
    unreadable = [p for p in read.problems if not p.warning]
    if unreadable:
        raise DataError(summary=f"Failed: {plural(len(unreadable), 'unreadable input')}; nothing was written.")
    if not read.mails:
        raise DataError(summary="Failed: no message to import (every one was skipped, see above); nothing was written.")
    thread_id = importer.choose_thread(read.mails, site, topic, thread, force)
    thread_path = os.path.join(data, "threads", f"{thread_id}.yaml")
    current = read_current([thread_path, os.path.join(data, "people.yaml")])
    at_least = len(current[thread_path] or b"") + importer.least_growth(read.mails, site)
    if at_least > yamlload.MAX_BYTES:  # known before the plan: what cannot be written is not planned
        most = yamlload.MAX_BYTES
        too_large = (
            f"file too large: with this mail's records it would have at least {at_least:,} bytes, at most {most:,}"
        )
        raise DataError(Problems([Problem(thread_path, 0, 0, too_large)]), summary=_INVALID)
    plan = importer.plan(read.mails, site, thread_id, current, data)
    say([str(p) for p in plan.warnings])
    for line in _what_was_read(read, plan):
        print(line)
    if dry_run:
        for line in _summary(read, plan, site):
            print(line)
    if not plan.files:
        held = len(site.threads[thread_id]["messages"]) if thread_id in site.threads else 0
        print(f"{thread_path}: up to date ({plural(held, 'message')} on record); nothing was written.")
        return 0
    _check_after(data, plan, thread_path)
    for line in _what_changes(plan, site, data, thread_path, current[thread_path] is None, topic):
        print(line)
    if dry_run == "summary":
        print("Dry run: nothing was written.")
        return 0
    if dry_run:
        print_diffs(plan.files, current)
        print("Dry run: nothing was written.")
        return 0
    written = write_records(data, plan.files, current, layout.IMPORT_PLACES)
    print(f"Wrote {', '.join(written)}.")
    return 0


def _what_was_read(read: mbox.Read, plan: importer.Plan) -> list[str]:
    skipped = sum(read.counts.values()) - len(read.mails)
    line = f"Read {plural(len(read.mails), 'message')} from {plural(len(read.counts), 'input')}"
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
        f"{skipped} skipped; {plural(len(plan.people), 'person')} new; {plural(len(plan.conflicts), 'conflict')}; "
        f"warnings: {warned or 'none'}."
    ]


def _check_after(data: str, plan: importer.Plan, thread_path: str) -> None:
    """The data as the import would leave it must check, and read back as planned."""
    after = Problems()
    site_after = pipeline.load_site(data, after, overlay=plan.files)
    wrong = importer.read_back(plan, site_after) if site_after is not None else []
    planned = {f"{CONFLICT} <{mid}>: {said}" for mid, said in plan.conflicts.items()}
    errors = [p for p in after.errors if p.message not in planned]  # the conflicts it records are for a person
    if site_after is None or wrong or errors:
        found = Problems(errors + [Problem(thread_path, 0, 0, w) for w in wrong])
        raise DataError(found, summary=_INVALID)


def _what_changes(plan: importer.Plan, site: Site, data: str, thread_path: str, new: bool, topic: Any) -> list[str]:
    quoted_only = f" ({len(plan.quoted_only)} known only through quotes)" if plan.quoted_only else ""
    if new:
        lines = [
            f"{thread_path}: new thread '{plan.thread_id}' with {plural(len(plan.added), 'message')}{quoted_only}."
        ]
    else:
        filled = "".join(
            f"; <{mid}> gets {', '.join(fields)}"
            for mid, fields in sorted(plan.filled.items())
            if fields != ["conflict"]
        )
        lists = f"; lists gain {', '.join(plan.lists)}" if plan.lists else ""
        lines = [f"{thread_path}: {plural(len(plan.added), 'message')} added{quoted_only}{filled}{lists}."]
    if plan.conflicts:
        ids = ", ".join(f"<{mid}>" for mid in sorted(plan.conflicts))
        lines.append(
            f"{thread_path}: {plural(len(plan.conflicts), 'conflict')} recorded for you to resolve ({ids}): "
            "`check` fails until each `conflict` line is replaced by `resolved: <what you found>`."
        )
    if plan.people:
        names = ", ".join(p.id for p in plan.people)
        people = os.path.join(data, "people.yaml")
        lines.append(f"{people}: {plural(len(plan.people), 'person')} added, marked for review: {names}.")
    if plan.person_fills:
        names = ", ".join(sorted(plan.person_fills))
        lines.append(f"{os.path.join(data, 'people.yaml')}: under review, mail filed by name alone: {names}.")
    if topic and site.topics.get(topic) and not site.topics[topic]["thread"]:
        lines.append(
            f"Add `thread: {plan.thread_id}` to {site.topics[topic].path} to show the thread on the topic page."
        )
    return lines
