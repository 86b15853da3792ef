"""The bad-input folder: tests/bad/<NN-case>/ holds files laid over the sample data set, or the
fixture its `base` file names (data/<path>; an empty data/<path>.delete removes that file), an
optional `args` file, and
`expected.txt`: the exit code on its first line, then exactly what `check` prints. The cases
run in this process through `cli.main(argv)`; one runs as its own process too.

Regenerate on purpose with `make goldens`, then review every message in the diff.
"""

import os
import shutil
from pathlib import Path

import pytest

from generator import cli
from tests.conftest import REPO, SAMPLE, run_cli

BAD = REPO / "tests" / "bad"
CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir())
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"


def lay_out(case: Path, tmp: Path) -> Path:
    base = (case / "base").read_text().strip() if (case / "base").exists() else "sample"
    data = Path(shutil.copytree(SAMPLE.parent / base, tmp / "data"))
    for src in sorted((case / "data").rglob("*")):
        if src.is_dir():
            continue
        rel = src.relative_to(case / "data")
        if src.name.endswith(".delete"):
            (data / rel).with_name(src.name.removesuffix(".delete")).unlink()
        else:
            (data / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, data / rel)
    return data


def test_there_are_at_least_forty_cases():
    assert len(CASES) >= 40


@pytest.mark.parametrize("name", CASES)
def test_case_gives_its_exact_message(name, tmp_path, monkeypatch, capsys):
    """`check` as `python -m generator` runs it, in this process (cli.main): the exact output
    and exit code, and never a traceback."""
    case = BAD / name
    lay_out(case, tmp_path)
    args = (case / "args").read_text().split() if (case / "args").exists() else []
    monkeypatch.chdir(tmp_path)
    code = cli.main(["check", *args, "--data", "data"])
    out, err = capsys.readouterr()
    got = f"exit {code}\n{out}{err}"
    if UPDATE:
        (case / "expected.txt").write_text(got)
    assert got == (case / "expected.txt").read_text()
    assert "Traceback" not in got


def test_the_command_in_its_own_process_gives_the_same(tmp_path):
    """One case through `python -m generator` itself: what the in-process cases see is what a
    user sees."""
    case = BAD / "67-problems-in-many-files-sorted"
    lay_out(case, tmp_path)
    result = run_cli("check", "--data", "data", cwd=tmp_path, process=True)
    assert f"exit {result.returncode}\n{result.stdout}{result.stderr}" == (case / "expected.txt").read_text()
