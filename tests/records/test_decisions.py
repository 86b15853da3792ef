"""Citable decisions: each decision of an outcome has an id, and with it an address on its
topic's page (topics/<topic>/#decision-<id>) that data.json carries. A given id is the only one
that lasts through an edit of the decision's words; a decision written as a line of text (as
files did before ids) is still read, goes by an id made from its first words, and `check`
suggests giving it that very id. tests/bad/118 and 119 hold the exact messages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from generator.exports.export import exports
from generator.layout import Publish
from generator.pages.render import render_pages
from generator.records import schema as S
from tests.conftest import SAMPLE, edit, run_cli
from tests.conftest import site_of as load


def decision_ids(data: Path) -> list[str]:
    return [d["id"] for d in load(data).topics["hooks-in-mm"]["outcome"]["decisions"]]


def test_an_id_lasts_through_edits_of_the_other_decisions(tmp_path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    topic = data / "topics" / "hooks-in-mm.yaml"
    edit(topic, "  decisions:\n", "  decisions:\n    - Revisit the hook next year.\n")
    assert decision_ids(data) == ["revisit-the-hook-next-year", "keep-old-sysctl"]
    # Another decision added before both, the given one's words edited: neither address moves.
    edit(topic, "  decisions:\n", "  decisions:\n    - id: another\n      text: Another one first.\n")
    edit(topic, "text: Keep the old sysctl for two releases.", "text: Keep the old sysctl for three releases.")
    assert decision_ids(data) == ["another", "revisit-the-hook-next-year", "keep-old-sysctl"]
    result = run_cli("check", "--data", str(data))
    assert result.returncode == 0  # still read: a warning, which --strict (make site) makes fail
    assert "warning: decision without an id: its anchor #decision-revisit-the-hook-next-year" in result.stderr
    assert "e.g. `id: revisit-the-hook-next-year`" in result.stderr


def test_a_made_id_is_the_first_words_or_a_hash():
    assert S.decision_id("Keep the old sysctl for two releases.") == "keep-the-old-sysctl-for-two-releases"
    assert len(S.decision_id("word " * 40)) <= S.DECISION_ID_LEN
    assert S.decision_id("只有中文") == S.decision_id("只有中文") and S.decision_id("只有中文").startswith("d")


def test_the_page_anchors_each_decision_and_data_json_gives_its_address():
    site = load(SAMPLE, clean=True)
    page = render_pages(site)["topics/hooks-in-mm.md"]
    assert '<li><span class="lsf-decision" id="decision-keep-old-sysctl"></span>Keep the old sysctl' in page
    doc = json.loads(exports(site, Publish(site_url="https://example.org/s/"))["data.json"])
    (topic,) = [t for t in doc["topics"] if t["id"] == "hooks-in-mm"]
    assert topic["outcome"]["decisions"] == [
        {
            "id": "keep-old-sysctl",
            "text": "Keep the old sysctl for two releases.",
            "proposals": [],
            "sources": [],
            "page": "topics/hooks-in-mm/#decision-keep-old-sysctl",
        }
    ]
