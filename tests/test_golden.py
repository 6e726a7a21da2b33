"""Golden outputs: the reviewed, executed output of every notebook of the book is kept
in tests/golden/, and what the build executed must equal it.

A golden copy must hold exactly the code of the book's notebook (the MyST Markdown
page), so a page cannot change behind its golden copy. The build executes every page
(afresh whenever data/, analysis/, CITATION.cff or requirements.txt changed:
cli.drop_stale_cache) and publishes its executed notebooks with the site
(cli.EXECUTED_DIR). The test compares each of their outputs, charts' drawings
included, with the golden copy: the published page is the one checked, and no
notebook runs twice.

`make regen` (``python -m tests.test_golden``) executes each page afresh with
pytest-notebook and rewrites its golden copy; review the diff before committing it.
Cell ids are numbered, not random, and the kernel does not record timings, so a
regenerated copy differs only where an output changed.

The same golden outputs are also checked by replaying each notebook's code in this
process, charts undrawn, so that `make mutate` (whose planted bugs live in-process) uses them.
"""

from __future__ import annotations

import ast
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

import jupytext
import myst_nb.ext.glue
import nbformat
import pytest
from IPython.core.formatters import format_display_data

from analysis import cli, reader
from analysis.loaded import Loaded
from analysis.paths import ROOT
from tests.conftest import UNDRAWN

BOOK = ROOT / "book"
GOLDEN = ROOT / "tests" / "golden"
# The only part of a notebook that may differ between two runs on the pinned
# environment: the interpreter's patch version, which the kernel writes on start.
VOLATILE = ["/metadata/language_info/version"]
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


def regenerate(page: Path) -> None:
    """Execute the book's page afresh (pytest-notebook, as a kernel in its folder) and
    write the result as its golden copy."""
    from pytest_notebook.diffing import diff_notebooks, filter_diff
    from pytest_notebook.execution import execute_notebook
    from pytest_notebook.post_processors import coalesce_streams

    result = execute_notebook(book_notebook(page), cwd=str((BOOK / page).parent), timeout=600)
    if result.exec_error:
        raise SystemExit(f"{page} raised while regenerating: {result.exec_error}")
    notebook, _ = coalesce_streams(result.notebook, {})
    path = golden_path(page)
    if path.is_file() and not filter_diff(diff_notebooks(nbformat.read(path, as_version=4), notebook), VOLATILE):
        return  # the same outputs: keep the copy as it is (not even the interpreter's patch version)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


def shown(output) -> tuple:
    """What an output shows: its kind, data and metadata, and a stream's or an error's text."""
    text = {key: output[key] for key in ("name", "text", "ename", "evalue") if key in output}
    return output.output_type, output.get("data") or {}, output.get("metadata") or {}, text


def glued_and_shown(notebook: nbformat.NotebookNode) -> tuple[list[tuple], list[list[tuple]]]:
    """A golden notebook's glued values, (name, data) in order, and each code cell's other
    outputs: the two places myst-nb keeps them once it has executed a page."""
    glued, cells = [], []
    for cell in (c for c in notebook.cells if c.cell_type == "code"):
        cells.append([])
        for output in cell.outputs:
            scrapbook = output.get("metadata", {}).get("scrapbook")
            if scrapbook:
                prefix = scrapbook["mime_prefix"]
                data = {k.removeprefix(prefix): v for k, v in output.data.items()}
                glued.append((scrapbook["name"], (data, output.metadata)))
            else:
                cells[-1].append(shown(output))
    return glued, cells


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_golden_outputs_match_the_builds_execution(page, site):
    """Each glued value and each cell's output, as the build executed the page (myst-nb
    keeps the glued values beside the notebook, in <page>.glue.json)."""
    executed = cli.EXECUTED_DIR / "book" / page.with_suffix(".ipynb")
    assert executed.is_file(), f"the build left no executed notebook for {page}: run `make book`"
    glue_file = executed.with_suffix(".glue.json")
    glue = json.loads(glue_file.read_text(encoding="utf-8")) if glue_file.is_file() else {}
    built_glued = [(name, (output["data"], output["metadata"])) for name, output in glue.items()]
    code_cells = [c for c in nbformat.read(executed, as_version=4).cells if c.cell_type == "code"]
    built_cells = [[shown(output) for output in cell.outputs] for cell in code_cells]
    glued, cells = glued_and_shown(nbformat.read(golden_path(page), as_version=4))

    assert [n for n, _ in built_glued] == [n for n, _ in glued], f"{page} glues other names than its golden copy"
    for (name, got), (_, kept) in zip(built_glued, glued, strict=True):
        if got != kept:  # not a bare assert: pytest's diff of two long HTML strings takes minutes
            pytest.fail(f"{page}: {name} differs from its golden output: {first_difference(got[0], kept[0])}")
    assert len(built_cells) == len(cells), f"{page} has other code cells than its golden copy"
    for number, (got, kept) in enumerate(zip(built_cells, cells, strict=True)):
        kinds = [output[0] for output in got], [output[0] for output in kept]
        assert kinds[0] == kinds[1], f"{page}: cell {number} shows other outputs than its golden copy"
        for got_output, kept_output in zip(got, kept, strict=True):
            if got_output != kept_output:
                difference = first_difference(got_output[1] | got_output[3], kept_output[1] | kept_output[3])
                pytest.fail(f"{page}: cell {number} differs from its golden output: {difference}")


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
    """Everything a page shows but the drawing of its charts (the test above compares the
    build's drawings too): so this replay runs under `make mutate`, which cannot draw."""
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


# OpenBLAS's plainest kernels, by machine (its own choice follows the CPU).
PLAIN_BLAS = {"x86_64": "Prescott", "aarch64": "ARMV8"}


@pytest.mark.subprocess
def test_what_the_pages_show_does_not_depend_on_the_cpus_vector_instructions():
    """NumPy picks its sorting and arithmetic kernels by the CPU's vector instructions,
    and OpenBLAS its own: an unstable sort orders ties differently on each, so a page
    built on another machine could differ. The in-process replay must still match every
    golden output with every optional instruction set turned off, as it does with them
    on (above): so both ways give the same page."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    optional = [feature for feature in __cpu_dispatch__ if __cpu_features__.get(feature)]
    if not optional:
        pytest.skip("this CPU has no vector instructions beyond NumPy's baseline to turn off")
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": " ".join(optional)}
    if platform.machine() in PLAIN_BLAS:
        env["OPENBLAS_CORETYPE"] = PLAIN_BLAS[platform.machine()]
    probe = "from numpy._core._multiarray_umath import __cpu_features__ as f; print(sorted(k for k in f if f[k]))"
    features = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert not set(optional) & set(ast.literal_eval(features.stdout)), "NumPy did not turn the instructions off"
    replay = f"{Path(__file__).relative_to(ROOT)}::test_golden_outputs_match_an_in_process_replay"
    command = [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider", replay]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"with {' '.join(optional)} turned off:\n{result.stdout[-3000:]}"


def first_difference(got: dict, kept: dict) -> str:
    """Where two outputs' mime bundles first differ, shown briefly."""
    for mime in sorted(set(got) | set(kept)):
        a, b = str(got.get(mime, "")), str(kept.get(mime, ""))
        if a != b:
            at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
            start = max(at - 40, 0)
            return f"{mime} at character {at}: now {a[start : at + 60]!r}, golden {b[start : at + 60]!r}"
    return "same data, other metadata"


def main() -> int:
    """`make regen`: rewrite every golden copy from a fresh execution of its page."""
    for number, page in enumerate(PAGES, start=1):
        print(f"[regen] {number}/{len(PAGES)} executing {page}", flush=True)
        regenerate(page)
    stale = [
        p
        for p in GOLDEN.rglob("*.ipynb")
        if p.relative_to(GOLDEN).with_suffix("") not in {q.with_suffix("") for q in PAGES}
    ]
    for path in stale:
        print(f"[regen] removing {path.relative_to(ROOT)}: the book has no such page", flush=True)
        path.unlink()
    print("[regen] done: review `git diff tests/golden` before committing", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
