"""serve's status file: the last rebuild's problems as data, and never in a site that `site`
builds or leaves as it was (the banner itself: tests/site/test_browser_serve.py)."""

import json

from generator.errors import DataError, Problems, SiteError, WriteError
from generator.layout import SERVE_STATUS
from generator.site import servestatus
from tests.conftest import SAMPLE, make_project, run_cli


def test_a_good_rebuild():
    assert servestatus.status(None) == {"generated_by": "lsfmm-prep", "failed": False}


def test_bad_data_each_problem_with_its_place_and_the_summary():
    problems = Problems()
    problems.error("data/topics/t.yaml", 36, "unknown proposal 'bpf-om' (did you mean 'bpf-oom'?)", column=5)
    problems.error("data/proposals/p.yaml", 9, "unknown field '<img src=x onerror=alert(1)>'", column=1)
    problems.warn("data/people.yaml", 0, "person 'x' is never referred to")
    assert servestatus.status(DataError(problems, strict=True)) == {
        "generated_by": "lsfmm-prep",
        "failed": True,
        "problems": [  # sorted by file and line, as the terminal shows them; the text as it is
            {
                "file": "data/people.yaml",
                "line": 0,
                "column": 0,
                "message": "person 'x' is never referred to",
                "warning": True,
            },
            {
                "file": "data/proposals/p.yaml",
                "line": 9,
                "column": 1,
                "message": "unknown field '<img src=x onerror=alert(1)>'",
                "warning": False,
            },
            {
                "file": "data/topics/t.yaml",
                "line": 36,
                "column": 5,
                "message": "unknown proposal 'bpf-om' (did you mean 'bpf-oom'?)",
                "warning": False,
            },
        ],
        "summary": ["Failed: 2 errors and 1 warning (--strict: warnings fail); nothing was written."],
    }


def test_other_errors_are_lines_without_a_place():
    log = "WARNING -  Doc file 'guide.md' contains a link 'x.md', but the target is not found.\n"
    status = servestatus.status(SiteError(log, "site"))
    assert status["problems"] == [
        {
            "file": None,
            "line": 0,
            "column": 0,
            "message": "WARNING -  Doc file 'guide.md' contains a link 'x.md', but the target is not found.",
            "warning": False,
        }
    ]
    assert status["summary"] == ["Error: mkdocs build failed; site/ was left as it was."]
    assert servestatus.status(WriteError("docs/guide.md is in the way"))["summary"] == [
        "Error: docs/guide.md is in the way"
    ]
    disk = servestatus.status(OSError(28, "No space left on device"))
    assert disk["problems"] == [] and disk["summary"] == ["Error: [Errno 28] No space left on device"]


def test_written_only_into_a_site_and_cleared(tmp_path):
    servestatus.write(str(tmp_path / "site"), servestatus.status(None))  # no site: no page to show it on
    assert not (tmp_path / "site").exists()
    (tmp_path / "site").mkdir()
    servestatus.write(str(tmp_path / "site"), servestatus.status(None))
    assert json.loads((tmp_path / "site" / SERVE_STATUS).read_text()) == {"generated_by": "lsfmm-prep", "failed": False}
    servestatus.clear(str(tmp_path / "site"))
    servestatus.clear(str(tmp_path / "site"))
    assert list((tmp_path / "site").iterdir()) == []


def test_a_later_site_never_carries_it_even_when_nothing_changed(tmp_path):
    """A serve that was killed leaves its status in site/; `make site` with nothing changed
    writes nothing and so would have published it. Every build removes it first."""
    project = make_project(tmp_path, SAMPLE)
    assert run_cli("site", "--strict", cwd=project).returncode == 0
    left = project / "site" / SERVE_STATUS
    left.write_text(json.dumps({"failed": True, "problems": [], "summary": ["Failed: 1 error."]}))
    again = run_cli("site", "--strict", cwd=project)
    assert again.returncode == 0, again.stderr
    assert "up to date; nothing was written." in again.stdout  # the no-op check still holds
    assert not left.exists()
    # And a build that does change the site (a fresh folder swapped in) has none either.
    left.write_text("{}")
    record = project / "data" / "proposals" / "cache-policy.yaml"
    record.write_text(record.read_text().replace("title: Cache policy", "title: Cache policy, edited"))
    assert run_cli("site", "--strict", cwd=project).returncode == 0
    assert not left.exists()
