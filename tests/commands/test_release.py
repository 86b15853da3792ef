"""`release` and `announce`: two releases of the sample summit's schedule, with a session moved,
one added and one cancelled between them, give the right Changes page, feed and mails (parsed
back with the `email` package), and a release is refused where it must be."""

from __future__ import annotations

import email
import email.policy
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import SAMPLE, copy_data, edit, run_cli, tree

EVENT = "example-summit"
SENDER = "吉藤英明 <yoshfuji@example.org>"
ATOM = "{http://www.w3.org/2005/Atom}"
NEW_TOPIC = """\
id: new-session
title: A session added late
lead: bob-reviewer
post_note: Announced at the committee's call; no e-mail.
must_attend:
  - person: ada-lead
    reason: maintainer of the hooks the session would change
    source: https://example.org/maintainers
slot:
  day: 2030-05-07
  start: "14:00"
  minutes: 30
  room: main
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = copy_data(SAMPLE, tmp_path / "data")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nsite_url: https://summit.example.org/\n", encoding="utf-8")
    edit(
        data / "topics" / "later-topic.yaml",
        "proposals:",
        'slot:\n  day: 2030-05-07\n  start: "10:00"\n  minutes: 30\n  room: main\nproposals:',
    )
    edit(data / "people.yaml", "  - id: bob-reviewer\n", "  - id: bob-reviewer\n    addresses: [bob@example.org]\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1900000000")  # 2030-03-17 17:46:40 UTC
    return tmp_path


def release(project: Path, *args: str) -> tuple[int, str, str]:
    done = run_cli("release", "--data", "data", "--from", SENDER, *args, cwd=project)
    return done.returncode, done.stdout, done.stderr


def second_release(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert release(project, "--name", "Preliminary")[0] == 0
    data = project / "data"
    edit(data / "topics" / "hooks-in-mm.yaml", 'start: "09:30"', 'start: "11:00"')  # moved
    edit(
        data / "topics" / "later-topic.yaml",
        "slot:\n",
        "decision:\n  status: declined\n  sources:\n    - url: https://example.org/pc\nslot:\n",
    )  # cancelled
    (data / "topics" / "new-session.yaml").write_text(NEW_TOPIC, encoding="utf-8")  # added
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1900086400")  # a day later
    code, out, err = release(project, "--name", "Final", "--note", "Moved after the committee's call.")
    assert code == 0, err
    assert "Release 2 (“Final”) of example-summit: 2 sessions; since release 1: 1 added, 1 moved, 1 cancelled." in out


def mail(path: Path) -> email.message.EmailMessage:
    raw = path.read_bytes()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, email.message.EmailMessage)
    assert not msg.defects, msg.defects
    assert all(len(line) <= 78 for line in raw.split(b"\n\n", 1)[0].split(b"\n")), "a header line over 78"
    return msg


def test_two_releases_give_the_changes_page_the_feed_and_the_mails(project: Path, monkeypatch: pytest.MonkeyPatch):
    second_release(project, monkeypatch)
    data = project / "data"
    held = (data / "releases" / f"{EVENT}.yaml").read_text(encoding="utf-8")
    assert held.count("- number:") == 2 and "released: '2030-03-18T17:46:40Z'" in held

    assert run_cli("build", "--data", "data", "--out", "docs", cwd=project).returncode == 0
    page = (project / "docs" / "events" / EVENT / "changes.md").read_text(encoding="utf-8")
    two, one = page.split("## Release 2: Final")[1].split("## Release 1: Preliminary")
    assert (
        "**Added** (1)" in two and "[A session added late](../../topics/new-session.md) | Tue 7 May, 14:00-14:30" in two
    )
    assert "| [Hooks in MM](../../topics/hooks-in-mm.md) | ~~Mon 6 May, 09:30-10:00, Main hall~~ | " in two
    assert "Mon 6 May, 11:00-11:30, Main hall |" in two
    assert (
        "**Cancelled** (1)" in two
        and "| [A later topic](../../topics/later-topic.md) | ~~Tue 7 May, 10:00-10:30" in two
    )
    assert "> Moved after the committee's call." in two
    assert "**Moved**" not in one and "**Added** (2)" in one
    agenda = (project / "docs" / "agenda.md").read_text(encoding="utf-8")
    assert "[release 2, “Final”](changes.md#release-2), of 2030-03-18 17:46 UTC. This agenda is that release" in agenda

    feed = ET.fromstring((project / "docs" / "events" / EVENT / "releases.atom").read_bytes())
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Release 2: Final", "Release 1: Preliminary"]
    assert feed.findtext(f"{ATOM}updated") == "2030-03-18T17:46:40Z"
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == 2
    assert (
        entries[0].find(f"{ATOM}link").get("href")
        == "https://summit.example.org/events/example-summit/changes/#release-2"
    )
    content = entries[0].findtext(f"{ATOM}content")
    assert "Cancelled: A later topic (was Tue 7 May, 10:00-10:30, Main hall)" in content

    box = project / "outbox" / EVENT / "release-2"
    assert sorted(p.name for p in box.iterdir()) == ["00-announcement.eml", "01-hooks-in-mm.eml", "02-new-session.eml"]
    ann = mail(box / "00-announcement.eml")
    assert ann["Subject"] == "[LSF/MM/BPF] ESMS schedule, release 2: Final"
    assert ann["From"].addresses[0].display_name == "吉藤英明"
    assert b"=?utf-8?b?" in (box / "00-announcement.eml").read_bytes().split(b"\n\n")[0]
    assert {a.addr_spec for a in ann["To"].addresses} == {"linux-mm@kvack.org", "lsf-pc@lists.linux-foundation.org"}
    body = ann.get_content()
    assert (
        "- Moved: Hooks in MM (was Mon 6 May, 09:30-10:00, Main hall; now Mon 6\n  May, 11:00-11:30, Main hall)" in body
    )
    assert "- Cancelled: A later topic" in body and "Time  | Main hall" in body  # the changes, then the agenda
    assert all(len(line) <= 72 for line in body.split("\n") if "https://" not in line)

    moved = mail(box / "01-hooks-in-mm.eml")
    assert moved["In-Reply-To"] == moved["References"] == "<20300101120000.1-1-ada@example.org>"
    assert moved["Subject"] == "Re: [LSF/MM/BPF TOPIC] Hooks in MM"
    assert moved["Message-ID"] == "<lsfmm-prep.example-summit.release-2.hooks-in-mm@example.org>"
    assert [a.addr_spec for a in moved["To"].addresses] == ["ada@example.org"]
    assert {a.addr_spec for a in moved["Cc"].addresses} == {"linux-mm@kvack.org", "lsf-pc@lists.linux-foundation.org"}
    text = moved.get_content()
    assert "Time:   11:00-11:30 Europe/Prague (09:00-09:30 UTC)" in text
    assert "It was: Monday, 6 May 2030, 09:30-10:00 Europe/Prague (07:30-08:00 UTC)" in text
    assert "Brief:  https://summit.example.org/topics/hooks-in-mm/" in text

    added = mail(box / "02-new-session.eml")
    assert [a.addr_spec for a in added["To"].addresses] == ["bob@example.org", "ada@example.org"]
    assert added["In-Reply-To"] is None  # no topic post on record: it starts a thread
    assert "Ada Lead: maintainer of the hooks the session would change" in added.get_content()

    # `announce` writes the same files again.
    before = tree(project / "outbox")
    assert run_cli("announce", "--data", "data", "--from", SENDER, cwd=project).returncode == 0
    assert tree(project / "outbox") == before


def test_a_dry_run_says_what_the_release_would_hold_and_writes_nothing(project: Path):
    before = tree(project)
    code, out, err = release(project, "--name", "Preliminary", "--dry-run")
    assert code == 0, err
    assert out.startswith("Release 1 (“Preliminary”) of example-summit would hold 2 sessions; the first release.")
    assert "Added: Hooks in MM (Mon 6 May, 09:30-10:00, Main hall)" in out
    assert tree(project) == before


def test_unreleased_edits_show_on_the_agenda(project: Path):
    assert release(project, "--name", "Preliminary", "--no-mail")[0] == 0
    assert not (project / "outbox").exists()
    edit(project / "data" / "topics" / "hooks-in-mm.yaml", 'start: "09:30"', 'start: "09:00"')
    assert run_cli("build", "--data", "data", "--out", "docs", cwd=project).returncode == 0
    agenda = (project / "docs" / "agenda.md").read_text(encoding="utf-8")
    assert "**This agenda has changed since** (1 moved), and the changes are not yet released" in agenda
    page = (project / "docs" / "changes.md").read_text(encoding="utf-8")
    assert "## Not yet released\n\nSince release 1, the agenda has changed: 1 moved." in page
    assert "| ~~Mon 6 May, 09:30-10:00, Main hall~~ | Mon 6 May, 09:00-09:30, Main hall |" in page


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (None, "nothing changed since release 1 (“Preliminary”) of example-summit"),
        ("warning", "a release is made only from data that checks with no warning"),
    ],
)
def test_a_release_is_refused_with_nothing_written(project: Path, change: str | None, said: str):
    assert release(project, "--name", "Preliminary", "--no-mail")[0] == 0
    if change == "warning":
        edit(project / "data" / "people.yaml", "people:\n", "people:\n  - id: nobody-at-all\n    name: Nobody\n")
    before = tree(project / "data")
    code, _out, err = release(project, "--name", "Again")
    assert code != 0 and said in err, err
    assert tree(project / "data") == before and not (project / "outbox").exists()


def test_a_hand_edited_releases_file_is_an_error_with_its_line(project: Path):
    assert release(project, "--name", "Preliminary", "--no-mail")[0] == 0
    edit(project / "data" / "releases" / f"{EVENT}.yaml", "- number: 1", "- number: 2")
    said = run_cli("check", "--data", "data", cwd=project).stderr
    assert "data/releases/example-summit.yaml:7: release number 2 where 1 comes next" in said


def _send_email_works() -> bool:
    import subprocess

    try:
        found = subprocess.run(["git", "send-email", "-h"], capture_output=True, text=True, timeout=30)
        perl = subprocess.run(["perl", "-MMail::Address", "-e1"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "git send-email" in found.stdout + found.stderr and perl.returncode == 0


@pytest.mark.skipif(not _send_email_works(), reason="git send-email is not installed (Debian: git-email)")
def test_git_send_email_takes_the_mails_as_they_are(project: Path, monkeypatch: pytest.MonkeyPatch):
    """The mails as `git send-email` reads them, in a dry run that sends nothing: every recipient
    from the headers, the reply threaded under the topic's post, the encoded name read back."""
    import subprocess

    second_release(project, monkeypatch)
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    files = sorted(str(p) for p in (project / "outbox" / EVENT / "release-2").glob("*.eml"))
    done = subprocess.run(
        [
            "git",
            "send-email",
            "--dry-run",
            "--confirm=never",
            "--no-validate",
            "--smtp-server=/bin/true",
            "--suppress-cc=self",
            f"--from={SENDER}",
            *files,
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        env={
            "HOME": str(project),
            "PATH": "/usr/bin:/bin",
            "GIT_AUTHOR_NAME": "PC",
            "GIT_AUTHOR_EMAIL": "pc@example.org",
            "GIT_COMMITTER_NAME": "PC",
            "GIT_COMMITTER_EMAIL": "pc@example.org",
        },
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.count("Result: OK") == 3
    sent = [set(line.split()[3:]) for line in out.splitlines() if line.startswith("Sendmail: ")]
    assert sent[1] >= {"ada@example.org", "linux-mm@kvack.org", "lsf-pc@lists.linux-foundation.org"}
    assert sent[2] >= {"bob@example.org", "ada@example.org"}
    assert "In-Reply-To: <20300101120000.1-1-ada@example.org>" in out
    assert "From: =?UTF-8?q?=E5=90=89=E8=97=A4=E8=8B=B1=E6=98=8E?= <yoshfuji@example.org>" in out
