"""The edit-link hook's URL rule (the built sites are checked in tests/test_site.py)."""

import pytest

from generator import mkdocs_hooks
from generator.write import MARK


@pytest.mark.parametrize(
    ("edit_url", "page", "source", "want"),
    [
        (
            "https://github.com/o/r/edit/main/docs/topics/x.md",
            "docs/topics/x.md",
            "data/topics/x.yaml",
            "https://github.com/o/r/edit/main/data/topics/x.yaml",
        ),
        (
            "https://gitlab.com/o/r/-/edit/main/docs/agenda.md",
            "docs/agenda.md",
            "data/topics/",
            "https://gitlab.com/o/r/-/tree/main/data/topics/",
        ),
        (  # mkdocs.yml in a subfolder of the repository: its data/ is beside its docs/
            "https://github.com/o/r/edit/main/site-src/docs/index.md",
            "docs/index.md",
            "data/event.yaml",
            "https://github.com/o/r/edit/main/site-src/data/event.yaml",
        ),
        # An edit URL that does not end with the page's path (a query-style template): no guess.
        ("https://example.org/edit?path=docs/index.md&x=1", "docs/index.md", "data/event.yaml", None),
    ],
)
def test_yaml_edit_url(edit_url, page, source, want):
    assert mkdocs_hooks.yaml_edit_url(edit_url, page, source) == want


def test_the_hook_knows_the_generated_marker():
    assert MARK.split(": ") == ["generated_by", mkdocs_hooks.GENERATED_BY]
