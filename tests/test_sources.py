"""The corpus: verbatim texts, described by a metadata file that follows its schema."""

import json
from pathlib import Path

import jsonschema
import yaml

from analysis import corpus
from analysis.paths import ROOT, SCHEMAS_DIR, SOURCES_DIR, SOURCES_METADATA


def metadata() -> dict:
    return yaml.safe_load(SOURCES_METADATA.read_text(encoding="utf-8"))


def documents_meta() -> list[dict]:
    return [d for s in metadata()["sources"] for d in s["documents"]]


def test_metadata_follows_its_schema():
    schema = json.loads((SCHEMAS_DIR / "sources.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(metadata(), schema)


def test_schema_rejects_a_bad_date():
    schema = json.loads((SCHEMAS_DIR / "sources.schema.json").read_text(encoding="utf-8"))
    bad = metadata()
    bad["sources"][0]["documents"][0]["date"] = "2019-13-40"
    try:
        jsonschema.validate(bad, schema)
    except jsonschema.ValidationError as error:
        assert list(error.absolute_path)[-1] == "date"
    else:
        raise AssertionError("a bad date passed the schema")


def test_every_text_is_listed_once_and_nothing_else():
    listed = sorted(d["file"] for d in documents_meta())
    assert listed == sorted(p.name for p in SOURCES_DIR.glob("*.txt"))
    ids = [d["id"] for d in documents_meta()]
    assert len(ids) == len(set(ids))


def test_checksums_and_word_counts_match_the_texts():
    for doc in documents_meta():
        path = SOURCES_DIR / doc["file"]
        assert corpus.sha256(path) == doc["sha256"], f"{path}: text changed; it must stay verbatim"
        assert corpus.word_count(corpus.read_text(path)) == doc["words"], path


def test_four_sources_five_documents():
    sources = metadata()["sources"]
    assert len(sources) == 4
    assert sum(len(s["documents"]) for s in sources) == 5


def test_inferred_dates_give_a_reason():
    for doc in documents_meta():
        if doc["date_status"] == "inferred":
            assert len(doc["date_basis"].split()) >= 5, doc["id"]


def test_nothing_reads_the_shared_folder_at_run_time():
    for folder in ("analysis", "book", "tests"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".py", ".md", ".yml", ".yaml"} and path != Path(__file__):
                assert "../shared" not in path.read_text(encoding="utf-8"), path
