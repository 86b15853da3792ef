"""HTML mail as text at its limits: deep nesting keeps its words, and a text longer than the
limit is cut where the reader says, with the count of what was left out."""

from generator.mail import htmltext, mbox


def nested(levels: int) -> str:
    return "".join(f"<blockquote>w{n}\n" for n in range(1, levels + 1)) + "</blockquote>\n" * levels


def test_nested_blockquotes_are_quote_levels_down_to_the_depth_browsers_nest():
    assert htmltext.html_to_text(nested(3)) == "> w1\n> > w2\n> > > w3"
    most = htmltext.MAX_DEPTH
    lines = htmltext.html_to_text(nested(most + 100)).split("\n")
    assert len(lines) == most + 100
    assert lines[:3] == ["> w1", "> > w2", "> > > w3"]
    assert lines[most - 1] == "> " * most + f"w{most}"
    # Deeper quotes keep their words, at the deepest level, each on its line.
    assert lines[most:] == ["> " * most + f"w{n}" for n in range(most + 1, most + 101)]


def test_what_follows_deep_nesting_is_back_at_its_own_level():
    after = "<p>after</p><blockquote>again</blockquote>"
    assert htmltext.html_to_text(nested(2) + after) == "> w1\n> > w2\nafter\n\n> again"
    assert htmltext.html_to_text(nested(2000) + after).split("\n")[-3:] == ["after", "", "> again"]


def test_unclosed_formatting_tags_lose_no_words():
    html = "".join(f'<b class="c{n}">w{n} ' for n in range(40)) + "<div>end</div>"
    assert htmltext.html_to_text(html) == " ".join(f"w{n}" for n in range(40)) + "\nend"


def test_a_tag_inside_a_script_or_comment_is_not_counted():
    html = "<script>" + "<div>" * 2000 + "</script><!--" + "<div>" * 2000 + "-->" + nested(2)
    assert htmltext.html_to_text(html) == "> w1\n> > w2"


def test_convert_writes_lines_up_to_the_limit_and_counts_the_rest():
    html = nested(300)
    whole = htmltext.html_to_text(html)
    assert htmltext.convert(html) == (whole, 0)
    for limit in (1, 1000, 50_000):
        text, more = htmltext.convert(html, limit)
        assert whole.startswith(text) and len(text) + more == len(whole)
        assert len(text) >= min(limit, len(whole)) - 1  # whole lines, up to the limit


def test_html_mail_of_3000_nested_quotes_is_cut_at_the_text_limit():
    body = nested(3000)
    raw = (
        "From: Ada Lead <ada@example.org>\nMessage-ID: <deep@example.org>\n"
        f"Subject: deep\nContent-Type: text/html; charset=utf-8\n\n{body}"
    ).encode()
    mail = mbox.parse(raw, "x.eml", 1, 1)
    assert isinstance(mail, mbox.Mail)
    whole = htmltext.html_to_text(body)  # 2.8 MB: one "> " a level, up to 512
    cut = mbox._text_cut(whole)  # where the whole text would be cut
    assert 0 < cut < mbox.MAX_TEXT
    assert mail.notes == (f"text cut at {cut:,} of {len(whole):,} characters",)
    assert mail.text == whole[:cut] + f"\n[lsfmm-prep: {len(whole) - cut:,} more characters not imported]"
