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


# ------------------------------------------------------------------- !ENV, as MkDocs reads it


ENV_CONFIG = "site_name: x\nsite_url: !ENV [SITE_URL, 'https://default.example/briefs/']\n"


@pytest.mark.parametrize(
    ("text", "env"),
    [
        (ENV_CONFIG, {}),
        (ENV_CONFIG, {"SITE_URL": "https://example.github.io/lsfmm-prep/"}),
        (ENV_CONFIG, {"SITE_URL": "https://example.github.io/lsfmm-prep"}),  # MkDocs adds the slash
        (ENV_CONFIG, {"SITE_URL": ""}),  # set but empty: unset
        ("site_name: x\nsite_url: !ENV SITE_URL\n", {}),  # no default: unset
        (
            "site_name: x\nsite_url: !ENV [PAGES_URL, SITE_URL, 'https://d.example/']\n",
            {"SITE_URL": "https://s.example/"},
        ),
        ("site_name: x\nsite_url: https://plain.example/x\nuse_directory_urls: !ENV [FLAT, true]\n", {"FLAT": "false"}),
        ("site_name: x\nuse_directory_urls: !ENV [FLAT, true]\n", {}),
    ],
)
def test_the_exports_read_the_address_mkdocs_reads(tmp_path, monkeypatch, text, env):
    """The exports' absolute links and MkDocs' canonical links and sitemap come from one value:
    whatever the environment gives, the generator reads what MkDocs' own loader reads."""
    from mkdocs.config import load_config

    for name in ("SITE_URL", "PAGES_URL", "FLAT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = tmp_path / "mkdocs.yml"
    config.write_text(text)
    (tmp_path / "docs").mkdir()
    publish, problems = read(config)
    mkdocs = load_config(config_file=str(config))
    assert problems == []
    assert publish == Publish(mkdocs.site_url or None, mkdocs.use_directory_urls)


def test_the_project_configuration_takes_the_pages_address_from_the_environment(monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://example.github.io/lsfmm-prep")
    assert read(REPO / "mkdocs.yml") == (Publish("https://example.github.io/lsfmm-prep/"), [])
    monkeypatch.delenv("SITE_URL")
    assert read(REPO / "mkdocs.yml") == (Publish("https://lsfmm-prep.example.org/"), [])


def test_a_bad_address_from_the_environment_says_where_it_came_from(tmp_path, monkeypatch):
    config = tmp_path / "mkdocs.yml"
    config.write_text(ENV_CONFIG)
    monkeypatch.setenv("SITE_URL", "example.github.io/lsfmm-prep/")
    _, problems = read(config)
    assert problems == [
        f"{config}:2: site_url must be an http:// or https:// URL, found 'example.github.io/lsfmm-prep/'"
        " (from the environment variable SITE_URL)"
    ]
