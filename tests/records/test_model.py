import shutil
from pathlib import Path

import pytest

from generator.builder.pipeline import load_known, load_site
from generator.errors import Problems
from tests.conftest import SAMPLE, edit


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SAMPLE, tmp_path / "data"))


def run(data: Path):
    problems = Problems()
    site = load_site(str(data), problems)
    shown = [str(p).replace(str(data), "data") for p in problems.sorted()]
    return site, shown


def test_sample_loads_with_derived_relations(data):
    site, problems = run(data)
    assert problems == []
    assert sorted(site.topics) == ["hooks-in-mm", "later-topic"]
    assert site.topics_of_proposal == {
        "cache-policy": ["later-topic"],
        "oom-hook": ["hooks-in-mm"],
        "stats-kfuncs": ["hooks-in-mm"],
    }
    assert site.questions_of_topic == {"hooks-in-mm": ["hook-stability", "keep-old-api"]}
    assert site.quotes["bob-abi"]["author"] == "bob-reviewer"
    assert site.roles_of_person["ada-lead"][0] == ("leads", "topic", "hooks-in-mm")


def test_unknown_reference_names_file_line_and_nearest_id(data):
    edit(data / "topics/hooks-in-mm.yaml", "proposals: [oom-hook, stats-kfuncs]", "proposals: [oom-hok, stats-kfuncs]")
    site, problems = run(data)
    assert site is None
    assert problems == ["data/topics/hooks-in-mm.yaml:18:13: unknown proposal 'oom-hok' (did you mean 'oom-hook'?)"]


def test_all_problems_at_once_sorted_by_file_and_line(data):
    edit(data / "proposals/oom-hook.yaml", "status: under-review", "staus: under-review")
    edit(data / "people.yaml", "name: Cy Author", "name: [Cy]")
    edit(data / "questions.yaml", "topic: hooks-in-mm", "topic: hooks")
    _, problems = run(data)
    assert problems == [
        "data/people.yaml:10:11: expected text, found a list",
        "data/proposals/oom-hook.yaml:4:1: unknown field 'staus' (did you mean 'status'?)",
        "data/questions.yaml:3:12: unknown topic 'hooks' (did you mean 'hooks-in-mm'?)",
    ]


def test_id_must_match_file_name_so_files_cannot_share_an_id(data):
    shutil.copy(data / "proposals/oom-hook.yaml", data / "proposals/oom-hook-copy.yaml")
    _, problems = run(data)
    assert problems == [
        "data/proposals/oom-hook-copy.yaml:1: id 'oom-hook' does not match the file name; expected 'oom-hook-copy'",
    ]


def test_duplicate_ids_in_a_list(data):
    edit(data / "people.yaml", "  - id: cy-author", "  - id: ada-lead\n    name: Ada Again\n  - id: cy-author")
    _, problems = run(data)
    assert problems == ["data/people.yaml:9: duplicate person id 'ada-lead' (first defined at data/people.yaml:2)"]


def test_quote_message_must_be_in_its_thread(data):
    edit(data / "threads/hooks-in-mm.yaml", "message: reply.1@example.org", "message: other@example.org")
    _, problems = run(data)
    assert problems == [
        "data/threads/hooks-in-mm.yaml:27: message <other@example.org> is not in thread 'hooks-in-mm'; "
        "add it to its messages"
    ]


def test_settled_question_needs_resolution(data):
    edit(data / "questions.yaml", "    resolution: Yes, for two releases.\n", "")
    _, problems = run(data)
    assert problems == ["data/questions.yaml:21: question 'keep-old-api' is settled but has no resolution"]


def test_warnings_for_unused_records_and_overrun(data):
    edit(data / "people.yaml", "  - id: cy-author", "  - id: dee-nobody\n    name: Dee Nobody\n  - id: cy-author")
    edit(data / "topics/hooks-in-mm.yaml", "minutes: 30", "minutes: 20")
    site, problems = run(data)
    assert site is not None  # warnings alone do not stop the build
    assert problems == [
        "data/people.yaml:9: warning: person 'dee-nobody' is never referred to",
        "data/topics/hooks-in-mm.yaml:19: warning: running order takes 30 minutes but the slot has 20",
    ]


def test_slot_outside_event(data):
    edit(data / "topics/hooks-in-mm.yaml", "day: 2030-05-06", "day: 2030-05-09")
    _, problems = run(data)
    assert problems == [
        "data/topics/hooks-in-mm.yaml:14: slot day 2030-05-09 is outside the event (2030-05-06 to 2030-05-07)"
    ]


def test_invalid_record_is_not_reported_again_as_unknown(data):
    edit(data / "proposals/stats-kfuncs.yaml", "kind: series", "kind: seris")
    _, problems = run(data)
    assert problems == [
        "data/proposals/stats-kfuncs.yaml:3:7: expected one of 'series', 'paper', 'topic', 'target', "
        "found 'seris' (did you mean 'series'?)"
    ]


# ---------------------------------------------------------------------------------- the schedule


def test_the_schedule_fixture_has_no_conflict_and_the_default_data_none_either():
    from generator.records import schedule
    from tests.conftest import REPO, SCHEDULE

    for folder in (SCHEDULE, REPO / "data"):
        problems = Problems()
        site = load_site(str(folder), problems)
        assert site is not None and problems.items == []
        assert schedule.schedule_conflicts(dict(site.topics), dict(site.events), dict(site.event_of_topic)) == []


def test_sessions_that_were_held_are_never_a_conflict(tmp_path):
    """What took place is recorded as it was: two held sessions at once (a person really was
    in both), or one past the daily hours, is no warning; an accepted one still is."""
    from tests.conftest import SCHEDULE

    data = Path(shutil.copytree(SCHEDULE, tmp_path / "data"))
    edit(data / "topics" / "zoned-storage.yaml", 'start: "10:30"', 'start: "10:15"')  # Blue room, Bo Block
    edit(data / "topics" / "swap-day-two.yaml", 'start: "14:00"', 'start: "16:45"')  # past 17:00
    held = ("zoned-storage", "block-queues", "swap-day-two")
    for tid in held:
        edit(data / "topics" / f"{tid}.yaml", "status: accepted", "status: held")
    problems = Problems()
    assert load_site(str(data), problems) is not None and problems.items == []
    edit(data / "topics" / "block-queues.yaml", "status: held", "status: accepted")
    problems = Problems()
    load_site(str(data), problems)
    assert sorted(p.message.split(":")[0] for p in problems.items) == [
        "'bo-block' is in two sessions at once",
        "session 'zoned-storage' (10",
    ]


# ---------------------------------------------------------------------------------- merges


@pytest.fixture
def merge(tmp_path: Path) -> Path:
    from tests.conftest import MERGE

    return Path(shutil.copytree(MERGE, tmp_path / "data"))


def test_a_merged_topic_brings_its_lead_proposals_questions_and_thread_to_its_session(merge):
    """cxl-zone-exmem was merged into memory-tiering-2023: one relation says what it brings, with
    where each part comes from; its lead co-leads the session (a role of theirs, so their page
    and calendar hold it)."""
    site, problems = run(merge)
    assert problems == []
    assert site.merged_into_topic == {"memory-tiering-2023": ["cxl-zone-exmem"]}
    from_exmem = "cxl-zone-exmem"
    assert site.merged_content == {
        "memory-tiering-2023": {
            "leads": [("kyu-exmem", from_exmem)],
            "proposals": [("zone-exmem", from_exmem)],
            "questions": [("exmem-zone-or-node", from_exmem)],
            "threads": [("cxl-zone-exmem", from_exmem)],
        }
    }
    assert site.leads_of("memory-tiering-2023") == [("hana-tier", None), ("kyu-exmem", from_exmem)]
    assert site.leads_of("cxl-zone-exmem") == [("kyu-exmem", None)]  # the merged topic keeps its own
    assert site.merged("cxl-hotplug", "leads") == []
    assert ("co-leads (from a merged topic)", "topic", "memory-tiering-2023") in site.roles_of_person["kyu-exmem"]
    assert site.questions_of_topic["cxl-zone-exmem"] == ["exmem-zone-or-node"]  # its questions stay its own


def test_what_a_session_holds_itself_a_merge_does_not_bring_again(merge):
    edit(merge / "topics/cxl-zone-exmem.yaml", "leads: [kyu-exmem]", "leads: [hana-tier, kyu-exmem]")
    edit(merge / "topics/cxl-zone-exmem.yaml", "proposals: [zone-exmem]", "proposals: [tier-demotion, zone-exmem]")
    site, problems = run(merge)
    assert problems == []
    brought = site.merged_content["memory-tiering-2023"]
    assert brought["leads"] == [("kyu-exmem", "cxl-zone-exmem")]
    assert brought["proposals"] == [("zone-exmem", "cxl-zone-exmem")]


def test_a_merged_topics_lead_in_another_session_at_the_same_time_is_a_clash(merge):
    """Kyu Exmem leads cxl-hotplug; moved into the slot of the session their topic was merged
    into, that is a person in two sessions at once. Declined instead of merged, it is not."""
    hotplug = merge / "topics/cxl-hotplug.yaml"
    edit(hotplug, 'start: "14:00"', 'start: "10:30"')
    edit(hotplug, "room: mm-room", "room: storage-room")  # not a clash of rooms
    site, problems = run(merge)
    assert problems == [
        "data/topics/cxl-hotplug.yaml:15: warning: 'kyu-exmem' is in two sessions at once: lead of 'cxl-hotplug' "
        "(10:30–11:00) and co-lead (from merged topic 'cxl-zone-exmem') of 'memory-tiering-2023' (10:00–11:00, "
        "data/topics/memory-tiering-2023.yaml:20)"
    ]
    (conflict,) = site.conflicts_of_event["lsfmmbpf-2023"]
    assert (conflict["kind"], conflict["topics"]) == ("person", ["cxl-hotplug", "memory-tiering-2023"])
    exmem = merge / "topics/cxl-zone-exmem.yaml"
    edit(exmem, "  status: merged\n  into: memory-tiering-2023\n", "  status: declined\n")
    site, problems = run(merge)
    assert problems == [] and site.merged_content == {}


def test_a_quote_known_from_a_reply_is_checked_in_its_own_text_once_that_is_on_record(data):
    thread = data / "threads" / "hooks-in-mm.yaml"
    site, problems = run(data)
    assert problems == []
    # Ada's post has no text on record: the quote is verified in Bob's reply, and says so.
    assert site.quotes["ada-keep"]["via"] == "reply.1@example.org"
    assert site.quotes["bob-abi"]["via"] is None
    # Her own text arrives and holds the words: the reply no longer matters.
    edit(
        thread,
        '    subject: "[LSF/MM/BPF TOPIC] Hooks in MM"\n  - message_id: reply',
        '    subject: "[LSF/MM/BPF TOPIC] Hooks in MM"\n    text: |\n      We keep the sysctl. The hook comes on top.\n'
        "  - message_id: reply",
    )
    site, problems = run(data)
    assert problems == []
    assert site.quotes["ada-keep"]["via"] is None
    # Her own text does not hold them: Bob's '>' line is not her word, whatever seen_in says.
    edit(
        thread,
        "      We keep the sysctl. The hook comes on top.\n  - message_id",
        "      Something else.\n  - message_id",
    )
    site, problems = run(data)
    assert site is None
    assert problems == [
        "data/threads/hooks-in-mm.yaml:25: quote 'ada-keep' is not in the text of <20300101120000.1-1-ada@example.org> "
        "(compared ignoring whitespace); <20300101120000.1-1-ada@example.org>'s own text is on record, so the quote "
        "is checked there and not in <reply.1@example.org>; its line 1 does not follow: 'We keep the sysctl.'"
    ]


def test_a_quote_that_differs_only_by_a_lookalike_character_says_which(data):
    thread = data / "threads" / "hooks-in-mm.yaml"
    edit(
        thread,
        "      Nothing is stable\n      until a maintainer says so.\n    proposals",
        "      Nothing iѕ stable\n      until a maintainer says so.\n    proposals",
    )
    site, problems = run(data)
    assert site is None
    assert problems == [
        "data/threads/hooks-in-mm.yaml:28: quote 'bob-abi' is not in the text of <reply.1@example.org> (compared "
        "ignoring whitespace); its line 1 does not follow: 'Nothing iѕ stable' (the message has 's' where the quote "
        "has 'ѕ' (U+0455 CYRILLIC SMALL LETTER DZE): copy the words from the message itself)"
    ]


def test_a_topic_brief_older_than_its_threads_mail_is_a_warning(data):
    topic = data / "topics" / "hooks-in-mm.yaml"
    topic.write_text(topic.read_text() + "brief_updated: 2030-01-01\n")
    site, problems = run(data)
    assert problems == [
        "data/topics/hooks-in-mm.yaml:46: warning: topic 'hooks-in-mm': its thread has 1 message dated after "
        "2030-01-01, when its brief was last updated (the newest: <reply.1@example.org>, 2030-01-02): read them "
        "into the brief, then update brief_updated"
    ]
    edit(topic, "brief_updated: 2030-01-01", "brief_updated: 2030-01-02")
    site, problems = run(data)
    assert problems == [] and site.topics["hooks-in-mm"]["brief_updated"] is not None


def test_a_reused_message_id_is_said_with_the_other_errors_not_after_them(data):
    """A `conflict` line that import-mbox recorded is an error even when another error hides the
    rest of the rules: fixing the other never reveals it later."""
    edit(data / "threads/hooks-in-mm.yaml", "    in_reply_to:", '    conflict: "another copy"\n    in_reply_to:')
    edit(data / "questions.yaml", "topic: hooks-in-mm", "topic: hooks")
    site, problems = run(data)
    assert site is None
    assert problems == [
        "data/questions.yaml:3:12: unknown topic 'hooks' (did you mean 'hooks-in-mm'?)",
        "data/threads/hooks-in-mm.yaml:12: another mail came with the Message-ID of <reply.1@example.org>: "
        "another copy",
    ]
    edit(data / "questions.yaml", "topic: hooks", "topic: hooks-in-mm")
    site, problems = run(data)  # alone, it still lets the Site be made (import-mbox reads it back)
    assert site is not None and [p for p in problems if "warning" not in p] == [
        "data/threads/hooks-in-mm.yaml:12: another mail came with the Message-ID of <reply.1@example.org>: "
        "another copy",
    ]


def test_known_is_what_the_data_holds_even_when_it_fails(data):
    """What `new` needs of data with errors: the valid records, the invalid ones by id, and the
    ids the records refer to, whether they exist or not."""
    edit(data / "people.yaml", "name: Bob Reviewer", "name: [Bob]")
    edit(data / "topics/later-topic.yaml", "lead: cy-author", "lead: hmmap-author")
    problems = Problems()
    known = load_known(str(data), problems)
    assert load_site(str(data), Problems()) is None and len(problems.errors) == 2
    assert sorted(known.people) == ["ada-lead", "cy-author"]
    assert known.has("person", "bob-reviewer") and not known.has("person", "hmmap-author")
    assert ("person", "hmmap-author") in known.referred
    assert (sorted(known.topics), sorted(known.questions)) == (
        ["hooks-in-mm", "later-topic"],
        ["hook-stability", "keep-old-api"],
    )
    assert known.current_event == "example-summit"
