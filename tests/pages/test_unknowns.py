"""Honest unknowns: a summit known only by its month, a topic whose lead no source names, and
confidence marks beside the values they concern (a source's `fields`), not only under Sources."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import SUMMIT, make_project, run_cli

EVENT = """\
id: lsfmm-2019
name: LSF/MM 2019
start: 2019-04
end: 2019-04
place: San Juan, Puerto Rico
sources:
  - url: https://example.org/lsfmm-2019/
    about: The month and the city, from a later report
    fields: [start, end]
    confidence: unconfirmed
"""
TOPIC = """\
id: hmm-2019
title: Heterogeneous memory management
event: lsfmm-2019
leads_unknown: known only through a reply that quotes the post
post_note: only the reply is in the archive
posted: 2019-02-11
sources:
  - url: https://example.org/reply/
    about: The posting day, from the reply's In-Reply-To comment
    fields: [posted]
    confidence: inferred
"""


def test_unknowns_are_shown_as_unknown_where_the_value_would_be(tmp_path: Path):
    data = Path(shutil.copytree(SUMMIT, tmp_path / "data"))
    (data / "events" / "lsfmm-2019.yaml").write_text(EVENT, encoding="utf-8")
    (data / "topics" / "hmm-2019.yaml").write_text(TOPIC, encoding="utf-8")
    (tmp_path / "project").mkdir()
    project = make_project(tmp_path / "project", data)
    built = run_cli("build", cwd=project)
    assert built.returncode == 0, built.stderr
    events = (project / "docs" / "events" / "index.md").read_text()
    assert "| Apr 2019 (the days are not on record) *(unconfirmed)* |" in events
    topic = (project / "docs" / "topics" / "hmm-2019.md").read_text()
    assert "<td>Lead</td>\n<td>unknown (known only through a reply that quotes the post)</td>" in topic
    assert (
        "<td>Topic e-mail</td>\n"
        "<td>no address on record (only the reply is in the archive), 2019-02-11 <em>(inferred)</em></td>" in topic
    )
    committee = (project / "docs" / "events" / "lsfmm-2019" / "committee.md").read_text()
    assert "the summit's days are not on record (only 2019-04), so no days are counted" in committee
    row = (
        "| [Heterogeneous memory management](../../topics/hmm-2019.md) | session "
        "| unknown (known only through a reply that quotes the post) | 2019-02-11 *(inferred)* | unknown | proposed |"
    )
    assert row in committee


def test_a_slot_waits_for_the_days(tmp_path: Path):
    data = Path(shutil.copytree(SUMMIT, tmp_path / "data"))
    (data / "events" / "lsfmm-2019.yaml").write_text(EVENT, encoding="utf-8")
    (data / "topics" / "hmm-2019.yaml").write_text(
        TOPIC + "slot:\n  day: 2019-04-30\n  start: '09:00'\n  minutes: 30\n", encoding="utf-8"
    )
    result = run_cli("check", "--data", str(data))
    assert result.returncode == 1
    assert (
        f"{data}/topics/hmm-2019.yaml:13: a slot needs its event's days, and only 2019-04 is known: give "
        f"{data}/events/lsfmm-2019.yaml its `start` and `end` as YYYY-MM-DD"
    ) in result.stderr
