"""The type framework that the record schemas (`generator.records.schema`) are written in.

Types check positioned YAML nodes (`generator.records.yamlload.Y`) and turn them into plain Python
values: text, ids, references, URLs, Message-IDs, numbers, dates and times, flags, the words of a
vocabulary, lists, and mappings of known fields (`Obj`, whose `rules` check what spans fields).
Validated mappings become `Rec` dicts that remember where each key was written. Problems go to
the file's `Ctx`, with a suggestion for a near miss; a placeholder as `new` writes them is a
warning. References between records are collected here (`RefUse`) and resolved in
`generator.records.model` once all files are read. Pure.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import sys
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

from generator import layout
from generator.errors import Problems
from generator.records.yamlload import Y

INVALID = object()


class Rec(dict):
    """A validated mapping that remembers the file and the line of itself and of each key.
    Slots, not an instance dictionary: a summit has 350,000 records (a third less memory)."""

    __slots__ = ("line", "lines", "path")
    path: str
    line: int
    lines: dict[str, int]

    def __getattr__(self, name: str) -> Any:  # convenient in code and in templates
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)

    def __setstate__(self, state: tuple[None, dict[str, Any]]) -> None:
        # Unpickling looks this up on every record: without it the lookup goes through
        # __getattr__ and a KeyError (0.09 s of a no-op build at M, 35,000 records).
        self.path, self.line, self.lines = state[1]["path"], state[1]["line"], state[1]["lines"]


class RefUse(NamedTuple):
    """A reference from one record to another, resolved once every file is read.

    A named tuple, not a dataclass: an edit build unpickles every file's references from the
    cache (31,000 at M), and these take 0.02 s to unpickle where dataclasses took 0.05 s."""

    kind: str
    target: str
    path: str
    line: int
    column: int


@dataclass
class Ctx:
    path: str
    problems: Problems
    refs: list[RefUse] = field(default_factory=list)
    broken: set[tuple[str, str]] = field(default_factory=set)  # (kind, id) of invalid records

    def error(self, y: Y, message: str) -> object:
        self.problems.error(self.path, y.line, message, y.column)
        return INVALID

    def warn(self, y: Y, message: str) -> None:
        self.problems.warn(self.path, y.line, message, y.column)


# What `python -m generator new` writes where a fact must go: text that starts with TODO, and
# addresses on example.invalid (a name reserved never to resolve, RFC 2606). `check` warns of
# each one left (so --strict, and make site, fail) until it is replaced.
PLACEHOLDER_TEXT = "TODO:"
PLACEHOLDER_DOMAIN = "example.invalid"


def placeholder(y: Y, ctx: Ctx, value: str) -> None:
    ctx.warn(y, f"placeholder (as `python -m generator new` writes them): replace {y.describe()} with the fact")


def suggest(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the nearest valid name, or ''."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


# ---------------------------------------------------------------------------------- types


class Type:
    expected = "a value"

    def check(self, y: Y, ctx: Ctx) -> Any:
        raise NotImplementedError

    def scalar(self, y: Y, ctx: Ctx) -> str | object:
        if y.kind != "scalar" or y.is_null:
            return ctx.error(y, f"expected {self.expected}, found {y.describe()}")
        return y.scalar


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")  # tab and newline are fine


MAX_BRACKETS = 64
# The lists that grow with the data (everyone, every question, a thread's messages and quotes):
# bounded by the file size limit, not by a count (a site of several summits has thousands).
BIG_LIST = 1_000_000


class Text(Type):
    """A string. One line unless `multiline`; bounded so no input can make rendering slow."""

    def __init__(self, max_len: int = 300, multiline: bool = False, markdown: bool = False, facts: bool = True):
        self.max_len = max_len
        self.multiline = multiline
        self.markdown = markdown
        self.facts = facts  # a person writes it: a placeholder left in it is a warning
        self.expected = "Markdown text" if markdown else "text"

    def check(self, y: Y, ctx: Ctx) -> Any:
        value = self.scalar(y, ctx)
        if value is INVALID:
            return value
        assert isinstance(value, str)
        value = value.strip() if not self.multiline else value.rstrip("\n")
        if not value.strip():
            return ctx.error(y, f"expected {self.expected}, found an empty string")
        if len(value) > self.max_len:
            return ctx.error(y, f"text too long: {len(value)} characters, at most {self.max_len}")
        if not self.multiline and "\n" in value:
            return ctx.error(y, "expected one line of text, found several lines")
        bad = _CONTROL.search(value)
        if bad:
            return ctx.error(y, f"control character U+{ord(bad.group()):04X} is not allowed in text")
        if self.markdown and value.count("[") > MAX_BRACKETS:
            # Python-Markdown's link parsing is quadratic in unmatched '[' (8,000 take 9 s).
            return ctx.error(y, f"too many '[' in Markdown text: {value.count('[')}, at most {MAX_BRACKETS}")
        if self.facts and value.startswith(PLACEHOLDER_TEXT):
            placeholder(y, ctx, value)
        return value


class Pattern(Text):
    def __init__(self, regex: str, expected: str, max_len: int = 200):
        super().__init__(max_len)
        self.regex = re.compile(regex)
        self.expected = expected

    def check(self, y: Y, ctx: Ctx) -> Any:
        value = super().check(y, ctx)
        if value is INVALID:
            return value
        if not self.regex.fullmatch(value):
            return ctx.error(y, f"expected {self.expected}, found {y.describe()}")
        return value


ID_EXPECTED = "an id of lower-case letters, digits and single dashes"


def reserved_id(value: str) -> str:
    return f"the id '{value}' is reserved (it names a section page); choose another"


class Slug(Pattern):
    """An id: the layout's rule (it names files and URLs), and not a reserved name."""

    def __init__(self) -> None:
        super().__init__(layout.ID_RE, ID_EXPECTED, layout.MAX_ID)

    def check(self, y: Y, ctx: Ctx) -> Any:
        value = super().check(y, ctx)
        if value in layout.RESERVED_IDS:
            return ctx.error(y, reserved_id(value))
        return value


class Ref(Slug):
    """The id of another record of `kind`; checked once all records are read."""

    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind
        self.expected = f"the id of a {kind}"

    def check(self, y: Y, ctx: Ctx) -> Any:
        value = super().check(y, ctx)
        if value is not INVALID:
            value = sys.intern(value)  # one string for the many records that name the same one
            ctx.refs.append(RefUse(self.kind, value, ctx.path, y.line, y.column))
        return value


class Url(Pattern):
    def __init__(self) -> None:
        super().__init__(r"https?://[^\s<>\"'`]+", "an http:// or https:// URL", 500)

    def check(self, y: Y, ctx: Ctx) -> Any:
        value = super().check(y, ctx)
        if value is not INVALID and host_of(value).endswith(PLACEHOLDER_DOMAIN):
            placeholder(y, ctx, value)
        return value


def host_of(url: str) -> str:
    """The host of an http(s) URL, lower-case."""
    return (urlsplit(url).hostname or "").lower()


class MessageId(Pattern):
    """A Message-ID, with or without the angle brackets; stored without them."""

    def __init__(self) -> None:
        super().__init__(r"<?[^<>\s@]+@[^<>\s@]+>?", "a Message-ID such as 'abc@example.org'")

    def check(self, y: Y, ctx: Ctx) -> Any:
        if y.kind == "scalar" and "://" in y.scalar:  # an address where the Message-ID goes
            found = re.search(r"/([^/<>\s]+@[^/<>\s]+?)/?(?:[#?].*)?$", y.scalar)
            hint = f": give the Message-ID alone, '{unquote(found.group(1))}'" if found else ""
            return ctx.error(y, f"expected a Message-ID, found an address ({y.describe()}){hint}")
        value = super().check(y, ctx)
        if value is INVALID:
            return value
        value = value.strip("<>")
        if value.lower().endswith("@" + PLACEHOLDER_DOMAIN):
            placeholder(y, ctx, value)
        return value


class Int(Type):
    def __init__(self, lo: int, hi: int):
        self.lo, self.hi = lo, hi
        self.expected = f"a whole number from {lo} to {hi}"
        # Digits beyond these are refused before int() reads them (as many as `hi` has: a
        # number up to 10**6 always read as a number, to say it is out of range).
        self.digits = re.compile(rf"0|[1-9][0-9]{{0,{max(6, len(str(hi))) - 1}}}")

    def check(self, y: Y, ctx: Ctx) -> Any:
        value = self.scalar(y, ctx)
        if value is INVALID:
            return value
        if not y.plain or not self.digits.fullmatch(str(value)):
            return ctx.error(y, f"expected {self.expected}, found {y.describe()}")
        number = int(str(value))
        if not self.lo <= number <= self.hi:
            return ctx.error(y, f"expected {self.expected}, found {number}")
        return number


class Date(Type):
    """YYYY-MM-DD; with `partial`, also YYYY-MM or YYYY (when a source gives no more)."""

    def __init__(self, partial: bool = False):
        self.partial = partial
        self.expected = "a date YYYY-MM-DD" + (" (or YYYY-MM, or YYYY)" if partial else "")

    def check(self, y: Y, ctx: Ctx) -> Any:
        value = self.scalar(y, ctx)
        if value is INVALID:
            return value
        text = str(value)
        m = re.fullmatch(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?", text)
        if not m or (not self.partial and not m.group(3)):
            return ctx.error(y, f"expected {self.expected}, found {y.describe()}")
        try:
            dt.date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
        except ValueError:
            return ctx.error(y, f"not a real date: {text}")
        return text


DATETIME_RE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:[0-9]{2})"


class DateTime(Type):
    """An ISO 8601 time with its UTC offset, e.g. 2026-04-28T16:35:52Z; kept as a UTC datetime."""

    expected = "a date and time such as 2026-04-28T16:35:52Z"

    def check(self, y: Y, ctx: Ctx) -> Any:
        value = self.scalar(y, ctx)
        if value is INVALID:
            return value
        text = str(value)
        m = re.fullmatch(DATETIME_RE, text)
        if not m:
            return ctx.error(y, f"expected {self.expected} (with Z or a UTC offset), found {y.describe()}")
        try:
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.UTC)
        except (ValueError, OverflowError):
            return ctx.error(y, f"not a real date and time: {text}")


class DateOrTime(Type):
    """A date-time with its offset, or only a date (YYYY-MM-DD) when the time is not known."""

    expected = "a date (2026-03-07) or a date and time with its offset (2026-04-27T23:57:00Z)"

    def check(self, y: Y, ctx: Ctx) -> Any:
        if y.kind == "scalar" and len(y.scalar) == 10:
            return Date().check(y, ctx)
        if y.kind == "scalar" and not y.is_null and "T" not in str(y.scalar):  # not a try at a time
            return ctx.error(y, f"expected {self.expected}, found {y.describe()}")
        return DateTime().check(y, ctx)


class Flag(Type):
    """true or false (as YAML writes them, unquoted)."""

    expected = "true or false"

    def check(self, y: Y, ctx: Ctx) -> Any:
        value = self.scalar(y, ctx)
        if value is INVALID:
            return value
        if not y.plain or value not in ("true", "false"):
            quoted = " (unquoted: quotes make it text)" if value in ("true", "false") else ""
            return ctx.error(y, f"expected {self.expected}{quoted}, found {y.describe()}")
        return value == "true"


class Clock(Pattern):
    def __init__(self) -> None:
        super().__init__(r"([01][0-9]|2[0-3]):[0-5][0-9]", "a time of day HH:MM (24-hour)", 5)


def clock_minutes(clock: str) -> int:
    """A Clock value as minutes from midnight: '09:30' -> 570."""
    h, m = clock.split(":")
    return int(h) * 60 + int(m)


def clock_text(total: int) -> str:
    """Minutes from midnight as a Clock value, past midnight wrapping: 570 -> '09:30', 1450 -> '00:10'."""
    return f"{total // 60 % 24:02d}:{total % 60:02d}"


@functools.cache
def known_time_zones() -> frozenset[str]:
    """The IANA time zone names of the tz database (Python's zoneinfo, with the tzdata package)."""
    return frozenset(zoneinfo.available_timezones())


class TimeZone(Pattern):
    """An IANA time zone name that the tz database knows: calendar files need its rules."""

    def __init__(self) -> None:
        super().__init__(r"[A-Za-z_]+(/[A-Za-z0-9_+-]+)*", "an IANA time zone such as Europe/Zagreb")

    def check(self, y: Y, ctx: Ctx) -> Any:
        value = super().check(y, ctx)
        if value is not INVALID and value not in known_time_zones():
            return ctx.error(y, f"unknown time zone '{value}'{suggest(value, known_time_zones())}")
        return value


class Enum(Type):
    """One word of a fixed vocabulary. Each word may carry the label pages show for it (the
    templates' filters read the labels from here); without labels, a word is its own label."""

    def __init__(self, *values: str, labels: dict[str, str] | None = None):
        self.values = tuple(labels) if labels is not None else values
        self.labels = labels if labels is not None else {v: v for v in values}
        self._words = {v: v for v in self.values}
        self.expected = "one of " + ", ".join(f"'{v}'" for v in self.values)

    def label(self, value: str) -> str:
        return self.labels[value]

    def check(self, y: Y, ctx: Ctx) -> Any:
        value = self.scalar(y, ctx)
        if value is INVALID:
            return value
        if value not in self.values:
            return ctx.error(
                y, f"expected {self.expected}, found {y.describe()}{suggest(str(value), list(self.values))}"
            )
        return self._words.get(value, value)  # the vocabulary's own string: one for every record


class ListOf(Type):
    def __init__(self, item: Type, max_items: int = 1000, min_items: int = 0):
        self.item = item
        self.max_items = max_items
        self.min_items = min_items
        self.expected = "a list"

    def check(self, y: Y, ctx: Ctx) -> Any:
        if y.is_null and not self.min_items:
            return []
        if y.kind != "seq" or len(y.items) < self.min_items:
            at_least = f" of at least {self.min_items} item{'s' * (self.min_items > 1)}" if self.min_items else ""
            return ctx.error(y, f"expected a list{at_least}, found {y.describe()}")
        if len(y.items) > self.max_items:
            return ctx.error(y, f"too many items: {len(y.items)}, at most {self.max_items}")
        out = [self.item.check(i, ctx) for i in y.items]
        return [v for v in out if v is not INVALID]


@dataclass
class Field:
    """One field of a mapping: its type, whether it must be given, and what it means."""

    type: Type
    doc: str
    required: bool = False
    default: Any = None


Rule = Callable[["Rec", Y, Ctx], bool]  # a check across the fields of one mapping: False when it failed


class Obj(Type):
    """A mapping with known fields; unknown fields are errors with a suggestion. `rules` check
    what spans its fields (one of two fields given, a field that another requires), once the
    fields themselves are valid."""

    def __init__(self, name: str, doc: str, fields: dict[str, Field], rules: tuple[Rule, ...] = ()):
        self.name = name
        self.doc = doc
        self.fields = fields
        self.rules = rules
        self.expected = f"a mapping ({name})"
        self._names = {sys.intern(key): sys.intern(key) for key in fields}

    def check(self, y: Y, ctx: Ctx) -> Any:
        if y.kind != "map":
            return ctx.error(y, f"expected {self.expected}, found {y.describe()}")
        rec = Rec()
        rec.path, rec.line, rec.lines = ctx.path, y.line, {}
        ok = True
        meant: set[str] = set()  # fields an unknown key was probably meant to be
        for key, (ky, vy) in y.entries.items():
            spec = self.fields.get(key)
            if spec is None:
                hint = suggest(key, [f for f in self.fields if f not in y.entries])
                ctx.error(ky, f"unknown field '{key}'{hint}")
                meant.update(re.findall(r"'([^']*)'", hint))
                ok = False
                continue
            value = spec.type.check(vy, ctx)
            if value is INVALID:
                ok = False
                continue
            key = self._names.get(key, key)  # the field's own string, not the parser's: one for every record
            rec[key] = value
            rec.lines[key] = ky.line
        for key, spec in self.fields.items():
            if key in rec or key in y.entries or key in meant:  # reported above
                continue
            if spec.required:
                doc = spec.doc.rstrip(".")
                ctx.error(y, f"missing required field '{key}': {doc[0].lower()}{doc[1:]}")
                ok = False
            else:
                rec[key] = [] if isinstance(spec.type, ListOf) else spec.default
        if ok:
            for rule in self.rules:
                ok = rule(rec, y, ctx) and ok
        if not ok:  # so that references to it are not reported as unknown too
            for key in ("id", "message_id"):
                if isinstance(rec.get(key), str):
                    ctx.broken.add((self.name, rec[key]))
        return rec if ok else INVALID


class TextOr(Type):
    """A mapping of `obj`, or a line of text that stands for its field `field` alone (the form
    that was written before the mapping was possible). Either way the value is a `Rec` of `obj`,
    with every other field at its default."""

    def __init__(self, obj: Obj, field: str):
        self.obj = obj
        self.field = field
        self.expected = f"text, or {obj.expected}"

    def check(self, y: Y, ctx: Ctx) -> Any:
        if y.kind != "scalar" or y.is_null:
            return self.obj.check(y, ctx)
        value = self.obj.fields[self.field].type.check(y, ctx)
        if value is INVALID:
            return value
        rec = Rec()
        rec.path, rec.line, rec.lines = ctx.path, y.line, {self.field: y.line}
        for key, spec in self.obj.fields.items():
            rec[key] = [] if isinstance(spec.type, ListOf) else spec.default
        rec[self.field] = value
        return rec
