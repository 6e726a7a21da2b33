"""The data package: valid Frictionless, with the resources the book promises."""

import subprocess
import sys

import pandas as pd
from frictionless import Package, validate

from analysis import corpus, exhibits
from tests.conftest import REQUIRED_DERIVED


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
    derived = REQUIRED_DERIVED
    assert set(derived) <= set(names)
    for name in derived:
        resource = package.get_resource(name)
        assert resource.description
        for field in resource.schema.fields:
            assert field.description, f"{name}.{field.name} has no description"
    index = {row["source_id"]: row["score"] for row in package.get_resource("harm_reduction_index").read_rows()}
    assert set(index) == set(corpus.sources_frame()["source_id"])
    assert all(0 <= score <= 100 for score in index.values())
    for label, exhibit in exhibits.registry().items():
        assert f"figures/{label}.csv" in [r.path for r in package.resources]
        published = pd.read_csv(tmp_path / "figures" / f"{label}.csv", keep_default_na=False)
        made = exhibit.make()
        if isinstance(made, pd.DataFrame):
            shown = made
        else:
            (values,) = made.to_dict()["datasets"].values()
            shown = pd.DataFrame(values)
        assert list(published.columns) == [str(c) for c in shown.columns], label
        assert len(published) == len(shown), label
        expected = shown.astype(str).replace({"nan": "", "None": ""})
        assert published.astype(str).to_numpy().tolist() == expected.to_numpy().tolist() or _close(published, shown), (
            label
        )
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


def _close(published: pd.DataFrame, shown: pd.DataFrame) -> bool:
    """Equal up to the CSV's number formatting (6 significant digits)."""
    for column in shown.columns:
        a, b = published[str(column)], shown[column]
        if pd.api.types.is_numeric_dtype(b):
            if not ((pd.to_numeric(a, errors="coerce") - b).abs().fillna(0) <= 1e-5 * (1 + b.abs())).all():
                return False
        elif a.astype(str).tolist() != b.fillna("").astype(str).tolist():
            return False
    return True
