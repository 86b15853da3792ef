"""The hostile corpus builds into a site where no data value became markup (static check of
every page; tests/site/test_browser.py checks the same site in a real browser)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.hostile import PAYLOADS, RLO_NAME

# What Material itself puts on a page: its bundle, its JSON config and three small inline
# scripts (base URL, colour palette, anchor target).
MATERIAL_INLINE = ("__md_scope=new URL(", 'var palette=__md_get("__palette")', "var target=document.getElementById(")


def _theme_inline() -> re.Pattern[str]:
    """The inline script of overrides/main.html (serve's banner loader), exactly: only the
    addresses that the `url` filter makes in it may vary from page to page."""
    template = (REPO / "overrides" / "main.html").read_text(encoding="utf-8")
    (script,) = re.findall(r"<script>(.*?)</script>", template, re.S)
    parts = re.split(r"\{\{ '[^']+' \| url \}\}", script)
    return re.compile("[a-z0-9./-]*".join(re.escape(part) for part in parts))


THEME_INLINE = _theme_inline()
DANGEROUS_TAGS = {"iframe", "object", "embed", "img", "style", "base", "frame", "frameset", "applet", "math"}
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")


class Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self._script: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            url_attr = name in ("href", "src", "action", "formaction", "xlink:href")
            if url_attr and value and value.strip().lower().startswith(DANGEROUS_SCHEMES):
                self.problems.append(f"<{tag} {name}={value[:40]}>")
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        if tag == "script":
            self._script = a
            if "src" in a and "/assets/javascripts/" not in "/" + a["src"]:
                self.problems.append(f"<script src={a['src']}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            a = self._script
            ok = (
                "src" in a
                or a.get("type") == "application/json"
                or data.startswith(MATERIAL_INLINE)
                or THEME_INLINE.fullmatch(data) is not None
            )
            if data.strip() and not ok:
                self.problems.append(f"inline <script>{data[:40]}")
            return
        self.text.append(data)


def audit(page: Path) -> Audit:
    a = Audit()
    a.feed(page.read_text(encoding="utf-8"))
    return a


def test_no_page_carries_markup_from_the_data(hostile_site):
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) >= 8
    problems = {str(p.relative_to(hostile_site)): audit(p).problems for p in pages}
    assert {k: v for k, v in problems.items() if v} == {}


@pytest.mark.parametrize(
    "page",
    [
        "topics/hostile-topic/index.html",
        "proposals/hostile-proposal/index.html",
        "questions/index.html",
        "committee/index.html",  # requests to attend: subject, lists, what to discuss, the note
    ],
)
def test_payloads_are_shown_as_text(hostile_site, page):
    text = "".join(audit(hostile_site / page).text)
    for payload in PAYLOADS[:5]:
        assert payload in text, payload


def test_bidi_overrides_are_shown_not_obeyed(hostile_site):
    text = "".join(audit(hostile_site / "people" / "index.html").text)
    assert "Mallory [U+202E]redrow[U+202C] Example" in text
    assert RLO_NAME not in text


def test_the_one_megabyte_quote_is_there_whole(hostile_site):
    html = (hostile_site / "topics" / "hostile-topic" / "index.html").read_text(encoding="utf-8")
    assert html.count("&lt;script&gt;alert(&#x27;xss-big&#x27;)&lt;/script&gt;") >= 12_000


def test_data_is_never_run_through_a_template_engine(hostile_site):
    text = "".join(audit(hostile_site / "topics" / "hostile-topic" / "index.html").text)
    assert "{{ 7*7 }} {% if true %}jinja{% endif %}" in text and "49" not in text


def test_the_plain_text_drafts_show_the_data_as_written(hostile_site):
    """A write-up draft as plain text is text: a payload stays as written (a reader pastes it,
    nothing renders it here), whitespace runs folded, and a bidi override is shown, not obeyed."""
    draft = (hostile_site / "writeups" / "hostile-topic.txt").read_text(encoding="utf-8")
    flat = " ".join(draft.split())
    assert PAYLOADS[0] in flat and "#decision-hostile-decision" in flat
    assert not any(c in draft for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
