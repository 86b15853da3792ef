"""The site phase: MkDocs builds docs/ into a fresh folder that then replaces site/, and a
rebuild redoes only the pages whose Markdown changed.

The build is MkDocs' own, run in this process through its public API (config, files,
navigation, pages, the theme's Jinja environment and the plugins' events), in the order
`mkdocs build` runs it: `mkdocs build` stays the reference, and a test compares the two page
by page. What a rebuild can reuse is kept in `SiteState` (in memory under `serve`, in
.lsfmm-cache/ between runs):

- every source file's size and time (and, for pages, the hash of its Markdown),
- each page's anchors, its links to anchors of other pages, and its search index entries.

A rebuild renders a page again when its Markdown changed, or when a file it looked up while it
was rendered (a link's target, found or not: MkDocs resolves every relative link through
`Files.get_file_from_path`) was added or removed. Every other page, static file and
theme file is hard-linked from the site it replaces, so the old site/ is never written to
and stays whole until the swap. The anchor checks run over every page (reused pages keep
what they link to and what they hold), and the search index is written whole from the
entries of every page. Nothing of one page's HTML depends on another page's content when the
navigation names its titles, so this is exact; the navigation is checked, and any change of
the configuration, the theme's overrides, the hooks or the packages (the cache's fingerprint,
under which the state is kept) means a clean build.

MkDocs must be configured with this project's plugins only (`search` and the hooks in
generator/); with any other, every build is a plain `mkdocs build` in a subprocess.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from generator import layout
from generator.cache import snapshot
from generator.cache.snapshot import Stat, walk
from generator.cache.store import Cache, tag
from generator.errors import SiteError
from generator.files import OF_THE_DISK
from generator.site.briefs import keep_briefs, write_briefs
from generator.site.entries import outside_files
from generator.site.pages import Captured, Job, PageState, render_all
from generator.site.swap import discard, fresh_site_folder, swap_site

KNOWN_PLUGINS = {"search", "material/search"}


@dataclass
class SiteState:
    """What one build of the site was made from; `stamp` identifies the site/ it made."""

    docs_dir: str
    docs: dict[str, Stat]  # every file under docs_dir (by path relative to it)
    pages: dict[str, PageState]  # by src_uri
    statics: dict[str, Stat]  # every copied file (theme files too), by absolute source path
    nav: list[tuple[str, str | None, str]]  # (url, title, metadata) of the navigation's pages
    stamp: Stat | None = None  # of site/search/search_index.json after the swap


@dataclass
class Report:
    """What one site build did."""

    rendered: int = 0  # pages converted from Markdown and laid out
    reused: int = 0  # pages linked from the previous site
    pages: int = 0
    clean: bool = True  # a clean build (no previous build to reuse)
    unchanged: bool = False  # nothing changed: site/ was left as it was
    why: str = ""  # why a clean build, when there was a previous site
    seconds: dict[str, float] = field(default_factory=dict)  # per stage


# ------------------------------------------------------------------------------------- build


class Builder:
    """Builds the site into `site_dir`; keeps in `cache` what the next build can reuse."""

    def __init__(self, cache: Cache, site_dir: str, workers: int | None = None) -> None:
        self.cache = cache
        self.config_file = cache.config
        self.site_dir = site_dir
        self.workers = min(os.cpu_count() or 1, 4) if workers is None else workers  # processes that render pages
        self.name = f"site-{tag(site_dir)}"

    # -- the one entry point

    def build(self, briefs: dict[str, bytes], manifest: dict[str, str], may_skip: bool = True) -> Report:
        """Build into a fresh folder, put the briefs into it (`briefs`, made now; else those of
        the old site that `manifest` names), swap it in for site/. Nothing is written when
        nothing changed and `may_skip`."""
        report = Report()
        t0 = time.perf_counter()
        prev = self._usable(report)
        # Before anything is built: MkDocs would publish them. The same config: the same docs_dir.
        refused = outside_files(self.config_file, prev.docs_dir if prev is not None else None)
        if refused:
            raise SiteError("\n".join(refused), self.site_dir)
        docs = walk(prev.docs_dir) if prev is not None else None  # the same docs_dir: same config
        if prev is not None and may_skip and docs is not None and snapshot.same_files(prev.docs, docs, prev.docs_dir):
            report.clean, report.unchanged = False, True
            report.seconds["check"] = time.perf_counter() - t0
            return report
        report.seconds["check"] = time.perf_counter() - t0
        fresh = fresh_site_folder(self.site_dir)
        try:
            state = self._build(fresh, prev, docs, report)
            if state is None:  # other plugins: MkDocs' own command
                _mkdocs_subprocess(self.config_file, fresh, self.site_dir)
            t = time.perf_counter()
            if briefs:
                write_briefs(fresh, briefs, manifest)
            elif manifest:
                keep_briefs(self.site_dir, fresh, manifest)
            swap_site(fresh, self.site_dir)  # the old site is removed in the background
            report.seconds["swap"] = time.perf_counter() - t
        finally:
            discard(fresh)
        t = time.perf_counter()
        if state is not None:
            state.stamp = snapshot.stat(os.path.join(self.site_dir, layout.SITE_STAMP))
            self.cache.save(self.name, state)
            report.seconds["save state"] = time.perf_counter() - t
        else:
            self.cache.forget(self.name)
        report.seconds["total"] = time.perf_counter() - t0
        return report

    # -- what can be reused

    def _usable(self, report: Report) -> SiteState | None:
        prev = self.cache.load(self.name)
        if not isinstance(prev, SiteState):
            if self.cache.outdated(self.name):
                report.why = "the code, configuration, theme overrides, hooks, packages or time zone data changed"
            return None
        if prev.stamp is None or not snapshot.same_file(prev.stamp, os.path.join(self.site_dir, layout.SITE_STAMP)):
            report.why = f"{self.site_dir}/ is not the one the last build made"
            return None
        return prev

    # -- the build

    def _build(
        self, fresh: str, prev: SiteState | None, docs: dict[str, Stat] | None, report: Report
    ) -> SiteState | None:
        """The build into `fresh`; None, having done nothing, when MkDocs is configured with
        plugins (or extra templates) this build does not know."""
        from mkdocs.structure.files import InclusionLevel, get_files, set_exclusions
        from mkdocs.structure.nav import get_navigation
        from mkdocs.structure.pages import Page

        from generator.site.search import faster

        stages = report.seconds
        captured = Captured()
        mk_log = logging.getLogger("mkdocs")
        mk_log.addHandler(captured)
        propagate, mk_log.propagate = mk_log.propagate, False
        config = None
        try:
            t = time.perf_counter()
            config = _load(self.config_file, fresh)
            if not set(config.plugins) - set(config.hooks) <= KNOWN_PLUGINS or config.extra_templates:
                report.why = "MkDocs has plugins this build does not know"
                return None
            config.plugins.on_startup(command="build", dirty=False)
            config = config.plugins.on_config(config)
            config.plugins.on_pre_build(config=config)
            files = get_files(config)
            env = config.theme.get_env()
            env.bytecode_cache = self.cache.theme_bytecode()  # serve: compiled once, not every rebuild
            files.add_files_from_theme(env, config)
            files = config.plugins.on_files(files, config=config)
            set_exclusions(files, config)
            nav = get_navigation(files, config)
            nav = config.plugins.on_nav(nav, config=config, files=files)
            if docs is None:
                docs = walk(config.docs_dir)
            doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
            for p in nav.pages:  # their titles and metadata show in every page's navigation
                p.read_source(config)
            nav_titles = [(p.url, p.title, repr(p.meta)) for p in nav.pages]
            if prev is not None and nav_titles != prev.nav:
                report.why, prev = "the navigation changed", None
            report.clean = prev is None
            stages["load"] = time.perf_counter() - t

            t = time.perf_counter()
            shas = {}
            redo: set[str] = set()
            for f in doc_files:
                st = docs.get(f.src_uri)
                old = prev.pages.get(f.src_uri) if prev else None
                if old is not None and st is not None and prev is not None and prev.docs.get(f.src_uri) == st:
                    shas[f.src_uri] = old.sha
                    continue
                if st is not None and len(st) == 3:  # written just now: the walk took its content
                    shas[f.src_uri] = st[2]
                else:
                    with open(f.abs_src_path, "rb") as fh:
                        shas[f.src_uri] = hashlib.sha256(fh.read()).hexdigest()
                if old is None or old.sha != shas[f.src_uri]:
                    redo.add(f.src_uri)
            if prev is not None:
                redo |= _linking_to_changed(prev, docs)
            stages["compare"] = time.perf_counter() - t

            env = config.plugins.on_env(env, config=config, files=files)
            search = config.plugins.get("material/search") or config.plugins.get("search")
            index = getattr(search, "search_index", None)
            if index is not None:  # the same entries, made without re-parsing each page
                index = search.search_index = faster(index)

            t = time.perf_counter()
            made: set[str] = set()  # folders of the fresh site made for linked files
            _copy_static(files, InclusionLevel.is_included, prev, self.site_dir, made)
            for name in sorted(config.theme.static_templates):
                _theme_template(name, env, files, config, nav)
            stages["static files"] = time.perf_counter() - t

            t = time.perf_counter()
            for f in doc_files:
                if f.page is None:
                    Page(None, f, config)
            old_site = self.site_dir  # a page whose built file is gone from it is rendered again
            todo = [
                f
                for f in doc_files
                if prev is None or f.src_uri in redo or not os.path.isfile(os.path.join(old_site, f.dest_uri))
            ]
            job = Job(config, files, nav, env, doc_files, index, shas, captured)
            rendered = render_all(job, todo, self.workers)
            pages: dict[str, PageState] = {}
            for f in doc_files:
                page = f.page
                if f.src_uri in rendered:
                    state = rendered[f.src_uri]
                    report.rendered += 1
                else:
                    assert prev is not None
                    old = prev.pages[f.src_uri]
                    _link(os.path.join(self.site_dir, f.dest_uri), f.abs_dest_path, made)
                    state = PageState(shas[f.src_uri], old.anchors, old.anchor_links, old.search, old.looked_up)
                    report.reused += 1
                pages[f.src_uri] = state
                # What the anchor checks read of a page: its anchors, its links to anchors.
                page.present_anchor_ids = set(state.anchors)
                targets = {u: files.get_file_from_path(u) for u in state.anchor_links}
                page.links_to_anchors = {targets[u]: links for u, links in state.anchor_links.items() if targets[u]}
            report.pages = len(doc_files)
            stages["pages"] = time.perf_counter() - t

            t = time.perf_counter()
            level = config.validation.links.anchors
            for f in doc_files:
                f.page.validate_anchor_links(files=files, log_level=level)
            if index is not None:  # the whole index, in the order `mkdocs build` adds pages
                index.entries = [e for f in doc_files for e in pages[f.src_uri].search]
            config.plugins.on_post_build(config=config)
            stages["search index"] = time.perf_counter() - t
            if captured.lines:
                raise SiteError("\n".join(captured.lines), self.site_dir)
            return SiteState(
                os.path.abspath(config.docs_dir),
                docs,
                pages,
                _static_stats(files, InclusionLevel.is_included),
                nav_titles,
            )
        except SiteError:
            raise
        except Exception as exc:  # MkDocs' own errors (a broken page, a template error)
            from mkdocs.exceptions import MkDocsException

            if isinstance(exc, OSError) and exc.errno in OF_THE_DISK:  # a full disk: the machine's, said as such
                if exc.filename is None:  # a page written by MkDocs: into the fresh folder
                    exc.filename = fresh
                raise
            if not isinstance(exc, (MkDocsException, OSError)) and not captured.lines:
                raise
            raise SiteError("\n".join([*captured.lines, f"ERROR   -  {exc}"]), self.site_dir) from None
        finally:
            mk_log.removeHandler(captured)
            mk_log.propagate = propagate
            if config is not None:
                config.plugins.on_shutdown()


def _load(config_file: str, site_dir: str) -> Any:
    """MkDocs' configuration, as `mkdocs build --strict --site-dir` loads it."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    try:
        return load_config(config_file=config_file, site_dir=site_dir, strict=True)
    except (Abort, ConfigurationError) as exc:
        raise SiteError(f"ERROR   -  {exc}", site_dir) from None


def _theme_template(name: str, env: Any, files: Any, config: Any, nav: Any) -> None:
    """A static template of the theme (404.html, sitemap.xml), as `mkdocs build` writes it."""
    from mkdocs import utils
    from mkdocs.commands.build import get_context

    template = env.get_template(name)
    template = config.plugins.on_pre_template(template, template_name=name, config=config)
    if utils.is_error_template(name):  # absolute links: an error page is served at any address
        base_url = urlsplit(config.site_url or "/").path
    else:
        base_url = utils.get_relative_url(".", name)
    context = get_context(nav, files, config, base_url=base_url)
    context = config.plugins.on_template_context(context, template_name=name, config=config)
    output = config.plugins.on_post_template(template.render(context), template_name=name, config=config)
    if not output.strip():
        return
    path = os.path.join(config.site_dir, name)
    utils.write_file(output.encode("utf-8"), path)
    if name == "sitemap.xml":
        stamp = utils.get_build_timestamp(pages=[f.page for f in files.documentation_pages() if f.page is not None])
        with (
            open(f"{path}.gz", "wb") as fh,
            gzip.GzipFile(fileobj=fh, filename=f"{path}.gz", mode="wb", mtime=stamp) as gz,
        ):
            gz.write(output.encode("utf-8"))


def _static_files(files: Any, inclusion: Any) -> Iterator[Any]:
    for f in files:
        if not f.is_documentation_page() and inclusion(f.inclusion):
            yield f


def _static_stats(files: Any, inclusion: Any) -> dict[str, Stat]:
    found = {}
    for f in _static_files(files, inclusion):
        st = snapshot.stat(f.abs_src_path) if f.abs_src_path else None
        if st is not None:
            found[f.abs_src_path] = st
    return found


def _copy_static(files: Any, inclusion: Any, prev: SiteState | None, site_dir: str, made: set[str]) -> None:
    """Static files (theme assets, docs/assets, exports) into the fresh site: linked from
    the previous site when their source did not change, else copied."""
    for f in _static_files(files, inclusion):
        same = prev is not None and f.abs_src_path and prev.statics.get(f.abs_src_path) == snapshot.stat(f.abs_src_path)
        if not (same and _link(os.path.join(site_dir, f.dest_uri), f.abs_dest_path, made)):
            f.copy_file()


def _link(old: str, new: str, made: set[str]) -> bool:
    """Hard-link a file of the previous site into the fresh one (a copy where links are not
    possible). The previous site's file is never opened for writing. `made`: the folders of
    the fresh site made so far (a rebuild links every page: each folder is made once)."""
    folder = os.path.dirname(new)
    if folder not in made:
        os.makedirs(folder, exist_ok=True)
        made.add(folder)
    try:
        os.link(old, new)
    except FileNotFoundError:
        return False
    except OSError:
        shutil.copy2(old, new)
    return True


def _linking_to_changed(prev: SiteState, docs: dict[str, Stat]) -> set[str]:
    """The pages that looked up a file that was added or removed since: their links (or the
    warnings about them) may change."""
    changed = set(docs) ^ set(prev.docs)
    if not changed:
        return set()
    return {uri for uri, page in prev.pages.items() if page.looked_up & changed}


def _mkdocs_subprocess(config_file: str, fresh: str, site_dir: str) -> None:
    """`mkdocs build` as the command runs it: for configurations with other plugins."""
    # Not --quiet: it drops MkDocs' warnings before --strict counts them. The log is shown
    # only when the build fails.
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", config_file, "--site-dir", fresh],
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SiteError(result.stdout + result.stderr, site_dir)
