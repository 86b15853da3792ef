"""`python -m generator new topic|proposal|question|person|event ID`: plan a commented stub
that `check` accepts at once (pure: what the data holds and file texts in, the file to write
out), and weigh the data's errors with it against those without it.

A topic, proposal or event stub is a new file named after its id; a question or a person is
added at the end of the list in questions.yaml or people.yaml, indented like the items already
there. Every stub starts from a template in templates/stubs/ and carries the
yaml-language-server line. What the user must still fill in is a placeholder ("TODO: ..." or
an example.invalid address) that `check` warns of.

The data a stub joins need not check: a person that a failing topic names can be added. The
stub is refused only for errors of its own (in the new file, or the lines of the new item) or
errors it brings elsewhere (`weigh`); errors the data has already are left to `check`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import jinja2

from generator import layout
from generator.errors import Problem, Problems, UsageError, data_problem
from generator.records import schema as S
from generator.records import yamledit
from generator.records.model import Known
from generator.records.yamlload import Y, parse

KINDS = layout.NEW_KINDS
TEMPLATES = os.path.join(os.path.dirname(__file__), "stubs")

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=False,  # YAML: ids and dates are checked before, text goes through the yaml filter
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["yaml"] = yamledit.scalar


@dataclass(frozen=True)
class Stub:
    path: str  # the file on disk
    shown: str  # as the repository names it: data/...
    text: str  # the file's whole new text
    old: str | None  # the file's text now, when the stub is added to an existing file
    next_step: str
    lines: tuple[int, int]  # the first and last line of the new record in `text`


def _id(rid: str) -> str:
    if rid in layout.RESERVED_IDS:
        raise UsageError(S.reserved_id(rid))
    if not layout.is_id(rid):
        raise UsageError(f"'{rid}' is not an id: use lower-case letters, digits and single dashes, such as bpf-oom")
    return rid


def _known(kind: str, rid: str, known: Known, table: Mapping[str, S.Rec], where: str) -> str:
    """An id the command line names: a record that is there (valid or not: its own errors are
    `check`'s to say)."""
    if not known.has(kind, rid):
        raise UsageError(f"unknown {kind} '{rid}'{S.suggest(rid, set(table))}; it must be an id from {where}")
    return rid


@dataclass(frozen=True)
class Ask:
    """What `python -m generator new` was asked for."""

    kind: str
    rid: str
    today: str  # YYYY-MM-DD
    leads: tuple[str, ...] = ()  # topic
    event: str | None = None  # topic: default the current event
    topic: str | None = None  # question
    name: str | None = None  # person (required), event
    email: str | None = None  # person
    affiliation: str | None = None  # person, with source
    source: str | None = None
    start: str | None = None  # event (required)
    end: str | None = None


# What `new` says of a stub it wrote: `check` accepts it at once; `make check` and `make site`
# are strict, and fail on its placeholders until they are replaced.
ACCEPTED = (
    "`check` accepts it now, with a warning for each placeholder; `make check` and `make site` fail until "
    "they are replaced"
)


# The file a record of these kinds is added to, rather than written as a file of its own.
ADDED_TO = {"person": "people.yaml", "question": "questions.yaml"}


def plan(ask: Ask, known: Known, data_dir: str, texts: Mapping[str, str]) -> Stub:
    """The stub for a new record in the data loaded from data_dir, whether or not that data
    checks (`known`). `texts` holds the current text of the file a person or question is added
    to (ADDED_TO)."""
    rid = _id(ask.rid)
    if ask.kind in ("topic", "proposal", "event"):
        folder = ask.kind + "s"
        shown = f"data/{folder}/{rid}.yaml"
        path = os.path.join(data_dir, folder, rid + ".yaml")
        values: dict[str, object] = {"id": rid, "today": ask.today, "modeline": layout.schema_line(shown)}
        if os.path.exists(path):
            raise data_problem(shown, 0, f"{ask.kind} '{rid}' already exists; it was left as it was")
        if ask.kind == "topic":
            values.update(_topic(ask, known))
            step = f"fill in the placeholders, then add the proposals it discusses. {ACCEPTED}."
        elif ask.kind == "event":
            values.update(_event(ask))
            step = f"fill in the placeholders and its sources. {ACCEPTED}."
        elif ("proposal", rid) in known.referred:
            step = f"fill in the placeholders (the data refers to '{rid}' already). {ACCEPTED}."
        else:
            step = (
                f"fill in the placeholders and add '{rid}' to a topic's `proposals:` list; until then "
                f"`check --strict` also warns that it is on no topic. {ACCEPTED}."
            )
        text = _env.get_template(f"{ask.kind}.yaml.j2").render(**values)
        return Stub(path, shown, text, None, step, (1, text.count("\n")))
    if ask.kind == "person":
        return _person(ask, rid, known, data_dir, texts[ADDED_TO["person"]])
    if ask.kind != "question":
        raise UsageError(f"cannot make a stub of a {ask.kind}; choose one of {', '.join(KINDS)}")
    current = texts[ADDED_TO["question"]]
    shown = "data/questions.yaml"
    _not_there(current, "questions", "question", rid, shown)
    if not known.topics and not any(kind == "topic" for kind, _ in known.broken):
        raise data_problem(
            os.path.join(known.data_dir, "topics"),
            0,
            "there is no topic yet: make one first (python -m generator new topic ID --lead PERSON)",
        )
    if ask.topic is None:
        raise UsageError(
            f"new question needs --topic TOPIC: the id of the session that discusses it ({_some(known.topics)})"
        )
    tid = _known("topic", ask.topic, known, known.topics, "data/topics/")
    item = _env.get_template("question.yaml.j2").render(id=rid, topic=tid, today=ask.today)
    text, lines = _add_item(current, "questions", item, shown)
    step = f"fill in the placeholders. {ACCEPTED}."
    return Stub(os.path.join(data_dir, "questions.yaml"), shown, text, current, step, lines)


@dataclass(frozen=True)
class Weighed:
    """The errors of the data with a stub, against those without it."""

    brought: list[Problem]  # in the new record, or new elsewhere with it: why it is refused
    left: list[Problem]  # the data's own, there before and after: `check` says them
    fixed: list[Problem]  # there before, gone with it (the unknown person it adds)


def weigh(stub: Stub, shown: str, before: list[Problem], after: list[Problem]) -> Weighed:
    """Which errors the stub brings, which it leaves and which it fixes. `shown` is the stub's
    file as problems name it; `before` and `after` are errors of the data without and with the
    stub. An error in the new file, or in the lines of the new item of a file it is added to,
    is the stub's; any other is matched by its file and message (a line may have moved:
    people.yaml gains lines, an empty `people: []` becomes a list), as many times as it
    occurs."""

    def key(p: Problem) -> tuple[str, str]:
        return os.path.normpath(p.path), p.message

    first, last = stub.lines
    home = os.path.normpath(shown)
    was = Counter(key(p) for p in before)
    brought, left = [], []
    for p in sorted(after):
        if key(p)[0] == home and (stub.old is None or first <= p.line <= last):
            brought.append(p)
        elif was[key(p)]:
            was[key(p)] -= 1
            left.append(p)
        else:
            brought.append(p)
    still = Counter(key(p) for p in left)
    fixed = []
    for p in sorted(before):
        if still[key(p)]:
            still[key(p)] -= 1
        else:
            fixed.append(p)
    return Weighed(brought, left, fixed)


def _some(table: Mapping[str, object], most: int = 8) -> str:
    """Some ids of a table, to say what is accepted."""
    ids = sorted(table)
    return "one of " + ", ".join(ids[:most]) + (", ..." if len(ids) > most else "")


def _topic(ask: Ask, known: Known) -> dict[str, object]:
    if not ask.leads:
        raise UsageError(
            "new topic needs --lead PERSON (once per lead): the person id of who proposed it"
            + (f" ({_some(known.people)})" if known.people else "")
            + "; add someone new first with `python -m generator new person ID --name NAME`"
        )
    leads = [_known("person", pid, known, known.people, "data/people.yaml") for pid in ask.leads]
    if ask.event:
        event = _known("event", ask.event, known, known.events, "data/events/")
    elif known.current_event:
        event = known.current_event
    elif any(kind == "event" for kind, _ in known.broken):
        raise UsageError("new topic needs --event EVENT here: no event file checks, so none is the current one")
    else:
        raise data_problem(
            os.path.join(known.data_dir, "events"),
            0,
            "there is no event yet: make one first (python -m generator new event ID --start DAY --end DAY)",
        )
    return {"leads": leads, "event": event}


def _event(ask: Ask) -> dict[str, object]:
    if not ask.start or not ask.end:
        raise UsageError("new event needs --start YYYY-MM-DD and --end YYYY-MM-DD: the summit's first and last day")
    for flag, value in (("--start", ask.start), ("--end", ask.end)):
        try:
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
                raise ValueError
            dt.date.fromisoformat(value)
        except ValueError:
            raise UsageError(f"{flag} {value!r}: expected a real date YYYY-MM-DD") from None
    if ask.end < ask.start:
        raise UsageError(f"--end {ask.end} is before --start {ask.start}")
    return {"name": ask.name, "start": ask.start, "end": ask.end}


def _person(ask: Ask, rid: str, known: Known, data_dir: str, current: str) -> Stub:
    shown = "data/people.yaml"
    _not_there(current, "people", "person", rid, shown)
    if not ask.name:
        raise UsageError('new person needs --name "NAME": the full name as the person writes it')
    if ask.affiliation and not ask.source:
        raise UsageError("--affiliation needs --source URL: the page that states it (every fact has a source)")
    if ask.email and not re.fullmatch(r"[^\s@<>]+@[^\s@<>]+", ask.email):
        raise UsageError(f"--email {ask.email!r}: expected an e-mail address such as jane@example.org")
    if ask.source and not re.fullmatch(r"https?://[^\s<>\"'`]+", ask.source):
        raise UsageError(f"--source {ask.source!r}: expected an http:// or https:// URL")
    item = _env.get_template("person.yaml.j2").render(
        id=rid, name=ask.name, email=ask.email, affiliation=ask.affiliation, source=ask.source
    )
    text, lines = _add_item(current, "people", item, shown)
    if ("person", rid) in known.referred:
        step = f"the data refers to '{rid}' already; add their affiliation (with its source) and addresses if known."
    else:
        step = (
            f"refer to '{rid}' from a topic (--lead), a proposal, a question or a thread; until then "
            "`check --strict` (and `make check`) warns that nothing refers to them."
        )
    return Stub(os.path.join(data_dir, "people.yaml"), shown, text, current, step, lines)


def _list_of(current: str, key: str, shown: str) -> Y | None:
    """The node of the list `key` in a file's text (None when the text has none)."""
    root = parse(current, shown, Problems())
    return root.entries.get(key, (None, None))[1] if root is not None and root.kind == "map" else None


def _not_there(current: str, key: str, kind: str, rid: str, shown: str) -> None:
    """No item of the list `key` has the id `rid`, valid or not (an item with errors is there
    all the same: a second one would be a duplicate once it is fixed)."""
    seq = _list_of(current, key, shown)
    for item in seq.items if seq is not None and seq.kind == "seq" else []:
        found = item.entries.get("id") if item.kind == "map" else None
        if found is not None and found[1].kind == "scalar" and found[1].scalar == rid:
            raise data_problem(shown, found[0].line, f"{kind} '{rid}' already exists; it was left as it was")


def _append(current: str, item: str) -> tuple[str, int]:
    """An item added at the end of a file's list, separated as the items there are (by an empty
    line when they are), and the line it starts on."""
    text = current if current.endswith("\n") else current + "\n"
    gap = "\n" if re.search(r"\n[ \t]*\n[ \t]*- ", text) else ""
    return text + gap + item, (text + gap).count("\n") + 1


def _first(current: str, key: str, item: str, shown: str) -> tuple[str, int] | None:
    """The file's text with `item` as the first of the list `key`, when that list is empty
    (`key: []` or `key:`) on a line of its own, and the line it starts on; None otherwise."""
    lines = current.split("\n")
    for n, line in enumerate(lines):
        if re.fullmatch(rf"{key}:\s*(\[\s*\]|~|null)?\s*(#.*)?", line):
            body = "".join("  " + ln if ln.strip() else ln for ln in item.splitlines(keepends=True))
            return "\n".join([*lines[:n], f"{key}:"]) + "\n" + body + "\n".join(lines[n + 1 :]), n + 2
    return None


def _add_item(current: str, key: str, item: str, shown: str) -> tuple[str, tuple[int, int]]:
    """The file's text with `item` (written with '- ' at column 0) added at the end of the list
    `key`, indented like the items there (or as the first, when the list is empty), and the
    first and last line of the item in it."""
    seq = _list_of(current, key, shown)
    added = None
    if seq is not None and (seq.is_null or (seq.kind == "seq" and not seq.items)):
        added = _first(current, key, item, shown)
    text, start = added or _append(current, _indent(current, seq, key, item, shown))
    return text, (start, start + item.count("\n") - 1)


def _indent(current: str, seq: Y | None, key: str, item: str, shown: str) -> str:
    """An item of the list `key` (written with '- ' at column 0), indented like the items there."""
    flow = seq is not None and current.split("\n")[seq.line - 1][seq.column - 1 : seq.column] == "["
    if seq is None or seq.kind != "seq" or flow or not seq.items or seq.items[0].kind != "map":
        raise data_problem(shown, 0, f"it has no block list of {key} to add to; add it by hand")
    dash, column = seq.column - 1, seq.items[0].column - 1
    lines = item.splitlines(keepends=True)
    first = " " * dash + "-" + " " * (column - dash - 1) + lines[0][2:]
    return first + "".join(" " * (column - 2) + line if line.strip() else line for line in lines[1:])
