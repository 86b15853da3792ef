import markdown
import pytest

from generator.pages import markup

MD = markdown.Markdown(extensions=["attr_list", "tables", "toc"])


def to_html(text: str) -> str:
    MD.reset()
    return MD.convert(text)


@pytest.mark.parametrize(
    "hostile",
    [
        "x](javascript:alert(1)) [y",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "![i](https://evil.example/x.png)",
        "*emph* and __strong__",
        "a ` lone backtick",
        "# not a heading",
        "- not a list",
        "1. not a list",
        "> not a quote",
        "{: .class }",
        "&lt;script&gt;",
    ],
)
def test_inline_text_renders_as_the_same_text(hostile):
    html = to_html(markup.inline(hostile))
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert "<em>" not in html and "<strong>" not in html and "<code>" not in html and "<h1" not in html
    assert "<ul>" not in html and "<ol>" not in html and "<blockquote>" not in html
    # What the reader sees is the original text.
    import html as h

    text = h.unescape(html.removeprefix("<p>").removesuffix("</p>"))
    assert text == hostile


def test_code_spans_are_kept_and_inert():
    html = to_html(markup.inline("calls `bpf_oom_kill_process()` and `<img src=x onerror=alert(1)>`"))
    assert html == (
        "<p>calls <code>bpf_oom_kill_process()</code> and <code>&lt;img src=x onerror=alert(1)&gt;</code></p>"
    )


def test_pipe_does_not_split_a_table_cell():
    table = "| a | b |\n|---|---|\n| " + markup.inline("x | y") + " | z |\n"
    assert "<td>x | y</td>" in to_html(table)


def test_quote_is_verbatim_escaped_and_keeps_lines():
    html = to_html("before\n\n" + markup.quote_html("> nested\n<script>alert(1)</script>\n\n*x*") + "\n\nafter")
    assert (
        '<blockquote class="lsf-quote"><p>&gt; nested&#10;&lt;script&gt;alert(1)&lt;/script&gt;&#10;&#10;*x*</p>'
        in html
    )
    assert "<script>" not in html and "<em>" not in html


def test_curated_markdown_is_sanitized():
    html = markup.markdown_html(
        "Keep *this* and [a link](https://lwn.net/Articles/1072538/).\n\n"
        "<script>alert(1)</script> [bad](javascript:alert(1)) <img src=x onerror=alert(1)>\n"
    )
    assert "<em>this</em>" in html
    assert '<a href="https://lwn.net/Articles/1072538/" rel="noopener noreferrer">a link</a>' in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html and "<img" not in html
    assert "\n" not in html  # one line: safe as a raw HTML block


def test_lore_link():
    assert markup.lore("7ia4h5ov6o0n.fsf@castle.c.googlers.com") == (
        "https://lore.kernel.org/r/7ia4h5ov6o0n.fsf@castle.c.googlers.com"
    )
    assert markup.lore("a/b(c)@x") == "https://lore.kernel.org/r/a%2Fb%28c%29@x"


def test_front_matter_title_is_html_escaped():
    assert markup.front_matter('<b>"x"</b>', "data/x.yaml") == (
        '---\ntitle: "&lt;b&gt;&quot;x&quot;&lt;/b&gt;"\ngenerated_by: lsfmm-prep\nsource: "data/x.yaml"\n---\n'
    )


@pytest.mark.parametrize(
    "hostile_url",
    ["https://example.org/**x**{onclick=alert}\\", "https://example.org/a|b", "https://example.org/(x)[y]`z`"],
)
def test_urls_cannot_carry_markup(hostile_url):
    row = f"| a | [link]({markup.url(hostile_url)}) | c |"
    html = to_html("| 1 | 2 | 3 |\n|---|---|---|\n" + row + "\n")
    assert "<strong" not in html and " onclick=" not in html and "<code>" not in html
    assert html.count("<td>") == 3
    assert '<a href="https://example.org/' in html


@pytest.mark.parametrize("text", ["~50% faster", "=x", "1=1 is true", "a + b = c"])
def test_no_stray_backslashes(text):
    assert to_html(markup.inline(text)) == f"<p>{text}</p>"


def test_relative_and_protocol_relative_links_are_dropped_from_markdown_fields():
    html = markup.markdown_html("[a](stats.md) [b](//evil.example/x) [c](https://ok.example/)")
    assert html.count("href=") == 1 and 'href="https://ok.example/"' in html


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("Stats\u0080 kfuncs \u2028 ünïcode", "Stats\u0080 kfuncs ünïcode"),  # a C1 control stays, escaped
        ("BPF-driven KSM 🚀", "BPF-driven KSM 🚀"),  # JSON's surrogate pair escape is not YAML
        ("吉藤英明 שלום e\u0301 𝔘", "吉藤英明 שלום e\u0301 𝔘"),
    ],
)
def test_front_matter_reads_back_as_yaml_for_any_text(title, shown):
    import yaml

    fm = markup.front_matter(title, "data/x.yaml")
    assert yaml.safe_load(fm.split("---\n")[1])["title"] == shown


def test_print_url_gives_the_short_lore_form():
    from generator.pages.markup import print_url

    assert print_url("https://lore.kernel.org/linux-mm/abc.fsf@x.com/") == "https://lore.kernel.org/r/abc.fsf@x.com"
    assert print_url("https://lore.kernel.org/all/a%2Bb@x.org/T/#u") == "https://lore.kernel.org/r/a+b@x.org"
    assert print_url("https://lore.kernel.org/r/abc@x.org") == "https://lore.kernel.org/r/abc@x.org"
    assert print_url("https://lore.kernel.org/linux-mm/") == "https://lore.kernel.org/linux-mm/"
    assert print_url("https://lwn.net/Articles/1/") == "https://lwn.net/Articles/1/"


def test_link_notes_skip_comments_scripts_and_styles_whatever_the_case_of_the_tags():
    from generator.pages.markup import link_notes, site_link_resolver

    fragment = (
        '<!-- <a href="https://no.org/1">x</a> --><SCRIPT>"<a href=https://no.org/2>x</a>"</script>'
        '<Style>a { }</STYLE ><A HREF="https://e.org/">E</A ><p><a\nhref=https://f.org/ >F</a></p>'
        '<a href="https://e.org/">again</a><script>unclosed <a href="https://no.org/3">x</a>'
    )
    out, notes = link_notes(fragment, site_link_resolver("x/", None))
    assert notes == ["https://e.org/", "https://f.org/"]
    assert out == (
        fragment.replace("</A >", '</A ><sup class="lsf-ref">1</sup>')
        .replace("F</a>", 'F</a><sup class="lsf-ref">2</sup>')
        .replace("again</a>", 'again</a><sup class="lsf-ref">1</sup>')
    )


def test_link_notes_numbers_links_found_by_a_real_tokenizer():
    from generator.pages.markup import endnote_list, link_notes, site_link_resolver

    fragment = (
        '<p><a title="x</a>y>" href="https://e.org/?a=1&amp;b=2">one</a> '
        '<a class="headerlink" href="#h">¶</a> <a class="lsf-noprint" href="x.pdf">pdf</a>\n'
        '<a href="https://e.org/?a=1&amp;b=2">again</a> <a href="../../people/#ada">Ada</a></p>'
    )
    out, notes = link_notes(fragment, site_link_resolver("topics/t/", None))
    assert out == (
        '<p><a title="x</a>y>" href="https://e.org/?a=1&amp;b=2">one</a><sup class="lsf-ref">1</sup> '
        '<a class="headerlink" href="#h">¶</a> <a class="lsf-noprint" href="x.pdf">pdf</a>\n'
        '<a href="https://e.org/?a=1&amp;b=2">again</a><sup class="lsf-ref">1</sup> '
        '<a href="../../people/#ada">Ada</a><sup class="lsf-ref">2</sup></p>'
    )
    assert notes == ["https://e.org/?a=1&b=2", "people/#ada (on this site)"]
    assert (
        site_link_resolver("topics/t/", "https://ex.org/prep/")("../../people/#ada")
        == "https://ex.org/prep/people/#ada"
    )
    assert endnote_list(notes) == (
        '<ol class="lsf-endnotes"><li><a href="https://e.org/?a=1&amp;b=2">https://e.org/?a=1&amp;b=2</a></li>'
        "<li>people/#ada (on this site)</li></ol>"
    )
