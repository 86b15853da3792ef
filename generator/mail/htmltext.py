"""HTML-only mail as plain text (pure): `html_to_text`, for the body of a message that has no
text/plain part (`generator.mail.mbox.body_text`).

html.parser is superlinear on unclosed tags (20 KB of "<a " takes 3.5 s), so it never sees the
mail's HTML: html5ever (through nh3, already a dependency) parses it and keeps only block
structure, scripts and styles dropped, and the well-formed result is then walked with
html.parser. Blockquotes become '>' quote levels, list items '- ' lines.
"""

from __future__ import annotations

from html.parser import HTMLParser

import nh3

_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "pre", "blockquote", "hr", "table", "ul", "ol"}
_BLOCK_TAGS |= {f"h{n}" for n in range(1, 7)}


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
    safe = nh3.clean(
        html,
        tags=_BLOCK_TAGS,
        attributes={},
        clean_content_tags={"script", "style", "title", "noscript", "template"},
        strip_comments=True,
        link_rel=None,
    )
    walker = _Text()
    walker.feed(safe)
    walker.close()
    out: list[str] = []
    for level, text in walker.lines:
        text = text.strip() if not text.startswith("- ") else "- " + text[2:].strip()
        prefix = "> " * level
        line = (prefix + text).rstrip() if text else prefix.rstrip()
        if line or (out and out[-1]):
            out.append(line)
    # Collapse runs of empty (or marker-only) lines.
    result: list[str] = []
    for line in out:
        if result and not line.strip("> ") and not result[-1].strip("> ") and line == result[-1]:
            continue
        result.append(line)
    return "\n".join(result).strip("\n")
