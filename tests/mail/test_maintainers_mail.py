"""Mail as maintainers' clients and lists write it: a list's footer is not the author's text,
a 'Last, First' sender is the same person as 'First Last', a bracketed note before a trailer."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.mail import mbox
from generator.records import mailtext, series
from tests.conftest import REPO, SAMPLE, SHARED, SUMMIT, edit, run_cli, site_of, tree


def parse(headers: str, body: str) -> mbox.Mail:
    raw = f"{headers}Subject: Re: hooks\nDate: Wed, 02 Jan 2030 08:00:00 +0000\nMessage-ID: <m@example.org>\n\n{body}"
    mail = mbox.parse(raw.encode("utf-8"), "t.mbox", 1, 1)
    assert isinstance(mail, mbox.Mail)
    return mail


def test_list_footers_are_not_the_authors_text():
    mailman = (
        "Agreed.\n\n_______________________________________________\nLinux-nvme mailing list\n"
        "Linux-nvme@lists.infradead.org\nhttp://lists.infradead.org/mailman/listinfo/linux-nvme\n"
    )
    vger = (
        'Agreed.\n--\nTo unsubscribe from this list: send the line "unsubscribe linux-fsdevel" in\n'
        "the body of a message to majordomo@vger.kernel.org\nMore majordomo info at  http://vger.kernel.org/majordomo-info.html\n"
    )
    kvack = (
        "Agreed.\n\n--\nTo unsubscribe, send a message with 'unsubscribe linux-mm' in\n"
        "the body to majordomo@kvack.org.  For more info on Linux MM,\nsee: http://www.linux-mm.org/ .\n"
    )
    for body in (mailman, vger, kvack):
        assert parse("From: Ada Lead <ada@example.org>\n", body).text == "Agreed."
    # Words of the author's that merely mention a list stay.
    said = "Agreed.\n\nPlease keep linux-mm in Cc; the mailing list archive has the rest.\n"
    assert parse("From: Ada Lead <ada@example.org>\n", said).text == said.strip()


def test_a_last_first_sender_is_first_last():
    assert parse('From: "Bounine, Alexandre" <alexandre.bounine@example.com>\n', "Hi.").name == "Alexandre Bounine"
    assert parse('From: "Example, Inc" <noreply@example.com>\n', "Hi.").name == "Example, Inc"
    assert mailtext.names_match("Alexandre Bounine", "Alexandre Bounine")


def test_a_bracketed_note_before_a_trailer_is_read():
    assert series.trailers("[Jack Wang] Acked-by: Jack Wang <jinpu.wang@example.com>\n") == [
        ("Acked-by", "Jack Wang", "jinpu.wang@example.com")
    ]


# ---------------------------------------------------------------------------- gmane's archive

FIXTURES = REPO / "tests" / "fixtures" / "mail"
GMANE_THREAD = "reclaim-of-long-term-pinned-pages"


def test_gmane_mail_threads_under_the_real_ids_and_gives_nobody_a_gmane_address(tmp_path):
    """gmane mangled every address and the In-Reply-To ids that look like one; References kept
    the real ids (tests/fixtures/mail/gmane-thread.mbox, shaped as gmane's linux-mm and git
    archives of 2006-2013 give their mail)."""
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    shutil.copy(FIXTURES / "gmane-thread.mbox", tmp_path)
    result = run_cli("import-mbox", "gmane-thread.mbox", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[1:5] == [
        "Quoted blocks: 2, 2 attributed to their message (2 confirmed by their words, 0 by the reply chain).",
        f"data/threads/{GMANE_THREAD}.yaml: new thread '{GMANE_THREAD}' with 3 messages.",
        "data/people.yaml: 1 person added, marked for review: dora-keeper.",
        "data/people.yaml: under review, mail filed by name alone: ada-lead, bob-reviewer.",
    ]
    site = site_of(data)
    # No phantom copy of a parent under its mangled id: each reply hangs under the real one.
    assert [(m["message_id"], m["author"], m["in_reply_to"]) for m in site.threads[GMANE_THREAD]["messages"]] == [
        ("1358154720-4411-1-git-send-email-dkeeper@example.com", "dora-keeper", None),
        (
            "20130114104000.GA2201@bob.example.net",
            "bob-reviewer",
            "1358154720-4411-1-git-send-email-dkeeper@example.com",
        ),
        ("CAHk8sx2pQ1=Vn4kT0c7jQ@mail.example.org", "ada-lead", "20130114104000.GA2201@bob.example.net"),
    ]
    # A gmane address is nobody's: matched by name (under review), never written down.
    assert not [a for p in site.people.values() for a in p["addresses"] if "gmane" in a]
    assert site.people["ada-lead"]["addresses"] == ["ada@example.org"]
    assert site.people["dora-keeper"]["review"] == (
        "added by import-mbox as the author of <1358154720-4411-1-git-send-email-dkeeper@example.com> (from "
        "dkeeper-YpQu5s8/JJUayrPQNTFPpw@public.gmane.org: gmane hid the domain, so no address is on record; add "
        "theirs): check the name (and the id: the thread files name it as author), then delete this line"
    )
    assert site.people["bob-reviewer"]["review"] == (
        "import-mbox took <20130114104000.GA2201@bob.example.net>, from bob-EXuZ3ijHa2s@public.gmane.org (gmane "
        "hides the domain), as theirs by their name: check that it is theirs, then delete this line"
    )

    # Importing it again changes nothing, and says nothing; nor once a person has confirmed them.
    people = data / "people.yaml"
    for _ in range(2):
        before = tree(data)
        again = run_cli("import-mbox", "gmane-thread.mbox", cwd=tmp_path)
        assert (again.returncode, again.stderr) == (0, "")
        assert again.stdout.splitlines()[-1] == (
            f"data/threads/{GMANE_THREAD}.yaml: up to date (3 messages on record); nothing was written."
        )
        assert tree(data) == before
        people.write_text("".join(ln for ln in people.read_text().splitlines(True) if "    review: " not in ln))


def test_a_mangled_in_reply_to_is_the_id_of_references_it_was_made_from():
    mangled = "1358154720-4411-1-git-send-email-dkeeper-YpQu5s8/JJUayrPQNTFPpw@public.gmane.org"
    real = "1358154720-4411-1-git-send-email-dkeeper@example.com"
    assert mbox.unmangle(mangled, ("root@example.org", real)) == real
    assert mbox.unmangle(mangled, ("root@example.org",)) == mangled  # nothing to resolve it by: kept
    assert mbox.unmangle(real, ()) == real
    reply = parse(f"From: Bob <bob@example.org>\nIn-Reply-To: <{mangled}>\nReferences: <{real}>\n", "Yes.")
    assert (reply.in_reply_to, reply.references) == (real, (real,))


# ---------------------------------------------------------------------------- attribution lines


@pytest.mark.parametrize(
    ("line", "when"),
    [
        ("At 2020-09-29T14:13:26+0200, Ada Lead wrote:", "2020-09-29T12:13:26+00:00"),
        ("On 2020-09-29 14:13:26 +02:00, Ada Lead wrote:", "2020-09-29T12:13:26+00:00"),
        ("On 2020-09-29T12:13:26Z Ada Lead <ada@example.org> wrote:", "2020-09-29T12:13:26+00:00"),
        ("On Tue, 29 Sep 2020 14:13:26 +0200 Ada Lead <ada@example.org> wrote:", "2020-09-29T12:13:26+00:00"),
        ("On 2020-09-29 14:13, Ada Lead wrote:", None),  # no seconds, no zone: not the time it was sent
        ("At 2020-13-45T14:13:26+0200, Ada Lead wrote:", None),  # no such day
    ],
)
def test_an_iso_8601_attribution_dates_the_quoted_message(line, when):
    attr = mailtext.parse_attribution(line)
    assert attr is not None and attr.name == "Ada Lead"
    assert (attr.date.isoformat() if attr.date else None) == when


@pytest.mark.parametrize(
    "line",
    [
        "On 1/2/11 10:00 AM, Vasiliy Kulikov<segoon@openwall.com> wrote:",
        "On 1/2/11 10:00 AM, Vasiliy Kulikov<segoon@openwall.com>wrote:",
        "On 1/2/11 10:00 AM, Vasiliy Kulikov < segoon@openwall.com > wrote:",
        "Vasiliy Kulikov<segoon@openwall.com>writes:",
    ],
)
def test_an_attribution_whose_spaces_a_client_ate_still_names_its_author(line):
    attr = mailtext.parse_attribution(line)
    assert attr is not None and (attr.name, attr.address) == ("Vasiliy Kulikov", "segoon@openwall.com")
    assert mailtext.parse_attribution("x>wrote:") is None  # a '>' is in no name


def test_messages_known_only_through_iso_and_wanderlust_attributions_get_their_dates(tmp_path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    shutil.copy(FIXTURES / "iso-attribution.mbox", tmp_path)
    result = run_cli("import-mbox", "iso-attribution.mbox", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    thread = site_of(data).threads["memory-tiering-policy-in-userspace"]
    got = [(m["message_id"], m["author"], m["date"] and m["date"].isoformat()) for m in thread["messages"]]
    assert got == [
        ("20200929121326.GB7781@hera.example.org", "ada-lead", "2020-09-29T12:13:26+00:00"),
        ("87sgb1x2a4.fsf@example.net", "eli-porter", "2020-09-29T13:01:12+00:00"),
        ("20200929140241.GA3310@bob.example.org", "bob-reviewer", "2020-09-29T14:02:41+00:00"),
        ("s5h4knfq7z2.wl-fen@example.com", "fen-amsel", "2020-09-30T07:20:33+00:00"),
    ]


# ---------------------------------------------------------------------------- quoted blocks


@pytest.mark.parametrize(
    ("fixture", "blocks"),
    [
        # Outlook's top-posted original under its header block and an "[EXTERNAL EMAIL]" banner,
        # unwrapped; mutt quoting that; Outlook re-wrapping a '>>' line, its rest under one '>'.
        ("outlook-thread.mbox", 15),
        # Thunderbird quoting "Kira Volkova <kira@...>" as "Kira Volkova<kira@...>".
        ("thunderbird-thread.mbox", 9),
    ],
)
def test_quoted_blocks_that_clients_rewrapped_or_damaged_are_attributed_without_warnings(tmp_path, fixture, blocks):
    Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    shutil.copy(FIXTURES / fixture, tmp_path)
    result = run_cli("import-mbox", fixture, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")  # was: "... is not in <...>, the message it replies to"
    assert result.stdout.splitlines()[1] == (
        f"Quoted blocks: {blocks}, {blocks} attributed to their message ({blocks} confirmed by their words, "
        "0 by the reply chain)."
    )


def test_outlooks_original_is_the_text_below_its_header_block():
    from generator.mail.quoting import Loose

    own = "Sorry for the delay.\n\nA plain division is all that is\nneeded here.\n\n-- \nGil"
    loose = Loose({"gil": mailtext.strip_signature(own)})
    original = [
        "From: Gil Hart <gil@example.org>",
        "Sent: Wednesday, September 4, 2019 4:15 PM",
        "Subject: Re: [PATCH] nvmet: count error log slots right",
        "",
        "[EXTERNAL EMAIL]",
        "",
        "A plain division is all that is needed here.",
        "",
        "--",
        "Gil",
    ]
    assert loose.holds("gil", original)
    assert not loose.holds("gil", [*original[:6], "A plain division is all that is needed here, says Gil."])
    assert not loose.holds("gil", original[:6])  # a banner alone confirms nothing
    # Outlook on the web: an empty line after each header line, and the "From:" line one level up
    # (the original starts at it); the sign-off alone, above the signature, is compared whole.
    web = ["Sent: Tuesday, February 11, 2020 1:23 PM", "", "To: Ann <ann@example.org>", "", "Subject: Re: x", ""]
    assert loose.holds("gil", [*web, "", "A plain division is all that is", "", "needed here."])
    assert Loose({"dave": "Not in this cycle.\n\nCheers,\n\nDave."}).holds("dave", ["Cheers,", "", "Dave.", "--", "D"])
    assert not loose.holds("gil", ["Sorry"])  # too short to tell
    # The rest of a re-wrapped deeper line opens the block: left aside only after a deeper line.
    rewrapped = ["division into your series?", "", "A plain division is all that is needed here."]
    assert loose.holds("gil", rewrapped, rewrapped=True) and not loose.holds("gil", rewrapped)


def test_comparing_blocks_loosely_costs_at_most_eight_times_the_text():
    from generator.mail.quoting import Loose

    text = "\n".join(f"line {n} of a long message about page reclaim" for n in range(5000))
    loose = Loose({"m": text})
    start = loose.budget
    assert not any(loose.holds("m", [f"words that are not there {n}"]) for n in range(5000))
    # 5,000 blocks would scan the text 5,000 times; they scan it until the budget is spent.
    assert start == 8 * len(text) and 0 <= loose.budget < len("".join(text.split()))


def test_real_outlook_on_the_web_replies_are_attributed(tmp_path):
    """Real mail of ../shared/mail/intake: a 2020 thread on lore whose last two replies come from
    Outlook on the web (an empty line after every line, header lines included, and the
    original's "From:" line above it). Four warnings before; the one left is real: the
    sender's gateway rewrote a link of the quoted text (urldefense.proofpoint.com)."""
    folder = SHARED / "mail" / "intake"
    if not folder.is_dir():
        pytest.skip(f"../shared is not beside this checkout ({folder} missing)")
    Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    mail = tmp_path / "mail"
    mail.mkdir()
    for path in sorted(folder.glob("1[2-7]-multi-actuator*.eml")):
        shutil.copy(path, mail)
    result = run_cli("import-mbox", "mail", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr == (
        "mail/17-multi-actuator-re-ahmad.eml:1: warning: message 1: quoted text at body line 65 is not in "
        "<CANo=J14NY9TG9RAUMfX2N-q2ZCqiD0CGGVWu-DTgKJDQK20CRg@mail.gmail.com>, the message it replies to; "
        "left unattributed\n"
    )
    assert result.stdout.splitlines()[1] == (
        "Quoted blocks: 15, 14 attributed to their message (14 confirmed by their words, 0 by the reply chain)."
    )


# ---------------------------------------------------------------------------- one bad message


def _outlook_thread_with(edit) -> str:
    """tests/fixtures/mail/outlook-thread.mbox with its third message (Outlook's top-posted
    reply) edited: the other four are good mail."""
    text = (FIXTURES / "outlook-thread.mbox").read_text()
    parts = text.split("\nFrom mboxrd@z ")
    parts[2] = edit(parts[2])
    return "\nFrom mboxrd@z ".join(parts)


def _addresses(headers: str) -> Callable[[str], str]:
    def edit(message: str) -> str:
        return message.replace("\nSubject: ", "\n" + headers + "Subject: ", 1)

    return edit


# With the three it has (Gil, sagi, linux-nvme), 1,001; To and Cc each under 16 KB.
_LISTS = [f"list{n}@vger.kernel.org" for n in range(998)]
_FLOOD = "To: " + ", ".join(_LISTS[:499]) + "\nCc: " + ",\n ".join(_LISTS[499:]) + "\n"
OUTLOOK_REPLY = "MN2PR19MB26549E2B17C1A0F3D8C4B1E7E2B80@MN2PR19MB2654.namprd19.prod.outlook.com"


@pytest.mark.parametrize(
    ("edit", "kept", "said"),
    [
        # A reply to 1,001 addresses: its lists would make the thread file invalid.
        (_addresses(_FLOOD), False, "message 3: 1,001 addresses in To and Cc (at most 1,000); skipped"),
        # A list name longer than a thread's `lists` hold (80): the list is left out.
        (lambda m: m.replace("<linux-nvme.lists", "<" + "x" * 100 + ".lists"), True, ""),
        # A Message-ID that is a URL, which a thread file refuses: nothing can key the message.
        (
            lambda m: m.replace(f"<{OUTLOOK_REPLY}>", "<https://lore.example.org/r/x@y>", 1),
            False,
            "message 3: no usable Message-ID (a thread record is keyed by it); skipped",
        ),
        # An In-Reply-To that is a URL: left out (References still place the message).
        (lambda m: m.replace("In-Reply-To: <", "In-Reply-To: <https://", 1), True, ""),
        # 400,000 lines of emoji, 4 bytes each: cut to what a thread file can hold.
        (lambda m: m + "\U0001f600\n" * 400_000, True, "message 3: text cut at "),
    ],
    ids=["1001-addresses", "long-list-id", "url-message-id", "url-in-reply-to", "astral-text"],
)
def test_one_bad_message_is_skipped_or_repaired_and_the_others_import(tmp_path, edit, kept, said):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    (tmp_path / "t.mbox").write_text(_outlook_thread_with(edit), encoding="utf-8")
    result = run_cli("import-mbox", "t.mbox", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (said in result.stderr) if said else result.stderr == ""
    messages = site_of(data).threads["nvmet-count-error-log-slots-right"]["messages"]
    read = [m["message_id"] for m in messages if m["text"]]  # a skipped one is known only through quotes
    assert len(read) == (5 if kept else 4) and read[0] == "20190904080213.17523-1-fen.amsel@example.com"


def test_a_thread_keeps_at_most_a_thousand_lists(tmp_path):
    """Five messages to 200 lists each (a message names at most 200): 1,000 lists. One more
    list is more than a thread holds: a warning, and the thread keeps its 1,000."""
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    parts = (FIXTURES / "outlook-thread.mbox").read_text().split("\nFrom mboxrd@z ")
    for n, part in enumerate(parts):
        parts[n] = _addresses("Cc: " + ", ".join(f"l{n}x{k:03d}@vger.kernel.org" for k in range(200)) + "\n")(part)
    (tmp_path / "t.mbox").write_text("\nFrom mboxrd@z ".join(parts))
    assert run_cli("import-mbox", "t.mbox", cwd=tmp_path).stderr == ""
    more = parts[1].replace("GA24410", "GA24411").replace("Cc: l1x000@", "Cc: aa-more@vger.kernel.org, l1x000@")
    (tmp_path / "more.mbox").write_text("From mboxrd@z " + more)
    result = run_cli("import-mbox", "more.mbox", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        0,
        "data/threads/nvmet-count-error-log-slots-right.yaml: warning: the mail names 1,001 lists, more than a "
        "thread holds (1,000): only the first in name order are added\n",
    )
    thread = site_of(data).threads["nvmet-count-error-log-slots-right"]
    assert len(thread["lists"]) == 1000 and len(thread["messages"]) == 6


def test_intake_leaves_out_an_address_too_long_to_be_a_list(tmp_path):
    """A topic post Cc'd to a 100-character name at vger: no list's name, and more than a
    topic's `lists` hold; it failed the whole intake."""
    data = Path(shutil.copytree(SUMMIT, tmp_path / "data"))
    edit(data / "events" / "example-2030.yaml", "end: 2030-05-08\n", "end: 2030-05-08\nproposals_due: 2030-02-15\n")
    season = (FIXTURES / "season-2030.mbox").read_text()
    long = "x" * 100 + "@vger.kernel.org"
    mail = tmp_path / "season.mbox"
    mail.write_text(
        season.replace(
            "Cc: linux-mm@kvack.org\nSubject: [LSF/MM/BPF TOPIC/ATTEND] Large",
            f"Cc: linux-mm@kvack.org, {long}\nSubject: [LSF/MM/BPF TOPIC/ATTEND] Large",
            1,
        )
    )
    result = run_cli("intake", "--data", str(data), "--event", "example-2030", str(mail))
    assert (result.returncode, result.stderr) == (0, "")
    assert site_of(data).topics["large-folios-for-anonymous-memory-2030"]["lists"] == ["linux-mm", "lsf-pc"]
