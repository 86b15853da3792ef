"""The JSON Schemas for editors: generated from the loader's own definitions, current on disk,
named on each data file's first line, accepting the default data and rejecting bad cases."""

import re
from pathlib import Path

import jsonschema
import pytest

from generator.errors import Problems
from generator.exports.jsonschemas import schemas
from generator.layout import schema_line as modeline
from generator.records.yamlload import Y, parse
from tests.conftest import REPO, SAMPLE
from tests.records.test_bad_cases import BAD, CASES

SCHEMA_DIR = REPO / "docs" / "schemas"
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")


def as_json(node: Y):
    """The value an editor's YAML 1.2 (core schema) language server sees."""
    if node.kind == "map":
        return {k: as_json(v) for k, (_, v) in node.entries.items()}
    if node.kind == "seq":
        return [as_json(i) for i in node.items]
    if not node.plain:
        return node.scalar
    text = node.scalar
    if node.is_null:
        return None
    if text in ("true", "True", "TRUE", "false", "False", "FALSE"):
        return text.lower() == "true"
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


def validator_for(rel: str) -> jsonschema.protocols.Validator:
    name = modeline("data/" + rel).rsplit("/", 1)[1]
    schema = jsonschema.Draft202012Validator
    return schema(__import__("json").loads(schemas()[name]))


def errors_in(root: Path, rel: str) -> list[str]:
    problems = Problems()
    node = parse((root / rel).read_text(encoding="utf-8"), rel, problems)
    if node is None:
        return ["unparsable"]
    return [e.message for e in validator_for(rel).iter_errors(as_json(node))]


def test_schema_files_are_current():
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in SCHEMA_DIR.glob("*.json")}
    assert on_disk == schemas(), "docs/schemas is stale: run `make schema`"


def test_schemas_are_valid_json_schemas():
    import json

    for text in schemas().values():
        jsonschema.Draft202012Validator.check_schema(json.loads(text))


def data_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.yaml"))


def test_every_data_file_names_its_schema_on_its_first_line():
    for rel in data_files(REPO / "data"):
        first = (REPO / "data" / rel).read_text(encoding="utf-8").split("\n", 1)[0]
        assert first == modeline("data/" + rel), rel
        target = (REPO / "data" / rel).parent / first.split("$schema=", 1)[1]
        assert target.resolve().exists(), target


@pytest.mark.parametrize("root", [REPO / "data", SAMPLE], ids=["default", "sample"])
def test_schemas_accept_the_good_data(root):
    for rel in data_files(root):
        assert errors_in(root, rel) == [], rel


# Cases whose mistake is within one file's shape; the others are YAML-level (refused before any
# schema applies) or need other records (references, duplicates, threads).
SCHEMA_REJECTS = {
    "list-not-mapping",
    "scalar-file",
    "unknown-field-typo",
    "missing-required-field",
    "enum-typo",
    "enum-wrong-case",
    "sexagesimal-time",
    "date-wrong-format",
    "datetime-without-offset",
    "url-javascript",
    "url-ftp",
    "message-id-without-at",
    "id-with-path",
    "id-upper-case",
    "list-where-text-expected",
    "mapping-where-list-expected",
    "multiline-title",
    "title-too-long",
    "minutes-out-of-range",
    "minutes-quoted",
    "status-without-sources",
    "invalid-event-hides-nothing-else",
    "people-file-is-a-list",
    "thread-with-unknown-field",
    "position-held-by-nobody",
    "problems-in-many-files-sorted",
}


def test_every_named_case_exists():
    assert {c.split("-", 1)[1] for c in CASES} >= SCHEMA_REJECTS


@pytest.mark.parametrize("name", [c for c in CASES if c.split("-", 1)[1] in SCHEMA_REJECTS])
def test_schemas_reject_the_bad_cases(name):
    case = BAD / name / "data"
    found = [e for rel in data_files(case) for e in errors_in(case, rel)]
    assert found, f"{name}: the JSON Schema accepted it"
