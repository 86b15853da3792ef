"""Exports for other tools, built from the Site (pure: records in, file texts out).

- `agenda.ics`: one event per session with a slot, in the event's time zone (with its
  VTIMEZONE), with room, status (tentative until accepted), a plain-text description (leads,
  those of the topics merged into it marked, who must attend, tracks, the brief's address,
  the abstract as its page shows it with links written out) and the address of the
  session's brief; and each session taken off the agenda since the calendars showed it, as
  CANCELLED. Unscheduled sessions are left out; the agenda page says so. Written by the
  icalendar library (RFC 5545 escaping, line folding, time zones).
- `topics/<id>.ics`: one session alone, linked from its brief.
- `people/<id>.ics`: the sessions a person leads (a session a topic of theirs was merged into
  too) or must attend, linked from their page.
- `events/<id>/schedule.xml` and `schedule.json`: the event's sessions for schedule apps
  (Giggity, ConfClerk, EventFahrplan), in the formats frab and pretalx write
  (`generator.exports.frab`).
- `writeups/<id>.txt` and `events/<id>/writeup.txt`: each session's and each summit's write-up
  draft as plain text (`generator.pages.render.render_writeup_text`).
- `data.json`: every record as validated, the relations derived from them, the data file each
  came from and the page that shows it. Its JSON Schema is `docs/schemas/data.schema.json`
  (`generator.exports.jsonschemas.data_schema`, built from the same field definitions).

Values in the exports are the records' text as written: these are not Markdown or HTML, and a
consumer escapes them for its own output. The one change is the one the pages make too: bidi
controls are shown as [U+202E] in the calendar, which people read in a calendar program.

Output is deterministic: SEQUENCE, DTSTAMP and LAST-MODIFIED come from the calendar history
(`generator.exports.history`, kept in data/ by the build), and nothing depends on the clock or on hash
order. Each calendar and each record's line of data.json is a `Site.derive` value, so a
recording view keeps them between builds while what they read is unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any

from icalendar import Calendar, Event, Timezone

from generator import layout
from generator.exports import feed
from generator.exports.frab import schedule_files
from generator.exports.history import History, Published, advance
from generator.layout import Publish
from generator.pages import markup
from generator.pages.render import render_writeup_text, writeup_path
from generator.records import releases
from generator.records import schema as S
from generator.records.model import Site
from generator.records.schedule import MERGED_PARTS, needed

CALENDAR = layout.target("calendar")
DATA = layout.target("data")
DATA_SCHEMA = layout.target("data-schema")


def calendar_path(tid: str) -> str:
    """Where the calendar file of one session goes, beside its brief."""
    return layout.target("session-calendar", tid)


def exports(
    site: Site, publish: Publish, history: History | None = None, streamed: bool = False
) -> dict[str, str | Iterator[str]]:
    """Every export file, keyed by its path under docs/: a calendar per event (the current
    one's also at the top, to subscribe to), one per scheduled session, one per person who
    leads or must attend a session, schedule.xml and schedule.json per event (those whose days
    and time zone are known), the write-up drafts as plain text, and data.json. `history`: what the calendars have shown
    of each session (`history.advance` of this build); without it, as if all were new now."""
    published = history if history is not None else advance({}, site, EPOCH)
    out: dict[str, str | Iterator[str]] = {}
    for eid, event in site.events.items():
        mine = tuple(p for p in published.values() if p.event == eid)
        paths = [layout.target("event-calendar", eid)] + ([CALENDAR] if eid == site.current_event else [])
        for path in paths:
            out[path] = _calendar(site, publish, path, event["name"], mine, eid)
    for p in published.values():
        if p.topic in site.topics:  # a cancelled session's own calendar stays while its topic does
            path = calendar_path(p.topic)
            out[path] = _calendar(site, publish, path, site.topics[p.topic]["title"], (p,))
    for pid, theirs in sorted(people_sessions(site, published).items()):
        path = layout.target("person-calendar", pid)
        out[path] = _calendar(site, publish, path, f"Sessions of {site.people[pid]['name']}", tuple(theirs))
    for eid in site.releases:
        done = releases.history(site.releases[eid])
        if eid not in site.events or not done:
            continue
        paths = [layout.target("event-feed", eid)] + ([layout.target("feed")] if eid == site.current_event else [])
        for path in paths:
            out[path] = feed.feed(site, publish, eid, path, done)
    out.update(schedule_files(site, publish))
    for kind, rid in writeups(site):
        path = writeup_path(kind, rid)
        out[path] = site.derive(
            ("writeup.txt", publish, kind, rid), partial(render_writeup_text, site, publish, kind, rid), keep=True
        )
    out[DATA] = data_json_parts(site, publish) if streamed else data_json(site, publish)
    return dict(sorted(out.items()))


def writeups(site: Site) -> list[tuple[str, str]]:
    """The write-up drafts published as plain text: each summit's, and each session's."""
    return [("event", eid) for eid in site.events] + [
        ("topic", tid) for tid in site.topics if site.on_agenda(site.topics[tid])
    ]


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def people_sessions(site: Site, published: History) -> dict[str, list[Published]]:
    """The sessions each person leads or must attend, as published (cancelled ones too, while
    their topic is on record)."""
    out: dict[str, list[Published]] = {}
    for p in published.values():
        topic = site.topics.get(p.topic)
        if topic is None:
            continue
        for pid in needed(topic, site.merged(p.topic, "leads")):
            out.setdefault(pid, []).append(p)
    return out


def _calendar(
    site: Site, publish: Publish, path: str, name: str, sessions: tuple[Published, ...], eid: str | None = None
) -> str:
    return site.derive(
        ("calendar", publish, path, name, sessions, eid),
        lambda: calendar(site, publish, path, name, list(sessions), eid),
        keep=True,
    )


# ---------------------------------------------------------------------------------- calendar


def slot_times(slot: Mapping[str, Any], tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """Start and end of a slot (day, start, minutes), aware, in the event's time zone."""
    start = dt.datetime.combine(dt.date.fromisoformat(slot["day"]), dt.time.fromisoformat(slot["start"]), tzinfo=tz)
    end = (start.astimezone(dt.UTC) + dt.timedelta(minutes=slot["minutes"])).astimezone(tz)
    return start, end


def _event(site: Site, p: Published, publish: Publish, tz: dt.tzinfo) -> Event:
    """One session as a VEVENT: as published (time, room, status, sequence and when it last
    changed), described from its topic while that is on record."""
    event = site.events[p.event]
    topic = site.topics.get(p.topic)
    start, end = slot_times({"day": p.day, "start": p.start, "minutes": p.minutes}, tz)
    vevent = Event()
    vevent.add("uid", p.uid)
    vevent.add("dtstamp", p.modified)
    vevent.add("last-modified", p.modified)
    vevent.add("sequence", p.sequence)
    vevent.add("status", p.status.upper())
    vevent.add("dtstart", start)
    vevent.add("dtend", end)
    title = " ".join((topic["title"] if topic is not None else p.title).split())
    vevent.add("summary", markup.plain(f"Cancelled: {title}" if p.status == "cancelled" else title))
    rooms = {r["id"]: r["name"] for r in event["rooms"]}
    where = [rooms.get(p.room, p.room) if p.room else None, event["place"]]
    if any(where):
        vevent.add("location", markup.plain(", ".join(w for w in where if w)))
    if topic is None:
        return vevent
    brief = publish.page_url(layout.target("topic", topic["id"]))
    brief_url = publish.absolute(brief)
    leads = site.leads_of(topic["id"])
    names = ", ".join(
        site.people[pid]["name"] + (f" (from {' '.join(site.topics[mid]['title'].split())})" if mid else "")
        for pid, mid in leads
    )
    lines = [f"{'Leads' if len(leads) > 1 else 'Lead'}: {names or 'unknown'}"]
    if topic["must_attend"]:
        lines.append("Must attend: " + ", ".join(site.people[w["person"]]["name"] for w in topic["must_attend"]))
    tracks = {t["id"]: t["name"] for t in event["tracks"]}
    if topic["tracks"]:
        lines.append("Tracks: " + ", ".join(tracks[t] for t in topic["tracks"]))
    lines += [
        f"Brief: {brief_url or brief + ' (on the session site)'}",
        "",
        markup.plain_text(topic["abstract"] or "No abstract on record yet."),
    ]
    vevent.add("description", markup.plain("\n".join(lines)))
    if brief_url:
        vevent.add("url", brief_url)
    if topic["tracks"]:
        vevent.add("categories", [markup.plain(tracks[t]) for t in topic["tracks"]])
    return vevent


def calendar(
    site: Site, publish: Publish, path: str, name: str, sessions: list[Published], eid: str | None = None
) -> str:
    """The iCalendar file `path` named `name`, with one VEVENT per session given (each of an
    event with a time zone), in time order; `eid`, for an event's calendar, whose time zone it
    carries even before any session has a slot."""
    cal = Calendar()
    cal.add("prodid", layout.PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("name", markup.plain(name))
    cal.add("x-wr-calname", markup.plain(name))
    if eid is not None and site.events[eid]["timezone"]:
        cal.add("x-wr-timezone", site.events[eid]["timezone"])
    if publish.site_url:
        cal.add("source", publish.absolute(path))
    # Each time zone's rules from the year before its first summit to the year after its last
    # session: always present for an event's calendar, so that even one without a session is
    # valid RFC 5545.
    years: dict[str, list[int]] = {}
    for e in [site.events[eid]] if eid is not None else []:
        if e["timezone"]:
            years.setdefault(e["timezone"], []).append(int(str(e["start"])[:4]))
    shown = []
    for p in sorted(sessions, key=lambda p: (p.day, p.start, p.uid)):
        zone = site.events[p.event]["timezone"]
        if zone:  # needed once a session has a slot (model.validate); a cancelled one may outlive it
            years.setdefault(zone, []).extend((int(str(site.events[p.event]["start"])[:4]), int(p.day[:4])))
            shown.append((p, zone))
    for zone, ys in sorted(years.items()):
        first, last = dt.date(min(ys) - 1, 1, 1), dt.date(max(ys) + 2, 1, 1)
        cal.add_component(Timezone.from_tzid(zone, first_date=first, last_date=last))
    for p, zone in shown:
        cal.add_component(_event(site, p, publish, zoneinfo.ZoneInfo(zone)))
    return cal.to_ical().decode("utf-8")


# ---------------------------------------------------------------------------------- data.json


def _json_value(t: S.Type, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(t, S.Obj):
        return record(t, value)
    if isinstance(t, S.TextOr):  # the mapping, whichever way the file wrote it
        return record(t.obj, value)
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
        return publish.page_url(site.target(kind, rid))

    def person(pid: str) -> dict[str, Any]:
        roles = site.roles_of_person.get(pid, [])
        return record(
            S.PERSON,
            site.people[pid],
            skip=S.EXPORT_SKIP["person"],
            source=site.source(site.people[pid].path),
            page=page("person", pid),
            roles=[{"role": role, "kind": kind, "id": rid} for role, kind, rid in roles],
        )

    def topic(tid: str) -> dict[str, Any]:
        t = site.topics[tid]
        cal = calendar_path(tid) if t["slot"] and site.on_agenda(t) else None
        questions = site.questions_of_topic.get(tid, [])
        resolved = {**t, "event": site.event_of_topic[tid]}  # given, or the only event there is
        doc = record(
            S.TOPIC,
            resolved,
            skip=S.EXPORT_SKIP["topic"],
            source=site.source(t.path),
            page=page("topic", tid),
            calendar=cal,
            questions=questions,
            continued_by=site.continued_by.get(tid, []),
            merged=merged(tid),
        )
        for d in doc["outcome"]["decisions"] if doc["outcome"] else []:
            d["page"] = publish.page_url(layout.target("decision", d["id"], tid))
        return doc

    def merged(tid: str) -> dict[str, Any] | None:
        """What the topics merged into a session bring to it (None: nothing was merged into it)."""
        into = site.merged_into_topic.get(tid, [])
        if not into:
            return None
        brought = {part: [{"id": rid, "from": mid} for rid, mid in site.merged(tid, part)] for part in MERGED_PARTS}
        return {"topics": into, **brought}

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
            record(
                S.QUOTE,
                q,
                author=q["author"],
                date=_json_value(S.DateTime(), q["date"]),
                via=q["via"],
                verified=q["verified"],
            )
            for q in th["quotes"]
        ]
        return doc

    def request(rid: str) -> dict[str, Any]:
        r = site.requests[rid]
        return record(S.REQUEST, r, source=site.source(r.path))

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
        "requests": [item("request", rid, partial(request, rid)) for rid in site.requests],
    }


def data_json(site: Site, publish: Publish) -> str:
    """data.json: the generated-file marker is its first key (write.is_generated reads it).

    One record per line: readable in a diff, and each line is encoded by json's C encoder
    (indent= falls back to the pure-Python one, which took 1.4 s of a 2.1 s no-op build at
    M, 15,000 quotes)."""
    return "".join(data_json_parts(site, publish))


def data_json_parts(site: Site, publish: Publish) -> Iterator[str]:
    """data.json in pieces, in order, made as they are asked for: the build writes each as it
    comes (at ten times M the whole text is 150 MB; joined, it was held three times over)."""

    def line(kind: str, rid: str, make: Callable[[], Any]) -> str:
        return site.derive(
            ("data.json", publish, kind, rid), lambda: "    " + json.dumps(make(), ensure_ascii=False), keep=True
        )

    yield "{\n"
    for n, (key, value) in enumerate(_document(site, publish, line).items()):
        name = json.dumps(key)
        yield ",\n" if n else ""
        if isinstance(value, list) and value:
            yield f"  {name}: [\n"
            for i, row in enumerate(value):
                yield ",\n" + row if i else row
            yield "\n  ]"
        else:
            yield f"  {name}: {json.dumps(value, ensure_ascii=False)}"
    yield "\n}\n"
