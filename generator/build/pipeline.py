"""The build runner: the phases in the order they run, each a function of plain values.

    load → validate → (pdf) → render → export → write → site

(pdf, with `site --pdf`: the briefs are laid out before anything is written.)

| phase    | function   | in → out                                   | kind |
|----------|------------|--------------------------------------------|------|
| load     | `load`     | data folder → every data file's bytes      | I/O: reads data/ |
| validate | `validate` | those bytes → the Site, or problems        | pure (model, schema, yamlload) |
| render   | `render`   | Site → {page path: Markdown}               | pure (render, templates/) |
| export   | `export`   | Site → {agenda.ics, topics/*.ics, data.json} | pure (export) |
| pdf      | `make_pdf` | Site → {brief file: PDF bytes}             | pure (render, pdf) |
| write    | `write`    | pages and exports → docs/                  | I/O: writes docs/ |
| site     | `site`     | docs/ → site/, briefs → site/briefs/    | I/O: MkDocs (sitebuild), swaps site/ |

`check` and `build` run them in order for the commands (`site` after `build`). The phases that
can reuse earlier work (parse, render, export) go through a layer: `Clean` keeps nothing;
`generator.cache.incremental.Incremental` (the same interface) keeps what a rebuild may reuse and
proves it still holds. A clean build and an incremental one run the same core code.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from generator import layout
from generator.cache import memo
from generator.errors import DataError, Problems, UsageError, WriteError
from generator.exports import history, pdf
from generator.exports.export import exports
from generator.files import WriteReport, keep_briefs, read_brief_manifest, write_briefs, write_data, write_pages
from generator.pages.render import Renderer, render_pages
from generator.records import model, yamlload
from generator.records.model import DataFile, FileResult, Site
from generator.site import sitebuild
from generator.site.config import Publish, read_publish

Say = Callable[[list[str]], None]  # shows lines to the user (warnings, as soon as they are known)


class Clean:
    """The phases that could reuse earlier work, doing all of it: nothing is kept between
    builds (within one, the pure functions of `generator.cache.memo` still answer a repeated call)."""

    def start(self) -> None:
        """A build starts."""
        memo.open_tables({})

    def parse(self, files: list[DataFile]) -> list[FileResult]:
        return [model.parse_file(f) for f in files]

    def render(
        self, site: Site, briefs: Mapping[str, str], out_dir: str, directory_urls: bool = True
    ) -> tuple[dict[str, str], set[str]]:
        """The pages to write, and the paths of pages current on disk as they are (none here)."""
        return render_pages(site, briefs, directory_urls), set()

    def view(self, site: Site) -> Site:
        """The Site as the phases that can reuse work read it."""
        return site

    def export(self, site: Site, publish: Publish, published: history.History) -> dict[str, str]:
        return exports(site, publish, published)

    def finish(self, written: bool | None) -> list[str]:
        """A build ends: its pages were written (True), not rendered (None), or not written
        (False). Returns warnings to show."""
        memo.close_tables()
        return []


# ---------------------------------------------------------------------------------- phases


@dataclass
class Loaded:
    """Every data file as read, what is wrong with the folders themselves, and what the
    calendars have published (data/calendar-history.yaml, written by the build)."""

    data_dir: str  # as messages show it
    files: list[DataFile]
    problems: Problems = field(default_factory=Problems)
    history: history.Read = field(default_factory=lambda: history.Read({}, None))


def load(data_dir: str, overlay: dict[str, bytes] | None = None) -> Loaded:
    """Read every data file of the layout. `overlay` maps paths to the content they are about
    to get (import-mbox checks the data as it will be before writing anything); a path in it is
    read from there, not from disk."""
    overlay = overlay or {}
    out = Loaded(layout.display_path(data_dir), [])
    old_event = os.path.join(data_dir, layout.OLD_EVENT_FILE)
    if os.path.isfile(old_event):
        out.problems.error(layout.display_path(old_event), 0, _moved_event(old_event, data_dir))
    real_data = os.path.realpath(data_dir)
    for place in layout.DATA_PLACES:
        where = os.path.join(data_dir, place.path)
        if place.folder and os.path.islink(where) and not layout.within(os.path.realpath(where), real_data):
            out.problems.error(
                layout.display_path(where),
                0,
                "it is a symbolic link to outside the data folder; only files inside it are read",
            )
            continue
        if not place.folder:
            paths = [where]
        elif not os.path.isdir(where):
            if not (place.kind == "event" and os.path.isfile(old_event)):  # said above
                out.problems.error(layout.display_path(where), 0, f"missing folder; it holds one file per {place.kind}")
            continue
        else:
            paths = []
            added = {os.path.basename(p) for p in overlay if os.path.dirname(p) == where}
            for entry in sorted(set(os.listdir(where)) | added):
                full = os.path.join(where, entry)
                if entry.startswith(".") or (full not in overlay and os.path.isdir(full)):
                    continue
                if not entry.endswith(layout.RECORD_SUFFIX):
                    shown = layout.display_path(full)
                    out.problems.error(shown, 0, f"unexpected file here; {place.kind} files end in .yaml")
                    continue
                paths.append(full)
            if place.kind == "event" and not paths and not os.path.isfile(old_event):  # else said above
                shown = layout.display_path(where)
                out.problems.error(shown, 0, "no event here: start one with `python -m generator new event ID`")
        folder = layout.display_path(where if place.folder else data_dir)  # once per folder: relpath is slow
        for path in paths:
            shown = os.path.normpath(os.path.join(folder, os.path.basename(path)))
            read: yamlload.FileBytes | None
            if path in overlay:
                read = yamlload.FileBytes(overlay[path], "", len(overlay[path]))
            elif not os.path.exists(path):
                read = None
            else:
                read = yamlload.read_bytes(path, inside=data_dir)
            out.files.append(DataFile(path, shown, place, read))
    out.history = history.read(data_dir, out.problems)
    return out


def _moved_event(path: str, data_dir: str) -> str:
    """What to do with the one event file of a data set made before there could be several."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            found = re.search(r"^id:\s*[\"']?([a-z0-9-]+)", fh.read(65536), re.M)
    except OSError:
        found = None
    name = f"{found.group(1)}.yaml" if found else "<its id>.yaml"
    folder = layout.display_path(os.path.join(data_dir, "events"))
    if os.path.exists(os.path.join(data_dir, "events", name)):
        return f"events now live in {folder}/, one file per event, and {folder}/{name} is there: delete this file"
    return (
        f"events now live in {folder}/, one file per event: move this file there as {name} "
        f"(mkdir -p {folder} && mv {layout.display_path(path)} {folder}/{name})"
    )


def validate(loaded: Loaded, layer: Clean) -> tuple[Site | None, Problems]:
    """Parse and check every file, then every rule across files: the Site (None when there
    are errors) and every problem."""
    problems = Problems(list(loaded.problems.items))
    site = model.validate(layer.parse(loaded.files), problems, loaded.data_dir)
    return site, problems


def render(
    site: Site, layer: Clean, out_dir: str, briefs: Mapping[str, str] | None = None, directory_urls: bool = True
) -> tuple[dict[str, str], set[str]]:
    """The pages to write (the topics in `briefs` link to their PDF briefs), and those current
    on disk as they are. `directory_urls`: how the site addresses pages (mkdocs.yml)."""
    return layer.render(site, briefs or {}, out_dir, directory_urls)


def export(site: Site, layer: Clean, publish: Publish, published: history.History) -> dict[str, str]:
    return layer.export(site, publish, published)


@dataclass
class Briefs:
    """The PDF briefs of a build: the files made now (with `site --pdf`), which topic's brief
    each is and the hash of the brief it was made from (`manifest`), and what the topic pages
    say of them (`states`: current, or stale for a brief kept from an earlier `--pdf`)."""

    files: dict[str, bytes] = field(default_factory=dict)
    manifest: dict[str, str] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)


def briefs_html(site: Site, layer: Clean, tids: list[str]) -> dict[str, str]:
    """The printable briefs of some topics, as HTML (the incremental layer keeps them)."""
    renderer = Renderer(layer.view(site))
    return {tid: renderer.brief(tid) for tid in tids}


def make_pdf(site: Site, layer: Clean) -> Briefs:
    """The printable brief of every session on every paper size, laid out in memory."""
    html = briefs_html(site, layer, sorted(t["id"] for t in site.topics.values() if site.on_agenda(t)))
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


def kept_briefs(site: Site, layer: Clean, site_dir: str) -> Briefs:
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
    now = briefs_html(site, layer, wanted)
    manifest = {tid: held[tid] for tid in wanted}
    states = {tid: "current" if _sha(now[tid]) == held[tid] else "stale" for tid in wanted}
    return Briefs({}, manifest, states)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write(out_dir: str, files: dict[str, str], kept: set[str]) -> WriteReport:
    """Write what changed into docs/; generated files of removed records are deleted."""
    return write_pages(out_dir, files, keep=kept)


def write_history(data_dir: str, before: history.Read, after: history.History) -> bool:
    """Keep what the calendars now show in data/ (only when it changed; no file while there
    is nothing to keep). Whether it was written."""
    if not after and before.raw is None:
        return False
    text = history.dump(after).encode("utf-8")
    if text == before.raw:
        return False
    path = os.path.join(data_dir, layout.HISTORY_FILE)
    try:
        write_data(data_dir, {path: text}, {path: before.raw}, places=(layout.HISTORY_FILE,))
    except WriteError:  # it changed since it was read: never overwrite what is not known
        raise WriteError(
            f"{layout.display_path(path)} changed while this build ran (an edit, or another build?), so it was "
            "left as it is; the pages and calendars in the docs folder were written, but the history they "
            "follow was not: build again"
        ) from None
    return True


def site(builder: sitebuild.Builder, briefs: Briefs) -> sitebuild.Report:
    """MkDocs builds docs/ into a fresh folder (reusing the pages of the previous build that
    did not change), the briefs are put into it (made now, or kept from the site it
    replaces), and it replaces site/ whole: a failed or killed build leaves the previous
    site/ as it was. Nothing is written when nothing changed."""
    site_dir = builder.site_dir

    def finish(fresh: str) -> None:
        if briefs.files:
            write_briefs(fresh, briefs.files, briefs.manifest)
        elif briefs.manifest:
            keep_briefs(site_dir, fresh, briefs.manifest)

    may_skip = not briefs.files and read_brief_manifest(site_dir) == briefs.manifest
    return builder.build(finish, may_skip)


# ---------------------------------------------------------------------------------- in order


def data_folder(data_dir: str) -> str:
    if not os.path.isdir(data_dir):
        raise UsageError(f"no data folder at {data_dir!r}")
    return data_dir


def check(data_dir: str, strict: bool, layer: Clean, say: Say, overlay: dict[str, bytes] | None = None) -> Site:
    """load → validate. Warnings are said; problems that stop the build raise DataError."""
    return _check(data_dir, strict, layer, say, overlay)[0]


def _check(
    data_dir: str, strict: bool, layer: Clean, say: Say, overlay: dict[str, bytes] | None = None
) -> tuple[Site, history.Read]:
    loaded = load(data_folder(data_dir), overlay)
    site, problems = validate(loaded, layer)
    if site is None or problems.failed(strict):
        raise DataError(problems, strict)
    say(problems.report(strict))
    return site, loaded.history


def publishing(config: str, strict: bool) -> Publish:
    """Where the site is published (mkdocs.yml), for the exports' addresses."""
    problems = Problems()
    publish = read_publish(config, problems)
    if problems.failed(strict):
        raise DataError(problems, strict)
    return publish


@dataclass
class Built:
    """What a build did."""

    pages: int  # pages of the site
    exports: int  # export files
    report: WriteReport
    briefs: Briefs  # for site/briefs/
    history: bool = False  # data/calendar-history.yaml was written


def build(
    data_dir: str,
    out_dir: str,
    config: str,
    strict: bool,
    layer: Clean,
    say: Say,
    pdf: bool = False,
    site_dir: str | None = None,
) -> Built:
    """check → (pdf) → render → export → write. Nothing is written unless everything before
    succeeded; the calendar history in data/ last, once the pages are. With `pdf`, the briefs
    are laid out first and topic pages link to them; else, with `site_dir`, the briefs of the
    site there are kept and linked (marked when stale)."""
    data_folder(data_dir)
    layer.start()
    written: bool | None = None
    try:
        site, before = _check(data_dir, strict, layer, say)
        publish = publishing(config, strict)
        published = history.advance(before.history, site, history.now())
        briefs = make_pdf(site, layer) if pdf else kept_briefs(site, layer, site_dir) if site_dir else Briefs()
        pages, kept = render(site, layer, out_dir, briefs.states, publish.directory_urls)
        files = export(site, layer, publish, published)
        written = False
        report = write(out_dir, {**pages, **files}, kept)
        written = True
        kept_history = write_history(data_dir, before, published)
    finally:
        say(layer.finish(written))
    return Built(len(pages) + len(kept), len(files), report, briefs, kept_history)


def load_site(data_dir: str, problems: Problems, overlay: dict[str, bytes] | None = None) -> Site | None:
    """load → validate with nothing kept: the Site of a data folder (None when it has errors),
    every problem in `problems`."""
    site, found = validate(load(data_dir, overlay), Clean())
    problems.items.extend(found.items)
    return site
