"""import-mbox as a user runs it: the seed message reproduces the default thread, re-imports are
idempotent, nothing a person wrote changes, and quote provenance fails with file and line."""

import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import files as write
from tests.conftest import REPO, SAMPLE, SEED_MBOX, SHARED, run_cli, site_of, tree

GOLDEN = REPO / "tests" / "golden" / "import"
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"
SEED_LINES = [
    "Read 1 message from 1 input.",
    "Quoted blocks: 6, 6 attributed to their message (0 confirmed by their words, 6 by the reply chain).",
]
PEOPLE = """\
  - id: roman-gushchin
    name: Roman Gushchin
    addresses: [roman.gushchin@linux.dev]
  - id: david-hildenbrand
    name: David Hildenbrand
"""


def sample_with_seed_people(tmp_path: Path) -> Path:
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    with open(data / "people.yaml", "a") as fh:
        fh.write(PEOPLE)
    return data


def lines_added(before: str, after: str) -> list[str]:
    """The lines `after` adds to `before`, which must all still be there, in order."""
    old, new = before.split("\n"), after.split("\n")
    it = iter(new)
    assert all(line in it for line in old)  # only lines were added
    return [line for line in new if line not in old]


def test_reimporting_the_seed_into_the_default_data_changes_nothing(tmp_path, shared):
    data = Path(shutil.copytree(REPO / "data", tmp_path / "data"))
    before = tree(data)
    result = run_cli("import-mbox", str(SEED_MBOX), cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        *SEED_LINES,
        "data/threads/using-bpf-in-mm.yaml: up to date (3 messages on record); nothing was written.",
    ]
    assert tree(data) == before


def test_importing_the_seed_reproduces_the_default_thread(tmp_path, shared):
    data = sample_with_seed_people(tmp_path)
    result = run_cli("import-mbox", str(SEED_MBOX), cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        *SEED_LINES,
        "data/threads/using-bpf-in-mm.yaml: new thread 'using-bpf-in-mm' with 3 messages "
        "(2 known only through quotes).",
        "Wrote data/threads/using-bpf-in-mm.yaml.",
    ]
    written = (data / "threads" / "using-bpf-in-mm.yaml").read_text()
    if UPDATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        (GOLDEN / "using-bpf-in-mm.yaml").write_text(written)
    assert written == (GOLDEN / "using-bpf-in-mm.yaml").read_text()

    imported = site_of(data).threads["using-bpf-in-mm"]
    default = site_of(REPO / "data").threads["using-bpf-in-mm"]
    assert (imported["id"], imported["subject"]) == (default["id"], default["subject"])
    assert [m["message_id"] for m in imported["messages"]] == [m["message_id"] for m in default["messages"]]
    for got, want in zip(imported["messages"], default["messages"], strict=True):
        for key in ("author", "in_reply_to", "text"):
            assert got[key] == want[key], (want["message_id"], key)
        # Only what a person added from other sources is not in the mail: the notes, and the
        # topic post's date and subject (from the lore thread view).
        if want["message_id"] == "7ia4o6j4c5y1.fsf@castle.c.googlers.com":
            assert (got["date"], got["subject"]) == (None, None)
            assert want["date"] is not None and want["subject"]
        else:
            assert (got["date"], got["subject"]) == (want["date"], want["subject"])
        assert got["note"] is None
    again = run_cli("import-mbox", str(SEED_MBOX), cwd=tmp_path)
    assert again.stdout.splitlines()[-1] == (
        "data/threads/using-bpf-in-mm.yaml: up to date (3 messages on record); nothing was written."
    )
    assert (data / "threads" / "using-bpf-in-mm.yaml").read_text() == written


def test_the_default_quotes_are_verified_against_the_seed_text(shared):
    (mail,) = __import__("generator.mail.mbox", fromlist=["x"]).read_inputs([str(SEED_MBOX)]).mails
    site = site_of(REPO / "data")
    assert site.messages["7ia4h5ov6o0n.fsf@castle.c.googlers.com"]["text"] == mail.text
    assert run_cli("check", "--strict").returncode == 0  # which verifies all 11 quotes against it


def test_an_edited_quote_fails_check_with_its_file_and_line(tmp_path):
    data = Path(shutil.copytree(REPO / "data", tmp_path / "data"))
    thread = data / "threads" / "using-bpf-in-mm.yaml"
    lines = thread.read_text().split("\n")
    n = lines.index("      - BPF-driven KSM", lines.index("  - id: gushchin-targets"))
    lines[n] = "      - BPF-driven KSX"
    thread.write_text("\n".join(lines))
    text_line = lines.index("    text: |", lines.index("  - id: gushchin-targets")) + 1
    result = run_cli("check", "--data", "data", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        f"data/threads/using-bpf-in-mm.yaml:{text_line}: quote 'gushchin-targets' is not in the text of "
        "<7ia4h5ov6o0n.fsf@castle.c.googlers.com> at quote level 2 (compared ignoring whitespace); "
        "its line 3 does not follow: '- BPF-driven KSX'\n"
        "Failed: 1 error; nothing was written.\n"
    )


def test_a_quote_from_the_wrong_level_fails(tmp_path):
    data = Path(shutil.copytree(REPO / "data", tmp_path / "data"))
    thread = data / "threads" / "using-bpf-in-mm.yaml"
    text = thread.read_text()
    # Hildenbrand's words, claimed as the topic post's: they are at level 1, not 2.
    old = "  - id: hildenbrand-bpf-thp\n    message: 014f3c0a-7c6f-4f64-95cd-b7b69d804880@kernel.org"
    thread.write_text(
        text.replace(
            old,
            old.replace("014f3c0a-7c6f-4f64-95cd-b7b69d804880@kernel.org", "7ia4o6j4c5y1.fsf@castle.c.googlers.com"),
        )
    )
    result = run_cli("check", "--data", "data", cwd=tmp_path)
    assert result.returncode == 1
    assert (
        "quote 'hildenbrand-bpf-thp' is not in the text of <7ia4h5ov6o0n.fsf@castle.c.googlers.com> at quote level 2"
        in result.stderr
    )


def test_dry_run_shows_the_changes_and_writes_nothing(tmp_path, shared):
    data = sample_with_seed_people(tmp_path)
    before = tree(data)
    result = run_cli("import-mbox", "--dry-run", str(SEED_MBOX), cwd=tmp_path)
    assert result.returncode == 0
    out = result.stdout
    assert "--- /dev/null\n+++ data/threads/using-bpf-in-mm.yaml\n" in out
    assert "+  - message_id: 7ia4o6j4c5y1.fsf@castle.c.googlers.com\n+    author: roman-gushchin\n" in out
    assert out.endswith("Dry run: nothing was written.\n")
    assert tree(data) == before


def test_standard_input_and_gzip(tmp_path, shared):
    sample_with_seed_people(tmp_path)
    gz = tmp_path / "t.mbox.gz"
    gz.write_bytes(gzip.compress(SEED_MBOX.read_bytes()))
    env = dict(os.environ, PYTHONPATH=str(REPO))
    piped = subprocess.run(
        [sys.executable, "-m", "generator", "import-mbox", "--dry-run", "-"],
        input=SEED_MBOX.read_bytes(),
        cwd=tmp_path,
        env=env,
        capture_output=True,
    )
    from_gz = run_cli("import-mbox", "--dry-run", str(gz), cwd=tmp_path)
    assert piped.returncode == from_gz.returncode == 0
    assert piped.stdout.decode() == from_gz.stdout


def test_a_larger_mbox_adds_only_what_is_new_and_keeps_every_edit(tmp_path):
    if not (SHARED / "mail").exists():
        pytest.skip("../shared/mail is not beside this checkout: the b4 test threads are not available")
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    assert (
        run_cli("import-mbox", str(SHARED / "mail/b4__trailers-thread-with-followups.mbox"), cwd=tmp_path).returncode
        == 0
    )
    thread = data / "threads" / "this-is-a-cover-for-test-series-1.yaml"
    people = data / "people.yaml"
    # A person edits the files: a comment, a corrected subject, a quote, a reviewed person.
    edited = thread.read_text().replace(
        'subject: "[PATCH 1/4] Remove line 2 from file2"', 'subject: "[PATCH 1/4] Remove line 2 from file2"  # checked'
    )
    edited = edited.replace(
        "id: this-is-a-cover-for-test-series-1", "# Checked by hand.\nid: this-is-a-cover-for-test-series-1"
    )
    edited += (
        "quotes:\n  - id: upper-junk\n    message: 20221025-test1-v1-3-e4f28f57990c@linuxfoundation.org\n"
        "    text: Mostly junk. As expected.\n"
    )
    thread.write_text(edited)
    reviewed = [line for line in people.read_text().split("\n") if not ("review:" in line and "<fwup1@" in line)]
    people.write_text("\n".join(reviewed))
    before_thread, before_people = thread.read_text(), people.read_text()

    larger = str(SHARED / "mail/b4__trailers-thread-with-cover-followup.mbox")
    result = run_cli("import-mbox", larger, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 message added" in result.stdout
    assert "1 person added, marked for review: cover-upper." in result.stdout
    # b4's two test threads both hold <fwup1@example.org>, once with Reviewed-by and once with
    # Tested-by: the copy on record is kept, and the other is a conflict for a person to resolve.
    assert result.stderr == (
        f"{larger}:211: warning: message 6: <fwup1@example.org> is on record in "
        "threads/this-is-a-cover-for-test-series-1.yaml by 'follow-upper'; this mail has another text: not merged; "
        "the record is kept, with a `conflict` line to resolve\n"
    )
    assert "1 conflict recorded for you to resolve (<fwup1@example.org>)" in result.stdout
    after = thread.read_text()
    added = lines_added(before_thread, after)
    assert added[0].startswith('    conflict: "import-mbox read this Message-ID again in message 6 of ')
    assert added[1] == "  - message_id: cover-fwup1@example.org"
    assert "Reviewed-by: Follow Upper" in after and "Tested-by: Follow Upper" not in after
    assert people.read_text().startswith(before_people.rstrip("\n"))
    check = run_cli("check", "--data", "data", cwd=tmp_path)
    assert check.returncode == 1
    assert "another mail came with the Message-ID of <fwup1@example.org>: import-mbox read" in check.stderr
    # A person resolves it; the next import only warns.
    thread.write_text(after.replace(added[0], "    resolved: b4's test threads reuse this id; Reviewed-by is ours"))
    resolved = thread.read_text()
    check = run_cli("check", "--data", "data", cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert check.stderr.count("awaits review") == 2  # konstantin-ryabitsev and cover-upper; follow-upper was reviewed
    again = run_cli("import-mbox", larger, cwd=tmp_path)
    assert "up to date (7 messages on record)" in again.stdout
    assert "this mail has another text: not merged" in again.stderr
    assert thread.read_text() == resolved


def test_importing_into_a_topic_thread_inserts_in_thread_order(tmp_path, shared):
    data = sample_with_seed_people(tmp_path)
    thread = data / "threads" / "hooks-in-mm.yaml"
    before = thread.read_text()
    # The seed shares no Message-ID, reference or subject with that thread: refused, unless forced.
    refused = run_cli("import-mbox", "--topic", "hooks-in-mm", str(SEED_MBOX), cwd=tmp_path)
    assert (refused.returncode, refused.stdout) == (1, "")
    assert refused.stderr == (
        "Error: no Message-ID, reference or subject in common with thread 'hooks-in-mm' for 1 of the 1 messages "
        f"(the first: message 1 of {SEED_MBOX}, 'Re: [LSF/MM/BPF TOPIC] Using BPF in MM'); import them into "
        "another thread, or add --force to import them into this one; nothing was written.\n"
    )
    assert thread.read_text() == before
    result = run_cli("import-mbox", "--topic", "hooks-in-mm", "--force", str(SEED_MBOX), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "data/threads/hooks-in-mm.yaml: 3 messages added (2 known only through quotes)." in result.stdout
    after = thread.read_text()
    # The seed thread is older than the sample's: its messages come first, before "messages:" items.
    head, _, rest = before.partition("messages:\n")
    assert after.startswith(head + "messages:\n  - message_id: 7ia4o6j4c5y1.fsf@castle.c.googlers.com\n")
    assert after.endswith(rest)
    assert run_cli("check", "--data", "data", cwd=tmp_path).returncode == 0


def test_bad_inputs_and_choices_fail_cleanly(tmp_path, shared):
    data = sample_with_seed_people(tmp_path)
    before = tree(data)
    missing = run_cli("import-mbox", "nope.mbox", cwd=tmp_path)
    assert (missing.returncode, missing.stderr) == (
        1,
        "nope.mbox: cannot read: No such file or directory\nFailed: 1 unreadable input; nothing was written.\n",
    )
    (tmp_path / "junk.txt").write_text("just some text\n")
    junk = run_cli("import-mbox", "junk.txt", cwd=tmp_path)
    assert junk.returncode == 1
    assert junk.stderr == (
        "junk.txt:1: warning: message 1: no mail headers (is this a mail file?); skipped\n"
        "Failed: no message to import (every one was skipped, see above); nothing was written.\n"
    )
    topic = run_cli("import-mbox", "--topic", "nope", str(SEED_MBOX), cwd=tmp_path)
    assert (topic.returncode, topic.stderr) == (1, "Error: no topic 'nope' in data/topics/; nothing was written.\n")
    bad_id = run_cli("import-mbox", "--thread", "Bad Id", str(SEED_MBOX), cwd=tmp_path)
    assert bad_id.returncode == 2 and "expected an id of lower-case letters" in bad_id.stderr
    assert tree(data) == before
    # Invalid data is not imported into.
    (data / "people.yaml").write_text((data / "people.yaml").read_text().replace("name: Ada Lead", "nme: Ada Lead"))
    broken = run_cli("import-mbox", str(SEED_MBOX), cwd=tmp_path)
    assert broken.returncode == 1 and broken.stderr.endswith("Fix the data before importing into it.\n")


def test_the_limits_of_one_run_give_one_line_and_write_nothing(tmp_path, monkeypatch):
    from generator.mail import mbox as reader

    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    before = tree(data)
    (tmp_path / "a.mbox").write_text(_chain_of_replies(4))
    (tmp_path / "b.mbox").write_text(_chain_of_replies(4).replace("<c", "<d"))
    monkeypatch.setattr(reader, "MAX_MESSAGES", 6)
    limits = {
        "too many messages: more than 6 in one run (reached in b.mbox)": {},
        "too large: more than 1,500 bytes of mail in one run (reached in b.mbox)": {"MAX_READ": 1500},
        "too large: more than 600 characters of text in one run (reached at message 2 of b.mbox)": {
            "MAX_MESSAGES": 100,
            "MAX_READ": 10_000,
            "MAX_TEXTS": 600,
        },
    }
    for said, patch in limits.items():
        for name, value in patch.items():
            monkeypatch.setattr(reader, name, value)
        for dry in ([], ["--dry-run"], ["--dry-run=summary"]):
            result = run_cli("import-mbox", *dry, "a.mbox", "b.mbox", cwd=tmp_path)
            assert (result.returncode, result.stdout) == (1, ""), result.stderr
            assert result.stderr == f"Error: {said}; split the mail and import it in parts; nothing was written.\n"
    assert tree(data) == before


def test_a_thread_that_cannot_fit_a_data_file_is_refused_before_it_is_planned(tmp_path, monkeypatch):
    from generator.mail import importer
    from generator.records import yamlload

    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    before = tree(data)
    (tmp_path / "chain.mbox").write_text(_chain_of_replies(300))
    monkeypatch.setattr(yamlload, "MAX_BYTES", 10_000)
    monkeypatch.setattr(importer, "plan", None)  # never reached
    result = run_cli("import-mbox", "chain.mbox", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith(
        "data/threads/chain.yaml: file too large: with this mail's records it would have at least "
    )
    assert result.stderr.endswith(
        " bytes, at most 10,000\nFailed: the import would leave the data invalid (above); nothing was written.\n"
    )
    assert tree(data) == before


def test_running_out_of_memory_is_one_line_and_writes_nothing(tmp_path, monkeypatch):
    from generator.mail import importer

    def plan(*args, **kwargs):
        raise MemoryError

    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    before = tree(data)
    (tmp_path / "chain.mbox").write_text(_chain_of_replies(3))
    monkeypatch.setattr(importer, "plan", plan)
    result = run_cli("import-mbox", "chain.mbox", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: out of memory: this mail is more than the machine can hold at once; import it in parts; "
        "nothing was written.\n"
    )
    assert tree(data) == before


def test_the_writer_never_overwrites_a_file_that_changed_meanwhile(tmp_path):
    data = tmp_path / "data"
    (data / "threads").mkdir(parents=True)
    (data / "people.yaml").write_text("people: []\n")
    target = str(data / "threads" / "t.yaml")
    with pytest.raises(write.WriteError, match="changed while it was being written"):
        write.write_data(str(data), {str(data / "people.yaml"): b"new\n"}, {str(data / "people.yaml"): b"old\n"})
    with pytest.raises(write.WriteError, match="refusing to write"):
        write.write_data(str(data), {str(data / "event.yaml"): b"x\n"}, {str(data / "event.yaml"): None})
    assert write.write_data(str(data), {target: b"id: t\n"}, {target: None}) == [target]
    with pytest.raises(write.WriteError, match="changed while it was being written"):
        write.write_data(str(data), {target: b"id: u\n"}, {target: None})  # it exists now
    assert (data / "people.yaml").read_text() == "people: []\n"
    assert (data / "threads" / "t.yaml").read_text() == "id: t\n"
    assert sorted(p.name for p in (data / "threads").iterdir()) == ["t.yaml"]  # no temporary files left


# A lore-style topic post and a reply that quotes it (the reply's In-Reply-To carries a
# Gnus-style comment with the post's date, as many kernel replies do).
POST = """\
From: Ann Author <ann@example.org>
To: linux-mm@kvack.org
Subject: [LSF/MM/BPF TOPIC] Page cache policies in BPF
Date: Mon, 27 Apr 2026 10:00:00 -0700
Message-ID: <post-1@example.org>
List-Id: <linux-mm.kvack.org>
Content-Type: text/plain; charset=utf-8

Hi,

I'd like to discuss page cache eviction policies written in BPF.
The RFC is out; the open question is which hooks MM should expose.

Thanks,
Ann
"""
REPLY = """\
From: Bob Reviewer <bob@example.org>
To: linux-mm@kvack.org
Subject: Re: [LSF/MM/BPF TOPIC] Page cache policies in BPF
Date: Tue, 28 Apr 2026 09:30:00 +0200
Message-ID: <reply-1@example.org>
In-Reply-To: <post-1@example.org> (Ann Author's message of "Mon, 27 Apr 2026 10:00:00 -0700")
References: <post-1@example.org>
List-Id: <linux-mm.kvack.org>
Content-Type: text/plain; charset=utf-8

On Mon, Apr 27, 2026 at 10:00:00AM -0700, Ann Author wrote:
> I'd like to discuss page cache eviction policies written in BPF.
> The RFC is out; the open question is which hooks MM should expose.

Targeted hooks, please. Generic ones become ABI.

Bob
"""


def mbox(*messages: str) -> str:
    return "".join(f"From mboxrd@z Thu Jan  1 00:00:00 1970\n{m}\n" for m in messages)


def test_a_later_full_copy_fills_in_a_message_known_only_through_quotes(tmp_path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    (tmp_path / "reply.mbox").write_text(mbox(REPLY))
    (tmp_path / "thread.mbox").write_text(mbox(POST, REPLY))
    first = run_cli("import-mbox", "reply.mbox", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "with 2 messages (1 known only through quotes)" in first.stdout
    thread = data / "threads" / "page-cache-policies-in-bpf.yaml"
    # The post is on record with what the reply tells of it: author and date, no text.
    assert site_of(data).messages["post-1@example.org"]["text"] is None
    # A person quotes the post's own words: unverifiable until its text is on record.
    thread.write_text(
        thread.read_text() + "quotes:\n  - id: which-hooks\n    message: post-1@example.org\n"
        "    text: the open question is which hooks MM should expose\n"
    )
    before = thread.read_text()
    check = run_cli("check", "--data", "data", cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert "quote 'which-hooks' is not verified: message <post-1@example.org> has no text on record" in check.stderr

    # The post comes from ann@example.org, and the person the reply named has no address on
    # record: the name alone fills nothing (a forger can send a "full copy" under any name).
    result = run_cli("import-mbox", "thread.mbox", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "theirs only by the name: not merged" in result.stderr and thread.read_text() == before
    # Once a person puts her address on record, the copy from it fills the record in.
    people = data / "people.yaml"
    people.write_text(
        people.read_text().replace("name: Ann Author\n", "name: Ann Author\n    addresses: [ann@example.org]\n")
    )
    result = run_cli("import-mbox", "thread.mbox", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "0 messages added; <post-1@example.org> gets subject, text." in result.stdout
    after = thread.read_text()
    added = lines_added(before, after)
    assert added[0] == '    subject: "[LSF/MM/BPF TOPIC] Page cache policies in BPF"'
    post = site_of(data).messages["post-1@example.org"]
    assert post["subject"] == "[LSF/MM/BPF TOPIC] Page cache policies in BPF"
    assert post["text"].startswith("Hi,\n\nI'd like to discuss page cache eviction policies written in BPF.\n")
    assert "Ann" in post["text"] and post["author"] == "ann-author"
    # The quote is now checked against the post's own text, and it is there.
    check = run_cli("check", "--data", "data", cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert "which-hooks" not in check.stderr
    again = run_cli("import-mbox", "thread.mbox", cwd=tmp_path)
    assert "up to date (2 messages on record)" in again.stdout
    assert thread.read_text() == after


def test_mail_reusing_a_message_id_on_record_is_a_conflict_and_never_merged(tmp_path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    (tmp_path / "reply.mbox").write_text(mbox(REPLY))
    assert run_cli("import-mbox", "reply.mbox", cwd=tmp_path).returncode == 0
    thread = data / "threads" / "page-cache-policies-in-bpf.yaml"
    before = thread.read_text()
    # Another sender reuses the Message-ID of the post, known only through Bob's quotes.
    forged = POST.replace("Ann Author <ann@example.org>", "Mallory <mallory@evil.example>").replace(
        "which hooks MM should expose", "whether BPF should replace the page allocator"
    )
    (tmp_path / "forged.mbox").write_text(mbox(forged))
    result = run_cli("import-mbox", "forged.mbox", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        "forged.mbox:1: warning: message 1: <post-1@example.org> is on record in "
        "threads/page-cache-policies-in-bpf.yaml by 'ann-author'; this mail has another sender "
        "(mallory@evil.example, not 'ann-author'): not merged; the record is kept, with a `conflict` line to resolve\n"
    )
    assert lines_added(before, thread.read_text()) == [
        '    conflict: "import-mbox read this Message-ID again in message 1 of forged.mbox, from Mallory '
        "<mallory@evil.example>, dated 2026-04-27T17:00:00Z, with another sender (mallory@evil.example, not "
        "'ann-author'); the record was kept as it was. Find which is genuine (lore.kernel.org/r/ and the Message-ID), "
        'correct the record if needed, then replace this line by `resolved: <what you found>`"'
    ]
    post = site_of(data).messages["post-1@example.org"]
    assert (post["text"], post["author"]) == (None, "ann-author")
    check = run_cli("check", "--data", "data", cwd=tmp_path)
    assert check.returncode == 1
    assert "another mail came with the Message-ID of <post-1@example.org>" in check.stderr
    assert "Failed: 1 error" in check.stderr

    # The genuine post, then a copy of it with other words from the same sender: kept, reported.
    data2 = Path(shutil.copytree(SAMPLE, tmp_path / "two" / "data"))
    (tmp_path / "two" / "thread.mbox").write_text(mbox(POST, REPLY))
    assert run_cli("import-mbox", "thread.mbox", cwd=tmp_path / "two").returncode == 0
    altered = POST.replace("which hooks MM should expose", "whether BPF should replace the page allocator")
    (tmp_path / "two" / "altered.mbox").write_text(mbox(altered))
    result = run_cli("import-mbox", "altered.mbox", cwd=tmp_path / "two")
    assert "this mail has another text: not merged" in result.stderr
    post = site_of(data2).messages["post-1@example.org"]
    assert "which hooks MM should expose" in post["text"] and "with another text" in post["conflict"]


def test_two_copies_of_a_message_id_in_one_import_are_a_conflict(tmp_path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    other = POST.replace("Ann Author <ann@example.org>", "Ann Author <ann@evil.example>").replace(
        "Date: Mon, 27 Apr 2026 10:00:00 -0700", "Date: Mon, 27 Apr 2026 11:00:00 -0700"
    )
    (tmp_path / "two.mbox").write_text(mbox(POST, other))
    result = run_cli("import-mbox", "two.mbox", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "message 2: the Message-ID <post-1@example.org> of message 1 of two.mbox (from ann@example.org), " in (
        result.stderr
    )
    assert "with another sender (ann@evil.example, not ann@example.org); not merged" in result.stderr
    post = site_of(data).messages["post-1@example.org"]
    assert post["author"] == "ann-author" and "from Ann Author <ann@evil.example>" in post["conflict"]
    assert run_cli("check", "--data", "data", cwd=tmp_path).returncode == 1


def test_a_known_name_from_an_unknown_address_is_filed_under_review(tmp_path):
    data = sample_with_seed_people(tmp_path)
    posing = POST.replace("Ann Author <ann@example.org>", "Roman Gushchin <attacker@evil.example>")
    gmane = (
        REPLY.replace("Bob Reviewer <bob@example.org>", '"Roman Gushchin" <roman.gushchin-Xyz12AbC@public.gmane.org>')
        .replace("reply-1@example.org", "reply-2@example.org")
        .replace("Ann Author wrote", "Roman Gushchin wrote")
    )
    (tmp_path / "posing.mbox").write_text(mbox(posing, gmane))
    result = run_cli("import-mbox", "posing.mbox", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 person added, marked for review: roman-gushchin-2." in result.stdout
    site = site_of(data)
    assert site.messages["post-1@example.org"]["author"] == "roman-gushchin-2"
    # gmane's mangled form of a known address, under the same name, is that person.
    assert site.messages["reply-2@example.org"]["author"] == "roman-gushchin"
    person = site.people["roman-gushchin-2"]
    assert (person["name"], person["addresses"]) == ("Roman Gushchin", ["attacker@evil.example"])
    assert person["review"] == (
        "added by import-mbox as the author of <post-1@example.org>: named as 'roman-gushchin', but from "
        "attacker@evil.example, not one of their addresses. If it is them, add it to their addresses, make "
        "'roman-gushchin' the author of this person's messages and delete this person; if not, delete this line "
        "(`claims` stays: pages keep saying whose name it used)"
    )
    assert person["claims"] == "roman-gushchin"  # deleting the review line does not make it Roman


def _reply_of_one_word_blocks(blocks: int, words: int) -> str:
    """The adversarial case of a review: a message of `words` words, none of them "a", though
    "a" occurs in every one, and a reply of `blocks` quoted blocks "> a" between lines of its
    own, scaled down. Each block must be compared with the message; none is in it."""
    body = "\n".join(" ".join(["banana", "cabal", "data"] * 4) for _ in range(words // 12))
    reply = "On Mon, 1 Jan 2026, Ann wrote:\n" + "".join("> a\n\nmine\n" for _ in range(blocks))
    raw = mbox(
        "From: Ann <ann@x.org>\nSubject: big\nDate: Mon, 1 Jan 2026 10:00:00 +0000\nMessage-ID: <a@x>\n\n" + body,
        "From: Bob <bob@x.org>\nSubject: Re: big\nDate: Mon, 1 Jan 2026 11:00:00 +0000\nMessage-ID: <b@x>\n"
        "In-Reply-To: <a@x>\nReferences: <a@x>\n\n" + reply,
    )
    return raw


def test_attribution_is_linear_in_the_size_of_the_mail(tmp_path, monkeypatch):
    """Bound: building a message's word automaton visits each of its words once (plus the
    clones, at most as many again); each block is then looked up in it once per candidate
    message, word by word. The words visited are counted, not timed: ten times the blocks and
    ten times the words must cost at most about ten times the work (it was a hundred)."""
    from generator.mail import importer
    from generator.mail.mbox import read_inputs
    from generator.records import mailtext

    visited = {"words": 0}
    real_init, real_holds = mailtext.OwnWords.__init__, mailtext.OwnWords.holds

    def init(self, body):
        visited["words"] += len(body.split())
        real_init(self, body)
        visited["words"] += len(self._nxt)  # states made, clones included

    def holds(self, text):
        visited["words"] += len(text.split())
        return real_holds(self, text)

    monkeypatch.setattr(mailtext.OwnWords, "__init__", init)
    monkeypatch.setattr(mailtext.OwnWords, "holds", holds)
    site = site_of(SAMPLE)
    work = {}
    for scale in (1, 10):
        path = tmp_path / f"big{scale}.mbox"
        path.write_text(_reply_of_one_word_blocks(100 * scale, 12_000 * scale))
        mails = read_inputs([str(path)]).mails
        visited["words"] = 0
        p = importer.plan(mails, site, "big", {"data/people.yaml": (SAMPLE / "people.yaml").read_bytes()}, "data")
        assert len(p.quoted) == 100 * scale and not any(q.message_id for q in p.quoted)
        work[scale] = visited["words"]
        size = sum(len(m.text.split()) for m in mails)
        assert 0 < work[scale] <= 4 * size, (scale, work[scale], size)
    assert work[10] <= 11 * work[1], work


def test_lists_grow_on_reimport_and_a_dry_run_can_only_count(tmp_path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    (tmp_path / "post.mbox").write_text(mbox(POST))
    assert run_cli("import-mbox", "post.mbox", cwd=tmp_path).returncode == 0
    thread = data / "threads" / "page-cache-policies-in-bpf.yaml"
    assert "lists:\n  - linux-mm\n" in thread.read_text()
    # The reply went to bpf as well (Cc), and to a person: only the list is a list.
    cc = REPLY.replace("To: linux-mm@kvack.org\n", "To: linux-mm@kvack.org\nCc: bpf@vger.kernel.org, ann@example.org\n")
    spoofed = POST.replace("ann@example.org", "ann@evil.example")
    (tmp_path / "more.mbox").write_text(mbox(cc, spoofed))
    before = thread.read_text()
    summary = run_cli("import-mbox", "--dry-run=summary", "more.mbox", cwd=tmp_path)
    assert summary.returncode == 0, summary.stderr
    assert summary.stdout == (
        "Read 2 messages from 1 input.\n"
        "Quoted blocks: 1, 1 attributed to their message (1 confirmed by their words, 0 by the reply chain).\n"
        "Summary: 1 new, 0 known only through quotes, 1 already on record, 0 skipped; 0 people new; 1 conflict; "
        "warnings: 1 Message-ID reused.\n"
        "data/threads/page-cache-policies-in-bpf.yaml: 1 message added; lists gain bpf.\n"
        "data/threads/page-cache-policies-in-bpf.yaml: 1 conflict recorded for you to resolve (<post-1@example.org>): "
        "`check` fails until each `conflict` line is replaced by `resolved: <what you found>`.\n"
        "data/people.yaml: under review, mail filed by name alone: bob-reviewer.\n"
        "Dry run: nothing was written.\n"
    )
    assert "---" not in summary.stdout and thread.read_text() == before
    full = run_cli("import-mbox", "--dry-run", "more.mbox", cwd=tmp_path)
    assert "Summary: 1 new," in full.stdout and "+  - bpf\n" in full.stdout
    result = run_cli("import-mbox", "more.mbox", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert lines_added(before, thread.read_text())[0] == "  - bpf"
    assert site_of(data).threads["page-cache-policies-in-bpf"]["lists"] == ["linux-mm", "bpf"]


def test_an_import_that_would_leave_a_file_over_the_size_limit_fails_cleanly(tmp_path, monkeypatch):
    from generator.records import yamlload

    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    (tmp_path / "post.mbox").write_text(mbox(POST))
    (tmp_path / "reply.mbox").write_text(mbox(REPLY))
    assert run_cli("import-mbox", "post.mbox", cwd=tmp_path).returncode == 0
    thread = data / "threads" / "page-cache-policies-in-bpf.yaml"
    before = tree(data)
    largest = max(len(p.read_bytes()) for p in data.rglob("*.yaml"))
    assert len(thread.read_bytes()) + 600 > largest  # the reply adds more than 600 bytes
    monkeypatch.setattr(yamlload, "MAX_BYTES", largest + 10)
    for args in (["reply.mbox"], ["--dry-run", "reply.mbox"], ["--dry-run=summary", "reply.mbox"]):
        result = run_cli("import-mbox", *args, cwd=tmp_path)
        assert result.returncode == 1, (args, result.stderr)
        assert result.stderr.endswith(
            f"bytes, at most {yamlload.MAX_BYTES:,}\n"
            "Failed: the import would leave the data invalid (above); nothing was written.\n"
        ), result.stderr
        assert "file too large" in result.stderr and "Traceback" not in result.stderr
        assert tree(data) == before


def test_one_person_under_several_addresses(tmp_path):
    data = sample_with_seed_people(tmp_path)
    people = data / "people.yaml"
    # The mapping is the person's addresses: a second one, added by hand, is kept and used.
    people.write_text(
        people.read_text().replace(
            "addresses: [roman.gushchin@linux.dev]", "addresses: [roman.gushchin@linux.dev, guro@fb.com]"
        )
    )
    work = POST.replace("Ann Author <ann@example.org>", "Roman Gushchin <guro@fb.com>")
    # A new sender writing from two addresses in one import is one new person with both.
    home = REPLY.replace("Bob Reviewer <bob@example.org>", "Dana Newcomer <dana@home.example>")
    office = (
        REPLY.replace("Bob Reviewer <bob@example.org>", "Dana Newcomer <dana@office.example>")
        .replace("reply-1@", "reply-2@")
        .replace("Date: Tue, 28 Apr 2026 09:30:00", "Date: Tue, 28 Apr 2026 10:30:00")
    )
    (tmp_path / "t.mbox").write_text(mbox(work, home, office))
    result = run_cli("import-mbox", "t.mbox", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 person added, marked for review: dana-newcomer." in result.stdout
    site = site_of(data)
    assert site.messages["post-1@example.org"]["author"] == "roman-gushchin"
    assert site.messages["reply-1@example.org"]["author"] == site.messages["reply-2@example.org"]["author"]
    assert site.people["dana-newcomer"]["addresses"] == ["dana@home.example", "dana@office.example"]
    assert "guro@fb.com" in people.read_text()


def test_mail_matched_by_name_alone_is_under_review_and_copies_from_known_addresses_win(tmp_path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    (tmp_path / "post.mbox").write_text(mbox(POST))
    assert run_cli("import-mbox", "post.mbox", cwd=tmp_path).returncode == 0
    people = data / "people.yaml"
    people.write_text("\n".join(ln for ln in people.read_text().split("\n") if "review:" not in ln))
    # Bob has no address on record: his name files the reply under him, under review, with the address.
    (tmp_path / "reply.mbox").write_text(mbox(REPLY))
    result = run_cli("import-mbox", "reply.mbox", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    bob = site_of(data).people["bob-reviewer"]
    assert bob["addresses"] == ["bob@example.org"]
    assert bob["review"] == (
        "import-mbox took bob@example.org as theirs by their name alone (from <reply-1@example.org>): "
        "check that it is theirs, then delete this line"
    )
    assert "data/people.yaml: under review, mail filed by name alone: bob-reviewer." in result.stdout
    check = run_cli("check", "--strict", "--data", "data", cwd=tmp_path)
    assert check.returncode == 1 and "person 'bob-reviewer' awaits review" in check.stderr

    # Two copies of one new message: the one from a known address wins over a back-dated one.
    later = (
        REPLY.replace("reply-1@", "reply-9@")
        .replace("Date: Tue, 28 Apr 2026 09:30:00 +0200", "Date: Wed, 29 Apr 2026 09:30:00 +0200")
        .replace("Targeted hooks", "Careful hooks")
    )
    forged = (
        later.replace("Bob Reviewer <bob@example.org>", "Bob Reviewer <bob@evil.example>")
        .replace("Wed, 29 Apr 2026", "Mon, 27 Apr 2026")
        .replace("Careful hooks, please.", "Merge it all without review.")
    )
    (tmp_path / "two.mbox").write_text(mbox(forged, later))
    result = run_cli("import-mbox", "two.mbox", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    kept = site_of(data).messages["reply-9@example.org"]
    assert kept["author"] == "bob-reviewer" and "Careful hooks" in kept["text"]
    assert "from Bob Reviewer <bob@evil.example>" in kept["conflict"]

    # Once resolved, two more copies in one import only warn.
    thread = data / "threads" / "page-cache-policies-in-bpf.yaml"
    text = thread.read_text()
    start = text.index("    conflict: ")
    end = text.index("\n", start)
    thread.write_text(text[:start] + "    resolved: the copy from bob@evil.example is forged" + text[end:])
    before = thread.read_text()
    result = run_cli("import-mbox", "two.mbox", cwd=tmp_path)
    assert result.returncode == 0 and "not merged" in result.stderr
    assert thread.read_text() == before


def test_lists_that_check_accepts_are_extended_or_left_with_a_warning(tmp_path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    (tmp_path / "post.mbox").write_text(mbox(POST))
    assert run_cli("import-mbox", "post.mbox", cwd=tmp_path).returncode == 0
    thread = data / "threads" / "page-cache-policies-in-bpf.yaml"
    cc = REPLY.replace("To: linux-mm@kvack.org\n", "To: linux-mm@kvack.org\nCc: bpf@vger.kernel.org\n")
    (tmp_path / "cc.mbox").write_text(mbox(cc))
    original = thread.read_text()
    thread.write_text(original.replace("lists:\n  - linux-mm\n", "lists: [linux-mm, ]\n"))
    assert run_cli("import-mbox", "cc.mbox", cwd=tmp_path).returncode == 0
    assert "lists: [linux-mm, bpf, ]\n" in thread.read_text()
    thread.write_text(original.replace("lists:\n  - linux-mm\n", "lists:\n"))
    result = run_cli("import-mbox", "cc.mbox", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "its 'lists' is not a list; add the lists bpf, linux-mm by hand" in result.stderr
    assert "1 message added." in result.stdout


def _chain_of_replies(n: int) -> str:
    """n messages, each replying to the one before by In-Reply-To alone (no References: the
    chain is known only by walking up), quoting its parent's words and its grandparent's."""

    def own(k: int) -> str:
        return f"message {k} says the words of number {k} here"

    messages = []
    for k in range(n):
        head = f"From: P{k % 3} <p{k % 3}@x.org>\nSubject: Re: chain\nDate: Mon, 1 Jan 2026 10:00:00 +0000\n"
        head += f"Message-ID: <c{k}@x>\n" + (f"In-Reply-To: <c{k - 1}@x>\n" if k else "")
        quoted = f"On Mon, 1 Jan 2026, P{(k - 1) % 3} wrote:\n> {own(k - 1)}\n" if k else ""
        quoted += f">> {own(k - 2)}\n" if k > 1 else ""
        messages.append(head + "\n" + quoted + "\n" + own(k))
    return mbox(*messages)


def test_a_long_chain_is_ordered_and_each_quote_attributed_to_its_message(tmp_path):
    from generator.mail import importer
    from generator.mail.mbox import read_inputs

    n = 400
    path = tmp_path / "chain.mbox"
    path.write_text(_chain_of_replies(n))
    mails = read_inputs([str(path)]).mails
    site = site_of(SAMPLE)
    p = importer.plan(mails[::-1], site, "chain", {"data/people.yaml": (SAMPLE / "people.yaml").read_bytes()}, "data")
    assert p.added == [f"c{k}@x" for k in range(n)]
    got = {(q.mail, q.level): (q.message_id, q.how) for q in p.quoted}
    assert len(got) == len(p.quoted) == 2 * n - 3
    for k in range(1, n):
        assert got[(f"c{k}@x", 1)] == (f"c{k - 1}@x", "text")
        if k > 1:
            assert got[(f"c{k}@x", 2)] == (f"c{k - 2}@x", "text")
    assert p.warnings == []
    # What the command refuses early is no more than the file it would write.
    assert 0.7 * len(p.files["data/threads/chain.yaml"]) < importer.least_growth(mails, site)
    assert importer.least_growth(mails, site) <= len(p.files["data/threads/chain.yaml"])


def test_attribution_stops_at_two_candidates_and_skips_words_too_many_messages_share(monkeypatch):
    """Bound: a quoted block is compared with at most MAX_CANDIDATES messages, and no more once
    two hold it. N bot messages with one paragraph, and a reply quoting it N times, cost N
    comparisons, not N squared (1,000 took 4 s, 4,000 took 72 s)."""
    from generator.mail import importer
    from generator.mail.mbox import read_inputs
    from generator.records import mailtext

    calls = {"holds": 0}
    real = mailtext.OwnWords.holds

    def holds(self, text):
        calls["holds"] += 1
        return real(self, text)

    monkeypatch.setattr(mailtext.OwnWords, "holds", holds)
    site = site_of(SAMPLE)
    para = "the build bot found a warning in the tree you pushed today"
    for n in (40, 400):
        bots = [
            f"From: Bot <bot@x.org>\nSubject: build {i}\nDate: Mon, 1 Jan 2026 10:00:00 +0000\nMessage-ID: <b{i}@x>\n\n"
            f"{para}\nnumber {i}\n"
            for i in range(n)
        ]
        reply = (
            "From: Dev <dev@x.org>\nSubject: Re: build 0\nDate: Mon, 1 Jan 2026 11:00:00 +0000\nMessage-ID: <r@x>\n\n"
            + "".join(f"> {para}\n\nok {i}\n" for i in range(n))
        )
        path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bots-{os.getpid()}-{n}.mbox"
        path.write_text(mbox(*bots, reply))
        mails = read_inputs([str(path)]).mails
        path.unlink()
        calls["holds"] = 0
        importer.plan(mails, site, "bots", {"data/people.yaml": (SAMPLE / "people.yaml").read_bytes()}, "data")
        assert calls["holds"] <= 2 * n, (n, calls["holds"])


def test_mail_related_to_the_thread_only_through_other_mail_is_related(tmp_path):
    from generator.mail import importer
    from generator.mail.mbox import read_inputs

    site = site_of(SAMPLE)
    chain = []
    parent = "reply.1@example.org"  # in the sample's hooks-in-mm thread
    for i in range(50):
        chain.append(
            f"From: Ann <ann@x.org>\nSubject: other words {i}\nDate: Mon, 1 Jan 2030 10:00:00 +0000\n"
            f"Message-ID: <c{i}@x>\nIn-Reply-To: <{parent}>\n\ntext {i}\n"
        )
        parent = f"c{i}@x"
    stray = "From: Eve <eve@x.org>\nSubject: 2009 lottery\nMessage-ID: <s@x>\n\nwin\n"
    (tmp_path / "chain.mbox").write_text(mbox(*reversed(chain), stray))
    mails = read_inputs([str(tmp_path / "chain.mbox")]).mails
    assert [m.message_id for m in importer.unrelated(mails, site, "hooks-in-mm")] == ["s@x"]


def test_a_person_known_only_from_an_attribution_gets_the_address_to_and_cc_give_them(tmp_path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    cc = REPLY.replace("To: linux-mm@kvack.org\n", "To: Ann Author <ann@example.org>\nCc: linux-mm@kvack.org\n")
    (tmp_path / "reply.mbox").write_text(mbox(cc))
    assert run_cli("import-mbox", "reply.mbox", cwd=tmp_path).returncode == 0
    site = site_of(data)
    assert site.messages["post-1@example.org"]["author"] == "ann-author"
    assert site.people["ann-author"]["addresses"] == ["ann@example.org"]
    # Her own mail then matches by address: no review line for taking it by name.
    (tmp_path / "post.mbox").write_text(mbox(POST))
    result = run_cli("import-mbox", "post.mbox", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "by name alone" not in result.stdout


def test_name_alone_never_takes_another_persons_address_nor_an_empty_list_nor_passes_quietly(tmp_path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    people = data / "people.yaml"
    thread = data / "threads" / "hooks-in-mm.yaml"
    reply = (
        "From: Bob Reviewer <ada@example.org>\nSubject: Re: hooks\nDate: Wed, 02 Jan 2030 08:00:00 +0000\n"
        "Message-ID: <reply.1@example.org>\nIn-Reply-To: <20300101120000.1-1-ada@example.org>\n\n"
        "On 1 Jan 2030, Ada Lead wrote:\n> We keep the sysctl. The hook comes on top.\n\nNothing is stable\n"
        "until a maintainer says so.\n"
    )
    (tmp_path / "r.mbox").write_text(mbox(reply))
    original = thread.read_text()
    # Ada's address, under Bob's name: not Bob's.
    result = run_cli("import-mbox", "r.mbox", cwd=tmp_path)
    assert "another sender (ada@example.org, not 'bob-reviewer')" in result.stderr
    assert "ada@example.org" not in people.read_text().split("id: bob-reviewer")[1]
    # An `addresses` key written empty: a name alone does not file mail under Bob.
    thread.write_text(original)
    text = people.read_text().replace(
        "  - id: bob-reviewer\n    name: Bob Reviewer\n",
        "  - id: bob-reviewer\n    name: Bob Reviewer\n    addresses: []\n",
    )
    people.write_text(text)
    (tmp_path / "r.mbox").write_text(mbox(reply.replace("<ada@example.org>", "<bob@example.org>")))
    result = run_cli("import-mbox", "r.mbox", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "another sender (bob@example.org, not 'bob-reviewer')" in result.stderr
    # No address of Bob's on record: his name alone takes nothing into his record on record
    # (anyone can send mail under a known Message-ID and a known name), and gives him no address.
    thread.write_text(original)
    people.write_text(text.replace("    addresses: []\n", "    review: check the affiliation source\n"))
    before = people.read_text()
    result = run_cli("import-mbox", "r.mbox", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (
        "<reply.1@example.org> is on record in threads/hooks-in-mm.yaml by 'bob-reviewer', and this copy comes "
        "from bob@example.org, theirs only by the name: not merged. If that address is theirs, add it to their "
        "addresses in people.yaml and import again"
    ) in result.stderr
    assert people.read_text() == before and thread.read_text() == original


def test_copies_that_disagree_fill_nothing_into_a_resolved_record(tmp_path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    (tmp_path / "reply.mbox").write_text(mbox(REPLY))
    assert run_cli("import-mbox", "reply.mbox", cwd=tmp_path).returncode == 0
    thread = data / "threads" / "page-cache-policies-in-bpf.yaml"
    thread.write_text(
        thread.read_text().replace(
            "  - message_id: post-1@example.org\n",
            "  - message_id: post-1@example.org\n    resolved: checked on lore\n",
        )
    )
    before = thread.read_text()
    back_dated = POST.replace("10:00:00 -0700", "09:00:00 -0700").replace("which hooks", "whether hooks")
    (tmp_path / "two.mbox").write_text(mbox(POST, back_dated))
    result = run_cli("import-mbox", "two.mbox", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "with another text; not merged: the record is kept\n" in result.stderr
    assert thread.read_text() == before


def test_finding_the_message_of_a_block_leaves_the_index_as_it_was():
    from generator.mail.importer import _WordIndex

    index = _WordIndex({"A": "we should keep the sysctl\n", "B": "we should keep the sysctl\n"})
    assert index.holding("we should keep the", "X") == ["A", "B"]
    assert index.holding("we should keep the", "B") == ["A"]
    assert index.holding("we should keep the", "A") == ["B"]
    assert index.holding("we should keep the", "X") == ["A", "B"]


def test_a_thread_file_written_as_a_flow_mapping_keeps_its_lists_with_a_warning(tmp_path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    (tmp_path / "post.mbox").write_text(mbox(POST))
    assert run_cli("import-mbox", "post.mbox", cwd=tmp_path).returncode == 0
    thread = data / "threads" / "page-cache-policies-in-bpf.yaml"
    import yaml

    doc = yaml.safe_load(thread.read_text())
    del doc["lists"]
    doc["messages"][0]["date"] = doc["messages"][0]["date"].isoformat().replace("+00:00", "Z")
    thread.write_text(yaml.safe_dump(doc, default_flow_style=True, width=10_000))
    (tmp_path / "post.mbox").write_text(mbox(POST))
    result = run_cli("import-mbox", "post.mbox", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "it is not a block mapping; add the lists linux-mm by hand" in result.stderr
