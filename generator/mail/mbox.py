"""Read mail: mbox, mboxrd, single messages (.eml), maildirs and gzip-compressed mboxes, from
files, folders or standard input, into `Mail` records (the read stage of import-mbox).

Python's mail modules are used with one explicit policy (`POLICY`), around their sharp edges:

- `mailbox.mbox` neither un-escapes mboxrd `>From ` lines nor copes with an unescaped `From `
  in a body, so messages are split here: after the first, a `From ` line separates messages
  only when it ends in a time and a year, as git's mailsplit decides; `>From `, `>>From ` ...
  lose one '>'.
- The default policy raises (IndexError, OverflowError, ...) on some malformed headers instead
  of recording a defect: each message's parse and each header access is guarded on its own, and
  a failure costs that header or that message, never the import.
- Parsing a header is superlinear in its length (a 140 KB subject of encoded words takes 5 s,
  560 KB 27 s): a header over `MAX_HEADER` bytes is dropped before parsing; a header section over
  `MAX_HEADERS` bytes or a message over `MAX_MESSAGE` bytes is skipped.
- `parseaddr` can be fooled (CVE-2023-27043): the author comes from the policy's structured
  parse, and only a From header with exactly one address and no invalid-syntax defect counts.
- Decoded headers are untrusted text: whitespace is folded and control characters become
  U+FFFD here; the YAML writer quotes them, and pages escape them (generator/markup.py).
- HTML-only mail becomes text in `generator.mail.htmltext` (html5ever through nh3, as html.parser
  alone is superlinear on unclosed tags).
- What one message brings must fit a thread file, or it would fail the whole import: a message
  to more than MAX_ADDRESSES addresses is skipped, a Message-ID that is a URL is none, a list name
  is at most 60 characters, and the text is cut to MAX_TEXT characters and MAX_TEXT_BYTES bytes.
- A header's structured parse (an address list, a Content-Type and its parameters) costs more
  than the rest of reading a message, and a thread repeats the same few (its senders, its
  subject, its lists, one Content-Type): `POLICY` remembers the last few thousand it parsed
  (20,000 replies took 19.5 s to read, 3.5 s so).
- Cost and memory are linear in the mail, and bounded: an input is split by offsets (no list
  of its lines, no copy of each message before it is parsed), and one run reads at most
  `MAX_READ` bytes, `MAX_MESSAGES` messages and `MAX_TEXTS` characters of text in all; past
  any of them `Read.too_large` says which, and the caller stops.
"""

from __future__ import annotations

import codecs
import datetime as dt
import email.policy
import email.utils
import gzip
import io
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from email.parser import BytesParser
from typing import Any

from generator.errors import Problem
from generator.mail import htmltext
from generator.mail.htmltext import html_to_text  # noqa: F401 (the tests call it here)
from generator.records import mailtext

_PARSED_MAX = 4096  # headers remembered
_PARSED_VALUE = 1024  # characters of a header remembered (To and Cc of a long thread are longer)
_parsed: dict[tuple[str, str], str] = {}


class _Policy(email.policy.EmailPolicy):
    """`email.policy.default`, remembering the headers it parsed (by name and value, up to
    `_PARSED_MAX` of them, each at most `_PARSED_VALUE` characters). A parsed header is not
    changed by reading it, so one object can serve every message that has the same header."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        if hasattr(value, "name") or len(value) > _PARSED_VALUE:
            return super().header_fetch_parse(name, value)
        key = (name, value)
        parsed = _parsed.get(key)
        if parsed is None:
            parsed = super().header_fetch_parse(name, value)
            if len(_parsed) >= _PARSED_MAX:
                _parsed.clear()
            _parsed[key] = parsed
        return parsed


POLICY = _Policy(raise_on_defect=False, linesep="\n")

MAX_INPUT = 256 * 1024 * 1024  # one input, after decompression
MAX_READ = 256 * 1024 * 1024  # all inputs of one run together, after decompression
MAX_MESSAGES = 100_000  # messages in all inputs of one run (a thread file holds fewer)
MAX_TEXTS = 256 * 1024 * 1024  # characters of text kept of all messages of one run
OUT_OF_MEMORY = "out of memory: this mail is more than the machine can hold at once; import it in parts"
MAX_MESSAGE = 8 * 1024 * 1024  # one message, with its attachments
MAX_HEADERS = 256 * 1024  # one message's header section
MAX_HEADER = 16 * 1024  # one header, unfolded: parsing a header is superlinear in its length
MAX_TEXT = 1_000_000  # characters of body text kept (the data files hold at most 4 MiB)
MAX_TEXT_BYTES = 1_000_000  # and bytes, as a thread file holds it: UTF-8, each line indented
TEXT_INDENT = 6  # the columns before a message's text in a thread file
MAX_ADDRESSES = 1000  # in To and Cc together: more is a mass mailing, and its lists no thread's
MAX_HTML = 4 * 1024 * 1024

# After the first message, a separator is "From " + sender + a date ending in hh:mm[:ss] yyyy.
_FROM_LINE = re.compile(rb"From \S*\s.*\b\d{1,2}:\d{2}(?::\d{2})?\s+(?:[A-Z]{3,5}\s+)?\d{4}\s*")
_ESCAPED_FROM = re.compile(rb"^>(>*From )", re.M)
_NOT_BLANK = re.compile(rb"\S")
_MSGID = re.compile(r"<([^<>\s]+@[^<>\s]+)>")
_BARE_MSGID = re.compile(r"[^<>\s@]+@[^<>\s@]+")
_IRT_DATE = re.compile(r"message of \"([^\"]{6,60})\"")
# gmane's archive rewrote every address, and the In-Reply-To ids that look like one, as
# "user-<hash>@public.gmane.org": the domain hidden behind a base64 hash of it.
GMANE = re.compile(r"(.+)-[A-Za-z0-9+/_]{8,}@public\.gmane\.(?:org|io)", re.I)
_RAW_BYTE = re.compile("[\udc80-\udcff]")  # an 8-bit byte of a header, as the parser keeps it
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
_LAST_FIRST = re.compile(r"([^\W\d_][\w'-]*(?: [^\W\d_][\w'-]*)?), ([^\W\d_][\w'.-]*(?: [^\W\d_][\w'.-]*)?)")
_NOT_FIRST_NAMES = {"inc", "ltd", "llc", "gmbh", "corp", "co", "ag", "sa", "jr", "sr", "ii", "iii", "phd"}
_HEADER_LINE = re.compile(rb"([!-9;-~]+)[ \t]*:")
_ADDRESS_FIELD = re.compile(rb"^(?:to|cc)[ \t]*:(.*(?:\n[ \t].*)*)", re.I | re.M)
_RAW_ADDRESS = re.compile(rb"[^\s<>,;:\"@()]+@[^\s<>,;:\"@()]+")
# Defects of a From header that leave its one address clear: Thunderbird and others quote an
# encoded display name ('"=?ISO-8859-1?Q?Fran=E7ois_Boulogne?=" <addr>'), which RFC 2047 forbids
# and every mail client decodes.
_BENIGN = {
    "encoded word inside quoted string",
    "missing trailing whitespace after encoded-word",
    "missing whitespace before encoded word",
}
_NOT_CHARSETS = {"idna", "punycode", "raw_unicode_escape", "unicode_escape", "undefined", "utf_7"}


@dataclass(frozen=True)
class Mail:
    """One message as import-mbox needs it; every string is decoded and safe to store as text."""

    source: str  # the input as shown in messages
    line: int  # where the message starts in the input (1-based)
    number: int  # its place in the input (1-based)
    message_id: str
    name: str  # the sender's display name, '' when none
    address: str
    date: dt.datetime | None  # UTC
    subject: str
    in_reply_to: str | None
    in_reply_to_date: dt.datetime | None  # from '(X's message of "date")' after In-Reply-To
    references: tuple[str, ...]
    lists: tuple[str, ...]  # short list names from List-Id
    text: str  # plain-text body, signature removed
    notes: tuple[str, ...] = field(default=())  # what was lost or repaired, one line each
    recipients: tuple[tuple[str, str], ...] = field(default=())  # (name, address) in To and Cc
    addressed: tuple[str, ...] = field(default=())  # every address in To and Cc, named or not


@dataclass
class Read:
    mails: list[Mail] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # errors (whole inputs) and warnings
    counts: dict[str, int] = field(default_factory=dict)  # input -> messages found
    too_large: str = ""  # the limit of one run that the inputs reach (reading stopped there)


# ---------------------------------------------------------------------------- inputs


def read_inputs(paths: list[str], stdin: io.BufferedIOBase | None = None) -> Read:
    """Read every input (a path, or '-' for standard input); bad inputs are errors, bad
    messages are warnings and are skipped. Reading stops at the first limit of a run that the
    inputs reach (`Read.too_large`)."""
    out = Read()
    files = []
    for given in paths:
        found = _files(given)
        if not found:
            out.problems.append(Problem(given, 0, 0, "a folder with no mail in it (a maildir holds cur/ and new/)"))
        files.extend(found)
    read = messages = texts = 0
    for path in files:
        shown = "<stdin>" if path == "-" else path
        try:
            if path == "-":
                raw = (stdin or sys.stdin.buffer).read(MAX_INPUT + 1)
            else:
                with open(path, "rb") as fh:
                    raw = fh.read(MAX_INPUT + 1)
        except OSError as exc:
            out.problems.append(Problem(shown, 0, 0, f"cannot read: {exc.strerror or exc}"))
            continue
        data, error = _decompress(raw)
        del raw
        if error:
            out.problems.append(Problem(shown, 0, 0, error))
            continue
        read += len(data)
        if read > MAX_READ:
            out.too_large = f"too large: more than {MAX_READ:,} bytes of mail in one run (reached in {shown})"
            return out
        data = data.replace(b"\r\n", b"\n")
        bounds = _bounds(data)
        out.counts[shown] = len(bounds)
        if not bounds:
            out.problems.append(Problem(shown, 0, 0, "no mail in it (empty)"))
            continue
        messages += len(bounds)
        if messages > MAX_MESSAGES:
            out.too_large = f"too many messages: more than {MAX_MESSAGES:,} in one run (reached in {shown})"
            return out
        for number, (line, start, end, escaped) in enumerate(bounds, 1):
            result = parse(_message(data, start, end, escaped), shown, line, number)
            if isinstance(result, Mail):
                texts += len(result.text)
                if texts > MAX_TEXTS:
                    out.too_large = (
                        f"too large: more than {MAX_TEXTS:,} characters of text in one run "
                        f"(reached at message {number} of {shown})"
                    )
                    return out
                out.mails.append(result)
                out.problems.extend(Problem(shown, line, 0, f"message {number}: {n}", True) for n in result.notes)
            else:
                out.problems.append(result)
    return out


def _files(path: str) -> list[str]:
    """The inputs a path names: itself, or a folder's mail: a maildir (its cur/ and new/, one
    message a file) or a folder of single messages (.eml files), in name order."""
    if path == "-" or not os.path.isdir(path):
        return [path]
    folders = [os.path.join(path, sub) for sub in ("cur", "new") if os.path.isdir(os.path.join(path, sub))]
    out = []
    for folder in folders or [path]:
        for name in sorted(os.listdir(folder)):
            full = os.path.join(folder, name)
            if not name.startswith(".") and os.path.isfile(full):
                out.append(full)
    return out


def _decompress(raw: bytes) -> tuple[bytes, str]:
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.GzipFile(fileobj=io.BytesIO(raw)).read(MAX_INPUT + 1)
        except (OSError, EOFError, ValueError) as exc:
            return b"", f"not a readable gzip file ({exc})"
    if len(raw) > MAX_INPUT:
        return b"", f"too large: more than {MAX_INPUT:,} bytes"
    return raw, ""


def split(data: bytes) -> list[tuple[int, bytes]]:
    """(first line, raw message) for each message: an mbox (first non-blank line 'From '),
    un-escaping mboxrd '>From ' lines, or else the whole input as one message."""
    data = data.replace(b"\r\n", b"\n")
    return [(line, _message(data, start, end, escaped)) for line, start, end, escaped in _bounds(data)]


def _message(data: bytes, start: int, end: int, escaped: bool) -> bytes:
    return _ESCAPED_FROM.sub(rb"\1", data[start:end]) if escaped else data[start:end]


def _bounds(data: bytes) -> list[tuple[int, int, int, bool]]:
    """Where `split` finds each message: (its first line, start, end, whether its '>From '
    lines are escaped: in an mbox), by offsets into `data` (line breaks already '\\n'), in one
    pass."""
    first = _NOT_BLANK.search(data)
    if first is None:
        return []
    begin = data.rfind(b"\n", 0, first.start()) + 1
    line = data.count(b"\n", 0, begin) + 1
    if not data.startswith(b"From ", begin):
        return [(line, begin, len(data), False)]
    out: list[tuple[int, int, int, bool]] = []
    at = search = begin  # the separator line of the message being read; where to look on
    while True:
        k = data.find(b"\nFrom ", search)
        if k < 0:
            break
        end = data.find(b"\n", k + 1)
        end = len(data) if end < 0 else end
        if _FROM_LINE.fullmatch(data, k + 1, end):
            out.append((line, _next_line(data, at), k, True))
            line += data.count(b"\n", at, k + 1)
            at = k + 1
        search = end
    out.append((line, _next_line(data, at), len(data), True))
    return out


def _next_line(data: bytes, at: int) -> int:
    """Where the line after the one at `at` starts (the end of `data` when it is the last)."""
    end = data.find(b"\n", at)
    return len(data) if end < 0 else end + 1


# ---------------------------------------------------------------------------- one message


def parse(raw: bytes, source: str, line: int, number: int) -> Mail | Problem:
    """One message, or a warning saying why it was skipped."""

    def skip(why: str) -> Problem:
        return Problem(source, line, 0, f"message {number}: {why}; skipped", True)

    if len(raw) > MAX_MESSAGE:
        return skip(f"too large ({len(raw):,} bytes, at most {MAX_MESSAGE:,})")
    notes: list[str] = []
    addresses = _address_count(raw)
    if addresses > MAX_ADDRESSES:
        return skip(f"{addresses:,} addresses in To and Cc (at most {MAX_ADDRESSES:,})")
    raw, error = _cap_headers(raw, notes)
    if error:
        return skip(error)
    try:
        msg = BytesParser(policy=POLICY).parsebytes(raw)
    except Exception as exc:  # the parser should not raise, but the input is hostile
        return skip(f"cannot be parsed ({type(exc).__name__})")
    if not msg.keys():
        return skip("no mail headers (is this a mail file?)")
    mid = _message_id(msg, notes)
    if mid is None:
        return skip("no usable Message-ID (a thread record is keyed by it)")
    if sum(1 for name in msg if name.casefold() == "from") > 1:  # names only: no header parse
        return skip("two From headers: which one sent it is not clear")
    sender = _sender(msg, notes)
    if sender is None:
        return skip("no single clear sender address in From")
    name, address = sender
    references = _references(msg, notes)
    irt, irt_date = _in_reply_to(msg, notes, references)
    try:
        text, body_notes = body_text(msg)
    except Exception as exc:
        text, body_notes = "", [f"its body cannot be decoded ({type(exc).__name__}); imported without text"]
    notes.extend(body_notes)
    pairs = _to_and_cc(msg)
    return Mail(
        source=source,
        line=line,
        number=number,
        message_id=mid,
        name=name,
        address=address,
        date=_date(msg, notes),
        subject=_subject(msg, notes),
        in_reply_to=irt,
        in_reply_to_date=irt_date,
        references=references,
        lists=_lists(msg),
        text=text,
        notes=tuple(notes),
        recipients=_recipients(pairs),
        addressed=_addressed(pairs),
    )


def _text_cut(text: str) -> int:
    """Where a body text is cut: after at most MAX_TEXT characters and MAX_TEXT_BYTES bytes as a
    thread file holds it (a character outside the BMP is four bytes, and each line is indented),
    at the end of a line when there is one; len(text) when it is kept whole."""
    size = len(text.encode("utf-8", "surrogatepass")) + TEXT_INDENT * (text.count("\n") + 1)
    if len(text) <= MAX_TEXT and size <= MAX_TEXT_BYTES:
        return len(text)
    used, at = 0, 0
    for line in text[: MAX_TEXT + 1].split("\n"):
        used += len(line.encode("utf-8", "surrogatepass")) + TEXT_INDENT + 1
        if used > MAX_TEXT_BYTES or at + len(line) > MAX_TEXT:
            break
        at += len(line) + 1
    if at:
        return at - 1
    limit, used = min(MAX_TEXT, len(text)), TEXT_INDENT  # one long line: cut inside it
    for i, c in enumerate(text[:limit]):
        used += len(c.encode("utf-8", "surrogatepass"))
        if used > MAX_TEXT_BYTES:
            return i
    return limit


def _address_count(raw: bytes) -> int:
    """The distinct addresses in the To and Cc fields of a raw message (its header section),
    counted before any parse: an address is a run with one '@' between delimiters (Outlook's
    '"ann@example.org" <ann@example.org>' is one)."""
    end = raw.find(b"\n\n")
    head = raw if end < 0 else raw[:end]
    return len({a.lower() for m in _ADDRESS_FIELD.finditer(head) for a in _RAW_ADDRESS.findall(m.group(1))})


def _cap_headers(raw: bytes, notes: list[str]) -> tuple[bytes, str]:
    """Drop headers longer than MAX_HEADER before the parser sees them."""
    end = raw.find(b"\n\n")
    head_len = len(raw) if end < 0 else end
    if head_len > MAX_HEADERS:
        return raw, f"header section too large ({head_len:,} bytes, at most {MAX_HEADERS:,})"
    head = raw[:head_len]
    if len(head) <= MAX_HEADER:
        return raw, ""
    kept: list[bytes] = []
    for field_ in re.split(rb"\n(?![ \t])", head):
        if len(field_) > MAX_HEADER:
            m = _HEADER_LINE.match(field_)
            name = m.group(1).decode("ascii", "replace") if m else "?"
            notes.append(f"header {name} is {len(field_):,} bytes (at most {MAX_HEADER:,}); ignored")
            continue
        kept.append(field_)
    return b"\n".join(kept) + raw[head_len:], ""


def clean(text: str) -> str:
    """Header text as stored: raw 8-bit bytes read as UTF-8, controls shown as U+FFFD, one line."""
    if _RAW_BYTE.search(text):
        raw = text.encode("utf-8", "surrogateescape")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", "replace")
    text = text.encode("utf-8", "replace").decode("utf-8")  # any other lone surrogate
    return " ".join(_CONTROL.sub("\ufffd", text).split())


def _header(msg: Message, name: str, notes: list[str]) -> str | None:
    try:
        values = msg.get_all(name)
        return None if not values else " ".join(str(v) for v in values)
    except Exception as exc:
        notes.append(f"header {name} cannot be read ({type(exc).__name__}); ignored")
        return None


def _raw_header(msg: Message, name: str) -> list[str]:
    """Raw values (no structured parse), for the headers whose syntax is checked here."""
    return [v for k, v in msg.raw_items() if k.lower() == name.lower() and isinstance(v, str)]


def _ids(values: list[str]) -> list[str]:
    return [mid for value in values for mid in _MSGID.findall(clean(value)) if _usable(mid)]


def _usable(mid: str) -> bool:
    """A Message-ID a record can hold: printable, one '@', at most 200 characters, and no URL
    ("https://x@y" is an address, which the thread files refuse as a Message-ID)."""
    return "\ufffd" not in mid and mid.isprintable() and len(mid) <= 200 and mid.count("@") == 1 and "://" not in mid


def _message_id(msg: Message, notes: list[str]) -> str | None:
    values = _raw_header(msg, "Message-ID")
    ids = _ids(values)
    if not ids:
        bare = [clean(v) for v in values if _BARE_MSGID.fullmatch(clean(v))]
        ids = [b for b in bare if _usable(b)]
    if len(set(ids)) > 1:
        notes.append(f"{len(values)} Message-ID headers; the first is used")
    return ids[0] if ids else None


def _sender(msg: Message, notes: list[str]) -> tuple[str, str] | None:
    try:
        header: Any = msg["From"]  # a structured header object (policy=default), typed as str
        if header is None:
            return None
        defects = [
            d
            for d in header.defects
            if type(d).__name__ in ("InvalidHeaderDefect", "NonASCIILocalPartDefect") and str(d) not in _BENIGN
        ]
        addresses = header.addresses
    except Exception as exc:
        notes.append(f"header From cannot be read ({type(exc).__name__})")
        return None
    if len(addresses) != 1 or defects:
        return None
    a = addresses[0]
    address = clean(a.addr_spec)
    if not a.username or not a.domain or not _BARE_MSGID.fullmatch(address):
        return None
    name = clean(a.display_name or "")
    if "@" in name or "<" in name:  # an address shown as the name proves nothing: ignore it
        name = ""
    last_first = _LAST_FIRST.fullmatch(name)
    if last_first and last_first.group(2).casefold().rstrip(".") not in _NOT_FIRST_NAMES:
        # "Bounine, Alexandre", as Outlook in some companies writes it
        name = f"{last_first.group(2)} {last_first.group(1)}"
    return name, address


def _to_and_cc(msg: Message) -> list[tuple[str, str]]:
    """(display name, address) of each address in To and Cc (at most 200 of each header),
    parsed once for both uses below."""
    out: list[tuple[str, str]] = []
    for name in ("To", "Cc"):
        try:
            header: Any = msg[name]
            addresses = header.addresses if header is not None else ()
        except Exception:  # a malformed header costs its recipients only
            continue
        out.extend((clean(a.display_name or ""), clean(a.addr_spec or "")) for a in addresses[:200])
    return out


def _recipients(pairs: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """The named addresses in To and Cc (at most 200): who an attribution line may name."""
    out = [
        (shown, address)
        for shown, address in pairs
        if shown and _BARE_MSGID.fullmatch(address) and "@" not in shown and "<" not in shown
    ]
    return tuple(out[:200])


def _addressed(pairs: list[tuple[str, str]]) -> tuple[str, ...]:
    """Every address in To and Cc (at most 200), named or not: the lists a post went to."""
    return tuple(address for _, address in pairs if _BARE_MSGID.fullmatch(address))[:200]


def _in_reply_to(msg: Message, notes: list[str], references: tuple[str, ...]) -> tuple[str | None, dt.datetime | None]:
    """The id replied to, and its date when a Gnus-style comment gives it. An id gmane mangled
    ("...-laijs-BthXqXjhjHXQFUHtdCDX3A@public.gmane.org") is the one of References it was made
    from (same local part): the parent itself, not a phantom copy of it."""
    values = _raw_header(msg, "In-Reply-To")
    ids = _ids(values)
    if not ids:
        return None, None
    when = None
    m = _IRT_DATE.search(clean(" ".join(values)))  # Gnus: '<id> (X's message of "Tue, 28 Apr ...")'
    if m:
        when = _parse_date(m.group(1))
    return unmangle(ids[0], references), when


def unmangle(mid: str, known: tuple[str, ...] | list[str]) -> str:
    """A Message-ID gmane mangled, as the one of `known` it was made from (the last that has its
    local part and is not mangled itself); any other id as it is."""
    mangled = GMANE.fullmatch(mid)
    if not mangled:
        return mid
    local = mangled.group(1)
    found = [k for k in known if k.rpartition("@")[0] == local and not GMANE.fullmatch(k)]
    return found[-1] if found else mid


def _references(msg: Message, notes: list[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for mid in _ids(_raw_header(msg, "References")):  # several References headers are joined
        seen.setdefault(mid, None)
    return tuple(seen)


def _parse_date(text: str) -> dt.datetime | None:
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000": UTC, the sender's zone unknown
        when = when.replace(tzinfo=dt.UTC)
    try:
        when = when.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None
    return when if 1900 <= when.year <= 9999 else None


def _date(msg: Message, notes: list[str]) -> dt.datetime | None:
    values = _raw_header(msg, "Date")
    if not values:
        return None
    when = _parse_date(clean(values[0]))
    if when is None:
        notes.append(f"unreadable Date {clean(values[0])[:60]!r}; imported without a date")
    return when


def _subject(msg: Message, notes: list[str]) -> str:
    value = _header(msg, "Subject", notes)
    return clean(value or "")


# Hosts whose addresses are mailing lists: a message's lists are its List-Id and the addresses
# at these hosts in To and Cc (lore archives a message under one list; it went to all of them).
LIST_HOSTS = {
    "vger.kernel.org",
    "kvack.org",
    "lists.linux.dev",
    "lists.linux-foundation.org",
    "lists.infradead.org",
    "lists.ozlabs.org",
    "lists.sourceforge.net",
    "lists.freedesktop.org",
    "lists.linaro.org",
    "lists.openwall.com",
}
_LIST_ADDRESS = re.compile(r"([A-Za-z0-9][A-Za-z0-9_.+-]*)@([A-Za-z0-9.-]+)")


def _lists(msg: Message) -> tuple[str, ...]:
    out = []
    for value in _raw_header(msg, "List-Id"):
        m = re.search(r"<([A-Za-z0-9][A-Za-z0-9_+-]*)\.[^<>\s]*>", clean(value))
        if m and len(m.group(1)) <= 60:  # a thread's list names are at most 80 characters
            out.append(m.group(1).lower())
    for name in ("To", "Cc"):
        for value in _raw_header(msg, name):
            for local, host in _LIST_ADDRESS.findall(clean(value)):
                if host.lower() in LIST_HOSTS and len(local) <= 60:
                    out.append(local.lower())
    return tuple(sorted(set(out)))[:200]  # as many as the addresses kept


# ---------------------------------------------------------------------------- body


def body_text(msg: Message) -> tuple[str, list[str]]:
    """The plain-text body: text/plain parts preferred, HTML-only mail converted, decoded
    whatever the charset or transfer encoding, signature removed, controls made visible, cut
    to MAX_TEXT characters and MAX_TEXT_BYTES bytes."""
    notes: list[str] = []
    more = [0]  # characters the HTML conversion left out, past MAX_TEXT
    parts = _text_parts(msg, notes, more)
    text = "\n\n".join(p for p in parts if p.strip())
    text = text.replace("\r\n", "\n").replace("\r", "")
    if _CONTROL.search(text):
        notes.append("control characters in its text are shown as U+FFFD")
        text = _CONTROL.sub("\ufffd", text)
    if not more[0]:  # the end of a text cut short is not where a signature is
        text = mailtext.strip_signature(mailtext.strip_footer(text))
    lines = [ln.rstrip() for ln in text.split("\n")]
    text = "\n".join(lines).strip("\n")
    whole = len(text) + more[0]
    cut = _text_cut(text)
    if cut < len(text):
        notes.append(f"text cut at {cut:,} of {whole:,} characters")
        text = text[:cut].rstrip() + f"\n[lsfmm-prep: {whole - cut:,} more characters not imported]"
    return text, notes


def _text_parts(part: Message, notes: list[str], more: list[int], depth: int = 0) -> list[str]:
    if depth > 20:
        notes.append("MIME parts nested too deeply; the deepest ignored")
        return []
    ctype = _safe(lambda: part.get_content_type(), "text/plain")
    if ctype.startswith("message/") and depth:
        return []  # an attached or forwarded message is not the author's text
    if part.is_multipart():
        children = _safe(lambda: list(part.iter_parts()) if isinstance(part, EmailMessage) else part.get_payload(), [])
        if ctype == "multipart/alternative":
            for want in ("text/plain", "text/html"):
                for child in children:
                    if _safe(child.get_content_type, "") == want:
                        found = _text_parts(child, notes, more, depth + 1)
                        if any(t.strip() for t in found):
                            return found
            return [t for child in children for t in _text_parts(child, notes, more, depth + 1)][:1]
        out = []
        plain_anywhere = any(_safe(p.get_content_type, "") == "text/plain" for p in part.walk())
        for child in children:
            if _safe(child.get_content_disposition, None) == "attachment":
                continue
            if _safe(child.get_content_type, "") == "text/html" and plain_anywhere:
                continue
            out.extend(_text_parts(child, notes, more, depth + 1))
        return out
    if ctype == "text/html":
        # Twice what is kept: a text cut short is cut again where a whole text would be.
        text, left_out = htmltext.convert(_decode(part, notes)[:MAX_HTML], 2 * MAX_TEXT)
        more[0] += left_out
        return [text]
    if (ctype.startswith("text/") and depth == 0) or ctype == "text/plain" or ctype.startswith("text/x-"):
        return [_decode(part, notes)]
    return []


def _safe(fn: Callable[[], Any], default: Any) -> Any:  # email's accessors are loosely typed
    try:
        return fn()
    except Exception:
        return default


def _decode(part: Message, notes: list[str]) -> str:
    payload = _safe(lambda: part.get_payload(decode=True), b"")
    if not isinstance(payload, bytes):
        payload = str(payload).encode("utf-8", "surrogateescape")
    charset = _safe(lambda: part.get_content_charset(), None) or ""
    codec = _codec(charset)
    if codec is None or codec == "ascii":
        try:
            return payload.decode("utf-8")
        except UnicodeDecodeError:
            if codec is None and charset:
                notes.append(f"unknown charset {clean(charset)[:40]!r}; read as Windows-1252")
            return payload.decode("cp1252" if codec is None else "ascii", "replace")
    return payload.decode(codec, "replace")


def _codec(charset: str) -> str | None:
    if not charset:
        return None
    try:
        name = codecs.lookup(charset).name
    except (LookupError, ValueError):
        return None
    if name in _NOT_CHARSETS or name.endswith("_codec"):
        return None
    try:
        "x".encode(name).decode(name)  # b"x" alone is too short for utf-16 and utf-32
    except Exception:  # a bytes-to-bytes codec (base64, zlib, ...)
        return None
    return name
