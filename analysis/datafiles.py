"""Read data files and report their problems as ``file:row:column: message``.

Every data check in the project speaks through :class:`Problem`, so a maintainer
sees where to fix the data, and never a traceback. YAML files are checked
against JSON Schema, CSV files against Frictionless Table Schemas.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from analysis.paths import ROOT, SCHEMAS_DIR


@dataclass(frozen=True)
class Problem:
    path: Path
    row: int
    column: int
    message: str

    def __str__(self) -> str:
        try:
            name = self.path.resolve().relative_to(ROOT)
        except ValueError:
            name = self.path
        return f"{name}:{self.row}:{self.column}: {self.message}"


class DataError(Exception):
    """Raised with every problem found, so all of them can be fixed in one pass."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --- YAML files -------------------------------------------------------------

# libyaml's loader when PyYAML was built with it: the same safe loading, ten times faster
# (the data checks read the codebook and the sources metadata several times).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str):
    """Parse YAML text safely (plain data only)."""
    return yaml.load(text, Loader=_SAFE_LOADER)


def compose_yaml(text: str) -> yaml.Node | None:
    """YAML text as a node tree, which knows each value's line and column."""
    return yaml.compose(text, Loader=_SAFE_LOADER)


def read_checked_yaml(path: Path, schema_name: str, what: str) -> tuple[dict | None, list[Problem]]:
    """A YAML data file and its JSON Schema problems, each at the line and column of
    the offending value (the file's line where it cannot be parsed)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        data, tree = load_yaml(text), compose_yaml(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        mark = getattr(error, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = getattr(error, "problem", None) or str(error)
        return None, [Problem(path, line, column, f"cannot read the {what}: {reason}")]
    return data, schema_problems(path, data, tree, schema_name, what)


def schema_problems(path: Path, data, tree: yaml.Node, schema_name: str, what: str) -> list[Problem]:
    """JSON Schema problems of parsed YAML, each at the line and column of its value."""
    import jsonschema  # here, not at the top: it takes most of a second to import, and pages never validate

    schema = json.loads((SCHEMAS_DIR / schema_name).read_text(encoding="utf-8"))
    problems = []
    for error in jsonschema.Draft202012Validator(schema).iter_errors(data):
        line, column = yaml_position(tree, error.absolute_path)
        where = "/".join(map(str, error.absolute_path)) or what
        problems.append(Problem(path, line, column, f"{where}: {error.message}"))
    return problems


def yaml_position(tree: yaml.Node | None, keys) -> tuple[int, int]:
    """(line, column), from 1, of the value at ``keys`` in a composed YAML tree (or of
    the deepest part of that path that exists)."""
    node = tree
    for key in keys:
        if isinstance(node, yaml.MappingNode):
            found = [value for name, value in node.value if name.value == str(key)]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            found = [node.value[key]]
        else:
            found = []
        if not found:
            break
        node = found[0]
    if node is None:
        return 1, 1
    return node.start_mark.line + 1, node.start_mark.column + 1


def locate(path: Path, *keys) -> tuple[int, int]:
    """(line, column) of the value at ``keys`` in a YAML file that parses."""
    return yaml_position(compose_yaml(path.read_text(encoding="utf-8-sig")), keys)


# --- CSV tables -------------------------------------------------------------


def table_schema(name: str, **enums: list[str]) -> dict:
    """A Frictionless Table Schema from data/schemas, with enum constraints filled in."""
    schema = json.loads((SCHEMAS_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    for field in schema["fields"]:
        if field["name"] in enums:
            field.setdefault("constraints", {})["enum"] = list(enums[field["name"]])
    return schema


def _line_of_byte(path: Path, offset: int) -> int:
    return path.read_bytes()[:offset].count(b"\n") + 1


def check_table(path: Path, schema: dict) -> list[Problem]:
    """Structure and cell constraints of a CSV file (Frictionless), as Problems."""
    from frictionless import Resource, Schema, validate

    if not path.exists():
        return [Problem(path, 0, 0, "file not found")]
    if not path.read_bytes().strip():
        return [
            Problem(
                path, 1, 1, "file is empty; expected a header row: " + ",".join(f["name"] for f in schema["fields"])
            )
        ]
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        line = _line_of_byte(path, error.start)
        return [Problem(path, line, 1, f"not UTF-8: byte {path.read_bytes()[error.start]:#x} cannot be decoded")]
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    expected = [f["name"] for f in schema["fields"]]
    if header != expected:
        missing = [name for name in expected if name not in header]
        detail = f"; missing: {', '.join(missing)}" if missing else ""
        return [Problem(path, 1, 1, f"header is {','.join(header)}; expected {','.join(expected)}{detail}")]
    resource = Resource(
        path=path.name, basepath=str(path.parent), schema=Schema.from_descriptor(schema), encoding="utf-8", format="csv"
    )
    report = validate(resource)
    problems = []
    for task in report.tasks:
        for error in task.errors:
            row = getattr(error, "row_number", None) or 1
            column = getattr(error, "field_number", None) or 1
            problems.append(Problem(path, row, column, error.message))
    return problems


def read_rows(path: Path) -> list[dict]:
    """CSV rows as dicts of strings (empty cells as ''), in file order. A byte-order
    mark, as spreadsheet programs write for "CSV UTF-8", is allowed."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))
