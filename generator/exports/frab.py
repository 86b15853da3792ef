"""What schedule apps read: for each event whose days and time zone are known,
`events/<id>/schedule.xml` (frab's XML, as frab and pretalx write it) and
`events/<id>/schedule.json` (the c3voc JSON that pretalx writes). Giggity, ConfClerk and
EventFahrplan open such an address, keep the schedule offline and fetch it again for changes.
Pure: the Site in, file texts out.

One `Schedule`, built from the Site, is written in both formats, so the two say the same:

- The conference: the event's name, first and last day, time zone, its own site, tracks and
  rooms. `acronym` is the event's id with '_' for '-' (the JSON Schema allows no '-' there;
  padded with '_' to the four characters both schemas ask), `version` the event's `schedule`
  (draft or final).
- A day for each of the event's days, from midnight to midnight local time. Not the daily
  hours: EventFahrplan takes the clock time of a day's end as the hour the next day begins,
  and would put a day's sessions before it after midnight.
- Under its day and room, a session for each topic on the agenda with a slot (unscheduled ones
  are left out, as in agenda.ics): start (with its UTC offset), duration, title, kind, tracks
  (their names joined: the formats hold one track per session), the abstract as plain text,
  the leads (those of the topics merged into it too) and the address of its page. A session
  without a room is under a room with an empty name.
- Ids that never change between builds: a session's `guid` is uuid5 over the site's address
  and the session's calendar UID, a room's and a person's over the site's address and their
  ids; the integer `id` the formats still require (and apps store as a key) is read off the
  guid (31 bits; the next free number on the rare clash).

A value the data does not give is left out, or null or empty where the format requires the key:
no subtitle, language, description, logo or recording licence, and no timeslot_duration (the
JSON requires the key: ""). Without a site_url, the XML names no address (its schema wants
http URLs) and the JSON names each page relative to the file. An event whose days or time
zone are unknown has no schedule: these formats give every time with its UTC offset.

Text is the records' text as the calendars show it: titles and names on one line, the abstract
as plain text with its links written out, bidi controls shown as [U+202E], and what XML cannot
carry (control characters, which the data refuses anyway) shown the same way. The writers
escape the rest (ElementTree, json), so markup in a title stays text. Output is
deterministic: everything in a fixed order, nothing from the clock.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
import xml.etree.ElementTree as ET
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from generator import layout
from generator.exports.history import uid
from generator.layout import Publish
from generator.pages import markup
from generator.records import schema as S
from generator.records.model import Site
from generator.records.schedule import timed

XML = "event-schedule-xml"  # layout.target kinds
JSON = "event-schedule-json"
BRIEF_LINK = "Session brief"  # the title of each session's link to its page

# What XML 1.0 cannot carry, and the control characters the data refuses: shown as [U+0007].
_UNSHOWABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# The time zone names the c3voc JSON Schema accepts as time_zone_name (its pattern, searched
# as JSON Schema searches patterns): others are left out, the offsets say the rest.
_C3VOC_ZONE = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")
_ID_BITS = 0x7FFFFFFF  # integer ids fit a signed 32-bit int


@dataclass(frozen=True)
class Person:
    """A lead of a session."""

    name: str
    guid: str
    number: int  # the integer id
    url: str | None  # their page, absolute (None without a site_url)


@dataclass(frozen=True)
class Session:
    """A scheduled topic, as the apps list it."""

    topic: str
    guid: str
    number: int  # the integer id
    slug: str
    title: str
    kind: str
    start: dt.datetime  # aware, in the event's time zone
    minutes: int
    room: str  # its name, '' when the slot names none
    track: str | None
    abstract: str | None
    persons: tuple[Person, ...]
    url: str | None  # its page, absolute (None without a site_url)
    href: str  # its page: absolute, else relative to the schedule file

    @property
    def end(self) -> dt.datetime:
        return (self.start.astimezone(dt.UTC) + dt.timedelta(minutes=self.minutes)).astimezone(self.start.tzinfo)


@dataclass(frozen=True)
class Room:
    """A room on one day, with its sessions in time order."""

    name: str
    guid: str | None  # None for the sessions without a room
    sessions: tuple[Session, ...]


@dataclass(frozen=True)
class Day:
    index: int  # 1 for the first day
    date: dt.date
    start: dt.datetime  # midnight, local time
    end: dt.datetime  # the next midnight
    rooms: tuple[Room, ...]


@dataclass(frozen=True)
class Schedule:
    """An event's schedule, as both formats hold it."""

    version: str
    acronym: str
    title: str
    start: dt.date
    end: dt.date
    timezone: str
    url: str | None  # the event's own site
    tracks: tuple[str, ...]
    rooms: tuple[tuple[str, str], ...]  # the event's rooms: name, guid
    days: tuple[Day, ...]
    xml_url: str | None  # where schedule.xml is published


def schedule_files(site: Site, publish: Publish) -> dict[str, str]:
    """schedule.xml and schedule.json of every event whose days and time zone are known, keyed
    by their paths under docs/. Each is a `Site.derive` value, kept between builds while what
    it read is unchanged."""
    out = {}
    for eid, event in site.events.items():
        if timed(event):
            for kind in (XML, JSON):
                path = layout.target(kind, eid)
                out[path] = site.derive(
                    ("schedule", kind, publish, eid), partial(_file, site, publish, eid, kind), keep=True
                )
    return out


def _file(site: Site, publish: Publish, eid: str, kind: str) -> str:
    made = site.derive(("schedule", publish, eid), lambda: schedule(site, publish, eid))
    return xml_text(made) if kind == XML else json_text(made)


# ---------------------------------------------------------------------------------- the model


def schedule(site: Site, publish: Publish, eid: str) -> Schedule:
    """The schedule of an event whose days and time zone are known (`timed`)."""
    event = site.events[eid]
    tz = zoneinfo.ZoneInfo(event["timezone"])
    acronym = eid.replace("-", "_").ljust(4, "_")
    rooms = [(r["id"], _line(r["name"])) for r in event["rooms"]]
    tracks = {t["id"]: _line(t["name"]) for t in event["tracks"]}
    topics = [
        site.topics[tid]
        for tid in site.topics_of_event.get(eid, [])
        if site.topics[tid]["slot"] and site.on_agenda(site.topics[tid])
    ]
    guids = {t["id"]: _guid(publish, uid(t["id"], eid)) for t in topics}
    numbers = _numbers(guids.values())
    people = {pid: _guid(publish, f"person:{pid}") for t in topics for pid, _ in site.leads_of(t["id"])}
    person_numbers = _numbers(people.values())

    def person(pid: str) -> Person:
        url = publish.absolute(publish.page_url(layout.target("person", pid)))
        return Person(_line(site.people[pid]["name"]), people[pid], person_numbers[people[pid]], url)

    def session(topic: S.Rec) -> Session:
        tid, slot = topic["id"], topic["slot"]
        page = publish.page_url(layout.target("topic", tid))
        url = publish.absolute(page)
        leads = dict.fromkeys(pid for pid, _ in site.leads_of(tid))  # in order, each once
        start = dt.datetime.combine(dt.date.fromisoformat(slot["day"]), dt.time.fromisoformat(slot["start"]), tz)
        names = [tracks[t] for t in topic["tracks"]]
        return Session(
            topic=tid,
            guid=guids[tid],
            number=numbers[guids[tid]],
            slug=f"{acronym}-{tid}",
            title=_line(topic["title"]),
            kind=_capital(S.TOPIC_KIND.label(topic["kind"])),
            start=start,
            minutes=slot["minutes"],
            room=dict(rooms).get(slot["room"], "") if slot["room"] else "",
            track=", ".join(names) or None,
            abstract=_text(markup.plain_text(topic["abstract"])) if topic["abstract"] else None,
            persons=tuple(person(pid) for pid in leads),
            url=url,
            href=url or layout.relative(layout.target(JSON, eid), page),
        )

    sessions = sorted((session(t) for t in topics), key=lambda s: (s.start, s.topic))
    first, last = dt.date.fromisoformat(str(event["start"])), dt.date.fromisoformat(str(event["end"]))
    room_guids = {rid: _guid(publish, f"room:{eid}/{rid}") for rid, _ in rooms}
    by_name: dict[str, str] = {}  # a room's guid by its name (the first room of that name)
    for rid, name in rooms:
        by_name.setdefault(name, room_guids[rid])
    days = []
    for index in range((last - first).days + 1):
        day = first + dt.timedelta(days=index)
        mine = [s for s in sessions if s.start.date() == day]
        names = [n for n in by_name if any(s.room == n for s in mine)]
        names += [""] if any(s.room == "" for s in mine) else []  # sessions without a room, last
        days.append(
            Day(
                index=index + 1,
                date=day,
                start=dt.datetime.combine(day, dt.time(), tz),
                end=dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tz),
                rooms=tuple(Room(n, by_name.get(n), tuple(s for s in mine if s.room == n)) for n in names),
            )
        )
    return Schedule(
        version=event["schedule"],
        acronym=acronym,
        title=_line(event["name"]),
        start=first,
        end=last,
        timezone=event["timezone"],
        url=event["url"],
        tracks=tuple(tracks.values()),
        rooms=tuple((name, room_guids[rid]) for rid, name in rooms),
        days=tuple(days),
        xml_url=publish.absolute(layout.target(XML, eid)),
    )


def _guid(publish: Publish, name: str) -> str:
    """A guid that stays while the site's address and the name do."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, (publish.site_url or "") + name))


def _numbers(guids: Iterable[str]) -> dict[str, int]:
    """The integer id of each guid: its first 31 bits (1 for none), or on the rare clash the
    next free number, in guid order."""
    out: dict[str, int] = {}
    taken: set[int] = set()
    for guid in sorted(set(guids)):
        number = int(guid[:8], 16) & _ID_BITS or 1
        while number in taken:
            number = number % _ID_BITS + 1
        taken.add(number)
        out[guid] = number
    return out


def _text(value: str) -> str:
    """Text as a schedule app shows it: bidi controls and what XML cannot carry as [U+XXXX]."""
    return _UNSHOWABLE.sub(lambda m: f"[U+{ord(m.group()):04X}]", markup.plain(value))


def _line(value: object) -> str:
    """A title or a name: on one line."""
    return _text(" ".join(str(value).split()))


def _capital(label: str) -> str:
    return label[:1].upper() + label[1:]


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# ---------------------------------------------------------------------------------- schedule.xml


def xml_text(s: Schedule) -> str:
    """schedule.xml: frab's XML (the c3voc XML Schema), elements in the order pretalx writes them."""
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", name=layout.GENERATOR)
    if s.xml_url:
        _sub(root, "url", s.xml_url)
    _sub(root, "version", s.version)
    conference = ET.SubElement(root, "conference")
    _sub(conference, "title", s.title)
    _sub(conference, "acronym", s.acronym)
    _sub(conference, "start", s.start.isoformat())
    _sub(conference, "end", s.end.isoformat())
    _sub(conference, "days", str(len(s.days)))
    if s.url:
        _sub(conference, "url", s.url)
    _sub(conference, "time_zone_name", s.timezone)
    for name in s.tracks:
        ET.SubElement(conference, "track", name=name)
    for day in s.days:
        attrs = {"index": str(day.index), "date": day.date.isoformat()}
        xday = ET.SubElement(root, "day", attrs, start=day.start.isoformat(), end=day.end.isoformat())
        for room in day.rooms:
            xroom = ET.SubElement(xday, "room", {"name": room.name} | ({"guid": room.guid} if room.guid else {}))
            for x in room.sessions:
                _xml_session(ET.SubElement(xroom, "event", guid=x.guid, id=str(x.number)), x)
    ET.indent(root)
    return layout.XML_DECLARATION + ET.tostring(root, encoding="unicode") + "\n"


def _xml_session(event: ET.Element, x: Session) -> None:
    _sub(event, "date", x.start.isoformat())
    _sub(event, "start", x.start.strftime("%H:%M"))
    _sub(event, "duration", _clock(x.minutes))
    _sub(event, "room", x.room)
    if x.url:
        _sub(event, "url", x.url)
    _sub(event, "title", x.title)
    _sub(event, "track", x.track or "")
    _sub(event, "type", x.kind)
    _sub(event, "abstract", x.abstract or "")
    persons = ET.SubElement(event, "persons")  # always: some readers iterate it unchecked
    for p in x.persons:
        _sub(persons, "person", p.name, id=str(p.number), guid=p.guid)
    if x.url:
        links = ET.SubElement(event, "links")  # Giggity shows links, not <url>
        _sub(links, "link", BRIEF_LINK, href=x.url)


def _sub(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = text
    return element


# ---------------------------------------------------------------------------------- schedule.json


def json_text(s: Schedule) -> str:
    """schedule.json: the c3voc JSON Schema's document, keys in the order pretalx writes them."""
    conference: dict[str, Any] = {
        "acronym": s.acronym,
        "title": s.title,
        "start": s.start.isoformat(),
        "end": s.end.isoformat(),
        "daysCount": len(s.days),
        "timeslot_duration": "",
    }
    if _C3VOC_ZONE.search(s.timezone):
        conference["time_zone_name"] = s.timezone
    if s.url:
        conference["url"] = s.url
    conference["tracks"] = [{"name": name} for name in s.tracks]
    conference["rooms"] = [{"name": name, "guid": guid} for name, guid in s.rooms]
    conference["days"] = [
        {
            "index": day.index,
            "date": day.date.isoformat(),
            "day_start": day.start.isoformat(),
            "day_end": day.end.isoformat(),
            "rooms": {room.name: [_json_session(x) for x in room.sessions] for room in day.rooms},
        }
        for day in s.days
    ]
    doc = {
        "$schema": layout.SCHEDULE_JSON_SCHEMA,
        "generator": {"name": layout.GENERATOR},
        "schedule": {"version": s.version, "conference": conference},
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _json_session(x: Session) -> dict[str, Any]:
    return {
        "guid": x.guid,
        "id": x.number,
        "date": x.start.isoformat(),
        "start": x.start.strftime("%H:%M"),
        "end": x.end.isoformat(),
        "duration": _clock(x.minutes),
        "room": x.room,
        "slug": x.slug,
        "url": x.href,
        "title": x.title,
        "subtitle": None,
        "track": x.track,
        "type": x.kind,
        "language": None,
        "abstract": x.abstract,
        "description": None,
        # `name` for the schema, `public_name` for the readers that still take only that
        "persons": [
            {"name": p.name, "public_name": p.name, "guid": p.guid, **({"url": p.url} if p.url else {})}
            for p in x.persons
        ],
        "links": [{"url": x.url, "title": BRIEF_LINK, "type": "web"}] if x.url else [],
    }
