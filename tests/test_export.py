"""The data package: valid Frictionless, with the resources the book promises."""

import subprocess
import sys

from frictionless import Package, validate

from analysis import corpus


def test_export_writes_a_valid_data_package(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "export", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    package = Package(str(tmp_path / "datapackage.json"))
    names = [r.name for r in package.resources]
    assert names == ["documents", "sentences", "codebook", "annotations", "reliability"]
    fields = {r.name: set(r.schema.field_names) for r in package.resources}
    assert {"document_id", "source_id"} <= fields["documents"]
    assert {"document_id", "code", "stance", "quote", "sentence_id"} <= fields["annotations"]
    sentences = package.get_resource("sentences").read_rows()
    assert len(sentences) == sum(len(d.sentences) for d in corpus.load_documents())
