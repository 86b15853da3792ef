import pytest

from generator.errors import Problems
from generator.records import schema as S
from generator.records.yamlload import parse


def check(spec: S.Type, text: str):
    problems = Problems()
    node = parse(text, "p.yaml", problems)
    ctx = S.Ctx("p.yaml", problems)
    value = spec.check(node, ctx)
    return value, [str(p) for p in problems.sorted()], ctx


PROPOSAL = """\
id: bpf-thp
title: BPF THP control
kind: series
status: rejected
status_sources:
  - url: https://lwn.net/Articles/1072538/
summary: A hook that lets BPF choose THP orders.
"""


def test_valid_proposal_gets_defaults_and_positions():
    rec, errors, ctx = check(S.PROPOSAL, PROPOSAL)
    assert errors == []
    assert rec["links"] == [] and rec["status_note"] is None
    assert rec.line_of("summary") == 7
    assert rec["status_sources"][0]["confidence"] == "seen"
    assert ctx.refs == []


def test_unknown_field_suggests_the_nearest_name():
    _, errors, _ = check(S.PROPOSAL, PROPOSAL.replace("status: rejected", "staus: rejected"))
    # One mistake, one line: the missing 'status' is what 'staus' was meant to be.
    assert errors == ["p.yaml:4:1: unknown field 'staus' (did you mean 'status'?)"]


def test_missing_required_field_says_what_it_is():
    _, errors, _ = check(S.PROPOSAL, PROPOSAL.replace("status: rejected\n", ""))
    assert errors == ["p.yaml:1:1: missing required field 'status': where it stands"]


def test_enum_lists_values_and_suggests():
    _, errors, _ = check(S.PROPOSAL, PROPOSAL.replace("status: rejected", "status: under_review"))
    assert errors == [
        "p.yaml:4:9: expected one of 'idea', 'research', 'rfc', 'under-review', 'landed', 'rejected', "
        "'withdrawn', found 'under_review' (did you mean 'under-review'?)"
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("title: NO", None),  # YAML 1.1 would make this False; here it is the text "NO"
        ("title: 1:20", None),
        ("title:", "p.yaml:2:7: expected text, found nothing"),
        ("title: [a, b]", "p.yaml:2:8: expected text, found a list"),
        ("id: ../etc", "p.yaml:1:5: expected an id of lower-case letters, digits and single dashes, found '../etc'"),
        ("id: BPF-THP", "p.yaml:1:5: expected an id of lower-case letters, digits and single dashes, found 'BPF-THP'"),
    ],
)
def test_field_types(line, message):
    key = line.split(":")[0]
    text = "\n".join(line if row.startswith(key + ":") else row for row in PROPOSAL.splitlines()) + "\n"
    rec, errors, _ = check(S.PROPOSAL, text)
    if message is None:
        assert errors == [] and rec["title"] == line.split(": ", 1)[1]
    else:
        assert errors == [message]


def test_urls_must_be_http():
    _, errors, _ = check(S.LINK, "type: web\nurl: javascript:alert(1)\n")
    assert errors == ["p.yaml:2:6: expected an http:// or https:// URL, found 'javascript:alert(1)'"]


def test_dates_must_be_real():
    _, errors, _ = check(S.SLOT, "day: 2026-02-30\nstart: '25:00'\nminutes: '30'\n")
    assert errors == [
        "p.yaml:1:6: not a real date: 2026-02-30",
        "p.yaml:2:8: expected a time of day HH:MM (24-hour), found '25:00'",
        "p.yaml:3:10: expected a whole number from 5 to 600, found '30'",
    ]


def test_partial_dates_only_where_allowed():
    assert check(S.Date(partial=True), "2025-10")[0] == "2025-10"
    assert check(S.Date(), "2025-10")[1] == ["p.yaml:1:1: expected a date YYYY-MM-DD, found '2025-10'"]


def test_datetime_is_kept_in_utc():
    value, errors, _ = check(S.DateTime(), "2026-04-28T10:12:16+02:00")
    assert errors == [] and value.isoformat() == "2026-04-28T08:12:16+00:00"
    assert check(S.DateTime(), "2026-04-28 10:12")[1] == [
        "p.yaml:1:1: expected a date and time such as 2026-04-28T16:35:52Z (with Z or a UTC offset), "
        "found '2026-04-28 10:12'"
    ]


def test_message_ids_lose_their_angle_brackets():
    assert (
        check(S.MessageId(), "'<7ia4h5ov6o0n.fsf@castle.c.googlers.com>'")[0]
        == "7ia4h5ov6o0n.fsf@castle.c.googlers.com"
    )
    assert check(S.MessageId(), "no-at-sign")[1] == [
        "p.yaml:1:1: expected a Message-ID such as 'abc@example.org', found 'no-at-sign'"
    ]


def test_references_are_collected_for_later():
    _, errors, ctx = check(S.ITEM, "title: x\nproposals: [bpf-oom]\nquestions: [abi]\n")
    assert errors == []
    assert [(r.kind, r.target, r.line, r.column) for r in ctx.refs] == [
        ("proposal", "bpf-oom", 2, 13),
        ("question", "abi", 3, 13),
    ]


def test_text_length_is_bounded():
    _, errors, _ = check(S.PERSON, "id: x\nname: " + "a" * 121 + "\n")
    assert errors == ["p.yaml:2:7: text too long: 121 characters, at most 120"]
