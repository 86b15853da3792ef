"""Reading a summit mail's subject: every tag variant seen in real posts of 2011-2026."""

from __future__ import annotations

import pytest

from generator.mail import subjects
from generator.records import mailtext

# (subject, kinds, title, reply): spellings as they were sent to the lists.
CASES = [
    ("[LSF/MM/BPF TOPIC] Using BPF in MM", {"topic"}, "Using BPF in MM", False),
    ("[LSF/MM TOPIC] Improving CMA", {"topic"}, "Improving CMA", False),
    ("[LSF/MM ATTEND] Improving CMA", {"attend"}, "Improving CMA", False),
    ("[LSF/MM/BPF ATTEND] Jane Doe", {"attend"}, "Jane Doe", False),
    (
        "[LSF/MM/BPF Topic] synthetic mm testing like page migration",
        {"topic"},
        "synthetic mm testing like page migration",
        False,
    ),
    ("[LSF/MM/BPF Attend] folios", {"attend"}, "folios", False),
    ("[LSFMMBPF TOPIC] Killing LSFMMBPF", {"topic"}, "Killing LSFMMBPF", False),
    ("[LSF TOPIC] Zoned storage", {"topic"}, "Zoned storage", False),
    ("[LSF/MM BPF TOPIC] BPF iterators for mm", {"topic"}, "BPF iterators for mm", False),
    ("[LSF/MM/BPF BoF] Filesystem testing", {"bof"}, "Filesystem testing", False),
    ("[LSF/MM/BPF proposal]: page cache limits", {"topic"}, "page cache limits", False),
    ("[LSF/MM/BFP TOPIC] Storage: Copy Offload", {"topic"}, "Storage: Copy Offload", False),
    ("[LFS/MM TOPIC] swap", {"topic"}, "swap", False),
    ("[LSF/MM/BPF TOPIC][RFC PATCH v4 00/27] Private Memory Nodes", {"topic"}, "Private Memory Nodes", False),
    ("[LSF/MM/BPF TOPIC/ATTEND] Large folios", {"topic", "attend"}, "Large folios", False),
    ("[LSF/MM/BPF ATTEND][LSF/MM/BPF TOPIC] : blktests: status", {"topic", "attend"}, "blktests: status", False),
    ("[LSF/MM/BPF TOPIC] [LSF/MM/BPF ATTEND] : Two stage IOMMU DMA", {"topic", "attend"}, "Two stage IOMMU DMA", False),
    ("[LSF/MM TOPIC] [ATTEND] memcg: soft limit reclaim", {"topic", "attend"}, "memcg: soft limit reclaim", False),
    ("[Lsf-pc] [LSF/MM ATTEND] Improving CMA", {"attend"}, "Improving CMA", False),
    ("Re: [Lsf-pc] [LSF/MM ATTEND] Improving CMA", {"attend"}, "Improving CMA", True),
    ("[External] RE: [LSF/MM/BPF TOPIC] CXL memory", {"topic"}, "CXL memory", True),
    ("[dm-devel] [LSF/MM/BPF TOPIC] Multipath bio vs. request", {"topic"}, "Multipath bio vs. request", False),
    ("[LSF/MM/BPF TOPIC] iSCSI network namespaces [RESEND]", {"topic"}, "iSCSI network namespaces", False),
    ("[RESEND] [LSF/MM/BPF TOPIC] iSCSI network namespaces", {"topic"}, "iSCSI network namespaces", False),
    ("REMINDER [LSF/MM/BPF TOPIC] swap tiers", {"topic"}, "swap tiers", False),
    ("Re: [LSFMMBPF TOPIC] long live LFSMMBPF", {"topic"}, "long live LFSMMBPF", True),
]


@pytest.mark.parametrize(("subject", "kinds", "title", "reply"), CASES)
def test_every_tag_variant_gives_its_kinds_and_title(subject, kinds, title, reply):
    read = subjects.read(subject)
    assert (set(read.kinds), read.title, read.reply) == (kinds, title, reply)
    assert read.post and not read.cfp


@pytest.mark.parametrize(
    "subject",
    [
        "LSF/MM/BPF: 2024: Call for Proposals [Final Reminder]",
        "REMINDER: LSF/MM/BPF: 2020: Call for Proposals",
        "[REMINDER] LSF/MM/BPF: 2021: Call for Proposals",
        "[LSF/MM/BPF] Call for proposals 2027",
    ],
)
def test_the_call_for_proposals_is_not_a_post(subject):
    read = subjects.read(subject)
    assert read.cfp and not read.post


@pytest.mark.parametrize(
    ("subject", "patch", "rfc"),
    [
        ("[LSF/MM/BPF RFC] mm: a hook for large folio allocation", False, True),
        ("[PATCH v2 00/10] Add Copy offload support", True, False),
        ("[RFC PATCH 0/3] NVMe copy offload patches", True, False),
        ("[linux-next:lsfmm-2024] BUILD SUCCESS 0123abcd", False, False),
        ("Attending LFS (was: [RFC PATCH v2 00/21] FUSE BPF)", False, False),
    ],
)
def test_look_alikes_are_not_posts(subject, patch, rfc):
    read = subjects.read(subject)
    assert not read.post
    assert (read.patch, read.rfc) == (patch, rfc)


def test_a_new_subject_in_a_reply_is_marked_changed():
    read = subjects.read("Re: [LSF/MM/BPF TOPIC] Per-VMA locks (was: Large folios)")
    assert read.changed and read.reply and read.title == "Per-VMA locks" and read.kinds == {"topic"}


def test_titles_compare_without_case_spacing_or_punctuation():
    assert mailtext.title_key("Storage: Copy Offload") == mailtext.title_key("storage  copy offload")
    assert mailtext.title_key("Storage: Copy Offload") != mailtext.title_key("Storage: Copy Onload")


def test_a_topic_asking_for_a_bof_is_a_bof_and_invisible_marks_go():
    assert subjects.read("[LSF/MM/BPF TOPIC] BoF for nfsd").kinds == {"bof"}
    assert subjects.read("[LSF/MM/BPF] Running BOF").kinds == {"bof"}
    assert subjects.read("[LSF/MM/BPF TOPIC] Support block limits below the page size\u200b").title == (
        "Support block limits below the page size"
    )


def test_a_typo_fixed_in_a_reply_keeps_the_subject():
    assert subjects.similar_titles("Userspace command abouts", "Userspace command aborts")
    assert subjects.similar_titles("Large folios", "Large folios for anonymous memory")
    assert not subjects.similar_titles("Large folios for anonymous memory", "Per-VMA locks everywhere")
