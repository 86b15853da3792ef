"""The pages of the site build: each rendered as `mkdocs build` renders it (Markdown to HTML,
the theme's template, the plugins' events), noting the files its links were resolved against;
many at once in forked workers that share the build's MkDocs objects. Each page's HTML depends
on its own Markdown only (and on which files exist), so the split cannot change a byte."""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from dataclasses import dataclass
from typing import Any


def _render(
    page: Any, config: Any, files: Any, nav: Any, env: Any, doc_files: Any, index: Any
) -> tuple[list[dict[str, Any]], frozenset[str]]:
    """One page as `mkdocs build` makes it: Markdown to HTML, then the theme's template,
    written. Returns its search index entries, and the files its links were resolved against."""
    from mkdocs import utils
    from mkdocs.commands.build import get_context

    page = config.plugins.on_pre_page(page, config=config, files=files)
    page.read_source(config)
    page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
    looked_up = _LookedUp(files)
    page.render(config, looked_up)
    # The hooks check the links of the generated HTML there (generator.site.splice): their
    # look-ups are the page's too.
    page.content = config.plugins.on_page_content(page.content, page=page, config=config, files=looked_up)
    page.active = True
    try:
        context = get_context(nav, doc_files, config, page)
        template = env.get_template(page.meta.get("template", "main.html"))
        before = len(index.entries) if index is not None else 0
        context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
        entries = index.entries[before:] if index is not None else []
        output = template.render(context)
        output = config.plugins.on_post_page(output, page=page, config=config)
        if output.strip():
            utils.write_file(output.encode("utf-8", errors="xmlcharrefreplace"), page.file.abs_dest_path)
    finally:
        page.active = False
    return list(entries), frozenset(looked_up.paths)


class _LookedUp:
    """MkDocs' files as a page's Markdown is rendered, noting every path looked up: each
    relative link is resolved by `Files.get_file_from_path` (found or not, the page's HTML
    depends on whether the file is there). Everything else is the files' own."""

    def __init__(self, files: Any) -> None:
        self._files = files
        self.paths: set[str] = set()

    def get_file_from_path(self, path: str) -> Any:
        self.paths.add(path)
        return self._files.get_file_from_path(path)

    def note(self, path: str) -> None:
        """A path (normalized) looked up another way: by the splice's link check, in the
        files' `src_uris` (generator.site.splice)."""
        self.paths.add(path)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._files, name)

    def __iter__(self) -> Any:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)

    def __contains__(self, path: object) -> bool:
        if isinstance(path, str):
            self.paths.add(path)
        return path in self._files


@dataclass
class Job:
    """What rendering a page needs: MkDocs' objects of this build."""

    config: Any
    files: Any
    nav: Any
    env: Any
    doc_files: Any
    index: Any
    shas: dict[str, str]
    captured: Captured


PARALLEL_FROM = 200  # pages to render before a second process is worth its start


def _render_some(job: Job, todo: list[Any]) -> tuple[dict[str, PageState], list[str]]:
    """Render pages; what later steps need of each, and MkDocs' warnings meanwhile."""
    logged = len(job.captured.lines)
    out = {}
    for f in todo:
        page = f.page
        entries, looked_up = _render(page, job.config, job.files, job.nav, job.env, job.doc_files, job.index)
        out[f.src_uri] = PageState(
            job.shas[f.src_uri],
            sorted(page.present_anchor_ids or ()),
            {t.src_uri: dict(links) for t, links in (page.links_to_anchors or {}).items()},
            entries,
            looked_up,
        )
        page.content = None  # written: free it (a summit's pages do not all fit in memory twice)
        page.markdown = None
    return out, job.captured.lines[logged:]


_JOB: Job | None = None  # the job of forked workers (inherited, never pickled)


def _worker(todo: list[str]) -> tuple[dict[str, PageState], list[str]]:
    assert _JOB is not None
    by_uri = {f.src_uri: f for f in _JOB.doc_files}
    return _render_some(_JOB, [by_uri[u] for u in todo])


def render_all(job: Job, todo: list[Any], workers: int) -> dict[str, PageState]:
    """Render the pages to render: in this process, or, for many pages, in forked workers that
    share this build's MkDocs objects and write their pages into the fresh folder. Each page's
    HTML depends on its own Markdown only, so the split cannot change a byte. The workers end
    with this process, however it ends."""
    global _JOB
    if workers < 2 or len(todo) < PARALLEL_FROM or threading.active_count() > 1:  # never fork with threads
        return _render_some(job, todo)[0]
    from concurrent.futures import ProcessPoolExecutor

    from generator.builder.apart import die_with

    chunks = [[f.src_uri for f in todo[n :: workers * 4]] for n in range(workers * 4)]
    _JOB = job
    try:
        with ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork"), initializer=die_with, initargs=(os.getpid(),)
        ) as pool:
            done = list(pool.map(_worker, chunks))
    finally:
        _JOB = None
    out: dict[str, PageState] = {}
    for states, lines in done:
        out.update(states)
        job.captured.lines.extend(lines)
    return out


@dataclass
class PageState:
    """What a later build needs of a page it does not render again."""

    sha: str  # of its Markdown file
    anchors: list[str]
    anchor_links: dict[str, dict[str, str]]  # target page src_uri -> {anchor: link as written}
    search: list[dict[str, Any]]  # its entries in the search index, in order
    looked_up: frozenset[str] = frozenset()  # the files its links were resolved against (src_uri)


class Captured(logging.Handler):
    """MkDocs' log during the build: every message at WARNING or above, as `mkdocs build`
    prints them ('WARNING -  ...'); in strict mode any one fails the build."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.levelname:<8}-  {record.getMessage()}")
