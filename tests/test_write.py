import pytest

from generator.write import WriteError, is_generated, write_pages


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
    with pytest.raises(WriteError, match="refusing to write outside"):
        write_pages(str(out), {bad: page("x")})
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["docs"]


def test_marker_detection(tmp_path):
    (tmp_path / "g.md").write_text(page("x"))
    (tmp_path / "h.md").write_text("# hand\n\ngenerated_by: lsfmm-prep\n")
    assert is_generated(str(tmp_path / "g.md")) and not is_generated(str(tmp_path / "h.md"))
