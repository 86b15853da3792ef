"""How data values become page text: the one place that decides escaping.

Policy:
- Plain fields (titles, names, notes) are text: `inline` escapes them for Markdown *and* HTML,
  so no value can open a link, emphasis, table cell, heading, list or tag.
- Quoted mail is shown verbatim: `quote_html` emits an HTML block with every character escaped
  and the line breaks kept; Markdown never sees the words.
- Curated Markdown fields (summaries, abstracts, context, resolutions) are rendered here with
  Python-Markdown and then cleaned by a real sanitizer (nh3, i.e. Ammonia) that keeps a small
  set of tags and only http, https and mailto links.
- The pages' tables, link lists and quote blocks are HTML that Python-Markdown never parses
  (between the lines `HTML_START` and `HTML_END`): `inline_html` is `inline` as HTML (exactly
  what Python-Markdown makes of it), `url_href` and `href_attr` give link targets.
- Values placed in front matter (page titles) are HTML-escaped and JSON-quoted.
- The printable session brief is HTML, not Markdown: `text` escapes a plain field for HTML
  text and `href` a validated URL for an attribute; the other helpers above give HTML already.
- On paper a link is a numbered endnote: `link_notes` numbers the links of finished HTML (found
  by a real HTML tokenizer, never a regular expression) and `print_url` gives the address
  printed in the note, with lore.kernel.org Message-ID links in their short /r/ form.
- Values placed in plain-text formats (the iCalendar export) go through `plain`: the format's
  own escaping is the writer's (icalendar), and bidi controls are shown, not obeyed.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
import textwrap
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import quote as urlquote
from urllib.parse import unquote, urlsplit

import markdown
import nh3

from generator import layout
from generator.cache import memo
from generator.records import yamledit

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


@functools.lru_cache(maxsize=65536)  # names and titles repeat across pages
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


@functools.lru_cache(maxsize=65536)
def inline_html(value: object) -> str:
    """Any value as HTML text, exactly as Python-Markdown renders `inline(value)`: one line,
    HTML escaped, its `code spans` as <code> (their content stripped and escaped, as Markdown
    does). For the generated HTML spliced into pages (`HTML_START`)."""
    text = _show_bidi(" ".join(str(value).split()))
    parts = _CODE.split(text)
    return "".join(
        html.escape(p, quote=False) if n % 2 == 0 else f"<code>{html.escape(p.strip(), quote=False)}</code>"
        for n, p in enumerate(parts)
    )


def href_attr(target: str) -> str:
    """A link target as the value of an href in generated HTML, escaped as Python-Markdown
    writes attributes (&, <, > and ")."""
    return html.escape(target, quote=False).replace('"', "&quot;")


def url_href(value: str) -> str:
    """A validated URL as the href of generated HTML: `url`, then `href_attr`."""
    return href_attr(url(value))


# Generated HTML in a page's Markdown: the lines between these two, each alone on its line,
# are HTML that the site's Markdown extension (generator.site.splice) hands through untouched,
# so Python-Markdown never parses it. No data value can make either line: every value is
# escaped by the filters above, which write "<" only as "&lt;" (a code span of `inline` is
# kept between backticks, so a line it begins starts with "`"). Other Markdown engines read the
# two lines as HTML comments and the lines between as an HTML block (it has no blank line).
HTML_START = "<!-- lsfmm-prep: html -->"
HTML_END = "<!-- /lsfmm-prep: html -->"


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


@memo.pure("markdown", key=lambda text: text)
def markdown_html(text: str) -> str:
    """A curated Markdown field as sanitized HTML, on one line (safe to embed in Markdown).
    A pure function of the text, remembered between builds (`generator.cache.memo`)."""
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


def line(value: object) -> str:
    """A value for plain text on one line: as written, whitespace runs as one space, bidi
    controls shown (the text is never rendered by this tool: it is for a mail or a paste)."""
    return _show_bidi(" ".join(str(value).split()))


_LIST_ITEM = re.compile(r"^(\s*)([-*] |[0-9]+\. )")


def wrap_plain(text: str, width: int = 72) -> str:
    """Plain text with its long lines wrapped at `width`, for mail: a list item's next lines
    indented under its text; quoted lines ('>'), headings ('#') and note lines ('[n] ...') kept
    as they are, and no word or address broken."""
    out = []
    for raw in text.split("\n"):
        if len(raw) <= width or raw.startswith((">", "#", "[")):
            out.append(raw)
        else:
            out.extend(_wrap_line(raw, width))
    return "\n".join(out)


@functools.lru_cache(maxsize=1 << 16)
def _wrap_line(raw: str, width: int) -> tuple[str, ...]:
    """One long line wrapped (a pure function, remembered: a summit's write-up wraps thousands
    of lines, and a rebuild under serve the same ones again)."""
    item = _LIST_ITEM.match(raw)
    indent = " " * len(item.group(0)) if item else raw[: len(raw) - len(raw.lstrip(" "))]
    return tuple(textwrap.wrap(raw, width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False))


class _PlainText(HTMLParser):
    """Sanitized HTML (from `markdown_html`) as plain text: paragraphs apart, list items as
    '- ', a link as its words then its address in angle brackets, code as written."""

    BLOCKS = ("p", "li", "pre", "blockquote", "tr", "h4", "h5", "h6", "hr", "table", "ul", "ol")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, int]] = []  # (text, the list it is an item of, or 0)
        self.words: list[str] = []
        self.href: list[str | None] = []
        self.item = 0  # the block ending is an item of this list (0: of none)
        self.outer = 0  # the number of the outermost list open (or last open)
        self.lists: list[list[int]] = []  # the open lists: [number of the next item] or [] if bulleted
        self.pre = 0

    def _end_block(self) -> None:
        text = "".join(self.words)
        indent = text[: len(text) - len(text.lstrip(" "))] if self.lists else ""
        text = text.strip("\n") if self.pre else indent + " ".join(text.split())
        self.item = self.outer if self.lists else 0  # the outermost list it is in
        if text:
            self.blocks.append((text, self.item))
        self.words = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self._end_block()
        if tag in ("ul", "ol"):
            if not self.lists:
                self.outer += 1
            start = dict(attrs).get("start")
            self.lists.append([int(start) if start and start.isdigit() else 1] if tag == "ol" else [])
        elif tag == "li":
            numbered = self.lists[-1] if self.lists else []
            indent = "  " * (len(self.lists) - 1)
            if numbered:
                self.words.append(f"{indent}{numbered[0]}. ")
                numbered[0] += 1
            else:
                self.words.append(f"{indent}- ")
        elif tag == "pre":
            self.pre += 1
        elif tag == "br":
            self.words.append("\n" if self.pre else " ")
        elif tag in ("td", "th"):
            self.words.append(" | " if self.words else "")
        elif tag == "a":
            self.href.append(dict(attrs).get("href"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.href:
            href = self.href.pop()
            shown = "".join(self.words)
            if href and not href.startswith("mailto:") and not shown.rstrip().endswith(href):
                self.words.append(f" <{href}>")
        elif tag == "pre":
            self._end_block()
            self.pre -= 1
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        if tag in self.BLOCKS:
            self._end_block()

    def handle_data(self, data: str) -> None:
        self.words.append(data)


def plain_text(markdown_text: str) -> str:
    """A curated Markdown field as plain text for a plain-text format (a calendar's
    DESCRIPTION): no Markdown marks, the YAML's line breaks joined, links written out."""
    html_text = markdown_html(markdown_text).replace("&#10;", "\n")
    parser = _PlainText()
    parser.feed(html_text)
    parser.close()
    parser._end_block()
    out = ""
    for n, (text, item) in enumerate(parser.blocks):
        if n:
            out += "\n" if item and item == parser.blocks[n - 1][1] else "\n\n"
        out += text
    return out


def front_matter(title: str, source: str) -> str:
    """YAML front matter: the page title (HTML-escaped, since themes print it raw)."""
    return (
        "---\n"
        f"title: {yamledit.quoted(html.escape(_show_bidi(' '.join(title.split()))))}\n"
        f"{layout.MARK}\n"
        f"source: {yamledit.quoted(source)}\n"
        "---\n"
    )


def text(value: object) -> str:
    """A plain field as HTML text: one line, every character that HTML could read escaped."""
    return html.escape(_show_bidi(" ".join(str(value).split())), quote=True)


def text_code(value: object) -> str:
    """A plain field as HTML text, as `text` makes it, with its `code spans` shown as code (as
    the pages show them through `inline`) instead of their backticks."""
    parts = _CODE.split(text(value))
    return "".join(p if n % 2 == 0 else f"<code>{p}</code>" for n, p in enumerate(parts))


def href(value: str) -> str:
    """A validated http(s) URL as the value of an HTML href attribute."""
    return html.escape(url(value), quote=True)


def print_url(address: str) -> str:
    """The address printed for a link on paper: a lore.kernel.org link to a message becomes
    https://lore.kernel.org/r/<Message-ID>; every other address is printed as it is."""
    parts = urlsplit(address)
    segments = [s for s in parts.path.split("/") if s]
    if parts.scheme in ("http", "https") and parts.hostname == "lore.kernel.org" and len(segments) >= 2:
        message_id = unquote(segments[1])
        if "@" in message_id:
            return lore(message_id)
    return address


def first_paragraph(markdown_text: str) -> str:
    """The first block of a Markdown field (the text up to its first blank line)."""
    return re.split(r"\n[ \t]*\n", markdown_text.strip("\n"), maxsplit=1)[0]


# The parts of finished HTML that matter to link notes, in one left-to-right scan: comments and
# the raw text of script and style (skipped, as an HTML parser skips them), <a> start tags (their
# attributes quoted or not, '>' allowed inside quotes) and </a> end tags, names in any case. Which
# one a match is, is its last group: none, 1, 2 or 3. (The '<' first, and no re.I around it: the
# scan then looks for '<' alone, 2.5 times faster.)
_HTML_SCAN = re.compile(
    r"<(?:!--.*?(?:-->|$)|(?i:(script|style))\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>.*?(?:(?i:</\1)\s*>|$)"
    r"|[aA](?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>|(/[aA]\s*>))",
    re.S,
)
_ATTR = re.compile(r"""([^\s/>"'=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


@functools.lru_cache(maxsize=16384)  # the same links (permalinks, links to a page) on many pages
def _attributes(text: str) -> dict[str, str]:
    """The attributes of a start tag (the text after its name): names in lower case, values
    with character references decoded, the first of a name kept. Shared: never changed."""
    attrs: dict[str, str] = {}
    for a in _ATTR.finditer(text):
        value = next((v for v in a.group(2, 3, 4) if v is not None), "")
        attrs.setdefault(a.group(1).lower(), html.unescape(value))
    return attrs


def _links(source: str) -> list[tuple[dict[str, str], int]]:
    """Each <a> element of a piece of HTML: its attributes (`_attributes`) and the offset just
    after its </a>. A regular-expression scan: reading every page with an HTML parser took 14%
    of a site build (3.9 s of 27.5 s at M)."""
    links: list[tuple[dict[str, str], int]] = []
    open_attrs: dict[str, str] | None = None
    for m in _HTML_SCAN.finditer(source):
        kind = m.lastindex
        if kind == 2:
            open_attrs = _attributes(m.group(2))
        elif kind == 3 and open_attrs is not None:
            links.append((open_attrs, m.end()))
            open_attrs = None
    return links


_UNPRINTED = frozenset({"lsf-noprint", "headerlink", "md-content__button"})


def link_notes(fragment: str, resolve: Callable[[str], str | None]) -> tuple[str, list[str]]:
    """Number the links of finished HTML for print: after each link that `resolve` gives an
    address for, a marker `<sup class="lsf-ref">n</sup>`; the same address keeps its number.

    Returns the HTML and the addresses in note order (note n is addresses[n - 1]). Links with
    the class `lsf-noprint`, `headerlink` or `md-content__button` (the theme's edit and view
    buttons) get no note (they are not printed).
    """
    notes: list[str] = []
    numbers: dict[str, int] = {}
    out, done = [], 0
    for attrs, end in _links(fragment):
        classes = attrs.get("class")
        if classes and not _UNPRINTED.isdisjoint(classes.split()):
            continue
        address = resolve(attrs.get("href", ""))
        if not address:
            continue
        number = numbers.get(address)
        if number is None:
            notes.append(address)
            number = numbers[address] = len(notes)
        out.append(fragment[done:end])
        out.append(f'<sup class="lsf-ref">{number}</sup>')
        done = end
    out.append(fragment[done:])
    return "".join(out), notes


@functools.lru_cache(maxsize=16384)  # the same addresses on many pages
def _target(target: str) -> tuple[bool, str | None, str, str]:
    """What of a link's printed address does not depend on the page that holds it: (True,
    the address or None) for a link to another site or a mailbox; (False, None, path,
    fragment) for a link on this site."""
    parts = urlsplit(target)
    if parts.scheme in ("http", "https"):
        return True, print_url(target), "", ""
    if parts.scheme == "mailto":
        return True, parts.path, "", ""
    if parts.scheme or parts.netloc:
        return True, None, "", ""
    return False, None, parts.path, parts.fragment


def site_link_resolver(page_url: str, site_url: str | None) -> Callable[[str], str | None]:
    """How a link on a built page is printed: other sites by `print_url`, pages of this site
    by their full address under `site_url` (or their path on the site when it is not set);
    links within the page get no note."""
    base = posixpath.dirname("/" + page_url) if not page_url.endswith("/") else "/" + page_url
    root = site_url.rstrip("/") + "/" if site_url else ""

    def resolve(target: str) -> str | None:
        if not target or target.startswith("#"):
            return None
        elsewhere, address, link_path, fragment = _target(target)
        if elsewhere:
            return address
        path = posixpath.normpath(posixpath.join(base, link_path)) if link_path else "/" + page_url
        if link_path.endswith("/") and not path.endswith("/"):
            path += "/"
        path = path.lstrip("/") + (f"#{fragment}" if fragment else "")
        if site_url:
            return root + path
        return f"{path or './'} (on this site)"

    return resolve


def endnote_list(notes: list[str]) -> str:
    """The numbered endnotes of `link_notes`, as an HTML list (web addresses stay clickable)."""
    return '<ol class="lsf-endnotes">' + "".join(map(_endnote, notes)) + "</ol>"


@functools.lru_cache(maxsize=16384)  # the same addresses on many pages
def _endnote(address: str) -> str:
    shown = html.escape(_show_bidi(address), quote=True)
    web = urlsplit(address).scheme in ("http", "https")
    return f'<li><a href="{shown}">{shown}</a></li>' if web else f"<li>{shown}</li>"
