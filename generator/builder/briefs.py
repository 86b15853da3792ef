"""The PDF briefs of a build: laid out now (`site --pdf`), or kept from the site a build
replaces and marked stale when what they show changed since; a character no font has is a
data error at the first file and line that holds it."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field

from generator import layout
from generator.errors import DataError, Problems
from generator.exports import pdf
from generator.pages.render import Renderer
from generator.records.model import Site
from generator.site.briefs import read_brief_manifest


@dataclass
class Briefs:
    """The PDF briefs of a build: the files made now (with `site --pdf`), which topic's brief
    each is and the hash of the brief it was made from (`manifest`), and what the topic pages
    say of them (`states`: current, or stale for a brief kept from an earlier `--pdf`)."""

    files: dict[str, bytes] = field(default_factory=dict)
    manifest: dict[str, str] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)


def briefs_html(renderer: Renderer, tids: list[str]) -> dict[str, str]:
    """The printable briefs of some topics, as HTML (a recording renderer keeps them)."""
    return {tid: renderer.brief(tid) for tid in tids}


def make_pdf(site: Site, renderer: Renderer) -> Briefs:
    """The printable brief of every session on every paper size, laid out in memory."""
    html = briefs_html(renderer, sorted(t["id"] for t in site.topics.values() if site.on_agenda(t)))
    try:
        files = pdf.make_briefs(html, pdf.read_stylesheet())
    except pdf.MissingGlyphs as exc:
        raise DataError(_glyph_problems(site, exc.topics)) from None
    manifest = {tid: _sha(text) for tid, text in html.items()}
    return Briefs(files, manifest, dict.fromkeys(manifest, "current"))


def _glyph_problems(site: Site, topics: dict[str, set[str]]) -> Problems:
    """Where each character that no font has is written: the first line of the data that holds
    it (a data file read as text), one problem per character."""
    import unicodedata

    problems = Problems()
    files = sorted(
        {
            rec.path
            for table in (site.topics, site.proposals, site.people, site.threads, site.questions, site.events)
            for rec in table.values()
        }
    )
    texts: dict[str, list[str]] = {}
    for path in files:
        try:
            with open(path, encoding="utf-8") as fh:
                texts[path] = fh.read().split("\n")
        except (OSError, UnicodeDecodeError):
            continue

    def holds(text: str, char: str) -> bool:  # as written, or as a YAML escape; never in a comment
        if text.lstrip().startswith("#"):
            return False
        escaped = (f"\\u{ord(char):04x}" if ord(char) < 0x10000 else f"\\U{ord(char):08x}").lower()
        return char in text or escaped in text.lower()

    for char in sorted({c for chars in topics.values() for c in chars}):
        where = [tid for tid, chars in sorted(topics.items()) if char in chars]
        named = f"{char!r} (U+{ord(char):04X} {unicodedata.name(char, 'unnamed')})"
        first = [site.topics[tid].path for tid in where if tid in site.topics]  # the brief's own topic first
        order = first + [p for p in texts if p not in first]
        path, line = next(
            ((p, n) for p in order if p in texts for n, text in enumerate(texts[p], 1) if holds(text, char)),
            (site.data_dir, 0),
        )
        problems.error(
            layout.display_path(path) if line else path,
            line,
            f"{named} has no glyph in any installed font, so the PDF brief of {', '.join(where)} cannot show it; "
            "install a font that has it (see the README's PDF briefs) or write the text without it",
        )
    return problems


def kept_briefs(site: Site, renderer: Renderer, site_dir: str) -> Briefs:
    """The briefs a build without --pdf keeps from the site it replaces: those of topics that
    are still sessions, each current or stale."""
    held = read_brief_manifest(site_dir)
    folder = os.path.join(site_dir, layout.BRIEFS)
    wanted = [
        tid
        for tid in sorted(held)
        if tid in site.topics
        and site.on_agenda(site.topics[tid])
        and all(os.path.isfile(os.path.join(folder, name)) for name in layout.brief_files(tid).values())
    ]
    now = briefs_html(renderer, wanted)
    manifest = {tid: held[tid] for tid in wanted}
    states = {tid: "current" if _sha(now[tid]) == held[tid] else "stale" for tid in wanted}
    return Briefs({}, manifest, states)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
