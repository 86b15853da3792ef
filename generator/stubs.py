"""`python -m generator new topic|proposal|question ID`: plan a commented stub that `check`
accepts at once (pure: the loaded Site and file texts in, the file to write out).

A topic or proposal stub is a new file named after its id; a question is added at the end of
the `questions:` list of questions.yaml, indented like the questions already there. Every
stub starts from a template in templates/stubs/, carries the yaml-language-server line, and is
checked against its schema before anything is written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

import jinja2

from generator import layout
from generator import schema as S
from generator.errors import Problems, UsageError
from generator.model import Site
from generator.yamlload import parse

KINDS = ("topic", "proposal", "question")
TEMPLATES = os.path.join(os.path.dirname(__file__), "templates", "stubs")

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=False,  # YAML; every value put in is an id or a date, checked before
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)


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
    """The stub must pass the schema as written (a template bug or an odd file layout otherwise)."""
    problems = Problems()
    node = parse(text, shown, problems)
    if node is not None:
        spec.check(node, S.Ctx(shown, problems))
    if problems.items:
        raise UsageError(f"the stub would not be valid ({problems.sorted()[0]}); add the record by hand")


def plan(
    kind: str,
    rid: str,
    site: Site,
    data_dir: str,
    today: str,
    lead: str | None = None,
    topic: str | None = None,
    questions_text: str | None = None,
) -> Stub:
    """The stub for a new record of `kind` with id `rid`, in the valid Site loaded from data_dir.

    `questions_text` is the current text of questions.yaml (needed for a question only)."""
    rid = _id(rid)
    if kind in ("topic", "proposal"):
        rel = f"{kind}s/{rid}.yaml"
        path, shown = os.path.join(data_dir, kind + "s", rid + ".yaml"), f"data/{rel}"
        values = {"id": rid, "today": today, "modeline": layout.schema_line(shown)}
        if kind == "topic":
            if lead is None and not site.people:
                raise UsageError("data/people.yaml lists nobody: add the session's lead there first")
            values["lead"] = (
                _known("person", lead, site.people, "data/people.yaml") if lead else next(iter(site.people))
            )
            step = f"fill in the placeholders, then add the proposals it discusses; `make check` accepts '{rid}' now."
        else:
            step = (
                f"fill in the placeholders and add '{rid}' to a topic's `proposals:` list; until then "
                "`check --strict` fails on the warning that it is on no topic."
            )
        text = _env.get_template(f"{kind}.yaml.j2").render(**values)
        _valid(S.TOPIC if kind == "topic" else S.PROPOSAL, text, shown)
        return Stub(path, shown, text, None, step)
    if kind != "question":
        raise UsageError(f"cannot make a stub of a {kind}; choose one of {', '.join(KINDS)}")
    if rid in site.questions:
        raise UsageError(f"question '{rid}' already exists in data/questions.yaml; it was left as it was")
    if topic is None and not site.topics:
        raise UsageError("there is no topic yet: make one first (python -m generator new topic ID)")
    tid = _known("topic", topic, site.topics, "data/topics/") if topic else next(iter(site.topics))
    assert questions_text is not None
    shown = "data/questions.yaml"
    item = _env.get_template("question.yaml.j2").render(id=rid, topic=tid, today=today)
    text = questions_text + ("" if questions_text.endswith("\n") else "\n") + _indent(questions_text, item, shown)
    _valid(S.QUESTIONS_FILE, text, shown)
    step = f"fill in the placeholders; `make check` accepts '{rid}' now."
    return Stub(os.path.join(data_dir, "questions.yaml"), shown, text, questions_text, step)


def _indent(current: str, item: str, shown: str) -> str:
    """The question item (written with '- ' at column 0), indented like the existing items."""
    problems = Problems()
    root = parse(current, shown, problems)
    seq = root.entries.get("questions", (None, None))[1] if root is not None and root.kind == "map" else None
    flow = seq is not None and current.split("\n")[seq.line - 1][seq.column - 1 : seq.column] == "["
    if seq is None or seq.kind != "seq" or flow or not seq.items or seq.items[0].kind != "map":
        raise UsageError(f"{shown} has no block list of questions to add to; add the question by hand")
    dash, key = seq.column - 1, seq.items[0].column - 1
    lines = item.splitlines(keepends=True)
    first = " " * dash + "-" + " " * (key - dash - 1) + lines[0][2:]
    return first + "".join(" " * (key - 2) + line if line.strip() else line for line in lines[1:])
