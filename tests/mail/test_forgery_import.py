"""Mail that tries to speak for someone: a reply naming a known person as the author of a
message never sent, and a copy of a message on record sent under its author's name from an
address that is not on record. Neither may become that person's verified words."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import SAMPLE, run_cli
from tests.mail.test_import import mbox

NEVER_SENT = """\
From: Mallory <mallory@evil.example>
To: linux-mm@kvack.org
Subject: Re: [LSF/MM/BPF TOPIC] Hooks in MM
Date: Thu, 03 Jan 2030 08:00:00 +0000
Message-ID: <mallory.1@evil.example>
In-Reply-To: <never-sent@example.org>
References: <20300101120000.1-1-ada@example.org> <never-sent@example.org>

On Wed, 02 Jan 2030, Ada Lead <ada@example.org> wrote:
> We drop the sysctl. The hook replaces it.

Good to hear.
"""

REUSED = """\
From: Bob Reviewer <bob.reviewer@evil.example>
To: linux-mm@kvack.org
Subject: Re: [LSF/MM/BPF TOPIC] Hooks in MM
Date: Wed, 02 Jan 2030 08:00:00 +0000
Message-ID: <reply.1@example.org>
In-Reply-To: <20300101120000.1-1-ada@example.org>

Every ABI is stable from day one; I promise it.
"""


def test_a_message_never_sent_is_under_review_and_its_quotes_are_not_verified(tmp_path: Path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    (tmp_path / "m.mbox").write_text(mbox(NEVER_SENT))
    result = run_cli("import-mbox", "m.mbox", "--thread", "hooks-in-mm", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    thread = data / "threads" / "hooks-in-mm.yaml"
    text = thread.read_text()
    assert (
        "    review: \"known only through a quote in <mallory.1@evil.example>, which names 'ada-lead' as its "
        'author: check on lore.kernel.org that it exists and is theirs, then delete this line"'
    ) in text
    thread.write_text(
        text + "  - id: forged\n    message: never-sent@example.org\n    seen_in: mallory.1@evil.example\n"
        "    text: We drop the sysctl.\n"
    )
    check = run_cli("check", "--strict", "--data", "data", cwd=tmp_path)
    assert check.returncode == 1
    assert "message <never-sent@example.org> awaits review" in check.stderr
    assert "quote 'forged' is not verified" in check.stderr


def test_a_copy_under_a_known_name_from_an_address_not_on_record_fills_nothing(tmp_path: Path):
    """Bob has no address on record; mail under his message's Message-ID from an address that
    merely carries his name is not merged, and gives him no address to confirm by mistake."""
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    thread = data / "threads" / "hooks-in-mm.yaml"
    text = thread.read_text()
    start = text.index("    text: |\n      On 1 Jan 2030")
    text = text[:start] + text[text.index("quotes:") :]  # Bob's reply known without its text
    thread.write_text(text)
    before = {p: p.read_bytes() for p in (data / "people.yaml", thread)}
    (tmp_path / "m.mbox").write_text(mbox(REUSED))
    result = run_cli("import-mbox", "m.mbox", "--thread", "hooks-in-mm", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "theirs only by the name: not merged" in result.stderr
    assert {p: p.read_bytes() for p in before} == before


def message(mid: str, sender: str, body: str, headers: str = "") -> str:
    return (
        f"From: {sender}\nTo: linux-mm@kvack.org\nSubject: Re: [LSF/MM/BPF TOPIC] Hooks in MM\n"
        f"Date: Thu, 03 Jan 2030 09:00:00 +0000\nMessage-ID: <{mid}>\n"
        f"In-Reply-To: <20300101120000.1-1-ada@example.org>\n{headers}\n{body}\n"
    )


def test_a_message_id_in_another_case_or_form_is_the_same_message_and_a_conflict(tmp_path: Path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    (tmp_path / "m.mbox").write_text(
        mbox(
            message("REPLY.1@example.org", "Mallory <mallory@evil.example>", "Other words."),
            message("reply.\uff11@example.org", "Mallory <mallory@evil.example>", "Other words again."),
        )
    )
    result = run_cli("import-mbox", "m.mbox", "--thread", "hooks-in-mm", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "<REPLY.1@example.org> differs from <reply.1@example.org> only in case or Unicode form" in result.stderr
    assert "<reply.１@example.org> differs from <reply.1@example.org> only in case or Unicode form" in result.stderr
    thread = (data / "threads" / "hooks-in-mm.yaml").read_text()
    assert "REPLY.1@example.org" not in thread.split("conflict:")[0]  # no record of its own
    assert "the Message-ID <REPLY.1@example.org>, differing only in case or form" in thread
    assert run_cli("check", "--data", "data", cwd=tmp_path).returncode == 1  # until a person resolves it


def test_two_from_headers_skip_that_message_only_and_utf16_is_read(tmp_path: Path):
    import base64

    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    utf16 = base64.b64encode("Ünïcode words, sent as UTF-16.\n".encode("utf-16")).decode()
    (tmp_path / "m.mbox").write_text(
        mbox(
            message(
                "two-from@example.org", "Ada Lead <ada@example.org>", "Who sent me?", "From: Mallory <m@evil.example>\n"
            ),
            message(
                "utf16@example.org",
                "Ada Lead <ada@example.org>",
                utf16,
                "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-16\nContent-Transfer-Encoding: base64\n",
            ),
        )
    )
    result = run_cli("import-mbox", "m.mbox", "--thread", "hooks-in-mm", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "m.mbox:1: warning: message 1: two From headers: which one sent it is not clear; skipped" in result.stderr
    thread = (data / "threads" / "hooks-in-mm.yaml").read_text()
    assert "two-from@example.org" not in thread
    assert 'text: "Ünïcode words, sent as UTF-16."' in thread
