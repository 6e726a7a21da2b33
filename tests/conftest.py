"""Shared fixtures: the site is built once per session, with the command `make book` runs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from analysis import cli
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

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def toc_pages() -> list[str]:
    """HTML paths of every page in _toc.yml, plus the pages Sphinx adds."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [f"{f}.html" for f in files] + ["index.html", "search.html", "genindex.html"]


@pytest.fixture(scope="session")
def site() -> Path:
    code = cli.build()
    assert code == 0, "the strict book build failed; its output is above"
    return cli.SITE_DIR


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " — required under CI=true")
        pytest.skip(message + " to run the browser tests")
    return CHROMIUM
