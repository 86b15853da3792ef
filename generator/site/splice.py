"""Generated HTML spliced into the pages as it is: a Python-Markdown extension, and what the
site build checks of the links it holds.

The generator writes the costly parts of its pages (tables, link lists, quote blocks) as HTML
whose links already have their final addresses, between the lines `markup.HTML_START` and
`markup.HTML_END`. `Splice`, added to MkDocs' Markdown extensions by the hooks
(generator/site/hooks.py, `on_config`), moves each such block into Python-Markdown's stash of
raw HTML before any other preprocessor reads the page (MkDocs' own anchor scan and
Python-Markdown's raw-HTML blocks both run html.parser over the whole text), and leaves its
placeholder as a paragraph of its own, which Python-Markdown's RawHtmlPostprocessor replaces by
the block. So Python-Markdown never parses it, and the headings around it stay Markdown (the
table of contents, heading anchors and permalinks are MkDocs').

MkDocs sees no link and no anchor of a spliced block, so the hooks check them with its own
strictness (`check`): each relative link must name a page or file of the site (MkDocs'
`validation.links.not_found`), and each link to an anchor is added to the page's links to
anchors, which MkDocs checks once every page is rendered (`validation.links.anchors`); the ids
of the block are added to the page's anchors.
"""

from __future__ import annotations

import functools
import html
import logging
import posixpath
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from generator.pages.markup import HTML_END, HTML_START

# Below Python-Markdown's normalize_whitespace (30), which tabs and line ends go through first,
# and above MkDocs' anchor scan (mkdocs_raw_html, 21) and Python-Markdown's html_block (20).
PRIORITY = 27


class _Preprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        if HTML_START not in lines:
            return lines
        out: list[str] = []
        block: list[str] | None = None
        for line in lines:
            if block is None:
                if line == HTML_START:
                    block = []
                else:
                    out.append(line)
            elif line == HTML_END:
                out += ["", self.md.htmlStash.store("\n".join(block)), ""]
                block = None
            else:
                block.append(line)
        if block is not None:  # no end: left to Markdown (`unended` says so, with the page)
            out += [HTML_START, *block]
        return out


class Splice(Extension):
    """The Markdown extension: the generated HTML blocks of a page go through untouched."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(_Preprocessor(md), "lsfmm_splice", PRIORITY)


# ------------------------------------------------------------------------------- the checks

# In generated HTML every attribute value is quoted with ", and "<", ">" and '"' are escaped in
# text and in attribute values: "<" opens a tag, and ' href="' or ' id="' inside one starts that
# attribute (a value cannot hold '"').
_HREF = re.compile(r"<a\s[^<>]*?(?<=\s)href=\"([^\"]*)\"")
_ID = re.compile(r"<[a-zA-Z][^<>]*?(?<=\s)id=\"([^\"]*)\"")


_START, _END = f"\n{HTML_START}\n", f"\n{HTML_END}\n"


def blocks(markdown: str) -> list[str]:
    """The generated HTML blocks of a page's Markdown (each between its two lines)."""
    if HTML_START not in markdown:
        return []
    text = "\n" + markdown + "\n"
    found: list[str] = []
    at = text.find(_START)
    while at >= 0:
        end = text.find(_END, at + len(_START) - 1)
        if end < 0:
            break
        found.append(text[at + len(_START) : end])
        at = text.find(_START, end + len(_END) - 1)
    return found


def unended(markdown: str) -> int | None:
    """The line of a page's Markdown where a generated HTML block starts that does not end
    (such a block is left to Markdown), or None."""
    if HTML_START not in markdown:
        return None
    start = None
    for n, line in enumerate(markdown.split("\n"), 1):
        if line == HTML_START and start is None:
            start = n
        elif line == HTML_END:
            start = None
    return start


def links_and_ids(markdown: str) -> tuple[list[str], list[str]]:
    """The hrefs of the links and the ids of the elements in a page's generated HTML blocks,
    in order (character references decoded)."""
    text = "\n".join(blocks(markdown))
    hrefs = [html.unescape(v) if "&" in v else v for v in _HREF.findall(text)]
    ids = [html.unescape(v) if "&" in v else v for v in _ID.findall(text)]
    return hrefs, ids


@functools.lru_cache(maxsize=4096)
def source_candidates(url: str, directory_urls: bool) -> tuple[str, ...]:
    """The files under docs/ that MkDocs could publish at `url` (relative to the site root, as
    MkDocs' `File.url`: "./" for the home page): a page (x.md, x/index.md, x/README.md) or, for
    an address that is no page's, a file."""
    if directory_urls and url.endswith("/"):
        stem = url.rstrip("/").lstrip(".")
        return (*([stem + ".md"] if stem else []), posixpath.join(stem, "index.md"), posixpath.join(stem, "README.md"))
    if not directory_urls and url.endswith(".html"):
        stem = url[: -len(".html")]
        found = [stem + ".md"]
        if stem == "index" or stem.endswith("/index"):
            found.append(stem[: -len("index")] + "README.md")
        return tuple(found)
    return (url,)


@functools.lru_cache(maxsize=65536)  # the pages of a folder share their links' targets
def target_url(page_url: str, path: str) -> str:
    """The address (as MkDocs' `File.url`) a relative link's path leads to from a page's URL."""
    if page_url.endswith("/"):
        base = "" if page_url == "./" else page_url
    else:
        folder = posixpath.dirname(page_url)
        base = folder + "/" if folder else ""
    url = posixpath.normpath(base + path)
    if url == ".":
        return "./"
    return url + "/" if path.endswith("/") else url


def _lookup(files: Any) -> Callable[[str], Any]:
    """How `check` finds a file by its path under docs/ (normalized already): in MkDocs' map of
    the files; through the site build's view of them (generator.site.pages), the path is noted
    as looked up by the page."""
    found = files.src_uris.get
    note = getattr(files, "note", None)
    if note is None:
        return found

    def noted(path: str) -> Any:
        note(path)
        return found(path)

    return noted


def check(page: Any, config: Any, files: Any, log: logging.Logger) -> None:
    """The links and anchors of a rendered page's generated HTML, checked as MkDocs checks those
    of its Markdown: a relative link to no page or file of the site is logged at the level of
    `validation.links.not_found`; links to anchors join the page's `links_to_anchors` (MkDocs
    checks them once every page is rendered); the ids join its `present_anchor_ids`. Every
    file looked up is noted when `files` is the site build's view (a page whose target comes
    or goes is rendered again)."""
    hrefs, ids = links_and_ids(page.markdown or "")
    if not hrefs and not ids:
        return
    if ids:
        page.present_anchor_ids = set(page.present_anchor_ids or ()) | set(ids)
    directory_urls = config.use_directory_urls
    lookup = _lookup(files)
    anchors: dict[Any, dict[str, str]] = page.links_to_anchors or {}
    for href in dict.fromkeys(hrefs):  # each once
        if "://" in href or href.startswith(("mailto:", "/", "\\")):
            continue  # another site's (an absolute path is none that this site writes)
        if "?" in href or ":" in href:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                continue
            path, fragment = parts.path, parts.fragment
        else:
            path, _, fragment = href.partition("#")
        if not path:  # a link within the page
            if fragment:
                anchors.setdefault(page.file, {}).setdefault(fragment, href)
            continue
        url = target_url(page.url, path)
        target = None
        if not url.startswith("../"):
            for src in source_candidates(url, directory_urls):
                found = lookup(src)
                if found is not None and found.url == url:
                    target = found
                    break
        if target is None:
            log.log(
                config.validation.links.not_found,
                f"Doc file '{page.file.src_uri}' contains a generated link '{href}', "
                f"but the target '{url}' is no page or file of the site.",
            )
            continue
        if target.inclusion.is_excluded():  # as MkDocs says of a Markdown link to it
            log.log(
                min(logging.INFO, config.validation.links.not_found),
                f"Doc file '{page.file.src_uri}' contains a generated link to '{target.src_uri}' "
                "which is excluded from the built site.",
            )
        if fragment:
            anchors.setdefault(target, {}).setdefault(fragment, href)
    if anchors:
        page.links_to_anchors = anchors
