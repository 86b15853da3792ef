"""`release`: record an event's schedule as it stands as its next release, and write the mail
that announces it (the tool never sends mail).

The release goes into data/releases/<event>.yaml (commit it with the data): the Changes page,
the agenda's release line and the feed read it. The mails go under --outbox (default outbox/,
not committed): the announcement to the lists, and a mail to the leads and needed people of
each session that the release schedules anew (added, moved, or in another room), each in its
topic's thread. `announce` writes the mails of a release made before, again.

A release is made only from data that checks with no warning (`check --strict`), only when
something changed since the release before, and only for an event whose sessions can be
placed in time (its days and time zone on record).
"""

from __future__ import annotations

import argparse
import os
import subprocess
from typing import Any

import yaml

from generator import layout
from generator.builder import pipeline
from generator.commands.output import say
from generator.errors import DataError, Problems, UsageError
from generator.exports import history, mailout
from generator.files import read_current, write_records
from generator.pages.render import fmt_date
from generator.records import releases
from generator.records import schema as S
from generator.records.model import Site

HEADER = """\
# yaml-language-server: $schema=../../docs/schemas/releases.schema.json
# Written by `python -m generator release`: each release of this event's schedule as it went
# out, oldest first. Commit it with the data; do not edit it by hand (the Changes page, the
# agenda and the feed compare the schedule with what was released).
"""


def _site(args: argparse.Namespace) -> Site:
    try:
        checked = pipeline.check(args.data, True)
    except DataError as exc:
        raise DataError(
            exc.problems,
            exc.strict,
            summary="Failed: a release is made only from data that checks with no warning (above); "
            "nothing was written.",
        ) from None
    say(checked.warnings)
    return checked.site


def _event(site: Site, args: argparse.Namespace) -> str:
    eid = args.event or site.current_event
    if eid not in site.events:
        raise UsageError(f"no event '{eid}' in {args.data}/events/; there are: {', '.join(sorted(site.events))}")
    return eid


def _sender(args: argparse.Namespace) -> mailout.Sender:
    text = args.sender
    if not text:
        try:
            name = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True, check=False).stdout
            addr = subprocess.run(["git", "config", "user.email"], capture_output=True, text=True, check=False).stdout
        except OSError:
            name = addr = ""
        text = f"{name.strip()} <{addr.strip()}>" if addr.strip() else ""
    found = mailout.Sender.parse(text) if text else None
    if found is None:
        raise UsageError(
            "say who sends the mail: --from 'Name <address>' (or set git's user.name and user.email)"
            + (f"; {text!r} is not an address" if text else "")
        )
    return found


def _lists(args: argparse.Namespace) -> dict[str, str]:
    out = {}
    for item in args.list or []:
        name, _, addr = item.partition("=")
        if not name or mailout.Sender.parse(addr) is None:
            raise UsageError(f"--list {item!r}: give NAME=ADDRESS, e.g. --list linux-mm=linux-mm@kvack.org")
        out[name.strip()] = addr.strip()
    return out


def _addressing(args: argparse.Namespace) -> tuple[mailout.Sender, dict[str, str]]:
    """Who sends the mail and the lists' addresses given: asked before anything is written."""
    return _sender(args), _lists(args)


def _write_mail(
    args: argparse.Namespace,
    site: Site,
    eid: str,
    release: releases.Release,
    addressing: tuple[mailout.Sender, dict[str, str]],
) -> None:
    sender, lists = addressing
    publish = pipeline.publishing(args.config, False)
    box = mailout.Mailer(site, publish, eid, release, sender, lists, fmt_date).outbox()
    folder = os.path.join(args.outbox, eid)
    for rel, raw in sorted(box.files.items()):
        path = os.path.join(folder, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(raw)
    shown = layout.display_path(os.path.join(folder, f"release-{release.number}"))
    print(f"Wrote {len(box.files)} mail{'s' if len(box.files) != 1 else ''} into {shown}/ (nothing was sent):")
    for rel in sorted(box.files):
        print(f"  {layout.display_path(os.path.join(folder, rel))}")
    for note in box.notes:
        print(f"note: {note}")
    print(f"Send them with: git send-email {shown}/*.eml (or open each in your mail program)")


def run(args: argparse.Namespace) -> int:
    site = _site(args)
    eid = _event(site, args)
    event = site.events[eid]
    done = releases.history(site.releases.get(eid))
    if args.command == "announce":
        if not done:
            raise UsageError(
                f"{eid} has no release yet: make one with `python -m generator release --event {eid} --name NAME`"
            )
        number = args.number or done[-1].number
        if not 1 <= number <= len(done):
            raise UsageError(f"{eid} has releases 1 to {len(done)}; there is no release {number}")
        _write_mail(args, site, eid, done[number - 1], _addressing(args))
        return 0
    if not S.exact(event) or not event["timezone"]:
        raise UsageError(f"{event['name']}: a release needs the event's days and time zone on record ({event.path})")
    now = releases.snapshot(site.topics, site.topics_of_event.get(eid, []), site.leads_of)
    if not now:
        raise UsageError(f"{event['name']} has no session with a slot yet: there is nothing to release")
    changed = releases.changes(done[-1].sessions, now) if done else None
    if changed is not None and not changed:
        raise UsageError(
            f"nothing changed since release {done[-1].number} (\u201c{done[-1].name}\u201d) of {eid}: "
            f"there is nothing to release (`announce --event {eid}` writes its mails again)"
        )
    when = history.now()
    if done and when < done[-1].released:
        raise UsageError(f"the clock says {when:%Y-%m-%d %H:%M} UTC, before release {done[-1].number}: check it")
    addressing = _addressing(args) if not args.no_mail and not args.dry_run else None
    entry = releases.record(len(done) + 1, args.name, when, args.note, now)
    data = os.path.join(args.data, "releases", f"{eid}.yaml")
    before = read_current([data])
    text = _dump(before[data], eid, entry)
    problems = Problems()
    after = pipeline.load_site(args.data, problems, overlay={data: text})
    if after is None or problems.errors:
        raise DataError(
            problems, summary="Failed: the release would leave the data invalid (above); nothing was written."
        )
    release = releases.history(after.releases[eid])[-1]
    what = (
        f"since release {release.number - 1}: {release.changes.summary()}"
        if release.number > 1
        else "the first release"
    )
    if args.dry_run:
        print(
            f"Release {release.number} (\u201c{release.name}\u201d) of {eid} would hold "
            f"{releases.count(len(release.sessions))}; {what}."
        )
        for line in releases.change_lines(release.changes, releases.room_names(event)):
            print(f"  {line}")
        print("Nothing was written (--dry-run).")
        return 0
    write_records(args.data, {data: text}, before, ("releases/",))
    print(
        f"Release {release.number} (\u201c{release.name}\u201d) of {eid}: "
        f"{releases.count(len(release.sessions))}; {what}. "
        f"Recorded in {layout.display_path(data)}: commit it with the data."
    )
    if addressing is not None:
        _write_mail(args, after, eid, release, addressing)
    return 0


def _dump(current: bytes | None, eid: str, entry: dict[str, Any]) -> bytes:
    """The releases file with one more release: the file as it is with the new entry appended
    (the releases in it are never rewritten), or a new file."""
    shown = {k: (S.utc_text(v) if k == "released" else v) for k, v in entry.items()}
    item = yaml.safe_dump([shown], sort_keys=False, allow_unicode=True, width=100)
    item = "".join("  " + line if line.strip() else line for line in item.splitlines(keepends=True))
    text = current.decode("utf-8") if current is not None else f"{HEADER}id: {eid}\nreleases:\n"
    if not text.endswith("\n"):
        text += "\n"
    return (text + item).encode("utf-8")
