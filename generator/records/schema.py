"""Record schemas: what each YAML file may hold, with a short doc for every field, and every
vocabulary (statuses, kinds, roles, link types, confidence) once, with the label pages show.

Types check positioned YAML nodes (`generator.records.yamlload.Y`) and turn them into plain Python
values; validated mappings become `Rec` dicts that remember where each key was written.
References between records are collected here and resolved in `generator.records.model` once all
files are read. Pure. The templates' label filters, the JSON Schemas (`jsonschemas`) and the
exports read the vocabularies from here.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
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
    """A validated mapping that remembers the file and the line of itself and of each key."""

    path: str = ""
    line: int = 0
    lines: dict[str, int]

    def __getattr__(self, name: str) -> Any:  # convenient in code and in templates
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Unpickling looks this up on every record: without it the lookup goes through
        # __getattr__ and a KeyError (0.09 s of a no-op build at M, 35,000 records).
        self.__dict__.update(state)


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

    def check(self, y: Y, ctx: Ctx) -> Any:
        value = self.scalar(y, ctx)
        if value is INVALID:
            return value
        if not y.plain or not re.fullmatch(r"0|[1-9][0-9]{0,5}", str(value)):
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
        return value


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


# ---------------------------------------------------------------------------------- records

# ---------------------------------------------------------------------------------- vocabularies
# Every vocabulary once, with the label pages show for each word (its order is the order pages
# list them in): the schema checks the words, templates show the labels, the JSON Schemas and
# data.json list the words.

CONFIDENCE = Enum(
    labels={"seen": "", "secondary": "secondary source", "inferred": "inferred", "unconfirmed": "unconfirmed"}
)  # the label is the note shown after a fact that a primary source does not state
LINK_TYPE = Enum(
    labels={
        "lore": "lore thread",
        "archive": "list archive",
        "series": "patch series",
        "patch": "patch",
        "lwn": "LWN",
        "paper": "paper",
        "commit": "commit",
        "slides": "slides",
        "code": "code",
        "video": "video",
        "docs": "documentation",
        "web": "web page",
    }
)
STATUS = Enum(
    labels={
        "idea": "idea",
        "research": "research",
        "rfc": "RFC",
        "under-review": "under review",
        "landed": "landed",
        "rejected": "rejected",
        "withdrawn": "withdrawn",
    }
)
PROPOSAL_KIND = Enum(
    labels={"series": "patch series", "paper": "paper", "topic": "summit topic", "target": "not yet covered"}
)
PROPOSAL_ROLE = Enum("author", "co-author", "proposer", "reviewer", "presenter")
QUESTION_STATUS = Enum("open", "settled")
TOPIC_KIND = Enum(
    labels={
        "session": "session",
        "joint-session": "joint session",
        "plenary": "plenary session",
        "bof": "BoF",
        "lightning-talk": "lightning talk",
        "attend-request": "attend request",
        "meta": "meta-topic",
    }
)
# What the program committee made of a topic. Only these are sessions on the agenda:
DECISION = Enum(
    labels={
        "proposed": "proposed",
        "accepted": "accepted",
        "held": "held",
        "merged": "merged",
        "declined": "declined",
        "withdrawn": "withdrawn",
    }
)
# What a schedule can get wrong (model.schedule_conflicts), as the schedule page names it.
CONFLICT = Enum(
    labels={
        "room": "two sessions in one room",
        "person": "one person in two sessions",
        "joint": "joint session against its tracks",
        "plenary": "plenary session against another",
        "break": "session over a shared break",
        "hours": "outside the daily hours",
        "midnight": "past midnight",
        "unscheduled": "accepted, no slot",
    }
)


def decision_status(topic: Rec) -> str:
    """What the program committee decided of a topic: its decision's status, or proposed."""
    return str(topic["decision"]["status"]) if topic["decision"] else "proposed"


ON_AGENDA = ("proposed", "accepted", "held")  # not merged into another, declined or withdrawn
NOT_SESSIONS = ("attend-request",)  # kinds that ask for a seat, not for a slot
# What a person did, as each person's page and data.json `roles` list it, in this order: a lead
# of a topic, someone a topic wants in the room, a part in a proposal (PROPOSAL_ROLE), a
# concern, a position on a question.
PERSON_ROLES = (
    "leads",
    "should attend",
    "author",
    "co-author",
    "proposer",
    "presenter",
    "reviewer",
    "raised a concern on",
    "holds a position on",
)
ROLE_SUBJECTS = ("topic", "proposal", "question", "quote")  # the kinds of record a role may concern
assert set(PROPOSAL_ROLE.values) <= set(PERSON_ROLES)


def utc_text(value: dt.datetime) -> str:
    """A time as data files and data.json hold it: in UTC, to the second, with a Z."""
    v = value.astimezone(dt.UTC)
    return f"{v.year:04d}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}Z"


SOURCE = Obj(
    "source",
    "Where a fact comes from.",
    {
        "url": Field(Url(), "The page, message or article that states the fact.", required=True),
        "about": Field(Text(), "Which fact this source backs."),
        "confidence": Field(
            CONFIDENCE,
            "seen (a primary source says so), secondary (only a third-party write-up), inferred, or unconfirmed.",
            default="seen",
        ),
    },
)

# Link types whose addresses are known: a `lore` link is on lore.kernel.org (nothing may link
# to lore an address that was not given), an `lwn` link on lwn.net.
LINK_HOSTS = {"lore": "lore.kernel.org", "lwn": "lwn.net"}


def _link_host(rec: Rec, y: Y, ctx: Ctx) -> bool:
    host = LINK_HOSTS.get(rec["type"])
    found = host_of(rec["url"])
    if host is None or found == host or found.endswith("." + host):
        if rec["type"] == "lore" and "@" not in unquote(urlsplit(rec["url"]).path):
            ctx.error(
                y.entries["url"][1],
                "a 'lore' link is to a message: its address holds the Message-ID "
                "(https://lore.kernel.org/r/<Message-ID>); for a list's page use type 'web'",
            )
            return False
        return True
    other = "'archive' (a list archive or lore mirror)" if rec["type"] == "lore" else "'web'"
    ctx.error(
        y.entries["url"][1],
        f"a '{rec['type']}' link must be on {host}, found {found}: give its {host} address, or use type {other}",
    )
    return False


LINK = Obj(
    "link",
    "A typed link to something worth reading.",
    {
        "type": Field(LINK_TYPE, "What the link points at.", required=True),
        "url": Field(Url(), "The address.", required=True),
        "title": Field(Text(), "What to show instead of the address."),
        "version": Field(Text(40), "For a patch series: its version, such as v3 or RFC."),
        "date": Field(Date(partial=True), "When it was posted or published."),
        "confidence": Field(CONFIDENCE, "How sure the link's facts are.", default="seen"),
    },
    rules=(_link_host,),
)


def _ordered_hours(rec: Rec, y: Y, ctx: Ctx) -> bool:
    if rec["end"] <= rec["start"]:
        ctx.error(y.entries["end"][1], f"the day's hours end ({rec['end']}) before they start ({rec['start']})")
        return False
    return True


def _days_and_breaks(rec: Rec, y: Y, ctx: Ctx) -> bool:
    """The event ends after it starts; its breaks fall on its days, within its daily hours, and
    do not overlap each other (each is shared by every room: the grid cannot show two at once)."""
    if rec["end"] < rec["start"]:
        ctx.error(y.entries["end"][1], f"the event ends ({rec['end']}) before it starts ({rec['start']})")
        return False
    if not rec["breaks"]:
        return True
    nodes = {node.line: node for node in y.entries["breaks"][1].items}  # a break's node by its line
    ok = True
    seen: list[Rec] = []
    for pause in rec["breaks"]:
        node = nodes[pause.line]
        if pause["day"] is not None and not rec["start"] <= pause["day"] <= rec["end"]:
            ctx.error(
                node.entries["day"][1],
                f"break day {pause['day']} is outside the event ({rec['start']} to {rec['end']})",
            )
            ok = False
            continue
        start = clock_minutes(pause["start"])
        end = start + pause["minutes"]
        hours = rec["hours"]
        if hours and (start < clock_minutes(hours["start"]) or end > clock_minutes(hours["end"])):
            ctx.warn(node, f"break '{pause['title']}' is outside the daily hours ({hours['start']}–{hours['end']})")
        for other in seen:
            o_start = clock_minutes(other["start"])
            same_day = pause["day"] is None or other["day"] is None or pause["day"] == other["day"]
            if same_day and start < o_start + other["minutes"] and o_start < end:
                ctx.warn(
                    node,
                    f"break '{pause['title']}' overlaps break '{other['title']}' (line {other.line}): "
                    "make them one, or move one",
                )
        seen.append(pause)
    return ok


def _joint_tracks(rec: Rec, y: Y, ctx: Ctx) -> bool:
    """A joint session is across tracks: it names at least two."""
    if rec["kind"] == "joint-session" and len(rec["tracks"]) < 2:
        node = y.entries["tracks"][1] if "tracks" in y.entries else y.entries["kind"][1]
        ctx.warn(node, "a joint session is across tracks: name at least two under `tracks:`")
    return True


EVENT = Obj(
    "event",
    "A summit: data/events/<id>.yaml (LSF/MM 2019, LSFMM+BPF 2026, ...).",
    {
        "id": Field(Slug(), "Short id of the event; must match the file name.", required=True),
        "name": Field(Text(), "Full name of the event.", required=True),
        "short_name": Field(Text(60), "Short name for headers."),
        "start": Field(Date(), "First day.", required=True),
        "end": Field(Date(), "Last day.", required=True),
        "current": Field(
            Flag(),
            "true for the event whose home page and agenda the site shows first (at most one; "
            "without it, the event that starts last).",
            default=False,
        ),
        "place": Field(Text(), "City and country (venue if known)."),
        "timezone": Field(
            TimeZone(),
            "Time zone in which slot times are given (an IANA name such as Europe/Zagreb); needed "
            "once a topic of the event has a slot.",
        ),
        "url": Field(Url(), "The event's own site."),
        "tracks": Field(
            ListOf(
                Obj(
                    "track",
                    "A track of the summit.",
                    {
                        "id": Field(Slug(), "Short id used by topics.", required=True),
                        "name": Field(Text(), "Track name.", required=True),
                    },
                )
            ),
            "The tracks of the summit.",
        ),
        "rooms": Field(
            ListOf(
                Obj(
                    "room",
                    "A room.",
                    {
                        "id": Field(Slug(), "Short id used by slots.", required=True),
                        "name": Field(Text(), "Room name.", required=True),
                        "tracks": Field(
                            ListOf(Ref("track")),
                            "The tracks the room holds (the agenda's grid shows a joint session across their rooms).",
                        ),
                    },
                )
            ),
            "Rooms, when the venue is known; the agenda's grid has a column per room, in this order.",
        ),
        "hours": Field(
            Obj(
                "hours",
                "When the day's sessions start and end.",
                {
                    "start": Field(Clock(), "When the first session may start.", required=True),
                    "end": Field(Clock(), "When the last session must end.", required=True),
                },
                rules=(_ordered_hours,),
            ),
            "Daily hours: a session outside them is a warning.",
        ),
        "breaks": Field(
            ListOf(
                Obj(
                    "break",
                    "A time every track shares: a break, a meal, a plenary talk.",
                    {
                        "title": Field(Text(120), "What it is (Lunch, Keynote).", required=True),
                        "day": Field(Date(), "Its day; left out, every day of the event."),
                        "start": Field(Clock(), "Start time (event time zone).", required=True),
                        "minutes": Field(Int(5, 600), "Length in minutes.", required=True),
                    },
                )
            ),
            "Breaks and plenary times: no session may overlap them.",
        ),
        "schedule": Field(
            Enum("draft", "final"),
            "draft, or final once the program committee has published it: then an accepted topic "
            "without a slot is a warning.",
            default="draft",
        ),
        "notes": Field(Text(2000, multiline=True, markdown=True), "Anything else worth knowing."),
        "sources": Field(ListOf(SOURCE, min_items=1), "Where the event facts come from.", required=True),
    },
    rules=(_days_and_breaks,),
)

PERSON = Obj(
    "person",
    "Someone who proposed, reviewed or said something.",
    {
        "id": Field(Slug(), "Short id, e.g. roman-gushchin.", required=True),
        "name": Field(Text(120), "Full name as the person writes it.", required=True),
        "affiliation": Field(Text(120), "Employer or institution, only where a source gives it."),
        "affiliation_source": Field(Url(), "The source that gives the affiliation."),
        "addresses": Field(
            ListOf(Pattern(r"[^\s@<>]+@[^\s@<>]+", "an e-mail address")),
            "E-mail addresses, used to match senders of imported mail.",
        ),
        "review": Field(
            Text(600),
            "Set by import-mbox on a person it added from mail: what to check. Each such person is a "
            "warning (so --strict fails) until this line is deleted.",
        ),
    },
)

PEOPLE_FILE = Obj(
    "people file",
    "data/people.yaml: everyone the records mention.",
    {
        "people": Field(ListOf(PERSON, max_items=BIG_LIST), "The people.", required=True),
    },
)

POSITION = Obj(
    "position",
    "One view on an open question, backed by quotes or sources.",
    {
        "by": Field(ListOf(Ref("person"), min_items=1), "Who holds it.", required=True),
        "summary": Field(Text(1000), "The position in one or two sentences.", required=True),
        "quotes": Field(ListOf(Ref("quote")), "Thread quotes that back it."),
        "sources": Field(ListOf(SOURCE), "Other sources that back it (e.g. a write-up of the session)."),
    },
)

QUESTION = Obj(
    "question",
    "A question the room must settle.",
    {
        "id": Field(Slug(), "Short id; also the anchor on the questions page.", required=True),
        "topic": Field(Ref("topic"), "The session where it is discussed.", required=True),
        "question": Field(Text(300), "The question, as one sentence.", required=True),
        "context": Field(Text(4000, multiline=True, markdown=True), "Why it matters (Markdown)."),
        "positions": Field(ListOf(POSITION), "The views on it."),
        "proposals": Field(ListOf(Ref("proposal")), "Proposals it bears on."),
        "status": Field(QUESTION_STATUS, "open, or settled once the room decided.", default="open"),
        "resolution": Field(Text(4000, multiline=True, markdown=True), "What was decided (required when settled)."),
        "sources": Field(ListOf(SOURCE), "Where the question and its context come from."),
    },
)

QUESTIONS_FILE = Obj(
    "questions file",
    "data/questions.yaml: the open questions.",
    {
        "questions": Field(ListOf(QUESTION, max_items=BIG_LIST), "The questions.", required=True),
    },
)

SLOT = Obj(
    "slot",
    "When and where the session takes place.",
    {
        "day": Field(Date(), "The day.", required=True),
        "start": Field(Clock(), "Start time (event time zone).", required=True),
        "minutes": Field(Int(5, 600), "Length in minutes.", required=True),
        "room": Field(Ref("room"), "Room id from its event's `rooms`."),
    },
)

ITEM = Obj(
    "running-order item",
    "One part of the session.",
    {
        "title": Field(Text(), "What this part is about.", required=True),
        "minutes": Field(Int(1, 600), "Planned minutes."),
        "proposals": Field(ListOf(Ref("proposal")), "Proposals discussed in this part."),
        "questions": Field(ListOf(Ref("question")), "Questions discussed in this part."),
        "notes": Field(Text(1000), "A note for the lead."),
    },
)

OUTCOME = Obj(
    "outcome",
    "What happened in the session (filled in afterwards).",
    {
        "summary": Field(Text(4000, multiline=True, markdown=True), "What was said and decided (Markdown)."),
        "decisions": Field(ListOf(Text(1000)), "Decisions, one per item."),
        "writeups": Field(ListOf(LINK), "Reports of the session (LWN, slides, notes)."),
    },
)


def _leads(rec: Rec, y: Y, ctx: Ctx) -> bool:
    """`lead` (one person, as files written before co-leads have it) or `leads`, not both; kept
    as `leads`."""
    if rec["lead"] and rec["leads"]:
        ctx.error(y.entries["lead"][0], "give `leads` (a list) or `lead` (one person), not both")
        return False
    if not rec["lead"] and not rec["leads"]:
        ctx.error(y, "missing required field 'leads': who proposed and leads the session (person ids)")
        return False
    if rec["lead"]:
        rec["leads"] = [rec["lead"]]
        rec.lines["leads"] = rec.lines["lead"]
    return True


def _post(rec: Rec, y: Y, ctx: Ctx) -> bool:
    """How the topic e-mail is known: its Message-ID, an archive's address, or a note."""
    if rec["message_id"] or rec["post_url"] or rec["post_note"]:
        return True
    ctx.error(
        y,
        "missing required field 'message_id': the Message-ID of the topic e-mail; without one, give "
        "`post_url` (the post in a list archive) or `post_note` (how it is known, e.g. only through replies)",
    )
    return False


def _no_twice(rec: Rec, y: Y, ctx: Ctx) -> bool:
    """A person leads a topic once."""
    leads = rec["leads"] or []
    twice = sorted({pid for pid in leads if leads.count(pid) > 1})
    if twice:
        ctx.error(y.entries["leads"][1], f"'{twice[0]}' is given twice in `leads`")
        return False
    return True


def _decision(rec: Rec, y: Y, ctx: Ctx) -> bool:
    decision = rec["decision"]
    if decision is None:
        return True
    if decision["status"] == "merged" and not decision["into"]:
        ctx.error(y.entries["decision"][1], "a merged topic needs `into`: the id of the topic it was merged into")
        return False
    if decision["into"] and decision["status"] != "merged":
        line = y.entries["decision"][1].entries["into"][0]
        ctx.error(line, f"`into` is for a merged topic; this one is {decision['status']}")
        return False
    if decision["into"] == rec["id"]:
        ctx.error(y.entries["decision"][1].entries["into"][1], "a topic cannot be merged into itself")
        return False
    return True


ATTENDEE = Obj(
    "attendee",
    "Someone the session needs in the room.",
    {
        "person": Field(Ref("person"), "Person id.", required=True),
        "reason": Field(
            Text(300), "Why: maintainer of the area, author of a proposal, asked for in the thread...", required=True
        ),
        "source": Field(Url(), "Where that is stated (the MAINTAINERS entry, the message).", required=True),
    },
)

DECISION_RECORD = Obj(
    "decision",
    "What the program committee decided, with its date and source.",
    {
        "status": Field(
            DECISION,
            "proposed (nothing decided yet), accepted, held (the session took place), merged (into "
            "another topic), declined or withdrawn.",
            required=True,
        ),
        "date": Field(Date(partial=True), "When it was decided or announced."),
        "into": Field(Ref("topic"), "For a merged topic: the topic it was merged into."),
        "note": Field(Text(500), "The decision in words."),
        "sources": Field(ListOf(SOURCE, min_items=1), "Where the decision is stated.", required=True),
    },
)

TOPIC = Obj(
    "topic",
    "A topic proposed for a summit (a session, BoF, attend request...): data/topics/<id>.yaml.",
    {
        "id": Field(Slug(), "Short id; must match the file name.", required=True),
        "title": Field(Text(200), "Title of the topic as proposed.", required=True),
        "event": Field(
            Ref("event"), "The summit it was proposed for (an id from data/events/; needed once there are several)."
        ),
        "kind": Field(
            TOPIC_KIND,
            "session, joint-session (across tracks), plenary (every track), bof, lightning-talk, attend-request "
            "or meta (about the summit).",
            default="session",
        ),
        "tracks": Field(ListOf(Ref("track")), "Track ids from its event."),
        "leads": Field(ListOf(Ref("person"), min_items=1), "Who proposed and leads the session (person ids)."),
        "lead": Field(Ref("person"), "The one lead (files may give `lead` instead of `leads`)."),
        "must_attend": Field(ListOf(ATTENDEE), "People the session needs in the room, each with why and a source."),
        "message_id": Field(MessageId(), "Message-ID of the [LSF/MM/BPF TOPIC] e-mail."),
        "post_url": Field(Url(), "The topic e-mail in a list archive, when its Message-ID is not known."),
        "post_note": Field(Text(300), "How the topic e-mail is known when no address is (e.g. only through replies)."),
        "posted": Field(DateOrTime(), "When the topic e-mail was sent (a date alone if the time is unknown)."),
        "lists": Field(ListOf(Text(80)), "Mailing lists the topic was sent to."),
        "thread": Field(Ref("thread"), "The thread record of the topic e-mail, if imported."),
        "brief_updated": Field(
            Date(),
            "The day its brief last took the mail of its thread into account. `check` warns when the thread "
            "holds messages dated after it (imported since): read them, update the brief, then this date.",
        ),
        "abstract": Field(
            Text(8000, multiline=True, markdown=True), "What the session is about (Markdown).", required=True
        ),
        "decision": Field(DECISION_RECORD, "What the program committee decided (leave out while only proposed)."),
        "continues": Field(ListOf(Ref("topic")), "Earlier topics (of earlier summits) this one continues."),
        "slot": Field(SLOT, "Day, time and room; leave out while unscheduled."),
        "proposals": Field(ListOf(Ref("proposal")), "Proposals on the agenda of this session."),
        "running_order": Field(ListOf(ITEM), "The parts of the session in order."),
        "reading": Field(ListOf(LINK), "What to read before the session."),
        "outcome": Field(OUTCOME, "After the session: what was decided, and write-ups."),
        "sources": Field(ListOf(SOURCE), "Where the topic facts come from."),
    },
    rules=(_no_twice, _leads, _post, _decision, _joint_tracks),
)

PROPOSAL = Obj(
    "proposal",
    "A patch series, paper or idea: data/proposals/<id>.yaml.",
    {
        "id": Field(Slug(), "Short id; must match the file name.", required=True),
        "title": Field(Text(200), "Name of the proposal.", required=True),
        "kind": Field(
            PROPOSAL_KIND,
            "series (patches), paper, topic (a summit topic of its own) or target (an area nobody has covered yet).",
            required=True,
        ),
        "status": Field(STATUS, "Where it stands.", required=True),
        "status_note": Field(Text(500), "The status in words, with its date."),
        "status_sources": Field(ListOf(SOURCE, min_items=1), "What the status rests on.", required=True),
        "people": Field(
            ListOf(
                Obj(
                    "role",
                    "A person's part in the proposal.",
                    {
                        "person": Field(Ref("person"), "Person id.", required=True),
                        "role": Field(PROPOSAL_ROLE, "Their part.", required=True),
                    },
                )
            ),
            "Authors and reviewers.",
        ),
        "summary": Field(
            Text(4000, multiline=True, markdown=True), "What it is, in a paragraph (Markdown).", required=True
        ),
        "links": Field(ListOf(LINK), "Lore threads, patch versions, articles, papers, commits, slides."),
        "history": Field(
            ListOf(
                Obj(
                    "history entry",
                    "A dated step.",
                    {
                        "date": Field(Date(partial=True), "When.", required=True),
                        "event": Field(Text(500), "What happened.", required=True),
                        "url": Field(Url(), "Where it is recorded."),
                        "confidence": Field(CONFIDENCE, "How sure this is.", default="seen"),
                    },
                )
            ),
            "Dated history, oldest first.",
        ),
        "concerns": Field(
            ListOf(
                Obj(
                    "concern",
                    "A reviewer's concern.",
                    {
                        "by": Field(Ref("person"), "Who raised it.", required=True),
                        "concern": Field(Text(1000), "What the concern is.", required=True),
                        "url": Field(Url(), "Where it was raised.", required=True),
                        "confidence": Field(CONFIDENCE, "How sure this is.", default="seen"),
                    },
                )
            ),
            "Reviewers' concerns.",
        ),
        "related": Field(ListOf(Ref("proposal")), "Other proposals it builds on or competes with."),
        "threads": Field(
            ListOf(Ref("thread")),
            "Threads on record (import-mbox) that carry its patch series, one per version as a rule. Its page "
            "shows their versions, trailers and repliers; the threads of its lore links count too.",
        ),
    },
)

MESSAGE = Obj(
    "message",
    "One message of a thread.",
    {
        "message_id": Field(MessageId(), "Its Message-ID.", required=True),
        "author": Field(Ref("person"), "Who sent it.", required=True),
        "date": Field(
            DateTime(),
            "When it was sent, with its UTC offset (import-mbox writes UTC). Left out when no source gives "
            "it, as for a message known only through the quotes in a reply.",
        ),
        "subject": Field(Text(300), "Its subject."),
        "in_reply_to": Field(MessageId(), "The Message-ID it replies to."),
        "note": Field(Text(500), "E.g. that its text is known only through quotes in a reply."),
        "conflict": Field(
            Text(1000),
            "Set by import-mbox when mail arrives again under this Message-ID from another sender or with "
            "another text: what that mail was. The record is kept as it was; `check` fails until a person "
            "finds which is genuine (on lore.kernel.org), corrects the record if needed and replaces this line by "
            "`resolved`.",
        ),
        "resolved": Field(
            Text(1000),
            "How a person resolved a conflict (which copy is genuine, and why). import-mbox then only warns "
            "about other mail under this Message-ID, without a new `conflict` line.",
        ),
        "text": Field(
            Text(2_000_000, multiline=True),
            "Its plain-text body as import-mbox read it: signature removed, quoted lines kept with their "
            "'>' markers. `check` verifies the quotes against it; left out while the message is known "
            "only through the quotes in a reply.",
        ),
    },
)

QUOTE = Obj(
    "quote",
    "Words from a message, verbatim.",
    {
        "id": Field(Slug(), "Short id used by questions.", required=True),
        "message": Field(MessageId(), "Message-ID of the message whose author wrote the words.", required=True),
        "seen_in": Field(
            MessageId(),
            "Message-ID of the reply that carries the words, when the text of `message` is not on record: "
            "the quote is then checked there, and pages say it is known from a quote in a reply.",
        ),
        "text": Field(
            Text(2_000_000, multiline=True),
            "The exact words, line breaks as in the message. `check` verifies them, ignoring whitespace, "
            "against the earliest text on record they claim: the own words of `message` when its text is "
            "on record (seen_in is then not used), else the text of seen_in at the quote level of `message`.",
            required=True,
        ),
        "proposals": Field(ListOf(Ref("proposal")), "Proposals it is about."),
        "questions": Field(ListOf(Ref("question")), "Questions it is about."),
    },
)

THREAD = Obj(
    "thread",
    "A mailing-list thread: data/threads/<id>.yaml.",
    {
        "id": Field(Slug(), "Short id; must match the file name.", required=True),
        "subject": Field(Text(300), "Subject of the first message.", required=True),
        "lists": Field(ListOf(Text(80)), "Lists it went to."),
        "notes": Field(
            Text(2000, multiline=True, markdown=True), "What is known about the thread beyond its messages."
        ),
        "messages": Field(
            ListOf(MESSAGE, min_items=1, max_items=BIG_LIST), "The messages, in thread order.", required=True
        ),
        "quotes": Field(ListOf(QUOTE, max_items=BIG_LIST), "Quotes taken from the messages."),
    },
)


# What each data file of the layout holds (layout.DATA_PLACES names them by kind).
SPECS: dict[str, Obj] = {spec.name: spec for spec in (EVENT, PEOPLE_FILE, QUESTIONS_FILE, TOPIC, PROPOSAL, THREAD)}
EXPORT_SKIP = {"topic": ("lead",)}  # fields that only spell another one (`lead` is `leads`)
