"""JSON Schemas for editors, derived from the same definitions the loader checks against.

`python -m generator schema` writes one schema per record file kind into docs/schemas/ (so the
site publishes them); each data file names its schema on its first line, which editors with a
YAML language server use to complete and check fields as the user types.
"""

from __future__ import annotations

import json
from typing import Any

from generator import layout
from generator.records import schema as S
from generator.records.schedule import MERGED_PARTS


def to_json(t: S.Type, exported: bool = False) -> dict[str, Any]:
    """The JSON Schema of one type (draft 2020-12 keywords).

    `exported` describes the value as data.json holds it rather than as a data file may write
    it: every field is present (an optional one left out is null, or an empty list), and times
    are in UTC with a Z.
    """
    if isinstance(t, S.Obj):
        props = {}
        for name, f in t.fields.items():
            sub = to_json(f.type, exported)
            if exported and not f.required and f.default is None and not isinstance(f.type, S.ListOf):
                sub["type"] = [sub["type"], "null"]
                if "enum" in sub:
                    sub["enum"] = [*sub["enum"], None]
            sub["description"] = f.doc
            if f.default is not None and not exported:
                sub["default"] = f.default
            props[name] = sub
        out: dict[str, Any] = {
            "type": "object",
            "description": t.doc,
            "properties": props,
            "additionalProperties": False,
        }
        required = [n for n, f in t.fields.items() if f.required or exported]
        if required:
            out["required"] = required
        return out
    if isinstance(t, S.TextOr):  # data.json holds the mapping, whichever way the file wrote it
        mapping = to_json(t.obj, exported)
        return mapping if exported else {"anyOf": [to_json(t.obj.fields[t.field].type), mapping]}
    if isinstance(t, S.ListOf):
        if t.min_items:
            items = to_json(t.item, exported)
            return {"type": "array", "items": items, "minItems": t.min_items, "maxItems": t.max_items}
        return {
            "type": "array" if exported else ["array", "null"],
            "items": to_json(t.item, exported),
            "maxItems": t.max_items,
        }
    if isinstance(t, S.Flag):
        return {"type": "boolean"}
    if isinstance(t, S.Enum):
        return {"type": "string", "enum": list(t.values)}
    if isinstance(t, S.Int):
        return {"type": "integer", "minimum": t.lo, "maximum": t.hi}
    if isinstance(t, S.Date):
        pattern = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$" if t.partial else r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
        return {"type": "string", "pattern": pattern}
    if isinstance(t, S.DateTime):
        return {"type": "string", "pattern": "^" + (UTC_RE if exported else S.DATETIME_RE) + "$"}
    if isinstance(t, S.DateOrTime):
        return {
            "type": "string",
            "pattern": "^([0-9]{4}-[0-9]{2}-[0-9]{2}|" + (UTC_RE if exported else S.DATETIME_RE) + ")$",
        }
    if isinstance(t, S.Pattern):
        return {"type": "string", "pattern": "^(" + t.regex.pattern + ")$", "maxLength": t.max_len}
    if isinstance(t, S.Text):
        out = {"type": "string", "minLength": 1, "maxLength": t.max_len}
        if not t.multiline:
            out["pattern"] = r"^[^\n]*$"
        return out
    raise TypeError(f"no JSON Schema for {type(t).__name__}")  # pragma: no cover


UTC_RE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"
ID_LIST = {"type": "array", "items": {"type": "string", "pattern": "^" + layout.ID_RE + "$"}}
PAGE = {"type": "string", "description": "The page that shows it, relative to site_url (with its #anchor)."}


def _source(kind: str) -> dict[str, Any]:
    return {"type": "string", "pattern": "^data/", "description": f"The data file that holds the {kind}."}


def _ids(what: str) -> dict[str, Any]:
    return {**ID_LIST, "description": what}


def _with(schema: dict[str, Any], **derived: dict[str, Any]) -> dict[str, Any]:
    """An exported record's schema plus the keys derived from other records."""
    schema["properties"].update(derived)
    schema["required"] = schema.get("required", []) + list(derived)
    return schema


def data_schema() -> dict[str, Any]:
    """The JSON Schema of data.json (generator.exports.export.data): every record, cross-linked."""
    thread = to_json(S.THREAD, exported=True)
    topic = to_json(S.TOPIC, exported=True)
    for name in S.EXPORT_SKIP["topic"]:  # fields that only spell another one
        del topic["properties"][name]
        topic["required"].remove(name)
    topic["properties"]["event"]["type"] = "string"  # given, or the only event there is
    decision = topic["properties"]["outcome"]["properties"]["decisions"]["items"]
    decision["properties"]["id"]["type"] = "string"  # given, or made from its words
    decision["properties"]["id"]["description"] += " (Made from its words when the file gives none.)"
    _with(decision, page={**PAGE, "description": "Its address, relative to site_url: its topic's page and #anchor."})
    person = to_json(S.PERSON, exported=True)
    for name in S.EXPORT_SKIP["person"]:  # not published
        del person["properties"][name]
        if name in person.get("required", []):
            person["required"].remove(name)
    _with(
        thread["properties"]["quotes"]["items"],
        author={"type": "string", "description": "Who wrote the words: the person id of the message's author."},
        date={"type": "string", "pattern": "^" + UTC_RE + "$", "description": "When the message was sent (UTC)."},
        via={
            "type": ["string", "null"],
            "description": "The reply whose quote the words were verified in, when the text of `message` is "
            "not on record (null: verified in that text, or not verified).",
        },
        verified={
            "type": "boolean",
            "description": "Whether the words were found where they claim to be (write-ups quote only these).",
        },
    )
    roles = {
        "type": "array",
        "description": "What the person did, each with the record it concerns (kind and id).",
        "items": {
            "type": "object",
            "properties": {
                "role": {"type": "string"},
                "kind": {"enum": list(S.ROLE_SUBJECTS)},
                "id": {"type": "string"},
            },
            "required": ["role", "kind", "id"],
            "additionalProperties": False,
        },
    }

    def listed(schema: dict[str, Any], what: str) -> dict[str, Any]:
        return {"type": "array", "description": what, "items": schema}

    calendar = {"type": ["string", "null"], "description": "Its iCalendar file (null while unscheduled)."}

    def brought(what: str) -> dict[str, Any]:
        item = {
            "type": "object",
            "properties": {
                "id": {"type": "string", "pattern": "^" + layout.ID_RE + "$"},
                "from": {"type": "string", "pattern": "^" + layout.ID_RE + "$", "description": "The merged topic."},
            },
            "required": ["id", "from"],
            "additionalProperties": False,
        }
        return listed(item, what)

    merged = {
        "type": ["object", "null"],
        "description": (
            "What the topics merged into this session bring to it (each not already its own, with the merged "
            "topic it comes from): its page, brief and calendars show them, and their leads count in the "
            "schedule's checks as co-leads. Null when no topic was merged into it."
        ),
        "properties": {
            "topics": _ids("Ids of the topics merged into it."),
            "leads": brought("Their leads (person ids), who co-lead it."),
            "proposals": brought("Their proposals (proposal ids)."),
            "questions": brought("Their questions (question ids)."),
            "threads": brought("Their threads (thread ids)."),
        },
        "required": ["topics", *MERGED_PARTS],
        "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "lsfmm-prep data.json",
        "description": (
            "Every record of an lsfmm-prep site, as validated, with the relations derived from them. "
            "Text values are as written in the data files (not escaped for any format): escape them "
            "for your own output."
        ),
        "type": "object",
        "properties": {
            "generated_by": {"const": layout.GENERATOR},
            "$schema": {"type": "string", "description": "This schema, relative to data.json."},
            "site_url": {
                "type": ["string", "null"],
                "description": "Where the site is published (ends in /); pages are relative to it. Null if not set.",
            },
            "current_event": {"type": "string", "description": "The id of the event the site opens on."},
            "events": listed(
                _with(
                    to_json(S.EVENT, exported=True),
                    source=_source("event"),
                    page=PAGE,
                    calendar={"type": "string", "description": "The calendar of its scheduled sessions."},
                    topics=_ids("Ids of the topics proposed for it."),
                ),
                "Every summit.",
            ),
            "people": listed(_with(person, source=_source("person"), page=PAGE, roles=roles), "Everyone."),
            "topics": listed(
                _with(
                    topic,
                    source=_source("topic"),
                    page=PAGE,
                    calendar=calendar,
                    questions=_ids("Ids of the questions for this session."),
                    continued_by=_ids("Ids of the later topics that continue it."),
                    merged=merged,
                ),
                "The topics of every summit.",
            ),
            "proposals": listed(
                _with(
                    to_json(S.PROPOSAL, exported=True),
                    source=_source("proposal"),
                    page=PAGE,
                    topics=_ids("Ids of the topics that discuss it."),
                    questions=_ids("Ids of the questions that bear on it."),
                    quotes=_ids("Ids of the quotes about it."),
                ),
                "The proposals.",
            ),
            "questions": listed(
                _with(
                    to_json(S.QUESTION, exported=True),
                    source=_source("question"),
                    page=PAGE,
                    quotes=_ids("Ids of the quotes about it or backing a position."),
                ),
                "The questions.",
            ),
            "threads": listed(_with(thread, source=_source("thread")), "The mailing-list threads with their quotes."),
            "requests": listed(
                _with(to_json(S.REQUEST, exported=True), source=_source("request")),
                "The requests to attend, of every summit (data/attendance.yaml).",
            ),
        },
        "required": [
            "generated_by",
            "$schema",
            "site_url",
            "current_event",
            "events",
            "people",
            "topics",
            "proposals",
            "questions",
            "threads",
            "requests",
        ],
        "additionalProperties": False,
    }


def schemas() -> dict[str, str]:
    """{file name: JSON text} for every record file kind, and for data.json."""
    out = {}
    for place in layout.DATA_PLACES:
        spec, path = S.SPECS[place.kind], place.path
        where = f" (data/{path}/<id>.yaml)" if place.folder else f" (data/{path})"
        doc = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": f"{layout.GENERATOR} {spec.name}" + where,
            **to_json(spec),
        }
        out[f"{place.schema}.schema.json"] = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    out["data.schema.json"] = json.dumps(data_schema(), indent=2, ensure_ascii=False) + "\n"
    return out
