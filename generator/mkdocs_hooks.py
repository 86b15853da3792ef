"""MkDocs hook (mkdocs.yml `hooks:`): the links of every page's content printed as endnotes.

After the page is built (so the search index never sees the notes), each link in the article
gets a number that only print shows, and a print-only list of the full addresses is added at
the end of the article. The work is `generator.markup.link_notes`; this file only finds the
article in the theme's HTML. Hidden on screen by docs/assets/lsfmm.css.
"""

from __future__ import annotations

import os
import sys
from typing import Any

# MkDocs loads this file by path; the generator package sits one folder up.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
from generator import markup

del sys.path[0]

ARTICLE_START = '<article class="md-content__inner md-typeset">'
ARTICLE_END = "</article>"


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
