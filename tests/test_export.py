"""The data package: valid Frictionless, with the resources the book promises."""

import subprocess
import sys

from frictionless import Package, validate

from analysis import corpus, exhibits


def test_export_writes_a_valid_data_package(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "export", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    package = Package(str(tmp_path / "datapackage.json"))
    names = [r.name for r in package.resources]
    assert names[:5] == ["documents", "sentences", "codebook", "annotations", "reliability"]
    derived = [
        "enforcement_salience",
        "harm_reduction_scores",
        "harm_reduction_index",
        "enforcement_index",
        "threat_matrix",
        "rank_stability",
        "similarity",
    ]
    assert set(derived) <= set(names)
    for name in derived:
        resource = package.get_resource(name)
        assert resource.description
        for field in resource.schema.fields:
            assert field.description, f"{name}.{field.name} has no description"
    index = {row["source_id"]: row["score"] for row in package.get_resource("harm_reduction_index").read_rows()}
    assert set(index) == set(corpus.sources_frame()["source_id"])
    assert all(0 <= score <= 100 for score in index.values())
    for label in exhibits.registry():
        assert f"figures/{label}.csv" in [r.path for r in package.resources]
    fields = {r.name: set(r.schema.field_names) for r in package.resources}
    assert {"document_id", "source_id"} <= fields["documents"]
    assert {"document_id", "code", "stance", "quote", "sentence_id"} <= fields["annotations"]
    sentences = package.get_resource("sentences").read_rows()
    assert len(sentences) == sum(len(d.sentences) for d in corpus.load_documents())


def test_a_table_that_differs_from_its_declaration_stops_the_export():
    import pytest

    from analysis import export

    schema, _ = export.declared_schema("similarity", export.declared())
    table = export.derived_tables()["similarity"].drop(columns=["codes_both"])
    with pytest.raises(ValueError, match=r"missing \['codes_both'\]"):
        export.conform("similarity", table, schema)
