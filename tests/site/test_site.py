"""Whole-site builds: generate, then `mkdocs build --strict` with the project's mkdocs.yml."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SAMPLE, make_project, run_cli


def build_site(tmp: Path, data: Path) -> Path:
    project = make_project(tmp, data)
    gen = run_cli("build", "--strict", "--data", str(project / "data"), "--out", str(project / "docs"))
    assert gen.returncode == 0, gen.stderr
    mk = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert mk.returncode == 0, mk.stderr
    return project / "site"


@pytest.fixture(scope="module")
def default_site(tmp_path_factory) -> Path:
    return build_site(tmp_path_factory.mktemp("default"), REPO / "data")


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory) -> Path:
    return build_site(tmp_path_factory.mktemp("sample"), SAMPLE)


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def test_default_site_has_every_page(default_site):
    for rel in [
        "index.html",
        "agenda/index.html",
        "committee/index.html",
        "events/index.html",
        "events/lsfmmbpf-2023/index.html",
        "events/lsfmmbpf-2023/agenda/index.html",
        "events/lsfmmbpf-2026/committee/index.html",
        "schedule/index.html",
        "events/lsfmmbpf-2023/schedule/index.html",
        "topics/index.html",
        "proposals/index.html",
        "questions/index.html",
        "people/index.html",
        "guide/index.html",
    ]:
        assert (default_site / rel).exists(), rel
    topics = sorted(p.stem for p in (REPO / "data" / "topics").glob("*.yaml"))
    proposals = sorted(p.stem for p in (REPO / "data" / "proposals").glob("*.yaml"))
    assert topics == ["cache-ext", "memcg-ext", "userspace-mm-control", "using-bpf-in-mm"]
    for tid in topics:
        assert (default_site / "topics" / tid / "index.html").exists()
    for pid in proposals:
        assert (default_site / "proposals" / pid / "index.html").exists()


def test_every_quote_links_to_lore(default_site):
    html = read(default_site, "topics/using-bpf-in-mm/index.html")
    quotes = html.count('class="lsf-quote"')
    assert quotes >= 8
    attributions = re.findall(r'<a href="https://lore\.kernel\.org/r/([^"]+)">message on lore</a>', html)
    assert len(attributions) == quotes
    assert set(attributions) <= {
        "7ia4o6j4c5y1.fsf@castle.c.googlers.com",
        "014f3c0a-7c6f-4f64-95cd-b7b69d804880@kernel.org",
        "7ia4h5ov6o0n.fsf@castle.c.googlers.com",
    }


def test_agenda_lists_sessions_without_a_slot_apart(default_site):
    html = read(default_site, "agenda/index.html")
    # The 2026 sessions were held, but no slot of theirs is on record.
    assert "No session&rsquo;s slot is on record." in html or "No session's slot is on record." in html
    assert 'id="held-slot-not-on-record"' in html
    for title in ["Using BPF in MM", "Reimagining Memory Cgroup (memcg_ext)"]:
        assert title in html


def test_search_index_holds_the_proposals(default_site):
    index = json.loads(read(default_site, "search/search_index.json"))
    titles = {doc["title"] for doc in index["docs"]}
    assert "BPF OOM" in " ".join(titles)


def nav_targets(html: str) -> list[str]:
    """Where the navigation links of a page point (table-of-contents anchors left out)."""
    return sorted(re.findall(r'<a href="([^"#]*)"[^>]*class="md-nav__link', html))


def test_navigation_lists_sections_not_every_page(default_site):
    # From a proposal brief: the eleven sections, and no other brief or event page.
    assert nav_targets(read(default_site, "proposals/bpf-oom/index.html")) == [
        "../",
        "../..",
        "../../agenda/",
        "../../changes/",
        "../../committee/",
        "../../events/",
        "../../guide/",
        "../../people/",
        "../../questions/",
        "../../schedule/",
        "../../topics/",
    ]
    assert len(nav_targets(read(default_site, "index.html"))) == 11


def test_dark_mode_toggle_and_no_font_cdn(default_site):
    html = read(default_site, "index.html")
    assert 'data-md-color-scheme="slate"' in html
    assert "fonts.googleapis.com" not in html


def test_sample_site_agenda_with_times_and_rooms(sample_site):
    html = read(sample_site, "agenda/index.html")
    # The grid's one room and its one session, linked as the site addresses the brief.
    assert '<th scope="col">Main hall</th>' in html
    assert '<th scope="row" class="lsf-time">09:30</th><td class="lsf-slot lsf-track-1">' in html
    assert re.search(
        r'<a class="lsf-slot-title" href="../topics/hooks-in-mm/">Hooks in MM</a>(<sup[^>]*>\d+</sup>)? '
        r'<span class="lsf-slot-when">09:30–10:00</span>',
        html,
    )
    topic = read(sample_site, "topics/hooks-in-mm/index.html")
    assert "<td>09:35</td>" in topic and "<td>09:50</td>" in topic  # its running order
    assert '<a href="../../proposals/oom-hook/">OOM hook</a>' in topic
    assert '<a href="../../questions/hooks-in-mm/#hook-stability">' in topic


def test_printed_links_are_numbered_endnotes(default_site):
    html = read(default_site, "topics/using-bpf-in-mm/index.html")
    article = html[html.index('<article class="md-content__inner md-typeset">') : html.index("</article>")]
    notes = re.findall(r"<li>(?:<a href=\"([^\"]+)\">)?([^<]+)(?:</a>)?</li>", article.split("lsf-print-notes", 1)[1])
    printed = [text for _, text in notes]
    numbers = [int(n) for n in re.findall(r'<sup class="lsf-ref">(\d+)</sup>', article)]
    assert sorted(set(numbers)) == list(range(1, len(printed) + 1))  # every note is referred to
    assert "https://lore.kernel.org/r/7ia4o6j4c5y1.fsf@castle.c.googlers.com" in printed  # the short form
    assert not any("lore.kernel.org/linux-mm/" in p for p in printed)
    assert "https://lsfmm-prep.example.org/proposals/bpf-oom/" in printed  # under site_url
    assert not any("/edit/" in p for p in printed)  # the edit button is not printed
    # Every link of the content has its number, except the permalinks of headings and of
    # decisions (not printed).
    links = re.findall(r"<a [^>]*>", article.split('<section class="lsf-print-notes"', 1)[0])
    unprinted = ('class="headerlink"', "md-content__button", 'class="lsf-noprint"')
    printable = [a for a in links if not any(mark in a for mark in unprinted)]
    assert 'class="lsf-noprint" href="#decision-no-thp-hooks"' in article
    assert len(numbers) == len(printable) > 50
    # The notes are for paper only: the search index does not hold them.
    index = read(default_site, "search/search_index.json")
    assert "lsf-print-notes" not in index and "lsf-ref" not in index


def test_topic_pages_print_as_briefs(default_site):
    html = read(default_site, "topics/using-bpf-in-mm/index.html")
    assert html.count('<div class="lsf-outcome" aria-hidden="true"></div>') == 4  # the open questions
    assert html.count('<div class="lsf-outcome lsf-notes" aria-hidden="true"></div>') == 1
    assert "briefs/" not in html  # `make site` builds no PDF, so no page links to one


# ---------------------------------------------------------------------------------- edit links

EDIT_ROOT = "https://git.example.org/lsfmm-prep/edit/main/"  # repo_url + edit_uri of mkdocs.yml, less docs/


def front_matter(page: Path) -> dict:
    import yaml

    text = page.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("\n---\n", 1)[0][4:]) if text.startswith("---\n") else {}


def edit_links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]*)" title="Edit this page"[^>]*rel="edit"', html)


def test_mkdocs_yml_names_the_repository_the_edit_links_open():
    from mkdocs.config import load_config  # as MkDocs reads it: the defaults of its !ENV tags

    config = load_config(config_file=str(REPO / "mkdocs.yml"))
    assert (config.repo_url, config.edit_uri) == ("https://git.example.org/lsfmm-prep", "edit/main/docs/")


@pytest.mark.parametrize("which", ["default", "sample"])
def test_every_page_edit_link_opens_the_yaml_that_produced_it(which, request):
    site = request.getfixturevalue(f"{which}_site")
    project = site.parent
    pages = sorted((project / "docs").rglob("*.md"))
    assert len(pages) >= 12
    seen = 0
    for md in pages:
        rel = md.relative_to(project / "docs").as_posix()
        stem = rel[: -len(".md")]
        html_rel = (
            "index.html"
            if stem == "index"
            else (stem[: -len("index")] if stem.endswith("/index") else stem + "/") + "index.html"
        )
        links = edit_links(read(site, html_rel))
        meta = front_matter(md)
        if meta.get("generated_by") == "lsfmm-prep":
            source = meta["source"]
            assert (project / source).exists(), source  # the record (or folder of records) is in the repository
            if source.endswith("/"):  # a page made from every file of a folder opens the folder
                assert links == [EDIT_ROOT.replace("/edit/", "/tree/") + source], rel
            else:
                assert source.endswith(".yaml") and links == [EDIT_ROOT + source], rel
            seen += 1
        else:  # hand-written: MkDocs' own link to its Markdown
            assert links == [EDIT_ROOT + "docs/" + rel], rel
    assert seen == len(pages) - 1  # all but guide.md are generated


def test_briefs_open_their_own_record(default_site):
    assert edit_links(read(default_site, "topics/cache-ext/index.html")) == [EDIT_ROOT + "data/topics/cache-ext.yaml"]
    assert edit_links(read(default_site, "proposals/bpf-oom/index.html")) == [EDIT_ROOT + "data/proposals/bpf-oom.yaml"]
    assert edit_links(read(default_site, "index.html")) == [EDIT_ROOT + "data/events/lsfmmbpf-2026.yaml"]
    assert edit_links(read(default_site, "questions/index.html")) == [EDIT_ROOT + "data/questions.yaml"]


# ---------------------------------------------------------------------------------- exports


def test_exports_are_published_with_the_site(default_site, sample_site):
    for site in (default_site, sample_site):
        assert (site / "agenda.ics").read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
        data = json.loads(read(site, "data.json"))
        assert data["site_url"] == "https://lsfmm-prep.example.org/"
        schema = json.loads(read(site, "schemas/data.schema.json"))
        import jsonschema

        jsonschema.Draft202012Validator(schema).validate(data)
        for kind in ("topics", "proposals"):  # every record's page is a page of the site
            for rec in data[kind]:
                assert (site / rec["page"] / "index.html").exists(), rec["page"]
    assert (sample_site / "topics" / "hooks-in-mm.ics").exists()
    assert not list((default_site / "topics").glob("*.ics"))  # no session of the default data has a slot


def without_refs(html: str) -> str:
    """The page as on screen: without the print-only endnote numbers after links."""
    return re.sub(r'<sup class="lsf-ref">\d+</sup>', "", html)


def test_briefs_and_agenda_link_their_calendars(sample_site, default_site):
    def read(site, rel):
        return without_refs((site / rel).read_text(encoding="utf-8"))

    topic = read(sample_site, "topics/hooks-in-mm/index.html")
    assert '<a href="../hooks-in-mm.ics">calendar file (.ics)</a>' in topic
    assert "unscheduled (not in the calendar until it has a slot)" in read(sample_site, "topics/later-topic/index.html")
    agenda = read(sample_site, "agenda/index.html")
    assert '<a href="../agenda.ics">agenda.ics</a> holds every session with a slot (1 of 2)' in agenda
    assert "so the grid and the calendar leave them out" in agenda
    assert '<a href="../agenda.ics">agenda.ics</a> holds no session yet: none has a slot.' in read(
        default_site, "agenda/index.html"
    )
    home = read(default_site, "index.html")
    assert '<a href="data.json">Data</a>' in home and '<a href="schemas/data.schema.json">JSON Schema</a>' in home
