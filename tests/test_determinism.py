"""Reproducible: a second build, in another directory and process, with another hash
seed and at another time, gives byte for byte the same derived CSVs, data package,
published exhibits (chart specifications and static SVG) and figures for download (SVG
and PNG) as the site's build."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from analysis import exhibits
from tests.conftest import copy_project

pytestmark = pytest.mark.subprocess

SECOND_BUILD = """
import json, sys
from pathlib import Path
from analysis import downloads, exhibits, export
from analysis.loaded import Loaded
data = Loaded()
export.export(data, Path(sys.argv[1]))
shown = {label: exhibits.show(data, label).data for label in exhibits.registry()}
Path(sys.argv[2]).write_text(json.dumps(shown), encoding="utf-8")
for label in downloads.labels():
    downloads.write(data, label, Path(sys.argv[3]))
"""


def files_of(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_second_build_elsewhere_is_byte_identical(site, tmp_path):
    project = copy_project(tmp_path / "elsewhere", ("analysis", "data", "CITATION.cff"))
    env = {**os.environ, "PYTHONPATH": str(project), "PYTHONHASHSEED": "12345", "TZ": "Pacific/Auckland"}
    command = [sys.executable, "-c", SECOND_BUILD, str(tmp_path / "package"), str(tmp_path / "shown.json")]
    command.append(str(tmp_path / "figures"))
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]

    published, again = files_of(site / "datapackage"), files_of(tmp_path / "package")
    assert sorted(published) == sorted(again)
    assert any(name.startswith("figures/") for name in again), "the exhibits' CSVs are part of the package"
    for name, content in again.items():
        assert published[name] == content, f"datapackage/{name} differs between the two builds"

    shown = json.loads((tmp_path / "shown.json").read_text(encoding="utf-8"))
    for label, exhibit in exhibits.registry().items():
        page = (site / "book" / f"{exhibit.chapter}.html").read_text(encoding="utf-8")
        assert shown[label] in page, f"{label} on {exhibit.chapter}.html differs from the second build's"

    drawn, again = files_of(site / "figures"), files_of(tmp_path / "figures")
    assert sorted(drawn) == sorted(again) and any(name.endswith(".png") for name in again)
    for name, content in again.items():
        assert drawn[name] == content, f"figures/{name} (the figure for download) differs between the two builds"
