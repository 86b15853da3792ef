"""Write YAML records as text, and add to a hand-edited YAML file without changing a byte of
what is there (pure; used by import-mbox).

Values are written in the plainest style that reads back as the same text: plain when safe,
JSON-style double quotes otherwise (JSON escapes are YAML escapes), block literals for multi-line
text. A file is extended by inserting whole lines at item boundaries found from the parser's
events, so comments, order and formatting of everything already there are kept.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import yaml

from generator.errors import EditError

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/@+=$%&,()'-]*")
_WORDS = {"null", "true", "false", "yes", "no", "on", "off", "y", "n", "~"}
_NUMBER = re.compile(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9]*)?)([eE][-+]?[0-9]+)?|0[xob][0-9a-fA-F_]+")


def scalar(value: str) -> str:
    """One line of text as a YAML scalar."""
    if _DATETIME.fullmatch(value):
        return value
    if (
        _PLAIN.fullmatch(value)
        and value == value.strip()
        and value.lower() not in _WORDS
        and not _NUMBER.fullmatch(value)
        and " #" not in value
        and ": " not in value
    ):
        return value
    return quoted(value)


# What a YAML stream may not hold raw (YAML 1.1 as PyYAML reads it): C0 and C1 controls but
# tab and line ends, DEL, the Unicode line ends (YAML folds them), surrogates, U+FFFE and U+FFFF.
_NOT_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def quoted(value: str) -> str:
    """Any text as a YAML double-quoted scalar that reads back the same: characters as they
    are (an emoji stays one character; JSON's surrogate-pair escapes for it are not YAML), the
    ones YAML may not hold raw escaped, a lone surrogate (which no file can hold) as U+FFFD."""
    text = json.dumps(value, ensure_ascii=False)
    return _NOT_PRINTABLE.sub(
        lambda m: "\\ufffd" if "\ud800" <= m.group() <= "\udfff" else f"\\u{ord(m.group()):04x}", text
    )


def block(value: str, indent: int) -> str:
    """Multi-line text as a literal block (lines of `value` are indented by `indent` spaces)."""
    lines = value.rstrip("\n").split("\n")
    hint = str(2) if lines[0][:1] in (" ", "\t") or not lines[0] else ""
    body = "\n".join((" " * indent + ln) if ln else "" for ln in lines)
    return f"|{hint}\n{body}"


def mapping(fields: list[tuple[str, object]], indent: int, dash: bool) -> list[str]:
    """A mapping's lines; with `dash`, as a list item ('- ' before the first key)."""
    out = []
    for n, (key, value) in enumerate(fields):
        lead = " " * indent
        if dash and n == 0:
            lead = " " * (indent - 2) + "- "
        if isinstance(value, list):
            out.append(f"{lead}{key}:")
            out.extend(f"{' ' * (indent + 2)}- {scalar(str(v))}" for v in value)
        elif isinstance(value, str) and "\n" in value:
            out.extend(f"{lead}{key}: {block(value, indent + 2)}".split("\n"))
        else:
            out.append(f"{lead}{key}: {scalar(str(value))}")
    return out


@dataclass
class Item:
    """A list item that is a block mapping: where it starts and ends (1-based lines)."""

    start: int
    end: int  # last line holding its content
    key_column: int  # 0-based column of its keys
    values: dict[str, str] = field(default_factory=dict)  # its scalar fields
    keys: set[str] = field(default_factory=set)  # all its keys


@dataclass
class ListPlace:
    key_line: int
    items: list[Item]
    block: bool  # a block sequence of block mappings (what can be extended)


def list_place(text: str, key: str) -> ListPlace | None:
    """Where the top-level list `key` and its items are; None when the key is absent."""
    events = list(yaml.parse(text, Loader=_Loader))
    i = 0
    while i < len(events) and not isinstance(events[i], yaml.MappingStartEvent):
        i += 1
    i += 1
    while i < len(events) and isinstance(ev := events[i], yaml.ScalarEvent):
        if ev.value == key:
            return _items(text, events, i)
        i = _after(events, i + 1)
    return None


def _after(events: list, i: int) -> int:
    """The index just after the node that starts at events[i]."""
    depth = 0
    while i < len(events):
        ev = events[i]
        i += 1
        if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
        elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        if depth == 0:
            break
    return i


def _items(text: str, events: list, k: int) -> ListPlace:
    key_line = events[k].start_mark.line + 1
    seq = events[k + 1]
    if not isinstance(seq, yaml.SequenceStartEvent) or seq.flow_style:
        return ListPlace(key_line, [], False)
    items: list[Item] = []
    depth = 0
    item: Item | None = None
    pending_key: str | None = None
    lines = text.split("\n")
    for ev in events[k + 2 :]:
        if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if depth == 0:
                if not isinstance(ev, yaml.MappingStartEvent) or ev.flow_style:
                    return ListPlace(key_line, items, False)
                start = ev.start_mark
                assert start is not None  # parser events always carry their marks
                item = Item(start.line + 1, start.line + 1, start.column)
                items.append(item)
                pending_key = None
            elif depth == 1:
                pending_key = None
            depth += 1
            continue
        if isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            if depth == 0:
                break
            depth -= 1
            continue
        if isinstance(ev, yaml.ScalarEvent) and item is not None:
            stop = ev.end_mark
            assert stop is not None  # parser events always carry their marks
            end = stop.line + (1 if stop.column else 0)
            while end > item.start and not lines[end - 1].strip():
                end -= 1
            item.end = max(item.end, end)
            if depth == 1:
                if pending_key is None:
                    pending_key = ev.value
                    item.keys.add(ev.value)
                else:
                    item.values[pending_key] = ev.value
                    pending_key = None
    return ListPlace(key_line, items, True)


def leading_comments(text: str, line: int) -> int:
    """The first line of the comments directly above `line` (or `line` itself)."""
    lines = text.split("\n")
    while line > 1 and lines[line - 2].lstrip().startswith("#"):
        line -= 1
    return line


def insert(text: str, additions: list[tuple[int, list[str]]]) -> str:
    """Insert lines after the given 1-based lines (0: at the top, at most the last line); the rest
    stays as it was. Of two additions after one line, the later comes first. One pass over the
    lines (inserting each addition into the list moved every line after it: the square of a
    thread's length)."""
    lines = text.split("\n")
    at: dict[int, list[list[str]]] = defaultdict(list)
    for after, new in additions:
        at[min(after, len(lines))].append(new)
    out: list[str] = []
    for i, line in enumerate([*lines, None]):
        for new in reversed(at.get(i, [])):
            out.extend(new)
        if line is not None:
            out.append(line)
    return "\n".join(out)


def extend_scalars(text: str, key: str, values: list[str], before: str) -> str:
    """Add `values` to the top-level list of scalars `key` (block or flow style), or add the
    key as a block list just above the top-level key `before` when it is absent. Raises
    EditError when `key` is there but is not a list."""
    if not values:
        return text
    events = list(yaml.parse(text, Loader=_Loader))
    i = 0
    while i < len(events) and not isinstance(events[i], yaml.MappingStartEvent):
        i += 1
    if i == len(events) or getattr(events[i], "flow_style", False):
        raise EditError("it is not a block mapping")
    i += 1
    found = None
    place_before = None
    while i < len(events) and isinstance(ev := events[i], yaml.ScalarEvent):
        if ev.value == key:
            found = i
        if ev.value == before:
            place_before = _mark(ev.start_mark)[0] + 1
        i = _after(events, i + 1)
    lines = text.split("\n")
    if found is None:
        if place_before is None:
            raise EditError(f"no top-level '{before}' to add '{key}' above")
        at = leading_comments(text, place_before) - 1
        return insert(text, [(at, [f"{key}:"] + [f"  - {scalar(v)}" for v in values])])
    seq = events[found + 1]
    if not isinstance(seq, yaml.SequenceStartEvent):
        raise EditError(f"its '{key}' is not a list")
    scalars = [ev for ev in events[found + 2 : _after(events, found + 1)] if isinstance(ev, yaml.ScalarEvent)]
    if seq.flow_style:
        added = ", ".join(scalar(v) for v in values)
        if scalars:  # after the last item: "[a, ]" becomes "[a, b, ]"
            row, col = _mark(scalars[-1].end_mark)
            lines[row] = lines[row][:col] + ", " + added + lines[row][col:]
        else:  # "[]": inside the brackets
            row, col = _mark(events[found + 2].start_mark)
            lines[row] = lines[row][:col] + added + lines[row][col:]
        return "\n".join(lines)
    if not scalars:
        raise EditError(f"its '{key}' is not a list of names")
    last = max(_mark(ev.end_mark)[0] + (1 if _mark(ev.end_mark)[1] else 0) for ev in scalars)
    return insert(text, [(last, [" " * _mark(seq.start_mark)[1] + f"- {scalar(v)}" for v in values])])


def _mark(mark: Any) -> tuple[int, int]:
    assert mark is not None  # parser events always carry their marks
    return mark.line, mark.column
