"""generator/grid.py: the agenda as a grid of time rows by room columns, and as the 72-column
text `python -m generator agenda` prints for a mail to the list (compared whole with golden
files in tests/golden/agenda/; `make goldens` writes them again)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.builder.pipeline import load_site
from generator.errors import Problems
from generator.pages import grid
from generator.records.schema import clock_text
from tests.conftest import REPO, SAMPLE, SCHEDULE, SUMMIT, edit, run_cli

GOLDEN = REPO / "tests" / "golden" / "agenda"
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"


def site_of(folder: Path):
    """The Site of a data folder, and the problems (warnings only) `check` reports for it."""
    problems = Problems()
    site = load_site(str(folder), problems)
    assert site is not None, [str(p) for p in problems.items]
    return site, problems


def grid_of(folder: Path, eid: str) -> list[grid.Day]:
    site, _ = site_of(folder)
    sessions = [site.topics[t] for t in site.topics_of_event[eid] if site.on_agenda(site.topics[t])]
    return grid.days(site.events[eid], sessions)


def cells(day: grid.Day) -> list[tuple[str, str, int, int, int, int]]:
    """Each cell as (what, first room, row, column, rows, columns)."""
    return [
        (c.topic["id"] if c.topic is not None else c.title, day.columns[c.col].name, c.row, c.col, c.rowspan, c.colspan)
        for c in day.cells
    ]


def test_the_fixture_grid_spans_what_every_track_or_two_tracks_share():
    monday, tuesday = grid_of(SCHEDULE, "grid-2030")
    assert [c.name for c in monday.columns] == ["Blue room", "Green room", "Red room"]
    assert [clock_text(t) for t in monday.times] == [
        "09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:30", "13:30",
    ]  # fmt: skip
    assert cells(monday) == [
        ("opening", "Blue room", 0, 0, 1, 3),  # plenary: every room
        ("block-queues", "Blue room", 1, 0, 2, 1),
        ("folio-sizes", "Green room", 1, 1, 1, 1),
        ("verifier-limits", "Red room", 1, 2, 2, 1),
        ("zoned-storage", "Blue room", 3, 0, 1, 1),
        ("bpf-in-mm", "Green room", 3, 1, 2, 2),  # joint MM + BPF: the rooms of both tracks
        ("Lunch", "Blue room", 6, 0, 1, 3),  # the break of every day, across every room
    ]
    assert monday.unplaced == []
    joint = next(c for c in monday.cells if c.colspan == 2)
    assert joint.room == "Green room"  # where it is, since it spans two rooms
    # A row lists the cells that start in it and the free rooms, and skips what is covered.
    assert [c if c is None else c.topic["id"] for c in monday.row(2)] == [None]  # 10:00: folio-sizes ended
    assert [c if c is None else c.topic["id"] for c in monday.row(5)] == [None, None, None]
    assert cells(tuesday) == [("Lunch", "Blue room", 0, 0, 1, 3), ("swap-day-two", "Green room", 2, 1, 1, 1)]


def test_a_session_held_over_a_break_keeps_its_room_and_the_break_fills_the_rest():
    """The summit fixture's 2029 session was held from 11:00 to 11:30, over the coffee break
    (11:15-11:45): as the record says, so `check` accepts it. It stays in its room, marked with
    the break; the break takes the side room all through, and the hall once the session ends."""
    _, problems = site_of(SUMMIT)
    assert problems.items == []
    (day,) = grid_of(SUMMIT, "example-2029")
    assert [clock_text(t) for t in day.times] == ["11:00", "11:15", "11:30", "11:45"]
    assert cells(day) == [
        ("swap-tiers-2029", "The hall", 0, 0, 2, 1),
        ("Coffee break", "Side room", 1, 1, 2, 1),
        ("Coffee break", "The hall", 2, 0, 1, 1),
    ]
    session = day.cells[0]
    assert session.over == (grid.Pause("Coffee break", 11 * 60 + 15, 11 * 60 + 45),)
    assert [c.over for c in day.cells[1:]] == [(), ()] and day.unplaced == []


def test_a_draft_over_the_lunch_is_warned_of_and_still_in_its_room(tmp_path):
    """Not held: `check` warns (so `make site` fails, and `make serve` shows it), and the grid
    shows the session where it is, the lunch in every other room and beside it once it ends.
    Rooms whose free times are alike share one cell of the break."""
    data = Path(shutil.copytree(SCHEDULE, tmp_path / "data"))
    edit(data / "topics/swap-day-two.yaml", 'start: "14:00"', 'start: "12:00"', every=True)
    _, problems = site_of(data)
    assert [p.message.split(" (")[0] for p in problems.items] == ["session 'swap-day-two'"]
    tuesday = grid_of(data, "grid-2030")[1]
    assert [clock_text(t) for t in tuesday.times] == ["12:00", "12:30", "12:45", "13:30"]
    assert cells(tuesday) == [
        ("swap-day-two", "Green room", 0, 1, 2, 1),
        ("Lunch", "Blue room", 1, 0, 2, 1),
        ("Lunch", "Red room", 1, 2, 2, 1),
        ("Lunch", "Green room", 2, 1, 1, 1),
    ]
    assert [p.title for p in tuesday.cells[0].over] == ["Lunch"] and tuesday.unplaced == []
    # Blue and Red side by side, free alike: one cell of the lunch across both.
    edit(data / "events/grid-2030.yaml", "  - id: green\n    name: Green room\n    tracks: [mm]\n", "", every=True)
    edit(
        data / "events/grid-2030.yaml",
        "    tracks: [bpf]\n",
        "    tracks: [bpf]\n  - id: green\n    name: Green room\n    tracks: [mm]\n",
        every=True,
    )
    tuesday = grid_of(data, "grid-2030")[1]
    assert ("Lunch", "Blue room", 1, 0, 2, 2) in cells(tuesday)


def test_a_plenary_session_over_a_break_keeps_to_its_own_room(tmp_path):
    """It does not spread over the break, which keeps the other rooms."""
    data = Path(shutil.copytree(SCHEDULE, tmp_path / "data"))
    edit(data / "topics/opening.yaml", 'start: "09:00"\n  minutes: 30', 'start: "12:00"\n  minutes: 60', every=True)
    edit(data / "topics/opening.yaml", "status: accepted", "status: held", every=True)
    monday = grid_of(data, "grid-2030")[0]
    at = {clock_text(t): n for n, t in enumerate(monday.times)}
    assert ("opening", "Green room", at["12:00"], 1, 2, 1) in cells(monday)
    assert [c for c in cells(monday) if c[0] == "Lunch"] == [
        ("Lunch", "Blue room", at["12:30"], 0, 2, 1),
        ("Lunch", "Red room", at["12:30"], 2, 2, 1),
        ("Lunch", "Green room", at["13:00"], 1, 1, 1),
    ]


def test_a_break_with_every_room_taken_is_listed_apart(tmp_path):
    data = Path(shutil.copytree(SUMMIT, tmp_path / "data"))
    edit(data / "events/example-2029.yaml", "  - id: side\n    name: Side room\n", "", every=True)
    edit(data / "topics/swap-tiers-2029.yaml", "minutes: 30", "minutes: 45", every=True)  # to 11:45
    (day,) = grid_of(data, "example-2029")
    assert [(u.title, u.topic, u.against.topic["id"]) for u in day.unplaced] == [
        ("Coffee break", None, "swap-tiers-2029")
    ]
    assert [c.title for c in day.cells] == ["Swap tiers, first round"]


def test_a_joint_session_whose_rooms_are_not_side_by_side_keeps_to_its_own(tmp_path):
    data = Path(shutil.copytree(SCHEDULE, tmp_path / "data"))
    edit(data / "topics/bpf-in-mm.yaml", "tracks: [mm, bpf]", "tracks: [storage, bpf]", every=True)
    edit(data / "topics/zoned-storage.yaml", 'start: "10:30"', 'start: "14:00"', every=True)
    edit(data / "topics/verifier-limits.yaml", "minutes: 60", "minutes: 30", every=True)
    monday = grid_of(data, "grid-2030")[0]
    # Blue (storage) and Red (bpf) with Green (its own room) between: all three.
    assert ("bpf-in-mm", "Blue room", 3, 0, 1, 3) in cells(monday)
    edit(
        data / "events/grid-2030.yaml",
        "    tracks: [bpf]",
        "    tracks: [bpf]\n  - id: grey\n    name: Grey room",
        every=True,
    )
    edit(data / "topics/bpf-in-mm.yaml", "room: green", "room: grey", every=True)
    monday = grid_of(data, "grid-2030")[0]
    assert ("bpf-in-mm", "Grey room", 3, 3, 1, 1) in cells(monday)  # Blue, Red and Grey: not side by side


def test_a_session_that_clashes_is_left_out_of_the_grid_and_named(tmp_path):
    data = Path(shutil.copytree(SCHEDULE, tmp_path / "data"))
    edit(data / "topics/zoned-storage.yaml", 'start: "10:30"', 'start: "10:15"', every=True)
    monday = grid_of(data, "grid-2030")[0]
    assert [(u.topic["id"], u.against.topic["id"]) for u in monday.unplaced] == [("zoned-storage", "block-queues")]
    assert "zoned-storage" not in [c.topic["id"] for c in monday.cells if c.topic is not None]


def test_a_session_without_a_room_gets_a_column_of_its_own(tmp_path):
    data = Path(shutil.copytree(SCHEDULE, tmp_path / "data"))
    edit(data / "topics/swap-day-two.yaml", "  room: green\n", "", every=True)
    tuesday = grid_of(data, "grid-2030")[1]
    assert [c.name for c in tuesday.columns][-1] == grid.NO_ROOM
    assert ("swap-day-two", grid.NO_ROOM, 2, 3, 1, 1) in cells(tuesday)


def test_parallel_sessions_without_rooms_stand_side_by_side_and_clash_with_nothing(tmp_path):
    """A draft schedule (or an old one) without rooms: `check` sees no clash, nor does the grid."""
    data = Path(shutil.copytree(SCHEDULE, tmp_path / "data"))
    for topic in (data / "topics").glob("*.yaml"):
        topic.write_text("".join(line for line in topic.read_text().splitlines(True) if not line.startswith("  room:")))
    event = data / "events" / "grid-2030.yaml"
    event.write_text(event.read_text().split("rooms:")[0] + "breaks:" + event.read_text().split("breaks:")[1])
    _, problems = site_of(data)
    assert [p.message for p in problems.items] == []
    monday = grid_of(data, "grid-2030")[0]
    assert monday.unplaced == []
    assert [c.name for c in monday.columns] == [f"{grid.NO_ROOM} (1)", f"{grid.NO_ROOM} (2)", f"{grid.NO_ROOM} (3)"]
    assert ("block-queues", "Room not given (1)", 1, 0, 2, 1) in cells(monday)
    assert ("folio-sizes", "Room not given (2)", 1, 1, 1, 1) in cells(monday)
    assert ("verifier-limits", "Room not given (3)", 1, 2, 2, 1) in cells(monday)


def test_a_session_in_a_room_of_a_joint_sessions_track_keeps_its_room(tmp_path):
    """Each session is placed in its own room first; the joint session spans only what is
    free (here: its own room alone), so the grid drops nothing that `check` accepts."""
    data = Path(shutil.copytree(SCHEDULE, tmp_path / "data"))
    edit(data / "topics/zoned-storage.yaml", "room: blue", "room: red", every=True)
    _, problems = site_of(data)
    assert problems.items == []
    monday = grid_of(data, "grid-2030")[0]
    assert monday.unplaced == []
    assert ("zoned-storage", "Red room", 3, 2, 1, 1) in cells(monday)
    assert ("bpf-in-mm", "Green room", 3, 1, 2, 1) in cells(monday)


def test_two_breaks_at_once_are_warned_of_and_the_second_is_listed_apart(tmp_path):
    data = Path(shutil.copytree(SCHEDULE, tmp_path / "data"))
    edit(
        data / "events/grid-2030.yaml",
        "    minutes: 60\n",
        '    minutes: 60\n  - title: Coffee\n    start: "13:00"\n    minutes: 60\n',
        every=True,
    )
    _, problems = site_of(data)
    assert [str(p) for p in problems.items] == [
        f"{data}/events/grid-2030.yaml:35:5: warning: break 'Coffee' overlaps break 'Lunch' (line 32): "
        "make them one, or move one"
    ]
    monday = grid_of(data, "grid-2030")[0]
    assert [(u.title, u.topic, u.against.title) for u in monday.unplaced] == [("Coffee", None, "Lunch")]


def test_wrap_fills_lines_and_cuts_what_cannot_fit():
    assert grid.wrap("Opening and the state of the kernel", 12) == ["Opening and", "the state of", "the kernel"]
    assert grid.wrap("folio_split_unmapped_pages()", 10) == ["folio_spli", "t_unmapped", "_pages()"]
    assert grid.width("日本語") == 6 and grid.wrap("日本語 text", 5) == ["日本", "語", "text"]


# ---------------------------------------------------------------------------------- the command


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("grid-2030.txt", ["--data", str(SCHEDULE)]),
        ("grid-2030-tuesday.txt", ["--data", str(SCHEDULE), "--day", "2030-05-07"]),
        ("example-2029.txt", ["--data", str(SUMMIT), "--event", "example-2029"]),
        ("default.txt", ["--data", str(REPO / "data")]),
        ("sample.txt", ["--data", str(SAMPLE)]),
    ],
)
def test_the_text_agenda_matches_its_golden_file(name, args, tmp_path):
    result = run_cli("agenda", "--no-cache", *args, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    if UPDATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        (GOLDEN / name).write_text(result.stdout)
    assert result.stdout == (GOLDEN / name).read_text()
    assert max(grid.width(line) for line in result.stdout.splitlines()) <= 72


def test_a_long_session_keeps_its_title_in_its_first_row_and_says_cont_after(tmp_path):
    """A session over several rows is not read as starting at a later row's time: its title and
    time stay together in its first row, each later row starts "(cont.)", and a last row says
    when the day ends."""
    result = run_cli("agenda", "--no-cache", "--data", str(SUMMIT), "--event", "example-2029", cwd=tmp_path)
    lines = result.stdout.splitlines()
    hall = [line.split("|")[1].strip() for line in lines if line[:6] in ("11:00 ", "11:15 ", "      ")][:6]
    assert hall == [
        "Swap tiers, first round", "11:00-11:30", "Overlaps Coffee break", "(11:15-11:45)",
        "(cont.)", "Memory management",
    ]  # fmt: skip
    assert lines[-2] == "11:45 | Nothing later is scheduled."
    grid_2030 = run_cli("agenda", "--no-cache", "--data", str(SCHEDULE), "--day", "2030-05-06", cwd=tmp_path).stdout
    assert "10:00 | (cont.)             |                     | (cont.)\n" in grid_2030


def test_every_line_fits_72_columns_whatever_the_names(tmp_path):
    data = Path(shutil.copytree(SCHEDULE, tmp_path / "data"))
    edit(
        data / "events/grid-2030.yaml", "name: Blue room", "name: The large auditorium on the ground floor", every=True
    )
    edit(
        data / "topics/folio-sizes.yaml",
        "title: Folio sizes",
        "title: 大きなフォリオ and folio_split_unmapped_pages()",
        every=True,
    )
    result = run_cli("agenda", "--no-cache", "--data", str(data), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for part in ("大きなフォリオ", "folio_split_unmapp", "ground floor"):
        assert part in result.stdout
    assert max(grid.width(line) for line in result.stdout.splitlines()) <= 72


def test_a_clash_is_warned_of_and_listed_under_the_grid(tmp_path):
    data = Path(shutil.copytree(SCHEDULE, tmp_path / "data"))
    edit(data / "topics/zoned-storage.yaml", 'start: "10:30"', 'start: "10:15"', every=True)
    result = run_cli("agenda", "--no-cache", "--data", str(data), "--day", "2030-05-06", cwd=tmp_path)
    assert result.returncode == 0
    assert "is in Blue room at the same time as 'block-queues'" in result.stderr
    assert "Not in the grid: 10:15-10:45 Zoned storage, against 'block-queues' (see\n`check`)" in result.stdout
    strict = run_cli("agenda", "--no-cache", "--strict", "--data", str(data), cwd=tmp_path)
    assert strict.returncode == 1 and strict.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--event", "nope"], "Usage error: no event 'nope' in "),
        (
            ["--day", "2030-05-08"],
            "Usage error: 2030-05-08 is not a day of Grid Summit 2030 (2030-05-06 to 2030-05-07)",
        ),
        (["--day", "8 May"], "argument --day: expected a date as YYYY-MM-DD, found '8 May'"),
    ],
)
def test_usage_errors_say_what_to_give(args, message, tmp_path):
    result = run_cli("agenda", "--no-cache", "--data", str(SCHEDULE), *args, cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert message in result.stderr


def test_names_are_shown_safely_and_many_rooms_are_shown_four_at_a_time(tmp_path):
    data = Path(shutil.copytree(SCHEDULE, tmp_path / "data"))
    edit(data / "people.yaml", "name: Bo Block", 'name: "Bo \\u202eBlock"', every=True)
    rooms = "".join(f"  - id: extra-{n}\n    name: 大きな部屋 {n}\n" for n in range(14))
    edit(data / "events/grid-2030.yaml", "breaks:", f"{rooms}breaks:", every=True)
    result = subprocess.run(  # a hang would be a timeout, not a silent pass
        [sys.executable, "-m", "generator", "agenda", "--no-cache", "--data", str(data), "--day", "2030-05-06"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "\u202e" not in result.stdout and "[U+202E]Block" in result.stdout
    assert [line for line in result.stdout.splitlines() if line.startswith("Rooms ")] == [
        "Rooms 1 to 4 of 17:", "Rooms 5 to 8 of 17:", "Rooms 9 to 12 of 17:", "Rooms 13 to 16 of 17:",
        "Rooms 17 to 17 of 17:",
    ]  # fmt: skip
    assert max(grid.width(line) for line in result.stdout.splitlines()) <= 72


def test_a_past_event_by_its_id(tmp_path):
    result = run_cli("agenda", "--no-cache", "--data", str(SUMMIT), "--event", "example-2029", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Example Summit 2029")
