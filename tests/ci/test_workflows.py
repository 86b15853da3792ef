"""The Pages workflows (.github/workflows/pages.yml, .gitlab-ci.yml): parsed as YAML and
checked for what publishing needs, then dry-run: their shell commands pass `bash -n`, and run,
with the values GitHub and GitLab would give them, in a fresh clone of a project holding the
sample data, where they must build and leave the site where the platform takes it from.

What the dry run cannot do here: the platform's own actions (checkout, setup-python,
configure-pages, the upload and the deployment) and the network. The clone uses this
checkout's .venv, as `make` left it, instead of installing the pinned requirements again
(skipped, with that reason, when make would have to make it first).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, SAMPLE, make_project

GITHUB = REPO / ".github" / "workflows" / "pages.yml"
GITLAB = REPO / ".gitlab-ci.yml"

# What GitHub gives the expressions of pages.yml: configure-pages' base_url has no slash at
# the end ("https://octocat.github.io/my-repo"). An expression missing here fails the test.
GITHUB_CONTEXT = {
    "steps.pages.outputs.base_url": "https://example.github.io/lsfmm-prep",
    "github.server_url": "https://github.com",
    "github.repository": "example/lsfmm-prep",
    "github.event.repository.default_branch": "main",
}
# GitLab's predefined variables that .gitlab-ci.yml reads (CI_PROJECT_DIR: the clone).
GITLAB_PREDEFINED = {
    "CI_PAGES_URL": "https://example.gitlab.io/lsfmm-prep",
    "CI_PROJECT_URL": "https://gitlab.com/example/lsfmm-prep",
    "CI_DEFAULT_BRANCH": "main",
    "CI_COMMIT_BRANCH": "main",
}
ACTIONS = {
    "actions/checkout",
    "actions/setup-python",
    "actions/configure-pages",
    "actions/upload-pages-artifact",
    "actions/deploy-pages",
}
DEFAULT_BRANCH_ONLY = "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)"


def github() -> dict:
    return yaml.safe_load(GITHUB.read_text(encoding="utf-8"))


def gitlab() -> dict:
    return yaml.safe_load(GITLAB.read_text(encoding="utf-8"))


def steps(job: dict) -> dict[str, dict]:
    """A job's steps by what they use (the action, without its version) or run."""
    return {s["uses"].split("@")[0] if "uses" in s else s["run"]: s for s in job["steps"]}


# ------------------------------------------------------------------------------ GitHub Pages


def test_github_publishes_from_the_default_branch_with_the_official_actions():
    flow = github()
    on = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(on) == {"push", "workflow_dispatch"}
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    assert build["if"] == DEFAULT_BRANCH_ONLY
    assert flow["permissions"] == {"contents": "read"}
    assert flow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    b = steps(build)
    assert list(b) == [
        "actions/checkout",
        "actions/setup-python",
        "actions/configure-pages",
        "make site",
        next(k for k in b if k.startswith("if [ -n")),
        "actions/upload-pages-artifact",
    ]
    assert b["actions/setup-python"]["with"]["python-version"] == "3.11"
    assert b["actions/configure-pages"]["id"] == "pages"
    assert b["make site"]["env"]["SITE_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert b["actions/upload-pages-artifact"]["with"]["path"] == "site/"
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert list(steps(deploy)) == ["actions/deploy-pages"]


def test_every_action_is_pinned_to_a_commit_with_its_release_named():
    uses = re.findall(r"^\s*(?:- )?uses: (\S+)(.*)$", GITHUB.read_text(encoding="utf-8"), re.M)
    assert {u.split("@")[0] for u, _ in uses} == ACTIONS
    for action, comment in uses:
        assert re.fullmatch(r"actions/[a-z-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), action


def test_no_expression_is_pasted_into_a_shell_command():
    """${{ }} in `run:` is pasted into the script before the shell reads it (a branch name could
    inject commands); values reach the commands through `env:` only."""
    for job in github()["jobs"].values():
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), step["run"]


# ------------------------------------------------------------------------------ GitLab Pages


def test_gitlab_publishes_public_from_the_default_branch():
    job = gitlab()["pages"]
    assert job["image"] == "python:3.11"
    assert job["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert job["script"][0] == "make site"
    assert job["script"][-1] == "rm -rf public && mv site public"
    assert job["artifacts"] == {"paths": ["public"]}
    assert job["variables"]["SITE_URL"] == "$CI_PAGES_URL"


# ---------------------------------------------------------------------------------- dry runs


def shell_blocks() -> list[tuple[str, str]]:
    runs = [(f"pages.yml {name}", s["run"]) for name, j in github()["jobs"].items() for s in j["steps"] if "run" in s]
    return [*runs, (".gitlab-ci.yml pages", "\n".join(gitlab()["pages"]["script"]))]


def test_every_shell_command_parses():
    blocks = shell_blocks()
    assert len(blocks) == 3
    for where, script in blocks:
        result = subprocess.run(["bash", "-n", "-c", script], capture_output=True, text=True)
        assert result.returncode == 0, (where, result.stderr)


def github_value(text: str) -> str:
    return re.sub(r"\$\{\{\s*(.*?)\s*\}\}", lambda m: GITHUB_CONTEXT[m.group(1)], text)


def gitlab_value(text: str, known: dict[str, str]) -> str:
    return re.sub(r"\$(?:\{(\w+)\}|(\w+))", lambda m: known[m.group(1) or m.group(2)], text)


def run(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A script as the runners run it: bash, stopping at the first failure."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    for name in ("SITE_URL", "REPO_URL", "EDIT_URI"):
        base.pop(name, None)
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def origin(tmp_path_factory) -> Path:
    """A repository as a user's fork holds it: the project's files and the sample data."""
    if not (REPO / ".venv" / "bin" / "python").exists():
        pytest.skip("no .venv in this checkout (make site makes it)")
    root = make_project(tmp_path_factory.mktemp("origin"), SAMPLE)
    for name in ("Makefile", "requirements.txt", ".gitignore", ".gitlab-ci.yml"):
        shutil.copy2(REPO / name, root / name)
    shutil.copytree(REPO / ".github", root / ".github")
    git("init", "-q", "-b", "main", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "-q", "-m", "sample", cwd=root)
    return root


def clone(origin: Path, where: Path) -> Path:
    """A fresh clone, with this checkout's .venv as `make` made it (installing the pinned
    requirements again needs the network): skipped when make would have to make it."""
    git("clone", "-q", str(origin), str(where), cwd=origin)
    (where / ".venv").symlink_to(REPO / ".venv", target_is_directory=True)
    os.utime(where / "requirements.txt", (0, 0))  # as old as a checkout made before the venv
    plan = subprocess.run(["make", "-n", "site"], cwd=where, capture_output=True, text=True)
    if "-m venv" in plan.stdout:
        pytest.skip("make would create .venv first (run make site in this checkout)")
    return where


def canonical(page: Path) -> list[str]:
    return re.findall(r'<link rel="canonical" href="([^"]*)">', page.read_text(encoding="utf-8"))


def edit_link(page: Path) -> list[str]:
    return re.findall(r'<a href="([^"]*)" title="Edit this page"', page.read_text(encoding="utf-8"))


def test_the_github_workflow_builds_the_site_it_uploads(origin, tmp_path):
    work = clone(origin, tmp_path / "github")
    for step in github()["jobs"]["build"]["steps"]:
        if "run" not in step:
            continue
        env = {name: github_value(str(value)) for name, value in step.get("env", {}).items()}
        result = run(step["run"], work, env)
        assert result.returncode == 0, (step["run"], result.stdout, result.stderr)
        if step["run"] == "make site":
            assert "Site built in site/" in result.stdout
        else:  # the sample has a scheduled session and no calendar history committed
            assert result.stdout.startswith("::warning file=data/calendar-history.yaml::The build changed"), result
    upload = steps(github()["jobs"]["build"])["actions/upload-pages-artifact"]["with"]["path"]
    site = work / upload
    published = sorted(
        p.relative_to(site).as_posix() for p in site.rglob("*") if not any(part.startswith(".") for part in p.parts)
    )
    assert {"index.html", "404.html", "sitemap.xml", "agenda.ics", "data.json"} <= set(published)
    assert not [p for p in site.rglob("*") if p.is_symlink()]
    assert canonical(site / "index.html") == ["https://example.github.io/lsfmm-prep/"]
    assert 'href="/lsfmm-prep/agenda/"' in (site / "404.html").read_text(encoding="utf-8")
    assert edit_link(site / "topics" / "hooks-in-mm" / "index.html") == [
        "https://github.com/example/lsfmm-prep/edit/main/data/topics/hooks-in-mm.yaml"
    ]


def test_the_gitlab_job_builds_the_site_into_public(origin, tmp_path):
    history = tmp_path / "history"  # the calendar history a first build writes, committed
    first = run("make site", clone(origin, history), {})
    assert first.returncode == 0, first.stderr
    repo = tmp_path / "origin"
    git("clone", "-q", str(origin), str(repo), cwd=tmp_path)
    shutil.copy2(history / "data" / "calendar-history.yaml", repo / "data" / "calendar-history.yaml")
    git("add", "data/calendar-history.yaml", cwd=repo)
    git("commit", "-q", "-m", "calendar history", cwd=repo)
    work = clone(repo, tmp_path / "gitlab")

    job = gitlab()["pages"]
    known = {**GITLAB_PREDEFINED, "CI_PROJECT_DIR": str(work)}
    env = {name: gitlab_value(str(value), known) for name, value in job["variables"].items()}
    result = run("\n".join(job["script"]), work, env)
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert "WARNING" not in result.stdout  # the history is committed
    public = work / job["artifacts"]["paths"][0]
    assert not (work / "site").exists() and (public / "404.html").is_file()
    assert canonical(public / "index.html") == ["https://example.gitlab.io/lsfmm-prep/"]
    assert 'href="/lsfmm-prep/agenda/"' in (public / "404.html").read_text(encoding="utf-8")
    assert edit_link(public / "topics" / "hooks-in-mm" / "index.html") == [
        "https://gitlab.com/example/lsfmm-prep/-/edit/main/data/topics/hooks-in-mm.yaml"
    ]
