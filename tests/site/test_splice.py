"""The generated HTML of the pages, spliced past Python-Markdown (generator.site.splice): never
parsed as Markdown, and its links and anchors checked with MkDocs' strictness, incremental
builds included."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import markdown

from generator.pages.markup import HTML_END, HTML_START
from generator.site import splice
from tests.conftest import SAMPLE, edit, make_project, run_cli, write_tree
from tests.site.test_sitebuild import assert_same_site, reference, site


def refused(project: Path):
    """`site --strict` in the project, which must fail: what it said."""
    result = run_cli("site", "--strict", "--data", "data", "--out", "docs", cwd=project)
    assert result.returncode == 1
    return result


def block(*lines: str) -> str:
    return "\n".join([HTML_START, *lines, HTML_END])


def test_a_spliced_block_is_never_parsed_and_the_markdown_around_it_is():
    """Markdown syntax inside stays literal; an unclosed tag inside does not swallow the heading
    after it, as Python-Markdown's raw-HTML blocks would."""
    md = markdown.Markdown(extensions=["tables", "toc", splice.Splice()])
    inside = block("<div><p>*no* [x](y.md) `z` | a |</p>", "<div>")
    text = f"# Title\n\n{inside}\n\n## After *it*\n\nSome *text*.\n"
    html = md.convert(text)
    assert "<div><p>*no* [x](y.md) `z` | a |</p>\n<div>" in html
    assert '<h2 id="after-it">After <em>it</em></h2>' in html and "<p>Some <em>text</em>.</p>" in html
    assert HTML_START not in html and HTML_END not in html
    plain = markdown.Markdown(extensions=["tables", "toc"]).convert(text)
    assert "<h2" not in plain  # without the splice, the open <div> takes the rest of the page


def test_a_block_that_does_not_end_is_left_to_markdown():
    md = markdown.Markdown(extensions=[splice.Splice()])
    assert "<em>em</em>" in md.convert(f"{HTML_START}\n*em*\n")
    assert splice.unended(f"# T\n\n{HTML_START}\n*em*\n") == 3
    assert splice.unended(f"# T\n\n{block('<p>x</p>')}\n") is None


def test_links_and_ids_are_read_from_tags_only():
    """A value shown in a block can hold 'href="..."' as text: only tags are read."""
    text = block('<p id="a&amp;b">href="x.md" id="no" <a href="../y/#z" title="t">y</a></p>')
    assert splice.links_and_ids(f"# T\n\n{text}\n") == (["../y/#z"], ["a&b"])


def test_markdown_in_a_data_value_stays_literal_in_the_site(tmp_path):
    project = make_project(tmp_path, SAMPLE)
    note = "*not emphasis* [no link](https://example.org/) <b>no tag</b> `code` | no cell"
    edit(project / "data/proposals/cache-policy.yaml", "status: idea\n", f"status: idea\nstatus_note: '{note}'\n")
    site(project)
    page = (project / "site/proposals/cache-policy/index.html").read_text()
    assert (
        "*not emphasis* [no link](https://example.org/) &lt;b&gt;no tag&lt;/b&gt; <code>code</code> | no cell</td>"
        in page
    )
    assert HTML_START in (project / "docs/proposals/cache-policy.md").read_text()
    reference(project, tmp_path / "ref")  # `mkdocs build` makes the same site with the hooks' extension
    assert_same_site(project / "site", tmp_path / "ref")


def test_a_broken_generated_link_or_anchor_fails_the_build_as_mkdocs_build_does(tmp_path):
    """A spliced block (here in a hand-written page) linking to no page, or to an anchor its
    target does not have, fails `site --strict` with one clear line each; `mkdocs build --strict`
    fails the same way."""
    project = make_project(tmp_path, SAMPLE)
    gone = block('<p><a href="../../proposals/nothing/">gone</a></p>')
    anchor = block('<p><a href="../../questions/hooks-in-mm/#no-such-question">no anchor</a></p>')
    fine = block(
        '<p><a href="../../questions/hooks-in-mm/#keep-old-api">fine</a> <a href="#here">here</a>'
        ' <a href="../../topics/hooks-in-mm.ics">calendar</a> <a href="https://example.org/">away</a></p>',
        '<p id="here"></p>',
    )
    write_tree(project / "docs", {"extra/page.md": f"# Page\n\n{fine}\n\n{gone}\n\n{anchor}\n"})
    result = refused(project)
    missing = (
        "Doc file 'extra/page.md' contains a generated link '../../proposals/nothing/', "
        "but the target 'proposals/nothing/' is no page or file of the site."
    )
    no_anchor = (
        "Doc file 'extra/page.md' contains a link '../../questions/hooks-in-mm/#no-such-question', "
        "but the doc 'questions/hooks-in-mm.md' does not contain an anchor '#no-such-question'."
    )
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    assert warnings == [f"WARNING -  {missing}", f"WARNING -  {no_anchor}"], result.stderr
    assert not (project / "site").exists()
    clean = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "ref")],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert clean.returncode == 1 and missing in clean.stderr and no_anchor in clean.stderr


def test_a_generated_link_whose_target_goes_fails_the_next_build(tmp_path):
    """The page holding the link is not changed: it looked its target up when it was
    rendered, so it is rendered (and checked) again when the target is removed; an anchor
    removed from a target is checked again on every build."""
    project = make_project(tmp_path, SAMPLE)
    links = block('<p><a href="../target/">target</a> <a href="../anchored/#kept">anchor</a></p>')
    write_tree(
        project / "docs",
        {"extra/page.md": f"# Page\n\n{links}\n", "extra/target.md": "# Target\n", "extra/anchored.md": "## Kept\n"},
    )
    site(project)
    (project / "docs/extra/target.md").unlink()
    result = refused(project)
    assert "contains a generated link '../target/', but the target 'extra/target/' is no page" in result.stderr
    write_tree(project / "docs", {"extra/target.md": "# Target\n"})
    assert "pages rendered" in site(project)
    write_tree(project / "docs", {"extra/anchored.md": "## Moved\n"})
    result = refused(project)
    assert "contains a link '../anchored/#kept', but the doc 'extra/anchored.md' does not contain" in result.stderr
    write_tree(project / "docs", {"extra/anchored.md": "## Kept\n"})
    site(project)
    reference(project, tmp_path / "ref")
    assert_same_site(project / "site", tmp_path / "ref")


def test_a_generated_link_whose_target_comes_is_checked_by_the_next_build(tmp_path):
    """A link to a page not there yet (reported at INFO here, so the build goes on): once the
    page is added, the page holding the link is rendered again though it did not change, and
    the link's anchor, which the new page lacks, fails the build."""
    project = make_project(tmp_path, SAMPLE)
    edit(project / "mkdocs.yml", "    anchors: warn\n", "    anchors: warn\n    not_found: info\n")
    write_tree(project / "docs", {"extra/page.md": "# Page\n\n" + block('<p><a href="../next/#top">n</a></p>') + "\n"})
    site(project)
    write_tree(project / "docs", {"extra/next.md": "# Next\n"})
    result = refused(project)
    assert "contains a link '../next/#top', but the doc 'extra/next.md' does not contain an anchor" in result.stderr
    write_tree(project / "docs", {"extra/next.md": "# Next\n\n## Top\n"})
    site(project)
    reference(project, tmp_path / "ref")
    assert_same_site(project / "site", tmp_path / "ref")


def test_a_decision_anchor_in_generated_html_is_an_anchor_of_its_page(tmp_path):
    """A topic's decisions are anchors inside generated HTML: links to them (from the next
    session's page, and from hand-written pages) find them."""
    from tests.conftest import AFTERMATH

    project = make_project(tmp_path, AFTERMATH)
    write_tree(project / "docs", {"extra/see.md": "# See\n\n[It](../topics/oom-2025.md#decision-struct-ops-first)\n"})
    site(project)
    page = (project / "site/topics/oom-2026/index.html").read_text()
    assert 'href="../oom-2025/#decision-struct-ops-first"' in page


def test_source_candidates():
    assert splice.source_candidates("topics/x/", True) == ("topics/x.md", "topics/x/index.md", "topics/x/README.md")
    assert splice.source_candidates("./", True) == ("index.md", "README.md")
    assert splice.source_candidates("topics/x.html", False) == ("topics/x.md",)
    assert splice.source_candidates("topics/index.html", False) == ("topics/index.md", "topics/README.md")
    assert splice.source_candidates("topics/x.ics", True) == ("topics/x.ics",)
    assert splice.target_url("proposals/p/", "../../topics/x/") == "topics/x/"
    assert splice.target_url("./", "topics/") == "topics/"
    assert splice.target_url("topics/x/", "../../") == "./"
    assert splice.target_url("topics/x.html", "../index.html") == "index.html"
    assert splice.target_url("committee.html", "topics/x.html") == "topics/x.html"
    assert splice.target_url("index.html", "index.html") == "index.html"
    assert splice.target_url("topics/x/", "../../../x/") == "../x/"


def test_the_hooks_add_the_extension_once(tmp_path: Path):
    from mkdocs.config import load_config

    write_tree(tmp_path, {"docs/index.md": "# Home\n"})
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: x\nhooks:\n  - {Path(__file__).parents[2] / 'generator/site/hooks.py'}\n"
    )
    config = load_config(str(tmp_path / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    config = config.plugins.on_config(config)
    assert sum(isinstance(e, splice.Splice) for e in config.markdown_extensions) == 1
