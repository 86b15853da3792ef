"""Requests to attend from the call's web form (pure): the CSV its spreadsheet exports (Google
Forms, Microsoft Forms, a LimeSurvey export), a row a request.

Columns are found by their header, compared without case and spacing; `--column FIELD=HEADER`
names another. The fields:

| field     | headers found without --column                       | what it gives                   |
|-----------|------------------------------------------------------|---------------------------------|
| name      | Name, Full name, Your name                           | the person (required)           |
| email     | Email, Email address, E-mail, Your email             | matched to people (required)    |
| submitted | Timestamp, Submitted, Submitted at, Date             | `posted`                        |
| discuss   | Discuss, Topics, Interests, What would you like to discuss | `discuss`, as written     |
| topics    | Topic ids, Topic-ids                                 | ids of topics on record named   |

A time with its UTC offset is kept to the second, in UTC; a time without one (spreadsheets write
local time, `1/20/2030 10:00:00`) is kept as its day only: no time zone is guessed. A bad row is
an error naming the file and its line; every bad row is said at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

from generator.errors import Problem

FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "your name"),
    "email": ("email", "email address", "e-mail", "e-mail address", "your email"),
    "submitted": ("timestamp", "submitted", "submitted at", "date"),
    "discuss": ("discuss", "topics", "interests", "what would you like to discuss"),
    "topics": ("topic ids", "topic-ids"),
}
REQUIRED = ("name", "email")
MAX_ROWS = 100_000
MAX_FIELD = 4000  # characters of `discuss` kept, as the schema allows
_ADDRESS = re.compile(r"[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+")
_LOCAL = (
    "%m/%d/%Y %H:%M:%S",  # Google Forms
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%m/%d/%Y",
)


@dataclass(frozen=True)
class Row:
    line: int  # where the row starts in the file
    name: str
    email: str
    posted: str  # UTC time, a day, or ''
    discuss: str
    topics: tuple[str, ...]


def _key(header: str) -> str:
    return " ".join(header.casefold().replace("_", " ").split()).rstrip("?:")


def read(raw: bytes, shown: str, columns: dict[str, str]) -> tuple[list[Row], list[Problem]]:
    """Every row of a form export, or the problems of the bad ones (file:line)."""
    problems: list[Problem] = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [Problem(shown, 0, 0, f"not UTF-8 text (byte {exc.start}): export the form as CSV in UTF-8")]
    lines = io.StringIO(text, newline="")
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        return [], [Problem(shown, 0, 0, "empty: a form export starts with a line of headers")]
    except csv.Error as exc:
        return [], [Problem(shown, 1, 0, f"not CSV: {exc}")]
    keys = {_key(h): i for i, h in reversed(list(enumerate(header)))}
    where: dict[str, int] = {}
    for fld, names in FIELDS.items():
        wanted = [_key(columns[fld])] if fld in columns else [_key(n) for n in names]
        found = next((keys[k] for k in wanted if k in keys), None)
        if found is not None:
            where[fld] = found
        elif fld in columns:
            problems.append(Problem(shown, 1, 0, f"--column {fld}={columns[fld]!r}: no such header here"))
        elif fld in REQUIRED:
            problems.append(
                Problem(
                    shown,
                    1,
                    0,
                    f"no column for the {fld} (headers: {', '.join(repr(h) for h in header[:12])}); "
                    f"name it with --column {fld}=HEADER",
                )
            )
    if problems:
        return [], problems
    rows: list[Row] = []
    line = 2
    while True:
        start = line
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(shown, start, 0, f"not CSV: {exc}"))
            break
        line = reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            problems.append(Problem(shown, start, 0, f"more than {MAX_ROWS:,} rows; split the export"))
            break

        def cell(fld: str, cells: list[str] = cells) -> str:
            i = where.get(fld)
            return " ".join(cells[i].split()) if i is not None and i < len(cells) else ""

        name, email = cell("name"), cell("email")
        if not name:
            problems.append(Problem(shown, start, 0, "no name in this row"))
        if not _ADDRESS.fullmatch(email):
            problems.append(Problem(shown, start, 0, f"no e-mail address in this row (found {email[:80]!r})"))
        posted, bad = _when(cell("submitted"))
        if bad:
            problems.append(Problem(shown, start, 0, bad))
        i = where.get("discuss")
        discuss = cells[i].strip() if i is not None and i < len(cells) else ""
        if len(discuss) > MAX_FIELD:
            discuss = discuss[: MAX_FIELD - 2].rsplit(" ", 1)[0] + " \u2026"
        topics = tuple(t for t in re.split(r"[\s,;]+", cell("topics")) if t)
        rows.append(Row(start, name[:120], email, posted, discuss, topics))
    return rows, problems


def _when(text: str) -> tuple[str, str]:
    """`posted` from a form's timestamp, or the problem with it."""
    if not text:
        return "", ""
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        value = None
    if value is not None and value.tzinfo is not None:
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), ""
    if value is not None:
        return value.date().isoformat(), ""
    for pattern in _LOCAL:
        try:
            return dt.datetime.strptime(text, pattern).date().isoformat(), ""
        except ValueError:
            continue
    return "", f"timestamp {text[:40]!r} is not a date and time this reads (such as 2030-01-20 10:00:00)"
