"""Every file of real mail in ../shared/mail/ (see its README.md): what it must yield when read,
and that importing it into a data set works end to end, without a traceback, into data that
passes `check`. Skipped with a reason when ../shared is absent."""

import datetime as dt
import shutil
from pathlib import Path

import pytest

from generator.mail import mbox
from generator.records import mailtext
from tests.conftest import SAMPLE, SHARED, run_cli

MAIL = SHARED / "mail"
B4 = "e4f28f57990c@linuxfoundation.org"
RAFAL = "1464811283-10381-1-git-send-email-zajec5@gmail.com"
# file -> (messages found, Message-IDs imported in file order); the others are skipped with a
# warning each (all of them for want of a Message-ID: git's test mail and fuzzed messages).
CORPUS = {
    "b4__naked-cover-bugreport.mbox": (
        2,
        ["20221025-bugreport-widget@example.com", "20221025-widget-fix-author@example.org"],
    ),
    "b4__trailers-followup-htmljunk.mbox": (2, ["orig-message@example.com", "fwup-message-1@example.com"]),
    "b4__trailers-followup-name-parens.mbox": (
        6,
        ["orig-message@example.com"] + [f"fwup-message-{n}@example.com" for n in range(1, 6)],
    ),
    "b4__trailers-thread-with-cover-followup.mbox": (
        7,
        [f"20221025-test1-v1-{n}-{B4}" for n in range(5)] + ["fwup1@example.org", "cover-fwup1@example.org"],
    ),
    "b4__trailers-thread-with-followups.mbox": (
        6,
        [f"20221025-test1-v1-{n}-{B4}" for n in range(5)] + ["fwup1@example.org"],
    ),
    "git__embed-from.in": (1, []),
    "git__nul-b64.in": (1, []),
    "git__quoted-cr.mbox": (2, ["msg-id@example.com", "msg-id2@example.com"]),
    "git__rfc2047-samples.mbox": (11, []),
    "git__sample.mbox": (
        18,
        [
            "20050721.091036.01119516.yoshfuji@linux-ipv6.org",
            "u5tacjjdpxq.fsf@lysator.liu.se",
            "1226501681-24923-1-git-send-email-bda@mnsspb.ru",
        ],
    ),
    "git__sample.mboxrd": (2, []),
    "patchwork__0003-git-pull-request-with-diff.mbox": (1, ["1287719462.2198.37.camel@pasglop"]),
    "patchwork__0010-invalid-charset.mbox": (1, ["Pine.LNX.4.64.1406041749420.3719@digraph.polyomino.org.uk"]),
    "patchwork__0012-invalid-header-char.mbox": (1, ["1473941204-14587-1-git-send-email-ferruh.yigit@intel.com"]),
    "patchwork__0013-with-utf8-body.mbox": (1, [RAFAL]),
    "patchwork__0014-with-unencoded-utf8-headers.mbox": (1, [RAFAL]),
    "patchwork__0015-with-invalid-utf8-headers.mbox": (1, [RAFAL]),
    "patchwork__0019-multipart-patch.mbox": (1, ["20180620122142.9917-1-yuri.volchkov@gmail.com"]),
    "patchwork__0020-multipart-comment.mbox": (
        1,
        ["DB5PR03MB18774049A0E62D211988EC8CA3770@DB5PR03MB1877.eurprd03.prod.outlook.com"],
    ),
    "patchwork__bugs-multiple-content-types.mbox": (
        2,
        ["20190820013652.147041-1-yuehaibing@huawei.com", "93fafdab-8fb3-0f2b-8f36-0cf297db3cd9@intel.com"],
    ),
    "patchwork__bugs-multiple-references.mbox": (
        5,
        ["cover.1495511998.git.viresh.kumar@linaro.org"]
        + [
            f"{h}.1495511998.git.viresh.kumar@linaro.org"
            for h in (
                "b9f67b2be37d5e9740a5e1ed85b0e8b4e5c0eb91",
                "ed9beaec36649c862369a34ea209822c00d86f52",
                "dcb9872771568fec4c7d8d11ba4939cd8da279c0",
                "0381fc50b84535fcb7964eaa345d2501c5c903b3",
            )
        ],
    ),
    "patchwork__date-too-long.mbox": (1, []),
    "patchwork__mercurial-cover-letter.mbox": (
        3,
        [
            "patchbomb.1485159385@nuevo",
            "2fb3ae89e4e1992e9382.1485159386@nuevo",
            "b3d2e8cce78c04dbf6f2.1485159387@nuevo",
        ],
    ),
    "patchwork__refshdr.mbox": (1, []),
    "public-inbox__attached-mbox-with-utf8.eml": (1, ["attached-mbox-with-utf8@example"]),
    "public-inbox__iso-2202-jp.eml": (1, ["199707281508.AAA24167@hoyogw.example"]),
    "public-inbox__mda-mime.eml": (1, ["multipart-html-sucks@11"]),
    "public-inbox__message_embed.eml": (1, ["20200418222508.GA13918@dcvr"]),
    "public-inbox__utf8.eml": (1, ["testmessage@example.com"]),
    "public-inbox__x-unknown-alpine.eml": (1, ["alpine.DEB.2.20.1608131214070.4924@example"]),
}


@pytest.fixture(scope="module")
def mail_dir() -> Path:
    if not (MAIL / "README.md").exists():
        pytest.skip(f"../shared is not beside this checkout ({MAIL} missing): the real mail corpus is not available")
    return MAIL


def read(mail_dir: Path, name: str) -> mbox.Read:
    return mbox.read_inputs([str(mail_dir / name)])


def by_id(mail_dir: Path, name: str) -> dict[str, mbox.Mail]:
    return {m.message_id: m for m in read(mail_dir, name).mails}


def with_ids(mail_dir: Path, name: str) -> list[mbox.Mail]:
    """The file's messages, each given a Message-ID, to see what the reader makes of the rest."""
    out = []
    for n, (line, raw) in enumerate(mbox.split((mail_dir / name).read_bytes()), 1):
        result = mbox.parse(f"Message-ID: <{n}@test>\n".encode() + raw, name, line, n)
        out.append(result)
    return out


def test_the_table_covers_every_file(mail_dir):
    assert sorted(CORPUS) == sorted(p.name for p in mail_dir.iterdir() if p.is_file() and p.name != "README.md")


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_file_yields_its_messages_and_a_warning_per_skipped_one(mail_dir, name):
    found, ids = CORPUS[name]
    got = read(mail_dir, name)
    assert got.counts == {str(mail_dir / name): found}
    assert [m.message_id for m in got.mails] == ids
    skipped = [p for p in got.problems if p.message.endswith("skipped")]
    assert len(skipped) == found - len(ids)
    assert all(p.warning and str(p).startswith(f"{mail_dir / name}:") for p in got.problems)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_file_imports_end_to_end_into_valid_data(mail_dir, name, tmp_path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    result = run_cli("import-mbox", str(mail_dir / name), cwd=tmp_path)
    assert "Traceback" not in result.stderr + result.stdout
    if not CORPUS[name][1]:
        assert result.returncode == 1
        assert result.stderr.endswith(
            "Failed: no message to import (every one was skipped, see above); nothing was written.\n"
        )
        assert sorted(p.name for p in (data / "threads").iterdir()) == ["hooks-in-mm.yaml"]
        return
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("Wrote ")
    check = run_cli("check", "--data", "data", cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    # The only warnings are the new people awaiting review.
    assert all("awaits review" in line for line in check.stderr.splitlines()[:-1]), check.stderr
    again = run_cli("import-mbox", str(mail_dir / name), cwd=tmp_path)
    assert again.returncode == 0 and "up to date" in again.stdout


def test_mboxrd_escaping(mail_dir):
    """Two messages, not three: the unescaped 'From ' body line is no separator."""
    first, second = (raw.split(b"\n\n", 1)[1] for _, raw in mbox.split((mail_dir / "git__sample.mboxrd").read_bytes()))
    assert first == (
        b"From the beginning, mbox should have been mboxrd\n>From escaped\n"
        b"From not mangled but this line should have been escaped\n"
    )
    assert (
        second == b" >From unchanged\n From also unchanged\n"
        b"no trailing space, no escaping necessary and '>' was intended:\n>From\n\n"
    )


def test_git_sample_mbox_names_encodings_and_leading_blank_lines(mail_dir):
    mails = by_id(mail_dir, "git__sample.mbox")
    yoshifuji = mails["20050721.091036.01119516.yoshfuji@linux-ipv6.org"]
    assert yoshifuji.name == "YOSHIFUJI Hideaki / 吉藤英明"  # ISO-2022-JP encoded word
    assert yoshifuji.date == dt.datetime(2005, 7, 21, 13, 10, 36, tzinfo=dt.UTC)
    assert "YOSHIFUJI Hideaki @ USAGI Project" not in yoshifuji.text  # the signature is gone
    kagedal = mails["u5tacjjdpxq.fsf@lysator.liu.se"]
    assert kagedal.name == "David Kågedal"
    assert "Signed-off-by: David Kågedal <davidk@lysator.liu.se>" in kagedal.text  # QP in ISO8859-1
    assert "To unsubscribe" not in kagedal.text
    blinov = mails["1226501681-24923-1-git-send-email-bda@mnsspb.ru"]
    assert blinov.subject == "[Navy-patches] [PATCH] Изменён список пакетов необходимых для сборки"
    # The folded From with comments of the first (skipped) message still parses.
    first = with_ids(mail_dir, "git__sample.mbox")[0]
    assert (first.name, first.address) == ("A U Thor", "a.u.thor@example.com")


def test_rfc2047_samples_decode_and_drop_the_space_between_encoded_words(mail_dir):
    mails = with_ids(mail_dir, "git__rfc2047-samples.mbox")
    assert [m.subject if isinstance(m, mbox.Mail) else None for m in mails] == [
        "If you can read this you understand the example.",
        "Time for ISO 10646?",
        "Re: RFC-HDR care and feeding",
        "Test of new header generator",
    ] + [None] * 7  # no From header: no sender, skipped
    assert [m.name for m in mails[:3]] == ["Keith Moore", "Olle Järnefors", "Patrik Fältström"]
    skipped = mails[4:]
    assert all(str(p).endswith("no single clear sender address in From; skipped") for p in skipped)


def test_base64_bodies_with_a_stray_cr_or_a_nul(mail_dir):
    one, two = by_id(mail_dir, "git__quoted-cr.mbox").values()
    assert one.text.startswith("On different distro, pytest is suffixed with different patterns.\n\n---\n")
    assert "\r" not in one.text + two.text
    assert one.text.split("\n")[:3] == two.text.split("\n")[:3]  # CRLF and LF give the same lines
    (nul,) = with_ids(mail_dir, "git__nul-b64.in")
    assert "dapi\ufffdus sit amet" in nul.text
    assert nul.notes == ("control characters in its text are shown as U+FFFD",)


def test_embedded_from_line_is_unescaped_text(mail_dir):
    (mail,) = with_ids(mail_dir, "git__embed-from.in")
    assert mail.text.startswith("From 1234567890123456789012345678901234567890 Mon Sep 17 00:00:00 2001\n")


def test_patchwork_headers_and_charsets(mail_dir):
    for name in (
        "patchwork__0013-with-utf8-body.mbox",
        "patchwork__0014-with-unencoded-utf8-headers.mbox",
        "patchwork__0015-with-invalid-utf8-headers.mbox",
    ):
        (mail,) = read(mail_dir, name).mails
        assert (mail.name, mail.address) == ("Rafał Miłecki", "zajec5@gmail.com"), name
    (raw_subject,) = read(mail_dir, "patchwork__0014-with-unencoded-utf8-headers.mbox").mails
    assert raw_subject.subject == "MAINTAINERS: Update entry for BCM5301X ARM to include Rafał Miłecki"
    (glibc,) = read(mail_dir, "patchwork__0010-invalid-charset.mbox").mails
    assert glibc.text.startswith("This patch, relative to a tree with\n")
    (dpdk,) = read(mail_dir, "patchwork__0012-invalid-header-char.mbox").mails
    assert dpdk.name == "Ferruh Yigit" and dpdk.lists == ("dev",)
    (html_reply,) = read(mail_dir, "patchwork__0020-multipart-comment.mbox").mails
    assert html_reply.text == (
        "Yup, this looks sensible to me. Replying from Outlook's awful HTML editor to get\n"
        "a sample comment to test with.\n\nStephen"
    )
    refs = by_id(mail_dir, "patchwork__bugs-multiple-references.mbox")
    assert [len(m.references) for m in refs.values()] == [0, 1, 2, 2, 2]  # two References headers joined


def test_fuzzed_messages_are_skipped_with_one_line_each(mail_dir):
    for name in ("patchwork__date-too-long.mbox", "patchwork__refshdr.mbox"):
        (problem,) = read(mail_dir, name).problems
        assert (
            str(problem)
            == f"{mail_dir / name}:1: warning: message 1: no usable Message-ID (a thread record is keyed by it); "
            "skipped"
        )


def test_a_reply_quote_is_attributed_by_its_words(mail_dir):
    patch, reply = by_id(mail_dir, "patchwork__bugs-multiple-content-types.mbox").values()
    assert reply.name == "Björn Töpel"
    (quoted,) = [b for b in mailtext.blocks(reply.text) if b.level == 1]
    assert quoted.attribution == mailtext.Attribution(1, "YueHaibing", "")
    assert mailtext.OwnWords(patch.text).holds(quoted.text)


def test_a_quoted_attribution_two_levels_deep(mail_dir):
    cover = by_id(mail_dir, "patchwork__mercurial-cover-letter.mbox")["patchbomb.1485159385@nuevo"]
    levels = [(b.level, b.attribution.name if b.attribution else None) for b in mailtext.blocks(cover.text)]
    assert levels == [(0, None), (1, "Stephen Finucane"), (2, "Andrew Shadura"), (1, "Stephen Finucane"), (0, None)]


def test_public_inbox_mime_cases(mail_dir):
    texts = {name: read(mail_dir, name).mails[0].text for name in CORPUS if name.startswith("public-inbox__")}
    assert texts == {
        "public-inbox__attached-mbox-with-utf8.eml": "hello world",
        "public-inbox__iso-2202-jp.eml": "|けいじゅ＠今はフリー(^^;;;です.",
        "public-inbox__mda-mime.eml": 'hi = "bye"',
        "public-inbox__message_embed.eml": "testing embedded message harder",
        "public-inbox__utf8.eml": "This is a test message for Eléanor",
        "public-inbox__x-unknown-alpine.eml": "\thttps://example.com/\n\n  \u2022 bullet point",
    }
    (utf8,) = read(mail_dir, "public-inbox__utf8.eml").mails
    assert (utf8.name, utf8.subject) == ("Eléanor", "Testing for Eléanor")
