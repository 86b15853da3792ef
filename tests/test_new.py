"""`python -m generator new topic|proposal|question ID`: a commented stub in the right place,
never overwriting, that `check` accepts at once (and `check --strict` once it is referenced)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from generator.errors import Problems
from generator.jsonschemas import schemas
from generator.layout import schema_line as modeline
from generator.yamlload import parse
from tests.conftest import REPO, SAMPLE, run_cli
from tests.test_jsonschemas import as_json

TODAY = dt.date.today().isoformat()


@pytest.fixture(params=["sample", "default"])
def project(request, tmp_path) -> Path:
    shutil.copytree(SAMPLE if request.param == "sample" else REPO / "data", tmp_path / "data")
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def editor_errors(path: Path, rel: str) -> list[str]:
    """What an editor's YAML language server reports with the schema the stub's first line names."""
    schema = json.loads(schemas()[modeline(rel).rsplit("/", 1)[1]])
    node = parse(path.read_text(encoding="utf-8"), rel, Problems())
    return [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(as_json(node))]


def test_new_topic_is_accepted_by_strict_check_at_once(project):
    result = run_cli("new", "topic", "bpf-tiering", cwd=project)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        "Wrote data/topics/bpf-tiering.yaml: topic 'bpf-tiering'. Next: fill in the placeholders, then add "
        "the proposals it discusses; `make check` accepts 'bpf-tiering' now.\n"
    )
    stub = project / "data" / "topics" / "bpf-tiering.yaml"
    text = stub.read_text()
    assert text.split("\n", 1)[0] == "# yaml-language-server: $schema=../../docs/schemas/topic.schema.json"
    assert "id: bpf-tiering\n" in text and f"posted: {TODAY}  # placeholder" in text
    assert "# Next:" in text and "# slot:" in text  # commented: what to do, and the slot to add later
    assert editor_errors(stub, "data/topics/bpf-tiering.yaml") == []
    check = run_cli("check", "--strict", cwd=project)
    assert (check.returncode, check.stdout, check.stderr) == (0, "", "")


def test_new_proposal_passes_check_and_strict_once_a_topic_lists_it(project):
    result = run_cli("new", "proposal", "bpf-swap", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Wrote data/proposals/bpf-swap.yaml: proposal 'bpf-swap'. Next: ")
    stub = project / "data" / "proposals" / "bpf-swap.yaml"
    assert stub.read_text().startswith("# yaml-language-server: $schema=../../docs/schemas/proposal.schema.json\n")
    assert editor_errors(stub, "data/proposals/bpf-swap.yaml") == []
    relaxed = run_cli("check", cwd=project)
    assert relaxed.returncode == 0
    assert relaxed.stderr == (
        "data/proposals/bpf-swap.yaml:11: warning: proposal 'bpf-swap' is on no topic and referred to nowhere\n"
        "Passed: 1 warning.\n"
    )
    assert "on no topic and referred to nowhere" in stub.read_text()  # the stub says so, ahead
    assert run_cli("check", "--strict", cwd=project).returncode == 1
    # What the stub's comment says to do: add it to a topic's proposals.
    topic = sorted((project / "data" / "topics").glob("*.yaml"))[0]
    text = topic.read_text()
    if "\nproposals: [" in text:
        topic.write_text(text.replace("\nproposals: [", "\nproposals: [bpf-swap, ", 1))
    else:
        assert "\nproposals:\n" in text
        topic.write_text(text.replace("\nproposals:\n", "\nproposals:\n  - bpf-swap\n", 1))
    strict = run_cli("check", "--strict", cwd=project)
    assert (strict.returncode, strict.stderr) == (0, "")


def test_new_question_is_added_to_questions_yaml_indented_like_the_others(project):
    questions = project / "data" / "questions.yaml"
    before = questions.read_text()
    result = run_cli("new", "question", "swap-policy", "--topic", "cache-ext", cwd=project)
    if not (project / "data" / "topics" / "cache-ext.yaml").exists():  # the sample data has other topics
        assert result.returncode == 2
        assert result.stderr.startswith("Usage error: unknown topic 'cache-ext'")
        result = run_cli("new", "question", "swap-policy", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Added to data/questions.yaml: question 'swap-policy'. Next: ")
    after = questions.read_text()
    assert after.startswith(before)  # nothing else in the file changed
    added = after[len(before) :].split("\n")
    first_item = next(line for line in before.split("\n") if line.lstrip().startswith("- id: "))
    assert added[0] == first_item[: first_item.index("-")] + "- id: swap-policy"
    assert editor_errors(questions, "data/questions.yaml") == []
    check = run_cli("check", "--strict", cwd=project)
    assert (check.returncode, check.stderr) == (0, "")


def test_new_never_overwrites(project):
    assert run_cli("new", "proposal", "bpf-swap", cwd=project).returncode == 0
    stub = project / "data" / "proposals" / "bpf-swap.yaml"
    stub.write_text(stub.read_text().replace("TODO: the name of the proposal", "BPF swap policy"))
    before = snapshot(project)
    again = run_cli("new", "proposal", "bpf-swap", cwd=project)
    assert (again.returncode, again.stdout) == (1, "")
    assert again.stderr == "Error: data/proposals/bpf-swap.yaml already exists; it was left as it was\n"
    existing_question = parse((project / "data" / "questions.yaml").read_text(), "q", Problems())
    qid = existing_question.entries["questions"][1].items[0].entries["id"][1].scalar
    dup = run_cli("new", "question", qid, cwd=project)
    assert (dup.returncode, dup.stderr) == (
        2,
        f"Usage error: question '{qid}' already exists in data/questions.yaml; it was left as it was\n",
    )
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["topic", "Bad_Id"],
            "'Bad_Id' is not an id: use lower-case letters, digits and single dashes, such as bpf-oom",
        ),
        (["proposal", "index"], "the id 'index' is reserved (it names a section page); choose another"),
        (["topic", "x", "--lead", "ada-led"], "unknown person 'ada-led' (did you mean 'ada-lead'?); "),
        (["question", "q", "--topic", "hooks-in-m"], "unknown topic 'hooks-in-m' (did you mean 'hooks-in-mm'?); "),
    ],
)
def test_bad_usage_is_one_clear_line_and_writes_nothing(tmp_path, args, message):
    shutil.copytree(SAMPLE, tmp_path / "data")
    before = snapshot(tmp_path)
    result = run_cli("new", *args, cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"Usage error: {message}") and result.stderr.count("\n") == 1
    assert snapshot(tmp_path) == before


def test_new_refuses_to_add_to_data_that_does_not_check(tmp_path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    topic = data / "topics" / "later-topic.yaml"
    topic.write_text(topic.read_text().replace("lead: cy-author", "lead: nobody"))
    before = snapshot(tmp_path)
    result = run_cli("new", "proposal", "bpf-swap", cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == (
        "data/topics/later-topic.yaml:3:7: unknown person 'nobody'\n"
        "Failed: 1 error; nothing was written.\n"
        "Fix these first: a stub is only added to data that checks.\n"
    )
    assert snapshot(tmp_path) == before


def test_a_flow_style_questions_list_is_left_to_the_user(tmp_path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    questions = data / "questions.yaml"
    flow = yaml.safe_dump(yaml.safe_load(questions.read_text()), default_flow_style=True, width=100_000)
    questions.write_text(flow, encoding="utf-8")
    assert flow.startswith("{questions: [{") and run_cli("check", cwd=tmp_path).returncode == 0
    before = snapshot(tmp_path)
    result = run_cli("new", "question", "another", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        2,
        "Usage error: data/questions.yaml has no block list of questions to add to; add the question by hand\n",
    )
    assert snapshot(tmp_path) == before


def test_the_readme_example_is_what_the_command_prints(tmp_path):
    shutil.copytree(REPO / "data", tmp_path / "data")
    result = run_cli("new", "proposal", "bpf-swap", cwd=tmp_path)
    assert result.returncode == 0
    assert f"$ python -m generator new proposal bpf-swap\n{result.stdout}" in (REPO / "README.md").read_text()
