"""MkDocs hooks (mkdocs.yml `hooks:`). The generated Markdown stays engine-neutral; these only
adjust what MkDocs makes of it.

1. The "edit this page" link of a generated page opens the YAML record that produced it, not
   the generated Markdown. The front matter says `generated_by: lsfmm-prep` and
   `source: data/...`; MkDocs makes every page's edit URL from `repo_url` and `edit_uri` (the
   path to docs/ in the repository) plus the page's path, and for a generated page this hook
   swaps the page's path under docs/ for its source's path beside docs/:

       .../edit/main/docs/topics/cache-ext.md  ->  .../edit/main/data/topics/cache-ext.yaml

   A source that is a folder (the agenda and the topic and proposal lists are made from every
   file in one) opens the folder: the edit URL's `edit` becomes `tree` (GitHub and GitLab).
   Hand-written pages keep MkDocs' own link. Without `repo_url` no page has an edit link.

2. The links of every page's content printed as endnotes. After the page is built (so the
   search index never sees the notes), each link in the article gets a number that only print
   shows, and a print-only list of the full addresses is added at the end of the article. The
   work is `generator.pages.markup.link_notes`; this file only finds the article in the theme's HTML.
   Hidden on screen by docs/assets/lsfmm.css.

3. The generated HTML of the pages (tables, link lists, quote blocks, between the lines
   `markup.HTML_START` and `markup.HTML_END`) goes through Python-Markdown untouched: the
   extension `generator.site.splice.Splice` is added to the Markdown extensions, and the links
   and anchors of those blocks, which MkDocs does not see, are checked as MkDocs checks those
   of the Markdown (`splice.check`).
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
import sys
from typing import Any
from urllib.parse import quote

# MkDocs loads this file by path; the generator package sits two folders up.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__)))))
from generator import layout
from generator.pages import markup
from generator.site import splice

del sys.path[0]

log = logging.getLogger("mkdocs.hooks.lsfmm_prep")

_SOURCE = re.compile(r"data/(?:[a-z0-9-]+/)*(?:[a-z0-9-]+\.yaml)?")
ARTICLE_START = '<article class="md-content__inner md-typeset">'
ARTICLE_END = "</article>"


def yaml_edit_url(edit_url: str, page_in_repo: str, source: str) -> str | None:
    """The edit URL of `source` (data/...), from the edit URL MkDocs made for the page at
    `page_in_repo` (docs/...); None when the edit URL does not end with the page's path."""
    if not edit_url.endswith(page_in_repo):
        return None
    base = edit_url[: -len(page_in_repo)]  # the repository's root on the branch to edit
    if source.endswith("/"):
        base = re.sub(r"/edit/(?!.*/edit/)", "/tree/", base)
    return base + quote(source, safe="/")


def on_config(config: Any, **kwargs: Any) -> Any:
    if not any(isinstance(ext, splice.Splice) for ext in config.markdown_extensions):
        config.markdown_extensions.append(splice.Splice())
    return config


def on_page_content(html: str, page: Any, config: Any, files: Any, **kwargs: Any) -> str:
    splice.check(page, config, files, log)
    return html


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any, **kwargs: Any) -> str:
    line = splice.unended(markdown)
    if line is not None:
        log.warning(
            f"{page.file.src_uri}: the generated HTML that starts on line {line} after its front matter has no "
            f"{markup.HTML_END} line: Markdown reads it (was the page edited by hand? build it again)"
        )
    meta = page.meta or {}
    if meta.get("generated_by") != layout.GENERATOR or not page.edit_url:
        return markdown
    source = meta.get("source")
    if not isinstance(source, str) or not _SOURCE.fullmatch(source):
        log.warning(f"{page.file.src_uri}: generated page without a data/ source; no edit link")
        page.edit_url = None
        return markdown
    root = os.path.dirname(os.path.abspath(config.config_file_path or "mkdocs.yml"))
    docs = os.path.relpath(os.path.abspath(config.docs_dir), root).replace(os.sep, "/")
    page_in_repo = posixpath.normpath(posixpath.join(docs, page.file.src_uri))
    url = yaml_edit_url(page.edit_url, page_in_repo, source)
    if url is None:
        log.warning(
            f"{page.file.src_uri}: edit URL {page.edit_url} does not end with {page_in_repo}; "
            "cannot point it at the YAML record, so the page has no edit link (check edit_uri in mkdocs.yml)"
        )
    page.edit_url = url
    return markdown


def on_post_page(output: str, page: Any, config: Any, **kwargs: Any) -> str:
    start = output.find(ARTICLE_START)
    end = output.find(ARTICLE_END, start)
    if start < 0 or end < 0:
        return output
    start += len(ARTICLE_START)
    resolve = markup.site_link_resolver(page.url, config.get("site_url"))
    article, notes = markup.link_notes(output[start:end], resolve)
    if notes:
        article += (
            '<section class="lsf-print-notes" aria-hidden="true"><h2>Links</h2>'
            + markup.endnote_list(notes)
            + "</section>"
        )
    return output[:start] + article + output[end:]
