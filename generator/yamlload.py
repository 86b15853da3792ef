"""Read one YAML file into a tree of positioned nodes (I/O edge; no interpretation).

PyYAML's *safe* composer (libyaml's C one where available) builds the node graph; we never let
PyYAML construct Python objects, so no YAML 1.1 implicit typing (``NO`` -> False, ``1:20`` -> 80,
unquoted dates -> date objects) reaches the records: every scalar stays the text that was
written, and the schema decides what it must look like. Every node keeps its line and column
for error messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from generator.errors import Problems

try:  # libyaml is ten times faster; the pure-Python loader gives the same nodes.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

NULL_WORDS = {"", "~", "null", "Null", "NULL"}


@dataclass
class Y:
    """A YAML node: kind is 'map', 'seq' or 'scalar'."""

    kind: str
    line: int  # 1-based
    column: int  # 1-based
    scalar: str = ""
    plain: bool = True  # scalar written without quotes or block style
    items: list[Y] = field(default_factory=list)  # seq
    entries: dict[str, tuple[Y, Y]] = field(default_factory=dict)  # map: key -> (key, value)

    @property
    def is_null(self) -> bool:
        return self.kind == "scalar" and self.plain and self.scalar in NULL_WORDS

    def describe(self) -> str:
        """What was found, for 'expected X, found Y' messages."""
        if self.kind == "map":
            return "a mapping"
        if self.kind == "seq":
            return "a list"
        if self.is_null:
            return "nothing"
        text = self.scalar if len(self.scalar) <= 40 else self.scalar[:37] + "..."
        return repr(text)


def parse(text: str, path: str, problems: Problems) -> Y | None:
    """Parse YAML text; on a syntax error record it (with its place) and return None."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        col = mark.column + 1 if mark else 0
        what = exc.problem or exc.context or "invalid YAML"
        problems.error(path, line, f"invalid YAML: {what}", col)
        return None
    except yaml.YAMLError as exc:
        problems.error(path, 0, f"invalid YAML: {exc}")
        return None
    if node is None:
        problems.error(path, 0, "the file is empty; expected a mapping of fields")
        return None
    seen: set[int] = set()
    converted = _convert(node, path, problems, seen)
    if any(p.message.startswith(ALIAS_MESSAGE) for p in problems.items if p.path == path):
        _place_alias(text, path, problems)
    return converted


ALIAS_MESSAGE = "anchors and aliases (&name, *name) are not supported here"


def _place_alias(text: str, path: str, problems: Problems) -> None:
    """Report the first alias where it is written (the node graph only knows the anchor's place)."""
    problems.items[:] = [p for p in problems.items if not (p.path == path and p.message == ALIAS_MESSAGE)]
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            problems.error(path, mark.line + 1, ALIAS_MESSAGE, mark.column + 1)
            return


def read(path_on_disk: str, shown_path: str, problems: Problems) -> Y | None:
    """Read and parse one file, reporting unreadable or non-UTF-8 files as problems."""
    try:
        with open(path_on_disk, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        problems.error(shown_path, 0, f"cannot read the file: {exc.strerror}")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.error(shown_path, line, f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x})")
        return None
    return parse(text, shown_path, problems)


def _convert(node: yaml.Node, path: str, problems: Problems, seen: set[int]) -> Y | None:
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    if id(node) in seen:
        problems.error(path, line, ALIAS_MESSAGE, col)
        return None
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        return Y("scalar", line, col, scalar=node.value, plain=not node.style)  # C loader: "", pure: None
    if isinstance(node, yaml.SequenceNode):
        items = [_convert(n, path, problems, seen) for n in node.value]
        return Y("seq", line, col, items=[i for i in items if i is not None])
    if isinstance(node, yaml.MappingNode):
        out = Y("map", line, col)
        for knode, vnode in node.value:
            kline, kcol = knode.start_mark.line + 1, knode.start_mark.column + 1
            if not isinstance(knode, yaml.ScalarNode):
                problems.error(path, kline, "a key must be a plain name", kcol)
                continue
            if knode.tag == "tag:yaml.org,2002:merge":
                problems.error(path, kline, "merge keys (<<) are not supported here", kcol)
                continue
            key = knode.value
            if key in out.entries:
                first = out.entries[key][0].line
                problems.error(path, kline, f"duplicate key '{key}' (first at line {first})", kcol)
                continue
            value = _convert(vnode, path, problems, seen)
            if value is not None:
                out.entries[key] = (Y("scalar", kline, kcol, scalar=key), value)
        return out
    problems.error(path, line, "unsupported YAML node", col)  # pragma: no cover
    return None
