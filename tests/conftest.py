"""Shared fixtures: the site is built once per session, with the command `make book` runs."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from filelock import FileLock

from analysis import cli
from analysis.loaded import Loaded
from analysis.paths import ROOT

# The derived tables issue 6 asks the data package to publish, by name.
REQUIRED_DERIVED = (
    "enforcement_salience",
    "harm_reduction_scores",
    "harm_reduction_index",
    "enforcement_index",
    "threat_matrix",
    "rank_stability",
    "similarity",
)
# Tables that show the method (the rubric), not the sources.
METHOD_TABLES = ("tbl-index-levels", "tbl-hr-rubric", "tbl-enforcement-rubric")
# Figures that describe the corpus, not a finding: no coded evidence behind their marks.
CORPUS_FIGURES = ("fig-sources-timeline",)

# What a build reads: enough for a working copy of the project.
PROJECT_FILES = ("book", "analysis", "data", "_config.yml", "_toc.yml", "requirements.txt", "Makefile", "CITATION.cff")

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


# What a chart is on a page where it is not drawn (the ``undrawn`` fixture).
UNDRAWN = '<svg class="undrawn"></svg>'


def pytest_configure(config):
    """Under `make mutate` no test may draw: vl-convert hangs in a process forked after it
    drew (mutmut forks one per mutant), so a test that draws must be marked ``drawing``."""
    if os.environ.get("MUTANT_UNDER_TEST"):
        import vl_convert

        def refuse(*args, **kwargs):
            raise RuntimeError("this test draws a chart: mark it `drawing`, or use the `undrawn` fixture")

        for name in ("vegalite_to_svg", "vegalite_to_png", "svg_to_png"):
            setattr(vl_convert, name, refuse)


@pytest.fixture
def undrawn(monkeypatch):
    """Charts are not drawn (vl-convert is not called), for tests of what a page shows
    around a chart: its spec, links, note and table. Drawing is tested where it is the point."""
    from analysis import charts

    monkeypatch.setattr(charts, "static_svg", lambda payload, chart_id: UNDRAWN)


@pytest.fixture(scope="session")
def _session_data() -> Loaded:
    return Loaded()


@pytest.fixture
def data(_session_data) -> Loaded:
    """The project's data, loaded and its tables computed once per session.

    Under `make mutate`, mutmut first runs every test once to record the functions each
    calls ("stats"), and later runs against a mutant only the tests that called its
    function. In that run each test gets its own: a table computed by an earlier test would
    tie its function to that one test alone. Each mutant's tests then run in a pytest
    session of their own, in a process forked with the mutant already in place, so the
    session's data is computed under the mutant and is shared."""
    return Loaded() if os.environ.get("MUTANT_UNDER_TEST") == "stats" else _session_data


def pytest_collection_modifyitems(items):
    """A test that needs the built site is a build test, marked or not (so `make mutate`,
    which leaves build tests out, never builds the book for one)."""
    for item in items:
        if "site" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.build)


def toc_pages() -> list[str]:
    """HTML paths of every page in _toc.yml, plus the pages Sphinx adds."""
    from analysis import profiles, reader

    data = Loaded()
    reader.write_pages(data)
    profiles.write_pages(data)
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for chapter in (c for part in toc["parts"] for c in part["chapters"]):
        if "glob" in chapter:
            matched = ROOT.glob(chapter["glob"] + ".md")
            files += sorted(str(p.relative_to(ROOT).with_suffix("")) for p in matched)
        else:
            files.append(chapter["file"])
    return [f"{f}.html" for f in files] + ["index.html", "search.html", "genindex.html"]


BUILD_LOG = cli.BUILD_DIR / "build.log"  # what the tests' build printed (xdist hides a worker's output)
PROBLEM = re.compile(r"WARNING|ERROR|Error|FAILED|Traceback|Timeout")


@pytest.fixture(scope="session")
def site() -> Path:
    """The built site, built by the very command `make book` runs, in a process of its own
    (no test's state can leak into it). Under pytest-xdist every worker asks; the lock lets
    the first build and the others find it up to date. A failure names its problems."""
    cli.BUILD_DIR.mkdir(exist_ok=True)
    with FileLock(cli.BUILD_DIR / ".build.lock"):
        result = subprocess.run([sys.executable, "-m", "analysis", "build"], cwd=ROOT, capture_output=True, text=True)
        output = result.stdout + result.stderr
        BUILD_LOG.write_text(output, encoding="utf-8")
    if result.returncode != 0:
        problems = [line for line in output.splitlines() if PROBLEM.search(line)][-12:]
        pytest.fail(
            f"the strict book build failed ({BUILD_LOG.relative_to(ROOT)}):\n" + "\n".join(problems), pytrace=False
        )
    return cli.SITE_DIR


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " — required under CI=true")
        pytest.skip(message + " to run the browser tests")
    return CHROMIUM


def copy_project(target: Path, names: tuple[str, ...] = PROJECT_FILES) -> Path:
    """A working copy of the project (without caches or generated files), to change freely."""
    ignore = shutil.ignore_patterns("__pycache__", "vega-bundle.js", ".ipynb_checkpoints")
    for name in names:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target / name)
    return target


def add_synthetic_source(project: Path, source_id: str, label: str, text: str, year: int = 2025) -> str:
    """Add a one-document source to a project copy as data only (text and metadata
    entry with its checksum and word count); returns the document id."""
    document_id = f"{source_id}-{year}"
    path = project / "data" / "sources" / f"{document_id}.txt"
    path.write_text(text, encoding="utf-8")
    metadata_path = project / "data" / "sources" / "sources.yaml"
    metadata = yaml.safe_load(metadata_path.read_text(encoding="utf-8"))
    document = {
        "id": document_id,
        "file": path.name,
        "title": f"{label} drugs review",
        "publisher": label,
        "kind": "synthetic review",
        "date": str(year),
        "date_status": "stated",
        "date_basis": "Synthetic.",
        "event": "not stated",
        "reference_year": year,
        "words": len(text.split()),
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }
    source = {"id": source_id, "label": label, "name": f"{label} (synthetic, for the tests)", "documents": [document]}
    metadata["sources"].append(source)
    metadata_path.write_text(yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return document_id
