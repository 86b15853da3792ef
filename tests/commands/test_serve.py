"""`make serve`: saving a YAML file regenerates the pages and mkdocs serve shows the change."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import REPO, SAMPLE, make_project


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read().decode()
    except OSError:
        return ""


def wait_for(url: str, text: str, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in fetch(url):
            return True
        time.sleep(0.2)
    return False


def start_serve(project, port: int) -> subprocess.Popen:
    """`python -m generator serve` in its own process group, its output captured."""
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def test_saving_a_yaml_file_updates_the_served_page(tmp_path):
    project = make_project(tmp_path, SAMPLE)
    port = free_port()
    url = f"http://127.0.0.1:{port}/proposals/cache-policy/"
    proc = start_serve(project, port)
    try:
        assert wait_for(url, "Cache policy"), "the site was not served"
        record = project / "data" / "proposals" / "cache-policy.yaml"
        record.write_text(record.read_text().replace("title: Cache policy", "title: Cache policy, edited"))
        assert wait_for(url, "Cache policy, edited"), "the edit did not reach the served page"
        status = f"http://127.0.0.1:{port}/lsfmm-serve-status.json"  # what the page's banner shows
        assert json.loads(fetch(status)) == {"generated_by": "lsfmm-prep", "failed": False}
        # A broken edit is reported and the last good page stays.
        good = record.read_text()
        record.write_text(good.replace("status: idea", "staus: idea"))
        assert wait_for(status, '"failed": true'), "the failure did not reach the status file"
        assert json.loads(fetch(status)) == {
            "generated_by": "lsfmm-prep",
            "failed": True,
            "problems": [
                {
                    "file": "data/proposals/cache-policy.yaml",
                    "line": 4,
                    "column": 1,
                    "message": "unknown field 'staus' (did you mean 'status'?)",
                    "warning": False,
                }
            ],
            "summary": ["Failed: 1 error; nothing was written."],
        }
        assert "Cache policy, edited" in fetch(url)
        # Mended, it says so, though no page changed (the last line must not stay "Failed").
        record.write_text(good)
        assert wait_for(status, '"failed": false'), "the mended rebuild did not reach the status file"
        time.sleep(1)
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert not (project / "site" / "lsfmm-serve-status.json").exists()  # serve's alone: gone when it stops
    text = out.decode()
    assert "unknown field 'staus' (did you mean 'status'?)" in text
    # Each save rebuilds once (or twice: a save is a write and a close), never again by itself:
    # reading the data must not count as a change.
    assert 1 <= text.count("unknown field 'staus'") <= 2, text
    mended = text[text.index("Failed: 1 error; nothing was written.") :]
    assert "Generated 30 pages and 10 export files in docs/: 0 written, 40 unchanged, 0 removed." in mended


def test_serve_keeps_the_pdf_briefs_a_make_pdf_made(tmp_path):
    """serve rebuilt without the briefs: after `make pdf`, the first saved edit dropped
    site/briefs/ and the topic pages' links to them."""
    from tests.conftest import run_cli

    project = make_project(tmp_path, SAMPLE)
    made = run_cli("site", "--strict", "--pdf", cwd=project)
    if made.returncode and "Pango" in made.stderr:
        import pytest

        pytest.skip(f"the PDF engine cannot run here: {made.stderr.splitlines()[0]}")
    assert made.returncode == 0, made.stderr
    brief = project / "site" / "briefs" / "hooks-in-mm.pdf"
    assert brief.is_file()
    port = free_port()
    url = f"http://127.0.0.1:{port}/proposals/cache-policy/"
    proc = start_serve(project, port)
    try:
        assert wait_for(url, "Cache policy"), "the site was not served"
        record = project / "data" / "proposals" / "cache-policy.yaml"
        record.write_text(record.read_text().replace("title: Cache policy", "title: Cache policy, edited"))
        assert wait_for(url, "Cache policy, edited"), "the edit did not reach the served page"
        assert brief.is_file()
        assert "hooks-in-mm.pdf" in fetch(f"http://127.0.0.1:{port}/topics/hooks-in-mm/")
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


@pytest.mark.parametrize(
    "signals",
    [
        [signal.SIGTERM],
        [signal.SIGINT],  # Ctrl-C
        # Two at once: a service manager (systemd, tmux, CI) signals the whole process group, and
        # `make serve` passes its own SIGTERM on. The second cut the shutdown short, and serve
        # hung, waiting for MkDocs' server thread; a third printed a KeyboardInterrupt traceback.
        [signal.SIGTERM, signal.SIGTERM],
        [signal.SIGINT, signal.SIGINT],
    ],
    ids=["SIGTERM", "SIGINT", "SIGTERM-twice", "SIGINT-twice"],
)
def test_serve_stops_cleanly_on_a_signal(tmp_path, signals):
    project = make_project(tmp_path, SAMPLE)
    port = free_port()
    proc = start_serve(project, port)
    poll = None
    try:
        assert wait_for(f"http://127.0.0.1:{port}/proposals/cache-policy/", "Cache policy"), "the site was not served"
        # A browser's live-reload request, waiting for the next build, as when a page is open.
        poll = subprocess.Popen(
            [sys.executable, "-c", f"import urllib.request as u; u.urlopen('http://127.0.0.1:{port}/livereload/0/1')"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.5)
        for sig in signals:
            proc.send_signal(sig)
        out, _ = proc.communicate(timeout=10)  # not a benchmark: about 0.5 s here
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        if poll is not None:
            poll.kill()
            poll.wait()
    text = out.decode()
    assert proc.returncode == 0, text
    assert "Traceback" not in text and "Error" not in text, text
    assert text.splitlines()[-1] == f"Stopped on {signals[0].name}."
