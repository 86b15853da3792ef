"""`python -m generator new topic|proposal|question|person|event ID`: plan a commented stub
that `check` accepts at once (pure: the loaded Site and file texts in, the file to write out).

A topic, proposal or event stub is a new file named after its id; a question or a person is
added at the end of the list in questions.yaml or people.yaml, indented like the items already
there. Every stub starts from a template in templates/stubs/, carries the yaml-language-server
line, and is checked against its schema before anything is written. What the user must still
fill in is a placeholder ("TODO: ..." or an example.invalid address) that `check` warns of.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

import jinja2

from generator import layout
from generator.errors import Problems, UsageError, data_problem
from generator.records import schema as S
from generator.records import yamledit
from generator.records.model import Site
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


def _id(rid: str) -> str:
    if rid in layout.RESERVED_IDS:
        raise UsageError(S.reserved_id(rid))
    if not layout.is_id(rid):
        raise UsageError(f"'{rid}' is not an id: use lower-case letters, digits and single dashes, such as bpf-oom")
    return rid


def _known(kind: str, rid: str, table: Mapping[str, S.Rec], where: str) -> str:
    if rid not in table:
        raise UsageError(f"unknown {kind} '{rid}'{S.suggest(rid, set(table))}; it must be an id from {where}")
    return rid


def _valid(spec: S.Obj, text: str, shown: str) -> None:
    """The stub must pass the schema as written (a template bug or an odd file layout otherwise);
    its placeholders are warnings, as they are for `check`."""
    problems = Problems()
    node = parse(text, shown, problems)
    if node is not None:
        spec.check(node, S.Ctx(shown, problems))
    if problems.errors:
        raise UsageError(f"the stub would not be valid ({sorted(problems.errors)[0]}); add the record by hand")


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


def plan(ask: Ask, site: Site | None, data_dir: str, texts: Mapping[str, str]) -> Stub:
    """The stub for a new record, in the valid Site loaded from data_dir (an event's stub needs
    none: it may be the first). `texts` holds the current text of the file a person or question
    is added to (people.yaml, questions.yaml)."""
    rid = _id(ask.rid)
    if site is None and ask.kind != "event":  # pragma: no cover - commands.new loads it
        raise ValueError(f"a stub of a {ask.kind} needs the Site")
    if ask.kind in ("topic", "proposal", "event"):
        folder = ask.kind + "s"
        shown = f"data/{folder}/{rid}.yaml"
        path = os.path.join(data_dir, folder, rid + ".yaml")
        values: dict[str, object] = {"id": rid, "today": ask.today, "modeline": layout.schema_line(shown)}
        if os.path.exists(path):
            raise data_problem(shown, 0, f"{ask.kind} '{rid}' already exists; it was left as it was")
        if ask.kind == "topic":
            assert site is not None
            values.update(_topic(ask, site))
            step = f"fill in the placeholders, then add the proposals it discusses. {ACCEPTED}."
        elif ask.kind == "event":
            values.update(_event(ask))
            step = f"fill in the placeholders and its sources. {ACCEPTED}."
        else:
            step = (
                f"fill in the placeholders and add '{rid}' to a topic's `proposals:` list; until then "
                f"`check --strict` also warns that it is on no topic. {ACCEPTED}."
            )
        text = _env.get_template(f"{ask.kind}.yaml.j2").render(**values)
        _valid(S.SPECS[ask.kind], text, shown)
        return Stub(path, shown, text, None, step)
    assert site is not None
    if ask.kind == "person":
        return _person(ask, rid, site, data_dir, texts["people.yaml"])
    if ask.kind != "question":
        raise UsageError(f"cannot make a stub of a {ask.kind}; choose one of {', '.join(KINDS)}")
    if rid in site.questions:
        known = site.questions[rid]
        raise data_problem(known.path, known.line_of("id"), f"question '{rid}' already exists; it was left as it was")
    if not site.topics:
        raise data_problem(
            os.path.join(site.data_dir, "topics"),
            0,
            "there is no topic yet: make one first (python -m generator new topic ID --lead PERSON)",
        )
    if ask.topic is None:
        raise UsageError(
            f"new question needs --topic TOPIC: the id of the session that discusses it ({_some(site.topics)})"
        )
    tid = _known("topic", ask.topic, site.topics, "data/topics/")
    current = texts["questions.yaml"]
    shown = "data/questions.yaml"
    item = _env.get_template("question.yaml.j2").render(id=rid, topic=tid, today=ask.today)
    text = _add_item(current, "questions", item, shown)
    _valid(S.QUESTIONS_FILE, text, shown)
    step = f"fill in the placeholders. {ACCEPTED}."
    return Stub(os.path.join(data_dir, "questions.yaml"), shown, text, current, step)


def _some(table: Mapping[str, object], most: int = 8) -> str:
    """Some ids of a table, to say what is accepted."""
    ids = sorted(table)
    return "one of " + ", ".join(ids[:most]) + (", ..." if len(ids) > most else "")


def _topic(ask: Ask, site: Site) -> dict[str, object]:
    if not ask.leads:
        raise UsageError(
            "new topic needs --lead PERSON (once per lead): the person id of who proposed it"
            + (f" ({_some(site.people)})" if site.people else "")
            + "; add someone new first with `python -m generator new person ID --name NAME`"
        )
    leads = [_known("person", pid, site.people, "data/people.yaml") for pid in ask.leads]
    event = _known("event", ask.event, site.events, "data/events/") if ask.event else site.current_event
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


def _person(ask: Ask, rid: str, site: Site, data_dir: str, current: str) -> Stub:
    if rid in site.people:
        known = site.people[rid]
        raise data_problem(known.path, known.line_of("id"), f"person '{rid}' already exists; it was left as it was")
    if not ask.name:
        raise UsageError('new person needs --name "NAME": the full name as the person writes it')
    if ask.affiliation and not ask.source:
        raise UsageError("--affiliation needs --source URL: the page that states it (every fact has a source)")
    if ask.email and not re.fullmatch(r"[^\s@<>]+@[^\s@<>]+", ask.email):
        raise UsageError(f"--email {ask.email!r}: expected an e-mail address such as jane@example.org")
    if ask.source and not re.fullmatch(r"https?://[^\s<>\"'`]+", ask.source):
        raise UsageError(f"--source {ask.source!r}: expected an http:// or https:// URL")
    shown = "data/people.yaml"
    item = _env.get_template("person.yaml.j2").render(
        id=rid, name=ask.name, email=ask.email, affiliation=ask.affiliation, source=ask.source
    )
    text = _add_item(current, "people", item, shown)
    _valid(S.PEOPLE_FILE, text, shown)
    step = (
        f"refer to '{rid}' from a topic (--lead), a proposal, a question or a thread; until then "
        "`check --strict` (and `make check`) warns that nothing refers to them."
    )
    return Stub(os.path.join(data_dir, "people.yaml"), shown, text, current, step)


def _append(current: str, item: str) -> str:
    """An item added at the end of a file's list, separated as the items there are (by an empty
    line when they are)."""
    text = current if current.endswith("\n") else current + "\n"
    gap = "\n" if re.search(r"\n[ \t]*\n[ \t]*- ", text) else ""
    return text + gap + item


def _first(current: str, key: str, item: str, shown: str) -> str | None:
    """The file's text with `item` as the first of the list `key`, when that list is empty
    (`key: []` or `key:`) on a line of its own; None otherwise."""
    lines = current.split("\n")
    for n, line in enumerate(lines):
        if re.fullmatch(rf"{key}:\s*(\[\s*\]|~|null)?\s*(#.*)?", line):
            body = "".join("  " + ln if ln.strip() else ln for ln in item.splitlines(keepends=True))
            return "\n".join([*lines[:n], f"{key}:"]) + "\n" + body + "\n".join(lines[n + 1 :])
    return None


def _add_item(current: str, key: str, item: str, shown: str) -> str:
    """The file's text with `item` (written with '- ' at column 0) added at the end of the list
    `key`, indented like the items there (or as the first, when the list is empty)."""
    problems = Problems()
    root = parse(current, shown, problems)
    seq = root.entries.get(key, (None, None))[1] if root is not None and root.kind == "map" else None
    if seq is not None and (seq.is_null or (seq.kind == "seq" and not seq.items)):
        first = _first(current, key, item, shown)
        if first is not None:
            return first
    return _append(current, _indent(current, seq, key, item, shown))


def _indent(current: str, seq: Y | None, key: str, item: str, shown: str) -> str:
    """An item of the list `key` (written with '- ' at column 0), indented like the items there."""
    flow = seq is not None and current.split("\n")[seq.line - 1][seq.column - 1 : seq.column] == "["
    if seq is None or seq.kind != "seq" or flow or not seq.items or seq.items[0].kind != "map":
        raise data_problem(shown, 0, f"it has no block list of {key} to add to; add it by hand")
    dash, column = seq.column - 1, seq.items[0].column - 1
    lines = item.splitlines(keepends=True)
    first = " " * dash + "-" + " " * (column - dash - 1) + lines[0][2:]
    return first + "".join(" " * (column - 2) + line if line.strip() else line for line in lines[1:])
