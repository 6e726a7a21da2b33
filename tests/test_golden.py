"""Golden outputs: the reviewed, executed output of every notebook of the book is kept
in tests/golden/ and checked with pytest-notebook by executing it again.

A golden copy must hold exactly the code of the book's notebook (the MyST Markdown
page), so a page cannot change behind its golden copy. `make regen` rewrites the golden
copies from the book's pages and executes them (pytest's `--nb-force-regen`); review
the diff before committing it. Cell ids are numbered, not random, and the kernel does
not record timings, so a regenerated copy differs only where an output changed.

The same golden outputs are also checked by replaying each notebook's code in this
process: quicker, and it lets `make mutate` (whose planted bugs live in-process) use them.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import jupytext
import myst_nb.ext.glue
import nbformat
import pytest
from IPython.core.formatters import format_display_data

from analysis import reader
from analysis.loaded import Loaded
from analysis.paths import ROOT
from tests.conftest import UNDRAWN

BOOK = ROOT / "book"
GOLDEN = ROOT / "tests" / "golden"
# The only part of a notebook that may differ between two runs on the pinned
# environment: the interpreter's patch version, which the kernel writes on start.
VOLATILE = ("/metadata/language_info/version",)
DRAWN_CHART = re.compile(r"<svg\b.*?</svg>", re.S)  # one root <svg> per chart, none nested


def notebook_pages(data) -> list[Path]:
    """Every executable page of the book (MyST Markdown with a kernel), the generated
    reader pages included."""
    reader.write_pages(data)
    pages = [p for p in BOOK.rglob("*.md") if "_build" not in p.parts]
    return sorted(p.relative_to(BOOK) for p in pages if "kernelspec:" in p.read_text(encoding="utf-8")[:500])


def golden_path(page: Path) -> Path:
    return GOLDEN / page.with_suffix(".ipynb")


def book_notebook(page: Path) -> nbformat.NotebookNode:
    """The page as a notebook without outputs, with numbered cell ids."""
    notebook = jupytext.read(BOOK / page)
    for number, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{number}"
    return notebook


def code_of(notebook: nbformat.NotebookNode) -> list[str]:
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


PAGES = notebook_pages(Loaded())


def test_every_notebook_has_a_golden_copy_and_nothing_else_does():
    assert PAGES, "no notebook pages found under book/"
    kept = sorted(p.relative_to(GOLDEN) for p in GOLDEN.rglob("*.ipynb"))
    assert kept == sorted(p.with_suffix(".ipynb") for p in PAGES), "run `make regen` and review the diff"


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_golden_copy_holds_the_code_of_the_books_notebook(page):
    golden = nbformat.read(golden_path(page), as_version=4)
    assert code_of(golden) == code_of(book_notebook(page)), f"{page} changed: run `make regen` and review the diff"


@pytest.mark.subprocess
@pytest.mark.parametrize("page", PAGES, ids=str)
def test_golden_outputs_match_a_fresh_execution(page, nb_regression):
    path = golden_path(page)
    nb_regression.exec_cwd = str((BOOK / page).parent)
    nb_regression.diff_ignore = (*nb_regression.diff_ignore, *VOLATILE)
    if nb_regression.force_regen:
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(book_notebook(page), path)
        result = nb_regression.check(str(path), raise_errors=False)
        errors = [o for c in result.nb_final.cells for o in c.get("outputs", []) if o.output_type == "error"]
        assert not errors, f"{page} raised while regenerating: {errors[0].ename}: {errors[0].evalue}"
        return
    nb_regression.check(str(path))


def replay(notebook: nbformat.NotebookNode, monkeypatch) -> list[tuple]:
    """Run a notebook's code cells in this process, as a kernel would, and collect what
    they show: each glued value, and each cell's last expression."""
    shown = []

    def display(data, raw, metadata):
        shown.append(("display_data", data, metadata.get("scrapbook")))

    monkeypatch.setattr(myst_nb.ext.glue, "ipy_display", display)
    namespace = {}
    for number, cell in enumerate(c for c in notebook.cells if c.cell_type == "code"):
        name = f"<cell {number}>"
        tree = ast.parse(cell.source)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, name, "exec"), namespace)
        value = eval(compile(ast.Expression(last.value), name, "eval"), namespace) if last else None
        if value is not None:
            shown.append(("execute_result", format_display_data(value)[0], None))
    return shown


def without_drawings(bundle: dict) -> dict:
    """A golden output with each chart's drawing as the ``undrawn`` fixture leaves it."""
    return {mime: DRAWN_CHART.sub(UNDRAWN, v) if isinstance(v, str) else v for mime, v in bundle.items()}


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_golden_outputs_match_an_in_process_replay(page, monkeypatch, undrawn):
    """Everything a page shows but the drawing of its charts (the fresh execution above
    compares that too): so this replay runs under `make mutate`, which cannot draw."""
    golden = nbformat.read(golden_path(page), as_version=4)
    expected = [
        (output.output_type, without_drawings(output.data), output.metadata.get("scrapbook"))
        for cell in golden.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    ]
    monkeypatch.chdir((BOOK / page).parent)
    shown = replay(golden, monkeypatch)

    def names(outputs):
        return [scrapbook["name"] if scrapbook else kind for kind, _, scrapbook in outputs]

    assert names(shown) == names(expected), f"{page} shows other outputs than its golden copy"
    for got, kept, name in zip(shown, expected, names(expected), strict=True):
        if got != kept:  # not a bare assert: pytest's diff of two long HTML strings takes minutes
            pytest.fail(f"{page}: {name} differs from its golden output: {first_difference(got[1], kept[1])}")


def first_difference(got: dict, kept: dict) -> str:
    """Where two outputs' mime bundles first differ, shown briefly."""
    for mime in sorted(set(got) | set(kept)):
        a, b = str(got.get(mime, "")), str(kept.get(mime, ""))
        if a != b:
            at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
            start = max(at - 40, 0)
            return f"{mime} at character {at}: now {a[start : at + 60]!r}, golden {b[start : at + 60]!r}"
    return "same data, other metadata"
