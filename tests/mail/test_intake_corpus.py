"""intake on real summit mail (../shared/mail/intake: 38 messages of 2011-2026, one per file;
skipped in a clone without ../shared): each message read as its README says it is, and two
seasons taken in, the 2015 CMA thread and 2020's posts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.mail import mbox, subjects
from tests.conftest import SUMMIT, run_cli

# The README's kinds, by file number.
KINDS = {
    "topic": [1, 3, 10, 12, 19, 22, 24, 26, 34, 35],
    "topic+attend": [2, 7, 27, 32],
    "attend": [4, 6],
    "reply": [5, 8, 11, 13, 14, 15, 16, 17, 18, 23, 25, 28, 29, 36, 37, 38],
    "cfp": [9, 20, 31],
    "not-a-topic": [21, 33],
}
BORDERLINE = 30  # "Attending LFS (was: [RFC PATCH ...])": a note in a patch thread, no summit tag


@pytest.fixture
def corpus(shared: Path) -> list[Path]:
    folder = shared / "mail" / "intake"
    if not folder.is_dir():
        pytest.skip("../shared/mail/intake is missing")
    return sorted(folder.glob("*.eml"))


def test_every_message_reads_as_its_kind(corpus: list[Path]):
    read = mbox.read_inputs([str(p) for p in corpus])
    assert len(read.mails) == 38
    by_number = {int(Path(m.source).name[:2]): subjects.read(m.subject) for m in read.mails}
    for n in KINDS["topic"]:
        assert by_number[n].kinds == {"topic"} and not by_number[n].reply, n
    for n in KINDS["topic+attend"]:
        assert by_number[n].kinds == {"topic", "attend"} and not by_number[n].reply, n
    for n in KINDS["attend"]:
        assert by_number[n].kinds == {"attend"} and not by_number[n].reply, n
    for n in KINDS["reply"]:
        assert by_number[n].reply, n
    for n in KINDS["cfp"]:
        assert by_number[n].cfp and not by_number[n].post, n
    for n in KINDS["not-a-topic"]:
        assert not by_number[n].post and by_number[n].patch, n
    assert not by_number[BORDERLINE].post and by_number[BORDERLINE].changed


def _with_event(tmp_path: Path, eid: str, start: str, end: str) -> Path:
    data = Path(shutil.copytree(SUMMIT, tmp_path / "data"))
    (data / "events" / f"{eid}.yaml").write_text(
        f"id: {eid}\nname: LSF/MM {start[:4]}\nstart: {start}\nend: {end}\n"
        "sources:\n  - url: https://example.org/summit/\n",
        encoding="utf-8",
    )
    return data


def test_the_2015_cma_thread_gives_a_topic_and_two_requests_in_its_thread(corpus: list[Path], tmp_path: Path):
    data = _with_event(tmp_path, "lsfmm-2015", "2015-03-09", "2015-03-10")
    result = run_cli("intake", "--data", str(data), "--event", "lsfmm-2015", *map(str, corpus))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "  + topic improving-cma-2015 (session, lead laura-abbott)" in out
    assert "  + request joonsoo-kim-lsfmm-2015 (joonsoo-kim, names improving-cma-2015)" in out
    assert "  + request gioh-kim-lsfmm-2015 (gioh-kim, names improving-cma-2015)" in out
    assert "Requests to attend: 2 new, 0 already on record." in out
    thread = (data / "threads" / "improving-cma-2015.yaml").read_text()
    for mid in (
        "5473E146.7000503@codeaurora.org",
        "20141128071327.GB11802@js1304-P5Q-DELUXE",
        "20141128095431.GB25991@quack.suse.cz",
        "547BAE3C.5020309@lge.com",
    ):
        assert f"message_id: {mid}" in thread  # the topic, both requests and the committee's reply
    assert "posted over a year before lsfmm-2015" in out  # 2011 and 2012 posts are not this summit's
    assert run_cli("check", "--data", str(data)).returncode == 0


def test_the_2020_season_files_its_posts_and_skips_the_rest(corpus: list[Path], tmp_path: Path):
    data = _with_event(tmp_path, "lsfmmbpf-2020", "2020-04-20", "2020-04-22")
    result = run_cli("intake", "--data", str(data), "--event", "lsfmmbpf-2020", *map(str, corpus))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1:7] == [
        "Topics: 3 new sessions, 0 new BoFs, 0 already on record.",
        "  + topic storage-copy-offload-2020 (session, lead chaitanya-kulkarni)",
        "  + topic selectively-cramming-things-onto-struct-bio-2020 (session, lead darrick-j-wong)",
        "  + topic multi-actuator-hdds-2020 (session, lead muhammad-ahmad); not sent to lsf-pc",
        "Requests to attend: 1 new, 0 already on record.",
        "  + request chaitanya-kulkarni-lsfmmbpf-2020 (chaitanya-kulkarni, names storage-copy-offload-2020)",
    ]
    assert "Threads: 3 threads, 10 messages added (7 of them replies); people: 9 new (marked for review)." in lines
    assert "  3 x the call for proposals or a reminder of it" in lines
    # The 2020 counter-proposal (18) replies to a post that is not in the corpus: said, not guessed.
    skipped = "\n".join(lines)
    assert (
        "<76B62C4B-6ECB-482B-BF7D-95F42E43E7EB@fb.com> 'Re: [LSFMMBPF TOPIC] long live LFSMMBPF': a reply to" in skipped
    )
    people = (data / "people.yaml").read_text()
    assert 'name: "Javier González"' in people or "name: Javier González" in people  # an encoded-word name
    topic = (data / "topics" / "multi-actuator-hdds-2020.yaml").read_text()
    assert "lists:\n  - linux-block\n  - linux-fsdevel\n  - linux-scsi\n" in topic
