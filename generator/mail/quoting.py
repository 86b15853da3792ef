"""A quoted block compared with the message it quotes as quoting clients leave it (pure), for
import-mbox's attribution when the words do not follow word for word.

What clients do to the text they quote, all seen on the lists:

- Outlook puts the original under its header block ("From: ... Sent: ... To: ... Subject:"),
  unwraps its lines, and a gateway may stamp a banner on it ("[EXTERNAL EMAIL]");
- a client re-wrapping a long quoted line gives the rest of it the quote level of the line
  below ("> seventy-six columns" under a ">>" line), so a block can open with a line of the
  level below it;
- Thunderbird joining soft-wrapped lines eats the space at the join
  ("Vasiliy Kulikov<segoon@openwall.com>"); others split a word or a name across lines;
- the original's signature and the list's footer are quoted with it, though the message on
  record has them removed.

`Loose.holds` accepts a block when, its header block, signature and paragraphs of fewer than
four words (banners, greetings, sign-offs) aside, each of its paragraphs is in the message's own
text with all white space removed (the block's first line aside, after a deeper one); a block of
short paragraphs only is compared whole, if it has eight characters or more. The search is
a plain substring search, paid out of a budget of eight times the size of the text on record,
so a reply of many blocks that hold nothing still costs time linear in the mail.
"""

from __future__ import annotations

import re

from generator.records import mailtext

MIN_WORDS = 4  # a shorter paragraph is not compared (and does not count as confirming)
MIN_CHARS = 8  # nor a block of only short paragraphs shorter than this, white space aside
_SIGNATURE = re.compile(r"--\s*")


class Loose:
    def __init__(self, texts: dict[str, str]):
        self.texts = texts
        self.budget = 8 * sum(len(t) for t in texts.values())  # characters scanned, at most
        self._runs: dict[str, list[str]] = {}

    def _flat(self, mid: str) -> list[str]:
        runs = self._runs.get(mid)
        if runs is None:
            runs = self._runs[mid] = ["".join(words) for words in mailtext.own_words(self.texts[mid])]
        return runs

    def _found(self, mid: str, text: str) -> bool:
        runs = self._flat(mid)
        cost = sum(len(r) for r in runs)
        if cost > self.budget:
            return False
        self.budget -= cost
        flat = "".join(text.split())
        return any(flat in run for run in runs)

    def holds(self, mid: str, lines: list[str], rewrapped: bool = False) -> bool:
        """Whether message `mid`'s own text holds the block's `lines` as a quoting client may
        have left them (see above); with `rewrapped` (the block follows a line quoted more
        deeply), its first line may be the rest of that line."""
        if mid not in self.texts:
            return False
        lines = lines[mailtext.header_block(lines) :]
        lines = lines[: next((i for i, ln in enumerate(lines) if _SIGNATURE.fullmatch(ln)), len(lines))]
        return self._all_found(mid, lines) or (rewrapped and len(lines) > 1 and self._all_found(mid, lines[1:]))

    def _all_found(self, mid: str, lines: list[str]) -> bool:
        """Each paragraph of MIN_WORDS words or more found; with none, the words all together
        ("Cheers,\n\nDave." above the signature), when they are MIN_CHARS or more."""
        checked = 0
        for para in _paragraphs(lines):
            if len(" ".join(para).split()) < MIN_WORDS:
                continue
            if not self._found(mid, "\n".join(para)):
                return False
            checked += 1
        if checked:
            return True
        words = "".join("".join(lines).split())
        return len(words) >= MIN_CHARS and self._found(mid, words)


def _paragraphs(lines: list[str]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            out[-1].append(line)
        elif out[-1]:
            out.append([])
    return [p for p in out if p]
