"""Incremental regeneration: a no-op build writes nothing, an edit rewrites only the pages
that depend on it, and the result is always byte-identical to a build from scratch."""

import shutil
from pathlib import Path

import pytest

from tests.conftest import SAMPLE, run_cli

EDITS = [
    ("event.yaml", "name: Example Storage and MM Summit", "name: Example Storage and MM Summit 2"),
    ("people.yaml", "name: Bob Reviewer", "name: Bob Q. Reviewer"),
    ("questions.yaml", "question: Are the new hooks a stable ABI?", "question: Are the new hooks ABI?"),
    ("topics/hooks-in-mm.yaml", "title: Hooks in MM", "title: Hooks in memory management"),
    ("topics/later-topic.yaml", "proposals: [cache-policy]", "proposals: [cache-policy, stats-kfuncs]"),
    ("proposals/oom-hook.yaml", "status: under-review", "status: rfc"),
    ("proposals/stats-kfuncs.yaml", "title: Stats kfuncs", "title: Statistics kfuncs"),
    ("proposals/cache-policy.yaml", "summary: Nobody has tried this yet.", "summary: Still nobody."),
    ("threads/hooks-in-mm.yaml", 'subject: "[LSF/MM/BPF TOPIC] Hooks in MM"', 'subject: "Hooks in MM, again"'),
    ("threads/hooks-in-mm.yaml", "    author: bob-reviewer\n", "    author: cy-author\n"),
    # Inputs of the remembered exports: the session calendar (time zone, room) and data.json.
    ("event.yaml", "timezone: Europe/Prague", "timezone: America/New_York"),
    ("event.yaml", "    name: Main hall", "    name: Main hall (upstairs)"),
    ("threads/hooks-in-mm.yaml", "      until a maintainer says so.", "      until a maintainer  says so."),
]


NOOP = "Generated 11 pages and 3 export files in docs/: 0 written, 14 unchanged, 0 removed.\n"


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(tmp: Path, out: str, *extra: str) -> str:
    result = run_cli("build", "--strict", "--data", "data", "--out", out, *extra, cwd=tmp)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(SAMPLE, tmp_path / "data")
    assert "14 written" in build(tmp_path, "docs")
    return tmp_path


def test_noop_rebuild_writes_nothing(project):
    before = {p: p.stat().st_mtime_ns for p in (project / "docs").rglob("*.md")}
    assert (
        build(project, "docs")
        == "Generated 11 pages and 3 export files in docs/: 0 written, 14 unchanged, 0 removed.\n"
    )
    assert {p: p.stat().st_mtime_ns for p in (project / "docs").rglob("*.md")} == before


def test_one_proposal_edit_rewrites_only_its_dependants(project):
    record = project / "data" / "proposals" / "cache-policy.yaml"
    record.write_text(record.read_text().replace("summary: Nobody has tried this yet.", "summary: Still nobody."))
    before = tree(project / "docs")
    assert (
        build(project, "docs")
        == "Generated 11 pages and 3 export files in docs/: 3 written, 11 unchanged, 0 removed.\n"
    )
    after = tree(project / "docs")
    changed = sorted(p for p in after if after[p] != before[p])
    # The summary shows on the proposal's page, as its first paragraph in the brief of its topic,
    # and in data.json; the whole-site pages are rendered again (they list every record) but only
    # files whose bytes differ are rewritten.
    assert changed == ["data.json", "proposals/cache-policy.md", "topics/later-topic.md"]


@pytest.mark.parametrize(("rel", "old", "new"), EDITS, ids=[f"{e[0]}:{n}" for n, e in enumerate(EDITS)])
def test_incremental_equals_from_scratch(project, rel, old, new):
    path = project / "data" / rel
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    build(project, "docs")
    build(project, "fresh", "--no-cache")
    assert tree(project / "docs") == tree(project / "fresh")


def test_added_and_removed_files(project):
    data = project / "data"
    shutil.copy(data / "proposals" / "cache-policy.yaml", data / "proposals" / "new-one.yaml")
    (data / "proposals" / "new-one.yaml").write_text(
        (data / "proposals" / "new-one.yaml").read_text().replace("id: cache-policy", "id: new-one")
    )
    topic = data / "topics" / "later-topic.yaml"
    topic.write_text(topic.read_text().replace("proposals: [cache-policy]", "proposals: [new-one]"))
    (data / "proposals" / "cache-policy.yaml").unlink()
    assert "1 removed" in build(project, "docs")
    build(project, "fresh", "--no-cache")
    assert tree(project / "docs") == tree(project / "fresh")


def test_a_page_edited_or_deleted_by_hand_is_regenerated(project):
    page = project / "docs" / "proposals" / "oom-hook.md"
    original = page.read_bytes()
    page.write_text("---\ngenerated_by: lsfmm-prep\n---\nscribbled\n")
    (project / "docs" / "topics" / "later-topic.md").unlink()
    assert "2 written" in build(project, "docs")
    assert page.read_bytes() == original


def test_a_damaged_cache_is_rebuilt(project):
    (project / ".lsfmm-cache" / "cache.pickle").write_bytes(b"not a pickle")
    assert (
        build(project, "docs")
        == "Generated 11 pages and 3 export files in docs/: 0 written, 14 unchanged, 0 removed.\n"
    )


def test_remembered_quote_checks_are_not_served_for_changed_text(project):
    """Quote provenance results are kept in the cache: a changed message text is compared
    again (the edit breaks the quote 'bob-abi'), and the same text again passes again. So is
    the same text at another quote level (same quote, same message text, level 1 not 0)."""
    thread = project / "data" / "threads" / "hooks-in-mm.yaml"
    good = thread.read_text()
    thread.write_text(good.replace("      Nothing is stable\n", "      Nothing is ever stable\n", 1))
    result = run_cli("build", "--strict", "--data", "data", "--out", "docs", cwd=project)
    assert result.returncode == 1
    assert "quote 'bob-abi' is not in the text of <reply.1@example.org>" in result.stderr
    thread.write_text(good)
    assert build(project, "docs") == NOOP
    ada = "    message: 20300101120000.1-1-ada@example.org\n    seen_in: reply.1@example.org\n"
    thread.write_text(good.replace("  - id: bob-abi\n    message: reply.1@example.org\n", "  - id: bob-abi\n" + ada, 1))
    result = run_cli("build", "--strict", "--data", "data", "--out", "docs", cwd=project)
    assert result.returncode == 1
    assert "quote 'bob-abi' is not in the text of <reply.1@example.org> at quote level 1" in result.stderr


def test_serve_cache_keeps_records_and_stays_exact(project, monkeypatch, capsys):
    """`serve` keeps parsed records in memory between rebuilds (cache.live): after each edit
    in turn, the pages equal a build from scratch."""
    from generator import cli

    monkeypatch.chdir(project)
    cache = cli.open_serve_cache("data")
    assert cli.build("data", "docs", True, cache=cache) == 0
    reused = cache.live
    assert reused  # filled by the first build
    for rel, old, new in EDITS:
        path = project / "data" / rel
        path.write_text(path.read_text().replace(old, new, 1))
        assert cli.build("data", "docs", True, quiet=True, cache=cache) == 0
        assert cli.main(["build", "--strict", "--no-cache", "--data", "data", "--out", "fresh"]) == 0
        assert tree(project / "docs") == tree(project / "fresh"), rel
    assert set(cache.live) == set(cache.records)  # only the records of files as they are now
    capsys.readouterr()
