"""generator/history.py: calendars that update. What each session's calendars last showed is
kept in data/calendar-history.yaml by the build; SEQUENCE grows by itself when a session's
time, room or status changes, LAST-MODIFIED and DTSTAMP say when, and a session taken off the
agenda stays in the calendars as cancelled. Every calendar file is parsed with icalendar."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from icalendar import Calendar

from generator.errors import Problems
from generator.exports import history
from tests.conftest import SCHEDULE, edit, run_cli, site_of

T0 = dt.datetime(2030, 3, 1, 12, 0, tzinfo=dt.UTC)
T1 = dt.datetime(2030, 4, 2, 8, 30, tzinfo=dt.UTC)


@pytest.fixture
def data(tmp_path) -> Path:
    return Path(shutil.copytree(SCHEDULE, tmp_path / "data"))


# ---------------------------------------------------------------------------------- advance


def test_a_new_session_starts_at_sequence_0_and_an_unchanged_one_stays_as_it_was(data):
    first = history.advance({}, site_of(data), T0)
    assert sorted(p.topic for p in first.values()) == [
        "block-queues", "bpf-in-mm", "folio-sizes", "opening", "swap-day-two", "verifier-limits", "zoned-storage",
    ]  # fmt: skip
    assert {(p.sequence, p.modified, p.status) for p in first.values()} == {(0, T0, "confirmed")}
    assert history.advance(first, site_of(data), T1) == first  # nothing changed: nothing moves


@pytest.mark.parametrize(
    ("rel", "old", "new"),
    [
        ("topics/folio-sizes.yaml", 'start: "09:30"', 'start: "09:45"'),  # the time
        ("topics/folio-sizes.yaml", "day: 2030-05-06", "day: 2030-05-07"),  # the day
        ("topics/folio-sizes.yaml", "minutes: 30", "minutes: 20"),  # the length
        ("topics/folio-sizes.yaml", "room: green", "room: blue"),  # the room
        ("topics/folio-sizes.yaml", "status: accepted", "status: proposed"),  # now tentative
    ],
)
def test_a_significant_change_adds_one_to_that_session_alone(data, rel, old, new):
    before = history.advance({}, site_of(data), T0)
    edit(data / rel, old, new)
    after = history.advance(before, site_of(data), T1)
    changed = {key for key in after if after[key] != before[key]}
    assert changed == {"folio-sizes@grid-2030.lsfmm-prep"}
    moved = after["folio-sizes@grid-2030.lsfmm-prep"]
    assert (moved.sequence, moved.modified) == (1, T1)


def test_a_new_title_is_newer_but_not_a_new_sequence(data):
    before = history.advance({}, site_of(data), T0)
    edit(data / "topics/folio-sizes.yaml", "title: Folio sizes", "title: Large folios")
    after = history.advance(before, site_of(data), T1)["folio-sizes@grid-2030.lsfmm-prep"]
    assert (after.title, after.sequence, after.modified) == ("Large folios", 0, T1)


@pytest.mark.parametrize(
    "how",
    ["declined", "unscheduled", "deleted"],
)
def test_a_session_taken_off_the_agenda_stays_as_cancelled(data, how):
    before = history.advance({}, site_of(data), T0)
    topic = data / "topics" / "zoned-storage.yaml"
    if how == "declined":
        edit(data / "topics/zoned-storage.yaml", "status: accepted", "status: declined")
    elif how == "unscheduled":
        topic.write_text(topic.read_text().split("slot:")[0])
    else:
        topic.unlink()
    after = history.advance(before, site_of(data), T1)
    gone = after["zoned-storage@grid-2030.lsfmm-prep"]
    assert (gone.status, gone.sequence, gone.modified, gone.start) == ("cancelled", 1, T1, "10:30")
    assert history.advance(after, site_of(data), T1 + dt.timedelta(days=1)) == after  # stays, unchanged


def test_a_cancelled_session_scheduled_again_is_confirmed_one_further(data):
    before = history.advance({}, site_of(data), T0)
    edit(data / "topics/zoned-storage.yaml", "status: accepted", "status: declined")
    cancelled = history.advance(before, site_of(data), T1)
    edit(data / "topics/zoned-storage.yaml", "status: declined", "status: accepted")
    again = history.advance(cancelled, site_of(data), T1 + dt.timedelta(hours=1))
    assert (
        again["zoned-storage@grid-2030.lsfmm-prep"].status,
        again["zoned-storage@grid-2030.lsfmm-prep"].sequence,
    ) == (
        "confirmed",
        2,
    )


def test_the_file_reads_back_what_was_written(data, tmp_path):
    published = history.advance({}, site_of(data), T0)
    (data / history.FILE).write_text(history.dump(published))
    problems = Problems()
    got = history.read(str(data), problems)
    assert problems.items == [] and got.history == published
    text = (data / history.FILE).read_text()
    assert text.startswith("# Written by lsfmm-prep's build")
    assert "  sequence: 0\n  modified: '2030-03-01T12:00:00Z'\n" in text


# ---------------------------------------------------------------------------------- the build


def build(project: Path, when: dt.datetime, monkeypatch) -> str:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(when.timestamp())))
    result = run_cli("build", "--strict", "--data", "data", "--out", "docs", cwd=project)
    assert result.returncode == 0, result.stderr
    return result.stdout


def calendars(docs: Path) -> dict[str, Calendar]:
    """Every calendar file of a build, parsed."""
    return {str(p.relative_to(docs)): Calendar.from_ical(p.read_bytes()) for p in sorted(docs.rglob("*.ics"))}


def events(cal: Calendar) -> dict[str, bytes]:
    return {str(e["uid"]).split("@")[0]: e.to_ical() for e in cal.events}


def test_a_moved_session_changes_its_sequence_and_nothing_else(data, monkeypatch):
    project = data.parent
    build(project, T0, monkeypatch)
    before = calendars(project / "docs")
    assert sorted(before) == [
        "agenda.ics",
        "events/grid-2030/agenda.ics",
        "people/bea-bpf.ics",
        "people/bo-block.ics",
        "people/mo-mm.ics",
        "people/una-chair.ics",
        "topics/block-queues.ics",
        "topics/bpf-in-mm.ics",
        "topics/folio-sizes.ics",
        "topics/opening.ics",
        "topics/swap-day-two.ics",
        "topics/verifier-limits.ics",
        "topics/zoned-storage.ics",
    ]
    for cal in before.values():
        for e in cal.events:
            assert (e["sequence"], e.get("last-modified").dt, e.get("dtstamp").dt) == (0, T0, T0)
    # Una Chair leads the opening and must attend folio-sizes: her calendar has both.
    assert sorted(events(before["people/una-chair.ics"])) == ["folio-sizes", "opening"]
    edit(data / "topics/folio-sizes.yaml", 'start: "09:30"', 'start: "10:00"')
    build(project, T1, monkeypatch)
    after = calendars(project / "docs")
    for name, cal in after.items():
        old, new = events(before[name]), events(cal)
        assert sorted(old) == sorted(new), name
        for uid in new:
            if uid != "folio-sizes":
                assert new[uid] == old[uid], (name, uid)  # byte for byte
    moved = next(e for e in after["agenda.ics"].events if str(e["uid"]).startswith("folio-sizes@"))
    assert (moved["sequence"], moved.get("last-modified").dt, moved.get("dtstamp").dt) == (1, T1, T1)
    assert moved.start.strftime("%H:%M") == "10:00"
    # Built again, later and on another machine (a fresh copy of the data with its history):
    # the same calendars, and nothing to write.
    assert ": 0 written," in build(project, T1 + dt.timedelta(days=3), monkeypatch)
    other = project.parent / "elsewhere"
    shutil.copytree(data, other / "data")
    build(other, T1 + dt.timedelta(days=9), monkeypatch)
    assert {n: c.to_ical() for n, c in calendars(other / "docs").items()} == {n: c.to_ical() for n, c in after.items()}


def test_a_declined_session_is_cancelled_in_every_calendar_that_had_it(data, monkeypatch):
    project = data.parent
    build(project, T0, monkeypatch)
    edit(data / "topics/zoned-storage.yaml", "status: accepted", "status: declined")
    build(project, T1, monkeypatch)
    after = calendars(project / "docs")
    for name in ("agenda.ics", "events/grid-2030/agenda.ics", "people/bo-block.ics", "topics/zoned-storage.ics"):
        (gone,) = [e for e in after[name].events if str(e["uid"]).startswith("zoned-storage@")]
        assert (str(gone["status"]), gone["sequence"], gone.get("last-modified").dt) == ("CANCELLED", 1, T1)
        assert str(gone["summary"]) == "Cancelled: Zoned storage"
    assert "status: cancelled" in (data / history.FILE).read_text()


def test_a_build_of_bad_data_writes_no_history(data, monkeypatch):
    project = data.parent
    build(project, T0, monkeypatch)
    kept = (data / history.FILE).read_bytes()
    edit(data / "topics/folio-sizes.yaml", 'start: "09:30"', 'start: "10:00"')
    edit(data / "topics/opening.yaml", "leads: [una-chair]", "leads: [nobody]")
    result = run_cli("build", "--data", "data", "--out", "docs", cwd=project)
    assert result.returncode == 1
    assert (data / history.FILE).read_bytes() == kept


def test_no_history_file_while_no_session_has_a_slot(tmp_path, monkeypatch):
    shutil.copytree(SCHEDULE, tmp_path / "data")
    for topic in (tmp_path / "data" / "topics").glob("*.yaml"):
        topic.write_text(topic.read_text().split("slot:")[0])
    edit(tmp_path / "data" / "events/grid-2030.yaml", "schedule: final", "schedule: draft")
    build(tmp_path, T0, monkeypatch)
    assert not (tmp_path / "data" / history.FILE).exists()


def test_a_new_time_zone_moves_every_session_of_the_event(data):
    """The same clock time in another zone is another moment: every session is newer."""
    before = history.advance({}, site_of(data), T0)
    edit(data / "events/grid-2030.yaml", "timezone: Europe/Prague", "timezone: Europe/Lisbon")
    after = history.advance(before, site_of(data), T1)
    assert {(p.sequence, p.timezone) for p in after.values()} == {(1, "Europe/Lisbon")}


def test_a_placeholder_title_in_the_history_never_blocks_a_build(data, monkeypatch):
    """A title the build copied while it was still a placeholder (`make serve` builds without
    --strict) is the build's own record, not a fact left to fill in."""
    project = data.parent
    edit(data / "topics/zoned-storage.yaml", "title: Zoned storage", 'title: "TODO: the title"')
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(T0.timestamp())))
    assert run_cli("build", "--data", "data", "--out", "docs", cwd=project).returncode == 0
    assert "TODO: the title" in (data / history.FILE).read_text()
    (data / "topics" / "zoned-storage.yaml").unlink()  # kept as cancelled, with that title
    check = run_cli("check", "--strict", "--data", "data", cwd=project)
    assert (check.returncode, check.stderr) == (0, "")


def test_a_damaged_history_says_how_to_repair_it(data):
    (data / history.FILE).write_text("sessions:\n<<<<<<< HEAD\n- uid: x\n=======\n>>>>>>> other\n")
    result = run_cli("check", "--data", str(data))
    assert result.returncode == 1
    assert f"{data}/calendar-history.yaml: the build writes this file: after a merge conflict keep" in result.stderr


def test_a_history_that_changed_during_the_build_is_left_and_said_so(data, monkeypatch):
    from generator.builder import write
    from generator.errors import WriteError

    def changed(*args, **kwargs):
        raise WriteError("data/calendar-history.yaml changed while it was being written; nothing was written")

    monkeypatch.setattr(write, "write_data", changed)
    result = run_cli("build", "--data", "data", "--out", "docs", cwd=data.parent)
    assert result.returncode == 1
    assert "the pages and calendars in the docs folder were written, but the history they follow was not" in (
        result.stderr
    )
    assert (data.parent / "docs" / "agenda.ics").exists() and not (data / history.FILE).exists()


# ---------------------------------------------------------------------------------- a file to trust


def history_of(data: Path) -> str:
    """The history a build at T0 writes for the fixture."""
    (data / history.FILE).write_text(history.dump(history.advance({}, site_of(data), T0)))
    return (data / history.FILE).read_text()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "  event: grid-2030\n",
            "  event: other-summit\n",
            ":8: event 'other-summit' is not the one its uid 'block-queues@grid-2030.lsfmm-prep' names ('grid-2030')",
        ),  # before: a KeyError, "This is a bug"
        (
            "  topic: block-queues\n",
            "  topic: bpf-in-mm\n",
            ":7: topic 'bpf-in-mm' is not the one its uid 'block-queues@grid-2030.lsfmm-prep' names ('block-queues')",
        ),  # before: MkDocs' link errors, after docs/ was written
        (
            "- uid: block-queues@grid-2030.lsfmm-prep\n",
            "- uid: whatever\n",
            ":6: uid 'whatever' is not <topic>@<event>.lsfmm-prep; this entry's is 'block-queues@grid-2030.lsfmm-prep'",
        ),  # before: accepted, and the session's own calendar showed it cancelled
    ],
)
def test_an_entry_for_another_session_is_an_error_at_its_line_and_nothing_is_written(data, old, new, message):
    project = data.parent
    text = history_of(data)
    assert old in text
    (data / history.FILE).write_text(text.replace(old, new, 1))
    kept = (data / history.FILE).read_bytes()
    result = run_cli("build", "--strict", "--data", "data", "--out", "docs", cwd=project)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines()[1:] == [f"data/{history.FILE}{message}", "Failed: 2 errors; nothing was written."]
    assert result.stderr.startswith(f"data/{history.FILE}: the build writes this file: after a merge conflict")
    assert not (project / "docs").exists() and (data / history.FILE).read_bytes() == kept


def test_a_sequence_grows_past_a_million_and_reads_back(data, monkeypatch):
    """Before: 999,999 became 1,000,000, which the next read refused."""
    project = data.parent
    (data / history.FILE).write_text(history_of(data).replace("  sequence: 0\n", "  sequence: 999999\n"))
    edit(data / "topics/folio-sizes.yaml", 'start: "09:30"', 'start: "10:00"')
    build(project, T1, monkeypatch)
    assert "  sequence: 1000000\n" in (data / history.FILE).read_text()
    check = run_cli("check", "--strict", "--data", "data", cwd=project)
    assert (check.returncode, check.stderr) == (0, "")
    moved = next(e for e in calendars(project / "docs")["agenda.ics"].events if "folio-sizes@" in str(e["uid"]))
    assert moved["sequence"] == 1000000


def test_a_sequence_at_icalendars_largest_number_that_must_grow_is_an_error_at_its_line(data, monkeypatch):
    project = data.parent
    text = history_of(data)
    entries = text.split("- uid: ")
    n = next(i for i, e in enumerate(entries) if e.startswith("folio-sizes@"))
    entries[n] = entries[n].replace("  sequence: 0\n", f"  sequence: {history.MAX_SEQUENCE}\n")
    (data / history.FILE).write_text("- uid: ".join(entries))
    line = (data / history.FILE).read_text().splitlines().index(f"  sequence: {history.MAX_SEQUENCE}") + 1
    kept = (data / history.FILE).read_bytes()
    assert run_cli("check", "--strict", "--data", "data", cwd=project).returncode == 0  # unchanged, it is fine
    edit(data / "topics/folio-sizes.yaml", 'start: "09:30"', 'start: "10:00"')
    result = run_cli("build", "--strict", "--data", "data", "--out", "docs", cwd=project)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"data/{history.FILE}:{line}: the sequence of 'folio-sizes@grid-2030.lsfmm-prep' is 2147483647, the largest "
        "a calendar takes, so calendars cannot be told that this session changed; delete this entry (its calendars "
        "then start again at 0, which programs that hold a copy may ignore)",
        "Failed: 1 error; nothing was written.",
    ]
    assert not (project / "docs").exists() and (data / history.FILE).read_bytes() == kept


# ---------------------------------------------------------------------------------- pruning

END = dt.datetime(2030, 5, 7, 12, 0, tzinfo=dt.UTC)  # the fixture's event ends on 2030-05-07


def gone(n: int, when: dt.datetime) -> dict[str, history.Published]:
    """Cancelled sessions of topics since deleted, as years of intake and clean-up leave them."""
    out = {}
    for i in range(n):
        key = history.uid(f"gone-{i}", "grid-2030")
        out[key] = history.Published(
            key, f"gone-{i}", "grid-2030", f"Gone {i}", "2030-05-06", "14:00", 30, None, "Europe/Prague",
            "cancelled", 1, when,
        )  # fmt: skip
    return out


def test_cancelled_sessions_are_pruned_once_their_event_ended_keep_days_ago(data):
    scheduled = history.advance({}, site_of(data), T0)
    edit(data / "topics/zoned-storage.yaml", "status: accepted", "status: declined")
    before = {**scheduled, **gone(50, T0)}
    last_kept = dt.datetime(2030, 6, 6, 23, 0, tzinfo=dt.UTC)  # 30 days after 2030-05-07, the last day
    kept = history.advance(before, site_of(data), last_kept)
    assert len(kept) == len(before) and kept["zoned-storage@grid-2030.lsfmm-prep"].status == "cancelled"
    pruned = history.advance(kept, site_of(data), last_kept + dt.timedelta(hours=2))
    assert pruned == {k: p for k, p in scheduled.items() if p.topic != "zoned-storage"}  # the scheduled ones stay


@pytest.mark.parametrize(
    ("end", "last"),
    [("2030-05-07", "2030-05-07"), ("2030-05", "2030-05-31"), ("2030-12", "2030-12-31"), ("2030", "2030-12-31")],
)
def test_an_event_known_by_its_month_or_year_ends_on_its_last_day(end, last):
    assert history.ended(end) == dt.date.fromisoformat(last)


def test_a_build_long_after_the_event_keeps_the_file_small(data, monkeypatch):
    """Before: the file only grew (15,000 entries: 34 s a build, and refused at 4 MiB)."""
    project = data.parent
    before = {**history.advance({}, site_of(data), T0), **gone(2000, T0)}
    (data / history.FILE).write_text(history.dump(before))
    build(project, dt.datetime(2031, 1, 1, tzinfo=dt.UTC), monkeypatch)
    after = history.read(str(data), Problems()).history
    assert sorted(after) == sorted(k for k in before if not k.startswith("gone-"))
    assert len((data / history.FILE).read_bytes()) < 5000
    assert "Gone" not in (project / "docs" / "agenda.ics").read_text()
