"""Quote levels, attribution lines, blocks, signatures and the quote check, on real mail text."""

import pytest

from generator.mail.mbox import read_inputs
from generator.records import mailtext as T
from tests.conftest import SEED_MBOX

REPLY = """\
"David Hildenbrand (Arm)" writes:

> On 4/28/26 01:57, Roman Gushchin wrote:
>> In (approximately) historical order:
>> - BPF OOM
>
> There was also the BPF THP control.

Thanks, missed that.
"""


@pytest.mark.parametrize(
    ("line", "name", "address"),
    [
        ("On 4/28/26 01:57, Roman Gushchin wrote:", "Roman Gushchin", ""),
        ('"David Hildenbrand (Arm)" writes:', "David Hildenbrand (Arm)", ""),
        ("At 10:12 on Tuesday, Ada Lead wrote:", "Ada Lead", ""),
        ("On Sun, 2017-01-22 at 01:44 +0100, Andrew Shadura wrote:", "Andrew Shadura", ""),
        ("On 2019-08-20 03:36, YueHaibing wrote:", "YueHaibing", ""),
        (
            "On Tue, Apr 28, 2026 at 10:12 AM David Hildenbrand <david@kernel.org> wrote:",
            "David Hildenbrand",
            "david@kernel.org",
        ),
        ("On Tue, Apr 28, 2026 at 10:12:16AM +0200, David Hildenbrand wrote:", "David Hildenbrand", ""),
        ("bob@example.org writes:", "", "bob@example.org"),
    ],
)
def test_attribution_lines_name_the_quoted_author(line, name, address):
    attr = T.parse_attribution(line, 7)
    assert attr == T.Attribution(7, name, address)


@pytest.mark.parametrize(
    "line",
    ["Thanks, missed that.", "The patch I wrote:", "this is what the long sentence of the mail, ten words long wrote:"],
)
def test_ordinary_lines_are_not_attributions(line):
    assert T.parse_attribution(line) is None or line == "The patch I wrote:"
    if line == "The patch I wrote:":  # looks like one; blocks() only takes it when deeper quotes follow
        assert [b.attribution for b in T.blocks("The patch I wrote:\nmore text\n")] == [None]


def test_blocks_of_the_seed_reply_name_who_wrote_each_level():
    got = [(b.level, b.first, b.attribution.name if b.attribution else None, b.lines[0]) for b in T.blocks(REPLY)]
    assert got == [
        (0, 1, None, '"David Hildenbrand (Arm)" writes:'),
        (1, 3, "David Hildenbrand (Arm)", "On 4/28/26 01:57, Roman Gushchin wrote:"),
        (2, 4, "Roman Gushchin", "In (approximately) historical order:"),
        (1, 7, "David Hildenbrand (Arm)", "There was also the BPF THP control."),
        (0, 9, None, "Thanks, missed that."),
    ]


def test_outlook_original_message_puts_the_rest_one_level_down():
    body = (
        "Fine by me.\n\n-----Original Message-----\nFrom: Bob Reviewer <bob@example.org>\n"
        "Sent: Monday\n\nNothing is stable.\n"
    )
    levels = [(ln.level, ln.text) for ln in T.quote_lines(body) if ln.text]
    assert levels[-1] == (1, "Nothing is stable.")
    (quoted,) = [b for b in T.blocks(body) if b.level == 1]
    assert quoted.attribution == T.Attribution(4, "Bob Reviewer", "bob@example.org")


def test_wrapped_gmail_attribution_is_joined():
    body = "On Tue, Apr 28, 2026 at 10:12 AM David Hildenbrand\n<david@kernel.org> wrote:\n> quoted\n"
    (_, quoted) = T.blocks(body)
    assert quoted.attribution == T.Attribution(1, "David Hildenbrand", "david@kernel.org")


def test_find_quote_checks_the_level_and_ignores_whitespace():
    assert T.find_quote("There was also the\n   BPF THP control.", REPLY, 1) == 0
    assert T.find_quote("There was also the BPF THP control.", REPLY, 0) == 1  # not the reply's own words
    assert T.find_quote("There was also the BPF THP control.", REPLY, 2) == 1
    assert T.find_quote("In (approximately) historical order:\n- BPF OOM", REPLY, 2) == 0
    assert T.find_quote("Thanks, missed that.", REPLY, 0) == 0


def test_find_quote_reports_the_first_line_that_does_not_follow():
    assert T.find_quote("In (approximately) historical order:\n- BPF OOPS", REPLY, 2) == 2
    assert T.find_quote("\nIn (approximately) historical order:\n- BPF OOPS", REPLY, 2) == 3  # lines of the quote


def test_find_quote_wants_whole_words_and_one_block():
    assert T.find_quote("hanks, missed that", REPLY, 0) == 1
    assert T.find_quote("Thanks, missed that", REPLY, 0) == 0  # a shorter quote may end before the period
    # Words from two blocks of one level, with deeper text between them, are not one quote.
    assert T.find_quote("- BPF OOM There was also", REPLY, 1) == 1


def test_a_quote_that_itself_holds_quoted_lines_matches_with_its_markers():
    assert (
        T.find_quote("On 4/28/26 01:57, Roman Gushchin wrote:\n> In (approximately) historical order:", REPLY, 1) == 0
    )
    assert T.find_quote("Roman Gushchin wrote:\nIn (approximately) historical order:", REPLY, 1) == 2


def test_the_seed_quotes_are_found_in_the_seed_text(shared):
    (mail,) = read_inputs([str(SEED_MBOX)]).mails
    assert T.find_quote("Despite a large number of suggestions only a relatively small feature", mail.text, 2) == 0
    assert T.find_quote("Unclear ABI stability guarantees.", mail.text, 1) == 0
    assert T.find_quote("Unclear ABI stability guarantees.", mail.text, 0) == 1


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Hello\n-- \nAda\nExample Corp", "Hello"),
        ("Reviewed-by: X\n\n--\nMy sig", "Reviewed-by: X\n"),
        ("> quoted\n-- \n> still quoted after", "> quoted\n-- \n> still quoted after"),
        ("a diff line\n--\n" + "\n".join(f"line {n}" for n in range(20)), None),
    ],
)
def test_signature_is_removed_only_at_the_end(text, kept):
    assert T.strip_signature(text) == (text if kept is None else kept)


def test_names_match_across_accents_case_and_company_tags():
    assert T.names_match("David Hildenbrand (Arm)", "David Hildenbrand")
    assert T.names_match("Michal Koutny", "Michal Koutný")
    assert T.names_match("Tester1 [corporate]", "tester1")
    assert not T.names_match("David", "David Hildenbrand")
    assert not T.names_match("", "")


def test_a_quote_check_makes_as_many_calls_for_a_long_message_as_for_a_short_one():
    """Bound: a quote is checked with at most 16 `str.find` calls and one regular-expression
    pass over each run of the message per prefix tried (about log2 of its lines), however often
    its words occur inside others'.
    Calls are counted, not timed: "a" occurs inside every word of these messages and nowhere
    as a word, and looping over those occurrences made the check quadratic in practice (1.5 s
    per quote against a 1.9 MB message)."""
    import sys

    calls = {}
    for words in (3_000, 30_000):
        body = "\n".join(" ".join(["banana", "cabal", "data"] * 4) for _ in range(words // 12))
        T._runs(body, 0, False)  # splitting the body into runs is linear and remembered
        T._runs(body, 0, True)
        quotes = ("a", "a\nb\nc\nd\ne\nf\ng\nh", "ana\n> ana")
        [T.find_quote.__wrapped__(q, body, 0) for q in quotes]  # and compiling the patterns
        count = [0]

        def profile(frame, event, arg, count=count):
            if event == "c_call":
                count[0] += 1

        sys.setprofile(profile)
        try:
            found = [T.find_quote.__wrapped__(q, body, 0) for q in quotes]
        finally:
            sys.setprofile(None)
        assert found == [1, 1, 1]
        calls[words] = count[0]
    assert calls[30_000] == calls[3_000] < 600, calls


@pytest.mark.parametrize(
    ("line", "name", "address"),
    [
        ("Le 28/04/2026 à 10:12, François Boulogne a écrit :", "François Boulogne", ""),
        ("François Boulogne <fb@example.org> a écrit :", "François Boulogne", "fb@example.org"),
        (
            "Le mar. 28 avr. 2026 à 10:12, David Hildenbrand <david@kernel.org> a écrit :",
            "David Hildenbrand",
            "david@kernel.org",
        ),
        ("Jürgen Groß schrieb:", "Jürgen Groß", ""),
        ("Am 28.04.26 um 10:12 schrieb Jürgen Groß:", "Jürgen Groß", ""),
        ("Am Dienstag, 28. April 2026, 10:12:16 CEST schrieb Jürgen Groß:", "Jürgen Groß", ""),
        ("El mar, 28 abr 2026 a las 10:12, Ana López (<ana@example.org>) escribió:", "Ana López", "ana@example.org"),
        ("Il giorno mar 28 apr 2026 alle ore 10:12 Luca Rossi ha scritto:", "Luca Rossi", ""),
        ("Op di 28 apr 2026 om 10:12 schreef Jan de Vries <jan@example.nl>:", "Jan de Vries", "jan@example.nl"),
        ("Den 2026-04-28 kl. 10:12, skrev Sven Svensson:", "Sven Svensson", ""),
        ("W dniu 28.04.2026 o 10:12, Jan Kowalski pisze:", "Jan Kowalski", ""),
        ('"John Doe" <jdoe@example.com> wrote on 04/28/2026 10:12:00 AM:', "John Doe", "jdoe@example.com"),
    ],
)
def test_attribution_lines_in_other_languages_and_clients(line, name, address):
    assert T.parse_attribution(line, 3) == T.Attribution(3, name, address)


@pytest.mark.parametrize(
    "line",
    [
        "In groff_man_style(7) you wrote:",
        "As I wrote:",
        "The changelog above says:",
        "Then you wrote:",
        "this commit message wrote:",
        "As the documentation of mmap(2) said:",
    ],
)
def test_sentences_ending_in_wrote_name_nobody(line):
    assert T.parse_attribution(line) is None


def test_a_quoted_outlook_original_with_its_own_markers_is_not_counted_twice():
    # Outlook set to "prefix each line of the original message", quoted once more by a reply:
    # the original's lines already carry their '>' and stay at their level.
    body = (
        "> I agree.\n>\n> -----Original Message-----\n> From: Bob Reviewer <bob@example.org>\n"
        "> Sent: Monday, April 27, 2026 10:00 AM\n>\n> > Nothing is stable.\n\nMe too.\n"
    )
    levels = [(ln.level, ln.text) for ln in T.quote_lines(body) if ln.text.strip()]
    assert levels == [
        (1, "I agree."),
        (1, "-----Original Message-----"),
        (1, "From: Bob Reviewer <bob@example.org>"),
        (1, "Sent: Monday, April 27, 2026 10:00 AM"),
        (2, "Nothing is stable."),
        (0, "Me too."),
    ]
    (deep,) = [b for b in T.blocks(body) if b.level == 2]
    assert deep.attribution == T.Attribution(4, "Bob Reviewer", "bob@example.org")


def test_an_outlook_header_block_without_its_original_line_starts_the_original():
    body = (
        "Fine by me.\n\n________________________________\nVon: Jürgen Groß <jgross@example.org>\n"
        "Gesendet: Montag, 27. April 2026 10:00\nAn: linux-mm@kvack.org\nBetreff: hooks\n\nNothing is stable.\n"
    )
    levels = [(ln.level, ln.text) for ln in T.quote_lines(body) if ln.text.strip()]
    assert levels[0] == (0, "Fine by me.") and levels[-1] == (1, "Nothing is stable.")
    (quoted,) = [b for b in T.blocks(body) if b.level == 1]
    assert quoted.attribution == T.Attribution(4, "Jürgen Groß", "jgross@example.org")
    # A git in-body "From:" line (no "Sent:" below it) starts nothing.
    patch = "From: Ann Author <ann@example.org>\n\nmm: add a hook\n"
    assert {ln.level for ln in T.quote_lines(patch)} == {0}


@pytest.mark.parametrize(
    ("line", "when"),
    [
        ("On Wed, Jan 15, 2025 at 10:14:56AM +1100, Dave Chinner wrote:", "2025-01-14T23:14:56+00:00"),
        ("On Tue, Apr 28, 2026 at 01:12:16PM +0200, David Hildenbrand wrote:", "2026-04-28T11:12:16+00:00"),
        ("On Tue, 28 Apr 2026 10:12:16 +0200, David Hildenbrand wrote:", "2026-04-28T08:12:16+00:00"),
        ("On Tue, Apr 28, 2026 at 10:12 AM David Hildenbrand <david@kernel.org> wrote:", None),  # no seconds, no zone
        ("On 4/28/26 01:57, Roman Gushchin wrote:", None),
    ],
)
def test_an_attribution_dates_the_quoted_message_only_to_the_second_with_its_zone(line, when):
    attr = T.parse_attribution(line)
    assert attr is not None
    assert (attr.date.isoformat() if attr.date else None) == when


@pytest.mark.parametrize(
    ("line", "name", "address"),
    [
        ("On Tuesday, 28 April 2026 10:12:16 CEST Jan Kara wrote:", "Jan Kara", ""),  # KMail
        ("* Liam R. Howlett <liam.howlett@oracle.com> [260428 10:12]:", "Liam R. Howlett", "liam.howlett@oracle.com"),
        ("Quoting Stephen Boyd (2026-04-28 10:12:16)", "Stephen Boyd", ""),
        ("Excerpts from Nicholas Piggin's message of April 28, 2026 10:12 am:", "Nicholas Piggin", ""),
        ("在 2026/4/28 10:12, Baolin Wang 写道:", "Baolin Wang", ""),
    ],
)
def test_attribution_forms_of_kernel_mail_clients(line, name, address):
    assert T.parse_attribution(line, 1) == T.Attribution(1, name, address)


@pytest.mark.parametrize(
    "line",
    [
        "At least Ada said:",
        "At least Ada wrote:",
        "Ok, so Jan said:",
        "Hi, Andrew wrote:",
        "Linus once said:",
        "On arm64 it wrote:",
        "gcc said:",
        "KASAN said:",
        "1 skrev " * 36 + "x:",  # and no backtracking: linear in the line
        "Am 1 schrieb " * 22 + ":",
        "a wrote on " * 500 + "1:",  # over MAX_ATTRIBUTION: not even searched
    ],
)
def test_sentences_and_noise_are_not_attributions(line):
    assert T.parse_attribution(line) is None


def test_an_outlook_original_is_one_level_down_unless_all_its_lines_carry_markers():
    # Bob's original opens with a line he quoted, then his own words: they are Bob's, not Ada's.
    body = (
        "I agree with Bob.\n\n-----Original Message-----\nFrom: Bob <bob@example.org>\nSent: Monday\n\n"
        "> We keep the sysctl.\nNothing is stable\nuntil a maintainer says so.\n"
    )
    levels = [(ln.level, ln.text) for ln in T.quote_lines(body) if ln.text.strip()]
    assert levels[-3:] == [(2, "We keep the sysctl."), (1, "Nothing is stable"), (1, "until a maintainer says so.")]


@pytest.mark.parametrize(
    ("line", "name", "address"),
    [
        (
            "Baolin Wang <baolin.wang@linux.alibaba.com> 于2026年4月28日周二 10:12写道：",
            "Baolin Wang",
            "baolin.wang@linux.alibaba.com",
        ),
        ("Jürgen Groß <jgross@suse.com> schrieb am Di., 28. Apr. 2026, 10:12:", "Jürgen Groß", "jgross@suse.com"),
        ("Jarkko Sakkinen (jarkko@kernel.org) kirjoitti:", "Jarkko Sakkinen", "jarkko@kernel.org"),
        ('"Hildenbrand, David" <david@kernel.org> wrote:', "David Hildenbrand", "david@kernel.org"),
        ("On Tue, 28 Apr 2026, Roman Gushchin wrote:", "Roman Gushchin", ""),
    ],
)
def test_gmail_forms_and_names_written_last_first(line, name, address):
    assert T.parse_attribution(line, 2) == T.Attribution(2, name, address)


@pytest.mark.parametrize(
    "line",
    [
        "Back in 2019, Bob Reviewer wrote:",  # a year alone, without "On", is not the date of a line
        "Later, in 2021, Johannes Weiner wrote:",
        "On x86-64, 4.19 kernels, David wrote:",  # 4.19 is no time
        "Like Michal wrote:",
    ],
)
def test_sentences_with_numbers_are_not_attributions(line):
    assert T.parse_attribution(line) is None


def test_stacked_originals_count_at_most_twenty_levels():
    body = "-----Original Message-----\ny\n" * 100
    assert max(ln.level for ln in T.quote_lines(body)) == T.MAX_ORIGINALS
