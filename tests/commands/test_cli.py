"""The commands as a user runs them: exact output and exit codes."""

import shutil
from pathlib import Path

from tests.conftest import REPO, SAMPLE, run_cli, tree


def test_help_documents_build_and_check():
    result = run_cli("--help")
    assert result.returncode == 0
    for word in (
        "build",
        "check",
        "serve",
        "clean",
        "schema",
        "new",
        "import-mbox",
        "agenda.ics",
        "data.json",
        "Exit codes: 0 ok",
    ):
        assert word in result.stdout


def test_check_default_data_is_clean():
    result = run_cli("check", "--strict")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_bad_data_lists_every_problem_exits_1_and_writes_nothing(tmp_path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    out = tmp_path / "docs"
    assert run_cli("build", "--data", str(data), "--out", str(out)).returncode == 0
    before = tree(out)
    data_before = tree(data)
    topic = data / "topics" / "hooks-in-mm.yaml"
    topic.write_text(topic.read_text().replace("lead: ada-lead", "lead: ada-led").replace("tracks:", "trakcs:"))
    data_before = tree(data)
    result = run_cli("build", "--data", "data", "--out", "docs", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "data/topics/hooks-in-mm.yaml:3:1: unknown field 'trakcs' (did you mean 'tracks'?)\n"
        "data/topics/hooks-in-mm.yaml:4:7: unknown person 'ada-led' (did you mean 'ada-lead'?)\n"
        "Failed: 2 errors; nothing was written.\n"
    )
    assert "Traceback" not in result.stderr
    assert tree(out) == before
    assert tree(data) == data_before


def test_strict_turns_warnings_into_failure(tmp_path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    people = data / "people.yaml"
    people.write_text(people.read_text() + "  - id: dee-nobody\n    name: Dee Nobody\n")
    relaxed = run_cli("check", "--data", "data", cwd=tmp_path)
    assert relaxed.returncode == 0
    assert relaxed.stderr == (
        "data/people.yaml:11: warning: person 'dee-nobody' is never referred to\nPassed: 1 warning.\n"
    )
    strict = run_cli("check", "--strict", "--data", "data", cwd=tmp_path)
    assert strict.returncode == 1
    assert strict.stderr.endswith("Failed: 1 warning (--strict: warnings fail); nothing was written.\n")


def test_build_reports_what_it_wrote_and_a_rebuild_writes_nothing(tmp_path):
    shutil.copytree(SAMPLE, tmp_path / "data")  # a build keeps data/calendar-history.yaml
    first = run_cli("build", "--data", "data", "--out", "docs", cwd=tmp_path)
    assert first.stdout == (
        "Generated 30 pages and 10 export files in docs/: 40 written, 0 unchanged, 0 removed.\n"
        "Updated calendar-history.yaml in the data folder (what the calendars show): commit it with the data.\n"
    )
    history = (tmp_path / "data" / "calendar-history.yaml").read_bytes()
    second = run_cli("build", "--data", "data", "--out", "docs", cwd=tmp_path)
    assert second.stdout == "Generated 30 pages and 10 export files in docs/: 0 written, 40 unchanged, 0 removed.\n"
    assert (tmp_path / "data" / "calendar-history.yaml").read_bytes() == history


def test_usage_errors_exit_2(tmp_path):
    assert run_cli().returncode == 2
    assert run_cli(process=True).returncode == 2  # as its own process too
    bad_option = run_cli("build", "--nope")
    assert bad_option.returncode == 2 and "unrecognized arguments: --nope" in bad_option.stderr
    missing = run_cli("check", "--data", str(tmp_path / "absent"))
    assert (missing.returncode, missing.stderr) == (2, f"Usage error: no data folder at '{tmp_path / 'absent'}'\n")


def test_clean_removes_only_generated_pages(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text("# hand-written\n")
    shutil.copytree(SAMPLE, tmp_path / "data")
    run_cli("build", "--data", "data", "--out", "docs", cwd=tmp_path)
    result = run_cli("clean", "--out", "docs", cwd=tmp_path)
    assert result.stdout == "Removed 40 generated files from docs/.\n"
    assert tree(docs) == {"guide.md": b"# hand-written\n"}


def test_readme_shows_the_two_commands_and_every_subcommand():
    readme = (REPO / "README.md").read_text()
    assert "make site" in readme and "make test" in readme
    for command in ("build", "check", "agenda", "serve", "clean", "schema", "new", "import-mbox"):
        assert f"python -m generator {command}" in readme


def test_outside_its_virtual_environment_it_says_what_to_do():
    """Without the packages (`-S`: no site-packages, as with a python that is not .venv's), the
    command says how to run it instead of a traceback."""
    import os
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-S", "-m", "generator", "check"],
        cwd=REPO,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "run `make site` once, then `.venv/bin/python -m generator ...`" in result.stderr


def test_running_out_of_memory_is_the_machines_limit_not_a_bug(monkeypatch):
    from generator.commands import check

    def run(args):
        raise MemoryError

    monkeypatch.setattr(check, "run", run)
    result = run_cli("check")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "Error: out of memory: the machine cannot hold what this needs at once.\n"
