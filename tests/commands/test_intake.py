"""`intake`: a season's mail (tests/fixtures/mail/season-2030.mbox, written like lore threads:
the call for proposals, a topic that also asks to attend, a reply, a request posted inside the
topic's thread by a sender with an encoded-word name, a topic posted into the call's thread, a
reply that starts a new topic, a BoF not sent to lsf-pc, a resend, an RFC patch series tagged
for the summit, a robot's report naming an lsfmm branch, a request on its own with the
committee's reply, a reply whose post is missing, a post after the summit) taken into the summit
fixture."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SUMMIT, edit, make_project, run_cli, tree

SEASON = REPO / "tests" / "fixtures" / "mail" / "season-2030.mbox"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = Path(shutil.copytree(SUMMIT, tmp_path / "data"))
    edit(folder / "events" / "example-2030.yaml", "end: 2030-05-08\n", "end: 2030-05-08\nproposals_due: 2030-02-15\n")
    return folder


def intake(data: Path, *extra: str, mbox: Path = SEASON):
    return run_cli("intake", "--data", str(data), "--event", "example-2030", str(mbox), *extra)


def test_a_season_becomes_topics_requests_and_their_threads(data: Path):
    result = intake(data)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:12] == [
        "Read 14 messages from 1 input.",
        "Topics: 3 new sessions, 1 new BoF, 0 already on record.",
        "  + topic large-folios-for-anonymous-memory-2030 (session, lead gil-folio)",
        "  + topic swap-readahead-again-2030 (session, lead hal-swap); posted as a reply to <cfp-2030@example.org>",
        "  + topic per-vma-locks-everywhere-2030 (session, lead ivy-lock); posted as a reply to "
        "<folio-re-dan@example.org>",
        "  + topic filesystem-testing-2030 (bof, lead jo-test); not sent to lsf-pc",
        "  = <folio-topic-resend@example.org> sends 'Large folios for anonymous memory' again: filed in the "
        "first post's thread, not a new topic",
        "Requests to attend: 3 new, 0 already on record.",
        "  + request gil-folio-example-2030 (gil-folio, names large-folios-for-anonymous-memory-2030)",
        "  + request zoe-strom-example-2030 (zoe-strom, names large-folios-for-anonymous-memory-2030)",
        "  + request kim-attendee-example-2030 (kim-attendee, names no topic)",
        "Threads: 5 threads, 9 messages added (2 of them replies); people: 7 new (marked for review).",
    ]
    skipped = [line for line in lines if line.startswith("  1 x ")]
    assert skipped == [
        "  1 x a patch series, not a topic post",
        "  1 x a reply to a post that is neither in the input nor on record (import its thread)",
        "  1 x names the summit but has no topic or attend tag (if it asks to attend, add it by hand)",
        "  1 x posted after example-2030 ended (2030-05-08)",
        "  1 x the call for proposals or a reminder of it",
    ]
    topic = (data / "topics" / "swap-readahead-again-2030.yaml").read_text()
    assert topic.splitlines()[3:] == [
        "id: swap-readahead-again-2030",
        "title: Swap readahead, again",
        "event: example-2030",
        "kind: session",
        "leads:",
        "  - hal-swap",
        "message_id: swap-ra@example.com",
        "posted: 2030-01-20T10:00:00Z",
        "lists:",
        "  - linux-mm",
        "  - lsf-pc",
        "posted_in: cfp-2030@example.org",
        "thread: swap-readahead-again-2030",
    ]
    bof = (data / "topics" / "filesystem-testing-2030.yaml").read_text()
    assert "kind: bof\n" in bof and "lists:\n  - linux-fsdevel\nthread:" in bof
    # The encoded-word name is decoded; the quoted-printable body is joined at its soft breaks.
    people = (data / "people.yaml").read_text()
    assert 'name: "Zoë Ström"' in people and "zoe@example.net" in people
    folio = (data / "threads" / "large-folios-for-anonymous-memory-2030.yaml").read_text()
    assert "one base page at a time on most systems. I would like to discuss" in folio
    assert "=20" not in folio
    for mid in ("folio-topic", "folio-re-dan", "folio-attend-zoe", "folio-topic-resend"):
        assert f"message_id: {mid}@example" in folio
    assert "vma-locks@example.com" not in folio  # a topic of its own, in its own thread
    attendance = (data / "attendance.yaml").read_text()
    assert 'discuss: "I would like to attend for this topic: I maintain the folio tests."' in attendance
    check = run_cli("check", "--data", str(data))
    assert check.returncode == 0, check.stderr
    assert check.stderr.splitlines()[-1] == "Passed: 8 warnings."  # the people added, each awaiting review


def test_run_again_it_adds_nothing_and_keeps_every_hand_edit(data: Path):
    assert intake(data).returncode == 0
    edit(data / "topics" / "large-folios-for-anonymous-memory-2030.yaml", "title: Large folios", "title: Big folios")
    edit(data / "attendance.yaml", "    person: kim-attendee\n", "    person: kim-attendee\n    status: invited\n")
    before = tree(data)
    again = intake(data)
    assert again.returncode == 0, again.stderr
    assert "Topics: 0 new sessions, 0 new BoFs, 4 already on record." in again.stdout
    assert "Requests to attend: 0 new, 3 already on record." in again.stdout
    assert again.stdout.splitlines()[-1].startswith("Nothing new:")
    assert tree(data) == before


def test_more_mail_later_adds_only_what_is_new(data: Path, tmp_path: Path):
    text = SEASON.read_text()
    cut = text.index("From mboxrd@z", text.index("Subject: [LSF/MM/BPF Topic] Swap readahead"))
    early = tmp_path / "early.mbox"
    early.write_text(text[:cut])
    assert intake(data, mbox=early).returncode == 0
    first = (data / "topics" / "large-folios-for-anonymous-memory-2030.yaml").read_bytes()
    later = intake(data)
    assert later.returncode == 0, later.stderr
    assert "Topics: 1 new session, 1 new BoF, 2 already on record." in later.stdout
    assert (data / "topics" / "large-folios-for-anonymous-memory-2030.yaml").read_bytes() == first
    folio = (data / "threads" / "large-folios-for-anonymous-memory-2030.yaml").read_text()
    assert "folio-topic-resend@example.org" in folio  # the thread on record is extended


def test_a_dry_run_writes_nothing(data: Path):
    before = tree(data)
    result = intake(data, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "  would write " + str(data / "attendance.yaml") + " (new)" in result.stdout
    assert result.stdout.splitlines()[-1] == "Dry run: nothing was written."
    assert tree(data) == before


def test_an_unknown_event_is_a_usage_error(data: Path):
    result = run_cli("intake", "--data", str(data), "--event", "example-2031", str(SEASON))
    assert result.returncode == 2
    assert "--event 'example-2031': no such event (did you mean 'example-2030'?)" in result.stderr


def test_the_committee_page_shows_what_came_in_and_what_to_chase(data: Path, tmp_path: Path):
    assert intake(data).returncode == 0
    (tmp_path / "project").mkdir()
    project = make_project(tmp_path / "project", data)
    built = run_cli("build", cwd=project)
    assert built.returncode == 0, built.stderr
    page = (project / "docs" / "committee.md").read_text()
    chase = page[page.index("## To chase") : page.index("## Received")]
    rows = [line.split(" | ") for line in chase.splitlines() if line.startswith("| [")]  # Title, ..., Posted, Why
    assert ["| " + r[3] + " | " + r[-1] for r in rows] == [
        "| 2030-02-20 | posted 2030-02-20, after the call closed \\(2030-02-15\\) |",
        "| 2030-02-01 | not sent to lsf-pc \\(lists: linux-fsdevel\\) |",
        "| 2030-02-20 | names no topic on record |",
    ]
    received = page[page.index("## Received") : page.index("## Requests to attend")]
    order = [line.split(" | ")[0][2:] for line in received.splitlines() if line.startswith("| [")]
    assert order[0].startswith("[\\[LSF/MM/BPF ATTEND\\] Kim Attendee]")  # newest first
    assert "| 106 days before |" in received
    requests = page[page.index("## Requests to attend") :]
    assert "| Memory management | 2 | 2 | 0 | 0 |" not in requests  # the folio topic has no track yet
    assert "| All requests | 3 | 3 | 0 | 0 |" in requests  # the total first, then waiting, invited, declined
    assert "### Zoë Ström: waiting { #request-zoe-strom-example-2030 }" in requests
    assert "\n\n> I would like to attend for this topic: I maintain the folio tests.\n" in requests
    doc = json.loads((project / "docs" / "data.json").read_text())
    assert [r["id"] for r in doc["requests"]] == [
        "gil-folio-example-2030",
        "zoe-strom-example-2030",
        "kim-attendee-example-2030",
    ]
    topic_page = (project / "docs" / "topics" / "swap-readahead-again-2030.md").read_text()
    assert "No abstract on record yet. The topic e-mail opens (as sent, not checked):" in topic_page
    assert "\n\n> Swap readahead still guesses. I propose a session on making it follow\n" in topic_page


# A Google Forms export: its own header for what to discuss, a quoted field over two lines,
# local times without a zone.
FORM = (
    "Timestamp,Email Address,Name,Affiliation,Which topics would you like to discuss?,Topic ids\n"
    '1/20/2030 10:00:00,nia@example.org,Nia Form,Example Corp,"Swap tiers, and CXL memory:\n'
    'both for the MM track.",swap-backends\n'
    "1/21/2030 11:30:00,kim@example.org,Kim Attendee,,Memory tiering,\n"
)


def test_a_form_export_becomes_requests(data: Path, tmp_path: Path):
    csv = tmp_path / "requests.csv"
    csv.write_text(FORM, encoding="utf-8")
    result = run_cli(
        "intake", "--data", str(data), "--event", "example-2030", "--form", str(csv),
        "--column", "discuss=Which topics would you like to discuss?",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "  + request nia-form-example-2030 (nia-form, names swap-backends, form requests.csv:2)" in result.stdout
    assert "  + request kim-attendee-example-2030 (kim-attendee, names no topic, form requests.csv:4)" in result.stdout
    attendance = (data / "attendance.yaml").read_text()
    assert '    form: "requests.csv:2"\n    posted: 2030-01-20\n' in attendance  # local time: the day
    assert "    discuss: |\n      Swap tiers, and CXL memory:\n      both for the MM track.\n" in attendance
    people = (data / "people.yaml").read_text()
    assert "added by intake as the author of requests.csv:2" in people
    # Mail from the same person later is on record already: one request per person and summit.
    again = intake(data)
    assert "  + request kim-attendee" not in again.stdout
    assert "Requests to attend: 2 new, 1 already on record." in again.stdout
    assert run_cli("check", "--data", str(data)).returncode == 0


def test_bad_form_rows_are_said_at_once_with_their_lines(data: Path, tmp_path: Path):
    csv = tmp_path / "requests.csv"
    csv.write_text(
        "Timestamp,Email Address,Name,Topic ids\n"
        "1/20/2030 10:00:00,nia@example.org,,\n"
        "yesterday,not-an-address,Kim Attendee,\n"
        "2030-01-22T09:00:00+01:00,ola@example.org,Ola Form,no-such-topic\n",
        encoding="utf-8",
    )
    before = tree(data)
    result = run_cli("intake", "--data", str(data), "--event", "example-2030", "--form", str(csv))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{csv}:2: no name in this row",
        f"{csv}:3: no e-mail address in this row (found 'not-an-address')",
        f"{csv}:3: timestamp 'yesterday' is not a date and time this reads (such as 2030-01-20 10:00:00)",
        f"Failed: 3 bad rows in {csv}; nothing was written.",
    ]
    csv.write_text(
        "Timestamp,Email Address,Name,Topic ids\n2030-01-22T09:00:00+01:00,ola@example.org,Ola Form,no-such-topic\n",
        encoding="utf-8",
    )
    result = run_cli("intake", "--data", str(data), "--event", "example-2030", "--form", str(csv))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == f"{csv}:2: topic 'no-such-topic': no such topic, not of example-2030"
    missing = run_cli("intake", "--data", str(data), "--event", "example-2030", "--form", str(csv), "--column",
                      "email=Mail")  # fmt: skip
    assert missing.returncode == 1
    assert missing.stderr.splitlines()[0] == f"{csv}:1: --column email='Mail': no such header here"
    assert tree(data) == before


def test_a_maildir_reads_as_the_mbox_does(data: Path, tmp_path: Path):
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    messages = SEASON.read_text().split("From mboxrd@z Thu Jan  1 00:00:00 1970\n")[1:]
    for n, text in enumerate(messages):
        (maildir / ("cur" if n % 2 else "new") / f"{1900000000 + n}.{n}.host:2,S").write_text(text)
    result = intake(data, mbox=maildir)
    assert result.returncode == 0, result.stderr
    assert "Read 14 messages from 14 inputs." in result.stdout
    assert "Topics: 3 new sessions, 1 new BoF, 0 already on record." in result.stdout


MORE = REPO / "tests" / "fixtures" / "mail" / "season-2030-more.mbox"


def test_a_season_read_twice_files_the_same_and_keeps_its_threads_apart(data: Path):
    """From a trial with the 2023 season: a reply that fixes a typo in the subject, a reply
    whose parent is known only through its quotes, lsf-pc's other address, and a second post
    tagged ATTEND by the same person."""
    assert intake(data).returncode == 0
    more = intake(data, mbox=MORE)
    assert more.returncode == 0, more.stderr
    lines = more.stdout.splitlines()
    assert lines[1:6] == [
        "Topics: 1 new session, 1 new BoF, 0 already on record.",
        "  + topic userspace-command-abouts-2030 (bof, lead hana-reiner)",
        "  + topic swapping-in-large-folios-2030 (session, lead gil-folio)",
        "Requests to attend: 0 new, 1 already on record.",
        "Threads: 2 threads, 5 messages added (2 of them replies); people: 3 new (marked for review).",
    ]
    bof = (data / "topics" / "userspace-command-abouts-2030.yaml").read_text()
    assert "lists:\n  - linux-scsi\n  - lsf-pc\n" in bof  # lsf-pc@lists.linuxfoundation.org is lsf-pc
    thread = (data / "threads" / "userspace-command-abouts-2030.yaml").read_text()
    for mid in ("cmd-abort", "cmd-abort-typo", "cmd-abort-pat", "cmd-abort-ola"):
        assert f"message_id: {mid}@example.org" in thread
    assert "add swapping-in-large-folios-2030 to its `topics` by hand" in more.stderr
    before = tree(data)
    again = run_cli("intake", "--data", str(data), "--event", "example-2030", str(SEASON), str(MORE))
    assert again.returncode == 0, again.stderr
    assert "Topics: 0 new sessions, 0 new BoFs, 6 already on record." in again.stdout
    assert tree(data) == before


def test_one_season_with_two_attend_posts_gives_one_request_naming_both(data: Path, tmp_path: Path):
    both = tmp_path / "both.mbox"
    both.write_text(SEASON.read_text() + "\n" + MORE.read_text())
    result = intake(data, mbox=both)
    assert result.returncode == 0, result.stderr
    assert (
        "  + request gil-folio-example-2030 (gil-folio, names large-folios-for-anonymous-memory-2030, "
        "swapping-in-large-folios-2030)"
    ) in result.stdout
    assert "  = <mthp-swapin@example.org> asks again: one request, gil-folio-example-2030, names its topic too" in (
        result.stdout
    )
    assert "Requests to attend: 3 new, 0 already on record." in result.stdout


def test_the_published_data_carries_no_address(data: Path, tmp_path: Path):
    assert intake(data).returncode == 0
    (tmp_path / "project").mkdir()
    project = make_project(tmp_path / "project", data)
    assert run_cli("build", cwd=project).returncode == 0
    published = (project / "docs" / "data.json").read_text()
    assert "gil@example.org" not in published
    people = json.loads(published)["people"]
    assert people and all("addresses" not in p and "review" not in p for p in people)


def test_the_limits_of_one_run_and_running_out_of_memory_write_nothing(data: Path, monkeypatch):
    from generator.mail import intake as planner
    from generator.mail import mbox

    before = tree(data)
    monkeypatch.setattr(mbox, "MAX_MESSAGES", 10)
    result = intake(data)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: too many messages: more than 10 in one run (reached in {SEASON}); split the mail and take it "
        "in in parts; nothing was written.\n"
    )
    monkeypatch.setattr(mbox, "MAX_MESSAGES", 100)

    def plan(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(planner, "plan", plan)
    result = intake(data)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: out of memory: this mail is more than the machine can hold at once; import it in parts; "
        "nothing was written.\n"
    )
    assert tree(data) == before


def test_a_long_chain_under_a_post_for_another_summit_and_many_posts_of_one_title(data: Path, tmp_path: Path):
    """Each reply of a chain 300 deep (In-Reply-To alone) is skipped for the post at its top,
    and five posts of one title by five people are five topics, numbered."""

    def mail(n: int, sender: str, subject: str, date: str, parent: str | None = None) -> str:
        head = f"From {sender}@example.org Mon Jan  1 00:00:00 2030\nFrom: {sender} <{sender}@example.org>\n"
        head += f"To: lsf-pc@lists.linux-foundation.org\nSubject: {subject}\nDate: {date}\nMessage-ID: <m{n}@x>\n"
        head += f"In-Reply-To: <{parent}>\n" if parent else ""
        return head + f"\nMessage {n} has its own words.\n\n"

    late = "Sat, 01 Jun 2030 08:00:00 +0000"
    chain = [mail(0, "max", "[LSF/MM/BPF TOPIC] After the summit", late)]
    chain += [
        mail(n, f"p{n % 7}", "Re: [LSF/MM/BPF TOPIC] After the summit", late, f"m{n - 1}@x") for n in range(1, 301)
    ]
    same = [
        mail(1000 + n, f"poster{n}", "[LSF/MM/BPF TOPIC] Same title", "Mon, 10 Feb 2030 08:00:00 +0000")
        for n in range(5)
    ]
    path = tmp_path / "long.mbox"
    path.write_text("".join(chain + same))
    result = intake(data, "--dry-run=summary", mbox=path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [ln for ln in lines if ln.startswith("  + topic")] == [
        f"  + topic same-title-2030{suffix} (session, lead poster{n})"
        for n, suffix in enumerate(["", "-2", "-3", "-4", "-5"])
    ]
    assert "  300 x in the thread of a post that is not for this summit (skipped too)" in lines
    assert "  1 x posted after example-2030 ended (2030-05-08)" in lines


@pytest.mark.parametrize("way", ["mount", "simulated"])
def test_a_read_only_data_folder_is_one_line_and_nothing_is_written(data: Path, way: str, monkeypatch):
    """Before: a raw "[Errno 30] Read-only file system: '.../data/threads/.lsfmm-write-XXXX'"."""
    import tempfile

    from tests.builder.test_disk import can_mount, refusing

    before = tree(data)
    if way == "mount":
        if not can_mount():
            pytest.skip("no mount namespace here")
        script = f'mount --bind -o ro "{data}" "{data}"\nexec "$@"'
        command = [sys.executable, "-m", "generator", "intake", "--data", str(data), "--event", "example-2030"]
        result = subprocess.run(
            ["unshare", "-m", "sh", "-ec", script, "sh", *command, str(SEASON)],
            cwd=data.parent,
            env=dict(os.environ, PYTHONPATH=str(REPO)),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    else:
        refusing(monkeypatch, tempfile, "mkstemp", data, errno.EROFS)
        result = intake(data)
    assert result.returncode == 1
    assert re.fullmatch(
        r"Error: \S*data/ is on a read-only file system \(writing \S*data/(\S+/)?\.lsfmm-write-\w+\): make it "
        r"writable; nothing was written\.\n",
        result.stderr,
    ), result.stderr
    assert tree(data) == before
