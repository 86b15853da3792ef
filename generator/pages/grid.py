"""The agenda as a grid: per day, time rows by room columns, as the agenda page draws it (HTML)
and as `python -m generator agenda` prints it (72-column text for a mail to the list).

Pure functions of an event's records. A row runs from one time at which something starts or
ends to the next, and a last row says when the day's last session or break ends; a cell spans
the rows of its session. Columns are the event's rooms in its order, then, for sessions without
a room, as many "Room not given" columns as run at once.

Each session is placed in its own room first. A break (every track shares it) then takes every
room that is free at its time: a session over a break (one that was held so, or a draft that
`check` warns of) keeps its room and is marked with the break, and the break fills the rest,
each room's part as one cell, side by side where they are alike. Last, a plenary session
spreads across every room and a joint session across the rooms of its tracks, where those are
free and side by side (else each keeps to its own room). What finds its own place taken (a
clash `check` warns of: two sessions in a room, two breaks at once, a break with no room free)
is left out of the grid and listed under it, with what took its place.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from generator.records.schema import clock_minutes, clock_text

NO_ROOM = "Room not given"
NOTHING_LATER = "Nothing later is scheduled."  # what the last row of a day says, beside its time


@dataclass(frozen=True)
class Column:
    id: str  # the room id; "" for sessions without a room
    name: str


@dataclass(frozen=True)
class Pause:
    """A break a session runs over: its title, start and end (minutes from midnight)."""

    title: str
    start: int
    end: int


@dataclass
class Cell:
    """A session (`topic`) or a break (`title` only; a break that a session runs over has a
    cell for each part of it that is free) in the grid."""

    start: int  # minutes from midnight
    end: int
    row: int
    col: int
    rowspan: int
    colspan: int
    title: str
    topic: Any = None  # the topic record; None for a break
    tracks: tuple[str, ...] = ()  # track ids
    room: str = ""  # the name of its room, when it spans other columns
    over: tuple[Pause, ...] = ()  # the breaks a session runs over, in time order


@dataclass
class Left:
    """A session or break left out of the grid: its place is taken by `against`."""

    title: str
    start: int
    end: int
    topic: Any  # None for a break
    against: Cell


@dataclass
class Day:
    day: str  # YYYY-MM-DD
    columns: list[Column]
    times: list[int]  # row r runs from times[r] to times[r + 1]; the last is when the day ends
    cells: list[Cell]  # by row, then column
    unplaced: list[Left] = field(default_factory=list)  # what clashes with the grid

    def row(self, r: int) -> list[Cell | None]:
        """What row `r` of a table holds, left to right: the cells that start in it, and None
        for each free room; a place inside a cell of an earlier row or column is left out."""
        covered: dict[int, Cell] = {}
        for cell in self.cells:
            if cell.row <= r < cell.row + cell.rowspan:
                for c in range(cell.col, cell.col + cell.colspan):
                    covered[c] = cell
        out: list[Cell | None] = []
        for c in range(len(self.columns)):
            here = covered.get(c)
            if here is None:
                out.append(None)
            elif here.row == r and here.col == c:
                out.append(here)
        return out


def days(event: Any, sessions: list[Any]) -> list[Day]:
    """The grid of each day of `event` that has a scheduled session, in order. `sessions`: the
    event's topics on its agenda."""
    by_day: dict[str, list[Any]] = {}
    for topic in sessions:
        if topic["slot"]:
            by_day.setdefault(topic["slot"]["day"], []).append(topic)
    return [_day(event, day, by_day[day]) for day in sorted(by_day)]


def _times(rec: Any) -> tuple[int, int]:
    """Start and end of a slot or a break, in minutes from midnight."""
    start = clock_minutes(rec["start"])
    return start, start + rec["minutes"]


def _lanes(topics: list[Any]) -> dict[str, int]:
    """Sessions without a room, each given a column of its own among as few as their times
    allow (the first free one, in time order): parallel sessions without a room do not clash."""
    ends: list[int] = []
    lane: dict[str, int] = {}
    for topic in sorted(topics, key=lambda t: (_times(t["slot"])[0], t["id"])):
        start, end = _times(topic["slot"])
        k = next((k for k, taken in enumerate(ends) if taken <= start), len(ends))
        if k == len(ends):
            ends.append(0)
        ends[k] = end
        lane[topic["id"]] = k
    return lane


def _parts(rows: range, cols: range, free: Any) -> list[tuple[range, range]]:
    """The free places of a block of rows and columns as few cells (rows, columns): in each
    column, each run of free rows; a run the column before has alike joins its cell."""
    parts: list[tuple[range, range]] = []
    last: dict[range, int] = {}  # a run of rows -> its part, in the column before
    for c in cols:
        runs, run = [], None
        for r in rows:
            if free(r, c):
                run = range(run.start if run else r, r + 1)
            elif run:
                runs.append(run)
                run = None
        runs += [run] if run else []
        here: dict[range, int] = {}
        for run in runs:
            k = last.get(run)
            if k is None:
                parts.append((run, range(c, c + 1)))
                k = len(parts) - 1
            else:
                parts[k] = (run, range(parts[k][1].start, c + 1))
            here[run] = k
        last = here
    return parts


def _day(event: Any, day: str, topics: list[Any]) -> Day:
    columns = [Column(r["id"], r["name"]) for r in event["rooms"]]
    lane = _lanes([t for t in topics if not t["slot"]["room"]])
    lanes = max(lane.values(), default=-1) + 1
    columns += [Column("", NO_ROOM if lanes == 1 else f"{NO_ROOM} ({k + 1})") for k in range(lanes)]
    index = {r["id"]: n for n, r in enumerate(event["rooms"])}
    room_tracks = {r["id"]: set(r["tracks"]) for r in event["rooms"]}
    names = {r["id"]: r["name"] for r in event["rooms"]}
    pauses = sorted(
        (Pause(p["title"], *_times(p)) for p in event["breaks"] if p["day"] in (None, day)),
        key=lambda p: (p.start, p.end, p.title),
    )
    spans = [(p.start, p.end) for p in pauses] + [_times(t["slot"]) for t in topics]
    times = sorted({x for span in spans for x in span})
    row_of = {x: n for n, x in enumerate(times)}
    taken: dict[tuple[int, int], Cell] = {}
    cells: list[Cell] = []
    unplaced: list[Left] = []
    everywhere = range(len(columns))

    def in_the_way(rows: range, cols: range, but: Cell | None = None) -> Cell | None:
        """The first cell other than `but` in the place, or None."""
        return next((taken[(r, c)] for r in rows for c in cols if taken.get((r, c), but) is not but), None)

    def put(cell: Cell) -> None:
        cells.append(cell)
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                taken[(r, c)] = cell

    # Each session in its own room (a plenary or joint session too, for now), in time order.
    def order(topic: Any) -> tuple[int, int, str]:
        return ({"plenary": 1, "joint-session": 2}.get(topic["kind"], 0), _times(topic["slot"])[0], topic["id"])

    placed: list[Cell] = []
    for topic in sorted(topics, key=order):
        slot = topic["slot"]
        start, end = _times(slot)
        rows = range(row_of[start], row_of[end])
        own = index[slot["room"]] if slot["room"] else len(index) + lane[topic["id"]]
        other = in_the_way(rows, range(own, own + 1))
        if other is not None:  # its own room is taken: a clash `check` warns of
            unplaced.append(Left(topic["title"], start, end, topic, other))
            continue
        over = tuple(p for p in pauses if p.start < end and start < p.end)
        cell = Cell(start, end, rows.start, own, len(rows), 1, topic["title"], topic, tuple(topic["tracks"]), over=over)
        put(cell)
        placed.append(cell)

    # Each break in every room free at its time; not over another break (`check` warns of it).
    for pause in pauses:
        rows = range(row_of[pause.start], row_of[pause.end])
        parts = _parts(rows, everywhere, lambda r, c: (r, c) not in taken)
        breaks = [taken[(r, c)] for r in rows for c in everywhere if (r, c) in taken and taken[(r, c)].topic is None]
        if breaks or not parts:  # another break, or sessions in every room all through it
            other = breaks[0] if breaks else in_the_way(rows, everywhere)
            assert other is not None
            unplaced.append(Left(pause.title, pause.start, pause.end, None, other))
            continue
        for part_rows, part_cols in parts:
            put(Cell(pause.start, pause.end, part_rows.start, part_cols.start, len(part_rows), len(part_cols),
                     pause.title))  # fmt: skip

    # A plenary session across every room, a joint session across the rooms of its tracks,
    # where they are free and side by side.
    for cell in placed:
        topic = cell.topic
        if topic["kind"] == "plenary":
            wide = list(everywhere)
        elif topic["kind"] == "joint-session":
            wide = sorted({cell.col} | {index[r] for r, tracks in room_tracks.items() if tracks & set(topic["tracks"])})
        else:
            continue
        span = range(wide[0], wide[-1] + 1)
        rows = range(cell.row, cell.row + cell.rowspan)
        if len(wide) > 1 and len(span) == len(wide) and in_the_way(rows, span, but=cell) is None:
            cell.room = names.get(topic["slot"]["room"] or "", NO_ROOM)
            cell.col, cell.colspan = span.start, len(span)
            taken.update(((r, c), cell) for r in rows for c in span)
    cells.sort(key=lambda c: (c.row, c.col))
    unplaced.sort(key=lambda x: (x.start, x.title))
    return Day(day, columns, times, cells, unplaced)


# ---------------------------------------------------------------------------------- as text


def width(text: str) -> int:
    """Columns a text takes in a fixed-width font (wide East Asian characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1 for ch in text)


def wrap(text: str, room: int) -> list[str]:
    """Words filled into lines of at most `room` columns; a longer word is cut (at least one
    character a line, so a wide character in a column of one still ends)."""
    room = max(room, 1)
    lines: list[str] = []
    line = ""
    for word in text.split():
        while width(word) > room and len(word) > 1:
            if line:
                lines.append(line)
                line = ""
            cut = room
            while cut > 1 and width(word[:cut]) > room:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        if not line:
            line = word
        elif width(line) + 1 + width(word) <= room:
            line += " " + word
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def pad(text: str, room: int) -> str:
    return text + " " * (room - width(text))


TIME = 5  # "09:30"
CONT = "(cont.)"  # the first line of each row after the first of a cell that spans rows


def text(day: Day, lines_of: Any, total: int = 72) -> list[str]:
    """A day's grid as lines of at most `total` columns: a time column and a column per room,
    ruled with ASCII ('|' between columns, '-' between rows, '+' where they meet); a cell
    spanning rows or rooms has no rule inside it, and each row after its first starts with
    "(cont.)", so that what goes on is not read as starting at that row's time. A last row gives
    the time the day ends. `lines_of(cell)` gives what a cell says, one string per line to
    start, in two lists: what its first row shows whole (the title and time), then the rest,
    which may go on in the rows below; each is wrapped to fit."""
    n = len(day.columns)
    inner = total - (TIME + 2) - 3 * n + 1  # "HH:MM | a | b | c": each column is " a |"
    widths = [inner // n + (1 if k < inner % n else 0) for k in range(n)]

    def span_width(cell: Cell) -> int:
        return sum(widths[cell.col : cell.col + cell.colspan]) + 3 * (cell.colspan - 1)

    body: dict[int, list[str]] = {}
    rows = len(day.times) - 1
    height = [1] * rows
    for each in day.cells:
        head, rest = ([w for part in parts for w in wrap(part, span_width(each))] for parts in lines_of(each))
        body[id(each)] = head + rest
        height[each.row] = max(height[each.row], len(head))  # the title and time stay in the first row
    for cell in sorted(day.cells, key=lambda c: (c.row + c.rowspan, c.rowspan)):
        # The last row of a cell takes what its earlier rows (each as tall as it must be for
        # the cells that end there, worked out first) cannot hold; each row after the first
        # gives its first line to "(cont.)".
        last = cell.row + cell.rowspan - 1
        held = height[cell.row] + sum(h - 1 for h in height[cell.row + 1 : last]) if last > cell.row else 0
        height[last] = max(height[last], len(body[id(cell)]) - held + (last > cell.row))
    at: dict[tuple[int, int], Cell] = {}
    for cell in day.cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                at[(r, c)] = cell

    def inside(row: int, c: int) -> bool:
        """Whether the boundary right of column c is inside one cell on this row."""
        here = at.get((row, c))
        return here is not None and here is at.get((row, c + 1))

    def rule(row: int) -> str:
        """The rule above `row`; rule(rows) closes the grid."""
        flat = [
            row == 0 or row == rows or at.get((row - 1, c)) is None or at.get((row - 1, c)) is not at.get((row, c))
            for c in range(n)
        ]
        out = "-" * (TIME + 1) + "+"
        for c in range(n):
            out += ("-" if flat[c] else " ") * (widths[c] + 2)
            if c == n - 1:
                break
            up = row == 0 or not inside(row - 1, c)
            down = row < rows and not inside(row, c)
            across = flat[c] or flat[c + 1]
            out += "+" if (up or down) and across else "|" if up or down else "-" if across else " "
        return out.rstrip()

    names = [wrap(c.name, widths[k]) or [""] for k, c in enumerate(day.columns)]
    out = []
    for line in range(max(len(name) for name in names)):
        cols = [f" {pad(name[line] if line < len(name) else '', widths[k])} " for k, name in enumerate(names)]
        out.append((pad("" if line else "Time", TIME) + " |" + "|".join(cols)).rstrip())
    out.append(rule(0))
    shown: dict[int, int] = {}  # cell -> lines shown so far
    for r in range(rows):
        for line in range(height[r]):
            row = pad(clock_text(day.times[r]) if line == 0 else "", TIME) + " |"
            c = 0
            while c < n:
                here = at.get((r, c))
                if here is None:
                    row += " " * (widths[c] + 2)
                    c += 1
                elif here.row < r and line == 0:
                    row += " " + pad(wrap(CONT, span_width(here))[0], span_width(here)) + " "
                    c += here.colspan
                else:
                    k = shown.get(id(here), 0)
                    words = body[id(here)]
                    row += " " + pad(words[k] if k < len(words) else "", span_width(here)) + " "
                    shown[id(here)] = k + 1
                    c += here.colspan
                if c < n:
                    row += "|"
            out.append(row.rstrip())
        if r + 1 < rows:
            out.append(rule(r + 1))
    out.append(rule(rows))
    across = sum(widths) + 3 * (n - 1)
    for k, line_text in enumerate(wrap(NOTHING_LATER, across)):
        out.append((pad(clock_text(day.times[-1]) if k == 0 else "", TIME) + " | " + line_text).rstrip())
    out.append("-" * (TIME + 1) + "+" + "-" * (across + 2))
    return out


# ---------------------------------------------------------------------------------- the agenda

ROOMS_PER_GRID = 4  # in 72 columns: 13 a room; more rooms are shown four at a time


def block(day: Day, cols: range, shown: Any) -> Day:
    """The part of a day's grid in some of its columns (cells clipped to them), the room names
    made safe to print by `shown`."""
    cells = []
    for c in day.cells:
        first, last = max(c.col, cols.start), min(c.col + c.colspan, cols.stop)
        if first < last:
            cells.append(replace(c, col=first - cols.start, colspan=last - first))
    columns = [replace(c, name=shown(c.name)) for c in day.columns[cols.start : cols.stop]]
    return Day(day.day, columns, day.times, cells, [])


def _leads(topic: Any, people: Mapping[str, Any]) -> str:
    return ", ".join(people[p]["name"] for p in topic["leads"]) or "lead unknown"


def cell_lines(
    cell: Cell, tracks: Mapping[str, str], people: Mapping[str, Any], kinds: Mapping[str, str]
) -> tuple[list[str], list[str]]:
    """What a cell of the text grid says: what its first row shows whole (its title, its time
    and its room when it spans others, the breaks it runs over), then its kind and tracks and
    its leads."""
    when = f"{clock_text(cell.start)}-{clock_text(cell.end)}" + (f", {cell.room}" if cell.room else "")
    topic = cell.topic
    if topic is None:
        return [cell.title, when], []
    kind = kinds[topic["kind"]] if topic["kind"] != "session" else ""
    names = ", ".join(tracks[t] for t in topic["tracks"])
    about = f"{kind[:1].upper()}{kind[1:]}: {names}" if kind and names else kind[:1].upper() + kind[1:] or names
    over = [f"Overlaps {p.title} ({clock_text(p.start)}-{clock_text(p.end)})" for p in cell.over]
    return [topic["title"], when, *over], [line for line in (about, _leads(topic, people)) if line]


def agenda_text(
    event: Any,
    sessions: list[Any],
    people: Mapping[str, Any],
    kinds: Mapping[str, str],
    date: Any,
    shown: Any,
    only: str | None = None,
    total: int = 72,
) -> str:
    """The agenda of an event as plain text for a mail: each day's grid (or the day `only`),
    what does not fit in it, and the sessions without a slot. `date` formats a day; `shown`
    makes a record's text safe to print (bidi controls shown, not obeyed: markup.plain)."""
    tracks = {t["id"]: t["name"] for t in event["tracks"]}

    def lines_of(cell: Cell) -> tuple[list[str], list[str]]:
        head, rest = cell_lines(cell, tracks, people, kinds)
        return [shown(line) for line in head], [shown(line) for line in rest]

    grids = [d for d in days(event, sessions) if only is None or d.day == only]
    zone = f" (times in {event['timezone']})" if event["timezone"] else ""
    title = shown(event["name"])
    out: list[str] = []
    if only is not None and not grids:
        out.append(f"{title}, {date(only)}: no session is scheduled on that day.")
    elif not grids:
        out.append(f"{title}: no session has a slot yet.")
    for day in grids:
        if out:
            out.append("")
        out.append(f"{title}, {date(day.day)}{zone}")
        n = len(day.columns)
        for first in range(0, n, ROOMS_PER_GRID):
            part = block(day, range(first, min(first + ROOMS_PER_GRID, n)), shown)
            out.append("" if n <= ROOMS_PER_GRID else f"\nRooms {first + 1} to {first + len(part.columns)} of {n}:")
            out.extend(text(part, lines_of, total))
        for left in day.unplaced:
            against = left.against.topic["id"] if left.against.topic is not None else left.against.title
            what = " ".join(left.title.split()) if left.topic is not None else f"the break '{left.title}'"
            when = f"{clock_text(left.start)}-{clock_text(left.end)}"
            out.extend(wrap(shown(f"Not in the grid: {when} {what}, against '{against}' (see `check`)"), total))
    waiting = [t for t in sessions if not t["slot"]]
    if waiting and only is None:
        out.append("")
        out.append("Without a slot:")
        for topic in waiting:
            lines = wrap(shown(f"{topic['title']} ({_leads(topic, people)})"), total - 2)
            out.extend(["- " + lines[0], *("  " + line for line in lines[1:])])
    return "\n".join(out) + "\n"
