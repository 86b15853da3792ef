"""Schedule releases (pure): what a release of an event's schedule holds, and what changed from
one to the next.

A release is the schedule as it stood when the committee sent it out, kept under
data/releases/<event>.yaml by `python -m generator release` (never edited by hand). Nothing in
the records says when a session moved; a release does, so that attendees can be told what
changed since the version they saw, as pretalx tells them: sessions added, moved (with the old
and the new slot), cancelled, and those whose room, leads, tracks or title changed.

`snapshot` is the schedule as it stands; `changes` compares two snapshots; `check` holds the
rules of the file (numbers 1, 2, 3, ... in order, times that do not go back, an event that
exists, one entry per session).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.errors import Problems
from generator.records import schedule
from generator.records import schema as S

FIELDS = ("topic", "title", "day", "start", "minutes", "room", "tracks", "leads")
SLOT_FIELDS = ("day", "start", "minutes")


@dataclass(frozen=True)
class Session:
    """One session as a release shows it."""

    topic: str
    title: str
    day: str
    start: str
    minutes: int
    room: str | None
    tracks: tuple[str, ...]
    leads: tuple[str, ...]

    def as_record(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "topic": self.topic,
            "title": self.title,
            "day": self.day,
            "start": self.start,
            "minutes": self.minutes,
        }
        if self.room:
            out["room"] = self.room
        if self.tracks:
            out["tracks"] = list(self.tracks)
        if self.leads:
            out["leads"] = list(self.leads)
        return out

    @property
    def slot(self) -> tuple[str, str, int]:
        return (self.day, self.start, self.minutes)


@dataclass(frozen=True)
class Moved:
    before: Session
    after: Session


@dataclass(frozen=True)
class Changed:
    """A session whose slot stayed but whose room, leads, tracks or title changed: which."""

    before: Session
    after: Session
    what: tuple[str, ...]  # of "room", "leads", "tracks", "title"


@dataclass(frozen=True)
class Changes:
    added: tuple[Session, ...] = ()
    moved: tuple[Moved, ...] = ()
    changed: tuple[Changed, ...] = ()
    cancelled: tuple[Session, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.moved or self.changed or self.cancelled)

    def summary(self) -> str:
        """'2 added, 1 moved, 1 cancelled' ('no change' when none)."""
        parts = [
            f"{len(items)} {word}"
            for items, word in (
                (self.added, "added"),
                (self.moved, "moved"),
                (self.changed, "changed"),
                (self.cancelled, "cancelled"),
            )
            if items
        ]
        return ", ".join(parts) or "no change"

    def touched(self) -> list[Session]:
        """The sessions whose leads must hear of this release: added or moved (as they are now),
        and those whose room changed."""
        out = [*self.added, *(m.after for m in self.moved)]
        out += [c.after for c in self.changed if "room" in c.what]
        return sorted(out, key=_order)


@dataclass(frozen=True)
class Release:
    """One release of an event's schedule, with what changed since the one before."""

    event: str
    number: int
    name: str
    released: dt.datetime
    note: str | None
    sessions: tuple[Session, ...]
    changes: Changes = field(default_factory=Changes)


def _order(s: Session) -> tuple[str, str, str, str]:
    return (s.day, s.start, s.room or "", s.topic)


def session_of(rec: Mapping[str, Any]) -> Session:
    """A released session from its record (data/releases/<event>.yaml)."""
    return Session(
        rec["topic"],
        rec["title"],
        str(rec["day"]),
        rec["start"],
        int(rec["minutes"]),
        rec["room"] or None,
        tuple(rec["tracks"] or ()),
        tuple(rec["leads"] or ()),
    )


def snapshot(topics: Mapping[str, S.Rec], tids: Sequence[str], leads_of: Any) -> tuple[Session, ...]:
    """The event's schedule as it stands: every session on its agenda with a slot, in the order
    of its day, start and room. `leads_of(tid)` gives a session's leads, merged topics' included."""
    out = []
    for tid in tids:
        t = topics[tid]
        slot = t["slot"]
        if not slot or not schedule.on_agenda(t):
            continue
        out.append(
            Session(
                tid,
                t["title"],
                str(slot["day"]),
                slot["start"],
                int(slot["minutes"]),
                slot["room"] or None,
                tuple(t["tracks"] or ()),
                tuple(dict.fromkeys(pid for pid, _ in leads_of(tid))),
            )
        )
    return tuple(sorted(out, key=_order))


def changes(before: Sequence[Session], after: Sequence[Session]) -> Changes:
    """What changed from one schedule to the next, each list in the order of the new schedule
    (cancelled ones in that of the old)."""
    old = {s.topic: s for s in before}
    new = {s.topic: s for s in after}
    added = [s for s in after if s.topic not in old]
    cancelled = [s for s in before if s.topic not in new]
    moved: list[Moved] = []
    changed: list[Changed] = []
    for s in after:
        was = old.get(s.topic)
        if was is None:
            continue
        if was.slot != s.slot:
            moved.append(Moved(was, s))
            continue
        what = tuple(f for f in ("room", "leads", "tracks", "title") if getattr(was, f) != getattr(s, f))
        if what:
            changed.append(Changed(was, s, what))
    return Changes(tuple(added), tuple(moved), tuple(changed), tuple(cancelled))


def history(rec: S.Rec | None) -> list[Release]:
    """The releases of one event's file, oldest first, each with its changes from the one before."""
    if rec is None:
        return []
    out: list[Release] = []
    previous: tuple[Session, ...] = ()
    for r in rec["releases"]:
        sessions = tuple(sorted((session_of(s) for s in r["sessions"]), key=_order))
        out.append(
            Release(
                rec["id"],
                int(r["number"]),
                r["name"],
                r["released"],
                r["note"],
                sessions,
                changes(previous, sessions),
            )
        )
        previous = sessions
    return out


def check(files: Mapping[str, S.Rec], events: Mapping[str, S.Rec], problems: Problems) -> None:
    """The rules of the releases files: an event that exists; numbers 1, 2, 3, ... in order;
    release times that never go back; each session once per release."""
    for eid, rec in files.items():
        if eid not in events:
            problems.error(
                rec.path,
                rec.line_of("id"),
                f"releases of an unknown event '{eid}'{S.suggest(eid, set(events))}: the file is named after its event",
            )
        last: dt.datetime | None = None
        for n, r in enumerate(rec["releases"], 1):
            if r["number"] != n:
                problems.error(
                    r.path,
                    r.line_of("number"),
                    f"release number {r['number']} where {n} comes next: releases are numbered 1, 2, 3, ... "
                    "oldest first (the file is written by `python -m generator release`, not by hand)",
                )
            when = r["released"]
            if last is not None and when < last:
                problems.error(r.path, r.line_of("released"), f"release {n} is dated before release {n - 1}")
            last = when
            seen: set[str] = set()
            for s in r["sessions"]:
                if s["topic"] in seen:
                    problems.error(s.path, s.line_of("topic"), f"session '{s['topic']}' twice in release {n}")
                seen.add(s["topic"])


def record(number: int, name: str, when: dt.datetime, note: str | None, sessions: Sequence[Session]) -> dict[str, Any]:
    """A new release as its file holds it."""
    out: dict[str, Any] = {
        "number": number,
        "name": name,
        "released": when.astimezone(dt.UTC).replace(microsecond=0),
    }
    if note:
        out["note"] = note
    out["sessions"] = [s.as_record() for s in sessions]
    return out


def room_names(event: Mapping[str, Any]) -> dict[str, str]:
    """An event's rooms by id, as pages name them."""
    return {r["id"]: r["name"] for r in event["rooms"]}


def slot_words(s: Session, rooms: Mapping[str, str]) -> str:
    """'Mon 4 May, 09:30-10:00, Main hall': a released session's slot in words (a room its event
    no longer lists, by its id)."""
    day = dt.date.fromisoformat(s.day)
    end = S.clock_text(S.clock_minutes(s.start) + s.minutes)
    text = f"{day.strftime('%a')} {day.day} {day.strftime('%b')}, {s.start}-{end}"
    return text + (f", {rooms.get(s.room, s.room)}" if s.room else "")


def change_lines(changes: Changes, rooms: Mapping[str, str]) -> list[str]:
    """What changed, one line per session, as plain text (a feed entry, a mail)."""
    say = functools.partial(slot_words, rooms=rooms)
    lines = [f"Added: {s.title} ({say(s)})" for s in changes.added]
    lines += [f"Moved: {m.after.title} (was {say(m.before)}; now {say(m.after)})" for m in changes.moved]
    lines += [f"Changed: {c.after.title} ({', '.join(c.what)}; now {say(c.after)})" for c in changes.changed]
    lines += [f"Cancelled: {s.title} (was {say(s)})" for s in changes.cancelled]
    return lines


def count(n: int) -> str:
    """'1 session', '3 sessions'."""
    return f"{n} session{'' if n == 1 else 's'}"
