"""Jupyter Book's Sphinx build, strict, run as ``python -m analysis.sphinx_build BUILDER OUTPUT DOCTREES``.

Why not ``jupyter-book build``: its command line reads (and so executes) one page at a
time, and gives every builder its own doctrees. Here Sphinx reads the pages on every core
the machine gives this process, two readers per core (myst-nb executes a notebook as it reads it), and the PDF
edition's one-page build is pointed at the doctrees the site's build has just read, so it
reads and executes nothing again. The configuration is Jupyter Book's own, built from
``_config.yml`` and ``_toc.yml`` by ``jupyter_book.sphinx.build_sphinx``, as the command
line does it, with its strict flags ``-W -n --keep-going``.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from analysis.paths import ROOT

NOTEBOOK_CACHE = Path("_build", ".jupyter_cache")  # _config.yml's execute.cache, under the project
ANSI_CODES = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # the colours of a kernel's traceback


def command(builder: str, output: Path, doctrees: Path) -> list[str]:
    """The command that runs :func:`build` in its own process (from the project's root)."""
    return [sys.executable, "-m", "analysis.sphinx_build", builder, str(output), str(doctrees)]


def cores() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def workers() -> int:
    """Page readers, each running one notebook at a time: two per core. Sphinx hands each
    reader one fixed batch of pages, and with one reader per core the last batch ran
    alone while the other cores waited."""
    return 2 * cores()


def cache_writes_one_at_a_time(cache_dir: Path) -> None:
    """Let one page reader at a time write to the notebook cache.

    jupyter-cache is not safe for writers in parallel processes: after caching a notebook
    it trims the cache to its size limit, listing the records to keep and then deleting
    the others in two queries, so a record another reader adds in between is deleted
    before that reader has written its file, and the trim fails ("Notebook file does not
    exist for cache record"). Each write (record, file and trim) takes a lock on a file in
    the cache folder; reading the cache needs none."""
    from filelock import FileLock
    from jupyter_cache.cache.main import JupyterCacheBase

    write = JupyterCacheBase.cache_notebook_bundle

    def cache_notebook_bundle(self, *args, **kwargs):
        with FileLock(cache_dir / "write.lock"):
            return write(self, *args, **kwargs)

    JupyterCacheBase.cache_notebook_bundle = cache_notebook_bundle


def build(builder: str, output: Path, doctrees: Path, root: Path = ROOT) -> int:
    """Run one strict Sphinx build of the book; returns 0 when it succeeded."""
    from jupyter_book.sphinx import build_sphinx
    from jupyter_cache import get_cache

    # The notebook cache's database is made here, once: workers that each found it
    # missing would all try to create its tables, and all but one would fail.
    get_cache(str(root / NOTEBOOK_CACHE)).list_cache_records()
    cache_writes_one_at_a_time(root / NOTEBOOK_CACHE)
    overrides = {"external_toc_path": (root / "_toc.yml").as_posix(), "latex_individualpages": False, "nitpicky": True}
    result = build_sphinx(
        str(root),
        str(output),
        noconfig=True,
        path_config=str(root / "_config.yml"),
        confoverrides=overrides,
        doctreedir=str(doctrees),
        builder=builder,
        warningiserror=True,
        keep_going=True,
        jobs=workers(),
    )
    if isinstance(result, Exception):
        print(f"[analysis] the {builder} build failed: {result}", file=sys.stderr)
        # A page that failed in a reader's process reaches this one as Sphinx's parallel
        # error, which prints only the page's name; the cell's own error is in its traceback.
        # It is also kept in the output's reports/, which CI uploads when a build fails.
        if getattr(result, "traceback", None):
            detail = ANSI_CODES.sub("", result.traceback)
            report = output / "reports" / "build-error.log"
            report.parent.mkdir(parents=True, exist_ok=True)
            report.write_text(detail, encoding="utf-8")
            print(f"[analysis] the failing page's error, as its reader saw it ({report}):\n{detail}", file=sys.stderr)
        return 1
    return result


if __name__ == "__main__":
    builder, output, doctrees = sys.argv[1:]
    sys.exit(build(builder, Path(output), Path(doctrees), Path.cwd()))
