"""The glued prose's registry: every name a page glues is in prose.GLUED, every name
there is used by a page, and each is written in analysis/ exactly once, so grep finds
where a number in the prose is made."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from analysis import profiles, prose, reader
from analysis.loaded import Loaded
from analysis.paths import ROOT

BOOK = ROOT / "book"

# Read independently of prose.used: a role {glue:text}`name` or {glue}`name:format`,
# and a glue block (``` or :::, indented inside a list too). Figures are exhibits'.
ROLE = re.compile(r"\{glue(:text)?\}`([^`]+)`")
BLOCK = re.compile(r"^\s*(?:```|:::)\{glue\}\s*(\S*)", re.M)


def pages(data) -> list[Path]:
    reader.write_pages(data)
    profiles.write_pages(data)
    return [p for p in BOOK.rglob("*.md") if "_build" not in p.parts]


def names_on(text: str) -> set[str]:
    return {m[1].split(":")[0] for m in ROLE.findall(text)} | set(BLOCK.findall(text))


PAGES = pages(Loaded())
USED = {page.relative_to(BOOK): names_on(page.read_text(encoding="utf-8")) for page in PAGES}


def test_the_pages_glue_text_at_all():
    assert sum(len(n) for n in USED.values()) > 100
    assert "enf_codes" in USED[Path("enforcement.md")]
    assert "quotes_enforcement_leaders" in USED[Path("intro.md")]  # an indented block


def test_every_name_a_page_uses_is_in_the_registry():
    missing = {str(page): sorted(n - set(prose.GLUED)) for page, n in USED.items() if n - set(prose.GLUED)}
    assert not missing


def test_every_registry_name_is_used_by_some_page():
    used = set().union(*USED.values())
    assert sorted(set(prose.GLUED) - used) == []


def test_a_page_glues_exactly_the_names_it_uses():
    for page, names in USED.items():
        assert set(prose.used((BOOK / page).read_text(encoding="utf-8"))) == names, page


@cache
def _string_constants() -> list[tuple[str, str, bool]]:
    """Every string constant in analysis/: (text, file, whether it is a subscript key)."""
    found = []
    for path in sorted((ROOT / "analysis").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        subscripts = {id(n.slice) for n in ast.walk(tree) if isinstance(n, ast.Subscript)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append((node.value, path.name, id(node) in subscripts))
    return found


# Table columns that happen to share a glued name: the rank-stability table's "draws".
DATA_FIELDS = {("draws", "indices.py")}


@pytest.mark.parametrize("name", sorted(prose.GLUED))
def test_each_name_is_written_once_in_analysis_in_the_registry(name):
    # A subscript reads a data field that may share the name (rubrics.yaml's "draws");
    # any other string with the name would be a second place that makes it.
    places = [
        file
        for text, file, subscript in _string_constants()
        if text == name and not subscript and (text, file) not in DATA_FIELDS
    ]
    assert places == ["prose.py"]


def test_the_data_fields_that_share_a_name_are_still_there():
    assert {(text, file) for text, file, _ in _string_constants()} >= DATA_FIELDS


def _glue_calls(source: str) -> int:
    calls = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call)]
    return sum(isinstance(c.func, ast.Name) and c.func.id == "glue" for c in calls)


def test_only_the_registry_and_the_exhibits_glue():
    for path in (ROOT / "analysis").glob("*.py"):
        expected = 1 if path.name in {"prose.py", "exhibits.py"} else 0
        assert _glue_calls(path.read_text(encoding="utf-8")) == expected, path.name
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        assert "myst_nb" not in text and "glue(" not in text, page


def test_a_producer_runs_once_per_page(monkeypatch):
    calls = []

    def producer(data):
        calls.append(data)
        return {"a": 1, "b": {"c": 2}}

    data, made = Loaded(), {}
    assert prose.Part(producer, "a")(data, made) == 1
    assert prose.Part(producer, "b", "c")(data, made) == 2
    assert calls == [data]


@pytest.mark.subprocess
def test_a_kernel_imports_the_analysis_without_building_jsonschemas_iri_grammar():
    """The speed-up of analysis/__init__.py, in a fresh process like a page's kernel: the
    chart and glue code import (Altair, myst-nb, so jsonschema), a notebook still
    validates, the data's schemas still reject bad input, and the optional grammar was skipped."""
    code = (
        "import sys\n"
        "from analysis import datafiles, exhibits, prose\n"
        "import nbformat\n"
        "nbformat.validate(nbformat.v4.new_notebook())\n"
        "import jsonschema\n"
        "errors = list(jsonschema.Draft202012Validator({'type': 'integer'}).iter_errors('x'))\n"
        "print(len(errors), repr(sys.modules['rfc3987_syntax']))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1 None"
