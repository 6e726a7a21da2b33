"""Golden outputs: the reviewed, executed output of every notebook of the book is kept
in tests/golden/ and checked with pytest-notebook by executing it again.

A golden copy must hold exactly the code of the book's notebook (the MyST Markdown
page), so a page cannot change behind its golden copy. `make regen` rewrites the golden
copies from the book's pages and executes them (pytest's `--nb-force-regen`); review
the diff before committing it. Cell ids are numbered, not random, and the kernel does
not record timings, so a regenerated copy differs only where an output changed.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import pytest

from analysis import reader
from analysis.paths import ROOT

BOOK = ROOT / "book"
GOLDEN = ROOT / "tests" / "golden"
# The only part of a notebook that may differ between two runs on the pinned
# environment: the interpreter's patch version, which the kernel writes on start.
VOLATILE = ("/metadata/language_info/version",)


def notebook_pages() -> list[Path]:
    """Every executable page of the book (MyST Markdown with a kernel), the generated
    reader pages included."""
    reader.write_pages()
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


PAGES = notebook_pages()


def test_every_notebook_has_a_golden_copy_and_nothing_else_does():
    assert PAGES, "no notebook pages found under book/"
    kept = sorted(p.relative_to(GOLDEN) for p in GOLDEN.rglob("*.ipynb"))
    assert kept == sorted(p.with_suffix(".ipynb") for p in PAGES), "run `make regen` and review the diff"


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_golden_copy_holds_the_code_of_the_books_notebook(page):
    golden = nbformat.read(golden_path(page), as_version=4)
    assert code_of(golden) == code_of(book_notebook(page)), f"{page} changed: run `make regen` and review the diff"


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
