"""Where the site is published, read from mkdocs.yml (an I/O edge, like yamlload) once per
build by the pipeline, which hands the result (`layout.Publish`) to the exports.

The calendar and data exports name pages by URL, so the generator needs two of the site's
settings: `site_url` (absolute links in agenda.ics; left out when unset) and
`use_directory_urls` (whether a page is `topics/x/` or `topics/x.html`; Material's offline
plugin, when on, turns it off, and the pages' generated HTML links as it makes them). Nothing
else in mkdocs.yml is read. The file is composed, never constructed, so MkDocs' own tags
(`!!python/name:`, `!relative`) elsewhere are no problem; these two settings are read as MkDocs
reads them, `!ENV` included: `site_url: !ENV [SITE_URL, https://...]` takes the address from
the environment (the Pages workflows set it), through the very function MkDocs registers for
that tag (pyyaml_env_tag), so the exports and the site always name the same address.
"""

from __future__ import annotations

import os
import posixpath
import re
from typing import Any

import yaml
from yaml_env_tag import construct_env_tag

from generator.errors import Problems
from generator.layout import Publish

_URL = re.compile(r"https?://[^\s<>\"'`]+")
ENV_TAG = "!ENV"


def read_publish(config_path: str, problems: Problems) -> Publish:
    """The publishing settings of an mkdocs.yml; defaults when the file does not exist."""
    if not os.path.exists(config_path):
        return Publish()
    shown = posixpath.normpath(config_path.replace(os.sep, "/"))
    try:
        root = compose(config_path)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.error(shown, mark.line + 1 if mark else 0, f"cannot read the site configuration: {_one_line(exc)}")
        return Publish()
    return publish_of(root, shown, problems)


def compose(config_path: str) -> yaml.Node | None:
    """mkdocs.yml as a tree of nodes, no tag constructed."""
    with open(config_path, encoding="utf-8") as fh:
        return yaml.compose(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def publish_of(root: yaml.Node | None, shown: str, problems: Problems) -> Publish:
    """The two settings of a composed mkdocs.yml, as MkDocs reads them."""
    if not isinstance(root, yaml.MappingNode):
        problems.error(shown, 0, "expected a mapping of MkDocs settings")
        return Publish()
    values = {k.value: v for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    site_url = None
    node = values.get("site_url")
    if node is not None:
        value = _value(node, shown, problems)
        text = value.strip() if isinstance(value, str) else value
        if text is None or text == "":
            pass  # unset, as MkDocs has it: the exports link relatively
        elif isinstance(text, str) and _URL.fullmatch(text):
            site_url = text if text.endswith("/") else text + "/"
        elif text is not _UNREADABLE:
            problems.error(
                shown,
                node.start_mark.line + 1,
                f"site_url must be an http:// or https:// URL, found {text!r}{_from_env(node)}",
            )
    directory_urls = True
    node = values.get("use_directory_urls")
    if node is not None:
        directory_urls = _value(node, shown, problems) is not False
    if directory_urls and _offline(values.get("plugins"), shown, problems):
        directory_urls = False  # what Material's offline plugin sets, so that pages open from files
    return Publish(site_url, directory_urls)


OFFLINE_PLUGINS = ("offline", "material/offline")


def _offline(node: yaml.Node | None, shown: str, problems: Problems) -> bool:
    """Whether the plugins (a list of names or of one-key mappings, or a mapping) hold Material's
    offline plugin, enabled: it turns `use_directory_urls` off, and pages link as it makes them."""
    entries: list[tuple[yaml.Node, yaml.Node | None]] = []
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if isinstance(item, yaml.MappingNode):
                entries += item.value
            else:
                entries.append((item, None))
    elif isinstance(node, yaml.MappingNode):
        entries = list(node.value)
    for name, options in entries:
        if not (isinstance(name, yaml.ScalarNode) and name.value in OFFLINE_PLUGINS):
            continue
        enabled = None
        if isinstance(options, yaml.MappingNode):
            enabled = next(
                (v for k, v in options.value if isinstance(k, yaml.ScalarNode) and k.value == "enabled"), None
            )
        if enabled is None or _value(enabled, shown, problems) is not False:
            return True
    return False


def env_names(node: yaml.Node) -> list[str]:
    """The environment variables an `!ENV` node reads, in order (its last item, when it has
    several, is the default); none for any other node."""
    if node.tag != ENV_TAG:
        return []
    if isinstance(node, yaml.ScalarNode):
        return [node.value]
    if isinstance(node, yaml.SequenceNode):
        names = node.value[:-1] if len(node.value) > 1 else node.value
        return [n.value for n in names if isinstance(n, yaml.ScalarNode)]
    return []


def env_read(root: yaml.Node | None) -> list[tuple[str, str | None]]:
    """Every environment variable an `!ENV` anywhere in the file reads, with its value now:
    MkDocs resolves them all, so they are part of the configuration."""
    out: list[tuple[str, str | None]] = []
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        out += [(name, os.environ.get(name)) for name in env_names(node)]
        if isinstance(node, yaml.SequenceNode):
            stack += node.value
        elif isinstance(node, yaml.MappingNode):
            stack += [part for pair in node.value for part in pair]
    return sorted(set(out), key=lambda pair: (pair[0], pair[1] or ""))


_UNREADABLE = object()


def _value(node: yaml.Node, shown: str, problems: Problems) -> Any:
    """A setting's value: YAML's plain types, or `!ENV` resolved as MkDocs resolves it."""
    loader = yaml.SafeLoader("")
    try:
        if node.tag == ENV_TAG:
            return construct_env_tag(loader, node)
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        problems.error(shown, node.start_mark.line + 1, f"cannot read the site configuration: {_one_line(exc)}")
        return _UNREADABLE
    finally:
        loader.dispose()


def _from_env(node: yaml.Node) -> str:
    """' (from the environment variable X)' when an `!ENV` node took its value from X."""
    found = [name for name in env_names(node) if name in os.environ]
    return f" (from the environment variable {found[0]})" if found else ""


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())
