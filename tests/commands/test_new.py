"""`python -m generator new topic|proposal|question|person|event ID`: a commented stub in the
right place, never overwriting, that `check` accepts at once; `check` warns of each placeholder
left (so --strict fails) until it is replaced."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from generator.errors import Problems
from generator.exports.jsonschemas import schemas
from generator.layout import schema_line as modeline
from generator.records.yamlload import parse
from tests.conftest import REPO, SAMPLE, edit, run_cli, tree
from tests.exports.test_jsonschemas import as_json

TODAY = dt.date.today().isoformat()


@pytest.fixture(params=["sample", "default"])
def project(request, tmp_path) -> Path:
    shutil.copytree(SAMPLE if request.param == "sample" else REPO / "data", tmp_path / "data")
    return tmp_path


def editor_errors(path: Path, rel: str) -> list[str]:
    """What an editor's YAML language server reports with the schema the stub's first line names."""
    schema = json.loads(schemas()[modeline(rel).rsplit("/", 1)[1]])
    node = parse(path.read_text(encoding="utf-8"), rel, Problems())
    return [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(as_json(node))]


def placeholders(stderr: str) -> list[str]:
    """The file:line of each placeholder `check` warns of."""
    return [line.split(": warning:", 1)[0] for line in stderr.splitlines() if ": warning: placeholder" in line]


def first_lead(project: Path) -> str:
    people = yaml.safe_load((project / "data" / "people.yaml").read_text())["people"]
    return people[0]["id"]


def test_new_topic_is_accepted_by_check_and_each_placeholder_warned_of(project):
    lead = first_lead(project)
    result = run_cli("new", "topic", "bpf-tiering", "--lead", lead, cwd=project)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        "Wrote data/topics/bpf-tiering.yaml: topic 'bpf-tiering'. Next: fill in the placeholders, then add "
        "the proposals it discusses. `check` accepts it now, with a warning for each placeholder; `make check` "
        "and `make site` fail until they are replaced.\n"
    )
    stub = project / "data" / "topics" / "bpf-tiering.yaml"
    text = stub.read_text()
    assert text.split("\n", 1)[0] == "# yaml-language-server: $schema=../../docs/schemas/topic.schema.json"
    assert "id: bpf-tiering\n" in text and f"leads: [{lead}]" in text
    assert "\nmessage_id:" not in text  # no made-up Message-ID, not even a placeholder one
    assert "\n# posted:" in text  # no made-up date: the comment says what to write
    assert "# Next:" in text and "# slot:" in text and "# decision:" in text
    assert editor_errors(stub, "data/topics/bpf-tiering.yaml") == []
    relaxed = run_cli("check", cwd=project)
    assert relaxed.returncode == 0
    found = placeholders(relaxed.stderr)
    assert found == [
        "data/topics/bpf-tiering.yaml:15:8",  # title
        "data/topics/bpf-tiering.yaml:19:12",  # how the post is known
        "data/topics/bpf-tiering.yaml:22:11",  # abstract
    ], relaxed.stderr
    strict = run_cli("check", "--strict", cwd=project)
    assert strict.returncode == 1 and placeholders(strict.stderr) == found
    # Replaced, they are facts: strict passes.
    text = text.replace('"TODO: the title of the topic e-mail"', "Tiering with BPF")
    text = text.replace(
        next(ln for ln in text.split("\n") if ln.startswith("post_note:")), "message_id: t.1@example.org"
    )
    text = text.replace("TODO: what the session is about, in Markdown.", "Memory tiering policies in BPF.")
    stub.write_text(text)
    assert run_cli("check", "--strict", cwd=project).returncode == 0


def test_new_topic_needs_a_lead_and_takes_several(project):
    refused = run_cli("new", "topic", "bpf-tiering", cwd=project)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.startswith("Usage error: new topic needs --lead PERSON (once per lead): ")
    assert "`python -m generator new person ID --name NAME`" in refused.stderr
    assert not (project / "data" / "topics" / "bpf-tiering.yaml").exists()
    people = [p["id"] for p in yaml.safe_load((project / "data" / "people.yaml").read_text())["people"]][:2]
    args = [arg for pid in people for arg in ("--lead", pid)]
    assert run_cli("new", "topic", "bpf-tiering", *args, cwd=project).returncode == 0
    assert f"leads: [{', '.join(people)}]" in (project / "data" / "topics" / "bpf-tiering.yaml").read_text()


def test_new_person_then_a_topic_they_lead(project):
    people = project / "data" / "people.yaml"
    before = people.read_text()
    result = run_cli(
        "new", "person", "new-person", "--name", "Zoë O'Neil: Jr", "--email", "zoe@example.org", cwd=project
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Added to data/people.yaml: person 'new-person'. Next: ")
    after = people.read_text()
    assert after.startswith(before) and '  name: "Zoë O\'Neil: Jr"\n' in after
    relaxed = run_cli("check", cwd=project)  # added before anything mentions them: not an error
    assert relaxed.returncode == 0 and "person 'new-person' is never referred to" in relaxed.stderr
    assert run_cli("new", "topic", "zoe-topic", "--lead", "new-person", cwd=project).returncode == 0
    assert "never referred to" not in run_cli("check", cwd=project).stderr
    no_source = run_cli("new", "person", "other", "--name", "O", "--affiliation", "Corp", cwd=project)
    assert (no_source.returncode, no_source.stderr) == (
        2,
        "Usage error: --affiliation needs --source URL: the page that states it (every fact has a source)\n",
    )


def test_new_event_needs_its_dates_and_warns_of_its_placeholders(project):
    refused = run_cli("new", "event", "summit-2031", cwd=project)
    assert (refused.returncode, refused.stderr) == (
        2,
        "Usage error: new event needs --start YYYY-MM-DD and --end YYYY-MM-DD: the summit's first and last day\n",
    )
    if (project / "data" / "events" / "example-summit.yaml").exists():  # the sample's topics name no event
        for topic in (project / "data" / "topics").glob("*.yaml"):
            topic.write_text(topic.read_text().replace("\ntitle:", "\nevent: example-summit\ntitle:", 1))
    result = run_cli("new", "event", "summit-2031", "--start", "2031-05-05", "--end", "2031-05-07", cwd=project)
    assert result.returncode == 0, result.stderr
    stub = project / "data" / "events" / "summit-2031.yaml"
    assert editor_errors(stub, "data/events/summit-2031.yaml") == []
    relaxed = run_cli("check", cwd=project)
    assert relaxed.returncode == 0
    assert len(placeholders(relaxed.stderr)) == 3  # the name, the source and what it says
    assert run_cli("check", "--strict", cwd=project).returncode == 1


def test_new_proposal_passes_check_and_strict_once_filled_in_and_on_a_topic(project):
    result = run_cli("new", "proposal", "bpf-swap", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Wrote data/proposals/bpf-swap.yaml: proposal 'bpf-swap'. Next: ")
    stub = project / "data" / "proposals" / "bpf-swap.yaml"
    assert stub.read_text().startswith("# yaml-language-server: $schema=../../docs/schemas/proposal.schema.json\n")
    assert editor_errors(stub, "data/proposals/bpf-swap.yaml") == []
    relaxed = run_cli("check", cwd=project)
    assert relaxed.returncode == 0
    assert (
        "data/proposals/bpf-swap.yaml:11: warning: proposal 'bpf-swap' is on no topic and referred to nowhere\n"
        in relaxed.stderr
    )
    assert len(placeholders(relaxed.stderr)) == 4  # title, status note, source, summary
    assert "on no topic and referred to nowhere" in stub.read_text()  # the stub says so, ahead
    assert run_cli("check", "--strict", cwd=project).returncode == 1
    text = stub.read_text()
    text = text.replace('"TODO: the name of the proposal"', "BPF swap policy")
    text = text.replace('"TODO: the status in words, with its date"', "An idea, 2026-06")
    text = text.replace("https://example.invalid/bpf-swap", "https://example.org/bpf-swap")
    text = text.replace("TODO: what it is, in a paragraph of Markdown.", "Swap policy in BPF.")
    stub.write_text(text)
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
    refused = run_cli("new", "question", "swap-policy", cwd=project)
    assert refused.returncode == 2 and refused.stderr.startswith("Usage error: new question needs --topic TOPIC")
    topic = sorted(p.stem for p in (project / "data" / "topics").glob("*.yaml"))[0]
    result = run_cli("new", "question", "swap-policy", "--topic", topic, cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Added to data/questions.yaml: question 'swap-policy'. Next: ")
    after = questions.read_text()
    assert after.startswith(before)  # nothing else in the file changed
    added = after[len(before) :].split("\n")
    first_item = next(line for line in before.split("\n") if line.lstrip().startswith("- id: "))
    spaced = "\n\n  - id: " in before or "\n\n- id: " in before
    assert added[1 if spaced else 0] == first_item[: first_item.index("-")] + "- id: swap-policy"
    assert editor_errors(questions, "data/questions.yaml") == []
    check = run_cli("check", cwd=project)
    assert check.returncode == 0 and len(placeholders(check.stderr)) == 2  # the question and its context


def test_new_never_overwrites(project):
    assert run_cli("new", "proposal", "bpf-swap", cwd=project).returncode == 0
    stub = project / "data" / "proposals" / "bpf-swap.yaml"
    stub.write_text(stub.read_text().replace("TODO: the name of the proposal", "BPF swap policy"))
    before = tree(project)
    again = run_cli("new", "proposal", "bpf-swap", cwd=project)
    assert (again.returncode, again.stdout) == (1, "")  # a problem in the data, with its place: exit 1
    assert again.stderr == (
        "data/proposals/bpf-swap.yaml: proposal 'bpf-swap' already exists; it was left as it was\n"
        "Failed: 1 error; nothing was written.\n"
    )
    existing_question = parse((project / "data" / "questions.yaml").read_text(), "q", Problems())
    qid = existing_question.entries["questions"][1].items[0].entries["id"][1].scalar
    dup = run_cli("new", "question", qid, "--topic", "x", cwd=project)
    line = (project / "data" / "questions.yaml").read_text().splitlines().index(f"  - id: {qid}") + 1
    assert (dup.returncode, dup.stderr) == (
        1,
        f"data/questions.yaml:{line}: question '{qid}' already exists; it was left as it was\n"
        "Failed: 1 error; nothing was written.\n",
    )
    assert tree(project) == before


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
    before = tree(tmp_path)
    result = run_cli("new", *args, cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"Usage error: {message}") and result.stderr.count("\n") == 1
    assert tree(tmp_path) == before


def test_new_person_that_a_failing_topic_names_fixes_it(tmp_path):
    """The fix for "unknown person" is `new person`: it is not refused because of that error."""
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    edit(data / "topics" / "later-topic.yaml", "lead: cy-author", "lead: hmmap-author")
    failing = run_cli("check", cwd=tmp_path)
    assert (failing.returncode, failing.stderr) == (
        1,
        "data/topics/later-topic.yaml:3:7: unknown person 'hmmap-author' (did you mean 'cy-author'?)\n"
        "Failed: 1 error; nothing was written.\n",
    )
    people = (data / "people.yaml").read_text()
    result = run_cli("new", "person", "hmmap-author", "--name", "Hmm Author", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        "Added to data/people.yaml: person 'hmmap-author'. Next: the data refers to 'hmmap-author' already; "
        "add their affiliation (with its source) and addresses if known.\n"
        "Fixes data/topics/later-topic.yaml:3:7: unknown person 'hmmap-author' (did you mean 'cy-author'?)\n"
    )
    assert (data / "people.yaml").read_text() == people + "  - id: hmmap-author\n    name: Hmm Author\n"
    strict = run_cli("check", "--strict", cwd=tmp_path)  # the person needs nothing more
    assert (strict.returncode, strict.stderr) == (0, "")


def test_new_adds_to_data_with_errors_elsewhere_and_says_they_are_left(tmp_path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    edit(data / "topics" / "later-topic.yaml", "title:", "titel:")
    edit(data / "people.yaml", "name: Bob Reviewer", "nmae: Bob Reviewer")  # in the file a person is added to
    failing = run_cli("check", cwd=tmp_path).stderr
    assert failing == (
        "data/people.yaml:8:5: unknown field 'nmae' (did you mean 'name'?)\n"
        "data/topics/later-topic.yaml:2:1: unknown field 'titel' (did you mean 'title'?)\n"
        "Failed: 2 errors; nothing was written.\n"
    )
    before = tree(tmp_path)
    result = run_cli("new", "proposal", "foo", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("Wrote data/proposals/foo.yaml: proposal 'foo'. Next: ")
    assert result.stderr == "Note: the data still has 2 errors elsewhere (make check lists them).\n"
    after = tree(tmp_path)
    assert set(after) - set(before) == {"data/proposals/foo.yaml"}
    assert {rel: after[rel] for rel in before} == before  # the other files are as they were
    person = run_cli("new", "person", "dee-new", "--name", "Dee New", cwd=tmp_path)
    assert (person.returncode, person.stdout, person.stderr) == (
        0,
        "Added to data/people.yaml: person 'dee-new'. Next: refer to 'dee-new' from a topic (--lead), a proposal, "
        "a question or a thread; until then `check --strict` (and `make check`) warns that nothing refers to them.\n",
        "Note: the data still has 2 errors elsewhere (make check lists them).\n",
    )
    assert (data / "people.yaml").read_text().endswith("    name: Cy Author\n  - id: dee-new\n    name: Dee New\n")
    check = run_cli("check", cwd=tmp_path)  # the errors as they were, the stubs' placeholders warned of
    assert check.returncode == 1
    assert [line for line in check.stderr.splitlines() if ": warning: " not in line] == [
        *failing.splitlines()[:2],
        "Failed: 2 errors and 4 warnings; nothing was written.",
    ]


def test_a_stub_wrong_in_itself_is_refused_on_failing_data_too(tmp_path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    edit(data / "topics" / "later-topic.yaml", "title:", "titel:")
    edit(data / "people.yaml", "name: Bob Reviewer", "name: [Bob]")  # bob-reviewer is there, with an error
    before = tree(tmp_path)
    taken = run_cli("new", "person", "ada-lead", "--name", "Ada", cwd=tmp_path)
    assert (taken.returncode, taken.stdout, taken.stderr) == (
        1,
        "",
        "data/people.yaml:2: person 'ada-lead' already exists; it was left as it was\n"
        "Failed: 1 error; nothing was written.\n",
    )
    invalid = run_cli("new", "person", "bob-reviewer", "--name", "Bob", cwd=tmp_path)
    assert (invalid.returncode, invalid.stderr) == (
        1,
        "data/people.yaml:7: person 'bob-reviewer' already exists; it was left as it was\n"
        "Failed: 1 error; nothing was written.\n",
    )
    topic = run_cli("new", "topic", "later-topic", "--lead", "ada-lead", cwd=tmp_path)
    assert (topic.returncode, topic.stderr) == (
        1,
        "data/topics/later-topic.yaml: topic 'later-topic' already exists; it was left as it was\n"
        "Failed: 1 error; nothing was written.\n",
    )
    nobody = run_cli("new", "topic", "x", "--lead", "nobody", cwd=tmp_path)  # the command line's mistake
    assert (nobody.returncode, nobody.stderr) == (
        2,
        "Usage error: unknown person 'nobody'; it must be an id from data/people.yaml\n",
    )
    # A second event makes every topic that names none wrong: errors it brings, not the data's own.
    event = run_cli("new", "event", "summit-2031", "--start", "2031-05-05", "--end", "2031-05-06", cwd=tmp_path)
    assert (event.returncode, event.stderr) == (
        1,
        "data/topics/hooks-in-mm.yaml:1: topic 'hooks-in-mm' names no event, and there are 2: add `event:` with "
        "one of example-summit, summit-2031 (the newest is 'summit-2031')\n"
        "Failed: 1 error; nothing was written.\n"
        "Fix these first: they come with the new event. Once there are two events, every topic names its own: "
        "add `event: ID` to each above.\n",
    )
    # An item the file's layout does not take at its end.
    (data / "people.yaml").write_text((data / "people.yaml").read_text() + "reviewed: yes\n")
    laid_out = run_cli("new", "person", "dee-new", "--name", "Dee New", cwd=tmp_path)
    assert (laid_out.returncode, laid_out.stderr) == (
        1,
        "data/people.yaml:12:7: invalid YAML: mapping values are not allowed in this context\n"
        "Failed: 1 error; nothing was written.\n"
        "Fix these first: they come with the new person. If the layout of data/people.yaml does not take it "
        "at its end, add it by hand.\n",
    )
    before["data/people.yaml"] = (data / "people.yaml").read_bytes()
    assert tree(tmp_path) == before


def test_a_file_to_add_to_that_is_not_yaml_is_named(tmp_path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    edit(data / "people.yaml", "name: Bob Reviewer", "name: [Bob")
    before = tree(tmp_path)
    result = run_cli("new", "person", "dee-new", "--name", "Dee New", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        "data/people.yaml:9:7: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at "
        "line 8)\n"
        "Failed: 1 error; nothing was written.\n"
        "Fix data/people.yaml first: the new person is added to it, and it cannot be read.\n",
    )
    assert tree(tmp_path) == before
    (data / "questions.yaml").unlink()
    missing = run_cli("new", "question", "q", "--topic", "hooks-in-mm", cwd=tmp_path)
    assert (missing.returncode, missing.stderr) == (
        1,
        "data/questions.yaml: cannot read the file: No such file or directory\n"
        "Failed: 1 error; nothing was written.\n"
        "Fix data/questions.yaml first: the new question is added to it, and it cannot be read.\n",
    )
    # A record that goes into a file of its own does not need them.
    proposal = run_cli("new", "proposal", "foo", cwd=tmp_path)
    assert (proposal.returncode, proposal.stderr) == (
        0,
        "Note: the data still has 2 errors elsewhere (make check lists them).\n",
    )


def test_a_flow_style_questions_list_is_left_to_the_user(tmp_path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    questions = data / "questions.yaml"
    flow = yaml.safe_dump(yaml.safe_load(questions.read_text()), default_flow_style=True, width=100_000)
    questions.write_text(flow, encoding="utf-8")
    assert flow.startswith("{questions: [{") and run_cli("check", cwd=tmp_path).returncode == 0
    before = tree(tmp_path)
    result = run_cli("new", "question", "another", "--topic", "hooks-in-mm", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        1,
        "data/questions.yaml: it has no block list of questions to add to; add it by hand\n"
        "Failed: 1 error; nothing was written.\n",
    )
    assert tree(tmp_path) == before


def test_the_readme_example_is_what_the_command_prints(tmp_path):
    shutil.copytree(REPO / "data", tmp_path / "data")
    result = run_cli("new", "proposal", "bpf-swap", cwd=tmp_path)
    assert result.returncode == 0
    assert f"$ python -m generator new proposal bpf-swap\n{result.stdout}" in (REPO / "README.md").read_text()


@pytest.mark.parametrize("empty", ["people: []\n", "people:\n"])
def test_the_first_person_goes_into_an_empty_list(tmp_path, empty):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    for rel in ("topics/hooks-in-mm.yaml", "topics/later-topic.yaml", "proposals/oom-hook.yaml"):
        (data / rel).unlink()  # what names people
    (data / "proposals" / "stats-kfuncs.yaml").write_text(
        (data / "proposals" / "stats-kfuncs.yaml").read_text().split("people:")[0]
        + "summary: Read counters without parsing text files.\n"
    )
    (data / "questions.yaml").write_text("questions: []\n")
    (data / "threads" / "hooks-in-mm.yaml").unlink()
    (data / "people.yaml").write_text(empty)
    assert run_cli("check", cwd=tmp_path).returncode == 0
    result = run_cli("new", "person", "p-one", "--name", "P One", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (data / "people.yaml").read_text() == "people:\n  - id: p-one\n    name: P One\n"
    assert run_cli("new", "topic", "t-one", "--lead", "p-one", cwd=tmp_path).returncode == 0


def test_an_error_below_an_empty_list_is_the_files_own_when_the_first_person_moves_it_down(tmp_path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    for rel in ("topics/hooks-in-mm.yaml", "topics/later-topic.yaml", "proposals/oom-hook.yaml"):
        (data / rel).unlink()  # what names people
    (data / "proposals" / "stats-kfuncs.yaml").write_text(
        (data / "proposals" / "stats-kfuncs.yaml").read_text().split("people:")[0]
        + "summary: Read counters without parsing text files.\n"
    )
    (data / "questions.yaml").write_text("questions: []\n")
    (data / "threads" / "hooks-in-mm.yaml").unlink()
    (data / "people.yaml").write_text("people: []\nreviewers: none\n")
    assert run_cli("check", cwd=tmp_path).stderr == (
        "data/people.yaml:2:1: unknown field 'reviewers'\nFailed: 1 error; nothing was written.\n"
    )
    result = run_cli("new", "person", "p-one", "--name", "P One", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        0,
        "Note: the data still has 1 error elsewhere (make check lists them).\n",
    )
    assert (data / "people.yaml").read_text() == "people:\n  - id: p-one\n    name: P One\nreviewers: none\n"
    assert run_cli("check", cwd=tmp_path).stderr == (
        "data/people.yaml:4:1: unknown field 'reviewers'\nFailed: 1 error; nothing was written.\n"
    )


def test_new_event_first_or_with_topics_that_must_then_name_theirs(tmp_path):
    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    before = tree(tmp_path)
    two = run_cli("new", "event", "summit-2031", "--start", "2031-05-05", "--end", "2031-05-06", cwd=tmp_path)
    assert two.returncode == 1 and tree(tmp_path) == before  # nothing written
    assert "data/topics/later-topic.yaml:1: topic 'later-topic' names no event, and there are 2" in two.stderr
    assert two.stderr.endswith("every topic names its own: add `event: ID` to each above.\n")
    assert "placeholder" not in two.stderr  # the stub's own are expected, not reasons to refuse
    for rel in ("topics/hooks-in-mm.yaml", "topics/later-topic.yaml"):
        topic = data / rel
        topic.write_text(topic.read_text().replace("\ntitle:", "\nevent: example-summit\ntitle:", 1))
    assert (
        run_cli("new", "event", "summit-2031", "--start", "2031-05-05", "--end", "2031-05-06", cwd=tmp_path).returncode
        == 0
    )
    bad_day = run_cli("new", "event", "e2", "--start", "2031-02-30", "--end", "2031-03-01", cwd=tmp_path)
    assert (bad_day.returncode, bad_day.stderr) == (
        2,
        "Usage error: --start '2031-02-30': expected a real date YYYY-MM-DD\n",
    )
