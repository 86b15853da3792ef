from generator.errors import Problems
from generator.records.yamlload import parse


def load(text: str):
    problems = Problems()
    return parse(text, "f.yaml", problems), [str(p) for p in problems.sorted()]


def test_scalars_stay_the_text_that_was_written():
    node, errors = load("title: NO\ntime: 1:20\nday: 2026-04-27\nmode: 0755\nnothing:\n")
    assert errors == []
    values = {k: v.scalar for k, (_, v) in node.entries.items()}
    assert values == {"title": "NO", "time": "1:20", "day": "2026-04-27", "mode": "0755", "nothing": ""}
    assert node.entries["nothing"][1].is_null


def test_positions_are_one_based():
    node, _ = load("a: 1\nb:\n  - x\n  - y\n")
    key, value = node.entries["b"]
    assert (key.line, key.column) == (2, 1)
    assert [(i.line, i.column) for i in value.items] == [(3, 5), (4, 5)]


def test_duplicate_key_is_an_error_not_a_silent_overwrite():
    _, errors = load("id: a\ntitle: one\ntitle: two\n")
    assert errors == ["f.yaml:3:1: duplicate key 'title' (first at line 2)"]


def test_aliases_are_rejected_where_first_written():
    _, errors = load("a: &x [1, 2]\nb: *x\n")
    assert errors == ["f.yaml:1:4: anchors and aliases (&name, *name) are not supported here"]


def test_alias_bomb_is_refused_at_once():
    rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        rows.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    node, errors = load("\n".join(rows) + "\n")
    assert node is None
    assert errors == ["f.yaml:1:4: anchors and aliases (&name, *name) are not supported here"]


def test_deep_nesting_is_bounded_not_a_crash():
    # PyYAML's own composer overflows the C stack (segfault) on 100,000 nested lists.
    _, errors = load("a: " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert errors == ["f.yaml:1:35: nested too deeply (more than 32 levels)"]


def test_tags_documents_and_complex_keys():
    assert load("a: !!python/object:os.system x\n")[1] == [
        "f.yaml:1:4: YAML tags (tag:yaml.org,2002:python/object:os.system) are not supported here"
    ]
    assert load("a: 1\n---\nb: 2\n")[1] == ["f.yaml:2:1: more than one YAML document (---) in the file"]
    assert load("? [a]\n: 1\nb: 2\n")[1] == ["f.yaml:1:3: a key must be a plain name"]
    assert load("<<: {a: 1}\n")[1] == ["f.yaml:1:1: merge keys (<<) are not supported here"]


def test_windows_line_endings():
    node, errors = load("id: x\r\ntitle: y\r\n")
    assert errors == [] and node.entries["title"][1].scalar == "y" and node.entries["title"][0].line == 2


def test_syntax_error_names_the_place():
    _, errors = load("a: 1\n\tb: 2\n")
    assert errors == ["f.yaml:2:1: invalid YAML: a tab character; indent with spaces"]


def test_unclosed_quote_names_where_it_opened():
    _, errors = load('id: x\ntitle: "open\nsummary: y\n')
    assert errors == [
        "f.yaml:4:1: invalid YAML: found unexpected end of stream (while scanning a quoted scalar at line 2)"
    ]


def test_empty_file_and_bom():
    assert load("")[1] == ["f.yaml: the file is empty; expected a mapping of fields"]
    node, errors = load("\ufeffid: x\n")
    assert errors == [] and list(node.entries) == ["id"]


def test_non_utf8_file(tmp_path):
    from generator.records.yamlload import read

    path = tmp_path / "x.yaml"
    path.write_bytes(b"id: a\ntitle: caf\xe9\n")
    problems = Problems()
    assert read(str(path), "x.yaml", problems) is None
    assert [str(p) for p in problems.items] == ["x.yaml:2: the file is not UTF-8 (byte 0xe9)"]


def test_very_large_file_is_refused_before_parsing(tmp_path):
    from generator.records.yamlload import MAX_BYTES, read

    path = tmp_path / "big.yaml"
    path.write_bytes(b"quotes:\n" + b"  - x\n" * (MAX_BYTES // 6 + 1))
    problems = Problems()
    assert read(str(path), "big.yaml", problems) is None
    size = path.stat().st_size
    assert [str(p) for p in problems.items] == [f"big.yaml: file too large: {size:,} bytes, at most {MAX_BYTES:,}"]


def test_only_regular_files_inside_the_data_folder_are_read(tmp_path):
    """A link that leaves data/, a FIFO (which blocked `check` until killed), a device (which
    read as "0 bytes") and a dangling link are refused by name, quoting nothing of their target;
    a link to a file inside data/ is read."""
    import os
    import shutil
    from pathlib import Path

    from tests.conftest import SAMPLE, run_cli

    data = Path(shutil.copytree(SAMPLE, tmp_path / "data"))
    secret = tmp_path / "token.txt"
    secret.write_text("ghp_SECRETSECRETSECRETSECRET1234567890\n")
    (data / "proposals" / "leak.yaml").symlink_to(secret)
    os.mkfifo(data / "proposals" / "fifo.yaml")
    (data / "proposals" / "zero.yaml").symlink_to("/dev/zero")
    (data / "proposals" / "stats-copy.yaml").symlink_to(data / "proposals" / "stats-kfuncs.yaml")
    result = run_cli("check", "--data", "data", cwd=tmp_path, process=True)  # in a process: a hang times out
    lines = result.stderr.splitlines()
    assert result.returncode == 1
    assert lines[:4] == [
        "data/proposals/fifo.yaml: cannot read the file: it is a FIFO, not a regular file; only regular files are read",
        "data/proposals/leak.yaml: cannot read the file: it is a symbolic link to outside the data folder; only "
        "files inside it are read",
        # The link inside data/ is read: its only complaint is its id.
        "data/proposals/stats-copy.yaml:1: id 'stats-kfuncs' does not match the file name; expected 'stats-copy'",
        "data/proposals/zero.yaml: cannot read the file: it is a symbolic link to outside the data folder; only "
        "files inside it are read",
    ]
    assert "SECRET" not in result.stderr and "token" not in result.stderr
