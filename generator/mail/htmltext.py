"""HTML-only mail as plain text (pure): `html_to_text`, for the body of a message that has no
text/plain part (`generator.mail.mbox.body_text`).

html.parser is superlinear on unclosed tags (20 KB of "<a " takes 3.5 s), so it never sees the
mail's HTML: html5ever (through nh3, already a dependency) parses it and keeps only block
structure, scripts and styles dropped, and the well-formed result is then walked with
html.parser. Blockquotes become '>' quote levels, list items '- ' lines.

The cost stays linear in the HTML:

- html5ever's tree builder walks the elements open around each tag it meets, so nesting costs
  its depth times its tags (20,000 nested blockquotes: 1.8 s; 40,000: 10 s), and it opens
  again every formatting element left open (<b>, <font>, ...) before each run of text after
  an element's end (20,000 divs after 512 unclosed <b>s with distinct attributes: 11 s).
  Before it parses, `_flatten` counts the elements open (a linear scan of the tags) and drops
  the tags that would open more than `MAX_DEPTH` of them, keeping their text, as browsers do
  (WebKit and Blink nest at most 512 deep and put deeper elements beside the 512th), or more
  than `MAX_FORMATTING` formatting elements (their tags are not kept in the text anyway).
- Each quote level puts '> ' before every line inside it, so the text can be the square of the
  HTML (20,000 levels of one word each: 400 MB). `convert` stops writing lines past a limit and
  only counts the characters it leaves out.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser

import nh3

_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "pre", "blockquote", "hr", "table", "ul", "ol"}
_BLOCK_TAGS |= {f"h{n}" for n in range(1, 7)}

MAX_DEPTH = 512  # elements open at once, as browsers nest them
MAX_FORMATTING = 8  # formatting elements (<b>, <font>, ...) open at once

# Tags as the depth count sees them: comments and the text of raw-text elements are skipped
# whole (a '<div>' in a script is no tag); a tag ends at the first '>' and cannot hold a '<'
# (so no match scans past the next tag, and the scan stays linear on unclosed ones).
_TAG = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style|textarea|title|xmp|iframe|noembed|noframes|noscript)\b[^<>]*>.*?(?:</\1\s*>|\Z)"
    r"|<(/?)([A-Za-z][^\s/<>]*)[^<>]*?(/?)>",
    re.S | re.I,
)
# Elements that never stay open: void ones, and those a sibling or its parent's end closes.
_NOT_NESTED = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
    "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "caption", "colgroup",
    "option", "optgroup", "rb", "rp", "rt", "rtc", "html", "head", "body",
}  # fmt: skip
# Formatting elements: html5ever opens them again, all of them, before any text that follows
# the end of an element they were in, until their own end tag.
_FORMATTING = {"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"}


def _flatten(html: str) -> str:
    """The HTML without the tags that would open an element deeper than MAX_DEPTH, or a
    formatting element beyond MAX_FORMATTING (nor their end tags): a block's tag becomes a
    line break (its text keeps a line of its own, as a block beside the deepest would), any
    other nothing (its text runs on). Unchanged when it nests no deeper (always when it has
    fewer tags than MAX_FORMATTING)."""
    if html.count("<") <= MAX_FORMATTING:
        return html
    stack: list[str] = []  # open elements, formatting ones aside
    formatting: dict[str, int] = {}  # formatting elements open, by name
    open_formatting = 0
    dropped: dict[str, int] = {}  # start tags dropped whose end tag is still to come, by name
    cuts: list[tuple[int, int, str]] = []
    for m in _TAG.finditer(html):
        name = (m.group(3) or "").lower()
        if not name or name in _NOT_NESTED or m.group(4):
            continue
        is_formatting = name in _FORMATTING
        if m.group(2):  # an end tag
            if dropped.get(name):
                dropped[name] -= 1
                cuts.append((*m.span(), "<br>" if name in _BLOCK_TAGS else ""))
            elif is_formatting:
                if formatting.get(name):
                    formatting[name] -= 1
                    open_formatting -= 1
            elif name in stack:
                while stack.pop() != name:
                    pass
        elif len(stack) + open_formatting >= MAX_DEPTH or (is_formatting and open_formatting >= MAX_FORMATTING):
            dropped[name] = dropped.get(name, 0) + 1
            cuts.append((*m.span(), "<br>" if name in _BLOCK_TAGS else ""))
        elif is_formatting:
            formatting[name] = formatting.get(name, 0) + 1
            open_formatting += 1
        else:
            stack.append(name)
    if not cuts:
        return html
    pieces, at = [], 0
    for start, end, instead in cuts:
        pieces += [html[at:start], instead]
        at = end
    pieces.append(html[at:])
    return "".join(pieces)


class _Text(HTMLParser):
    """Walks sanitized, well-formed HTML: blockquotes become '>' levels."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str]] = [(0, "")]
        self.level = 0
        self.pre = 0

    def _newline(self) -> None:
        if self.lines[-1][1].strip() or self.lines[-1][0] != self.level:
            self.lines.append((self.level, ""))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self._newline()
        if tag == "blockquote":
            self.level += 1
            if self.lines[-1][1].strip():
                self.lines.append((self.level, ""))
            else:
                self.lines[-1] = (self.level, "")
        elif tag == "pre":
            self.pre += 1
        elif tag == "li":
            self.lines[-1] = (self.level, "- ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote":
            self.level = max(0, self.level - 1)
            if self.lines[-1][1].strip():
                self.lines.append((self.level, ""))
            else:
                self.lines[-1] = (self.level, "")
            return
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag in _BLOCK_TAGS and tag != "br":
            self._newline()
            if tag == "p":
                self.lines.append((self.level, ""))

    def handle_data(self, data: str) -> None:
        if self.pre:
            first, *rest = data.split("\n")
            self.lines[-1] = (self.lines[-1][0], self.lines[-1][1] + first)
            self.lines.extend((self.level, r) for r in rest)
            return
        level, text = self.lines[-1]
        words = " ".join(data.split())
        if text and not text.endswith(" ") and data[:1].isspace():
            text += " "
        text += words
        if words and data[-1:].isspace():
            text += " "
        self.lines[-1] = (level, text)


def html_to_text(html: str) -> str:
    """HTML as mail text: html5ever (nh3) parses it and keeps only block structure; the result
    is walked here; blockquotes become '>' quote levels, scripts and styles vanish."""
    return convert(html)[0]


def convert(html: str, limit: int = sys.maxsize) -> tuple[str, int]:
    """`html_to_text`, its lines written only until they reach `limit` characters: the text,
    and how many characters more the whole text has (0 when it is all there)."""
    safe = nh3.clean(
        _flatten(html),
        tags=_BLOCK_TAGS,
        attributes={},
        clean_content_tags={"script", "style", "title", "noscript", "template"},
        strip_comments=True,
        link_rel=None,
    )
    walker = _Text()
    walker.feed(safe)
    walker.close()
    kept: list[str] = []
    size = 0  # characters of the kept lines, with a line break after each
    lines = 0  # lines of the whole text
    last: str | None = None  # the whole text's last line
    for level, text in walker.lines:
        text = text.strip() if not text.startswith("- ") else "- " + text[2:].strip()
        if not text and not level and not last:
            continue  # no empty line first, nor two in a row
        if not text.strip("> ") and last is not None and not last.strip("> ") and last == _line(level, text):
            continue  # nor the same marker-only line twice
        last = _line(level, text)
        lines += 1
        if size < limit:
            kept.append(last)
        size += len(last) + 1
    if last == "":  # the one empty line the text may end with is not part of it
        size, lines = size - 1, lines - 1
    whole = size - 1 if lines else 0
    text = "\n".join(kept).strip("\n")
    return text, whole - len(text)


def _line(level: int, text: str) -> str:
    prefix = "> " * level
    return (prefix + text).rstrip() if text else prefix.rstrip()
