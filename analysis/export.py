"""Write the Frictionless data package: the corpus, the codebook, the coding, the
reliability figures, every derived table behind the findings, and the CSV of
each figure and table, described by one datapackage.json.

The derived tables' columns and meanings are declared in
data/schemas/datapackage.yaml; a table that disagrees with its declaration
stops the export, so a column cannot silently go missing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis import coding, corpus, measures, results, review
from analysis.datafiles import load_yaml
from analysis.paths import SCHEMAS_DIR

TYPES = {"int64": "integer", "Int64": "integer", "float64": "number", "bool": "boolean"}  # Int64: counts with gaps
DECLARED = SCHEMAS_DIR / "datapackage.yaml"


def sentences_frame(data) -> pd.DataFrame:
    rows = []
    for document in data.documents.values():
        for paragraph in document.paragraphs:
            for sentence in paragraph.sentences:
                rows.append(
                    {
                        "sentence_id": sentence.id,
                        "document_id": document.id,
                        "paragraph_id": paragraph.id,
                        "kind": paragraph.kind,
                        "start": sentence.start,
                        "end": sentence.end,
                        "text": sentence.text,
                    }
                )
    return pd.DataFrame(rows)


def resources(data) -> dict[str, tuple[pd.DataFrame, list[str], str]]:
    """The corpus and coding resources: name -> (table, primary key, description)."""
    documents = corpus.documents_frame(data).drop(columns=["file"])
    columns = "document_id sentence_id paragraph_id start end quote prefix suffix code item dimension stance coder note"
    annotations = results.annotations(data)[columns.split()]
    return {
        "documents": (documents, ["document_id"], "The documents: provenance, dates and size."),
        "sentences": (sentences_frame(data), ["sentence_id"], "Every paragraph's natural sentences with their ids."),
        "codebook": (coding.codes(data), ["code"], "Codes of the three dimensions with their rules and keywords."),
        "annotations": (annotations, [], "Quote-anchored codes; sentence ids derived from the quote's position."),
        "reliability": (
            measures.reliability_results(data),
            [],
            "Krippendorff's alpha of each round of blind second coding, per dimension, code and (round 2) threat item.",
        ),
        "stance_audit": (
            review.audit_rows(data),
            ["sentence_id", "code"],
            "Every implements, harm-reduction endorses and contrasting stance, re-read by two auditors under "
            "codebook 2.0.0.",
        ),
        "threat_items": (
            coding.items(data),
            ["item"],
            "The named threat items beneath each threats code (family), with their rules, keywords and the "
            "enforcement codes that count as the same thing.",
        ),
        "zero_review": (
            review.review_rows(data),
            [],
            "Every 'not raised' cell of the findings read again against the source's text, with the decision.",
        ),
    }


def derived_tables(data) -> dict[str, pd.DataFrame]:
    """The derived tables behind the findings, by resource name (see datapackage.yaml)."""
    from analysis import exhibits

    return {
        "enforcement_salience": results.dimension_table(data, "enforcement"),
        "harm_reduction_scores": results.indicator_scores(data, exhibits.HR_INDEX),
        "harm_reduction_index": results.index_table(data, exhibits.HR_INDEX),
        "enforcement_scores": results.indicator_scores(data, exhibits.ENFORCEMENT_INDEX),
        "enforcement_index": results.index_table(data, exhibits.ENFORCEMENT_INDEX),
        "threat_matrix": results.threat_matrix(data, "item"),
        "threat_families": results.threat_matrix(data, "code"),
        "rank_stability": results.rank_stability(data),
        "order_robustness": results.order_robustness(data),
        "similarity": results.similarity(data),
    }


def declared() -> dict:
    return load_yaml(DECLARED.read_text(encoding="utf-8"))


def declared_schema(name: str, declaration: dict) -> tuple[dict, str]:
    """The Table Schema (every field described) and description of a declared resource."""
    (entry,) = [r for r in declaration["resources"] if r["name"] == name]
    fields = []
    for field in entry["fields"]:
        spec = field if isinstance(field, dict) else {"name": field, **declaration["fields"][field]}
        fields.append({"name": spec["name"], "type": spec["type"], "description": spec["description"]})
    return {"fields": fields, "primaryKey": entry["primary_key"]}, entry["description"]


def conform(name: str, table: pd.DataFrame, schema: dict) -> pd.DataFrame:
    """The table's columns in declared order; an error naming the difference otherwise."""
    names = [f["name"] for f in schema["fields"]]
    missing, extra = sorted(set(names) - set(table.columns)), sorted(set(table.columns) - set(names))
    if missing or extra:
        raise ValueError(
            f"{DECLARED.name}: resource {name!r} differs from its table: missing {missing}, undeclared {extra}"
        )
    return table[names]


def _inferred_schema(table: pd.DataFrame, primary_key: list[str]) -> dict:
    fields = [{"name": str(c), "type": TYPES.get(str(t), "string")} for c, t in table.dtypes.items()]
    return {"fields": fields, "primaryKey": primary_key} if primary_key else {"fields": fields}


def _write(table: pd.DataFrame, path: Path) -> None:
    """The table as CSV. Numbers are written as they were rounded where they were made
    (``results.DECIMALS`` places), never re-rounded here; a column with more digits stops
    the export, naming it, so an unrounded number cannot reach the package."""
    for column in table.select_dtypes("float").columns:
        values = table[column].dropna()
        if not values.equals(values.round(results.DECIMALS)):
            raise ValueError(
                f"{path.name}: column {column!r} has numbers with more than {results.DECIMALS} decimal places; "
                "round them where the table is made (results.published)"
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False, lineterminator="\n")


def export(data, directory: Path) -> Path:
    """Write one CSV per resource and datapackage.json into ``directory``."""
    from analysis import exhibits

    directory.mkdir(parents=True, exist_ok=True)
    book = data.codebook
    descriptor = {
        "name": "drug-law-enforcement-sources",
        "title": "Sources on drug law enforcement compared: corpus, codebook, coding and findings",
        "version": book["version"],
        "resources": [],
    }

    def add(name: str, table: pd.DataFrame, relative: str, schema: dict, description: str) -> None:
        _write(table, directory / relative)
        descriptor["resources"].append(
            {
                "name": name,
                "path": relative,
                "format": "csv",
                "encoding": "utf-8",
                "description": description,
                "schema": schema,
            }
        )

    for name, (table, key, description) in resources(data).items():
        add(name, table, f"{name}.csv", _inferred_schema(table, key), description)
    declaration = declared()
    for name, table in derived_tables(data).items():
        schema, description = declared_schema(name, declaration)
        add(name, conform(name, table, schema), f"{name}.csv", schema, description)
    for label, exhibit in exhibits.registry().items():
        table = exhibits.data_of(data, exhibit)
        kind = "figure" if exhibit.is_figure else "table"
        add(
            label,
            table,
            f"{exhibits.CSV_DIR}/{label}.csv",
            _inferred_schema(table, []),
            f"The data behind {kind} {label}, exactly as drawn or shown.",
        )
    target = directory / "datapackage.json"
    target.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target
