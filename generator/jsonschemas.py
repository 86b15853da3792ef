"""JSON Schemas for editors, derived from the same definitions the loader checks against.

`python -m generator schema` writes one schema per record file kind into docs/schemas/ (so the
site publishes them); each data file names its schema on its first line, which editors with a
YAML language server use to complete and check fields as the user types.
"""

from __future__ import annotations

import json
from typing import Any

from generator import schema as S
from generator.model import LAYOUT

# data path in LAYOUT -> schema file name
SCHEMA_NAMES = {
    "event.yaml": "event",
    "people.yaml": "people",
    "questions.yaml": "questions",
    "topics": "topic",
    "proposals": "proposal",
    "threads": "thread",
}


def to_json(t: S.Type) -> dict[str, Any]:
    """The JSON Schema of one type (draft 2020-12 keywords)."""
    if isinstance(t, S.Obj):
        props = {}
        for name, f in t.fields.items():
            sub = to_json(f.type)
            sub["description"] = f.doc
            if f.default is not None:
                sub["default"] = f.default
            props[name] = sub
        out: dict[str, Any] = {
            "type": "object",
            "description": t.doc,
            "properties": props,
            "additionalProperties": False,
        }
        required = [n for n, f in t.fields.items() if f.required]
        if required:
            out["required"] = required
        return out
    if isinstance(t, S.ListOf):
        if t.min_items:
            return {"type": "array", "items": to_json(t.item), "minItems": t.min_items, "maxItems": t.max_items}
        return {"type": ["array", "null"], "items": to_json(t.item), "maxItems": t.max_items}
    if isinstance(t, S.Enum):
        return {"type": "string", "enum": list(t.values)}
    if isinstance(t, S.Int):
        return {"type": "integer", "minimum": t.lo, "maximum": t.hi}
    if isinstance(t, S.Date):
        pattern = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$" if t.partial else r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
        return {"type": "string", "pattern": pattern}
    if isinstance(t, S.DateTime):
        return {"type": "string", "pattern": "^" + S.DATETIME_RE + "$"}
    if isinstance(t, S.DateOrTime):
        return {"type": "string", "pattern": "^([0-9]{4}-[0-9]{2}-[0-9]{2}|" + S.DATETIME_RE + ")$"}
    if isinstance(t, S.Pattern):
        return {"type": "string", "pattern": "^(" + t.regex.pattern + ")$", "maxLength": t.max_len}
    if isinstance(t, S.Text):
        out = {"type": "string", "minLength": 1, "maxLength": t.max_len}
        if not t.multiline:
            out["pattern"] = r"^[^\n]*$"
        return out
    raise TypeError(f"no JSON Schema for {type(t).__name__}")  # pragma: no cover


def schemas() -> dict[str, str]:
    """{file name: JSON text} for every record file kind."""
    out = {}
    for path, spec, is_dir in LAYOUT:
        name = SCHEMA_NAMES[path]
        doc = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": f"lsfmm-prep {spec.name}" + (f" (data/{path}/<id>.yaml)" if is_dir else f" (data/{path})"),
            **to_json(spec),
        }
        out[f"{name}.schema.json"] = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    return out


def modeline(data_path: str) -> str:
    """The first line a data file needs (data_path relative to the repository, e.g. data/topics/x.yaml)."""
    parts = data_path.split("/")
    name = SCHEMA_NAMES[parts[1]]
    up = "../" * (len(parts) - 1)
    return f"# yaml-language-server: $schema={up}docs/schemas/{name}.schema.json"
