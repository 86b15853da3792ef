"""schedule.xml and schedule.json (generator.exports.frab), as schedule apps read them.

Two kinds of check, on the default data and every fixture:

- Against the c3voc schemas in ../shared/schedule-formats (the JSON Schema with jsonschema,
  the XML Schema with lxml): a fresh clone has no ../shared, so these skip there (CI has it).
  The schemas are not copied into the project: they are another project's (EUPL-1.2), and
  what this project relies on is written out below.
- The project's own structural checks (`check_json`, `check_xml`), which always run: what the
  schemas require of the parts written here, and what the readers need beyond them, as their
  sources show: Giggity finds the format in the first KiB and keys sessions by `id`;
  EventFahrplan takes the clock time of a day's `end` as when the next day begins; ConfClerk
  keys people by their integer `id`; schedule-convert (the one frab XML reader on PyPI)
  iterates `<persons>` unchecked; pyfahrplan (a schedule.json reader on PyPI) reads each
  person's `public_name` and each session's `description`. Those two Python readers were run
  by hand on these files (their dependencies clash with this project's pins, and neither earns
  a place in requirements.txt); the checks here hold what they need.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from generator.builder.write import is_generated
from generator.exports.export import exports
from generator.exports.frab import json_text, schedule, schedule_files, xml_text
from generator.layout import Publish
from generator.pages.render import render_pages
from generator.records.model import Site
from tests.conftest import MERGE, REPO, SAMPLE, SCHEDULE, SHARED, SUMMIT, copy_data, edit
from tests.conftest import site_of as load
from tests.hostile import RLO_NAME, write_hostile

PUBLISH = Publish(site_url="https://briefs.example.org/summit/")
FORMATS = SHARED / "schedule-formats"
FIXTURES = {"default": REPO / "data", "sample": SAMPLE, "summit": SUMMIT, "schedule": SCHEDULE, "merge": MERGE}
SAMPLE_XML = "events/example-summit/schedule.xml"
SAMPLE_JSON = "events/example-summit/schedule.json"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Site:
    return load(write_hostile(tmp_path_factory.mktemp("hostile") / "data", big_quote=False))


@pytest.fixture(scope="module")
def validators() -> tuple[jsonschema.Draft6Validator, Any]:
    """The c3voc JSON Schema and XML Schema, from ../shared (skipped when it is absent)."""
    if not (FORMATS / "schedule.schema.json").exists():
        pytest.skip(f"../shared is not beside this checkout ({FORMATS} missing): the c3voc schemas are not available")
    from lxml import etree

    schema = json.loads((FORMATS / "schedule.schema.json").read_text(encoding="utf-8"))
    json_validator = jsonschema.Draft6Validator(schema, format_checker=jsonschema.FormatChecker())
    xsd = etree.XMLSchema(etree.parse(str(FORMATS / "schedule.xml.xsd")))
    return json_validator, xsd


def assert_valid(files: dict[str, str], validators) -> None:
    from lxml import etree

    json_validator, xsd = validators
    for path, text in files.items():
        if path.endswith(".json"):
            errors = [f"{e.json_path}: {e.message}" for e in json_validator.iter_errors(json.loads(text))]
            assert errors == [], f"{path}: {errors[:5]}"
        else:
            ok = xsd.validate(etree.fromstring(text.encode("utf-8")))
            assert ok, f"{path}: {[str(e) for e in xsd.error_log][:5]}"


def sessions_json(text: str) -> dict[str, dict[str, Any]]:
    """Every session of a schedule.json by guid."""
    doc = json.loads(text)
    return {
        s["guid"]: s for day in doc["schedule"]["conference"]["days"] for room in day["rooms"].values() for s in room
    }


def sessions_xml(text: str) -> dict[str, ET.Element]:
    return {e.get("guid"): e for e in ET.fromstring(text).iter("event")}


# ---------------------------------------------------------------------------------- the checks

UUID = re.compile(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")
OFFSET_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")  # local time with its UTC offset
CLOCK = re.compile(r"[0-2]\d:[0-5]\d")
JSON_SESSION_KEYS = [  # the schema's required keys, then those written besides (pyfahrplan reads description)
    *("guid", "id", "date", "start", "end", "duration", "room", "slug", "url", "title", "subtitle"),
    *("track", "type", "language", "abstract", "description", "persons", "links"),
]


def aware(text: str) -> dt.datetime:
    assert OFFSET_TIME.fullmatch(text), text
    return dt.datetime.fromisoformat(text)


def check_json(text: str) -> None:
    """What the c3voc JSON Schema requires of what is written, and what readers need besides."""
    assert text.startswith('{\n  "$schema": "https://c3voc.de/schedule/schema.json",\n  "generator": {\n')
    doc = json.loads(text)
    assert list(doc) == ["$schema", "generator", "schedule"]
    assert list(doc["schedule"]) == ["version", "conference"] and doc["schedule"]["version"] in ("draft", "final")
    conf = doc["schedule"]["conference"]
    assert {"acronym", "title", "start", "end", "daysCount", "timeslot_duration", "days"} <= set(conf)
    assert set(conf) <= {*JSON_CONFERENCE_KEYS}
    assert re.search(r"^[a-z0-9_-][a-z0-9_]{3,}$", conf["acronym"])
    first, last = dt.date.fromisoformat(conf["start"]), dt.date.fromisoformat(conf["end"])
    assert conf["daysCount"] == len(conf["days"]) == (last - first).days + 1
    assert all(set(r) == {"name", "guid"} and UUID.fullmatch(r["guid"]) for r in conf["rooms"])
    guids, ids = [], []
    for index, day in enumerate(conf["days"], 1):
        assert list(day) == ["index", "date", "day_start", "day_end", "rooms"] and day["index"] == index
        date = dt.date.fromisoformat(day["date"])
        assert date == first + dt.timedelta(days=index - 1)
        assert aware(day["day_start"]) == dt.datetime.combine(date, dt.time(), aware(day["day_start"]).tzinfo)
        assert aware(day["day_end"]).time() == dt.time()  # EventFahrplan: the next day begins at midnight
        for room, sessions in day["rooms"].items():
            for s in sessions:
                assert list(s) == JSON_SESSION_KEYS
                assert UUID.fullmatch(s["guid"]) and isinstance(s["id"], int) and 1 <= s["id"] < 2**31
                start = aware(s["date"])
                assert start.date() == date and s["start"] == f"{start:%H:%M}" and s["room"] == room
                minutes = int(s["duration"][:-3]) * 60 + int(s["duration"][-2:])
                assert re.fullmatch(r"\d\d:\d\d", s["duration"]) and aware(s["end"]) - start == dt.timedelta(
                    minutes=minutes
                )
                assert re.fullmatch(r"[a-z0-9_-]+[a-z0-9]", s["slug"]) and s["title"] and s["type"]
                assert s["subtitle"] is s["language"] is s["description"] is None
                for p in s["persons"]:
                    assert p["name"] == p["public_name"] and "id" not in p and UUID.fullmatch(p["guid"])
                guids.append(s["guid"])
                ids.append(s["id"])
    assert len(set(guids)) == len(guids) and len(set(ids)) == len(ids)


JSON_CONFERENCE_KEYS = (
    *("acronym", "title", "start", "end", "daysCount", "timeslot_duration", "time_zone_name", "url"),
    *("tracks", "rooms", "days"),
)
XML_SESSION_TAGS = ["date", "start", "duration", "room", "title", "track", "type", "abstract", "persons"]


def check_xml(text: str) -> None:
    """What frab's XML Schema requires of what is written, and what readers need besides."""
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<schedule>\n  <generator name="lsfmm-prep" />\n')
    head = text[:1024].lower()
    assert "<schedule" in head and "<conference" in head  # how Giggity tells the format
    root = ET.fromstring(text)
    tags = [child.tag for child in root]
    assert tags[:4] in (["generator", "url", "version", "conference"], ["generator", "version", "conference", "day"])
    assert set(tags[tags.index("conference") + 1 :]) == {"day"}  # at least one
    conf = root.find("conference")
    assert conf is not None
    assert [c.tag for c in conf][:5] == ["title", "acronym", "start", "end", "days"]
    assert re.fullmatch(r"[a-z0-9_-]{4,}", conf.findtext("acronym", ""))
    assert conf.findtext("days") == str(len(root.findall("day")))
    ids = []
    for index, day in enumerate(root.findall("day"), 1):
        assert list(day.attrib) == ["index", "date", "start", "end"] and day.get("index") == str(index)
        assert aware(day.get("start", "")).date() == dt.date.fromisoformat(day.get("date", ""))
        assert aware(day.get("end", "")).time() == dt.time()
        for room in day:
            assert room.tag == "room" and room.get("name") is not None
            for event in room:
                assert event.tag == "event" and UUID.fullmatch(event.get("guid", ""))
                assert (event.get("id") or "").isdigit()
                ids.append(int(event.get("id", "")))
                assert [c.tag for c in event if c.tag in XML_SESSION_TAGS] == XML_SESSION_TAGS
                assert aware(event.findtext("date", "")).date() == dt.date.fromisoformat(day.get("date", ""))
                assert CLOCK.fullmatch(event.findtext("start", "")) and CLOCK.fullmatch(event.findtext("duration", ""))
                assert event.findtext("room") == room.get("name")
                for person in event.iter("person"):
                    assert (person.get("id") or "").isdigit() and UUID.fullmatch(person.get("guid", ""))
    assert len(set(ids)) == len(ids) and all(1 <= n < 2**31 for n in ids)


def check(files: dict[str, str]) -> None:
    for path, text in files.items():
        (check_xml if path.endswith(".xml") else check_json)(text)


# ---------------------------------------------------------------------------------- valid


@pytest.mark.parametrize("publish", [PUBLISH, Publish()], ids=["site_url", "no-site_url"])
@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_schedules_are_valid_against_the_c3voc_schemas(name, publish, validators):
    files = schedule_files(load(FIXTURES[name]), publish)
    assert files
    assert_valid(files, validators)


@pytest.mark.parametrize("publish", [PUBLISH, Publish()], ids=["site_url", "no-site_url"])
@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_schedules_have_what_the_formats_and_the_apps_need(name, publish):
    files = schedule_files(load(FIXTURES[name]), publish)
    assert files
    check(files)


def test_hostile_schedules_are_valid(hostile, validators):
    files = schedule_files(hostile, PUBLISH)
    check(files)
    assert_valid(files, validators)


def test_the_checks_here_catch_what_the_schemas_catch(validators):
    """The structural checks must fail where the schema fails, on a few breakages."""
    good = schedule_files(load(SAMPLE), PUBLISH)
    breakages = [
        (SAMPLE_JSON, '"acronym": "example_summit"', '"acronym": "example-summit"'),
        (SAMPLE_JSON, '"id": 2083861797', '"id": "2083861797"'),
        (SAMPLE_JSON, '"subtitle": null,\n', ""),
        (SAMPLE_XML, ' id="2083861797"', ""),
        (SAMPLE_XML, "<start>09:30</start>", "<start>9.30</start>"),
        (SAMPLE_XML, 'start="2030-05-06T00:00:00+02:00"', 'start="2030-05-06T00:00:00"'),
    ]
    for path, old, new in breakages:
        assert old in good[path], old
        broken = {path: good[path].replace(old, new)}
        with pytest.raises(AssertionError):
            check(broken)
        with pytest.raises(AssertionError):
            assert_valid(broken, validators)


# ---------------------------------------------------------------------------------- content


def test_the_sample_session_as_the_apps_see_it():
    files = exports(load(SAMPLE), PUBLISH)
    guid = str(
        uuid.uuid5(uuid.NAMESPACE_URL, "https://briefs.example.org/summit/hooks-in-mm@example-summit.lsfmm-prep")
    )
    number = int(guid[:8], 16) & 0x7FFFFFFF
    (s,) = sessions_json(files[SAMPLE_JSON]).values()  # the unscheduled 'later-topic' is left out
    brief = "https://briefs.example.org/summit/topics/hooks-in-mm/"
    assert s == {
        "guid": guid,
        "id": number,
        "date": "2030-05-06T09:30:00+02:00",  # CEST
        "start": "09:30",
        "end": "2030-05-06T10:00:00+02:00",
        "duration": "00:30",
        "room": "Main hall",
        "slug": "example_summit-hooks-in-mm",
        "url": brief,
        "title": "Hooks in MM",
        "subtitle": None,
        "track": "Memory management, BPF",
        "type": "Session",
        "language": None,
        # plain text, as the calendar's description: Markdown marks gone, the link written out
        "abstract": "Where should MM grow hooks, and which of them can be stable?\n\n"
        "See the write-up <https://example.org/writeup>.",
        "description": None,
        "persons": [
            {
                "name": "Ada Lead",
                "public_name": "Ada Lead",
                "guid": str(uuid.uuid5(uuid.NAMESPACE_URL, "https://briefs.example.org/summit/person:ada-lead")),
                "url": "https://briefs.example.org/summit/people/ada-lead/",
            }
        ],
        "links": [{"url": brief, "title": "Session brief", "type": "web"}],
    }
    conf = json.loads(files[SAMPLE_JSON])["schedule"]["conference"]
    assert {k: v for k, v in conf.items() if k not in ("rooms", "days")} == {
        "acronym": "example_summit",
        "title": "Example Storage and MM Summit",
        "start": "2030-05-06",
        "end": "2030-05-07",
        "daysCount": 2,
        "timeslot_duration": "",  # the records give no grid: empty, as the schema requires the key
        "time_zone_name": "Europe/Prague",
        "url": "https://example.org/summit/",
        "tracks": [{"name": "Memory management"}, {"name": "BPF"}],
    }
    assert [d["rooms"] for d in conf["days"]][1] == {}  # the second day has no session

    event = sessions_xml(files[SAMPLE_XML])[guid]
    assert event.get("id") == str(number)
    assert [(c.tag, c.text, dict(c.attrib)) for c in event if c.tag not in ("persons", "links")] == [
        ("date", "2030-05-06T09:30:00+02:00", {}),
        ("start", "09:30", {}),
        ("duration", "00:30", {}),
        ("room", "Main hall", {}),
        ("url", brief, {}),
        ("title", "Hooks in MM", {}),
        ("track", "Memory management, BPF", {}),
        ("type", "Session", {}),
        ("abstract", s["abstract"], {}),
    ]
    (person,) = event.iter("person")
    assert person.text == "Ada Lead" and person.get("guid") == s["persons"][0]["guid"]
    (link,) = event.iter("link")
    assert (link.get("href"), link.text) == (brief, "Session brief")


def test_without_a_site_url_the_json_names_pages_relative_to_itself_and_the_xml_none():
    files = schedule_files(load(SAMPLE), Publish())
    (s,) = sessions_json(files[SAMPLE_JSON]).values()
    assert s["url"] == "../../topics/hooks-in-mm/" and s["links"] == [] and "url" not in s["persons"][0]
    assert s["guid"] == str(uuid.uuid5(uuid.NAMESPACE_URL, "hooks-in-mm@example-summit.lsfmm-prep"))
    root = ET.fromstring(files[SAMPLE_XML])
    assert root.find("url") is None
    assert root.find("conference/url") is not None  # the event's own site, from the records
    (event,) = root.iter("event")
    assert event.find("url") is None and event.find("links") is None


def test_only_sessions_on_the_agenda_with_a_slot_are_in_it():
    site = load(MERGE)
    files = schedule_files(site, PUBLISH)
    (path,) = [p for p in files if p.endswith(".json")]
    titles = {s["title"] for s in sessions_json(files[path]).values()}
    on_agenda = {t["title"] for t in site.topics.values() if t["slot"] and site.on_agenda(t)}
    assert titles == on_agenda
    merged = [t for t in site.topics.values() if not site.on_agenda(t)]
    assert merged and not {t["title"] for t in merged} & titles
    # the merged topic's lead is among the session's persons, as in its calendar
    (tiering,) = [s for s in sessions_json(files[path]).values() if s["title"] == "Memory tiering"]
    assert [p["name"] for p in tiering["persons"]] == ["Hana Tier", "Kyu Exmem"]


def test_an_event_without_known_days_or_time_zone_has_no_schedule(tmp_path):
    files = exports(load(REPO / "data"), PUBLISH)
    # LSFMM+BPF 2023 records no time zone: every time in these formats carries a UTC offset
    assert not any(p.startswith("events/lsfmmbpf-2023/schedule") for p in files)
    assert "events/lsfmmbpf-2026/schedule.xml" in files and "events/lsfmmbpf-2026/schedule.json" in files
    pages = render_pages(load(REPO / "data"))
    assert "[schedule.xml](events/lsfmmbpf-2026/schedule.xml)" in pages["agenda.md"]
    assert "[schedule.json](schedule.json)" in pages["events/lsfmmbpf-2026/agenda.md"]
    assert "schedule.xml" not in pages["events/lsfmmbpf-2023/agenda.md"]
    # nor one whose days are known only by their month
    data = copy_data(REPO / "data", tmp_path / "data")
    edit(data / "events" / "lsfmmbpf-2026.yaml", "start: 2026-05-04\nend: 2026-05-06", "start: 2026-05\nend: 2026-05")
    assert schedule_files(load(data), PUBLISH) == {}


def test_a_moved_session_changes_only_its_own_entry(tmp_path):
    data = copy_data(SCHEDULE, tmp_path / "data")
    before = schedule_files(load(data), PUBLISH)
    edit(
        data / "topics" / "swap-day-two.yaml", 'day: 2030-05-07\n  start: "14:00"', 'day: 2030-05-06\n  start: "15:00"'
    )
    edit(data / "topics" / "swap-day-two.yaml", "room: green", "room: red")
    after = schedule_files(load(data), PUBLISH)
    for path in before:
        read = sessions_json if path.endswith(".json") else sessions_xml
        old, new = read(before[path]), read(after[path])
        assert old.keys() == new.keys()
        changed = [g for g in old if _view(old[g]) != _view(new[g])]
        assert len(changed) == 1, path
        moved = new[changed[0]]
        if path.endswith(".json"):
            assert (moved["title"], moved["date"], moved["room"]) == (
                "Swap on the second day",
                "2030-05-06T15:00:00+02:00",
                "Red room",
            )
            assert moved["id"] == old[changed[0]]["id"]
        else:
            assert (moved.findtext("date"), moved.findtext("room")) == ("2030-05-06T15:00:00+02:00", "Red room")
    assert schedule_files(load(data), PUBLISH) == after  # the same data, byte for byte


def _view(session: Any) -> Any:
    if isinstance(session, dict):
        return session
    return [(e.tag, e.text, e.attrib) for e in session.iter()]  # not its tail: the indent after it


def test_ids_stay_when_other_sessions_come_and_go(tmp_path):
    data = copy_data(SCHEDULE, tmp_path / "data")
    path = "events/grid-2030/schedule.json"
    before = sessions_json(schedule_files(load(data), PUBLISH)[path])
    (data / "topics" / "folio-sizes.yaml").unlink()
    after = sessions_json(schedule_files(load(data), PUBLISH)[path])
    assert len(after) == len(before) - 1
    assert all(after[g]["id"] == before[g]["id"] and after[g]["guid"] == g for g in after)


# ---------------------------------------------------------------------------------- time zones

ZONES = [  # zone, the offset on the sample's day, whether the c3voc JSON Schema takes its name
    ("America/St_Johns", "-02:30", True),  # a half-hour offset, west of UTC (summer time)
    ("Asia/Kolkata", "+05:30", True),
    ("UTC", "+00:00", True),
    ("Etc/GMT-14", "+14:00", False),  # a name the JSON Schema's pattern refuses: left out there
]


def dst_files(tmp_path: Path) -> dict[str, str]:
    """The sample moved to the days around Europe/Prague's change from CET (+01:00) to CEST
    (+02:00), at 02:00 on Sunday 2030-03-31, its session an hour from 01:30 that day."""
    data = copy_data(SAMPLE, tmp_path / "data")
    edit(
        data / "events" / "example-summit.yaml",
        "start: 2030-05-06\nend: 2030-05-07",
        "start: 2030-03-30\nend: 2030-04-01",
    )
    edit(data / "topics" / "hooks-in-mm.yaml", "day: 2030-05-06", "day: 2030-03-31")
    edit(data / "topics" / "hooks-in-mm.yaml", 'start: "09:30"\n  minutes: 30', 'start: "01:30"\n  minutes: 60')
    return schedule_files(load(data), PUBLISH)


def zone_files(tmp_path: Path, zone: str) -> dict[str, str]:
    data = copy_data(SAMPLE, tmp_path / "data")
    edit(data / "events" / "example-summit.yaml", "timezone: Europe/Prague", f"timezone: {zone}")
    return schedule_files(load(data), PUBLISH)


def test_times_carry_the_utc_offset_in_force_on_their_day(tmp_path):
    files = dst_files(tmp_path)
    check(files)
    conf = json.loads(files[SAMPLE_JSON])["schedule"]["conference"]
    assert [(d["day_start"], d["day_end"]) for d in conf["days"]] == [
        ("2030-03-30T00:00:00+01:00", "2030-03-31T00:00:00+01:00"),
        ("2030-03-31T00:00:00+01:00", "2030-04-01T00:00:00+02:00"),
        ("2030-04-01T00:00:00+02:00", "2030-04-02T00:00:00+02:00"),
    ]
    (s,) = sessions_json(files[SAMPLE_JSON]).values()
    # an hour long from 01:30 CET, across the change: it ends at 03:30 CEST
    assert (s["date"], s["end"], s["duration"]) == ("2030-03-31T01:30:00+01:00", "2030-03-31T03:30:00+02:00", "01:00")
    day = ET.fromstring(files[SAMPLE_XML]).findall("day")[1]
    assert (day.get("start"), day.get("end")) == ("2030-03-31T00:00:00+01:00", "2030-04-01T00:00:00+02:00")
    (event,) = day.iter("event")
    assert (event.findtext("date"), event.findtext("start")) == ("2030-03-31T01:30:00+01:00", "01:30")


@pytest.mark.parametrize(("zone", "offset", "named"), ZONES)
def test_offsets_follow_the_time_zone(tmp_path, zone, offset, named):
    files = zone_files(tmp_path, zone)
    check(files)
    (s,) = sessions_json(files[SAMPLE_JSON]).values()
    assert s["date"] == f"2030-05-06T09:30:00{offset}"
    conf = json.loads(files[SAMPLE_JSON])["schedule"]["conference"]
    assert conf.get("time_zone_name") == (zone if named else None)
    assert ET.fromstring(files[SAMPLE_XML]).findtext("conference/time_zone_name") == zone  # any name there


# ---------------------------------------------------------------------------------- text


def names_files(tmp_path: Path) -> dict[str, str]:
    """The sample with a co-lead whose name is in kanji, and a title in French and Japanese."""
    data = copy_data(SAMPLE, tmp_path / "data")
    edit(data / "people.yaml", "people:\n", "people:\n  - id: hideaki-yoshifuji\n    name: 吉藤英明\n")
    edit(data / "topics" / "hooks-in-mm.yaml", "lead: ada-lead", "leads: [ada-lead, hideaki-yoshifuji]")
    edit(data / "topics" / "hooks-in-mm.yaml", "title: Hooks in MM", "title: Crochets dans la MM — フック")
    return schedule_files(load(data), PUBLISH)


BREAKER = 'a ]]> b <![CDATA[ c ]]> & d "e" \x07 f \x1b[31m g \ufffe'


def breaker_files(hostile: Site) -> dict[str, str]:
    """The hostile event's schedule with a title that tries to end markup and carries control
    characters. The data refuses control characters, so the record is changed in memory: the
    writer must not depend on the validator."""
    topic = hostile.topics["hostile-topic"]
    saved = topic["title"]
    topic["title"] = BREAKER
    try:
        made = schedule(hostile, PUBLISH, "hostile")
    finally:
        topic["title"] = saved
    return {"events/hostile/schedule.xml": xml_text(made), "events/hostile/schedule.json": json_text(made)}


def test_names_in_any_script_survive(tmp_path):
    files = names_files(tmp_path)
    check(files)
    (s,) = sessions_json(files[SAMPLE_JSON]).values()
    assert s["title"] == "Crochets dans la MM — フック"
    assert [p["name"] for p in s["persons"]] == ["Ada Lead", "吉藤英明"]
    assert "吉藤英明" in files[SAMPLE_JSON]  # written as UTF-8, not \\u escapes
    assert '<person id="' in files[SAMPLE_XML] and '">吉藤英明</person>' in files[SAMPLE_XML]
    (event,) = sessions_xml(files[SAMPLE_XML]).values()
    assert event.findtext("title") == "Crochets dans la MM — フック"


def test_hostile_titles_and_names_stay_text(hostile):
    files = schedule_files(hostile, PUBLISH)
    topic = hostile.topics["hostile-topic"]
    title = " ".join(topic["title"].split())
    (s,) = sessions_json(files["events/hostile/schedule.json"]).values()
    (event,) = sessions_xml(files["events/hostile/schedule.xml"]).values()
    assert s["title"] == event.findtext("title") == title  # '<script>' and all, as text
    assert "<script>" not in files["events/hostile/schedule.xml"]
    shown = RLO_NAME.replace("\u202e", "[U+202E]").replace("\u202c", "[U+202C]")  # bidi shown, not obeyed
    assert shown in [p["name"] for p in s["persons"]]
    assert shown in [p.text for p in event.iter("person")]


def test_markup_breakers_and_control_characters_stay_text(hostile):
    files = breaker_files(hostile)
    check(files)
    expected = 'a ]]> b <![CDATA[ c ]]> & d "e" [U+0007] f [U+001B][31m g [U+FFFE]'
    (event,) = sessions_xml(files["events/hostile/schedule.xml"]).values()  # parses: no raw control character
    assert event.findtext("title") == expected
    assert "]]>" not in files["events/hostile/schedule.xml"] and "<![CDATA[" not in files["events/hostile/schedule.xml"]
    (s,) = sessions_json(files["events/hostile/schedule.json"]).values()
    assert s["title"] == expected


VARIANTS = {
    "dst": lambda tmp_path, hostile: dst_files(tmp_path),
    **{f"zone-{z}": (lambda tmp_path, hostile, z=z: zone_files(tmp_path, z)) for z, _, _ in ZONES},
    "names": lambda tmp_path, hostile: names_files(tmp_path),
    "breakers": lambda tmp_path, hostile: breaker_files(hostile),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_the_variants_above_are_valid_against_the_c3voc_schemas(variant, tmp_path, hostile, validators):
    assert_valid(VARIANTS[variant](tmp_path, hostile), validators)


# ---------------------------------------------------------------------------------- files


def test_the_schedules_are_marked_generated_and_a_hand_written_one_is_not(tmp_path):
    files = schedule_files(load(SAMPLE), PUBLISH)
    for path, text in files.items():
        full = tmp_path / Path(path).name
        full.write_text(text, encoding="utf-8")
        assert is_generated(str(full)), path
    mine = tmp_path / "schedule.xml"
    mine.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<schedule>\n  <version>1</version>\n</schedule>\n')
    assert not is_generated(str(mine))
    mine = tmp_path / "schedule.json"
    mine.write_text('{"schedule": {"version": "1"}}\n')
    assert not is_generated(str(mine))


def test_the_same_data_gives_the_same_bytes():
    assert schedule_files(load(SCHEDULE), PUBLISH) == schedule_files(load(SCHEDULE), PUBLISH)
