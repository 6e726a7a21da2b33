"""Add a source document as data, with no code change: `python -m analysis add-source`.

It copies the text verbatim into data/sources/, computes its sha256 and word count,
and writes its entry into sources.yaml (keeping the file's comments and layout: the
entry is inserted as text, then the whole file is checked against its schema before
anything is written). A document of a new source needs the source's label and name.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import yaml

from analysis import citation, corpus
from analysis.datafiles import Problem, compose_yaml, load_yaml, schema_problems
from analysis.paths import SOURCES_DIR, SOURCES_METADATA

SCHEMA = "sources.schema.json"


def document_entry(document_id: str, text_file: str, raw: bytes, **fields) -> dict:
    """The metadata entry of a document, in the order sources.yaml keeps."""
    year = fields.get("reference_year") or int(fields["date"][:4])
    return {
        "id": document_id,
        "file": text_file,
        "title": fields["title"],
        "short_title": fields.get("short_title") or fields["kind"],
        "publisher": fields["publisher"],
        "kind": fields["kind"],
        "date": fields["date"],
        "date_status": fields["date_status"],
        "date_basis": fields["date_basis"],
        "event": fields.get("event") or "not stated",
        "reference_year": year,
        "words": corpus.word_count(raw.decode("utf-8")),
        "sha256": hashlib.sha256(raw).hexdigest(),
    }


def _block(item: dict, indent: int) -> str:
    """One YAML list item, indented to sit in the file's list."""
    dumped = yaml.safe_dump([item], sort_keys=False, allow_unicode=True, width=10_000)
    return "".join(" " * indent + line for line in dumped.splitlines(keepends=True))


def with_document(metadata_text: str, source_id: str, entry: dict, source: dict | None) -> str:
    """sources.yaml with the entry added: under its source if the source is listed,
    else as a new source at the end."""
    tree = compose_yaml(metadata_text)
    sources = next(value for key, value in tree.value if key.value == "sources")
    for node in sources.value:
        fields = {key.value: value for key, value in node.value}
        if fields["id"].value == source_id:
            documents = fields["documents"]
            last = documents.value[-1]
            end = metadata_text.index("\n", last.value[-1][1].end_mark.index - 1) + 1
            indent = documents.value[0].start_mark.column - 2
            return metadata_text[:end] + _block(entry, indent) + metadata_text[end:]
    if source is None:
        raise KeyError(source_id)
    indent = sources.value[0].start_mark.column - 2
    text = metadata_text if metadata_text.endswith("\n") else metadata_text + "\n"
    return text + _block({**source, "documents": [entry]}, indent)


def add_source(text_path: Path, document_id: str, metadata_path: Path = SOURCES_METADATA, **fields) -> list[Problem]:
    """Check everything first; write the text and the metadata only when all holds."""
    if not text_path.is_file():
        return [Problem(text_path, 0, 0, "no such file")]
    raw = text_path.read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return [Problem(text_path, line, 1, "the text is not UTF-8; save it as UTF-8 first")]
    metadata_text = metadata_path.read_text(encoding="utf-8")
    metadata = load_yaml(metadata_text)
    known = {d["id"] for s in metadata["sources"] for d in s["documents"]}
    if document_id in known:
        return [Problem(metadata_path, 1, 1, f"{document_id} is already listed")]
    target = SOURCES_DIR / f"{document_id}.txt"
    if target.exists():
        return [Problem(target, 0, 0, "a file of that name is already in data/sources")]
    source_id = document_id.split("-")[0]
    listed = {s["id"] for s in metadata["sources"]}
    source = None
    if source_id not in listed:
        if not fields.get("source_label") or not fields.get("source_name"):
            message = f"{source_id} is a new source: give --source-label and --source-name"
            return [Problem(metadata_path, 1, 1, message)]
        source = {"id": source_id, "label": fields["source_label"], "name": fields["source_name"]}
    if not fields.get("date") or not fields["date"][:4].isdigit():
        return [Problem(metadata_path, 1, 1, f"--date {fields.get('date')!r}: give YYYY, YYYY-MM or YYYY-MM-DD")]
    entry = document_entry(document_id, target.name, raw, **fields)
    updated = with_document(metadata_text, source_id, entry, source)
    problems = schema_problems(metadata_path, load_yaml(updated), compose_yaml(updated), SCHEMA, "sources")
    if problems:
        return problems
    shutil.copyfile(text_path, target)
    metadata_path.write_text(updated, encoding="utf-8")
    if source is not None:  # the book's title counts its sources
        citation.retitle(len(load_yaml(updated)["sources"]))
    return []
