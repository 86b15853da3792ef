"""Any text a YAML file may hold comes out unchanged: emoji and other astral characters, CJK,
right-to-left scripts and combining marks, in titles, names and quotes, through the pages'
front matter and <title>, their edit links, data.json, the calendars and the search index."""

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import SAMPLE, edit
from tests.site.test_site import EDIT_ROOT, build_site, edit_links, front_matter, read

TITLE = "Hooks in MM 🚀 吉藤英明 שלום Cafe\u0301 𝔘nicode"
PROPOSAL = "OOM hook 🐧"
NAME = "吉藤 英明"
QUOTE = "Nothing is stable 🚀"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("unicode")
    data = Path(shutil.copytree(SAMPLE, tmp / "edited"))
    edit(data / "topics" / "hooks-in-mm.yaml", "title: Hooks in MM\n", f'title: "{TITLE}"\n', every=True)
    edit(data / "proposals" / "oom-hook.yaml", "title: OOM hook\n", f"title: {PROPOSAL}\n", every=True)
    edit(data / "people.yaml", "name: Bob Reviewer\n", f"name: {NAME}\n", every=True)
    edit(data / "threads" / "hooks-in-mm.yaml", "Nothing is stable\n", f"{QUOTE}\n", every=True)
    (tmp / "project").mkdir()
    return build_site(tmp / "project", data)


def test_titles_reach_the_front_matter_the_title_element_and_the_edit_link(site):
    project = site.parent
    page = project / "docs" / "topics" / "hooks-in-mm.md"
    meta = front_matter(page)
    assert meta["title"] == TITLE and meta["generated_by"] == "lsfmm-prep"
    html = read(site, "topics/hooks-in-mm/index.html")
    assert f"<title>{TITLE} - " in html
    assert edit_links(html) == [EDIT_ROOT + "data/topics/hooks-in-mm.yaml"]
    assert f"<title>{PROPOSAL} - " in read(site, "proposals/oom-hook/index.html")
    assert f"<title>{NAME} - " in read(site, "people/bob-reviewer/index.html")
    assert QUOTE in html  # the quote, on the topic page that shows it


def test_titles_reach_data_json_the_calendars_and_the_search_index(site):
    project = site.parent
    data = json.loads((project / "docs" / "data.json").read_text(encoding="utf-8"))
    assert [t["title"] for t in data["topics"] if t["id"] == "hooks-in-mm"] == [TITLE]
    assert NAME in [p["name"] for p in data["people"]]
    calendars = [p.read_text(encoding="utf-8").replace("\r\n ", "") for p in (project / "docs").rglob("*.ics")]
    assert calendars and any(f"SUMMARY:{TITLE}" in c for c in calendars)
    index = json.loads(read(site, "search/search_index.json"))
    titles = {doc["title"] for doc in index["docs"]}
    assert {TITLE, PROPOSAL, NAME} <= titles
