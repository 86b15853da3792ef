"""Session briefs (HTML from `render.render_briefs`) into PDF files, in memory (no file is
read or written here but the stylesheet): the writer (`write.write_briefs`) puts them into
site/briefs/.

The layout engine is WeasyPrint: it implements CSS Paged Media (page size, margin boxes with
"Page N of M" and a running title, `break-*: avoid` on headings, quotes, questions and table
rows, orphans and widows) and runs in this process from a package pinned in requirements.txt,
so every machine lays the brief out the same way; headless Chromium's print-to-PDF would need a
browser process and does not pin with the project. It needs Pango from the system (Debian:
libpango-1.0-0, libpangoft2-1.0-0, libharfbuzz-subset0, and fonts: fonts-dejavu-core,
fonts-noto-cjk, fonts-noto-color-emoji; .ci/run installs them). A character no installed font
has is reported (MissingGlyphs) with every brief that needs it, for the build to name its
file and line.

The brief loads nothing: every address is refused, so data can never make the engine read a
file or reach the network, and any attempt is an error.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from typing import Any

from generator.errors import InputError
from generator.layout import brief_files
from generator.pages.render import TEMPLATES

PAPER_SIZES = {"a4": "A4", "letter": "letter"}  # CSS page sizes
STYLESHEET = os.path.join(TEMPLATES, "brief.css")


def _engine() -> Any:
    try:
        import weasyprint
    except OSError as exc:  # WeasyPrint loads Pango when imported
        raise InputError(
            f"WeasyPrint cannot load Pango ({exc}); on Debian: apt-get install libpango-1.0-0 "
            "libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"
        ) from None
    return weasyprint


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def make_pdf(html: str, paper: str, stylesheet: str) -> bytes:
    """One brief as a PDF on the given paper ('a4' or 'letter')."""
    weasyprint = _engine()
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    asked: list[str] = []

    class NoFetch(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            asked.append(url)
            raise FatalURLFetchingError(f"the brief may load nothing, yet it asked for {url}")

    fetcher = NoFetch()
    sheets = [
        weasyprint.CSS(string=stylesheet, url_fetcher=fetcher),
        weasyprint.CSS(string=f"@page {{ size: {PAPER_SIZES[paper]}; }}", url_fetcher=fetcher),
    ]
    logger = logging.getLogger("weasyprint")
    problems = _Collect()
    logger.addHandler(problems)
    try:
        document = weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=None)
        pdf = document.write_pdf(stylesheets=sheets, pdf_tags=True)
    except FatalURLFetchingError:
        raise InputError(f"the brief asked for {asked[0]}; it may load nothing") from None
    finally:
        logger.removeHandler(problems)
    missing = [m for m in problems.messages if _NOTDEF.search(m)]
    others = [m for m in problems.messages if not _NOTDEF.search(m)]
    if others:
        raise InputError("WeasyPrint: " + "; ".join(others))
    if missing:
        raise MissingGlyphs({chr(int(code, 16)) for m in missing for code in _NOTDEF.findall(m)})
    return pdf


# WeasyPrint's warning for a character no installed font has: '... fonts: "X" (U+1F680)'.
_NOTDEF = re.compile(r"\.notdef glyph rendered for Unicode string unsupported by fonts: .*?\(U\+([0-9A-Fa-f]{4,6})\)")


class MissingGlyphs(InputError):
    """Characters of a brief that no installed font can show."""

    def __init__(self, chars: set[str]):
        super().__init__("characters no installed font has: " + ", ".join(sorted(chars)))
        self.chars = chars
        self.topics: dict[str, set[str]] = {}


def make_briefs(briefs: Mapping[str, str], stylesheet: str) -> dict[str, bytes]:
    """Every brief on every paper size: {file name under briefs/: PDF bytes}. Characters that
    no installed font has are gathered over every brief, then raised at once (MissingGlyphs,
    with `topics`: topic -> its characters), for the caller to name where they are written."""
    out = {}
    missing: dict[str, set[str]] = {}
    for tid in sorted(briefs):
        for paper, name in brief_files(tid).items():
            try:
                out[name] = make_pdf(briefs[tid], paper, stylesheet)
            except MissingGlyphs as exc:
                missing.setdefault(tid, set()).update(exc.chars)
                break  # the other paper size has the same characters
    if missing:
        found = MissingGlyphs({c for chars in missing.values() for c in chars})
        found.topics = missing
        raise found
    return out


def read_stylesheet() -> str:
    with open(STYLESHEET, encoding="utf-8") as fh:
        return fh.read()
