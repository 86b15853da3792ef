"""Where the site is published, read from mkdocs.yml (an I/O edge, like yamlload) once per
build by the pipeline, which hands the result (`layout.Publish`) to the exports.

The calendar and data exports name pages by URL, so the generator needs two of the site's
settings: `site_url` (absolute links in agenda.ics; left out when unset) and
`use_directory_urls` (whether a page is `topics/x/` or `topics/x.html`). Nothing else in
mkdocs.yml is read. The file is composed, never constructed, so MkDocs' own tags (`!ENV`,
`!!python/name:`) are no problem.
"""

from __future__ import annotations

import os
import posixpath
import re

import yaml

from generator.errors import Problems
from generator.layout import Publish

_URL = re.compile(r"https?://[^\s<>\"'`]+")


def read_publish(config_path: str, problems: Problems) -> Publish:
    """The publishing settings of an mkdocs.yml; defaults when the file does not exist."""
    if not os.path.exists(config_path):
        return Publish()
    shown = posixpath.normpath(config_path.replace(os.sep, "/"))
    try:
        with open(config_path, encoding="utf-8") as fh:
            root = yaml.compose(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.error(shown, mark.line + 1 if mark else 0, f"cannot read the site configuration: {_one_line(exc)}")
        return Publish()
    if not isinstance(root, yaml.MappingNode):
        problems.error(shown, 0, "expected a mapping of MkDocs settings")
        return Publish()
    values = {k.value: v for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    site_url = None
    node = values.get("site_url")
    if isinstance(node, yaml.ScalarNode) and node.value.strip() not in ("", "~", "null"):
        text = node.value.strip()
        if _URL.fullmatch(text):
            site_url = text if text.endswith("/") else text + "/"
        else:
            problems.error(
                shown, node.start_mark.line + 1, f"site_url must be an http:// or https:// URL, found {text!r}"
            )
    directory_urls = True
    node = values.get("use_directory_urls")
    if isinstance(node, yaml.ScalarNode):
        directory_urls = node.value.strip().lower() not in ("false", "no", "off")
    return Publish(site_url, directory_urls)


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())
