"""Read one YAML file into a tree of positioned nodes (`read_bytes` is the I/O; parsing is pure).

PyYAML's *safe* composer (libyaml's C one where available) builds the node graph; we never let
PyYAML construct Python objects, so no YAML 1.1 implicit typing (``NO`` -> False, ``1:20`` -> 80,
unquoted dates -> date objects) reaches the records: every scalar stays the text that was
written, and the schema decides what it must look like. Every node keeps its line and column
for error messages.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass

import yaml

from generator import layout
from generator.errors import Problems

try:  # libyaml is ten times faster; the pure-Python loader gives the same nodes.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

NULL_WORDS = {"", "~", "null", "Null", "NULL"}


class Y:
    """A YAML node: kind is 'map', 'seq' or 'scalar' (slots: parsing makes hundreds of thousands)."""

    __slots__ = ("column", "entries", "items", "kind", "line", "plain", "scalar")

    def __init__(self, kind: str, line: int, column: int, scalar: str = "", plain: bool = True) -> None:
        self.kind = kind
        self.line = line  # 1-based
        self.column = column  # 1-based
        self.scalar = scalar
        self.plain = plain  # scalar written without quotes or block style
        self.items: list[Y] = []  # seq
        self.entries: dict[str, tuple[Y, Y]] = {}  # map: key -> (key, value)

    @property
    def is_null(self) -> bool:
        return self.kind == "scalar" and self.plain and self.scalar in NULL_WORDS

    def describe(self) -> str:
        """What was found, for 'expected X, found Y' messages."""
        if self.kind == "map":
            return "a mapping"
        if self.kind == "seq":
            return "a list" if self.items else "an empty list"
        if self.is_null:
            return "nothing"
        text = self.scalar if len(self.scalar) <= 40 else self.scalar[:37] + "..."
        return repr(text)


MAX_BYTES = 4 * 1024 * 1024  # a record file is a few KB; a thread with many quotes stays far below
MAX_DEPTH = 32  # our deepest record nests 6 levels
ALIAS_MESSAGE = "anchors and aliases (&name, *name) are not supported here"


def parse(text: str, path: str, problems: Problems) -> Y | None:
    """Parse YAML text into positioned nodes; on any problem record it and return None.

    Built from the parser's events (libyaml's C parser where available) in one iterative pass,
    so that depth is bounded (PyYAML's recursive composer crashes on deep nesting), anchors,
    aliases and tags are refused where they are written (no alias bomb can expand), and no
    PyYAML constructor ever runs.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    stack: list[list] = []  # frames: [node, pending key node (maps only)]
    root: Y | None = None
    documents = 0
    loader = _Loader(text)
    get_event = loader.get_event
    scalar_event, start_events, end_events = yaml.ScalarEvent, _START_EVENTS, _END_EVENTS
    try:
        while True:
            ev = get_event()
            cls = type(ev)
            if cls is scalar_event:
                if ev.anchor or (ev.tag and not ev.implicit[0]):
                    _refuse(ev, path, problems)
                    return None
                mark = ev.start_mark
                node = Y("scalar", mark.line + 1, mark.column + 1, ev.value, not ev.style)
            elif cls in end_events:
                node = stack.pop()[0]
            elif cls in start_events:
                if ev.anchor or (ev.tag and ev.tag != "!"):
                    _refuse(ev, path, problems)
                    return None
                mark = ev.start_mark
                if len(stack) >= MAX_DEPTH:
                    problems.error(
                        path, mark.line + 1, f"nested too deeply (more than {MAX_DEPTH} levels)", mark.column + 1
                    )
                    return None
                kind = "seq" if cls is yaml.SequenceStartEvent else "map"
                stack.append([Y(kind, mark.line + 1, mark.column + 1), None])
                continue
            elif cls is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    mark = ev.start_mark
                    problems.error(
                        path, mark.line + 1, "more than one YAML document (---) in the file", mark.column + 1
                    )
                    return None
                continue
            elif cls is yaml.AliasEvent:
                _refuse(ev, path, problems)
                return None
            elif cls is yaml.StreamEndEvent or ev is None:
                break
            else:  # stream start, document end
                continue
            if not stack:
                root = node
            elif not _add(stack[-1], node, path, problems):
                return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        col = mark.column + 1 if mark else 0
        what = exc.problem or exc.context or "invalid YAML"
        if mark and _char_at(text, mark.line, mark.column) == "\t":
            what = "a tab character; indent with spaces"
        elif exc.context and exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
            what += f" ({exc.context} at line {exc.context_mark.line + 1})"
        problems.error(path, line, f"invalid YAML: {what}", col)
        return None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, DEL, ...)
        line = text[: exc.position].count("\n") + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        problems.error(path, line, f"invalid YAML: character U+{exc.character:04X} is not allowed", col)
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - anything else libyaml may raise
        problems.error(path, 0, f"invalid YAML: {' '.join(str(exc).split())}")
        return None
    if root is None or root.is_null:
        problems.error(path, 0, "the file is empty; expected a mapping of fields")
        return None
    return root


_START_EVENTS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_END_EVENTS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def _refuse(ev: yaml.Event, path: str, problems: Problems) -> None:
    mark = ev.start_mark
    assert mark is not None  # parser events always carry their marks
    tag = getattr(ev, "tag", None)
    if isinstance(ev, yaml.AliasEvent) or getattr(ev, "anchor", None):
        message = ALIAS_MESSAGE
    else:
        message = f"YAML tags ({tag}) are not supported here"
    problems.error(path, mark.line + 1, message, mark.column + 1)


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n", line + 1)
    return lines[line][column : column + 1] if line < len(lines) else ""


_KEY_DROPPED = Y("scalar", 0, 0)  # stands for a rejected key: its value is skipped


def _add(frame: list, node: Y, path: str, problems: Problems) -> bool:
    parent = frame[0]
    if parent.kind == "seq":
        parent.items.append(node)
        return True
    key = frame[1]
    if key is None:  # this node is a key
        if node.kind != "scalar":
            problems.error(path, node.line, "a key must be a plain name", node.column)
            frame[1] = _KEY_DROPPED
        elif node.scalar == "<<" and node.plain:
            problems.error(path, node.line, "merge keys (<<) are not supported here", node.column)
            frame[1] = _KEY_DROPPED
        elif node.scalar in parent.entries:
            first = parent.entries[node.scalar][0].line
            problems.error(path, node.line, f"duplicate key '{node.scalar}' (first at line {first})", node.column)
            frame[1] = _KEY_DROPPED
        else:
            frame[1] = node
        return True
    frame[1] = None
    if key is not _KEY_DROPPED:
        parent.entries[key.scalar] = (key, node)
    return True


@dataclass(frozen=True)
class FileBytes:
    """What reading a data file gave: at most MAX_BYTES + 1 of its bytes (bounded memory
    whatever its size), or why it could not be read."""

    raw: bytes | None
    error: str = ""  # why it could not be read (raw is None)
    size: int = 0  # its whole size in bytes


def read_bytes(path_on_disk: str, inside: str | None = None) -> FileBytes:
    """The I/O half of reading a data file; `check_bytes` is the rest. Only a regular file is
    read, and with `inside`, only one within that folder: a symbolic link that leaves it, a FIFO
    (which would block), a device or a socket is refused, and its error says nothing of what it
    points at or holds (a link to a secret must not print the secret)."""
    if inside is not None and os.path.islink(path_on_disk):
        real, root = os.path.realpath(path_on_disk), os.path.realpath(inside)
        if not layout.within(real, root):
            return FileBytes(None, "it is a symbolic link to outside the data folder; only files inside it are read")
    try:
        fd = os.open(path_on_disk, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return FileBytes(None, "it is a symbolic link that leads back to itself (a loop)")
        if exc.errno == errno.ENOENT and os.path.islink(path_on_disk):
            return FileBytes(None, "it is a symbolic link to a file that does not exist")
        return FileBytes(None, exc.strerror or str(exc))
    with os.fdopen(fd, "rb") as fh:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            return FileBytes(None, f"it is {_kind(mode)}, not a regular file; only regular files are read")
        try:
            raw = fh.read(MAX_BYTES + 1)
            size = os.fstat(fd).st_size if len(raw) > MAX_BYTES else len(raw)
        except OSError as exc:
            return FileBytes(None, exc.strerror or str(exc))
    return FileBytes(raw, "", size)


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a file"


def check_bytes(read: FileBytes, shown_path: str, problems: Problems) -> Y | None:
    """A file's bytes (from read_bytes) parsed, reporting an unreadable or oversized file."""
    if read.raw is None:
        problems.error(shown_path, 0, f"cannot read the file: {read.error or 'unknown error'}")
        return None
    if len(read.raw) > MAX_BYTES:
        problems.error(shown_path, 0, f"file too large: {read.size:,} bytes, at most {MAX_BYTES:,}")
        return None
    return parse_bytes(read.raw, shown_path, problems)


def parse_bytes(raw: bytes, shown_path: str, problems: Problems) -> Y | None:
    """A file's content (read, or about to be written by import-mbox) checked and parsed."""
    if len(raw) > MAX_BYTES:
        problems.error(shown_path, 0, f"file too large: {len(raw):,} bytes, at most {MAX_BYTES:,}")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.error(shown_path, line, f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x})")
        return None
    return parse(text, shown_path, problems)


def read(path_on_disk: str, shown_path: str, problems: Problems) -> Y | None:
    """Read and parse one file."""
    return check_bytes(read_bytes(path_on_disk), shown_path, problems)
