"""Mail text as people quote it (pure functions, shared by `import-mbox` and by `check`).

- `quote_lines`: each body line's quote level ('>' markers, and Outlook's "-----Original
  Message-----", after which the rest is one level deeper) and its text without the markers.
- `blocks`: runs of lines at one level, each with the attribution line that introduced its
  level ("On <date>, X wrote:", "X writes:", "At <date>, X wrote:", an Outlook header block).
- `find_quote`: whether a curated quote occurs in a message's text at a given quote level,
  ignoring whitespace, and if not, which of its lines is the first that does not follow
  (remembered between builds by the incremental layer: `generator.memo`).
- `strip_signature`, `names_match`: the signature block, and comparing names as people write them.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from generator import memo

_PREFIX = re.compile(r">(?:[ \t]?>)*[ \t]?")  # '>', '>>', '> >', with one optional space after
_ORIGINAL = re.compile(r"-{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Message d'origine)\s*-{2,}", re.I)
_OUTLOOK_HEADER = re.compile(r"(From|Sent|Date|To|Cc|Subject)\s*:", re.I)
_WROTE = re.compile(r"(.*?)\s*\b(?:wrote|writes)\s*:", re.I)
_ON_AT = re.compile(r"(?:On|At)\s+", re.I)
# What is left of a date before the name: "2026 at 10:12 AM ", "10:12:16AM +0200 (CEST) ".
_TIME_LEAD = re.compile(
    r"^.*?\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?\s*(?:[+-]\d{4})?\s*(?:\([A-Za-z]{2,6}\))?\s*"
)
_NAME_ADDR = re.compile(r"(.*?)\s*[<\[](?:mailto:)?([^<>\[\]\s]+@[^<>\[\]\s]+)[>\]]")
_BARE_ADDR = re.compile(r"[^\s<>@]+@[^\s<>@]+")


@dataclass(frozen=True)
class Line:
    level: int
    text: str  # without the quote markers
    number: int  # 1-based line of the body


@dataclass(frozen=True)
class Attribution:
    """Who an attribution line says wrote the quoted text below it."""

    line: int
    name: str  # as written ('' when only an address is given)
    address: str  # '' when not given


@dataclass
class Block:
    """Consecutive lines at one quote level (empty lines do not break a block)."""

    level: int
    first: int  # body line of its first line
    lines: list[str] = field(default_factory=list)
    attribution: Attribution | None = None  # the line that introduced this level

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def quote_lines(body: str) -> list[Line]:
    out: list[Line] = []
    outlook: list[int] = []  # raw levels of "-----Original Message-----" lines still in force
    for number, raw in enumerate(body.split("\n"), 1):
        m = _PREFIX.match(raw)
        level = m.group().count(">") if m else 0
        text = raw[m.end() :] if m else raw
        if text.strip():
            while outlook and level < outlook[-1]:
                outlook.pop()
        out.append(Line(level + len(outlook), text, number))
        if _ORIGINAL.fullmatch(text.strip()):
            outlook.append(level)
    return out


def parse_attribution(text: str, line: int = 0) -> Attribution | None:
    """The person an attribution line names, or None if the line is not one."""
    t = " ".join(text.split())
    m = _WROTE.fullmatch(t)
    if not m:
        return None
    who = m.group(1)
    if _ON_AT.match(who):
        who = _ON_AT.sub("", who, count=1)
        who = who.rsplit(", ", 1)[-1]  # "Tue, 28 Apr 2026 10:12, David" -> "David"
        who = _TIME_LEAD.sub("", who, count=1)
    return _who(who, line)


def _who(who: str, line: int) -> Attribution | None:
    who = who.strip().strip("\"'").strip()
    name, address = who, ""
    m = _NAME_ADDR.fullmatch(who)
    if m:
        name, address = m.group(1), m.group(2)
    elif _BARE_ADDR.fullmatch(who):
        name, address = "", who
    name = name.strip().strip("\"'").strip()
    if "@" in name or "<" in name or len(name) > 100 or len(name.split()) > 8:
        return None
    if not name and not address:
        return None
    return Attribution(line, name, address)


def blocks(body: str) -> list[Block]:
    """The body's blocks, in order, each with the attribution that introduced its level."""
    lines = quote_lines(body)
    filled = [i for i, ln in enumerate(lines) if ln.text.strip()]
    current: dict[int, Attribution] = {}  # level -> attribution introducing it
    out: list[Block] = []
    for k, i in enumerate(filled):
        ln = lines[i]
        nxt = lines[filled[k + 1]].level if k + 1 < len(filled) else -1
        attr = None
        if _ORIGINAL.fullmatch(ln.text.strip()):
            attr = _outlook(lines, filled, k)
        elif nxt > ln.level:
            prev = lines[filled[k - 1]] if k else None
            if prev and prev.level == ln.level and _ON_AT.match(prev.text.strip()) and prev.number == ln.number - 1:
                attr = parse_attribution(prev.text + " " + ln.text, prev.number)  # a wrapped "On ..., X wrote:"
            attr = attr or parse_attribution(ln.text, ln.number)
        if attr is not None:
            for level in [lv for lv in current if lv > ln.level]:
                del current[level]
            current[ln.level + 1] = attr
        if out and out[-1].level == ln.level:
            block = out[-1]
            block.lines.extend(lines[j].text for j in range(filled[k - 1] + 1, i + 1) if lines[j].level == ln.level)
        else:
            out.append(Block(ln.level, ln.number, [ln.text], current.get(ln.level)))
    return out


def _outlook(lines: list[Line], filled: list[int], k: int) -> Attribution | None:
    """The sender named in the header block after "-----Original Message-----"."""
    for i in filled[k + 1 : k + 8]:
        text = lines[i].text.strip()
        m = _OUTLOOK_HEADER.match(text)
        if not m:
            break
        if m.group(1).lower() == "from":
            return _who(text[m.end() :], lines[i].number)
    return Attribution(lines[filled[k]].number, "", "")


# ---------------------------------------------------------------------------- quote checks


def _norm(text: str) -> str:
    return " ".join(text.split())


@functools.lru_cache(maxsize=64)
def _runs(body: str, level: int, nested: bool) -> tuple[str, ...]:
    """Whitespace-folded runs of the body's lines at `level` (and deeper, with their relative
    '>' markers, when the quote itself holds quoted lines). Empty lines never break a run.

    Remembered for the last few bodies: the quotes of one message are checked one after the
    other against the same body (a cold build at M checks 15,000 quotes in 150 threads)."""
    runs: list[list[str]] = [[]]
    for ln in quote_lines(body):
        if not ln.text.strip():
            continue
        if ln.level == level or (nested and ln.level > level):
            runs[-1].append("> " * (ln.level - level) + _norm(ln.text))
        elif runs[-1]:
            runs.append([])
    return tuple(" ".join(r) for r in runs if r)


def _occurs(needle: str, runs: tuple[str, ...], whole_end: bool = True) -> bool:
    """Whether `needle` occurs in a run, not starting inside a word (when it starts with a
    letter or digit) nor, with `whole_end`, ending inside one. One regular-expression search per
    run: linear in the run, however often the needle occurs inside words (a loop over every
    occurrence of "a" in a 1.9 MB message took 1.5 s)."""
    lead = r"(?<![^\W_])" if needle[:1].isalnum() else ""
    tail = r"(?![^\W_])" if whole_end and needle[-1:].isalnum() else ""
    pattern = re.compile(lead + re.escape(needle) + tail)
    return any(needle in run and pattern.search(run) for run in runs)


@functools.lru_cache(maxsize=64)
def _body_digest(body: str) -> bytes:
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).digest()


@memo.pure("provenance", key=lambda quote, body, level: (_body_digest(body), level, quote))
def find_quote(quote: str, body: str, level: int) -> int:
    """0 when the quote occurs in the body at quote `level` (whitespace-insensitive, whole words
    at both ends); otherwise the 1-based line of the quote that is the first not to follow."""
    qlines = [ln for ln in quote_lines(quote) if ln.text.strip()]
    if not qlines:
        return 0
    nested = any(ln.level > 0 for ln in qlines)
    parts = [("> " * ln.level + _norm(ln.text)) for ln in qlines]
    runs = _runs(body, level, nested)
    if _occurs(" ".join(parts), runs):
        return 0
    lo, hi = 0, len(parts)  # the longest prefix of lines that occurs has lo lines
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _occurs(" ".join(parts[:mid]), runs, whole_end=mid == len(parts)):
            lo = mid
        else:
            hi = mid - 1
    return qlines[min(lo, len(qlines) - 1)].number


def own_words(body: str) -> list[list[str]]:
    """The words of each run of a message's own (unquoted) text: what quotes of it can match."""
    return [run.split() for run in _runs(body, 0, False)]


# ---------------------------------------------------------------------------- signatures, names


def strip_signature(text: str) -> str:
    """Drop the signature: from the last '-- ' line when only unquoted lines follow it, or
    from a bare '--' line after an empty line when at most 10 unquoted lines follow."""
    lines = text.split("\n")
    for i in range(len(lines) - 1, -1, -1):
        if lines[i] not in ("-- ", "--"):
            continue
        rest = lines[i + 1 :]
        if any(_PREFIX.match(r) for r in rest):
            continue
        if lines[i] == "-- " or (i > 0 and not lines[i - 1].strip() and 0 < len([r for r in rest if r.strip()]) <= 10):
            return "\n".join(lines[:i])
    return text


def name_key(name: str) -> str:
    """A name as compared: no accents, case, quotes, "(Company)" or "[corp]" parts, or dots."""
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", name)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[\"'.,]", " ", text).casefold()
    return " ".join(text.split())


def names_match(a: str, b: str) -> bool:
    ka, kb = name_key(a), name_key(b)
    return bool(ka) and ka == kb


class OwnWords:
    """A message's own words (its unquoted runs), asked whether they hold a run of words:
    a suffix automaton over the words, built in time linear in the text, answers each question
    in time linear in its words. Attributing the quoted blocks of a reply therefore costs the
    size of the reply plus the size of the messages it quotes, however many blocks it has
    (comparing each block with the text cost their product: 426 s for a 1 MB reply of 1,000
    one-word blocks to a 1 MB message).

    Words are compared whole, as `str.split` gives them; a run of the reply never spans two
    runs of the message (a quoted line of the message in between breaks it)."""

    def __init__(self, body: str):
        ids: dict[str, int] = {}
        nxt: list[dict[int, int]] = [{}]
        link, length = [-1], [0]
        last = 0
        separator = -1
        for words in own_words(body):
            for token in [ids.setdefault(w, len(ids)) for w in words] + [separator]:
                cur = len(nxt)
                nxt.append({})
                link.append(-1)
                length.append(length[last] + 1)
                p = last
                while p != -1 and token not in nxt[p]:
                    nxt[p][token] = cur
                    p = link[p]
                if p == -1:
                    link[cur] = 0
                else:
                    q = nxt[p][token]
                    if length[p] + 1 == length[q]:
                        link[cur] = q
                    else:
                        clone = len(nxt)
                        nxt.append(dict(nxt[q]))
                        link.append(link[q])
                        length.append(length[p] + 1)
                        while p != -1 and nxt[p].get(token) == q:
                            nxt[p][token] = clone
                            p = link[p]
                        link[q] = link[cur] = clone
                last = cur
            separator -= 1  # each run ends with a token found nowhere else
        self._ids, self._nxt = ids, nxt

    def holds(self, text: str) -> bool:
        """Whether the words of `text`, in order and adjacent, are a run of the message's own."""
        state = 0
        for word in text.split():
            token = self._ids.get(word)
            if token is None:
                return False
            state = self._nxt[state].get(token, -1)
            if state < 0:
                return False
        return True
