"""The publishing settings the exports need, read from mkdocs.yml."""

import pytest

from generator.errors import Problems
from generator.layout import Publish
from generator.site.config import read_publish
from tests.conftest import REPO


def read(path) -> tuple[Publish, list[str]]:
    problems = Problems()
    publish = read_publish(str(path), problems)
    return publish, [str(p) for p in problems.sorted()]


def test_the_project_configuration_names_where_the_site_lives():
    publish, problems = read(REPO / "mkdocs.yml")
    assert problems == []
    assert publish.site_url is not None and publish.site_url.startswith("https://")
    assert publish.site_url.endswith("/") and publish.directory_urls


def test_mkdocs_tags_are_no_problem_and_a_slash_is_added(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_name: !ENV [SITE_NAME, 'x']\n"
        "site_url: https://example.org/briefs\n"
        "markdown_extensions:\n"
        "  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "use_directory_urls: false\n"
    )
    publish, problems = read(config)
    assert problems == []
    assert publish == Publish("https://example.org/briefs/", directory_urls=False)


def test_no_configuration_means_relative_links_only(tmp_path):
    assert read(tmp_path / "absent.yml") == (Publish(), [])
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n# site_url: https://example.org/\n")
    assert read(tmp_path / "mkdocs.yml") == (Publish(), [])


def test_a_bad_site_url_is_a_clear_error(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\nsite_url: javascript:alert(1)\n")
    _, problems = read(config)
    assert problems == [f"{config}:2: site_url must be an http:// or https:// URL, found 'javascript:alert(1)'"]
    config.write_text("site_name: [x\n")
    _, problems = read(config)
    assert len(problems) == 1 and problems[0].startswith(f"{config}:2: cannot read the site configuration: ")


@pytest.mark.parametrize(
    ("target", "directory", "flat"),
    [
        ("index.md", "", "index.html"),
        ("topics/index.md", "topics/", "topics/index.html"),
        ("topics/cache-ext.md", "topics/cache-ext/", "topics/cache-ext.html"),
        ("people/index.md#ada-lead", "people/#ada-lead", "people/index.html#ada-lead"),
        ("topics/cache-ext.ics", "topics/cache-ext.ics", "topics/cache-ext.ics"),
    ],
)
def test_page_urls_follow_mkdocs(target, directory, flat):
    assert Publish().page_url(target) == directory
    assert Publish(directory_urls=False).page_url(target) == flat
    assert Publish("https://x.example/").absolute(Publish().page_url(target)) == "https://x.example/" + directory
