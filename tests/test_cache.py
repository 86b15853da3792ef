"""cache.py: what invalidates the cache, and where compiled templates are kept."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from generator.cache import Cache
from tests.conftest import REPO


def version_of(package_parent: Path) -> str:
    code = "from generator.cache import code_version; print(code_version())"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=package_parent, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_every_module_and_template_is_in_the_code_version(tmp_path):
    """A memo made by mailtext.find_quote (quote provenance) or siteconfig (URLs in data.json)
    must not outlive a change to them: every module counts, not a list of some."""
    shutil.copytree(REPO / "generator", tmp_path / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    first = version_of(tmp_path)
    for rel in ("mailtext.py", "siteconfig.py", "write.py", "templates/_person.md.j2"):
        path = tmp_path / "generator" / rel
        path.write_text(path.read_text() + "\n# changed\n")
        again = version_of(tmp_path)
        assert again != first, rel
        first = again


def test_compiled_templates_are_kept_per_code_version(tmp_path):
    """Jinja knows a compiled template by its source alone; render.py's compile options live
    in the code, so each code version has its own folder and the others are removed."""
    path = str(tmp_path / ".lsfmm-cache" / "cache.pickle")
    old = Cache(path, version="a" * 64)
    old_dir = Path(old.template_dir())
    (old_dir / "__jinja2_x.cache").write_bytes(b"compiled by old code")
    new_dir = Path(Cache(path, version="b" * 64).template_dir())
    assert new_dir != old_dir and new_dir.is_dir()
    assert not old_dir.exists()
    assert Cache(None).template_dir() is None
