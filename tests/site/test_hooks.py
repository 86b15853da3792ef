"""The edit-link hook's URL rule (the built sites are checked in tests/site/test_site.py)."""

import pytest

from generator.layout import MARK
from generator.site import hooks as mkdocs_hooks


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


def test_the_hook_knows_the_front_matter_of_generated_pages():
    """The hook reads the front matter that markup.front_matter writes: a page with it gets the
    YAML edit link, a hand-written page keeps MkDocs' own."""
    import yaml

    from generator.pages.markup import front_matter

    meta = yaml.safe_load(front_matter("A title", "data/topics/x.yaml").strip("-\n"))

    class Page:
        def __init__(self, meta):
            self.meta = meta
            self.edit_url = "https://github.com/o/r/edit/main/docs/topics/x.md"
            self.file = type("File", (), {"src_uri": "topics/x.md"})()

    config = type("Config", (), {"config_file_path": "/repo/mkdocs.yml", "docs_dir": "/repo/docs"})()
    generated, hand_written = Page(meta), Page({"title": "A title"})
    for page in (generated, hand_written):
        mkdocs_hooks.on_page_markdown("", page, config, None)
    assert generated.edit_url == "https://github.com/o/r/edit/main/data/topics/x.yaml"
    assert hand_written.edit_url == "https://github.com/o/r/edit/main/docs/topics/x.md"
    assert meta["generated_by"] == MARK.split(": ")[1]
