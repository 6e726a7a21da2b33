"""The corpus: verbatim texts, described by a metadata file that follows its schema."""

import hashlib
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from analysis import corpus
from analysis.datafiles import Problem
from analysis.loaded import Loaded
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


# --- validate_sources on a small corpus written in tmp_path -------------------------

SOURCE = """\
  - id: {id}
    label: Source {id}
    name: The {id} office
    documents:
"""
DOCUMENT = """\
      - id: {id}
        file: {file}
        title: A report
        publisher: An office
        kind: {kind}
        date: "2001"
        date_status: stated
        date_basis: Stated on its cover.
        event: not stated
        reference_year: {year}
        words: {words}
        sha256: {sha256}
"""
# The texts of the small corpus, with their word counts counted by hand.
TEXTS = {
    "a.txt": ("One two three.\n", 3),  # one paragraph of one sentence
    "b.txt": ("Four five.\nSix seven eight nine.\n", 6),  # one paragraph of two sentences
    "c.txt": ("Summary\n\nTen items here.\n", 4),  # a heading, then a paragraph of one sentence
}


def consistent() -> dict[str, list[dict]]:
    """Two sources, three documents: AA-2001 (a.txt), AA-2002 (b.txt), BB-2003 (c.txt)."""
    return {
        "AA": [{"id": "AA-2001", "file": "a.txt"}, {"id": "AA-2002", "file": "b.txt"}],
        "BB": [{"id": "BB-2003", "file": "c.txt"}],
    }


def write_corpus(folder: Path, documents: dict[str, list[dict]]) -> tuple[Path, str]:
    """Write the TEXTS and a sources.yaml listing ``documents`` ({source id: [document]}),
    a document's words and sha256 being those of its text, its kind "report" and its
    reference year 2001 unless given (as "kind" and "year"). Returns the
    metadata file and its YAML text."""
    for name, (text, _) in TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    yaml_text = "schema: sources.schema.json\nsources:\n"
    for source_id, docs in documents.items():
        yaml_text += SOURCE.format(id=source_id)
        for doc in docs:
            text, words = TEXTS.get(doc["file"], ("", 1))
            sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
            yaml_text += DOCUMENT.format(**{"words": words, "sha256": sha, "kind": "report", "year": 2001, **doc})
    path = folder / "sources.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    return path, yaml_text


def value_at(yaml_text: str, key: str, occurrence: int) -> tuple[int, int]:
    """(line, column), from 1, of the value of the ``occurrence``-th (from 0) ``key:`` in
    the YAML the test wrote, found by searching its lines (a route apart from the parser)."""
    found = [
        (number, line.index(f"{key}: ") + len(key) + 3)
        for number, line in enumerate(yaml_text.split("\n"), start=1)
        if line.lstrip(" -").startswith(f"{key}: ")
    ]
    return found[occurrence]


def test_the_project_sources_metadata_passes_every_check():
    assert corpus.validate_sources() == []


def test_a_consistent_small_corpus_passes(tmp_path):
    path, _ = write_corpus(tmp_path, consistent())
    assert corpus.validate_sources(path) == []


def test_the_value_positions_the_tests_use_are_the_lines_of_the_written_yaml(tmp_path):
    """A check of the helper: the third document's id is on line 35 (2 top lines, 4 per
    source, 12 per document: 2 + 4 + 12 + 12 + 4 + 1), after '      - id: '."""
    _, yaml_text = write_corpus(tmp_path, consistent())
    assert value_at(yaml_text, "id", 4) == (35, 13)  # ids: AA, AA-2001, AA-2002, BB, BB-2003
    assert yaml_text.split("\n")[34] == "      - id: BB-2003"


def test_a_document_id_used_twice_is_named_at_its_second_use(tmp_path):
    documents = consistent()
    documents["BB"][0]["id"] = "AA-2001"
    path, yaml_text = write_corpus(tmp_path, documents)
    assert corpus.validate_sources(path) == [
        Problem(path, *value_at(yaml_text, "id", 4), "document id AA-2001 is used twice")
    ]


def test_a_missing_text_is_named_and_the_other_documents_are_still_checked(tmp_path):
    documents = consistent()
    documents["AA"][0]["file"] = "gone.txt"
    documents["AA"][1]["words"] = 7  # b.txt has 6
    path, yaml_text = write_corpus(tmp_path, documents)
    assert corpus.validate_sources(path) == [
        Problem(path, *value_at(yaml_text, "file", 0), "AA-2001: no file gone.txt"),
        Problem(path, *value_at(yaml_text, "words", 1), "AA-2002: b.txt has 6 words"),
        Problem(tmp_path / "a.txt", 1, 1, "a.txt is not listed in sources.yaml"),
    ]


def test_a_text_that_is_not_utf8_is_named_at_its_line_and_the_others_are_still_checked(tmp_path):
    documents = consistent()
    documents["AA"][1]["words"] = 5  # b.txt has 6
    path, yaml_text = write_corpus(tmp_path, documents)
    (tmp_path / "a.txt").write_bytes(b"One\ntwo\nthr\xe9e.\n")  # the bad byte is on line 3
    assert corpus.validate_sources(path) == [
        Problem(tmp_path / "a.txt", 3, 1, "AA-2001: the text is not UTF-8"),
        Problem(path, *value_at(yaml_text, "words", 1), "AA-2002: b.txt has 6 words"),
    ]


def test_an_edited_text_fails_its_checksum_and_its_word_count(tmp_path):
    path, yaml_text = write_corpus(tmp_path, consistent())
    edited = "Four five.\nSix seven eight nine ten.\n"  # 7 words
    (tmp_path / "b.txt").write_text(edited, encoding="utf-8")
    sha = hashlib.sha256(edited.encode("utf-8")).hexdigest()
    assert corpus.validate_sources(path) == [
        Problem(
            path, *value_at(yaml_text, "sha256", 1), f"AA-2002: sha256 of b.txt is {sha}; texts must stay verbatim"
        ),
        Problem(path, *value_at(yaml_text, "words", 1), "AA-2002: b.txt has 7 words"),
    ]


def test_a_wrong_word_count_alone_is_reported_at_its_value(tmp_path):
    documents = consistent()
    documents["BB"][0]["words"] = 2  # c.txt has 4
    path, yaml_text = write_corpus(tmp_path, documents)
    assert corpus.validate_sources(path) == [
        Problem(path, *value_at(yaml_text, "words", 2), "BB-2003: c.txt has 4 words")
    ]


def test_texts_not_listed_are_named_in_file_order_and_other_files_are_ignored(tmp_path):
    path, _ = write_corpus(tmp_path, consistent())
    for name in ("e.txt", "d.txt", "notes.md", "f.TXT.bak"):
        (tmp_path / name).write_text("Stray.\n", encoding="utf-8")
    assert corpus.validate_sources(path) == [
        Problem(tmp_path / "d.txt", 1, 1, "d.txt is not listed in sources.yaml"),
        Problem(tmp_path / "e.txt", 1, 1, "e.txt is not listed in sources.yaml"),
    ]


def test_a_schema_problem_is_reported_alone_before_any_text_is_read(tmp_path):
    path, yaml_text = write_corpus(tmp_path, consistent())
    yaml_text = yaml_text.replace("        words: 6\n", "")  # AA-2002 loses its word count
    path.write_text(yaml_text, encoding="utf-8")
    (tmp_path / "stray.txt").write_text("Not listed.\n", encoding="utf-8")
    (tmp_path / "c.txt").unlink()
    # A missing key is reported at the document's mapping, which starts at its first key.
    line, column = value_at(yaml_text, "id", 2)
    assert corpus.validate_sources(path) == [
        Problem(path, line, column - len("id: "), "sources/0/documents/1: 'words' is a required property")
    ]


def test_metadata_without_its_sources_is_named_as_the_sources_metadata(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text("schema: sources.schema.json\n", encoding="utf-8")
    assert corpus.validate_sources(path) == [Problem(path, 1, 1, "sources metadata: 'sources' is a required property")]


def test_metadata_that_is_not_yaml_cannot_be_read(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text("schema: sources.schema.json\nsources: [\n", encoding="utf-8")
    (problem,) = corpus.validate_sources(path)
    assert (problem.path, problem.row) == (path, 3)
    assert problem.message.startswith("cannot read the sources metadata: ")


# --- the corpus tables, on the small corpus ----------------------------------------------


@pytest.fixture
def small_corpus(tmp_path, monkeypatch):
    """Make the corpus the small one written by ``write_corpus`` (call the returned
    function with its documents; it returns the data loaded from it); the real corpus is
    back after the test."""

    def use(documents: dict[str, list[dict]]) -> Loaded:
        path, _ = write_corpus(tmp_path, documents)
        monkeypatch.setattr(corpus, "SOURCES_METADATA", path)  # the texts are read from its folder
        return Loaded()

    return use


def test_documents_frame_gives_the_metadata_and_the_counts_measured_on_each_text(small_corpus):
    documents = consistent()
    documents["AA"][1].update(kind="review", year=2003)
    data = small_corpus(documents)
    frame = corpus.documents_frame(data)
    assert list(frame.columns) == [
        "document_id", "source_id", "source", "title", "publisher", "kind", "date", "date_status",
        "date_basis", "event", "reference_year", "words", "paragraphs", "sentences", "file", "sha256",
    ]  # fmt: skip
    common = ("A report", "An office")
    dated = ("2001", "stated", "Stated on its cover.", "not stated")
    sha = {name: hashlib.sha256(text.encode("utf-8")).hexdigest() for name, (text, _) in TEXTS.items()}
    assert [tuple(row) for row in frame.itertuples(index=False)] == [
        ("AA-2001", "AA", "Source AA", *common, "report", *dated, 2001, 3, 1, 1, "a.txt", sha["a.txt"]),
        ("AA-2002", "AA", "Source AA", *common, "review", *dated, 2003, 6, 1, 2, "b.txt", sha["b.txt"]),
        ("BB-2003", "BB", "Source BB", *common, "report", *dated, 2001, 4, 2, 2, "c.txt", sha["c.txt"]),
    ]


def test_sources_frame_pools_each_sources_documents_in_time_order(small_corpus):
    documents = consistent()
    documents["AA"][0]["year"] = 2002
    documents["AA"][1].update(kind="review", year=2003)
    data = small_corpus(documents)  # BB (2001) comes before AA (2002, its earlier document's year)
    columns = ["source_id", "source", "reference_year", "documents", "kinds", "words", "sentences", "body_sentences"]
    frame = corpus.sources_frame(data)
    assert list(frame.columns) == columns
    assert [tuple(row) for row in frame.itertuples(index=False)] == [
        ("BB", "Source BB", 2001, "BB-2003", "report", 4, 2, 1),
        ("AA", "Source AA", 2002, "AA-2001 AA-2002", "report; review", 9, 3, 3),
    ]


def test_sources_of_the_same_year_keep_their_metadata_order_and_a_kind_is_named_once(small_corpus):
    documents = consistent()
    documents["AA"][1]["year"] = 2003
    documents["BB"][0]["year"] = 2001
    data = small_corpus(documents)  # AA and BB both from 2001
    assert [tuple(row) for row in corpus.sources_frame(data)[["source_id", "kinds"]].itertuples(index=False)] == [
        ("AA", "report"),
        ("BB", "report"),
    ]


def test_body_sentences_leave_out_headings(small_corpus):
    data = small_corpus(consistent())
    document = data.documents["BB-2003"]
    assert [s.text for s in document.sentences] == ["Summary", "Ten items here."]
    assert [s.id for s in corpus.body_sentences(document)] == ["BB-2003-p002-s01"]
    assert [d.id for d in data.documents.values()] == ["AA-2001", "AA-2002", "BB-2003"]


def test_the_document_of_a_sentence_or_paragraph_id():
    assert corpus.document_of("CH-2013b-p014-s02") == "CH-2013b"
    assert corpus.document_of("CH-2013b-p014") == "CH-2013b"
