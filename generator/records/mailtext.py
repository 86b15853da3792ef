"""Mail text as people quote it (pure functions, shared by `import-mbox` and by `check`).

- `quote_lines`: each body line's quote level ('>' markers, and Outlook's "-----Original
  Message-----", after which the rest is one level deeper) and its text without the markers.
- `blocks`: runs of lines at one level, each with the attribution line that introduced its
  level ("On <date>, X wrote:", "X writes:", "At <date>, X wrote:", an Outlook header block),
  as `generator.records.attribution` reads them; `header_block`: the Outlook header lines an
  original opens with.
- `find_quote`: whether a curated quote occurs in a message's text at a given quote level,
  ignoring whitespace, and if not, which of its lines is the first that does not follow
  (remembered between builds: `generator.cache.memo`).
- `passages`, `quote_attributions`, `quoted_differently`: what a reply quotes of a message, who
  its attribution lines say wrote it, and whether two replies quote the same place otherwise.
- `strip_signature`, `names_match`: the signature block, and comparing names as people write them.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from generator.cache import memo
from generator.records.attribution import _ON_AT, Attribution, _who, parse_attribution

# "Re: ", "Fwd: ", "AW: ", "SV: ", "Antw: " as clients put them before a subject, repeated.
REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|fwd?|aw|sv|antw)\s*:\s*)+", re.I)
_PREFIX = re.compile(r">(?:[ \t]?>)*[ \t]?")  # '>', '>>', '> >', with one optional space after
# The line that starts an original message below a top-posted reply (Outlook, Outlook Express,
# Lotus Notes, Thunderbird; in the languages their users on the lists write).
_ORIGINAL = re.compile(
    r"-{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original|"
    r"Messaggio originale|Oorspronkelijk bericht|Mensagem original|Ursprungligt meddelande|"
    r"Opprinnelig melding|Oprindelig meddelelse|Alkuperäinen viesti|Wiadomość oryginalna|"
    r"Původní zpráva|Исходное сообщение|Forwarded message|Weitergeleitete Nachricht|Message transféré)\s*-{2,}"
    r"|Begin forwarded message\s*:",  # Gmail's and Thunderbird's forwards, Apple Mail's
    re.I,
)
_OUTLOOK_HEADER = re.compile(
    r"(From|Sent|Date|To|Cc|Subject|Von|Gesendet|Datum|An|Betreff|De|Envoyé|Date|À|Objet|Enviado|Para|Asunto|"
    r"Da|Inviato|A|Oggetto|Van|Verzonden|Aan|Onderwerp|Från|Skickat|Till|Ämne|Od|Wysłano|Do|Temat)\s*:",
    re.I,
)
_OUTLOOK_FROM = {"from", "von", "de", "da", "van", "från", "od"}
_OUTLOOK_SENT = {"sent", "gesendet", "envoyé", "enviado", "inviato", "verzonden", "skickat", "wysłano"}
_OUTLOOK_DATE = {"date", "datum"}  # Outlook for Mac writes Date where Outlook writes Sent
_OUTLOOK_SUBJECT = {"subject", "betreff", "objet", "asunto", "oggetto", "onderwerp", "ämne", "temat"}
MAX_ORIGINALS = 20  # top-posted originals nested in one message: deeper ones count no more


@dataclass(frozen=True)
class Line:
    level: int
    text: str  # without the quote markers
    number: int  # 1-based line of the body


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
    """Each line's quote level: its '>' markers, plus one for each top-posted original it is
    inside. An original starts after "-----Original Message-----" (or a translation), or at an
    Outlook header block ("From: ..." with "Sent: ..." below it, in any of their languages),
    and lasts until a line quoted less deeply than where it started. An original whose lines
    already carry '>' (Outlook's "prefix each line") is not counted twice."""
    raw: list[tuple[int, str]] = []
    for line in body.split("\n"):
        m = _PREFIX.match(line)
        raw.append((m.group().count(">"), line[m.end() :]) if m else (0, line))
    out: list[Line] = []
    outlook: list[int] = []  # raw levels of the originals still in force
    for i, (level, text) in enumerate(raw):
        if text.strip():
            while outlook and level < outlook[-1]:
                outlook.pop()
        out.append(Line(level + len(outlook), text, i + 1))
        if len(outlook) < MAX_ORIGINALS and _starts_original(raw, i) and not _already_quoted(raw, i):
            outlook.append(level)
    return out


def _starts_original(raw: list[tuple[int, str]], i: int) -> bool:
    level, text = raw[i]
    text = text.strip()
    if _ORIGINAL.fullmatch(text):
        return True
    m = _OUTLOOK_HEADER.match(text)
    if not m or m.group(1).casefold() not in _OUTLOOK_FROM:
        return False
    before = next((r for r in reversed(raw[max(0, i - 3) : i]) if r[1].strip()), None)
    if before is not None and _ORIGINAL.fullmatch(before[1].strip()):
        return False  # the header block of an original already started
    names: set[str] = set()
    for lv, t in [r for r in raw[i + 1 : i + 6] if r[1].strip()][:4]:
        h = _OUTLOOK_HEADER.match(t.strip())
        if lv != level or not h:
            break
        if h.group(1).casefold() in _OUTLOOK_SENT:
            return True
        names.add(h.group(1).casefold())
    # Outlook for Mac: From, Date, To, Subject, with no Sent (a patch's in-body From has no Subject)
    return bool(names & _OUTLOOK_DATE) and bool(names & _OUTLOOK_SUBJECT)


def _already_quoted(raw: list[tuple[int, str]], i: int) -> bool:
    """Whether the original starting at line i carries '>' of its own (Outlook's "prefix each
    line"): every line of it that is not a header line is quoted more deeply than the line that
    starts it, up to where it ends (a line quoted less deeply) or for 400 lines. One line at
    the same depth, and it is an original written without markers, one level down."""
    level = raw[i][0]
    seen = False
    for lv, t in raw[i + 1 : i + 401]:
        text = t.strip()
        if not text:
            continue
        if lv < level:
            break
        if _OUTLOOK_HEADER.match(text) and not seen:
            continue  # its header block
        if lv == level:
            return False
        seen = True
    return seen


def blocks(body: str) -> list[Block]:
    """The body's blocks, in order, each with the attribution that introduced its level."""
    lines = quote_lines(body)
    filled = [i for i, ln in enumerate(lines) if ln.text.strip()]
    current: dict[int, Attribution] = {}  # level -> attribution introducing it
    stack: list[int] = []  # the levels in `current`, increasing
    out: list[Block] = []
    for k, i in enumerate(filled):
        ln = lines[i]
        nxt = lines[filled[k + 1]].level if k + 1 < len(filled) else -1
        attr = None
        header = _OUTLOOK_HEADER.match(ln.text.strip())
        if _ORIGINAL.fullmatch(ln.text.strip()) or (
            nxt > ln.level and header and header[1].casefold() in _OUTLOOK_FROM
        ):
            attr = _outlook(lines, filled, k)
        elif nxt > ln.level:
            prev = lines[filled[k - 1]] if k else None
            if prev and prev.level == ln.level and _ON_AT.match(prev.text.strip()) and prev.number == ln.number - 1:
                attr = parse_attribution(prev.text + " " + ln.text, prev.number)  # a wrapped "On ..., X wrote:"
            attr = attr or parse_attribution(ln.text, ln.number)
        if attr is not None:
            while stack and stack[-1] > ln.level:
                del current[stack.pop()]
            current[ln.level + 1] = attr
            stack.append(ln.level + 1)
        if out and out[-1].level == ln.level:
            block = out[-1]
            block.lines.extend(lines[j].text for j in range(filled[k - 1] + 1, i + 1) if lines[j].level == ln.level)
        else:
            out.append(Block(ln.level, ln.number, [ln.text], current.get(ln.level)))
    return out


def _outlook(lines: list[Line], filled: list[int], k: int) -> Attribution | None:
    """The sender named in the header block of a top-posted original (after its "-----Original
    Message-----" line, or starting with its "From:" line)."""
    start = k if _OUTLOOK_HEADER.match(lines[filled[k]].text.strip()) else k + 1
    for i in filled[start : start + 8]:
        text = lines[i].text.strip()
        m = _OUTLOOK_HEADER.match(text)
        if not m:
            break
        if m.group(1).casefold() in _OUTLOOK_FROM:
            return _who(text[m.end() :], lines[i].number)
    return Attribution(lines[filled[k]].number, "", "")


def header_block(lines: list[str]) -> int:
    """How many of a quoted original's first lines are its Outlook header block ("From: ...",
    "Sent: ...", "To: ...", "Subject: ...", address lists wrapped from them, the empty lines
    Outlook on the web puts between them, and those before its text): 0 when it does not open
    with one. An original that starts at its "From:" line has that line one level up: its block
    opens with "Sent:"."""
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is None or not _OUTLOOK_HEADER.match(lines[first].strip()):
        return 0
    end, below = first + 1, True  # `below`: the line above is part of the block
    while end < len(lines):
        text = lines[end].strip()
        if text and not _OUTLOOK_HEADER.match(text) and not (below and ("@" in text or ";" in text)):
            break
        below = bool(text)
        end += 1
    return end


# ---------------------------------------------------------------------------- quote checks


def _norm(text: str) -> str:
    """Whitespace folded, and composed (NFC): 'é' written as 'e' plus a combining accent, or
    '≠' as '=' plus a combining stroke, is one character, so a quote cannot end inside it."""
    return unicodedata.normalize("NFC", " ".join(text.split()))


# Marks that join a word's parts ("can't", "no-go"): a quote ending before one that a letter
# follows, or starting after one that a letter precedes, cuts the word.
_JOINERS = "'\u2019\u2010\u2011-"  # the hyphen last: in a character class it would make a range
_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"


def _starts_inside(run: str, start: int) -> bool:
    """Whether a match at `start` begins inside a word of `run`."""
    if start == 0:
        return False
    before = run[start - 1]
    if before.isalnum():
        return True
    return before in "'\u2019-\u2010\u2011" and start >= 2 and run[start - 2].isalnum()


def _ends_inside(run: str, end: int) -> bool:
    """Whether a match ending at `end` stops inside a word of `run` (or before a combining mark)."""
    if end >= len(run):
        return False
    after = run[end]
    if after.isalnum() or unicodedata.combining(after):
        return True
    return after in "'\u2019-\u2010\u2011" and end + 1 < len(run) and run[end + 1].isalnum()


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
    letter or digit) nor, with `whole_end`, ending inside one.

    `str.find` tries the first 16 occurrences (the usual case, with no pattern to compile: a
    cold build checks 15,000 quotes); after that, one regular-expression search, the needle
    first: the engine finds the needle as a literal (its prefix search is linear in the run)
    and checks the character before it with a lookbehind of the needle's width, after it with a
    lookahead. A loop over the needle's
    occurrences took 1.5 s for "a" in a 1.9 MB message; a lookbehind in front made the engine
    compare the needle at every place (30 s for a long quote)."""
    lead_ok = not needle[:1].isalnum()
    tail_ok = not whole_end  # a needle ending in a mark can still end inside "x ≠" or "no-go"
    for run in runs:
        start, tries = run.find(needle), 0
        while start >= 0 and tries < 16:  # the usual case: found at once, with no pattern to compile
            end = start + len(needle)
            if (lead_ok or not _starts_inside(run, start)) and (tail_ok or not _ends_inside(run, end)):
                return True
            start, tries = run.find(needle, start + 1), tries + 1
        if start >= 0 and _needle(needle, whole_end).search(run, start):
            return True
    return False


@functools.lru_cache(maxsize=256)
def _needle(needle: str, whole_end: bool) -> re.Pattern[str]:
    text = re.escape(needle)
    joiner = f"[{_JOINERS}]"
    lead = rf"(?<![^\W_]{text})(?<![^\W_]{joiner}{text})" if needle[:1].isalnum() else ""
    tail = rf"(?![^\W_]|[{_COMBINING}]|{joiner}[^\W_])" if whole_end else ""
    return re.compile(text + lead + tail)


@functools.lru_cache(maxsize=64)
def _body_digest(body: str) -> bytes:
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).digest()


def _quote_parts(quote: str) -> tuple[list[Line], bool, list[str]]:
    """A quote's non-empty lines, whether it holds quoted lines itself, and each line as the
    runs of a body hold it (whitespace folded, its own '>' markers kept)."""
    qlines = [ln for ln in quote_lines(quote) if ln.text.strip()]
    return qlines, any(ln.level > 0 for ln in qlines), ["> " * ln.level + _norm(ln.text) for ln in qlines]


@functools.lru_cache(maxsize=1 << 18)
def only_quoted(quote: str) -> bool:
    """A quote every line of which is '>' quoted: words its message's author quoted from
    someone else, not theirs. (Remembered in the process: every build checks every quote,
    and a rebuild under serve the same ones again.)"""
    qlines = [ln for ln in quote_lines(quote) if ln.text.strip()]
    return bool(qlines) and all(ln.level > 0 for ln in qlines)


@memo.pure("provenance", key=lambda quote, body, level: (_body_digest(body), level, quote))
def find_quote(quote: str, body: str, level: int) -> int:
    """0 when the quote occurs in the body at quote `level` (whitespace-insensitive, whole words
    at both ends); otherwise the 1-based line of the quote that is the first not to follow."""
    qlines, nested, parts = _quote_parts(quote)
    if not qlines:
        return 0
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


# A line that stands for quoted text left out: "[...]", "<snip>", "...", "[ cut ]".
_ELISION = re.compile(
    r"\[\s*(?:\.{2,}|\u2026|snip(?:ped)?|cut|trimmed)\s*\]|<\s*(?:\.{2,}|\u2026|snip(?:ped)?)\s*>|\.{3,}|\u2026|\(?snip\)?",
    re.I,
)


@dataclass(frozen=True)
class Passage:
    """Quoted lines at one level that follow one another in the quoted message (no line of
    another level or standing for a cut between them), as `find_quote` reads them, with the
    attribution lines that introduced them."""

    text: str  # whitespace folded, NFC
    attributions: tuple[Attribution | None, ...]


@functools.lru_cache(maxsize=64)
def passages(body: str, level: int) -> tuple[Passage, ...]:
    """The body's quoted passages at `level`: what a reply says the message it quotes there said.
    Remembered for the last few bodies, as `_runs` is: the quotes of one reply come one after
    the other."""
    out: list[Passage] = []
    words: list[str] = []
    attrs: list[Attribution | None] = []

    def flush() -> None:
        if words:
            out.append(Passage(" ".join(words), tuple(attrs)))
        words.clear()
        attrs.clear()

    for block in blocks(body):
        if block.level != level:
            flush()
            continue
        attrs.append(block.attribution)
        for line in block.lines:
            if _ELISION.fullmatch(line.strip()):
                flush()
                attrs.append(block.attribution)
            elif line.strip():
                words.append(_norm(line))
    flush()
    return tuple(out)


def quote_attributions(quote: str, body: str, level: int) -> list[Attribution | None]:
    """The attribution lines that introduced the quoted lines at `level` where the quote occurs
    (one per block; None for a block no attribution line introduced); [] when it does not occur."""
    qlines, nested, parts = _quote_parts(quote)
    needle = " ".join(parts)
    if not qlines or nested:  # a quote holding quoted lines: its level's own lines are not the whole of it
        return []
    found: list[Attribution | None] = []
    for passage in passages(body, level):
        if _occurs(needle, (passage.text,)):
            found.extend(passage.attributions)
    return found


def quoted_differently(quote: str, passage: str) -> tuple[str, str] | None:
    """Where a passage another reply quotes from the same message has other words than the
    quote at the same place: (the quote's words, the passage's words) there; None when the
    passage is another part of the message, or holds the quote, or is a cut-down part of it.

    The two are compared word by word (so line wrapping does not count). They are the same
    place when at least half the words of the shorter are found in both in the same order;
    then a word replaced, or words one has between two runs they share, is a difference. Words
    only one has before the first or after the last shared run are not: one of the replies
    quoted less."""
    qlines, nested, parts = _quote_parts(quote)
    if not qlines or nested:
        return None
    needle = " ".join(parts)
    if _occurs(needle, (passage,)):
        return None
    q, r = needle.split(" "), passage.split(" ")
    matcher = difflib.SequenceMatcher(None, q, r, autojunk=False)
    ops = matcher.get_opcodes()
    same = sum(i2 - i1 for tag, i1, i2, _j1, _j2 in ops if tag == "equal")
    if same < 2 or 2 * same < min(len(q), len(r)):
        return None
    equal_at = [k for k, op in enumerate(ops) if op[0] == "equal"]
    first, last = equal_at[0], equal_at[-1]
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        inside = first < k < last
        if tag == "replace" or (tag != "equal" and inside):
            return _span(q, i1, i2), _span(r, j1, j2)
    return None


def _span(words: list[str], i: int, j: int) -> str:
    text = " ".join(words[i:j])
    return text if len(text) <= 60 else text[:57] + "..."


# Characters that look like others, one for one: Cyrillic and Greek letters that look Latin,
# and the typographic marks a rendered page or a mail client puts for plain ones.
_LOOKALIKE = str.maketrans(
    "аеорсухѕіјԁһӏАВЕКМНОРСТХУοανρκτΑΒΕΖΗΙΚΜΝΟΡΤΥΧ‘’‚‛“”„‟–—−‐‑\u00a0\u2009\u202f",
    "aeopcyxsijdhlABEKMHOPCTXYoavpktABEZHIKMNOPTYX" + "'" * 4 + '"' * 4 + "-" * 5 + " " * 3,
)


def lookalike(quote: str, body: str, level: int) -> str:
    """When a quote fails only for characters that look alike (a Cyrillic 'ѕ' for an 's', a
    typographic quote mark for a plain one), which pair: "the message has 'ѕ' (U+0455 CYRILLIC
    SMALL LETTER DZE) where the quote has 's'"; '' otherwise."""
    qlines, nested, parts = _quote_parts(quote)
    if not qlines:
        return ""
    needle = " ".join(parts)
    skeleton = needle.translate(_LOOKALIKE)
    for run, same in zip(_runs(body, level, nested), _runs(body.translate(_LOOKALIKE), level, nested), strict=False):
        at = same.find(skeleton) if len(run) == len(same) else -1
        if at < 0:
            continue
        for mine, theirs in zip(needle, run[at : at + len(needle)], strict=False):
            if mine != theirs:
                return f"the message has {_char(theirs)} where the quote has {_char(mine)}"
    return ""


def _char(c: str) -> str:
    return f"{c!r} (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})" if not c.isascii() else repr(c)


def own_words(body: str) -> list[list[str]]:
    """The words of each run of a message's own (unquoted) text: what quotes of it can match."""
    return [run.split() for run in _runs(body, 0, False)]


# ---------------------------------------------------------------------------- signatures, names


# What a list's software appends to every message: Mailman's underscored block, majordomo's
# "To unsubscribe" lines (vger, kvack). Not the author's words.
_FOOTER_START = re.compile(r"_{20,}\s*|--\s*|To unsubscribe\b.*", re.I)
_FOOTER_WORDS = re.compile(r"mailing list|listinfo|majordomo|unsubscribe", re.I)


def strip_footer(text: str) -> str:
    """Drop the list's footer: a last block of at most 8 unquoted lines that starts with a line
    of underscores, a '--' or 'To unsubscribe', and names the list's software."""
    lines = text.rstrip("\n").split("\n")
    for i in range(max(0, len(lines) - 8), len(lines)):  # the footer's first line: its '--' too
        if not _FOOTER_START.fullmatch(lines[i].strip()):
            continue
        rest = "\n".join(lines[i:])
        if _FOOTER_WORDS.search(rest) and not any(_PREFIX.match(r) for r in lines[i:]):
            return "\n".join(lines[:i]).rstrip()
    return text


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


def title_key(title: str) -> str:
    """A subject's title as two posts of one topic are compared: case, spacing and punctuation
    aside (intake's resends and typo fixes, the committee page's titles posted twice)."""
    return " ".join(re.sub(r"[^\w]+", " ", title.casefold()).split())


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


def opening(text: str, limit: int = 1500) -> str:
    """The opening of what a message's sender wrote (no quoted lines), at most `limit`
    characters cut at a space: a request's `discuss`, a topic page without an abstract."""
    kept: list[str] = []
    for block in blocks(text):
        if block.level == 0:
            kept.extend(block.lines)
    words = "\n".join(kept).strip()
    while "\n\n\n" in words:
        words = words.replace("\n\n\n", "\n\n")
    if len(words) > limit:
        words = words[:limit].rsplit(" ", 1)[0].rstrip() + " \u2026"
    return words
