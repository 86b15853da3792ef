"""What a summit mail's subject says (pure): the tags that make it a topic post, an attendance
request or a call for proposals, and the title without them.

The tags seen in real posts of 2011-2026 vary: `[LSF/MM/BPF TOPIC]`, `[LSF/MM TOPIC]`,
`[LSF/MM ATTEND]`, mixed case (`[LSF/MM/BPF Topic]`), run together (`[LSFMMBPF TOPIC]`), short
(`[LSF TOPIC]`), with a space (`[LSF/MM BPF TOPIC]`), misspelt (`[LSF/MM/BFP TOPIC]`,
`[LFS/MM TOPIC]`), `[LSF/MM/BPF BoF]`, `[LSF/MM/BPF proposal]:`, two in a row with or without a
space (`[LSF/MM/BPF ATTEND][LSF/MM/BPF TOPIC] :`), one for both (`[LSF/MM/BPF TOPIC/ATTEND]`), a
bare `[ATTEND]` after a summit tag, a patch tag beside (`[LSF/MM/BPF TOPIC][RFC PATCH v4 00/27]`),
and list tags or prefixes in front (`[Lsf-pc]`, `[External]`, `[dm-devel]`, `RE:`, `[RESEND]`,
`REMINDER:`). A summit tag with `RFC` alone (`[LSF/MM/BPF RFC]`) marks a patch series, and a
subject that merely names the summit (a robot's report on an `lsfmm` branch) is no post at all.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from generator.records import mailtext

# The summit's name as people type it: LSF, LSF/MM, LSF/MM/BPF, LSFMMBPF, LSF/MM BPF, LSFMM+BPF,
# and the transpositions LFS and BFP.
SUMMIT = r"(?:LSF|LFS)(?:\s*[/+-]?\s*MM)?(?:\s*[/+ -]?\s*B(?:PF|FP))?"
_WORD = r"(?:TOPICS?|ATTEND(?:ANCE|ING)?|BOF|PROPOSALS?|RFC|REQUEST)"
_SUMMIT_TAG = re.compile(rf"\s*{SUMMIT}\s*[:-]?\s*(?P<words>{_WORD}(?:\s*[/&+,]\s*{_WORD})*)?\s*:?\s*", re.I)
_BARE_TAG = re.compile(rf"\s*(?P<words>{_WORD}(?:\s*[/&+,]\s*{_WORD})*)\s*", re.I)
_PATCH_TAG = re.compile(r"\s*(?:RFC\s*)?(?:PATCH|RFC)\b.*", re.I)
_BRACKET = re.compile(r"\[([^\[\]]{0,100})\]")
_REPLY = re.compile(r"(?:re|aw|sv|antw|vs|odp)\s*(?:\[\d+\])?\s*:", re.I)
_FORWARD = re.compile(r"(?:fwd?|wg|tr)\s*:", re.I)
_REMINDER = re.compile(r"reminder\b\s*:?", re.I)
_PLAIN_TAG = re.compile(rf"(?P<summit>{SUMMIT})\s+(?P<words>TOPIC|ATTEND|BOF|PROPOSAL)\s*:", re.I)
_CFP = re.compile(r"call\s+for\s+(?:proposals|papers|topics|participation)|\bCFP\b", re.I)
_NAMES_SUMMIT = re.compile(rf"\b{SUMMIT}\b", re.I)
_WAS = re.compile(r"\(\s*was\s*:.*\)\s*$", re.I | re.S)
_LEAD = re.compile(r"^[\s:;,.\-\u2013\u2014]+")
_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")  # zero-width and soft-hyphen marks
_BOF = re.compile(r"\bBoF\b", re.I)


@dataclass(frozen=True)
class Subject:
    """What a subject says. `kinds`: 'topic', 'bof', 'attend' (several in one post)."""

    kinds: frozenset[str]
    title: str  # without tags, prefixes and a trailing "(was: ...)"
    reply: bool = False  # Re: (or Fwd:) in front
    changed: bool = False  # "New title (was: Old title)": a reply that starts a new subject
    patch: bool = False  # a [PATCH ...] or [RFC ...] tag
    rfc: bool = False  # a summit tag saying RFC and nothing else: a patch series
    cfp: bool = False  # the call for proposals or a reminder of it

    @property
    def post(self) -> bool:
        """A topic or an attendance request, by its tags."""
        return bool(self.kinds) and not self.cfp


def _words(text: str) -> set[str]:
    found = set()
    for word in re.findall(r"[A-Za-z]+", text.upper()):
        if word.startswith("TOPIC") or word.startswith("PROPOSAL"):
            found.add("topic")
        elif word == "BOF":
            found.add("bof")
        elif word.startswith("ATTEND") or word == "REQUEST":
            found.add("attend")
        elif word == "RFC":
            found.add("rfc")
    return found


def read(subject: str) -> Subject:
    """The tags, prefixes and title of one subject."""
    text = " ".join(_INVISIBLE.sub("", subject).split())
    reply = changed = patch = False
    was = _WAS.search(text)  # "New title (was: Old title)": the old subject's tags are not this one's
    if was and was.start() > 0:
        changed = True
        text = text[: was.start()].rstrip()
    summit_words: set[str] = set()
    summit_tag = False
    bare: set[str] = set()
    # Prefixes: Re:, Fwd:, REMINDER:, and bracket tags, in any order in front.
    while True:
        m = _REPLY.match(text) or _FORWARD.match(text)
        if m:
            reply = True
            text = text[m.end() :].lstrip()
            continue
        m = _REMINDER.match(text)
        if m:
            text = text[m.end() :].lstrip()
            continue
        m = _PLAIN_TAG.match(text)
        if m:
            summit_tag = True
            summit_words |= _words(m.group("words"))
            text = text[m.end() :].lstrip()
            continue
        break
    # Bracket tags anywhere: the summit's, bare kind words, patch tags; the others (list tags,
    # RESEND, a reminder) are dropped from the title when they stand in front or at the end.
    kept: list[str] = []
    pos = 0
    pieces: list[tuple[str, str]] = []  # (kind, text): 'text', 'summit', 'bare', 'patch', 'other'
    for m in _BRACKET.finditer(text):
        pieces.append(("text", text[pos : m.start()]))
        inner = m.group(1)
        tag = _SUMMIT_TAG.fullmatch(inner)
        if tag and _NAMES_SUMMIT.search(inner):
            summit_tag = True
            summit_words |= _words(tag.group("words") or "")
            pieces.append(("summit", m.group(0)))
        elif _BARE_TAG.fullmatch(inner):
            bare |= _words(inner)
            pieces.append(("bare", m.group(0)))
        elif _PATCH_TAG.fullmatch(inner):
            patch = True
            pieces.append(("patch", m.group(0)))
        else:
            pieces.append(("other", m.group(0)))
        pos = m.end()
    pieces.append(("text", text[pos:]))
    # Text between tags that is only blank or a colon joins them; `other` tags are kept inside
    # the title (a "[v2]" in the middle), dropped at its ends.
    meaningful = [i for i, (k, t) in enumerate(pieces) if k == "text" and t.strip(" :-")]
    first = meaningful[0] if meaningful else len(pieces)
    last = meaningful[-1] if meaningful else -1
    for i, (kind, piece) in enumerate(pieces):
        if kind == "text" or (kind == "other" and first < i < last) or (kind == "patch" and first < i < last):
            kept.append(piece)
    title = " ".join("".join(kept).split())
    while True:  # "Re:" after the list tag: "[Lsf-pc] Re: [LSF/MM TOPIC] ..."
        m = _REPLY.match(title) or _FORWARD.match(title)
        if not m:
            break
        reply = True
        title = title[m.end() :].lstrip()
    title = _LEAD.sub("", title).strip()
    kinds = set()
    if summit_tag:
        kinds = (summit_words | bare) - {"rfc"}
        rfc = "rfc" in summit_words and not kinds
        if not kinds and not rfc and not patch:
            kinds = {"topic"}  # "[LSF/MM/BPF] title": a topic with the bare summit tag
    else:
        rfc = False
    if "topic" in kinds and _BOF.search(title):
        kinds = (kinds - {"topic"}) | {"bof"}  # "[LSF/MM/BPF TOPIC] BoF for nfsd" asks for a BoF
    if "bof" in kinds:
        kinds.discard("topic")
    cfp = bool(_CFP.search(subject)) and bool(_NAMES_SUMMIT.search(subject))
    return Subject(frozenset(kinds), title, reply, changed, patch, rfc, cfp)


def names_summit(subject: str) -> bool:
    """Whether a subject names the summit at all (LSF, LSF/MM, LSFMM+BPF ...)."""
    return bool(_NAMES_SUMMIT.search(subject))


def similar_titles(a: str, b: str) -> bool:
    """Two titles of one subject: the same but for case, spacing, punctuation, a typo fixed or
    a word added (difflib's ratio of at least 0.8), or one holding the other."""
    ka, kb = mailtext.title_key(a), mailtext.title_key(b)
    if ka == kb or (ka and kb and (ka in kb or kb in ka)):
        return True
    return difflib.SequenceMatcher(None, ka, kb).ratio() >= 0.8
