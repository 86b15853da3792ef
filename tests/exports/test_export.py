"""The exports round-trip through their parsers: agenda.ics and the per-session calendars
through icalendar, data.json through json and its published JSON Schema, on the default data,
the sample fixture, a topic merged into a session (the merge fixture) and the hostile data set."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from icalendar import Calendar

from generator.builder.write import is_generated
from generator.exports.export import CALENDAR, DATA, exports
from generator.exports.history import advance
from generator.exports.jsonschemas import schemas
from generator.layout import Publish
from generator.records.model import Site
from tests.conftest import MERGE, REPO, SAMPLE
from tests.conftest import site_of as load
from tests.hostile import RLO_NAME, write_hostile

PUBLISH = Publish(site_url="https://briefs.example.org/summit/")
DATA_SCHEMA = json.loads(schemas()["data.schema.json"])


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Site:
    return load(write_hostile(tmp_path_factory.mktemp("hostile") / "data", big_quote=False))


def parse_ics(text: str) -> Calendar:
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))  # folded as RFC 5545 says
    return Calendar.from_ical(text)


# ---------------------------------------------------------------------------------- calendars


def test_sample_agenda_has_the_scheduled_session_with_time_zone_room_and_brief():
    site = load(SAMPLE)
    changed = dt.datetime(2030, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
    files = exports(site, PUBLISH, advance({}, site, changed))
    assert sorted(files) == [
        CALENDAR,
        DATA,
        "events/example-summit/agenda.ics",
        "events/example-summit/schedule.json",
        "events/example-summit/schedule.xml",
        "events/example-summit/writeup.txt",  # the write-up drafts as plain text
        "people/ada-lead.ics",
        "topics/hooks-in-mm.ics",
        "writeups/hooks-in-mm.txt",
        "writeups/later-topic.txt",
    ]
    assert files["events/example-summit/agenda.ics"] == files[CALENDAR].replace(
        "agenda.ics", "events/example-summit/agenda.ics"
    )
    cal = parse_ics(files[CALENDAR])
    assert str(cal["prodid"]) == "-//lsfmm-prep//agenda//EN"
    assert str(cal["x-wr-calname"]) == "Example Storage and MM Summit"
    assert [tz.tz_name for tz in cal.timezones] == ["Europe/Prague"]
    (event,) = cal.events  # the unscheduled 'later-topic' is left out
    prague = ZoneInfo("Europe/Prague")
    assert event.start == dt.datetime(2030, 5, 6, 9, 30, tzinfo=prague)
    assert event.end == dt.datetime(2030, 5, 6, 10, 0, tzinfo=prague)
    assert event.start.astimezone(dt.UTC) == dt.datetime(2030, 5, 6, 7, 30, tzinfo=dt.UTC)  # CEST is UTC+2
    assert event.get("dtstart").params["TZID"] == "Europe/Prague"
    assert str(event["uid"]) == "hooks-in-mm@example-summit.lsfmm-prep"
    assert str(event["summary"]) == "Hooks in MM"
    assert str(event["location"]) == "Main hall, Example City"
    assert str(event["url"]) == "https://briefs.example.org/summit/topics/hooks-in-mm/"
    # Plain text: the abstract's Markdown as the page shows it, its link written out.
    assert str(event["description"]) == (
        "Lead: Ada Lead\n"
        "Tracks: Memory management, BPF\n"
        "Brief: https://briefs.example.org/summit/topics/hooks-in-mm/\n"
        "\n"
        "Where should MM grow hooks, and which of them can be stable?\n"
        "\n"
        "See the write-up <https://example.org/writeup>."
    )
    assert [str(c) for c in event["categories"].cats] == ["Memory management", "BPF"]
    # When the calendars first showed it (generator.exports.history), not when the topic was posted.
    assert event.get("dtstamp").dt == event.get("last-modified").dt == changed
    assert (event["sequence"], str(event["status"])) == (0, "TENTATIVE")  # scheduled, not yet accepted


def test_the_session_calendar_holds_the_same_event_alone():
    files = exports(load(SAMPLE), PUBLISH)
    agenda, alone = parse_ics(files[CALENDAR]), parse_ics(files["topics/hooks-in-mm.ics"])
    assert [e.to_ical() for e in alone.events] == [e.to_ical() for e in agenda.events]
    assert str(alone["x-wr-calname"]) == "Hooks in MM"
    assert str(alone["source"]) == "https://briefs.example.org/summit/topics/hooks-in-mm.ics"


def test_every_session_with_a_slot_is_in_the_calendar_in_time_order(tmp_path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    later = data / "topics" / "later-topic.yaml"
    later.write_text(later.read_text() + 'slot:\n  day: 2030-05-07\n  start: "14:00"\n  minutes: 45\n')
    files = exports(load(data), PUBLISH)
    calendars = [
        "events/example-summit/agenda.ics",
        "events/example-summit/schedule.json",
        "events/example-summit/schedule.xml",
        "people/ada-lead.ics",
        "people/cy-author.ics",
        "topics/hooks-in-mm.ics",
        "topics/later-topic.ics",
    ]
    assert sorted(f for f in files if not f.endswith(".txt")) == [CALENDAR, DATA, *calendars]  # and the drafts
    events = parse_ics(files[CALENDAR]).events
    assert [(str(e["summary"]), e.start.isoformat(), e.end.isoformat()) for e in events] == [
        ("Hooks in MM", "2030-05-06T09:30:00+02:00", "2030-05-06T10:00:00+02:00"),
        ("A later topic", "2030-05-07T14:00:00+02:00", "2030-05-07T14:45:00+02:00"),
    ]
    assert str(events[1]["location"]) == "Example City"  # no room: the place alone
    assert str(events[1]["status"]) == "TENTATIVE"  # scheduled, not yet accepted


def test_a_merged_topics_lead_is_in_the_sessions_event_and_has_it_in_their_calendar():
    """cxl-zone-exmem was merged into memory-tiering-2023: the session's event names its lead as
    a co-lead, marked, and that lead's calendar holds the session beside their own."""
    files = exports(load(MERGE), PUBLISH)
    (event,) = parse_ics(files["topics/memory-tiering-2023.ics"]).events
    assert str(event["description"]).startswith(
        "Leads: Hana Tier, Kyu Exmem (from A zone for CXL memory (ZONE_EXMEM))\nMust attend: Mo Maint\n"
    )
    theirs = parse_ics(files["people/kyu-exmem.ics"]).events
    assert [str(e["uid"]) for e in theirs] == [
        "memory-tiering-2023@lsfmmbpf-2023.lsfmm-prep",
        "cxl-hotplug@lsfmmbpf-2023.lsfmm-prep",
    ]
    assert theirs[0].to_ical() == event.to_ical()
    assert not any(path.startswith("topics/cxl-zone-exmem") for path in files)  # merged: no slot of its own


def test_default_data_calendar_is_valid_and_empty_until_sessions_have_slots():
    site = load(REPO / "data")
    assert all(t["slot"] is None for t in site.topics.values())
    files = exports(site, PUBLISH)
    # no per-session calendar for an unscheduled session; each event has its own, and the one
    # whose time zone is known its schedule for apps (tests/exports/test_frab.py)
    assert sorted(f for f in files if not f.endswith(".txt")) == [  # and the write-up drafts
        CALENDAR,
        DATA,
        "events/lsfmmbpf-2023/agenda.ics",
        "events/lsfmmbpf-2026/agenda.ics",
        "events/lsfmmbpf-2026/schedule.json",
        "events/lsfmmbpf-2026/schedule.xml",
    ]
    assert parse_ics(files["events/lsfmmbpf-2023/agenda.ics"]).timezones == []  # no time zone recorded, no slot
    cal = parse_ics(files[CALENDAR])
    assert cal.events == []
    # Still valid RFC 5545: a calendar needs one component, and the time zone is one.
    assert [tz.tz_name for tz in cal.timezones] == ["Europe/Zagreb"]
    assert str(cal["x-wr-calname"]) == "LSFMM+BPF 2026"


def test_without_a_site_url_the_calendar_names_the_brief_relative_to_the_site():
    files = exports(load(SAMPLE), Publish())
    (event,) = parse_ics(files[CALENDAR]).events
    assert "url" not in event and "source" not in parse_ics(files[CALENDAR])
    assert "Brief: topics/hooks-in-mm/ (on the session site)" in str(event["description"])


def test_hostile_text_survives_the_calendar_as_text(hostile):
    (event,) = parse_ics(exports(hostile, PUBLISH)[CALENDAR]).events
    assert str(event["summary"]) == '<script>alert("xss-title")</script> x](javascript:alert(1))'
    description = str(event["description"])
    # A plain field as written (commas, semicolons, quotes and newlines escaped and back).
    assert 'Tracks: <script>alert("xss-track")</script>' in description
    assert "Lead: Mallory [U+202E]redrow[U+202C] Example" in description  # bidi shown, not obeyed
    assert RLO_NAME not in description
    # The abstract (Markdown) as its page shows it: the sanitizer's text, so what the page
    # drops is dropped here too, what the page shows as text is text, a link is written out.
    abstract = description.split("\n\n", 1)[1]
    for dropped in ("xss-script", "xss-iframe", "display:none", "<form", "a hidden comment", "xss-md-img"):
        assert dropped not in abstract
    for kept in ('<script>alert("xss-entity")</script>', "evil link <https://evil.example/>", "cell | split | attempt"):
        assert kept in abstract


def test_calendars_carry_the_generated_file_marker(tmp_path):
    for rel, text in exports(load(SAMPLE), PUBLISH).items():
        path = tmp_path / rel.replace("/", "-")
        path.write_bytes(text.encode("utf-8"))
        assert is_generated(str(path)), rel
    hand = tmp_path / "mine.ics"
    hand.write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//me//cal//EN\r\nEND:VCALENDAR\r\n")
    mine = tmp_path / "data.json"
    mine.write_text('{\n  "generated_by": "someone else",\n}\n')
    assert not is_generated(str(hand)) and not is_generated(str(mine))


# ---------------------------------------------------------------------------------- data.json


@pytest.mark.parametrize("which", ["default", "sample", "merge", "hostile"])
def test_data_json_is_valid_against_its_published_schema(which, hostile):
    site = {
        "default": lambda: load(REPO / "data"),
        "sample": lambda: load(SAMPLE),
        "merge": lambda: load(MERGE),
        "hostile": lambda: hostile,
    }[which]()
    doc = json.loads(exports(site, PUBLISH)[DATA])
    jsonschema.Draft202012Validator(DATA_SCHEMA).validate(doc)
    assert doc["$schema"] == "schemas/data.schema.json" and doc["generated_by"] == "lsfmm-prep"


def test_data_json_round_trips_every_record_and_relation():
    site = load(REPO / "data")
    doc = json.loads(exports(site, PUBLISH)[DATA])
    assert doc["site_url"] == "https://briefs.example.org/summit/"
    assert [p["id"] for p in doc["proposals"]] == list(site.proposals)
    assert [t["id"] for t in doc["topics"]] == list(site.topics)
    assert [q["id"] for q in doc["questions"]] == list(site.questions)
    assert [p["id"] for p in doc["people"]] == list(site.people)
    for p in doc["proposals"]:
        rec = site.proposals[p["id"]]
        assert (p["title"], p["status"], p["summary"]) == (rec["title"], rec["status"], rec["summary"])
        assert p["topics"] == site.topics_of_proposal.get(p["id"], [])
        assert p["questions"] == site.questions_of_proposal.get(p["id"], [])
        assert p["quotes"] == site.quotes_of_proposal.get(p["id"], [])
        assert p["links"] == [dict(link) for link in rec["links"]]
        assert p["source"] == f"data/proposals/{p['id']}.yaml" and p["page"] == f"proposals/{p['id']}/"
    for t in doc["topics"]:
        assert t["calendar"] is None and t["slot"] is None and t["page"] == f"topics/{t['id']}/"
        assert t["questions"] == site.questions_of_topic.get(t["id"], [])
    bpf_oom = next(p for p in doc["people"] if p["id"] == "roman-gushchin")
    assert {"role": "author", "kind": "proposal", "id": "bpf-oom"} in bpf_oom["roles"]
    assert bpf_oom["page"] == "people/roman-gushchin/"
    quotes = {q["id"]: q for th in doc["threads"] for q in th["quotes"]}
    assert sorted(quotes) == sorted(site.quotes)
    for qid, q in quotes.items():
        rec = site.quotes[qid]
        assert q["text"] == rec["text"]  # verbatim
        assert dt.datetime.fromisoformat(q["date"]) == rec["date"]
        assert q["author"] == rec["author"]
    messages = {m["message_id"]: m for th in doc["threads"] for m in th["messages"]}
    for mid, m in messages.items():
        assert dt.datetime.fromisoformat(m["date"]) == site.messages[mid]["date"]
    events = {e["id"]: e for e in doc["events"]}
    assert sorted(events) == ["lsfmmbpf-2023", "lsfmmbpf-2026"] and doc["current_event"] == "lsfmmbpf-2026"
    event = events["lsfmmbpf-2026"]
    assert event["calendar"] == "events/lsfmmbpf-2026/agenda.ics"
    assert event["source"] == "data/events/lsfmmbpf-2026.yaml"
    assert event["topics"] == sorted(site.topics_of_event["lsfmmbpf-2026"])
    for t in doc["topics"]:
        assert t["event"] == site.event_of_topic[t["id"]] and t["leads"] == site.topics[t["id"]]["leads"]


def test_data_json_says_what_a_merged_topic_brings_to_its_session():
    site = load(MERGE)
    doc = json.loads(exports(site, PUBLISH)[DATA])
    topics = {t["id"]: t for t in doc["topics"]}
    exmem = "cxl-zone-exmem"
    assert topics["memory-tiering-2023"]["merged"] == {
        "topics": [exmem],
        "leads": [{"id": "kyu-exmem", "from": exmem}],
        "proposals": [{"id": "zone-exmem", "from": exmem}],
        "questions": [{"id": "exmem-zone-or-node", "from": exmem}],
        "threads": [{"id": exmem, "from": exmem}],
    }
    assert topics["memory-tiering-2023"]["leads"] == ["hana-tier"]  # the record as written
    assert topics[exmem]["merged"] is None and topics["cxl-hotplug"]["merged"] is None
    assert topics[exmem]["decision"]["into"] == "memory-tiering-2023"
    kyu = next(p for p in doc["people"] if p["id"] == "kyu-exmem")
    assert {"role": "co-leads (from a merged topic)", "kind": "topic", "id": "memory-tiering-2023"} in kyu["roles"]


def test_data_json_names_the_calendar_of_each_scheduled_session():
    doc = json.loads(exports(load(SAMPLE), PUBLISH)[DATA])
    assert {t["id"]: t["calendar"] for t in doc["topics"]} == {
        "hooks-in-mm": "topics/hooks-in-mm.ics",
        "later-topic": None,
    }
    hooks = next(t for t in doc["topics"] if t["id"] == "hooks-in-mm")
    assert hooks["slot"] == {"day": "2030-05-06", "start": "09:30", "minutes": 30, "room": "main"}
    assert hooks["posted"] == "2030-01-01T11:00:00Z"  # every time in UTC


def test_data_json_keeps_hostile_text_exact(hostile):
    doc = json.loads(exports(hostile, PUBLISH)[DATA])
    (prop,) = doc["proposals"]
    assert prop["title"] == hostile.proposals["hostile-proposal"]["title"]
    assert {p["name"] for p in doc["people"]} == {RLO_NAME, '<img src=x onerror=alert("xss-name")>'}


@pytest.mark.parametrize(
    ("breakage", "path"),
    [
        (lambda d: d["proposals"][0].pop("topics"), "proposals/0"),
        (lambda d: d["proposals"][0].update(status="merged"), "proposals/0/status"),
        (lambda d: d["topics"][0].update(posted="2030-01-01T12:00:00+01:00"), "topics/0/posted"),
        (lambda d: d["people"][0].update(nickname="x"), "people/0"),
        (lambda d: d["threads"][0]["quotes"][0].update(author=None), "threads/0/quotes/0/author"),
    ],
)
def test_the_data_schema_rejects_what_the_generator_never_writes(breakage, path):
    doc = json.loads(exports(load(SAMPLE), PUBLISH)[DATA])
    breakage(doc)
    errors = list(jsonschema.Draft202012Validator(DATA_SCHEMA).iter_errors(doc))
    assert errors and any("/".join(map(str, e.absolute_path)) == path for e in errors), [e.message for e in errors]
