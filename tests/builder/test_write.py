import os
from pathlib import Path

import pytest

from generator.builder.write import is_generated, write_pages
from generator.errors import WriteError


def page(body: str) -> str:
    return f"---\ntitle: x\ngenerated_by: lsfmm-prep\n---\n{body}\n"


def test_write_then_noop_then_one_change(tmp_path):
    pages = {"index.md": page("home"), "topics/a.md": page("a"), "topics/b.md": page("b")}
    first = write_pages(str(tmp_path), pages)
    assert first.written == ["index.md", "topics/a.md", "topics/b.md"]
    mtimes = {p: (tmp_path / p).stat().st_mtime_ns for p in pages}

    again = write_pages(str(tmp_path), pages)
    assert again.written == [] and again.removed == [] and len(again.unchanged) == 3
    assert {p: (tmp_path / p).stat().st_mtime_ns for p in pages} == mtimes

    pages["topics/b.md"] = page("b2")
    changed = write_pages(str(tmp_path), pages)
    assert changed.written == ["topics/b.md"]
    assert (tmp_path / "topics/b.md").read_text() == page("b2")


def test_removed_record_loses_its_page_but_hand_written_pages_stay(tmp_path):
    (tmp_path / "guide.md").write_text("# Written by hand\n")
    write_pages(str(tmp_path), {"topics/a.md": page("a"), "topics/b.md": page("b")})
    report = write_pages(str(tmp_path), {"topics/a.md": page("a")})
    assert report.removed == ["topics/b.md"]
    assert not (tmp_path / "topics/b.md").exists()
    assert (tmp_path / "guide.md").read_text() == "# Written by hand\n"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.md", "guide.md", "topics"]


def test_hand_written_file_in_the_way_is_never_overwritten(tmp_path):
    (tmp_path / "agenda.md").write_text("# My agenda\n")
    with pytest.raises(WriteError, match="a hand-written file is in the way"):
        write_pages(str(tmp_path), {"agenda.md": page("generated"), "index.md": page("x")})
    assert (tmp_path / "agenda.md").read_text() == "# My agenda\n"
    assert not (tmp_path / "index.md").exists()  # nothing written at all


@pytest.mark.parametrize("bad", ["../escape.md", "/etc/passwd", "topics/../../x.md"])
def test_no_path_outside_the_output_folder(tmp_path, bad):
    out = tmp_path / "docs"
    out.mkdir()
    with pytest.raises(WriteError, match="refusing to write"):
        write_pages(str(out), {bad: page("x")})
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["docs"]


def test_marker_detection(tmp_path):
    (tmp_path / "g.md").write_text(page("x"))
    (tmp_path / "h.md").write_text("# hand\n\ngenerated_by: lsfmm-prep\n")
    # A thematic break, then the marker text in the body: not a front matter block.
    (tmp_path / "i.md").write_text("---\nNotes on generated_by: lsfmm-prep\n\nmore\n")
    (tmp_path / "j.md").write_text("---\ntitle: x\nnote: generated_by: lsfmm-prep\n---\n")
    assert is_generated(str(tmp_path / "g.md"))
    assert not any(is_generated(str(tmp_path / n)) for n in ("h.md", "i.md", "j.md"))


def test_generated_looking_files_outside_the_generated_places_are_left_alone(tmp_path):
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "old-topic.md").write_text(page("kept"))
    (tmp_path / "notes.md").write_text(page("kept too"))
    report = write_pages(str(tmp_path), {"topics/a.md": page("a")})
    assert report.removed == []
    assert (tmp_path / "archive" / "old-topic.md").exists() and (tmp_path / "notes.md").exists()
    assert write_pages(str(tmp_path), {}).removed == ["topics/a.md"]
    assert (tmp_path / "archive" / "old-topic.md").exists() and (tmp_path / "notes.md").exists()


def test_pages_only_in_the_generated_places(tmp_path):
    with pytest.raises(WriteError, match=r"refusing to write guide\.md: not one of the generated places"):
        write_pages(str(tmp_path), {"guide.md": page("x")})


def test_pages_are_ordinary_readable_files(tmp_path):
    import os

    old = os.umask(0o022)
    try:
        write_pages(str(tmp_path), {"index.md": page("x")})
    finally:
        os.umask(old)
    assert (tmp_path / "index.md").stat().st_mode & 0o777 == 0o644


def test_a_new_record_file_never_replaces_one(tmp_path):
    from generator.files import create_file

    create_file(str(tmp_path / "x.yaml"), "id: x\n")
    with pytest.raises(WriteError, match=r"x\.yaml already exists; it was left as it was"):
        create_file(str(tmp_path / "x.yaml"), "id: other\n")
    assert (tmp_path / "x.yaml").read_text() == "id: x\n"
    with pytest.raises(WriteError, match="no such folder"):
        create_file(str(tmp_path / "absent" / "y.yaml"), "id: y\n")


def test_adding_to_a_file_that_changed_meanwhile_loses_no_edit(tmp_path):
    from generator.files import replace_text

    path = tmp_path / "questions.yaml"
    path.write_text("questions:\n  - id: a\n")
    replace_text(str(path), "questions:\n  - id: a\n", "questions:\n  - id: a\n  - id: b\n")
    assert path.read_text() == "questions:\n  - id: a\n  - id: b\n"
    with pytest.raises(WriteError, match="changed while the stub was being added"):
        replace_text(str(path), "questions:\n  - id: a\n", "questions:\n  - id: c\n")
    assert path.read_text() == "questions:\n  - id: a\n  - id: b\n"


def test_git_ignores_every_place_the_generator_writes():
    """Generated files are build output: every place of layout.GENERATED_PLACES is in .gitignore
    (a new page kind once got committed because it was not)."""
    from generator.layout import GENERATED_PLACES
    from tests.conftest import REPO

    ignored = {line.strip() for line in (REPO / ".gitignore").read_text().splitlines()}
    assert {f"/docs/{place}" for place in GENERATED_PLACES} <= ignored


@pytest.mark.parametrize("step", [1, 2])
def test_a_swap_killed_at_each_rename_never_loses_the_site(tmp_path, monkeypatch, step):
    """Inject a kill at each of the swap's renames: afterwards either site/ or a copy the next
    run puts back exists, whole; and cleaning up leftovers never removes that copy."""
    from generator.site import swap as write
    from tests.conftest import settled

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("old")
    fresh = Path(write.fresh_site_folder(str(site)))
    (fresh / "index.html").write_text("new")
    real, calls = os.replace, [0]

    class Killed(BaseException):
        pass

    def replace(src, dst):
        calls[0] += 1
        if calls[0] == step:
            raise Killed
        real(src, dst)

    monkeypatch.setattr(write.os, "replace", replace)
    with pytest.raises(Killed):
        write.swap_site(str(fresh), str(site))
    monkeypatch.setattr(write.os, "replace", real)
    # The next run: the cleanup of a new build first puts back what the kill left.
    write.fresh_site_folder(str(site))
    assert (site / "index.html").read_text() == "old"
    assert not settled(tmp_path, ".site-old-*")  # removed in the background
