"""The data package: valid Frictionless, with the resources the book promises, and every
table coming back from its CSV as it went in."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from frictionless import Package, validate

from analysis import corpus, exhibits, export
from analysis.paths import ROOT
from tests.conftest import REQUIRED_DERIVED


@pytest.mark.subprocess
def test_export_writes_a_valid_data_package(tmp_path, data):
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "export", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    package = Package(str(tmp_path / "datapackage.json"))
    names = [r.name for r in package.resources]
    assert names[: len(FIRST_RESOURCES)] == FIRST_RESOURCES
    derived = REQUIRED_DERIVED
    assert set(derived) | {"threat_families"} <= set(names)
    for name in derived:
        resource = package.get_resource(name)
        assert resource.description
        for field in resource.schema.fields:
            assert field.description, f"{name}.{field.name} has no description"
    index = {row["source_id"]: row["score"] for row in package.get_resource("harm_reduction_index").read_rows()}
    assert set(index) == set(corpus.sources_frame(data)["source_id"])
    assert all(0 <= score <= 100 for score in index.values())
    for label, exhibit in exhibits.registry().items():
        assert f"figures/{label}.csv" in [r.path for r in package.resources]
        published = pd.read_csv(tmp_path / "figures" / f"{label}.csv", keep_default_na=False)
        made = exhibit.make(data)
        if isinstance(made, pd.DataFrame):
            shown = made
        else:
            (values,) = made.to_dict()["datasets"].values()
            shown = pd.DataFrame(values)
        _assert_same_data(published, shown, label)
    fields = {r.name: set(r.schema.field_names) for r in package.resources}
    assert {"document_id", "source_id"} <= fields["documents"]
    assert {"document_id", "code", "item", "stance", "quote", "sentence_id"} <= fields["annotations"]
    sentences = package.get_resource("sentences").read_rows()
    assert len(sentences) == sum(len(d.sentences) for d in data.documents.values())


def test_a_table_that_differs_from_its_declaration_stops_the_export(data):
    schema, _ = export.declared_schema("similarity", export.declared())
    table = export.derived_tables(data)["similarity"].drop(columns=["codes_both"])
    with pytest.raises(ValueError, match=r"missing \['codes_both'\]"):
        export.conform("similarity", table, schema)


def _assert_same_data(published: pd.DataFrame, shown: pd.DataFrame, label: str) -> None:
    """A CSV read back (pandas, empty cells kept as '') holds the exhibit's data."""
    assert list(published.columns) == [str(c) for c in shown.columns], label
    assert len(published) == len(shown), label
    expected = shown.astype(str).replace({"nan": "", "None": ""})
    assert published.astype(str).to_numpy().tolist() == expected.to_numpy().tolist() or _close(published, shown), label


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


# --- in-process: the export round trip --------------------------------------------

FIRST_RESOURCES = [
    "documents",
    "sentences",
    "codebook",
    "annotations",
    "reliability",
    "stance_audit",
    "threat_items",
    "zero_review",
]
# The derived tables in the order the README and data/schemas/datapackage.yaml list them.
DERIVED = [
    "enforcement_salience",
    "harm_reduction_scores",
    "harm_reduction_index",
    "enforcement_scores",
    "enforcement_index",
    "threat_matrix",
    "threat_families",
    "rank_stability",
    "order_robustness",
    "similarity",
]


def _rows(path: Path) -> tuple[list[str], list[dict]]:
    """A CSV file's header and rows, read with the csv module (a route apart from pandas)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


def _yaml(relative: str) -> dict:
    return yaml.safe_load((ROOT / relative).read_text(encoding="utf-8"))


def _declared(name: str) -> tuple[dict, str]:
    """The Table Schema and description of a resource as a reader of datapackage.yaml
    resolves them: a field is given inline, or by name from the shared `fields`."""
    declaration = _yaml("data/schemas/datapackage.yaml")
    (entry,) = [r for r in declaration["resources"] if r["name"] == name]
    fields = []
    for field in entry["fields"]:
        spec = field if isinstance(field, dict) else {"name": field, **declaration["fields"][field]}
        fields.append({"name": spec["name"], "type": spec["type"], "description": spec["description"]})
    return {"fields": fields, "primaryKey": entry["primary_key"]}, entry["description"]


def _pinned_sentences() -> list[dict]:
    return _rows(ROOT / "tests" / "pinned_sentences.csv")[1]


def _resource(descriptor: dict, name: str) -> dict:
    (resource,) = [r for r in descriptor["resources"] if r["name"] == name]
    return resource


def _check_every_resource_is_listed_in_order_with_its_csv_file(package, descriptor):
    labels = list(exhibits.registry())
    names = [r["name"] for r in descriptor["resources"]]
    assert names == FIRST_RESOURCES + DERIVED + labels
    paths = [f"{name}.csv" for name in FIRST_RESOURCES + DERIVED] + [f"figures/{label}.csv" for label in labels]
    assert [r["path"] for r in descriptor["resources"]] == paths
    for resource in descriptor["resources"]:
        assert list(resource) == ["name", "path", "format", "encoding", "description", "schema"]
        assert (resource["format"], resource["encoding"]) == ("csv", "utf-8")
    written = sorted(str(p.relative_to(package)) for p in package.rglob("*") if p.is_file())
    assert written == sorted([*paths, "datapackage.json"])


def _check_datapackage_json_is_two_space_indented_utf8_ending_in_a_newline(package, descriptor):
    version = _yaml("data/coding/codebook.yaml")["version"]
    text = (package / "datapackage.json").read_text(encoding="utf-8")
    assert text.startswith(
        "{\n"
        '  "name": "drug-law-enforcement-sources",\n'
        '  "title": "Sources on drug law enforcement compared: corpus, codebook, coding and findings",\n'
        f'  "version": "{version}",\n'
        '  "resources": [\n'
        "    {\n"
        '      "name": "documents",\n'
    )
    assert text.endswith("\n  ]\n}\n")
    # Non-ASCII text (the ¶ of a field description) is written as itself, not escaped.
    assert "Paragraph number (¶)" in text
    assert "\\u" not in text


def _check_the_corpus_resources_keep_the_descriptions_the_data_appendix_shows(package, descriptor):
    # tests/golden/appendix/data.ipynb shows these texts beside each file.
    assert [_resource(descriptor, name)["description"] for name in FIRST_RESOURCES] == [
        "The documents: provenance, dates and size.",
        "Every paragraph's natural sentences with their ids.",
        "Codes of the three dimensions with their rules and keywords.",
        "Quote-anchored codes; sentence ids derived from the quote's position.",
        "Krippendorff's alpha of each round of blind second coding, per dimension, code and (round 2) threat item.",
        "Every implements, harm-reduction endorses and contrasting stance, re-read by two auditors under "
        "codebook 2.0.0.",
        "The named threat items beneath each threats code (family), with their rules, keywords and the "
        "enforcement codes that count as the same thing.",
        "Every 'not raised' cell of the findings read again against the source's text, with the decision.",
    ]


def _check_annotations_come_back_row_for_row_and_column_for_column(package, descriptor):
    source_header, source = _rows(ROOT / "data" / "coding" / "annotations.csv")
    header, published = _rows(package / "annotations.csv")
    assert header == [
        "document_id",
        "sentence_id",
        "paragraph_id",
        "start",
        "end",
        "quote",
        "prefix",
        "suffix",
        "code",
        "item",
        "dimension",
        "stance",
        "coder",
        "note",
    ]
    assert source_header == ["document_id", "quote", "prefix", "suffix", "code", "item", "stance", "coder", "note"]
    assert len(published) == len(source)
    book = _yaml("data/coding/codebook.yaml")
    dimension_of = {c["id"]: d["id"] for d in book["dimensions"] for c in d["codes"]}
    items_of = {c["id"]: {i["id"] for i in c.get("items", [])} for d in book["dimensions"] for c in d["codes"]}
    sentences = {s["sentence_id"]: s for s in _pinned_sentences()}
    files = {d["id"]: d["file"] for s in _yaml("data/sources/sources.yaml")["sources"] for d in s["documents"]}
    texts = {i: (ROOT / "data" / "sources" / f).read_bytes().decode("utf-8") for i, f in files.items()}
    for number, (row, original) in enumerate(zip(published, source, strict=True), start=2):
        assert {k: row[k] for k in source_header} == original, f"annotations.csv row {number}"
        assert row["dimension"] == dimension_of[row["code"]]
        # A threats code carries one item of its family; any other code none.
        if row["dimension"] == "threats":
            assert row["item"] in items_of[row["code"]], number
        else:
            assert row["item"] == "", number
        # The derived position: the quote's span in its text, inside the sentence named.
        start, end = int(row["start"]), int(row["end"])
        assert texts[row["document_id"]][start:end].split() == row["quote"].split(), number
        sentence = sentences[row["sentence_id"]]
        assert int(sentence["start"]) <= start < end <= int(sentence["end"]), number
        assert row["sentence_id"].startswith(row["paragraph_id"] + "-s")
        assert row["paragraph_id"].startswith(row["document_id"] + "-p")
    schema = _resource(descriptor, "annotations")["schema"]
    assert schema == {"fields": [{"name": n, "type": "integer" if n in ("start", "end") else "string"} for n in header]}


def _check_documents_are_sources_yaml_with_counts_from_the_texts(package, descriptor):
    pinned = _pinned_sentences()
    header, published = _rows(package / "documents.csv")
    assert header == [
        "document_id",
        "source_id",
        "source",
        "title",
        "publisher",
        "kind",
        "date",
        "date_status",
        "date_basis",
        "event",
        "reference_year",
        "words",
        "paragraphs",
        "sentences",
        "sha256",
    ]
    expected = []
    for source in _yaml("data/sources/sources.yaml")["sources"]:
        for d in source["documents"]:
            mine = [s["sentence_id"] for s in pinned if s["sentence_id"].startswith(d["id"] + "-p")]
            expected.append(
                {
                    "document_id": d["id"],
                    "source_id": source["id"],
                    "source": source["label"],
                    **{
                        k: str(d[k])
                        for k in ("title", "publisher", "kind", "date", "date_status", "date_basis", "event")
                    },
                    "reference_year": str(d["reference_year"]),
                    "words": str(len((ROOT / "data" / "sources" / d["file"]).read_text(encoding="utf-8").split())),
                    "paragraphs": str(len({i.rsplit("-s", 1)[0] for i in mine})),
                    "sentences": str(len(mine)),
                    "sha256": d["sha256"],
                }
            )
    assert published == expected
    integers = ("reference_year", "words", "paragraphs", "sentences")
    assert _resource(descriptor, "documents")["schema"] == {
        "fields": [{"name": n, "type": "integer" if n in integers else "string"} for n in header],
        "primaryKey": ["document_id"],
    }


def _check_sentences_are_the_pinned_sentences_in_order(package, descriptor):
    header, published = _rows(package / "sentences.csv")
    assert header == ["sentence_id", "document_id", "paragraph_id", "kind", "start", "end", "text"]
    pinned = _pinned_sentences()
    assert [(r["sentence_id"], r["kind"], r["start"], r["end"]) for r in published] == [
        (p["sentence_id"], p["kind"], p["start"], p["end"]) for p in pinned
    ]
    for row in published:
        assert row["sentence_id"].startswith(f"{row['paragraph_id']}-s")
        assert row["paragraph_id"].startswith(f"{row['document_id']}-p")
        assert row["text"].strip()
    assert _resource(descriptor, "sentences")["schema"] == {
        "fields": [{"name": n, "type": "integer" if n in ("start", "end") else "string"} for n in header],
        "primaryKey": ["sentence_id"],
    }


def _check_codebook_lists_every_code_of_codebook_yaml(package, descriptor):
    header, published = _rows(package / "codebook.csv")
    assert header == [
        "dimension",
        "dimension_label",
        "code",
        "label",
        "short",
        "definition",
        "include",
        "exclude",
        "example_document",
        "example_quote",
        "keywords",
        "added",
    ]
    expected = [
        {
            "dimension": d["id"],
            "dimension_label": d["label"],
            "code": c["id"],
            "label": c["label"],
            "short": c["short"],
            "definition": c["definition"],
            "include": " | ".join(c["include"]),
            "exclude": " | ".join(c["exclude"]),
            "example_document": c["example"]["document"],
            "example_quote": c["example"]["quote"],
            "keywords": "; ".join(c["keywords"]),
            # The codebook version that brought the code in; codes without the key are of the first codebook.
            "added": c.get("added", "1.0.0"),
        }
        for d in _yaml("data/coding/codebook.yaml")["dimensions"]
        for c in d["codes"]
    ]
    assert published == expected
    assert {r["added"] for r in published} > {"1.0.0"}, "no code of a later codebook: the added column is untested"
    assert _resource(descriptor, "codebook")["schema"] == {
        "fields": [{"name": n, "type": "string"} for n in header],
        "primaryKey": ["code"],
    }


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _check_reliability_counts_agree_with_the_two_codings(package, descriptor):
    """Every round of protocol.yaml, newest first, counted here from its two codings with
    the csv module: each round against the codes its codebook had (a code added later is
    left out of the earlier round), and, for a round coded with threat items (codebook 2
    or later), one row on the items (sentence × item units)."""
    folder = ROOT / "data" / "coding" / "reliability"
    sample = _rows(folder / "sample.csv")[1]
    book = _yaml("data/coding/codebook.yaml")
    item_ids = [i["id"] for d in book["dimensions"] for c in d["codes"] for i in c.get("items", [])]
    rounds = _yaml("data/coding/reliability/protocol.yaml")["rounds"]
    assert len(rounds) >= 2
    expected = []
    for entry in sorted(rounds, key=lambda r: int(r["folder"].split("-")[1]), reverse=True):
        first_rows = _rows(folder / entry["folder"] / "first_coding.csv")[1]
        second_rows = _rows(folder / entry["folder"] / "second_coding.csv")[1]
        first = {(r["sentence_id"], r["code"]) for r in first_rows if r["code"]}
        second = {(r["sentence_id"], r["code"]) for r in second_rows if r["code"]}
        for dimension in book["dimensions"]:
            codes = [
                c["id"] for c in dimension["codes"] if _version(c.get("added", "1.0.0")) <= _version(entry["codebook"])
            ]
            expected.append(
                (
                    entry["folder"],
                    "dimension",
                    dimension["id"],
                    "",
                    str(len(sample)),
                    str(len(sample) * len(codes)),
                    str(sum(k[1] in codes for k in first)),
                    str(sum(k[1] in codes for k in second)),
                    str(sum(k[1] in codes for k in first & second)),
                    str(sum(k[1] in codes for k in first & second)),
                )
            )
            for code in codes:
                expected.append(
                    (
                        entry["folder"],
                        "code",
                        dimension["id"],
                        code,
                        str(len(sample)),
                        str(len(sample)),
                        str(sum(k[1] == code for k in first)),
                        str(sum(k[1] == code for k in second)),
                        str(sum(k[1] == code for k in first & second)),
                        "",
                    )
                )
        if _version(entry["codebook"])[0] >= 2:
            first_items = {(r["sentence_id"], r["item"]) for r in first_rows if r["item"]}
            second_items = {(r["sentence_id"], r["item"]) for r in second_rows if r["item"]}
            expected.append(
                (
                    entry["folder"],
                    "items",
                    "threats",
                    "",
                    str(len(sample)),
                    str(len(sample) * len(item_ids)),
                    str(len(first_items)),
                    str(len(second_items)),
                    str(len(first_items & second_items)),
                    "",
                )
            )
    columns = [
        "round",
        "level",
        "dimension",
        "code",
        "sentences",
        "units",
        "first_coder_positives",
        "second_coder_positives",
        "agreed_positives",
        "stance_units",
    ]
    _, published = _rows(package / "reliability.csv")
    assert [tuple(r[c] for c in columns) for r in published] == expected
    assert any(row[1] == "items" for row in expected), "no round was coded with threat items"
    schema = _resource(descriptor, "reliability")["schema"]
    assert [(f["name"], f["type"]) for f in schema["fields"]] == [
        ("round", "string"),
        ("level", "string"),
        ("dimension", "string"),
        ("code", "string"),
        ("sentences", "integer"),
        ("units", "integer"),
        ("first_coder_positives", "integer"),
        ("second_coder_positives", "integer"),
        ("agreed_positives", "integer"),
        ("alpha", "number"),
        ("reading", "string"),
        # Counts, empty on the code rows (a nullable integer).
        ("stance_units", "integer"),
        ("stance_alpha", "number"),
    ]
    assert "primaryKey" not in schema


def _check_the_stance_audit_and_the_zero_review_come_back_row_for_row(package, descriptor):
    """Both review files are published as they are kept, every column a string; the audit
    is keyed by (sentence, code), one decision per coded unit."""
    for name, key in (("stance_audit", ["sentence_id", "code"]), ("zero_review", [])):
        source_header, source = _rows(ROOT / "data" / "coding" / f"{name}.csv")
        header, published = _rows(package / f"{name}.csv")
        assert (header, published) == (source_header, source), name
        assert published, name
        schema = {"fields": [{"name": n, "type": "string"} for n in header]}
        assert _resource(descriptor, name)["schema"] == ({**schema, "primaryKey": key} if key else schema), name
    assert "new_stance" in _rows(package / "stance_audit.csv")[0]
    assert "decision" in _rows(package / "zero_review.csv")[0]


def _check_every_derived_table_has_its_declared_columns_types_and_descriptions(package, descriptor):
    for name in DERIVED:
        schema, description = _declared(name)
        resource = _resource(descriptor, name)
        assert (resource["schema"], resource["description"]) == (schema, description), name
        header, rows = _rows(package / f"{name}.csv")
        assert header == [f["name"] for f in schema["fields"]], name
        assert rows, name
        # The declared primary key identifies each row (threat_matrix: one row per item and source).
        keys = [tuple(row[k] for k in schema["primaryKey"]) for row in rows]
        assert len(keys) == len(set(keys)), name


def _check_numbers_have_four_decimal_places_and_booleans_are_words(package, descriptor):
    _, rows = _rows(package / "enforcement_salience.csv")
    for row in rows:
        sentences, body, words = int(row["sentences"]), int(row["body_sentences"]), int(row["words"])
        # e.g. 7 of 126 sentences: 0.0556, not 0.05555555555555555.
        assert row["share"] == repr(round(sentences / body, 4))
        assert row["per_1000_words"] == repr(round(1000 * sentences / words, 4))
    assert any(len(row["share"]) < len(repr(int(row["sentences"]) / int(row["body_sentences"]))) for row in rows)
    _, rows = _rows(package / "order_robustness.csv")
    assert {row["robust"] for row in rows} <= {"True", "False"}
    assert all(b"\r" not in p.read_bytes() for p in package.rglob("*.csv"))


def _check_each_figure_csv_holds_the_data_behind_its_exhibit(data, package, descriptor):
    for label, exhibit in exhibits.registry().items():
        resource = _resource(descriptor, label)
        kind = "figure" if label.startswith("fig-") else "table"
        assert resource["description"] == f"The data behind {kind} {label}, exactly as drawn or shown."
        shown = exhibits.data_of(data, exhibit)
        published = pd.read_csv(package / "figures" / f"{label}.csv", keep_default_na=False)
        assert [f["name"] for f in resource["schema"]["fields"]] == [str(c) for c in shown.columns], label
        assert "primaryKey" not in resource["schema"], label
        _assert_same_data(published, shown, label)


def test_the_exported_package_gives_back_every_table_it_was_made_from(tmp_path, data):
    """The export round trip, in process. Every check runs in this one test, on one
    export (it takes seconds): `make mutate` runs against a planted bug only the tests
    that called the mutated function, and a shared fixture's calls count only for the
    first test that uses it, so checks split into tests sharing a fixture would not run."""
    package = tmp_path / "not" / "yet" / "there"  # its parents do not exist either
    assert export.export(data, package) == package / "datapackage.json"
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    for check in (
        _check_every_resource_is_listed_in_order_with_its_csv_file,
        _check_datapackage_json_is_two_space_indented_utf8_ending_in_a_newline,
        _check_the_corpus_resources_keep_the_descriptions_the_data_appendix_shows,
        _check_annotations_come_back_row_for_row_and_column_for_column,
        _check_documents_are_sources_yaml_with_counts_from_the_texts,
        _check_sentences_are_the_pinned_sentences_in_order,
        _check_codebook_lists_every_code_of_codebook_yaml,
        _check_reliability_counts_agree_with_the_two_codings,
        _check_the_stance_audit_and_the_zero_review_come_back_row_for_row,
        _check_every_derived_table_has_its_declared_columns_types_and_descriptions,
        _check_numbers_have_four_decimal_places_and_booleans_are_words,
    ):
        check(package, descriptor)
    _check_each_figure_csv_holds_the_data_behind_its_exhibit(data, package, descriptor)


# --- in-process: the pieces of the export, on tables made by hand --------------------


def test_a_tables_schema_is_inferred_from_its_column_types():
    table = pd.DataFrame(
        {
            "count": [1, 2],  # int64
            "share": [0.5, 0.25],  # float64
            "robust": [True, False],  # bool
            "label": ["a", "b"],  # str
            "when": pd.to_datetime(["2020-01-01", "2021-01-01"]),  # datetime64: no mapping
            "maybe": pd.array([1, None], dtype="Int64"),  # nullable integer
            2024: [3, 4],  # a column named by a number
        }
    )
    fields = [
        {"name": "count", "type": "integer"},
        {"name": "share", "type": "number"},
        {"name": "robust", "type": "boolean"},
        {"name": "label", "type": "string"},
        {"name": "when", "type": "string"},
        {"name": "maybe", "type": "integer"},
        {"name": "2024", "type": "integer"},
    ]
    assert export._inferred_schema(table, ["label"]) == {"fields": fields, "primaryKey": ["label"]}
    assert export._inferred_schema(table, []) == {"fields": fields}


def test_a_table_is_written_as_csv_without_index_its_rounded_numbers_as_they_are(tmp_path):
    folder = tmp_path / "a" / "b"  # neither exists yet
    table = pd.DataFrame({"name": ["x", "y, z"], "value": [0.3333, 1234567.0], "small": [0.0001, 2.0], "n": [1, 2]})
    export._write(table, folder / "one.csv")
    export._write(table[["n"]], folder / "two.csv")  # into the folder that now exists
    assert (folder / "one.csv").read_bytes() == b'name,value,small,n\nx,0.3333,0.0001,1\n"y, z",1234567.0,2.0,2\n'
    assert (folder / "two.csv").read_bytes() == b"n\n1\n2\n"


def test_an_unrounded_number_stops_the_export_naming_its_column(tmp_path):
    table = pd.DataFrame({"share": [0.25, 1 / 3]})
    with pytest.raises(ValueError, match=r"one.csv: column 'share' has numbers with more than 4 decimal places"):
        export._write(table, tmp_path / "one.csv")
    assert not (tmp_path / "one.csv").exists()


def test_a_declared_schema_resolves_shared_fields_and_keeps_only_type_and_description():
    declaration = {
        "fields": {"source_id": {"type": "string", "description": "Source id."}},
        "resources": [
            {"name": "other", "description": "Not this one.", "primary_key": [], "fields": ["source_id"]},
            {
                "name": "tiny",
                "description": "A tiny table.",
                "primary_key": ["source_id"],
                "fields": ["source_id", {"name": "n", "type": "integer", "description": "A count.", "note": "x"}],
            },
        ],
    }
    assert export.declared_schema("tiny", declaration) == (
        {
            "fields": [
                {"name": "source_id", "type": "string", "description": "Source id."},
                {"name": "n", "type": "integer", "description": "A count."},
            ],
            "primaryKey": ["source_id"],
        },
        "A tiny table.",
    )


def test_conform_puts_the_columns_in_declared_order_and_names_every_difference():
    schema = {"fields": [{"name": "a"}, {"name": "b"}]}
    table = pd.DataFrame({"b": [2], "a": [1]})
    assert list(export.conform("tiny", table, schema).columns) == ["a", "b"]
    with pytest.raises(ValueError) as error:
        export.conform("tiny", table.assign(c=3, d=4), schema)
    assert (
        str(error.value)
        == "datapackage.yaml: resource 'tiny' differs from its table: missing [], undeclared ['c', 'd']"
    )
    with pytest.raises(ValueError) as error:
        export.conform("tiny", table[["b"]].assign(c=3), schema)
    assert (
        str(error.value) == "datapackage.yaml: resource 'tiny' differs from its table: missing ['a'], undeclared ['c']"
    )


def test_sentences_frame_has_one_row_per_pinned_sentence(data):
    frame = export.sentences_frame(data)
    assert list(frame.columns) == ["sentence_id", "document_id", "paragraph_id", "kind", "start", "end", "text"]
    pinned = _pinned_sentences()
    assert [(r.sentence_id, r.kind, r.start, r.end) for r in frame.itertuples()] == [
        (p["sentence_id"], p["kind"], int(p["start"]), int(p["end"])) for p in pinned
    ]
    assert [(r.document_id, r.paragraph_id) for r in frame.itertuples()] == [
        (corpus.document_of(p["sentence_id"]), p["sentence_id"].rsplit("-s", 1)[0]) for p in pinned
    ]


def test_export_writes_each_table_with_a_descriptor_made_by_hand(tmp_path, monkeypatch, data):
    """The export's own work, on small tables: files, paths, schemas and the descriptor,
    into a directory that exists already."""
    people = pd.DataFrame({"person": ["ann", "bo"], "age": [31, 4], "height": [0.3333, 1.5], "member": [True, False]})
    similarity_columns = [f["name"] for f in _declared("similarity")[0]["fields"]]
    similarity = pd.DataFrame({c: [f"v{i}"] for i, c in enumerate(similarity_columns)})[similarity_columns[::-1]]
    figure, table = pd.DataFrame({"x": [1, 2]}), pd.DataFrame({"Source": ["Canada"]})
    monkeypatch.setattr(
        export, "resources", lambda data: {"people": (people, ["person"], "People, one a row (¶ 1–2).")}
    )
    monkeypatch.setattr(export, "derived_tables", lambda data: {"similarity": similarity})
    monkeypatch.setattr(
        exhibits,
        "registry",
        lambda: {
            "fig-tiny": exhibits.Exhibit("fig-tiny", "synthesis", "note", lambda data: figure),
            "tbl-tiny": exhibits.Exhibit("tbl-tiny", "synthesis", "note", lambda data: table),
        },
    )
    assert export.export(data, tmp_path) == tmp_path / "datapackage.json"

    def entry(name, path, description, schema):
        return {
            "name": name,
            "path": path,
            "format": "csv",
            "encoding": "utf-8",
            "description": description,
            "schema": schema,
        }

    similarity_schema, similarity_description = _declared("similarity")
    assert json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8")) == {
        "name": "drug-law-enforcement-sources",
        "title": "Sources on drug law enforcement compared: corpus, codebook, coding and findings",
        "version": _yaml("data/coding/codebook.yaml")["version"],
        "resources": [
            entry(
                "people",
                "people.csv",
                "People, one a row (¶ 1–2).",
                {
                    "fields": [
                        {"name": "person", "type": "string"},
                        {"name": "age", "type": "integer"},
                        {"name": "height", "type": "number"},
                        {"name": "member", "type": "boolean"},
                    ],
                    "primaryKey": ["person"],
                },
            ),
            entry("similarity", "similarity.csv", similarity_description, similarity_schema),
            entry(
                "fig-tiny",
                "figures/fig-tiny.csv",
                "The data behind figure fig-tiny, exactly as drawn or shown.",
                {"fields": [{"name": "x", "type": "integer"}]},
            ),
            entry(
                "tbl-tiny",
                "figures/tbl-tiny.csv",
                "The data behind table tbl-tiny, exactly as drawn or shown.",
                {"fields": [{"name": "Source", "type": "string"}]},
            ),
        ],
    }
    text = (tmp_path / "datapackage.json").read_text(encoding="utf-8")
    assert text.startswith('{\n  "name": "drug-law-enforcement-sources",\n')
    assert '\n      "description": "People, one a row (¶ 1–2).",\n' in text
    assert text.endswith("\n}\n")
    assert (tmp_path / "people.csv").read_text(encoding="utf-8") == (
        "person,age,height,member\nann,31,0.3333,True\nbo,4,1.5,False\n"
    )
    # The derived table comes out in its declared column order.
    values = ",".join(f"v{i}" for i in range(len(similarity_columns)))
    assert (tmp_path / "similarity.csv").read_text(encoding="utf-8") == ",".join(similarity_columns) + f"\n{values}\n"
    assert (tmp_path / "figures" / "fig-tiny.csv").read_text(encoding="utf-8") == "x\n1\n2\n"
    assert (tmp_path / "figures" / "tbl-tiny.csv").read_text(encoding="utf-8") == "Source\nCanada\n"


def test_a_derived_table_that_differs_from_its_declaration_stops_the_export_naming_it(tmp_path, monkeypatch, data):
    monkeypatch.setattr(export, "resources", lambda data: {})
    monkeypatch.setattr(
        export, "derived_tables", lambda data: {"similarity": pd.DataFrame({"cosine": [1.0], "extra": [2]})}
    )
    missing = sorted(f["name"] for f in _declared("similarity")[0]["fields"] if f["name"] != "cosine")
    with pytest.raises(ValueError) as error:
        export.export(data, tmp_path / "not" / "yet" / "there")
    assert str(error.value) == (
        f"datapackage.yaml: resource 'similarity' differs from its table: missing {missing}, undeclared ['extra']"
    )
