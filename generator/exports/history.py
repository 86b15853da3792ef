"""What the calendars have published of each session: `data/calendar-history.yaml`.

A calendar program keeps an event by its UID and takes a new copy only when the copy says it
is newer: SEQUENCE grows when the time, the room or the status changes (RFC 5545, 3.8.7.4),
LAST-MODIFIED and DTSTAMP say when. Nothing in the records says when a session moved, so the
build keeps, per session, the slot its calendars last showed, the sequence number and the time
of the change, in a small file under data/ that is committed with the data: a build on another
machine then gives the same calendars, and no person ever bumps a number by hand.

`read` (an I/O edge: the file, validated with file:line like every data file) and `dump` (its
text) are the ends; `advance` (pure) compares the sessions of the Site with what was published:
a new session starts at sequence 0; a changed slot or status adds one and takes the time of this
build; a session no longer on the agenda with a slot (declined, merged, withdrawn, unscheduled
or deleted) is kept as cancelled, one sequence further, so calendars drop it.

What keeps the file true and small:

- Each entry's uid is `<topic>@<event>.lsfmm-prep` of its own topic and event: an entry that
  names another session would stand in for that session's calendar.
- A sequence is at most MAX_SEQUENCE, the largest integer iCalendar has (RFC 5545, 3.3.8): a
  session at it cannot change again (`overflow`), and the build says so rather than write a
  file the next read refuses.
- Pruning: a cancelled session of an event that ended more than KEEP_DAYS days before the
  build is dropped, from the file and from the calendars. Nobody needs that copy any more, and
  the file then holds only the sessions of events still to come or just past, whatever the
  years of summits and the topics deleted.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import yaml

from generator import layout
from generator.errors import Problems
from generator.records import schema as S
from generator.records import yamlload
from generator.records.model import Site

FILE = layout.HISTORY_FILE
STATUSES = ("tentative", "confirmed", "cancelled")  # iCalendar STATUS values of a VEVENT
MAX_SEQUENCE = 2**31 - 1  # iCalendar's INTEGER (RFC 5545, 3.3.8): what calendar programs read
KEEP_DAYS = 30  # a cancelled session is kept this long after its event ended
SUFFIX = ".lsfmm-prep"  # of every uid: <topic>@<event>.lsfmm-prep

REPAIR = (
    "the build writes this file: after a merge conflict keep, for each session, the entry with the "
    "higher sequence; deleting the file starts every session's calendar again at sequence 0, "
    "which calendar programs that hold a copy may ignore"
)

HEADER = """\
# Written by lsfmm-prep's build: what the calendars last showed of each session, so that a
# calendar program sees a moved or cancelled session as changed (SEQUENCE, LAST-MODIFIED).
# Commit it with the data: a build elsewhere then gives the same calendars. Do not edit it;
# after a merge conflict, keep for each session the entry with the higher sequence.
"""

ENTRY = S.Obj(
    "published session",
    "What the calendars last showed of one session.",
    {
        "uid": S.Field(S.Text(200, facts=False), "The session's UID in every calendar.", required=True),
        "topic": S.Field(S.Slug(), "The topic's id.", required=True),
        "event": S.Field(S.Slug(), "The event's id.", required=True),
        "title": S.Field(S.Text(300, facts=False), "The title shown.", required=True),
        "day": S.Field(S.Date(), "The day shown.", required=True),
        "start": S.Field(S.Clock(), "The start shown (event time zone).", required=True),
        "minutes": S.Field(S.Int(5, 600), "The length shown.", required=True),
        "room": S.Field(S.Slug(), "The room shown, if any."),
        "timezone": S.Field(S.TimeZone(), "The time zone of the times shown.", required=True),
        "status": S.Field(S.Enum(*STATUSES), "tentative, confirmed or cancelled.", required=True),
        "sequence": S.Field(S.Int(0, MAX_SEQUENCE), "How many times it changed.", required=True),
        "modified": S.Field(S.DateTime(), "When it last changed (UTC).", required=True),
    },
)
SPEC = S.Obj(
    "calendar history",
    "data/calendar-history.yaml: what the calendars last showed of each session.",
    {"sessions": S.Field(S.ListOf(ENTRY, max_items=S.BIG_LIST), "One entry per session.", required=True)},
)


@dataclass(frozen=True)
class Published:
    """One session as its calendars show it (hashable: part of the calendars' memo keys)."""

    uid: str
    topic: str
    event: str
    title: str
    day: str
    start: str
    minutes: int
    room: str | None
    timezone: str
    status: str
    sequence: int
    modified: dt.datetime

    def significant(self) -> tuple[Any, ...]:
        """What, changed, makes calendars take the new copy."""
        return (self.day, self.start, self.minutes, self.room, self.timezone, self.status)


History = Mapping[str, Published]  # by uid


def uid(topic_id: str, event_id: str) -> str:
    return f"{topic_id}@{event_id}{SUFFIX}"


# ---------------------------------------------------------------------------------- the file


@dataclass
class Read:
    """The history as read, and the file's bytes (None: no file) to write against; where the
    file is shown and the line of each entry's sequence, to say which cannot grow."""

    history: dict[str, Published]
    raw: bytes | None
    shown: str = FILE
    lines: dict[str, int] = field(default_factory=dict)


def read(data_dir: str, problems: Problems) -> Read:
    """The history file of a data folder (none: empty). Problems go to `problems`."""
    path = os.path.join(data_dir, FILE)
    if not os.path.lexists(path):
        return Read({}, None)
    shown = layout.display_path(path)
    got = yamlload.read_bytes(path, inside=data_dir)
    found = Problems()
    node = yamlload.check_bytes(got, shown, found)
    rec: Any = SPEC.check(node, S.Ctx(shown, found)) if node is not None else S.INVALID
    out: dict[str, Published] = {}
    lines: dict[str, int] = {}
    for entry in rec["sessions"] if rec is not S.INVALID else []:
        if not _agrees(entry, shown, found):
            continue
        if entry["uid"] in out:
            found.error(shown, entry.line_of("uid"), f"uid '{entry['uid']}' is listed twice")
            continue
        out[entry["uid"]] = Published(**{name: entry.get(name) for name in ENTRY.fields})
        lines[entry["uid"]] = entry.line_of("sequence")
    problems.items.extend(found.items)
    if found.errors:
        problems.error(shown, 0, REPAIR)
        return Read({}, got.raw, shown)
    return Read(out, got.raw, shown, lines)


def _agrees(entry: S.Rec, shown: str, problems: Problems) -> bool:
    """Whether an entry's uid is the one of its topic and event: an entry whose uid names
    another session would take that session's place in its calendars."""
    key, topic, event = entry["uid"], entry["topic"], entry["event"]
    if key == uid(topic, event):
        return True
    named_topic, at, rest = key.partition("@")
    named_event = rest.removesuffix(SUFFIX)
    if not at or not rest.endswith(SUFFIX) or not layout.is_id(named_topic) or not layout.is_id(named_event):
        problems.error(
            shown,
            entry.line_of("uid"),
            f"uid '{key}' is not <topic>@<event>{SUFFIX}; this entry's is '{uid(topic, event)}'",
        )
    elif named_topic != topic:
        problems.error(
            shown, entry.line_of("topic"), f"topic '{topic}' is not the one its uid '{key}' names ('{named_topic}')"
        )
    else:
        problems.error(
            shown, entry.line_of("event"), f"event '{event}' is not the one its uid '{key}' names ('{named_event}')"
        )
    return False


def dump(history: History) -> str:
    """The file's text: entries by uid, every field in order."""
    return _dump(tuple(history[key] for key in sorted(history)))


@functools.lru_cache(maxsize=4)
def _dump(published: tuple[Published, ...]) -> str:
    """(Remembered in the process: every build compares the history with its file, and the
    YAML emitter is pure Python, 0.04 s for a summit's 150 sessions.)"""
    entries = []
    for p in published:
        entry = {name: getattr(p, name) for name in ENTRY.fields}
        entry["modified"] = S.utc_text(p.modified)
        if p.room is None:
            del entry["room"]
        entries.append(entry)
    body = yaml.safe_dump({"sessions": entries}, sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body


# ---------------------------------------------------------------------------------- advancing


def status_of(topic: S.Rec) -> str:
    """A scheduled session's calendar status: confirmed once accepted (or held), else tentative."""
    decided = S.decision_status(topic)
    return "confirmed" if decided in ("accepted", "held") else "tentative"


def advance(history: History, site: Site, now: dt.datetime) -> dict[str, Published]:
    """The history after this build: every scheduled session as it now is, and every earlier
    one kept (cancelled once it is no longer on an agenda with a slot) until it is pruned: its
    event gone, or ended more than KEEP_DAYS days before `now` with the session cancelled."""
    out: dict[str, Published] = {}
    for tid, topic in site.topics.items():
        if not topic["slot"] or not site.on_agenda(topic):
            continue
        eid = site.event_of_topic[tid]
        slot = topic["slot"]
        key = uid(tid, eid)
        now_shown = Published(
            key, tid, eid, " ".join(topic["title"].split()), slot["day"], slot["start"], slot["minutes"],
            slot["room"], site.events[eid]["timezone"], status_of(topic), 0, now,
        )  # fmt: skip
        old = history.get(key)
        if old is None:
            out[key] = now_shown
        elif old.significant() != now_shown.significant():
            out[key] = replace(now_shown, sequence=old.sequence + 1)
        elif old.title != now_shown.title:
            out[key] = replace(now_shown, sequence=old.sequence)  # newer, not significant
        else:
            out[key] = old
    for key, old in history.items():
        if key in out or old.event not in site.events:
            continue  # still scheduled; or its whole event is gone, and its calendars with it
        out[key] = (
            old
            if old.status == "cancelled"
            else replace(old, status="cancelled", sequence=old.sequence + 1, modified=now)
        )
    over = {eid for eid in site.events if ended(site.events[eid]["end"]) < now.date() - dt.timedelta(days=KEEP_DAYS)}
    return {key: p for key, p in sorted(out.items()) if not (p.status == "cancelled" and p.event in over)}


def ended(end: str) -> dt.date:
    """The last day of an event's `end`: a day, or the last of a month or a year when no source
    gives more (YYYY-MM, YYYY)."""
    parts = [int(n) for n in str(end).split("-")]
    if len(parts) == 3:
        return dt.date(*parts)
    if len(parts) == 2:
        year, month = parts[0] + parts[1] // 12, parts[1] % 12 + 1
        return dt.date(year, month, 1) - dt.timedelta(days=1)
    return dt.date(parts[0], 12, 31)


def overflow(before: Read, after: History) -> Problems:
    """The sessions whose sequence this build would take past MAX_SEQUENCE, at their lines:
    calendars could not be told that they changed."""
    problems = Problems()
    for key, p in after.items():
        if p.sequence > MAX_SEQUENCE:
            problems.error(
                before.shown,
                before.lines.get(key, 0),
                f"the sequence of '{key}' is {MAX_SEQUENCE}, the largest a calendar takes, so calendars cannot be "
                "told that this session changed; delete this entry (its calendars then start again at 0, which "
                "programs that hold a copy may ignore)",
            )
    return problems


def now() -> dt.datetime:
    """The time of this build, in UTC, to the second: SOURCE_DATE_EPOCH when set (reproducible
    builds, tests), else the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
