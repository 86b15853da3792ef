"""Reading mail: splitting, un-escaping, guarded parsing, decoding, HTML, limits."""

import datetime as dt
import gzip
import io
import time

import pytest

from generator.mail import mbox
from tests.conftest import SEED_MBOX

MSG = """\
From: Ada Lead <ada@example.org>
Message-ID: <a1@example.org>
Date: Tue, 28 Apr 2026 10:12:16 +0200
Subject: {subject}

{body}
"""


def one(raw: str | bytes) -> mbox.Mail | mbox.Problem:
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    return mbox.parse(data, "x.eml", 1, 1)


def test_mboxrd_is_split_and_unescaped_as_git_mailsplit_does():
    data = (
        b"From mboxrd Mon Sep 17 00:00:00 2001\nFrom: a@b.c\nSubject: one\n\n"
        b">From the beginning\n>>From escaped\nFrom not mangled but this line should have been escaped\n\n"
        b"From mboxrd Mon Sep 17 00:00:00 2001\nFrom: a@b.c\nSubject: two\n\n >From unchanged\n>From\n"
    )
    parts = mbox.split(data)
    assert [line for line, _ in parts] == [1, 9]
    assert parts[0][1].endswith(
        b"From the beginning\n>From escaped\nFrom not mangled but this line should have been escaped\n"
    )
    assert parts[1][1].endswith(b"\n >From unchanged\n>From\n")


def test_a_file_not_starting_with_from_is_one_message():
    assert mbox.split(b"\n\nFrom: a@b.c\n\nFrom 1234 Mon Sep 17 00:00:00 2001\n") == [
        (3, b"From: a@b.c\n\nFrom 1234 Mon Sep 17 00:00:00 2001\n")
    ]
    assert mbox.split(b"  \n\t\n") == []


def test_the_seed_message(shared):
    read = mbox.read_inputs([str(SEED_MBOX)])
    assert read.problems == []
    (mail,) = read.mails
    assert (mail.message_id, mail.name, mail.address) == (
        "7ia4h5ov6o0n.fsf@castle.c.googlers.com",
        "Roman Gushchin",
        "roman.gushchin@linux.dev",
    )
    assert mail.date == dt.datetime(2026, 4, 28, 16, 35, 52, tzinfo=dt.UTC)
    # In-Reply-To followed by a Gnus comment: the id, and the date the comment gives.
    assert mail.in_reply_to == "014f3c0a-7c6f-4f64-95cd-b7b69d804880@kernel.org"
    assert mail.in_reply_to_date == dt.datetime(2026, 4, 28, 8, 12, 16, tzinfo=dt.UTC)
    assert mail.references == (
        "7ia4o6j4c5y1.fsf@castle.c.googlers.com",
        "014f3c0a-7c6f-4f64-95cd-b7b69d804880@kernel.org",
    )
    assert mail.lists == ("linux-mm",)
    body = SEED_MBOX.read_text().split("\n\n", 1)[1].strip("\n")
    assert mail.text == body


def test_gzip_and_standard_input(tmp_path, shared):
    gz = tmp_path / "t.mbox.gz"
    gz.write_bytes(gzip.compress(SEED_MBOX.read_bytes()))
    from_gz = mbox.read_inputs([str(gz)])
    from_stdin = mbox.read_inputs(["-"], stdin=io.BytesIO(SEED_MBOX.read_bytes()))
    plain = mbox.read_inputs([str(SEED_MBOX)])
    assert [m.text for m in from_gz.mails] == [m.text for m in from_stdin.mails] == [m.text for m in plain.mails]
    assert from_stdin.mails[0].source == "<stdin>"


def test_unreadable_inputs_are_errors_with_their_path(tmp_path):
    bad = tmp_path / "bad.gz"
    bad.write_bytes(b"\x1f\x8b\x08\x00garbage")
    empty = tmp_path / "Maildir"
    (empty / "cur").mkdir(parents=True)
    read = mbox.read_inputs([str(tmp_path / "missing.mbox"), str(bad), str(empty)])
    assert [str(p) for p in read.problems] == [
        f"{empty}: a folder with no mail in it (a maildir holds cur/ and new/)",
        f"{tmp_path}/missing.mbox: cannot read: No such file or directory",
        f"{bad}: " + read.problems[2].message,
    ]
    assert read.problems[2].message.startswith("not a readable gzip file")


@pytest.mark.parametrize(
    ("header", "why"),
    [
        ('From: "', "no single clear sender address in From"),  # IndexError in the default policy
        ("From: <", "no single clear sender address in From"),  # IndexError too
        ("From: x@[", "no single clear sender address in From"),  # AttributeError
        ("From: alice@example.org<bob@evil.example>", "no single clear sender address in From"),  # CVE-2023-27043
        ("From: a@b.c, d@e.f", "no single clear sender address in From"),
    ],
)
def test_malformed_senders_skip_the_message_with_a_warning(header, why):
    result = one(f"{header}\nMessage-ID: <m@x>\n\nbody\n")
    assert isinstance(result, mbox.Problem) and result.warning
    assert str(result) == f"x.eml:1: warning: message 1: {why}; skipped"


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ('From: "=?ISO-8859-1?Q?Fran=E7ois_Boulogne?=" <fb@example.org>', "François Boulogne"),  # Thunderbird
        ('From: "=?UTF-8?B?SsO8cmdlbiBHcm/Dnw==?=" <fb@example.org>', "Jürgen Groß"),
        ("From: =?UTF-8?Q?Fran=C3=A7ois?=Boulogne <fb@example.org>", "FrançoisBoulogne"),
    ],
)
def test_an_encoded_name_inside_quotes_is_decoded_not_refused(header, name):
    # RFC 2047 forbids encoded words inside a quoted string; mail clients write them, and read them.
    mail = one(f"{header}\nMessage-ID: <m@x>\n\nbody\n")
    assert isinstance(mail, mbox.Mail), mail
    assert (mail.name, mail.address) == (name, "fb@example.org")


def test_a_broken_date_costs_only_the_date():
    mail = one(
        MSG.replace("Tue, 28 Apr 2026 10:12:16 +0200", "Wed, 4 Jun 207777777777777777777714 17:50:46 0").format(
            subject="s", body="b"
        )
    )
    assert isinstance(mail, mbox.Mail)
    assert mail.date is None
    assert mail.notes == ("unreadable Date 'Wed, 4 Jun 207777777777777777777714 17:50:46 0'; imported without a date",)


def test_decoded_headers_stay_text():
    mail = one(
        MSG.format(subject="=?utf-8?q?=3Cscript=3Ealert(1)=3C/script=3E?=\x1b[31m", body="b").replace(
            "Ada Lead", "=?utf-8?q?=7B=7B_7*7_=7D=7D_=5Bx=5D(javascript:alert(1))?="
        )
    )
    assert mail.subject == "<script>alert(1)</script>\ufffd[31m"  # the escape character made visible
    assert mail.name == "{{ 7*7 }} [x](javascript:alert(1))"  # stored as text; pages escape it
    tagged = one(MSG.format(subject="s", body="b").replace("Ada Lead", "=?utf-8?q?=3Cimg_src=3Dx=3E?="))
    assert tagged.name == ""  # a name holding '<' (or '@') is a spoofing device: not used to match people


def test_a_display_name_that_is_an_address_is_not_trusted():
    mail = one(
        MSG.format(subject="s", body="b").replace("Ada Lead <ada@example.org>", '"boss@example.org" <x@evil.example>')
    )
    assert (mail.name, mail.address) == ("", "x@evil.example")


def test_a_huge_header_is_dropped_before_parsing_and_the_rest_imports():
    subject = " ".join(["=?utf-8?q?abc?="] * 8_750)  # 140 KB: 5 s in the parser
    start = time.perf_counter()
    mail = one(MSG.format(subject=subject, body="b"))
    assert time.perf_counter() - start < 2  # a bound against a hang, not a benchmark
    assert mail.subject == ""
    assert mail.notes == (f"header Subject is {len(subject) + 9:,} bytes (at most 16,384); ignored",)
    assert mail.message_id == "a1@example.org"


def test_a_huge_header_section_skips_the_message():
    subject = " ".join(["=?utf-8?q?abc?="] * 35_000)  # 560 KB: 27 s in the parser
    raw = MSG.format(subject=subject, body="b")
    result = one(raw)
    size = len(raw.split("\n\n")[0])
    assert (
        str(result)
        == f"x.eml:1: warning: message 1: header section too large ({size:,} bytes, at most 262,144); skipped"
    )


def test_html_only_mail_becomes_text_with_quote_levels():
    html = (
        "<html><head><title>T</title><style>p{}</style></head><body><div>Agreed.</div>"
        '<div class="gmail_quote">On Mon, 1 Jan 2030 at 12:00, Ada Lead wrote:<br>'
        "<blockquote>We keep the <b>sysctl</b> &amp; the hook.<blockquote>deeper</blockquote></blockquote></div>"
        "<script>alert(1)</script><ul><li>one</li><li>two</li></ul></body></html>"
    )
    assert mbox.html_to_text(html) == (
        "Agreed.\nOn Mon, 1 Jan 2030 at 12:00, Ada Lead wrote:\n"
        "> We keep the sysctl & the hook.\n> > deeper\n- one\n- two"
    )


def test_html_parsing_stays_linear_on_unclosed_tags():
    start = time.perf_counter()
    assert mbox.html_to_text("<a " * 300_000) == ""  # html.parser alone: minutes
    assert time.perf_counter() - start < 5


def test_text_plain_is_preferred_and_attachments_are_not_text():
    raw = (
        b'From: a@b.c\nMessage-ID: <e@x>\nContent-Type: multipart/mixed; boundary="b"\n\n--b\n'
        b'Content-Type: multipart/alternative; boundary="c"\n\n--c\nContent-Type: text/html\n\n<p>html</p>\n'
        b"--c\nContent-Type: text/plain\n\nplain\n--c--\n--b\nContent-Type: text/plain\n"
        b'Content-Disposition: attachment; filename="log.txt"\n\nattached\n--b\n'
        b"Content-Type: message/rfc822\n\nFrom: z@y.x\n\nforwarded\n--b--\n"
    )
    assert one(raw).text == "plain"


def test_long_subjects_and_odd_dates_still_give_valid_records(tmp_path):
    import shutil

    from tests.conftest import SAMPLE, run_cli

    shutil.copytree(SAMPLE, tmp_path / "data")
    raw = MSG.format(subject="x" * 400, body="b").replace(
        "Tue, 28 Apr 2026 10:12:16 +0200", "Mon, 1 Jan 1800 00:00:00 +0000"
    )
    (tmp_path / "odd.eml").write_text(raw)
    result = run_cli("import-mbox", "odd.eml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "unreadable Date 'Mon, 1 Jan 1800 00:00:00 +0000'; imported without a date" in result.stderr
    thread = (tmp_path / "data" / "threads" / f"{'x' * 60}.yaml").read_text()
    assert f'subject: "{"x" * 299}\u2026"' in thread


MULTIPART = b"\n".join(
    [
        b"From mboxrd@z Thu Jan  1 00:00:00 1970",
        b"From: =?utf-8?q?Bj=C3=B6rn?= <b@example.org>",
        b"Message-ID: <m1@x>",
        b'In-Reply-To: <p@x> (B\'s message of "Tue, 28 Apr 2026 10:12:16 +0200")',
        b"References: <r@x>\n <p@x>",
        b"Date: Tue, 28 Apr 2026 10:12:16 +0200",
        b"Subject: =?iso-8859-1?q?R=E9?= x",
        b'Content-Type: multipart/alternative; boundary="b"',
        b"",
        b"--b",
        b"Content-Type: text/html; charset=utf-8",
        b"Content-Transfer-Encoding: base64",
        b"",
        b"PGJsb2NrcXVvdGU+aGk8L2Jsb2NrcXVvdGU+",
        b"--b",
        b"Content-Type: text/plain; charset=iso-2022-jp",
        b"Content-Transfer-Encoding: quoted-printable",
        b"",
        b"On x, B wrote:\n> hi=3D\n>> deeper\n-- \nsig",
        b"--b--",
        b"",
    ]
)


def test_mutated_mail_never_raises():
    """Broken input never crashes the reader: 400 deterministic byte mutations of a message."""
    import random

    from generator.records import mailtext

    rng = random.Random(6)
    base = MULTIPART + b"From mboxrd@z Thu Jan  1 00:00:00 1970\n" + MSG.format(subject="s", body="> q\nt").encode()
    whole = mbox.read_inputs(["-"], stdin=io.BytesIO(base)).mails
    assert [(m.message_id, m.text) for m in whole] == [
        ("m1@x", "On x, B wrote:\n> hi=\n>> deeper"),
        ("a1@example.org", "> q\nt"),
    ]
    assert whole[0].in_reply_to_date is not None and whole[0].references == ("r@x", "p@x")
    for _ in range(400):
        data = bytearray(base)
        for _ in range(rng.randint(1, 12)):
            pos = rng.randrange(len(data))
            op = rng.random()
            if op < 0.4:
                data[pos] = rng.randrange(256)
            elif op < 0.7:
                del data[pos : pos + rng.randint(1, 20)]
            else:
                data[pos:pos] = rng.choice([b"\n", b"=?", b"?=", b"<", b">", b'"', b"\x00", b"--b", b"From "])
        read = mbox.read_inputs(["-"], stdin=io.BytesIO(bytes(data)))
        for mail in read.mails:
            mailtext.blocks(mail.text)
            assert not any(c in mail.subject + mail.name for c in "\x00\r\n")
