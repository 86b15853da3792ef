r"""The one way through a build, read top to bottom (`run`):

    lock → recover → no-op check → load → validate → (pdf) → render → export → write → site → record
                                   \ generate: in a process of its own when the site follows /

| phase     | where                      | in → out                                          | kind |
|-----------|----------------------------|---------------------------------------------------|------|
| lock      | `files.build_lock`         | one build at a time over the same folders         | I/O |
| recover   | `site.swap.recover_site`   | the site a killed swap left aside, put back;      | I/O |
|           | `site.servestatus.clear`   | serve's status file removed from it               |     |
| no-op     | `cache.noop`               | nothing changed since the last `site --strict`?   | I/O: stats |
| load      | `builder.load`             | data folder → every data file's bytes             | I/O: reads data/ |
| validate  | `records`                  | those bytes → the Site, or problems               | pure |
| pdf       | `builder.briefs`           | Site → {brief file: PDF bytes} (`--pdf`)          | pure |
| render    | `pages`                    | Site → each page's Markdown, to the writer        | pure |
| export    | `exports`                  | Site → {calendars, data.json (in pieces)}         | pure |
| write     | `builder.write`            | each page and export staged in docs/ as it comes; | I/O |
|           |                            | all moved into place; calendar history → data/    |     |
| site      | `site`                     | docs/ → a fresh site folder swapped in for site/  | I/O: MkDocs |
| record    | `cache`                    | what the build was made from, for the next        | I/O |

`build`, `site` and each rebuild of `serve` call `run`; `check` and `agenda` call `check`. The
cache is opened by the command and handed in (`cache.store.Cache`): the phases that can reuse
earlier work (validate, render, export, site) ask it, and a build with the cache off runs the
same code with nothing kept. Nothing is written unless everything before succeeded; the
calendar history in data/ last, once the pages are. Warnings come back in the result, and so
does an error: nothing here prints.

The stages are imported when a build runs, after the no-op check: a `site` with nothing to do
costs a walk of the files, not the imports of MkDocs, Jinja and the records.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from generator import layout
from generator.cache.noop import Noop
from generator.cache.store import Cache
from generator.errors import DataError, LsfError, Problems
from generator.files import WriteReport, build_lock, disk_error

if TYPE_CHECKING:
    from generator.builder.briefs import Briefs
    from generator.builder.load import Loaded
    from generator.builder.write import HistoryWrite
    from generator.cache.reuse import Reuse
    from generator.layout import Publish
    from generator.records.model import DataFile, Known, Site
    from generator.site.sitebuild import Report


@dataclass(frozen=True)
class Request:
    """What to build. `site_dir` None: the pages only (the `build` command). `may_skip`: stop
    at once when nothing changed since the last successful build with these folders."""

    data: str
    out: str
    config: str
    strict: bool
    site_dir: str | None = None
    pdf: bool = False
    may_skip: bool = False


@dataclass
class Built:
    """What the generation phases did."""

    pages: int  # pages of the site
    exports: int  # export files
    report: WriteReport
    briefs: Briefs  # for site/briefs/
    history: HistoryWrite  # data/calendar-history.yaml: written, or why not


@dataclass
class Result:
    """What a build did, what it has to say, and the error that stopped it (nothing raised)."""

    warnings: list[str] = field(default_factory=list)
    recovered: str | None = None  # the folder site/ was put back from
    unchanged: bool = False  # the no-op check: nothing to do, nothing done
    built: Built | None = None
    site: Report | None = None
    generated: float = 0.0  # seconds of the phases before the site
    error: LsfError | None = None


def run(req: Request, cache: Cache) -> Result:
    """lock → recover → no-op check → generate → site → record."""
    from generator.site import servestatus
    from generator.site.swap import recover_site

    result = Result()
    try:
        with build_lock(req.out, req.data):
            if req.site_dir is not None:
                result.recovered = recover_site(req.site_dir)
                servestatus.clear(req.site_dir)  # serve's alone: never in a site that is published
            noop = Noop(cache, req.data, req.out, req.site_dir) if req.may_skip and req.site_dir else None
            before = noop.before() if noop is not None else None
            if noop is not None and before is not None and noop.unchanged(before):
                result.unchanged = True
                return result
            started = time.perf_counter()
            result.built = generation(req, cache, result.warnings)
            result.generated = time.perf_counter() - started
            if req.site_dir is not None:
                result.site = build_site(req.site_dir, cache, result.built.briefs)
            if noop is not None and before is not None:
                noop.record(before)  # under the lock: another build may follow at once
    except LsfError as exc:
        result.error = exc
    except OSError as exc:  # the machine's (a full disk, a read-only folder): one line, what to do
        result.error = disk_error(exc, _folders(req), f"{req.site_dir}/ was left as it was" if req.site_dir else "")
    finally:
        result.warnings += cache.take_warnings()
    return result


def _folders(req: Request) -> dict[str, str]:
    """The folders a build writes, by path, as its messages name them."""
    out = {req.data: f"{req.data}/", req.out: f"{req.out}/"}
    if req.site_dir is not None:  # the fresh site is built beside it
        parent = os.path.dirname(os.path.abspath(req.site_dir))
        out.update(
            {
                parent: f"{layout.display_path(parent)}/, where {req.site_dir}/ is built",
                req.site_dir: f"{req.site_dir}/",
            }
        )
    return out


def generation(req: Request, cache: Cache, warnings: list[str]) -> Built:
    """`generate`, in a process of its own when the site phase follows and nothing is kept in
    memory between builds (not serve): the site phase and the page workers it forks then
    start from a process that never held the records (at ten times M the generation holds
    most of a gigabyte, which a process does not give back to the system when it frees it,
    and which every forked worker would count again). Its warnings and the cache's come back
    with it, and so does the error that stopped it."""
    from generator.builder.apart import in_child

    if req.site_dir is None or cache.live:
        return generate(req, cache, warnings)
    said: list[str] = []
    outcome = in_child(lambda: generate(req, cache, said), lambda: (said, cache.take_warnings()))
    if outcome.also is not None:
        warnings += outcome.also[0]
        cache.warnings += outcome.also[1]
    return outcome.result()


def generate(req: Request, cache: Cache, warnings: list[str]) -> Built:
    """load → validate → (pdf) → render → export → write. With `pdf`, the briefs are laid out
    first and topic pages link to them; else, with a site folder, the briefs of the site there
    are kept and linked (marked when stale)."""
    reuse = cache.reuse()
    done: list[bool | None] = [None]  # the pages were written: True, or writing failed: False
    try:
        return _generate(req, cache, warnings, reuse, done)
    finally:  # the Site and what only this build used are let go of by now: not held while saved
        cache.keep(reuse, done[0])


def _generate(req: Request, cache: Cache, warnings: list[str], reuse: Reuse, done: list[bool | None]) -> Built:
    from generator.builder.briefs import Briefs, kept_briefs, make_pdf
    from generator.builder.write import PageWriter, write_history
    from generator.exports import history
    from generator.exports.export import exports
    from generator.pages.render import Renderer, render_changed
    from generator.records.view import RecordedSite

    with reuse.remembering(), PageWriter(req.out) as writer:
        loaded = load(req.data)
        site = validate(loaded, reuse, req.strict, warnings)
        read_history = loaded.history
        del loaded  # the data files' bytes: parsed
        publish = publishing(req.config, req.strict)
        published = history.advance(read_history.history, site, history.now())
        stuck = history.overflow(read_history, published)
        if stuck.items:
            raise DataError(stuck, req.strict)
        recorded = Renderer(RecordedSite(site, reuse), publish.directory_urls, cache.templates())
        if req.pdf:
            briefs = make_pdf(site, recorded)
        else:
            briefs = kept_briefs(site, recorded, req.site_dir) if req.site_dir else Briefs()
        site = site.with_inputs({f"brief:{tid}": state for tid, state in briefs.states.items()})
        # Each page is staged in docs/ as it is made; only once every page and export is
        # made does `commit` move them into place (a failure before leaves docs/ as it was).
        rendered, kept = render_changed(site, reuse, req.out, writer.add, publish.directory_urls, cache.templates())
        reuse.forget_unkept()
        files = exports(RecordedSite(site, reuse), publish, published, streamed=True)
        exported = len(files)
        for path in list(files):
            writer.add(path, files.pop(path))  # data.json in pieces, made as they are written
        done[0] = False
        report = writer.commit(keep=kept)
        done[0] = True
        kept_history = write_history(req.data, read_history, published)
    return Built(rendered + len(kept), exported, report, briefs, kept_history)


def build_site(site_dir: str, cache: Cache, briefs: Briefs) -> Report:
    """MkDocs builds docs/ into a fresh folder (reusing the pages of the previous build that
    did not change), the briefs are put into it (made now, or kept from the site it
    replaces), and it replaces site/ whole. Nothing is written when nothing changed."""
    from generator.site.briefs import read_brief_manifest
    from generator.site.sitebuild import Builder

    may_skip = not briefs.files and read_brief_manifest(site_dir) == briefs.manifest
    return Builder(cache, site_dir).build(briefs.files, briefs.manifest, may_skip)


# ---------------------------------------------------------------------------------- the phases


def load(data_dir: str, overlay: dict[str, bytes] | None = None) -> Loaded:
    from generator.builder import load as loading

    return loading.load(loading.data_folder(data_dir), overlay)


def validate(loaded: Loaded, reuse: Reuse | None, strict: bool, warnings: list[str]) -> Site:
    """Parse and check every file, then every rule across files: the Site, its warnings added
    to `warnings`; problems that stop the build raise DataError."""
    from generator.records import model

    problems = Problems(list(loaded.problems.items))
    site = model.validate(model.parse_all(_taken(loaded.files), reuse), problems, loaded.data_dir)
    if site is None or problems.failed(strict):
        raise DataError(problems, strict)
    warnings += problems.report(strict)
    return site


def _taken(files: list[DataFile]) -> Iterator[DataFile]:
    """The files in order, each let go of by the list as it is handed out: its bytes are freed
    once it is parsed, not held until every file is (a summit's data is 150 MB of YAML)."""
    files.reverse()
    while files:
        yield files.pop()


def publishing(config: str, strict: bool) -> Publish:
    """Where the site is published (mkdocs.yml), for the exports' addresses."""
    from generator.site.config import read_publish

    problems = Problems()
    publish = read_publish(config, problems)
    if problems.failed(strict):
        raise DataError(problems, strict)
    return publish


def check(data_dir: str, strict: bool, cache: Cache | None = None, overlay: dict[str, bytes] | None = None) -> Checked:
    """load → validate, nothing written (but the cache): the Site and its warnings. The
    cache's own warnings stay in it (`Cache.take_warnings`), said even when the data fails."""
    warnings: list[str] = []
    reuse = cache.reuse() if cache is not None else None
    try:
        with reuse.remembering() if reuse is not None else contextlib.nullcontext():
            site = validate(load(data_dir, overlay), reuse, strict, warnings)
    finally:
        if cache is not None and reuse is not None:
            cache.keep(reuse, None)
    return Checked(site, warnings)


@dataclass
class Checked:
    site: Site
    warnings: list[str]


def load_known(data_dir: str, problems: Problems) -> Known:
    """load → validate with nothing kept, whether or not the data checks: what it holds (for
    `new`, which adds to data that fails elsewhere), every problem in `problems`."""
    from generator.records import model

    loaded = load(data_dir)
    problems.items.extend(loaded.problems.items)
    results = model.parse_all(loaded.files)
    model.validate(results, problems, loaded.data_dir)
    return model.known(results, loaded.data_dir)


def load_site(data_dir: str, problems: Problems, overlay: dict[str, bytes] | None = None) -> Site | None:
    """load → validate with nothing kept: the Site of a data folder (None when it has errors),
    every problem in `problems`."""
    from generator.records import model

    loaded = load(data_dir, overlay)
    problems.items.extend(loaded.problems.items)
    return model.validate(model.parse_all(loaded.files), problems, loaded.data_dir)
