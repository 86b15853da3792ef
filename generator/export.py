"""Exports for other tools, built from the Site (pure: records in, file texts out).

- `agenda.ics`: one event per scheduled session, in the event's time zone (with its VTIMEZONE),
  with room, description and the address of the session's brief. Unscheduled sessions are left
  out; the agenda page says so. Written by the icalendar library (RFC 5545 escaping, line
  folding, time zone rules).
- `topics/<id>.ics`: the same event alone, linked from the session's brief.
- `data.json`: every record as validated, the relations derived from them, the data file each
  came from and the page that shows it. Its JSON Schema is `docs/schemas/data.schema.json`
  (`generator.jsonschemas.data_schema`, built from the same field definitions).

Values in the exports are the records' text as written: these are not Markdown or HTML, and a
consumer escapes them for its own output. The one change is the one the pages make too: bidi
controls are shown as [U+202E] in the calendar, which people read in a calendar program.

Output is deterministic: DTSTAMP is when the topic was posted (the data records no later
revision time), and nothing depends on the clock or on hash order. Each calendar and each
record's line of data.json is a `Site.derive` value, so a recording view keeps them between
builds while what they read is unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from icalendar import Calendar, Event, Timezone

from generator import layout, markup
from generator import schema as S
from generator.model import Site
from generator.render import session_order
from generator.siteconfig import Publish

CALENDAR = layout.target("calendar")
DATA = layout.target("data")
DATA_SCHEMA = layout.target("data-schema")


def calendar_path(tid: str) -> str:
    """Where the calendar file of one session goes, beside its brief."""
    return layout.target("session-calendar", tid)


def exports(site: Site, publish: Publish) -> dict[str, str]:
    """Every export file, keyed by its path under docs/: a calendar per event (the current
    one's also at the top, to subscribe to), one per scheduled session, and data.json."""
    scheduled = [t for t in session_order(site) if t["slot"] and site.on_agenda(t)]
    out = {}
    for eid, event in site.events.items():
        tids = tuple(t["id"] for t in scheduled if site.event_of_topic[t["id"]] == eid)
        paths = [layout.target("event-calendar", eid)] + ([CALENDAR] if eid == site.current_event else [])
        for path in paths:
            out[path] = _calendar(site, eid, tids, publish, path, event["name"])
    for topic in scheduled:
        path = calendar_path(topic["id"])
        out[path] = _calendar(site, site.event_of_topic[topic["id"]], (topic["id"],), publish, path, topic["title"])
    out[DATA] = data_json(site, publish)
    return dict(sorted(out.items()))


def _calendar(site: Site, eid: str, tids: tuple[str, ...], publish: Publish, path: str, name: str) -> str:
    return site.derive(
        ("calendar", publish, eid, path, name, tids),
        lambda: calendar(site, eid, [site.topics[tid] for tid in tids], publish, path, name),
        keep=True,
    )


# ---------------------------------------------------------------------------------- calendar


def slot_times(topic: S.Rec, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """Start and end of a scheduled session, aware, in the event's time zone."""
    slot = topic["slot"]
    start = dt.datetime.combine(dt.date.fromisoformat(slot["day"]), dt.time.fromisoformat(slot["start"]), tzinfo=tz)
    end = (start.astimezone(dt.UTC) + dt.timedelta(minutes=slot["minutes"])).astimezone(tz)
    return start, end


def _stamp(posted: Any, event: S.Rec) -> dt.datetime:
    """When the topic was posted (or, not known, its event's first day), in UTC."""
    if isinstance(posted, dt.datetime):
        return posted.astimezone(dt.UTC)
    day = str(posted or event["start"])
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(0, 0), tzinfo=dt.UTC)


def _event(site: Site, topic: S.Rec, publish: Publish, tz: dt.tzinfo) -> Event:
    event, slot = site.event_of(topic["id"]), topic["slot"]
    brief = publish.page_url(layout.target("topic", topic["id"]))
    brief_url = publish.absolute(brief)
    start, end = slot_times(topic, tz)
    vevent = Event()
    vevent.add("uid", f"{topic['id']}@{event['id']}.lsfmm-prep")
    vevent.add("dtstamp", _stamp(topic["posted"], event))
    vevent.add("dtstart", start)
    vevent.add("dtend", end)
    vevent.add("summary", markup.plain(topic["title"]))
    rooms = {r["id"]: r["name"] for r in event["rooms"]}
    where = [rooms[slot["room"]] if slot["room"] else None, event["place"]]
    if any(where):
        vevent.add("location", markup.plain(", ".join(w for w in where if w)))
    names = ", ".join(site.people[pid]["name"] for pid in topic["leads"])
    lead = f"{'Lead' if len(topic['leads']) == 1 else 'Leads'}: {names}"
    lines = [lead, f"Brief: {brief_url or brief + ' (on the session site)'}", "", topic["abstract"]]
    vevent.add("description", markup.plain("\n".join(lines)))
    if brief_url:
        vevent.add("url", brief_url)
    if topic["tracks"]:
        tracks = {t["id"]: t["name"] for t in event["tracks"]}
        vevent.add("categories", [markup.plain(tracks[t]) for t in topic["tracks"]])
    return vevent


def calendar(site: Site, eid: str, topics: list[S.Rec], publish: Publish, path: str, name: str) -> str:
    """The iCalendar file `path` named `name`, with one event per session given (all scheduled,
    all of the event `eid`)."""
    event = site.events[eid]
    cal = Calendar()
    cal.add("prodid", layout.PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("name", markup.plain(name))
    cal.add("x-wr-calname", markup.plain(name))
    if event["timezone"]:  # needed once a session has a slot (model.validate)
        cal.add("x-wr-timezone", event["timezone"])
    if publish.site_url:
        cal.add("source", publish.absolute(path))
    if event["timezone"]:
        # The time zone's rules from the year before the summit to the year after every session:
        # always present, so that even a calendar without a session yet is valid RFC 5545.
        years = [int(str(event["start"])[:4])] + [int(t["slot"]["day"][:4]) for t in topics]
        first, last = dt.date(min(years) - 1, 1, 1), dt.date(max(years) + 2, 1, 1)
        cal.add_component(Timezone.from_tzid(event["timezone"], first_date=first, last_date=last))
        tz = zoneinfo.ZoneInfo(event["timezone"])
        for topic in topics:
            cal.add_component(_event(site, topic, publish, tz))
    return cal.to_ical().decode("utf-8")


# ---------------------------------------------------------------------------------- data.json


def _json_value(t: S.Type, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(t, S.Obj):
        return record(t, value)
    if isinstance(t, S.ListOf):
        return [_json_value(t.item, v) for v in value]
    if isinstance(value, dt.datetime):
        return S.utc_text(value)
    return value


def record(spec: S.Obj, rec: Mapping[str, Any], skip: tuple[str, ...] = (), **extra: Any) -> dict[str, Any]:
    """A validated record as JSON: every field of its schema, in schema order, then `extra`."""
    out = {name: _json_value(f.type, rec.get(name)) for name, f in spec.fields.items() if name not in skip}
    clash = set(out) & set(extra)
    if clash:  # pragma: no cover - a derived key must never hide a field
        raise ValueError(f"derived keys {sorted(clash)} clash with fields of {spec.name}")
    out.update(extra)
    return out


def data(site: Site, publish: Publish) -> dict[str, Any]:
    """Every record, cross-linked: the document that data.json holds."""
    return _document(site, publish, lambda kind, rid, make: make())


def _document(site: Site, publish: Publish, item: Callable[[str, str, Callable[[], Any]], Any]) -> dict[str, Any]:
    """The data.json document; each record in its lists is `item(kind, id, make)`, where
    `make()` gives the record as JSON."""

    def page(kind: str, rid: str = "") -> str:
        return publish.page_url(layout.target(kind, rid))

    def person(pid: str) -> dict[str, Any]:
        roles = site.roles_of_person.get(pid, [])
        return record(
            S.PERSON,
            site.people[pid],
            source=site.source(site.people[pid].path),
            page=page("person", pid),
            roles=[{"role": role, "kind": kind, "id": rid} for role, kind, rid in roles],
        )

    def topic(tid: str) -> dict[str, Any]:
        t = site.topics[tid]
        cal = calendar_path(tid) if t["slot"] and site.on_agenda(t) else None
        questions = site.questions_of_topic.get(tid, [])
        resolved = {**t, "event": site.event_of_topic[tid]}  # given, or the only event there is
        return record(
            S.TOPIC,
            resolved,
            skip=S.EXPORT_SKIP["topic"],
            source=site.source(t.path),
            page=page("topic", tid),
            calendar=cal,
            questions=questions,
            continued_by=site.continued_by.get(tid, []),
        )

    def event(eid: str) -> dict[str, Any]:
        ev = site.events[eid]
        return record(
            S.EVENT,
            {**ev, "current": eid == site.current_event},  # the one chosen, marked or not
            source=site.source(ev.path),
            page=page("event", eid),
            calendar=layout.target("event-calendar", eid),
            topics=site.topics_of_event.get(eid, []),
        )

    def proposal(pid: str) -> dict[str, Any]:
        p = site.proposals[pid]
        return record(
            S.PROPOSAL,
            p,
            source=site.source(p.path),
            page=page("proposal", pid),
            topics=site.topics_of_proposal.get(pid, []),
            questions=site.questions_of_proposal.get(pid, []),
            quotes=site.quotes_of_proposal.get(pid, []),
        )

    def question(qid: str) -> dict[str, Any]:
        q = site.questions[qid]
        quotes = site.quotes_of_question.get(qid, [])
        return record(S.QUESTION, q, source=site.source(q.path), page=page("question", qid), quotes=quotes)

    def thread(thid: str) -> dict[str, Any]:
        th = site.threads[thid]
        doc = record(S.THREAD, th, skip=("quotes",), source=site.source(th.path))
        doc["quotes"] = [
            record(S.QUOTE, q, author=q["author"], date=_json_value(S.DateTime(), q["date"])) for q in th["quotes"]
        ]
        return doc

    return {
        "generated_by": layout.GENERATOR,
        "$schema": DATA_SCHEMA,
        "site_url": publish.site_url,
        "current_event": site.current_event,
        "events": [item("event", eid, partial(event, eid)) for eid in site.events],
        "people": [item("person", pid, partial(person, pid)) for pid in site.people],
        "topics": [item("topic", tid, partial(topic, tid)) for tid in site.topics],
        "proposals": [item("proposal", pid, partial(proposal, pid)) for pid in site.proposals],
        "questions": [item("question", qid, partial(question, qid)) for qid in site.questions],
        "threads": [item("thread", thid, partial(thread, thid)) for thid in site.threads],
    }


def data_json(site: Site, publish: Publish) -> str:
    """data.json: the generated-file marker is its first key (write.is_generated reads it).

    One record per line: readable in a diff, and each line is encoded by json's C encoder
    (indent= falls back to the pure-Python one, which took 1.4 s of a 2.1 s no-op build at
    M, 15,000 quotes)."""

    def line(kind: str, rid: str, make: Callable[[], Any]) -> str:
        return site.derive(
            ("data.json", publish, kind, rid), lambda: "    " + json.dumps(make(), ensure_ascii=False), keep=True
        )

    parts = []
    for key, value in _document(site, publish, line).items():
        name = json.dumps(key)
        if isinstance(value, list) and value:
            rows = ",\n".join(value)
            parts.append(f"  {name}: [\n{rows}\n  ]")
        else:
            parts.append(f"  {name}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"
