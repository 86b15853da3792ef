"""Attribution lines (pure): who the line that introduces a quote says wrote it, in the forms
mail clients write in the languages of the lists ("On <date>, X wrote:", "X a écrit :", "Am <date>
schrieb X:", "* X [260428 10:12]:", Gmail's, Lotus Notes', ...), and when, if the line gives the
time to the second with its UTC offset (RFC 2822, mutt's or ISO 8601's way). A space a client
ate ("Vasiliy Kulikov<segoon@openwall.com>wrote:") does not hide the name.
`generator.records.mailtext.blocks` gives each quoted block the `Attribution` that introduced its
level.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import re
from dataclasses import dataclass, field

# "On <date>, X wrote:" and its translations: the words that open such a line, and the forms
# that name the person (group `who`), before or after the verb. A date may come first.
_LEAD = r"(?:On|At|Le|Am|El|Il|Op|Den|Em|W dniu|Dnia|Dne|В|在)\s*"
_ON_AT = re.compile(_LEAD, re.I)
MAX_ATTRIBUTION = 300  # characters: longer lines are not attribution lines (and cost nothing)
# Each form is found by one search for its verb, anchored at the line's end or followed by the
# name; no pattern holds two unbounded parts, so a line costs time linear in its length.
# The verb follows a space, or the '>' of an address when a client ate the space (Thunderbird
# joining a soft-wrapped line: "Vasiliy Kulikov<segoon@openwall.com>wrote:").
_VERB_LAST = re.compile(
    r"(?:\s|(?<=>))(?:wrote|writes|a\s+écrit|schrieb|schreef|skrev|kirjoitti|escribió|escreveu|ha\s+scritto|"
    r"napisał\(a\)|napisała|napisał|pisze|napsal\(a\)|napsal|napsala|пишет|написал\(а\)|написал|написала|写道)"
    r"\s*:$",
    re.I,
)
_VERB_ON = re.compile(r"(?:\s|(?<=>))(?:wrote|writes)\s+on\s", re.I)  # Lotus Notes: "X wrote on <date>:"
_VERB_BEFORE_NAME = re.compile(r"\s(?:schrieb|schreef|skrev|napsal|napsala)\s", re.I)  # "Am <date> schrieb X:"
_GMAIL_AFTER = (
    re.compile(  # Gmail: "X <x@y> schrieb am Di., 28. Apr. 2026, 10:12:", "X <x@y> 于2026年4月28日周二 10:12写道："
        r"([^<>]{1,100}<[^<>\s]+@[^<>\s]+>)\s*(?:schrieb am\s.{1,60}|于\d{4}年.{1,40}写道)\s*:"
    )
)
_MUTT_STAR = re.compile(r"\*\s+([^\[\]]{1,120}?)\s+\[\d{6}\s+\d{1,2}:\d{2}\]:")  # "* X <x@y> [260428 10:12]:"
_QUOTING = re.compile(r"Quoting\s+([^()]{1,120}?)\s+\(\d{4}-\d{2}-\d{2}[^()]{0,40}\)\s*:?", re.I)
_EXCERPTS = re.compile(r"Excerpts from\s+([^:]{1,120}?)'s message of\s.{1,80}", re.I)
# A date in the words before the name: a time, a numeric date or a year.
_HAS_DATE = re.compile(r"\b\d{1,2}(?::|h)\d{2}\b|\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b")  # a time, a full date
_HAS_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# What is left of a date before the name: "2026 at 10:12 AM ", "10:12:16AM +0200 (CEST) ", "à 10:12, ".
_TIME_LEAD = re.compile(
    r"^.*?\b\d{1,2}[:.h]\d{2}(?:[:.]\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?\s*(?:[+-]\d{2}:?\d{2}|Z(?=\s))?\s*"
    r"(?:\([A-Za-z]{2,6}\)|[A-Z]{3,5}(?=\s))?\s*,?\s*"
)
_NAME_ADDR = re.compile(r"(.*?)\s*[<\[](?:mailto:)?([^<>\[\]\s]+@[^<>\[\]\s]+)[>\]]")
_BARE_ADDR = re.compile(r"[^\s<>@]+@[^\s<>@]+")
# Words no name is made of: "In groff_man_style(7) you wrote:" names nobody.
_NOT_NAME = {
    "you", "he", "she", "i", "we", "they", "someone", "somebody", "everyone", "who", "which", "that",
    "this", "what", "above", "below", "earlier", "previously", "already", "also", "here", "there", "in", "as",
    "the", "my", "your", "his", "her", "their", "our", "its", "patch", "mail", "email", "message",
    "commit", "log", "changelog", "documentation", "code", "comment", "then", "and", "but", "if", "when",
    "where", "because", "since", "have", "has", "had", "not", "never", "just", "originally", "quoting",
    "like", "unlike", "back", "later", "again", "yes", "no", "ok", "okay", "well", "sorry", "thanks", "hi",
    "hello", "dear", "once", "someone's", "kernel", "maintainer", "maintainers", "bot", "test", "robot",
}  # fmt: skip


@dataclass(frozen=True)
class Attribution:
    """Who an attribution line says wrote the quoted text below it."""

    line: int
    name: str  # as written ('' when only an address is given)
    address: str  # '' when not given
    # When the quoted message was sent, if the line says so to the second with a UTC offset
    # (mutt's "On Wed, Jan 15, 2025 at 10:14:56AM +1100, X wrote:", or an RFC 2822 date).
    date: dt.datetime | None = field(default=None, compare=False)


def parse_attribution(text: str, line: int = 0) -> Attribution | None:
    """The person an attribution line names ("On <date>, X wrote:", "X a écrit :", "Am <date>
    schrieb X:", "* X [260428 10:12]:", ...), or None if the line is not one or what it names
    is not a name. A line that opens with "On", "At", "Le", ... must hold a date."""
    t = " ".join(text.split()).replace("：", ":")
    if len(t) > MAX_ATTRIBUTION or not t:
        return None
    for special in (_GMAIL_AFTER, _MUTT_STAR, _QUOTING, _EXCERPTS):
        m = special.fullmatch(t)
        if m:
            return _who(m.group(1), line)
    if not t.endswith(":"):
        return None
    m = _VERB_ON.search(t)
    if m and _HAS_DATE.search(t, m.end()):
        who = t[: m.start()]
    elif (m := _VERB_LAST.search(t)) is not None:
        who = t[: m.start()]
        before = _VERB_BEFORE_NAME.search(who)
        if before and _HAS_DATE.search(who, 0, before.start()) and not _ON_AT.match(who[before.end() :]):
            who = who[before.end() :]  # "Am <date> schrieb X" would read as "X schrieb": not here
    elif (m := _VERB_BEFORE_NAME.search(t)) is not None and _HAS_DATE.search(t, 0, m.start()):
        who = t[m.end() : -1]  # "Am 28.04.26 um 10:12 schrieb X:", "Den <date> skrev X:"
    else:
        return None
    lead = _ON_AT.match(who)
    when = None
    if lead and not (_HAS_DATE.search(who) or _HAS_YEAR.search(who)):
        return None  # "On arm64 it wrote:", "At least Ada wrote:", "On x86-64, 4.19 kernels, David wrote:"
    if lead or (", " in who and _HAS_DATE.search(who.rsplit(", ", 1)[0])):
        if lead:
            who = who[lead.end() :]
        dated = who
        who = who.rsplit(", ", 1)[-1]  # "Tue, 28 Apr 2026 10:12, David" -> "David"
        who = _TIME_LEAD.sub("", who, count=1)
        when = _attribution_date(dated[: len(dated) - len(who)].rstrip().rstrip(","))  # all before the name
    found = _who(who, line)
    return dataclasses.replace(found, date=when) if found and when else found


_MUTT_DATE = re.compile(
    r"(?:[A-Za-z]{3},\s+)?([A-Za-z]{3})\s+(\d{1,2}),\s+(\d{4})\s+at\s+(\d{1,2}):(\d{2}):(\d{2})\s*([AaPp][Mm])?\s*([+-]\d{4})"
)
# ISO 8601, as Gnus or a mutt set to "%F %T %z" write it: "2020-09-29T14:13:26+0200",
# "2020-09-29 14:13:26 +02:00", "2020-09-29T12:13:26Z".
_ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.\d{1,6})?\s*(Z|[+-]\d{2}:?\d{2})", re.I)


def _attribution_date(text: str) -> dt.datetime | None:
    """The date of an attribution line, when it is given to the second with its UTC offset."""
    text = text.strip()
    iso = _ISO_DATE.fullmatch(text)
    if iso:
        day, time, zone = iso.groups()
        try:
            when = dt.datetime.fromisoformat(f"{day}T{time}{'+00:00' if zone in 'Zz' else zone}")
        except ValueError:
            return None
        return when.astimezone(dt.UTC) if 1990 <= when.year <= 9999 else None
    m = _MUTT_DATE.fullmatch(text)
    if m:
        month, day, year, hour, minute, second, half, zone = m.groups()
        hour_n = int(hour) % 12 + (12 if half and half.lower() == "pm" else 0) if half else int(hour)
        text = f"{day} {month} {year} {hour_n:02d}:{minute}:{second} {zone}"
    elif not re.search(r"\d{1,2}:\d{2}:\d{2}\s*[+-]\d{4}$", text):
        return None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None or when.tzinfo is None or not 1990 <= when.year <= 9999:
        return None
    return when.astimezone(dt.UTC)


def _who(who: str, line: int) -> Attribution | None:
    who = who.strip().replace("(<", "<").replace(">)", ">")  # Gmail: "Ana (<ana@...>)"
    who = re.sub(r"<\s+|\s+>", lambda m: m.group().strip(), who)  # "Ana < ana@example.org >", as rewrapped
    who = re.sub(r"\(([^()\s]+@[^()\s]+)\)$", r"<\1>", who)  # "X (x@y)"
    last_first = re.match(r'"([^",]+),\s*([^",]+)"\s*(<.*)?$', who)  # '"Hildenbrand, David" <...>'
    if last_first:
        who = f"{last_first.group(2)} {last_first.group(1)} {last_first.group(3) or ''}".strip()
    who = who.strip("\"'").strip()
    name, address = who, ""
    m = _NAME_ADDR.fullmatch(who)
    if m:
        name, address = m.group(1), m.group(2)
    elif _BARE_ADDR.fullmatch(who):
        name, address = "", who
    name = name.strip().strip("\"'").strip()
    if "@" in name or "<" in name or ">" in name or "," in name or len(name) > 100 or len(name.split()) > 6:
        return None
    bare = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", name)  # "(Arm)", "[corp]"
    words = [w.strip(".,;:!?\"'").casefold() for w in bare.split()]
    if any(w in _NOT_NAME or any(c in w for c in "_()/\\{}=*#$%&|") or w.isdigit() for w in words):
        return None
    if not name and not address:
        return None
    return Attribution(line, name, address)
