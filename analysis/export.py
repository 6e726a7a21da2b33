"""Write the Frictionless data package: the corpus, the codebook, the coding and
the reliability figures as CSV, described by one datapackage.json."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis import coding, corpus, measures

TYPES = {"int64": "integer", "float64": "number", "bool": "boolean"}


def sentences_frame() -> pd.DataFrame:
    rows = []
    for document in corpus.load_documents():
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


def resources() -> dict[str, tuple[pd.DataFrame, list[str], str]]:
    """name -> (table, primary key, description)."""
    documents = corpus.documents_frame().drop(columns=["file"])
    columns = "document_id sentence_id paragraph_id start end quote prefix suffix code dimension stance coder note"
    annotations = coding.load_annotations()[columns.split()]
    return {
        "documents": (documents, ["document_id"], "The five documents: provenance, dates and size."),
        "sentences": (sentences_frame(), ["sentence_id"], "Every paragraph's natural sentences with their ids."),
        "codebook": (coding.codes(), ["code"], "Codes of the three dimensions with their rules and keywords."),
        "annotations": (annotations, [], "Quote-anchored codes; sentence ids derived from the quote's position."),
        "reliability": (
            measures.reliability_results(),
            [],
            "Krippendorff's alpha of the blind second coding, per dimension and code.",
        ),
    }


def _schema(table: pd.DataFrame, primary_key: list[str]) -> dict:
    fields = [{"name": c, "type": TYPES.get(str(t), "string")} for c, t in table.dtypes.items()]
    return {"fields": fields, "primaryKey": primary_key} if primary_key else {"fields": fields}


def export(directory: Path) -> Path:
    """Write one CSV per resource and datapackage.json into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    book = coding.codebook()
    descriptor = {
        "name": "drug-law-enforcement-sources",
        "title": "Four sources on drug law enforcement: corpus, codebook and coding",
        "version": book["version"],
        "resources": [],
    }
    for name, (table, key, description) in resources().items():
        path = directory / f"{name}.csv"
        table.to_csv(path, index=False, lineterminator="\n", float_format="%.6g")
        descriptor["resources"].append(
            {
                "name": name,
                "path": path.name,
                "format": "csv",
                "encoding": "utf-8",
                "description": description,
                "schema": _schema(table, key),
            }
        )
    target = directory / "datapackage.json"
    target.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target
