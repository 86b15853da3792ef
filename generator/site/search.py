"""Material's search index entries of a page, without Material's HTML parser.

Material's search plugin indexes a page by feeding its HTML to `Parser`, an
`html.parser.HTMLParser` subclass that cuts it into sections (one per heading with an id) and
keeps their text; that parse was a fifth of the CPU of rendering the pages. The HTML is
Python-Markdown's and this project's: well formed, attributes in double quotes, no script or
style. `sections` reads such HTML with one regular expression and does what `Parser`'s
handlers do with each tag and text, on the tags' names (which is all `Parser` compares: its
`Element`s are equal by tag name), and gives the same `Section`s, so the entries made of them
by Material's own `create_entry_for_section` are Material's, in the same order.

Whatever the fast reading does not know is read by Material's `Parser` itself: a `<` that
does not start a plain tag (`a < b`, an unquoted or single-quoted attribute, `<!DOCTYPE>`,
CDATA), a comment other than a plain `<!-- ... -->`, an element whose content an HTML parser
reads as raw text (`<script>`, `<style>`, `<textarea>`, ...), and any error. So is every page
when Material's plugin is not the one this was written against (`PLUGIN_SHA256`, its file's
hash: a test fails on an upgrade, to have this checked again) or when a sample read both ways
differs (a Python whose `HTMLParser` reads plain tags otherwise).
"""

from __future__ import annotations

import functools
import hashlib
import re
from html import escape, unescape
from typing import Any

from material.plugins.search import plugin as material

# material/plugins/search/plugin.py of mkdocs-material 9.8.1 (requirements.txt): its `Parser`,
# `Section`, `Element`, `void` and `SearchIndex.add_entry_from_context` are what this reproduces.
PLUGIN_SHA256 = "cc8a3ac0a8862662d11e87fefcdaa4a42d9ebd70a7943fa921c1c80e2661730b"

_SPACE = "[ \t\n\r\f]"
_NAME = "[a-zA-Z][a-zA-Z0-9]*"
_ATTR_NAME = "[a-zA-Z_:][-a-zA-Z0-9_:.]*"
# One token of plain HTML: a start tag (its attributes, a self-closing slash), an end tag, a
# comment with no '--', '<' or '>' inside, or text. Each tag and comment holds one '<'.
_TOKEN = re.compile(
    rf'<({_NAME})((?:{_SPACE}+{_ATTR_NAME}(?:="[^"<>]*")?)*){_SPACE}*(/?)>'
    rf"|</({_NAME})>"
    r"|<!--(?:[^-<>]+(?:-[^-<>]+)*)?-->"
    r"|([^<]+)"
)
_ATTR = re.compile(rf'{_SPACE}+({_ATTR_NAME})(=)?(?:"([^"]*)")?')
# Read as raw text by an HTML parser (Python's reads script and style so; the HTML standard
# these too): never read here.
_RAW_TEXT = frozenset(
    {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"}
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_KEEP = frozenset({"p", "code", "pre", "li", "ol", "ul", "sub", "sup"})  # Parser.keep
_ALWAYS_SKIPPED = ("object", "script", "style")  # Parser.skip, never removed from it


def sections(html: str) -> list[Any]:
    """The sections Material's `Parser` makes of a page's HTML (`Parser.data`)."""
    if ported():
        try:
            found = read_plain(html)
        except Exception:  # Material's parser then does (or fails) as it does
            found = None
        if found is not None:
            return found
    return material_sections(html)


def material_sections(html: str) -> list[Any]:
    """The sections of Material's own `Parser`."""
    parser = material.Parser()
    parser.feed(html)
    parser.close()
    return list(parser.data)


def read_plain(html: str) -> list[Any] | None:
    """`Parser.data` for plain HTML (see the module's docstring), read without `HTMLParser`;
    None for anything else.

    `Parser`'s state, kept by tag name as `Parser` compares it: `context` (the open elements;
    an end tag closes the last one only if it has its name), `skip` (the names skipped: the
    three always skipped and those of elements marked `data-search-exclude`), the current
    `section`. Counted along, so nothing is searched for each token: the open elements of each
    name, those whose name is skipped, and the open permalinks (`<a class="headerlink">`)."""
    tokens = _TOKEN.findall(html)
    # Every '<' must start a tag or comment (findall steps over one that does not).
    if html.count("<") != len(tokens) - sum(1 for t in tokens if t[4]):
        return None
    Section, Element, void = material.Section, material.Element, material.void
    skip = set(_ALWAYS_SKIPPED)
    context: list[str] = []
    links: list[bool] = []  # of each open element: a permalink?
    counts: dict[str, int] = {}  # open elements by name
    skipped = 0  # open elements whose name is in skip
    permalinks = 0
    data: list[Any] = []
    section: Any = None
    head = ""  # the tag name of the section's element
    for tag, attr_text, closed, end_tag, text in tokens:
        if text:  # Parser.handle_data, of the text with character references decoded
            if skipped:
                continue
            if "&" in text:
                text = unescape(text)
            pre = counts.get("pre")
            if not pre:
                text = " " if text.isspace() else text.replace("\n", " ")
            if section is None:
                section = Section(Element("hx"))
                data.append(section)
                head = "hx"
            if counts.get(head):
                if not permalinks:
                    section.title.append(escape(text, quote=False))
            elif text.isspace():
                kept = section.text
                if not kept or not kept[-1].isspace() or pre:
                    kept.append(text)
            else:
                section.text.append(escape(text, quote=False))
            continue
        if tag:  # Parser.handle_starttag
            tag = tag.lower()
            if tag in _RAW_TEXT:
                return None
            if tag in void:  # its end tag, if self-closed, closes nothing: never open
                continue
            attrs: dict[str, str | None] = {}
            if attr_text:
                for a in _ATTR.finditer(attr_text):
                    value = a.group(3)
                    if a.group(2) is None:
                        value = None
                    elif "&" in value:
                        value = unescape(value)
                    attrs[a.group(1).lower()] = value
            context.append(tag)
            counts[tag] = counts.get(tag, 0) + 1
            link = tag == "a" and attrs.get("class") == "headerlink"
            links.append(link)
            permalinks += link
            if tag in skip:
                skipped += 1
            if tag in _HEADINGS and "id" in attrs:
                depth = len(context)
                if tag != "h1" and not data:
                    data.append(Section(Element("hx"), depth))
                section = Section(Element(tag, attrs), depth)
                if data:
                    section.id = attrs["id"]
                data.append(section)
                head = tag
            if section is None:
                section = Section(Element("hx"))
                data.append(section)
                head = "hx"
            if "data-search-exclude" in attrs or attrs.get("class") == "linenodiv":
                if tag not in skip:
                    skip.add(tag)
                    skipped += counts[tag]
            elif tag in _KEEP and not skipped:
                (section.title if counts.get(head) else section.text).append(f"<{tag}>")
            if not closed:
                continue
            # <tag/>: HTMLParser's handle_startendtag, the start tag then the end tag
        elif end_tag:
            tag = end_tag.lower()
        else:
            continue  # a comment: HTMLParser ends the text before it, Parser does nothing
        # Parser.handle_endtag
        if not context or context[-1] != tag:
            continue
        depth = len(context)
        if section.depth > depth:  # the section's heading was nested, and this closes its parent
            for earlier in reversed(data):
                if earlier.depth <= depth:
                    section.depth = float("inf")
                    section = earlier
                    head = earlier.el.tag
                    break
        context.pop()
        counts[tag] -= 1
        permalinks -= links.pop()
        if tag in skip:
            skipped -= 1
            if tag not in _ALWAYS_SKIPPED:
                skip.remove(tag)
                skipped -= counts[tag]
            continue
        if tag in _KEEP and not skipped:
            kept = section.title if counts.get(head) else section.text
            index = kept.index(f"<{tag}>")  # the first: Parser's
            for i in range(index + 1, len(kept)):
                if not kept[i].isspace():
                    index = len(kept)
                    break
            if len(kept) > index:  # empty: dropped with its start tag and what follows it
                del kept[index:]
            else:
                kept.append(f"</{tag}>")
    return data


class SearchIndex(material.SearchIndex):
    """Material's search index, its pages cut into sections by `sections`."""

    def add_entry_from_context(self, page: Any) -> None:  # Material's, but for the parser
        search = page.meta.get("search") or {}
        if search.get("exclude"):
            return
        for section in sections(page.content):
            if not section.is_excluded():
                self.create_entry_for_section(section, page.toc, page.url, page)


def faster(index: Any) -> Any:
    """The index to give Material's search plugin in place of its own `index`: one that reads
    pages with `sections`; `index` itself when it is not Material's own class, or when the fast
    reading may not be used (`ported`, asked now: before page renderers are forked)."""
    if type(index) is not material.SearchIndex or not ported():
        return index
    fast = SearchIndex(**index.config)
    fast.entries = index.entries
    return fast


# A sample of what the pages hold, read both ways before the fast reading is trusted.
SAMPLE = (
    '<!-- Generated -->\n<p>Before &amp; <em>any</em> heading</p>\n<h1 id="t">T&eacute;tle<a class="headerlink" '
    'href="#t" title="Permanent link">&para;</a></h1>\n<p>Text &lt;b&gt; &#169; &copy &unknown; \u4e2d\u6587 '
    '\u05e2\u05d1\u05e8\u05d9\u05ea \U0001f600<br/><br>x<img alt="a &amp; b" src="i.png"/></p>\n<h2 id="s" '
    'data-search-exclude>Skipped</h2>\n<p>also skipped</p>\n<h2 id="code">Code <code>x &lt; y</code></h2>\n'
    '<pre><code>a\n  b &amp;&amp; c\n\n</code></pre>\n<table>\n<thead>\n<tr>\n<th style="text-align: left;">'
    'A</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n</tr>\n</tbody>\n</table>\n<div class="x" '
    'data-search-exclude="">\n<p>hidden</p>\n</div>\n<ul>\n<li><p>one</p></li>\n<li></li>\n</ul>\n'
    '<div><h3 id="nested">Nested</h3><p>in</p></div><p>after</p><span/><div class="linenodiv">1\n2</div>\n'
    '<P ID="up">Upper</P><sub></sub> tail &amp'
)


def _same(ours: list[Any] | None, theirs: list[Any]) -> bool:
    def shape(found: list[Any]) -> list[Any]:
        return [(s.el.tag, s.el.attrs, s.depth, s.id, s.title, s.text) for s in found]

    return ours is not None and shape(ours) == shape(theirs)


@functools.cache
def ported() -> bool:
    """Whether the fast reading may be used: Material's plugin is the one it reproduces, and
    Python's `HTMLParser` reads the sample as it does."""
    with open(material.__file__, "rb") as fh:
        if hashlib.sha256(fh.read()).hexdigest() != PLUGIN_SHA256:
            return False
    return _same(read_plain(SAMPLE), material_sections(SAMPLE))
