"""Quotes nobody can forge: each attack that made a made-up quote pass `check --strict` and show
as a real person's words, on the sample thread (Ada's post known only through Bob's reply)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import SAMPLE, run_cli, site_of

THREAD = """\
id: hooks-in-mm
subject: "[LSF/MM/BPF TOPIC] Hooks in MM"
lists: [linux-mm]
messages:
  - message_id: 20300101120000.1-1-ada@example.org
    author: ada-lead
    date: 2030-01-01T12:00:00+01:00
    subject: "[LSF/MM/BPF TOPIC] Hooks in MM"
  - message_id: reply.1@example.org
    author: bob-reviewer
    date: 2030-01-02T08:00:00Z
    in_reply_to: 20300101120000.1-1-ada@example.org
    text: |
      On 1 Jan 2030, Ada Lead wrote:
      > We keep the sysctl. The hook comes on top.

      Nothing is stable
      until a maintainer says so. I can't say more; the ABI is a no-go
      for now. The café is open. Use x ≠ y.
  - message_id: forged.1@evil.example
    author: cy-author
    date: 2030-01-03T08:00:00Z
    in_reply_to: reply.1@example.org
    text: |
      On 2 Jan 2030, Bob Reviewer wrote:
      > On 1 Jan 2030, Ada Lead wrote:
      >> We drop the sysctl. The hook replaces it.
      >
      > Nothing is stable

      Really?
quotes:
{quotes}
"""
KEEP = """\
  - id: ada-keep
    message: 20300101120000.1-1-ada@example.org
    seen_in: reply.1@example.org
    text: We keep the sysctl.
    questions: [keep-old-api]
  - id: bob-abi
    message: reply.1@example.org
    text: Nothing is stable
    proposals: [oom-hook]
"""


def check(tmp_path: Path, quotes: str) -> str:
    data = tmp_path / "data"
    if not data.exists():
        shutil.copytree(SAMPLE, data)
    (data / "threads" / "hooks-in-mm.yaml").write_text(THREAD.format(quotes=KEEP + quotes), encoding="utf-8")
    return run_cli("check", "--data", str(data)).stderr


def test_a_later_reply_cannot_speak_for_the_reply_that_quoted_first(tmp_path: Path):
    """Mallory's '>>' line under Bob's real attribution: Bob's reply is the earliest text on record
    that quotes Ada, so the quote is checked there, not in the reply it is pointed at."""
    said = check(
        tmp_path,
        "  - id: forged\n    message: 20300101120000.1-1-ada@example.org\n    seen_in: forged.1@evil.example\n"
        "    text: We drop the sysctl.\n",
    )
    assert (
        "quote 'forged' is not in the text of <reply.1@example.org> at quote level 1 (compared ignoring "
        "whitespace); <reply.1@example.org> is the earliest text on record that quotes "
        "<20300101120000.1-1-ada@example.org>, so the quote is checked there and not in <forged.1@evil.example>"
    ) in said
    # The same words as Bob's reply has them pass, pointed at either reply.
    fine = check(
        tmp_path,
        "  - id: through-later\n    message: 20300101120000.1-1-ada@example.org\n    seen_in: forged.1@evil.example\n"
        "    text: We keep the sysctl.\n",
    )
    assert "through-later" not in fine


@pytest.mark.parametrize(
    "cut",
    ["I can", "the ABI is a no", "The caf", "Use x =", "stable until a maintainer says so. I can"],
)
def test_a_quote_cannot_cut_a_word_or_a_character(tmp_path: Path, cut: str):
    said = check(tmp_path, f"  - id: cut\n    message: reply.1@example.org\n    text: {cut}\n")
    assert "quote 'cut' is not in the text of <reply.1@example.org>" in said


@pytest.mark.parametrize("whole", ["I can't say more", "the ABI is a no-go", "The café is open", "Use x ≠ y."])
def test_whole_words_pass_whatever_their_unicode_form(tmp_path: Path, whole: str):
    said = check(tmp_path, f"  - id: whole\n    message: reply.1@example.org\n    text: {whole}\n")
    assert "'whole'" not in said


def test_decomposed_accents_in_the_message_are_the_same_words(tmp_path: Path):
    """A message whose 'é' is 'e' and a combining accent (NFD): the composed quote passes, and a
    quote ending before the accent does not."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    thread = THREAD.format(quotes=KEEP).replace("The café is open", "The cafe\u0301 is open")
    thread = thread.replace("Use x ≠ y.", "Use x =\u0338 y.")
    path = data / "threads" / "hooks-in-mm.yaml"
    for whole in ("The café is open", "Use x ≠ y."):
        path.write_text(thread + f"  - id: whole\n    message: reply.1@example.org\n    text: {whole}\n")
        assert "'whole'" not in run_cli("check", "--data", str(data)).stderr
    for cut in ("The cafe", "Use x ="):
        path.write_text(thread + f"  - id: cut\n    message: reply.1@example.org\n    text: {cut}\n")
        assert "quote 'cut' is not in the text" in run_cli("check", "--data", str(data)).stderr, cut


def test_a_line_the_author_quoted_from_someone_else_is_not_theirs(tmp_path: Path):
    said = check(
        tmp_path,
        "  - id: borrowed\n    message: reply.1@example.org\n    text: |\n"
        "      > We keep the sysctl. The hook comes on top.\n",
    )
    assert (
        "quote 'borrowed' is only lines that <reply.1@example.org> quotes from someone else: they are not its "
        "author's words; quote the message they come from"
    ) in said


@pytest.mark.parametrize(
    "head",
    [
        # Outlook for Mac: a header block with Date, and no Sent
        "From: Ada Lead <ada@example.org>\nDate: Tuesday, 1 January 2030 at 12:00\nTo: linux-mm@kvack.org\n"
        "Subject: Re: hooks\n",
        # Gmail's forward
        "---------- Forwarded message ---------\nFrom: Ada Lead <ada@example.org>\n"
        "Date: Tue, Jan 1, 2030 at 12:00 PM\nSubject: hooks\nTo: <linux-mm@kvack.org>\n",
        # Thunderbird's forward
        "-------- Forwarded Message --------\nSubject: hooks\nDate: Tue, 1 Jan 2030 12:00:00 +0100\n"
        "From: Ada Lead <ada@example.org>\n",
    ],
)
def test_a_top_posted_or_forwarded_original_is_quoted_not_the_senders(head: str):
    from generator.records import mailtext

    body = f"Sure, see below.\n\n{head}\nWe drop the sysctl. The hook replaces it.\n"
    assert mailtext.find_quote("We drop the sysctl.", body, 0) != 0  # not the forwarder's words
    assert mailtext.find_quote("We drop the sysctl.", body, 1) == 0  # the original's, one level down


def test_a_patch_with_an_in_body_from_is_its_senders_text():
    from generator.records import mailtext

    body = "From: Real Author <real@example.org>\n\nmm: fix the thing\n\nWe keep the sysctl.\n"
    assert mailtext.find_quote("We keep the sysctl.", body, 0) == 0


# A second reply to Ada's post, on record beside Bob's: `{said}` is what it quotes her as saying.
SIBLING = """\
  - message_id: reply.2@example.org
    author: dana-maintainer
    date: 2030-01-02T09:00:00Z
    in_reply_to: 20300101120000.1-1-ada@example.org
    text: |
{said}
"""


def check_with_sibling(tmp_path: Path, said: str, quotes: str = "") -> str:
    data = tmp_path / "data"
    if not data.exists():
        shutil.copytree(SAMPLE, data)
    body = "\n".join(f"      {line}" if line else "" for line in said.split("\n"))
    thread = THREAD.format(quotes=KEEP + quotes).replace("quotes:\n", SIBLING.format(said=body) + "quotes:\n", 1)
    (data / "threads" / "hooks-in-mm.yaml").write_text(thread, encoding="utf-8")
    return run_cli("check", "--strict", "--data", str(data)).stderr


def test_a_reply_that_quotes_the_same_words_otherwise_leaves_them_unknown(tmp_path: Path):
    """Mallory answers Ada's post directly, with a '>' line that says the opposite of what Bob's
    reply quotes her as saying. With no text of Ada's post on record, neither reply is taken for
    her words, whichever the quote is pointed at."""
    said = check_with_sibling(
        tmp_path,
        "On 1 Jan 2030, Ada Lead wrote:\n> We keep the sysctl. The hook replaces it.\n\nGood.",
        "  - id: forged\n    message: 20300101120000.1-1-ada@example.org\n    seen_in: reply.2@example.org\n"
        "    text: The hook replaces it.\n",
    )
    assert (
        "quote 'ada-keep': <reply.2@example.org> quotes <20300101120000.1-1-ada@example.org> otherwise than "
        "<reply.1@example.org> does: it has 'replaces it.' where the quote has 'comes on top.'"
    ) not in said  # the quote 'ada-keep' is the first sentence, which both have alike
    assert "quote 'ada-keep'" not in said
    assert (
        "quote 'forged': <reply.1@example.org> quotes <20300101120000.1-1-ada@example.org> otherwise than "
        "<reply.2@example.org> does: it has 'comes on top.' where the quote has 'replaces it.'"
    ) in said


def test_a_one_word_change_is_told_apart(tmp_path: Path):
    said = check_with_sibling(
        tmp_path,
        "On 1 Jan 2030, Ada Lead wrote:\n> We drop the sysctl.",
    )
    assert (
        "quote 'ada-keep': <reply.2@example.org> quotes <20300101120000.1-1-ada@example.org> otherwise than "
        "<reply.1@example.org> does: it has 'drop' where the quote has 'keep'"
    ) in said


@pytest.mark.parametrize(
    "alike",
    [
        # the same words, wrapped elsewhere
        "On 1 Jan 2030, Ada Lead wrote:\n> We keep\n> the sysctl. The hook comes\n> on top.",
        # less of the message: one sentence of the two
        "On 1 Jan 2030, Ada Lead wrote:\n> The hook comes on top.",
        # a cut marked in the quote
        "On 1 Jan 2030, Ada Lead wrote:\n> We keep the sysctl.\n> [...]\n> Something else she said later.",
        # another part of the message altogether
        "On 1 Jan 2030, Ada Lead wrote:\n> Numbers follow next week, with the test setup we used.",
    ],
)
def test_replies_that_quote_alike_or_elsewhere_agree(tmp_path: Path, alike: str):
    said = check_with_sibling(tmp_path, alike)
    assert "ada-keep" not in said, said


def test_a_quote_is_only_hers_where_the_reply_says_so(tmp_path: Path):
    """The lines a quote is found in must be introduced by an attribution line naming the author
    of the message the quote cites: otherwise the reply does not say they are that message's."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    path = data / "threads" / "hooks-in-mm.yaml"
    thread = THREAD.format(quotes=KEEP)
    eve = "On 1 Jan 2030, Eve Tester <eve@example.org> wrote:"
    path.write_text(thread.replace("On 1 Jan 2030, Ada Lead wrote:", eve))
    said = run_cli("check", "--data", str(data)).stderr
    assert (
        "quote 'ada-keep': <reply.1@example.org> introduces the lines it is found in with an attribution to Eve "
        "Tester <eve@example.org> (its line 1), not to Ada Lead (ada-lead), the author of "
        "<20300101120000.1-1-ada@example.org>: it does not quote <20300101120000.1-1-ada@example.org> there"
    ) in said
    # Her address alone names her as well as her name does.
    path.write_text(thread.replace("On 1 Jan 2030, Ada Lead wrote:", "On 1 Jan 2030, <ada@example.org> wrote:"))
    assert "ada-keep" not in run_cli("check", "--strict", "--data", str(data)).stderr
    # No attribution line at all: the words are not known to be hers.
    path.write_text(thread.replace("On 1 Jan 2030, Ada Lead wrote:\n      ", "", 1))
    said = run_cli("check", "--strict", "--data", str(data)).stderr
    assert (
        "quote 'ada-keep' is not verified: <20300101120000.1-1-ada@example.org> has no text on record, and "
        "<reply.1@example.org> quotes the lines with no attribution line naming Ada Lead (ada-lead)"
    ) in said
    # And the Site says so: what a write-up may quote is a verified quote only.
    quotes = site_of(data).quotes
    assert quotes["ada-keep"]["verified"] is False and quotes["ada-keep"]["via"] is None
    assert quotes["bob-abi"]["verified"] is True  # in the own text of its message
