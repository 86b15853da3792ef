"""The search index entries of generator.site.search: the same as Material's own, page by page,
on real pages (the default data, a synthetic summit, hostile and Unicode data, hand-written
Markdown with code, tables, entities and excluded sections), and read by Material's parser
whenever the HTML is anything but plain. A Material upgrade that changes its parser fails here."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, SAMPLE, edit, make_project, run_cli

# A hand-written page with what the fast reading must get right: entities, emoji, CJK, RTL,
# combining marks, code blocks, tables, permalinks, nested lists, excluded sections.
PLAIN_PAGE = """# Search cases

Text &amp; entities: &lt;tag&gt; &copy; 5 > 3 & 2 < 4, an emoji 🚀, CJK 吉藤英明, RTL שלום עליכם,
a combining mark Cafe\u0301 and *emphasis*, **strong**, H~2~O, x<sup>2</sup>.

## Code { #the-code }

```
a < b && c > d
    indented   with  spaces

last line
```

Inline `x &lt; y` and `<b>` code.

| Left | Right |
|:-----|------:|
| 1    | <2>   |
| `c`  | d &amp; e |

## Hidden { data-search-exclude }

This section is left out of the index.

<div data-search-exclude markdown>
An excluded paragraph.
</div>

### Deeper

- a list *item*
- a second, with a [link](#the-code)
    1. nested
    2. twice

<div class="linenodiv"><pre>1
2</pre></div>

#### Fourth level

Text after.
"""

# Raw HTML that the fast reading leaves to Material's parser.
ODD_PAGE = """# Odd HTML

<!-- a comment -- with two dashes -->

<script>var x = "<h2 id='no'>not a heading</h2>";</script>

<p class='single'>Single-quoted attribute.</p>

## After { #after }

The end.
"""


UPGRADED = (
    "Material's search plugin is not the one generator/site/search.py reproduces (or Python's "
    "HTMLParser reads its sample otherwise): compare its Parser with search.read_plain, then "
    "update PLUGIN_SHA256"
)


@dataclass
class Indexed:
    url: str
    ours: list[dict[str, Any]]
    material: list[dict[str, Any]]
    plain: bool  # read without Material's parser


@pytest.fixture
def indexed(monkeypatch) -> list[Indexed]:
    """Every page indexed while the fixture is active, indexed both ways: by the build (the fast
    reading, falling back to Material's parser) and by Material's own `SearchIndex`."""
    from material.plugins.search import plugin as material

    from generator.site import pages, search

    assert search.ported(), UPGRADED
    monkeypatch.setattr(pages, "PARALLEL_FROM", 10**9)  # every page in this process
    seen: list[Indexed] = []
    fast = search.SearchIndex.add_entry_from_context

    def both(self: Any, page: Any) -> None:
        before = len(self.entries)
        fast(self, page)
        theirs = material.SearchIndex(**self.config)
        material.SearchIndex.add_entry_from_context(theirs, page)
        plain = search.read_plain(page.content) is not None
        seen.append(Indexed(page.url, self.entries[before:], theirs.entries, plain))

    monkeypatch.setattr(search.SearchIndex, "add_entry_from_context", both)
    return seen


def build(project: Path) -> None:
    result = run_cli("site", "--strict", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr


def assert_same(indexed: list[Indexed], pages: int) -> None:
    assert len(indexed) >= pages
    differ = [i.url for i in indexed if i.ours != i.material]
    assert differ == [], f"entries differ from Material's on {differ}"
    assert sum(len(i.ours) for i in indexed) > len(indexed)


def test_the_default_site_and_hand_written_pages(tmp_path, indexed):
    project = make_project(tmp_path, REPO / "data")
    (project / "docs" / "search-cases.md").write_text(PLAIN_PAGE, encoding="utf-8")
    (project / "docs" / "odd-html.md").write_text(ODD_PAGE, encoding="utf-8")
    build(project)
    assert_same(indexed, 40)
    by_url = {i.url: i for i in indexed}
    assert [i.url for i in indexed if not i.plain] == ["odd-html/"]  # the only page read by Material's parser
    cases = by_url["search-cases/"].ours
    assert [e["location"] for e in cases] == [
        "search-cases/",
        "search-cases/#the-code",
        "search-cases/#deeper",
        "search-cases/#fourth-level",
    ]
    assert "吉藤英明" in cases[0]["text"] and "שלום" in cases[0]["text"] and "🚀" in cases[0]["text"]
    assert "&lt;tag&gt; © 5 &gt; 3 &amp; 2 &lt; 4" in cases[0]["text"]
    assert "<pre><code>a &lt; b &amp;&amp; c &gt; d\n    indented   with  spaces" in cases[1]["text"]
    assert "left out" not in str(cases) and "excluded paragraph" not in str(cases)
    odd = by_url["odd-html/"].ours
    assert [e["location"] for e in odd] == ["odd-html/", "odd-html/#after"]


def test_a_synthetic_summit(tmp_path, indexed):
    data = tmp_path / "data"
    subprocess.run([sys.executable, str(REPO / "bench" / "synth.py"), str(data), "10", "60", "300"], check=True)
    (tmp_path / "project").mkdir()
    build(make_project(tmp_path / "project", data))
    assert_same(indexed, 100)
    assert all(i.plain for i in indexed)


def test_hostile_and_unicode_data(tmp_path, indexed):
    from tests.hostile import write_hostile

    data = write_hostile(tmp_path / "hostile-data", big_quote=False)
    (tmp_path / "hostile").mkdir()
    build(make_project(tmp_path / "hostile", data))
    unicode = Path(shutil.copytree(SAMPLE, tmp_path / "unicode-data"))
    title = "Hooks in MM 🚀 吉藤英明 שלום Cafe\u0301 𝔘nicode \u202eevil\u202c"
    edit(unicode / "topics" / "hooks-in-mm.yaml", "title: Hooks in MM\n", f'title: "{title}"\n', every=True)
    (tmp_path / "unicode").mkdir()
    build(make_project(tmp_path / "unicode", unicode))
    assert_same(indexed, 40)


# ------------------------------------------------------------------------------ HTML itself


def shape(found: list[Any]) -> list[Any]:
    return [(s.el.tag, s.el.attrs, s.depth, s.id, s.title, s.text) for s in found]


@pytest.mark.parametrize(
    "html",
    [
        "<p>a <!-- x -- y --> b</p>",  # a comment holding '--'
        "<p>a <!-- x <b> --> b</p>",
        "<p>a<!--->b</p>",
        "<p>a < b</p>",  # a bare '<'
        "<p>a <3</p>",
        "<!DOCTYPE html><p>x</p>",
        "<?xml version='1.0'?><p>x</p>",
        "<p><![CDATA[x<y]]></p>",
        "<p class=unquoted>x</p>",
        "<p class='single'>x</p>",
        '<p title="a>b">x</p>',
        '<p a="1"b="2">x</p>',
        '<p a = "1">x</p>',
        "<script>var a = '<h1 id=x>';</script><h2 id='y'>Y</h2>",
        "<style>p > a { }</style><p>x</p>",
        "<textarea><h2 id=t>no</h2></textarea>",
        "<title>a <b> c</title>",
        "<my-element>x</my-element>",
        "<p>x</p><",
        "<p>x</p></",
        "</ p><p>x</p>",
    ],
)
def test_odd_html_is_read_by_materials_parser(html):
    from generator.site import search

    assert search.read_plain(html) is None
    assert shape(search.sections(html)) == shape(search.material_sections(html))


@pytest.mark.parametrize(
    "html",
    [
        "",
        "just text &amp; more &amp",
        '<h2 id="a">No h1</h2><p>x</p><h1 id="b">Late h1</h1>',
        '<div><h2 id="in">Nested</h2><p>in</p></div><p>out</p><h3 id="c">C</h3>',
        '<H2 ID="upper" Class="x">Upper</H2><P>Text</P>',
        "<p>unclosed <em>tags <p>everywhere</div></span></p>",
        "<ul><li></li><li> </li><li><p></p></li></ul><pre>\n\n  </pre><p> </p>",
        '<h2 id="p">T<a class="headerlink" href="#p">&para;</a> tail</h2>',
        "<div data-search-exclude><div><p>deep</p></div></div><p>kept</p><div>more</div>",
        '<span data-search-exclude="">x<span>y</span>z</span>w',
        '<br/><hr /><img src="a.png" alt="&lt;"><input disabled/><div/><p>x</p>',
        "<object><p>never</p></object><p>after</p>",
        '<table><tr><td class="linenodiv">1</td><td><pre>code\n</pre></td></tr></table>',
        '<h2 id="dup" id="other">Twice</h2><p title="" a>empty</p>',
        "<p>line\r\nbreaks\tand\u00a0spaces\u2003</p>",
    ],
)
def test_plain_html_is_read_as_materials_parser_reads_it(html):
    from generator.site import search

    ours = search.read_plain(html)
    assert ours is not None
    assert shape(ours) == shape(search.material_sections(html))


TAGS = ["p", "div", "span", "h1", "h2", "h3", "pre", "code", "ul", "li", "a", "em", "sub", "br", "img", "object"]
ATTRS = [
    "",
    ' id="x1"',
    ' id="x2"',
    ' class="headerlink"',
    ' class="linenodiv"',
    " data-search-exclude",
    ' data-search-exclude=""',
    ' title="a &amp; b"',
    ' id="x3" data-search-exclude',
    ' class="headerlink" href="#x1"',
]
TEXTS = ["x", " ", "\n", "a &amp; b", "&lt;", "  two\n lines ", "吉", "🚀", "&copy", "&#x41;"]


def random_html(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randrange(1, 40)):
        roll = rng.random()
        tag = rng.choice(TAGS)
        if roll < 0.35:
            out.append(f"<{tag}{rng.choice(ATTRS)}{rng.choice(['', '', ' /'])}>")
        elif roll < 0.65:
            out.append(f"</{tag}>")
        elif roll < 0.68:
            out.append("<!-- note -->")
        else:
            out.append(rng.choice(TEXTS))
    return "".join(out)


def test_random_html_is_read_as_materials_parser_reads_it():
    """Tags opened and closed in any order, with the attributes the parser looks at."""
    from generator.site import search

    rng = random.Random(27)
    for _ in range(3000):
        html = random_html(rng)
        try:
            theirs = shape(search.material_sections(html))
        except ValueError:  # Material's parser fails on some tag soups: the build fails the same way
            with pytest.raises(ValueError):
                search.sections(html)
            continue
        ours = search.read_plain(html)
        assert ours is not None, html
        assert shape(ours) == theirs, html


def test_the_fast_reading_is_used_only_with_the_parser_it_reproduces(monkeypatch):
    """Another version of Material's plugin (its file's hash) is read by Material's parser."""
    from material.plugins.search import plugin as material

    from generator.site import search

    assert search.ported(), UPGRADED
    assert type(search.faster(material.SearchIndex(lang=["en"]))) is search.SearchIndex
    search.ported.cache_clear()
    monkeypatch.setattr(search, "PLUGIN_SHA256", "0" * 64)
    try:
        assert not search.ported()
        index = material.SearchIndex(lang=["en"])
        assert search.faster(index) is index
        calls = []
        monkeypatch.setattr(search, "read_plain", lambda html: calls.append(html))
        assert shape(search.sections("<p>x</p>")) == shape(search.material_sections("<p>x</p>"))
        assert calls == []
    finally:
        search.ported.cache_clear()
