"""How data values become page text: the one place that decides escaping.

Policy:
- Plain fields (titles, names, notes) are text: `inline` escapes them for Markdown *and* HTML,
  so no value can open a link, emphasis, table cell, heading, list or tag.
- Quoted mail is shown verbatim: `quote_html` emits an HTML block with every character escaped
  and the line breaks kept; Markdown never sees the words.
- Curated Markdown fields (summaries, abstracts, context, resolutions) are rendered here with
  Python-Markdown and then cleaned by a real sanitizer (nh3, i.e. Ammonia) that keeps a small
  set of tags and only http, https and mailto links.
- Values placed in front matter (page titles) are HTML-escaped and JSON-quoted.
- Values placed in plain-text formats (the iCalendar export) go through `plain`: the format's
  own escaping is the writer's (icalendar), and bidi controls are shown, not obeyed.
"""

from __future__ import annotations

import html
import json
import re
from urllib.parse import quote as urlquote

import markdown
import nh3

LORE = "https://lore.kernel.org/r/"

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#|!])")  # the characters Python-Markdown can unescape
_BLOCK_START = re.compile(r"^([0-9]*)([-+>.)])")

ALLOWED_TAGS = {
    "p",
    "a",
    "em",
    "strong",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "br",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "sub",
    "del",
    "h4",
    "h5",
    "h6",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

_md = markdown.Markdown(extensions=["tables", "sane_lists", "fenced_code"], output_format="html")


_CODE = re.compile(r"`([^`]+)`")
# Bidi embedding, override and isolate controls can make text display other than it reads
# ("Trojan Source"); they are shown as a visible marker instead of acting on the text.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _show_bidi(text: str) -> str:
    return _BIDI.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


def _escape_text(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def inline(value: object) -> str:
    """Any value as inert inline Markdown text: one line, HTML and Markdown escaped.

    The one markup kept is a `code span` (kernel identifiers are written so): its content is
    shown literally by Markdown itself, so it cannot carry markup either.
    """
    text = _show_bidi(" ".join(str(value).split()))
    parts = _CODE.split(text)  # even indexes: text; odd: code span contents
    out = "".join(_escape_text(p) if n % 2 == 0 else f"`{p}`" for n, p in enumerate(parts))
    # A leading '-', '+', '>' or '1.' would start a list or quote where the text begins a line.
    return _BLOCK_START.sub(r"\1\\\2", out, count=1)


def attr(value: object) -> str:
    """A value for an HTML attribute."""
    return html.escape(_show_bidi(" ".join(str(value).split())), quote=True)


def url(value: str) -> str:
    """A validated URL made safe inside a Markdown link destination: every character that
    Markdown (or attr_list) could read as syntax is percent-encoded; existing escapes stay."""
    return urlquote(value, safe=":/?#@!$&'+,;=%-._~")


def lore(message_id: str) -> str:
    """The lore.kernel.org link of a Message-ID."""
    return LORE + urlquote(message_id, safe="@+=-._~!$*,;:")


def quote_html(text: str) -> str:
    """Mail text, verbatim: one HTML line, every character escaped, line breaks kept."""
    body = html.escape(_show_bidi(text.strip("\n")), quote=True).replace("\r", "").replace("\n", "&#10;")
    return f'<blockquote class="lsf-quote"><p>{body}</p></blockquote>'


def markdown_html(text: str) -> str:
    """A curated Markdown field as sanitized HTML, on one line (safe to embed in Markdown)."""
    _md.reset()
    rendered = _md.convert(_show_bidi(text))
    clean = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        url_relative="deny",  # relative links would not be rewritten by MkDocs inside raw HTML
        link_rel="noopener noreferrer",
    )
    return '<div class="lsf-md">' + clean.replace("\r", "").replace("\n", "&#10;") + "</div>"


def plain(value: object) -> str:
    """A value for a plain-text format (a calendar's summary or description): the text as
    written, line breaks kept, bidi controls shown as [U+202E] instead of reordering it."""
    return _show_bidi(str(value))


def front_matter(title: str, source: str) -> str:
    """YAML front matter: the page title (HTML-escaped, since themes print it raw)."""
    return (
        "---\n"
        f"title: {json.dumps(html.escape(_show_bidi(' '.join(title.split()))))}\n"
        "generated_by: lsfmm-prep\n"
        f"source: {json.dumps(source)}\n"
        "---\n"
    )
