"""A series' versions, trailers and repliers, from mail as git format-patch and b4 write it."""

import shutil
from pathlib import Path

import pytest

from generator.pages.markup import HTML_END, HTML_START
from generator.records import series
from tests.conftest import REPO, SAMPLE, SHARED, run_cli

FIXTURE = REPO / "tests" / "fixtures" / "mail" / "oom-hook-v2-v3.mbox"


@pytest.mark.parametrize(
    ("subject", "label", "part", "total"),
    [
        ("[PATCH v3 07/17] mm: add a hook", "v3", 7, 17),
        ("[RFC PATCH bpf-next v6 0/9] bpf: OOM", "RFC v6", 0, 9),
        ("[PATCH] widget: fix data corruption under load", "v1", 1, 1),
        ("[PATCH 0 of 2] Sample Mercurial patches", "v1", 0, 2),
        ("[PATCH RFC 2/3] mm: memcontrol", "RFC v1", 2, 3),
    ],
)
def test_patch_tags(subject, label, part, total):
    tag = series.patch_tag(subject)
    assert tag is not None and (tag["label"], tag["part"], tag["total"]) == (label, part, total)


@pytest.mark.parametrize(
    "subject", ["Re: [PATCH v3 07/17] mm: add a hook", "[LSF/MM/BPF TOPIC] Using BPF in MM", "PATCH: no brackets", ""]
)
def test_replies_and_topics_are_not_parts(subject):
    assert series.patch_tag(subject) is None


def test_trailers_are_taken_from_own_lines_only():
    text = (
        "> Reviewed-by: Quoted Person <q@example.org>\n\nReviewed-by: Followup Reviewer1 (corporate) <r1@example.com>\n"
        "Tested-by: Tester2, Followup <t2@example.com>\n"
        "Reviewed-by: HTML Junker <html-junker@example.com<mailto:html-junker@example.com>>\nAcked-by: Just A Name\n"
    )
    assert series.trailers(text) == [
        ("Reviewed-by", "Followup Reviewer1", "r1@example.com"),
        ("Tested-by", "Followup Tester2", "t2@example.com"),
        ("Reviewed-by", "HTML Junker", "html-junker@example.com"),
        ("Acked-by", "Just A Name", ""),
    ]


def test_the_b4_followups_give_their_trailers(shared, tmp_path):
    if not (SHARED / "mail").exists():
        pytest.skip("../shared/mail is not beside this checkout: the b4 test threads are not available")
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    mbox = SHARED / "mail" / "b4__trailers-followup-name-parens.mbox"
    assert run_cli("import-mbox", str(mbox), cwd=tmp_path).returncode == 0
    from tests.mail.test_import import site_of

    site = site_of(data)
    (v1,) = series.revisions(list(site.threads["simple-test"]["messages"]), site.people)
    assert (v1["label"], v1["title"], v1["message_id"]) == ("v1", "Simple test", "orig-message@example.com")
    assert [(t["kind"], t["name"], t["person"]) for t in v1["trailers"]] == [
        ("Reviewed-by", "Followup Reviewer1", "followup-reviewer1"),
        ("Tested-by", "Followup Reviewer2", "followup-reviewer2"),
        ("Reviewed-by", "Mismatched Reviewer1", None),  # not the sender's name or address: not matched
        ("Tested-by", "Followup Tester1", "followup-tester1"),
        ("Tested-by", "Followup Tester2", "followup-tester2"),
    ]


def test_a_proposal_shows_its_revisions_and_check_says_when_its_record_is_older(tmp_path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    result = run_cli("import-mbox", str(FIXTURE), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "new thread 'mm-an-oom-hook' with 9 messages" in result.stdout
    # Bob and Cy have no address on record: their mail is theirs by name alone, under review.
    people = data / "people.yaml"
    review = [line for line in people.read_text().split("\n") if "by their name alone" in line]
    assert len(review) == 2 and "cy@example.org" in people.read_text()
    people.write_text("\n".join(line for line in people.read_text().split("\n") if line not in review))
    proposal = data / "proposals" / "oom-hook.yaml"
    proposal.write_text(proposal.read_text() + "threads: [mm-an-oom-hook]\n")
    check = run_cli("check", "--data", "data", cwd=tmp_path)
    assert check.stderr == (
        "data/proposals/oom-hook.yaml:15: warning: proposal 'oom-hook': its links name v2, but the mail on record "
        "has v3 of 2030-04-10 (<20300410-oom-v3-0-cy@example.org>): add it to its links and check its status\n"
        "Passed: 1 warning.\n"
    )
    # The person adds v3 to its links: Ada's ack came after that, and the record does not say so.
    text = proposal.read_text().replace(
        "links:\n",
        "links:\n  - type: lore\n    url: https://lore.kernel.org/r/20300410-oom-v3-0-cy@example.org\n"
        "    version: v3\n    date: 2030-04-10\n",
    )
    proposal.write_text(text)
    check = run_cli("check", "--data", "data", cwd=tmp_path)
    assert check.stderr == (
        "data/proposals/oom-hook.yaml:4: warning: proposal 'oom-hook': mail came on 2030-04-12 "
        "(<ada-v3-ack@example.org>), after the last step its record dates (2030-04-10): check its status\n"
        "Passed: 1 warning.\n"
    )
    proposal.write_text(text.replace("history:\n", "history:\n  - date: 2030-04-12\n    event: v3 acked by Ada\n"))
    proposal.write_text(proposal.read_text().replace("threads: [mm-an-oom-hook]\n", ""))  # its lore link suffices
    build = run_cli("build", "--data", "data", "--out", "docs", cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    page = (tmp_path / "docs" / "proposals" / "oom-hook.md").read_text()
    panel = page[page.index("## Revisions") : page.index("## History")]
    bob = '<a href="../../people/bob-reviewer/">Bob Reviewer</a>'
    ada = '<a href="../../people/ada-lead/">Ada Lead</a>'
    assert panel == (
        "## Revisions\n\n"
        f"{HTML_START}\n"
        "<p>What the series' mail on record says: each version with its cover letter, the trailers given in replies "
        "to it, and who replied.</p>\n"
        "<table>\n<thead>\n<tr>\n<th>Version</th>\n<th>Posted</th>\n<th>Cover letter</th>\n<th>Trailers</th>\n"
        "<th>Replies from</th>\n</tr>\n</thead>\n<tbody>\n"
        "<tr>\n<td>v2 (2 patches)</td>\n<td>2030-03-02 10:00 UTC</td>\n"
        '<td><a href="https://lore.kernel.org/r/20300302-oom-v2-0-cy@example.org">mm: an OOM hook</a></td>\n'
        f"<td></td>\n<td>{bob}</td>\n</tr>\n"
        "<tr>\n<td>v3 (2 patches)</td>\n<td>2030-04-10 09:00 UTC</td>\n"
        '<td><a href="https://lore.kernel.org/r/20300410-oom-v3-0-cy@example.org">mm: an OOM hook</a></td>\n'
        f"<td>Reviewed-by: {bob} (1/2); Acked-by: {ada} (the series)</td>\n<td>{bob}, {ada}</td>\n</tr>\n"
        f"</tbody>\n</table>\n{HTML_END}\n\n"
    )


@pytest.mark.parametrize(
    ("subject", "label", "part"),
    [
        ("[PATCHSET v3 0/4] sched_ext", "v3", 0),
        ("[PATCHv2 1/3] mm: fix", "v2", 1),
        ("[PATCHv3] mm: fix", "v3", 1),
        ("[RFC][PATCH 1/2] mm: fix", "RFC v1", 1),
        ("[f2fs-dev] [PATCH v2] f2fs: fix", "v2", 1),
        ("[dpdk-dev] [PATCH] kni: fix", "v1", 1),
        ("[PATCH RFCv2 0/3] mm: fix", "RFC v2", 0),
        ("[PATCH 6.1 012/123] mm: fix", "6.1 v1", 12),
        ("[PATCH v3.1 2/7] mm: fix", "v3.1", 2),
        ("[PATCH net-next v2 3/5] net: fix", "v2", 3),
        ("[PATCH RESEND v4 1/2] mm: fix", "v4", 1),
    ],
)
def test_patch_tags_as_the_lists_write_them(subject, label, part):
    tag = series.patch_tag(subject)
    assert tag is not None and (tag["label"], tag["part"]) == (label, part)
    assert series.patch_tag("[GIT PULL] mm for 6.1") is None


def test_a_trailer_is_credited_only_to_its_sender_and_counted_once():
    people = {
        "ada": {"name": "Ada Lead", "addresses": ["ada@example.org"]},
        "cy": {"name": "Cy Author", "addresses": []},
        "mallory": {"name": "Mallory", "addresses": ["m@evil.example"]},
    }

    def msg(mid, author, subject, irt=None, text=""):
        return {"message_id": mid, "author": author, "subject": subject, "in_reply_to": irt, "text": text, "date": None}

    mail = [
        msg("p1", "cy", "[PATCH] mm: fix"),
        msg("r1", "ada", "Re: [PATCH] mm: fix", "p1", "Acked-by: Ada Lead <ada@example.org>\n"),
        msg("r2", "ada", "Re: [PATCH] mm: fix", "r1", "Acked-by: Ada Lead <ada@example.org>\n"),  # said again
        msg("r3", "mallory", "Re: [PATCH] mm: fix", "p1", "Acked-by: Ada Lead <ada@example.org>\n"),
    ]
    (v1,) = series.revisions(mail, people)
    assert [(t["kind"], t["person"], t["by"], t["message_id"]) for t in v1["trailers"]] == [
        ("Acked-by", "ada", None, "r1"),
        ("Acked-by", "ada", "mallory", "r3"),  # shown as sent by Mallory, never as Ada's
    ]
    assert v1["repliers"] == ["ada", "mallory"]


def test_a_trailer_in_someones_name_from_another_address_is_nobodys():
    """'Nacked-by: Ada Lead <ada.lead@evil.example>' from a person import-mbox added for mail in
    Ada's name (claims: ada): credited to neither, even once its review line is deleted."""
    people = {
        "ada": {"name": "Ada Lead", "addresses": ["ada@example.org"]},
        "cy": {"name": "Cy Author", "addresses": ["cy@example.org"]},
        "ada-lead-2": {"name": "Ada Lead", "addresses": ["ada.lead@evil.example"], "claims": "ada"},
    }

    def msg(mid, author, subject, irt=None, text=""):
        return {"message_id": mid, "author": author, "subject": subject, "in_reply_to": irt, "text": text, "date": None}

    mail = [
        msg("p1", "cy", "[PATCH] mm: fix"),
        msg("r1", "ada-lead-2", "Re: [PATCH] mm: fix", "p1", "Nacked-by: Ada Lead <ada.lead@evil.example>\n"),
        msg("r2", "cy", "Re: [PATCH] mm: fix", "p1", "Nacked-by: Ada Lead <ada.lead@evil.example>\n"),
    ]
    (v1,) = series.revisions(mail, people)
    # The page: "Ada Lead (sent by Ada Lead (not Ada Lead: used that name), not by them)".
    assert [(t["person"], t["name"], t["by"]) for t in v1["trailers"]] == [
        (None, "Ada Lead", "ada-lead-2"),
        (None, "Ada Lead", "cy"),
    ]


@pytest.mark.parametrize(
    ("subject", "label"),
    [("[PATCH for-6.10 v3 1/2] mm: fix", "v3"), ("[PATCH 5.15 01/20] mm: fix", "5.15 v1")],
)
def test_only_a_number_right_after_patch_is_a_stable_tree(subject, label):
    tag = series.patch_tag(subject)
    assert tag is not None and tag["label"] == label


def test_a_topic_proposal_that_mentions_patches_is_not_a_series():
    assert series.patch_tag("[LSF/MM/BPF TOPIC][PATCHES] what to do with stale patches") is None
    assert series.patch_tag("[LSF/MM/BPF TOPIC] [PATCH] discussion of the series") is None


def test_a_version_someone_else_sends_is_not_the_series_newest():
    people = {"cy": {"name": "Cy Author", "addresses": []}, "mallory": {"name": "Mallory", "addresses": []}}

    def msg(mid, author, subject, irt=None, date=None):
        return {"message_id": mid, "author": author, "subject": subject, "in_reply_to": irt, "text": "", "date": date}

    import datetime as dt

    day = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    mail = [
        msg("v1", "cy", "[PATCH 0/2] mm: fix", date=day),
        msg("v2", "cy", "[PATCH v2 0/2] mm: fix", date=day + dt.timedelta(days=7)),
        msg("v10", "mallory", "[PATCH v10 0/2] mm: fix", "v2", date=day + dt.timedelta(days=8)),
    ]
    versions = series.revisions(mail, people)
    assert [(v["label"], v["author"], v["stranger"]) for v in versions] == [
        ("v1", "cy", False),
        ("v2", "cy", False),
        ("v10", "mallory", True),
    ]
