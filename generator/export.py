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
revision time), and nothing depends on the clock or on hash order.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import zoneinfo
from typing import Any

from icalendar import Calendar, Event, Timezone

from generator import markup
from generator import schema as S
from generator.cache import Cache, Memo, memo_key, memo_of
from generator.model import Site, source_of
from generator.render import session_order, target
from generator.siteconfig import Publish

CALENDAR = target("calendar", "")
DATA = target("data", "")
DATA_SCHEMA = target("data-schema", "")
PRODID = "-//lsfmm-prep//agenda//EN"  # write.is_generated knows calendars by this


def calendar_path(tid: str) -> str:
    """Where the calendar file of one session goes, beside its brief."""
    return target("session-calendar", tid)


def exports(site: Site, publish: Publish, cache: Cache | None = None) -> dict[str, str]:
    """Every export file, keyed by its path under docs/. With `cache`, a calendar and each
    line of data.json are made again only when a data file they are made from changed."""
    memo = memo_of(cache, "exports")
    scheduled = [t for t in session_order(site) if t["slot"]]
    tz = _tz_stamp(site.event["timezone"])  # once: every calendar has the event's time zone
    out = {CALENDAR: _calendar(memo, tz, site, scheduled, publish, CALENDAR, site.event["name"])}
    for topic in scheduled:
        path = calendar_path(topic["id"])
        out[path] = _calendar(memo, tz, site, [topic], publish, path, topic["title"])
    out[DATA] = data_json(site, publish, memo)
    return out


def _sha(site: Site, rec: S.Rec) -> str:
    return site.file_hashes.get(rec.path, "")


def _tz_stamp(name: str) -> tuple[Any, ...]:
    """Which time zone rules `name` is read from, so that new tzdata makes new calendars."""
    for folder in zoneinfo.TZPATH:
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            st = os.stat(path)
            return (path, st.st_size, st.st_mtime_ns)
    try:
        import tzdata  # the fallback zoneinfo uses

        return ("tzdata", tzdata.IANA_VERSION)
    except ImportError:  # pragma: no cover - zoneinfo fails first
        return ("none",)


def _calendar(
    memo: Memo, tz: tuple[Any, ...], site: Site, topics: list[S.Rec], publish: Publish, path: str, name: str
) -> str:
    event = site.event
    key = memo_key(
        "calendar",
        path,
        name,
        _sha(site, event),
        site.file_hashes.get(site.sources_of.get("people", ""), ""),
        tuple((t["id"], _sha(site, t)) for t in topics),
        publish.site_url,
        publish.directory_urls,
        tz,
    )
    return memo.get_or(key, lambda: calendar(site, topics, publish, path, name))


# ---------------------------------------------------------------------------------- calendar


def slot_times(topic: S.Rec, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """Start and end of a scheduled session, aware, in the event's time zone."""
    slot = topic["slot"]
    start = dt.datetime.combine(dt.date.fromisoformat(slot["day"]), dt.time.fromisoformat(slot["start"]), tzinfo=tz)
    end = (start.astimezone(dt.UTC) + dt.timedelta(minutes=slot["minutes"])).astimezone(tz)
    return start, end


def _stamp(posted: Any) -> dt.datetime:
    if isinstance(posted, dt.datetime):
        return posted.astimezone(dt.UTC)
    return dt.datetime.combine(dt.date.fromisoformat(str(posted)), dt.time(0, 0), tzinfo=dt.UTC)


def _event(site: Site, topic: S.Rec, publish: Publish, tz: dt.tzinfo) -> Event:
    event, slot = site.event, topic["slot"]
    brief = publish.page_url(target("topic", topic["id"]))
    brief_url = publish.absolute(brief)
    start, end = slot_times(topic, tz)
    vevent = Event()
    vevent.add("uid", f"{topic['id']}@{event['id']}.lsfmm-prep")
    vevent.add("dtstamp", _stamp(topic["posted"]))
    vevent.add("dtstart", start)
    vevent.add("dtend", end)
    vevent.add("summary", markup.plain(topic["title"]))
    where = [site.rooms[slot["room"]]["name"] if slot["room"] else None, event["place"]]
    if any(where):
        vevent.add("location", markup.plain(", ".join(w for w in where if w)))
    lead = site.people[topic["lead"]]["name"]
    lines = [f"Lead: {lead}", f"Brief: {brief_url or brief + ' (on the session site)'}", "", topic["abstract"]]
    vevent.add("description", markup.plain("\n".join(lines)))
    if brief_url:
        vevent.add("url", brief_url)
    if topic["tracks"]:
        vevent.add("categories", [markup.plain(site.tracks[t]["name"]) for t in topic["tracks"]])
    return vevent


def calendar(site: Site, topics: list[S.Rec], publish: Publish, path: str, name: str) -> str:
    """The iCalendar file `path` named `name`, with one event per session given (all scheduled)."""
    event = site.event
    tz = zoneinfo.ZoneInfo(event["timezone"])
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("name", markup.plain(name))
    cal.add("x-wr-calname", markup.plain(name))
    cal.add("x-wr-timezone", event["timezone"])
    if publish.site_url:
        cal.add("source", publish.absolute(path))
    # The time zone's rules from the year before the summit to the year after every session:
    # always present, so that even a calendar without a session yet is valid RFC 5545.
    years = [int(str(event["start"])[:4])] + [int(t["slot"]["day"][:4]) for t in topics]
    first, last = dt.date(min(years) - 1, 1, 1), dt.date(max(years) + 2, 1, 1)
    cal.add_component(Timezone.from_tzid(event["timezone"], first_date=first, last_date=last))
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
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


def record(spec: S.Obj, rec: S.Rec, skip: tuple[str, ...] = (), **extra: Any) -> dict[str, Any]:
    """A validated record as JSON: every field of its schema, in schema order, then `extra`."""
    out = {name: _json_value(f.type, rec.get(name)) for name, f in spec.fields.items() if name not in skip}
    clash = set(out) & set(extra)
    if clash:  # pragma: no cover - a derived key must never hide a field
        raise ValueError(f"derived keys {sorted(clash)} clash with fields of {spec.name}")
    out.update(extra)
    return out


def data(site: Site, publish: Publish) -> dict[str, Any]:
    """Every record, cross-linked: the document that data.json holds."""
    return _document(site, publish, lambda key, make: make())


def _document(site: Site, publish: Publish, item: Any) -> dict[str, Any]:
    """The data.json document; each record in its lists is `item(key, make)`, where `make()`
    gives the record and `key` names everything it is made from."""

    def page(kind: str, rid: str = "") -> str:
        return publish.page_url(target(kind, rid))

    def src(rec: S.Rec) -> str:
        return source_of(site, rec.path)

    scheduled = {t["id"] for t in site.topics.values() if t["slot"]}
    url = (publish.site_url, publish.directory_urls, site.data_dir)

    def thread(th: S.Rec) -> dict[str, Any]:
        doc = record(S.THREAD, th, skip=("quotes",), source=src(th))
        doc["quotes"] = [
            record(S.QUOTE, q, author=q["author"], date=_json_value(S.DateTime(), q["date"])) for q in th["quotes"]
        ]
        return doc

    def person(pid: str, p: S.Rec) -> Any:
        roles = tuple(site.roles_of_person.get(pid, []))
        return item(
            memo_key("person", pid, _sha(site, p), url, roles),
            lambda: record(
                S.PERSON,
                p,
                source=src(p),
                page=page("person", pid),
                roles=[{"role": role, "kind": kind, "id": rid} for role, kind, rid in roles],
            ),
        )

    def topic(tid: str, t: S.Rec) -> Any:
        cal = calendar_path(tid) if tid in scheduled else None
        questions = site.questions_of_topic.get(tid, [])
        return item(
            memo_key("topic", tid, _sha(site, t), url, cal, tuple(questions)),
            lambda: record(S.TOPIC, t, source=src(t), page=page("topic", tid), calendar=cal, questions=questions),
        )

    def proposal(pid: str, p: S.Rec) -> Any:
        topics = site.topics_of_proposal.get(pid, [])
        questions = site.questions_of_proposal.get(pid, [])
        quotes = site.quotes_of_proposal.get(pid, [])
        return item(
            memo_key("proposal", pid, _sha(site, p), url, tuple(topics), tuple(questions), tuple(quotes)),
            lambda: record(
                S.PROPOSAL,
                p,
                source=src(p),
                page=page("proposal", pid),
                topics=topics,
                questions=questions,
                quotes=quotes,
            ),
        )

    def question(qid: str, q: S.Rec) -> Any:
        quotes = site.quotes_of_question.get(qid, [])
        return item(
            memo_key("question", qid, _sha(site, q), url, tuple(quotes)),
            lambda: record(S.QUESTION, q, source=src(q), page=page("question", qid), quotes=quotes),
        )

    return {
        "generated_by": "lsfmm-prep",
        "$schema": DATA_SCHEMA,
        "site_url": publish.site_url,
        "event": record(S.EVENT, site.event, source=src(site.event), page=page("home"), calendar=CALENDAR),
        "people": [person(pid, p) for pid, p in site.people.items()],
        "topics": [topic(tid, t) for tid, t in site.topics.items()],
        "proposals": [proposal(pid, p) for pid, p in site.proposals.items()],
        "questions": [question(qid, q) for qid, q in site.questions.items()],
        "threads": [
            item(memo_key("thread", thid, _sha(site, th), url), lambda th=th: thread(th))
            for thid, th in site.threads.items()
        ],
    }


def data_json(site: Site, publish: Publish, memo: Memo | None = None) -> str:
    """data.json: the generated-file marker is its first key (write.is_generated reads it).

    One record per line: readable in a diff, and each line is encoded by json's C encoder
    (indent= falls back to the pure-Python one, which took 1.4 s of a 2.1 s no-op build at
    M, 15,000 quotes). Each line is kept in `memo` under its key."""
    memo = memo if memo is not None else Memo({})

    def line(key: bytes, make: Any) -> str:
        return memo.get_or(key, lambda: "    " + json.dumps(make(), ensure_ascii=False))

    parts = []
    for key, value in _document(site, publish, line).items():
        name = json.dumps(key)
        if isinstance(value, list) and value:
            rows = ",\n".join(value)
            parts.append(f"  {name}: [\n{rows}\n  ]")
        else:
            parts.append(f"  {name}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"
