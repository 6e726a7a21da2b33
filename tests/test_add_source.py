"""Adding a source is a data change: `add-source` copies the text and writes its
metadata; `sample` gives its reliability-sample rows; then `validate` passes, and no
other document's sample moved. Every step runs as a user runs it, in a project copy."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from analysis import add_source, citation, exhibits
from analysis.paths import ROOT
from tests.conftest import METHOD_TABLES, copy_project

NEW_TEXT = """# Regional drugs review 2025

Officers now carry naloxone on every shift. Organised crime groups run county lines into the towns.

Partnership working with health services has grown. Nitazenes are a growing danger in the region.
"""


# The new text's coding, one code per sentence: (quote, code, item, stance) by sentence.
CODING = {
    "p002-s01": ("Officers now carry naloxone on every shift.", "hr_naloxone", "", "implements"),
    "p002-s02": (
        "Organised crime groups run county lines into the towns.",
        "thr_exploitation_vulnerable",
        "county_lines",
        "endorses",
    ),
    "p003-s01": ("Partnership working with health services has grown.", "enf_partnerships", "", "endorses"),
    "p003-s02": ("Nitazenes are a growing danger in the region.", "thr_opioids", "nitazenes", "endorses"),
}
RELIABILITY = Path("data/coding/reliability")
CURRENT_ROUND = RELIABILITY / "round-2"  # protocol.yaml: the latest round, coded with codebook 2.0.0


def run(project: Path, *arguments: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(project)}
    command = [sys.executable, "-m", "analysis", *arguments]
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)


def add(project: Path, text_file: Path, document_id: str, *extra: str) -> subprocess.CompletedProcess:
    return run(
        project,
        *("add-source", str(text_file), "--id", document_id, "--title", "Regional drugs review"),
        *("--publisher", "A regional office", "--kind", "review", "--date", "2025-03"),
        *("--date-status", "stated", "--date-basis", "Dated March 2025 on its cover.", *extra),
    )


def append_rows(path: Path, rows: list[list[str]]) -> None:
    ending = "\r\n" if b"\r\n" in path.read_bytes() else "\n"
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator=ending).writerows(rows)


def add_and_code(project: Path, tmp_path: Path) -> None:
    """Steps 1 to 3 of the README's "Add a source", for a new source (ZY-2025) and a second
    document of a listed one (CA-2021) with the same text: add, code every sentence, draw
    the sample rows and code them in the latest round, both coders agreeing with the
    final coding (so nothing is to be adjudicated)."""
    metadata = project / "data" / "sources" / "sources.yaml"
    before = metadata.read_text(encoding="utf-8")
    text_file = tmp_path / "review.txt"
    text_file.write_text(NEW_TEXT, encoding="utf-8")

    added = add(project, text_file, "ZY-2025", "--source-label", "Region Y", "--source-name", "Region Y office")
    assert added.returncode == 0, added.stdout + added.stderr
    assert (project / "data/sources/ZY-2025.txt").read_bytes() == text_file.read_bytes()
    after = metadata.read_text(encoding="utf-8")
    assert after.startswith(before), "the existing entries and comments are kept as they were"
    assert "ZY-2025-p002-s01\ttext\tOfficers now carry naloxone on every shift." in added.stdout
    assert "hr_naloxone" in added.stdout.split("ZY-2025-p002-s01")[1].splitlines()[0]

    again = add(project, text_file, "CA-2021")  # a second document of a listed source
    assert again.returncode == 0, again.stdout + again.stderr
    sources = {s["id"]: s for s in yaml.safe_load(metadata.read_text(encoding="utf-8"))["sources"]}
    assert [d["id"] for d in sources["CA"]["documents"]] == ["CA-2019", "CA-2021"]
    assert [d["id"] for d in sources["ZY"]["documents"]] == ["ZY-2025"]
    assert sources["ZY"]["label"] == "Region Y" and sources["ZY"]["documents"][0]["words"] == len(NEW_TEXT.split())
    listed = run(project, "sentences").stdout
    assert "CA-2021-p001-s01" in listed and "ZY-2025-p001-s01" in listed

    annotations = [
        [doc, quote, "", "", code, item, stance, "A", ""]
        for doc in ("ZY-2025", "CA-2021")
        for quote, code, item, stance in CODING.values()
    ]
    append_rows(project / "data/coding/annotations.csv", annotations)
    # CA's reviewed 'not raised' cells that CA-2021 now raises (nitazenes, county lines)
    # would be stale reviews: the review of a cell the coding raises is taken out.
    raised = {("CA", code, item) for _, code, item, _ in CODING.values()}
    review = project / "data/coding/zero_review.csv"
    with review.open(encoding="utf-8", newline="") as handle:
        reviews = list(csv.reader(handle))
    kept = [row for row in reviews if tuple(row[:3]) not in raised]
    assert len(kept) < len(reviews)
    with review.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(kept)
    for document_id in ("ZY-2025", "CA-2021"):
        drawn = run(project, "sample", document_id)
        assert drawn.returncode == 0, drawn.stderr
        rows = [line.split(",") for line in drawn.stdout.splitlines()]
        assert rows and all(doc == document_id for _, doc in rows)
        append_rows(project / RELIABILITY / "sample.csv", rows)
        coded = []  # both coders agree with the final coding on the sampled sentences
        for sentence_id, _ in rows:
            mine = CODING.get(sentence_id.removeprefix(document_id + "-"))
            coded.append([sentence_id, mine[1], mine[2], mine[3], ""] if mine else [sentence_id, "", "", "", ""])
        for name in ("first_coding.csv", "second_coding.csv"):
            append_rows(project / CURRENT_ROUND / name, coded)


@pytest.mark.subprocess
def test_a_new_source_needs_second_coding_in_the_latest_round_only(tmp_path):
    """The README asks for the new sample rows to be coded in the latest round; an earlier
    round records the codebook it tested on the documents of its day, and is not recoded
    when a source is added. Then validate passes and no other document's sample moved."""
    project = copy_project(tmp_path / "project", ("analysis", "data"))
    sample_before = (project / RELIABILITY / "sample.csv").read_text(encoding="utf-8")
    add_and_code(project, tmp_path)
    checked = run(project, "validate")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "all data checks passed" in checked.stdout
    sample_after = (project / RELIABILITY / "sample.csv").read_text(encoding="utf-8")
    assert sample_after.startswith(sample_before), "no other document's sample moved"
    # Step 4: the new source's 'not raised' cells await review, and only those. ZY raises
    # 2 of the 25 enforcement and harm-reduction codes (14 + 11) and 2 of the 29 threat
    # items, so 23 + 27 = 50 cells; every other source's are reviewed.
    unreviewed = run(project, "unreviewed")
    assert unreviewed.returncode == 0, unreviewed.stderr
    *cells, count = unreviewed.stdout.splitlines()
    assert count == "[analysis] 50 'not raised' cell(s) not yet reviewed"
    assert len(cells) == 50 and all(line.startswith("ZY\t") for line in cells)
    assert "ZY\thr_diversion\t\tcandidates: " in unreviewed.stdout
    assert "ZY\tthr_opioids\tfentanyl\tcandidates: " in unreviewed.stdout
    assert "ZY\thr_naloxone\t" not in unreviewed.stdout


def coded_sentences(method_page: Path) -> int:
    """The count of coded sentences the method page states."""
    text = " ".join(re.sub(r"<[^>]+>", "", method_page.read_text(encoding="utf-8")).split())
    return int(re.search(r"In all, (\d+) sentences", text).group(1))


@pytest.mark.subprocess
def test_a_new_source_added_by_the_readme_procedure_reaches_every_page(site, tmp_path):
    """The copy starts with the site's warm notebook cache and derived tables, as a
    maintainer's checkout has after a build. jupyter-cache keys on code cells only, and
    adding a source changes data alone: every page must still show the new data, never
    a cached output (the stale-wording checks below read every page)."""
    project = copy_project(tmp_path / "project")
    shutil.copytree(ROOT / "_build", project / "_build", ignore=shutil.ignore_patterns("html", "staging"))
    coded_before = coded_sentences(site / "book/method.html")
    add_and_code(project, tmp_path)
    checked = run(project, "validate")
    assert checked.returncode == 0, checked.stdout + checked.stderr

    built = subprocess.run(
        ["make", "--no-print-directory", "book", f"PY={sys.executable}", "INSTALLED="],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(project)},
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    assert "clearing the notebook cache" in built.stdout
    site = project / "_build" / "html"
    # the new text's four sentences, coded once each, in two documents
    assert coded_sentences(site / "book/method.html") == coded_before + 2 * len(CODING)
    reader_page = (site / "book/reader/ZY-2025.html").read_text(encoding="utf-8")
    assert "Region Y 2025: review" in reader_page and "Officers now carry naloxone on every shift." in reader_page
    assert 'href="../evidence/harm-reduction.html#ev-ZY-hr_naloxone"' in reader_page
    intro = (site / "book/intro.html").read_text(encoding="utf-8")
    assert 'href="reader/ZY-2025.html"' in intro, "the table of contents lists the new reader page"
    # Nothing typed that the data can say: five sources in seven documents now.
    assert '<a href="profiles/ZY.html">Region Y</a>' in intro, "the introduction names the new source"
    assert "<h1>Policing drugs: five sources compared" in intro
    assert 'title: "Policing drugs: five sources compared"' in (project / "CITATION.cff").read_text(encoding="utf-8")
    sources_page = (site / "book/sources.html").read_text(encoding="utf-8")
    assert "The seven documents of the corpus" in sources_page
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        for stale in ("four sources", "five documents", "Four sources", "Five documents"):
            assert stale not in text, f"{page.relative_to(site)} still says {stale!r}"
    profile = (site / "book/profiles/ZY.html").read_text(encoding="utf-8")
    assert "Region Y: source profile" in profile and "Officers now carry naloxone on every shift." in profile
    for label, exhibit in exhibits.registry().items():
        if label in METHOD_TABLES:
            continue
        page = (site / "book" / f"{exhibit.chapter}.html").read_text(encoding="utf-8")
        shown = page[page.index(f'id="{label}"') :].split("</figure>")[0]
        assert "Region Y" in shown, f"{label} does not show the new source"
    compare = (site / "book/compare.html").read_text(encoding="utf-8")
    sections = re.findall(r'<section class="pair" id="([^"]+)"', compare)
    assert len(sections) == 10, "five sources make ten pairs"
    assert [s for s in sections if "ZY" in s] == [f"pair-{s}-ZY" for s in ("CH", "CA", "DU", "CE")], "the latest last"
    package = (site / "datapackage" / "documents.csv").read_text(encoding="utf-8")
    assert "ZY-2025" in package and "CA-2021" in package
    for name in ("analysis", "book", "_toc.yml"):
        assert unchanged(project / name, Path(__file__).parents[1] / name), f"{name} changed"


GENERATED = ("reader", "profiles")  # folders of pages the build writes


def unchanged(copy: Path, original: Path) -> bool:
    """Same files and bytes, generated reader and profile pages and caches aside."""

    def files(top: Path) -> dict[str, bytes]:
        paths = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        skip = ("__pycache__", "vega-bundle.js", ".ipynb_checkpoints")
        return {
            str(p.relative_to(top.parent)): p.read_bytes()
            for p in paths
            if not any(part in str(p) for part in skip) and not (p.parent.name in GENERATED and p.suffix == ".md")
        }

    return files(copy) == files(original)


@pytest.mark.subprocess
def test_add_source_refuses_a_listed_id_or_a_non_utf8_text_and_writes_nothing(tmp_path):
    project = copy_project(tmp_path / "project", ("analysis", "data"))
    metadata = project / "data" / "sources" / "sources.yaml"
    before = metadata.read_bytes()
    text_file = tmp_path / "review.txt"
    text_file.write_text(NEW_TEXT, encoding="utf-8")
    listed = add(project, text_file, "CA-2019")
    assert listed.returncode == 1 and "CA-2019 is already listed" in listed.stdout
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\xe9 review\n".encode("latin-1"))
    broken = add(project, latin, "ZY-2025", "--source-label", "Y", "--source-name", "Y office")
    assert broken.returncode == 1 and "latin.txt:1:1: the text is not UTF-8" in broken.stdout
    unnamed = add(project, text_file, "ZW-2025")
    assert unnamed.returncode == 1 and "give --source-label and --source-name" in unnamed.stdout
    for result in (listed, broken, unnamed):
        assert "Traceback" not in result.stdout + result.stderr
    assert metadata.read_bytes() == before
    assert sorted(p.name for p in (project / "data/sources").glob("*.txt")) == sorted(
        p.name for p in Path(__file__).parents[1].joinpath("data/sources").glob("*.txt")
    )


# --- in process: the entry, where it goes, and every refusal ------------------------------

SMALL_METADATA = """# a comment that stays
schema: sources.schema.json
sources:
  - id: AA
    label: Alpha
    name: Alpha Agency
    documents:
      - id: AA-2019
        file: AA-2019.txt
        title: "Alpha report"
        short_title: "Report"
        publisher: Alpha Agency
        kind: report
        date: "2019-05"
        date_status: stated
        date_basis: Dated on its cover.
        event: not stated
        reference_year: 2019
        words: 3
        sha256: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
  # the next source
  - id: BB
    label: Beta
    name: Beta Board
    documents:
      - id: BB-2020
        file: BB-2020.txt
        title: "Beta notes"
        short_title: "Notes"
        publisher: Beta Board
        kind: notes
        date: "2020"
        date_status: stated
        date_basis: Dated on its cover.
        event: not stated
        reference_year: 2020
        words: 2
        sha256: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
"""
TEXT = "One two three.\n\nFour five.\n"
FIELDS = {
    "title": "Alpha review",
    "publisher": "Alpha Agency",
    "kind": "review",
    "date": "2021-03",
    "date_status": "inferred",
    "date_basis": "Its figures end in 2021.",
}
# sha256 of TEXT's UTF-8 bytes, from `printf 'One two three.\n\nFour five.\n' | sha256sum`.
TEXT_SHA256 = "3a72438b006b6d426ba86fc20f8a88d5e61ff9cce2ab512fde87370bbc7e29cb"


def test_a_documents_entry_worked_out_by_hand():
    entry = add_source.document_entry("AA-2021", "AA-2021.txt", TEXT.encode(), **FIELDS)
    assert entry == {
        "id": "AA-2021",
        "file": "AA-2021.txt",
        "title": "Alpha review",
        "short_title": "review",  # none given: its kind
        "publisher": "Alpha Agency",
        "kind": "review",
        "date": "2021-03",
        "date_status": "inferred",
        "date_basis": "Its figures end in 2021.",
        "event": "not stated",
        "reference_year": 2021,  # none given: the date's year
        "words": 5,
        "sha256": TEXT_SHA256,
    }
    given = add_source.document_entry(
        "AA-2021",
        "AA-2021.txt",
        TEXT.encode(),
        **FIELDS,
        short_title="Review",
        event="Met in Oslo",
        reference_year=2020,
    )
    assert (given["short_title"], given["event"], given["reference_year"]) == ("Review", "Met in Oslo", 2020)


def test_a_document_of_a_listed_source_goes_after_its_last_document_and_the_comments_stay():
    entry = {"id": "AA-2021", "file": "AA-2021.txt"}
    updated = add_source.with_document(SMALL_METADATA, "AA", entry, None)
    before, after = SMALL_METADATA.split("  # the next source\n")
    assert updated == before + "      - id: AA-2021\n        file: AA-2021.txt\n  # the next source\n" + after
    last = add_source.with_document(SMALL_METADATA, "BB", entry, None)
    assert last == SMALL_METADATA + "      - id: AA-2021\n        file: AA-2021.txt\n"


def test_a_document_of_a_new_source_starts_a_new_source_at_the_end():
    source = {"id": "CC", "label": "Gamma", "name": "Gamma Group"}
    entry = {"id": "CC-2022", "file": "CC-2022.txt"}
    added = (
        "  - id: CC\n    label: Gamma\n    name: Gamma Group\n    documents:\n"
        "    - id: CC-2022\n      file: CC-2022.txt\n"
    )
    assert add_source.with_document(SMALL_METADATA, "CC", entry, source) == SMALL_METADATA + added
    assert add_source.with_document(SMALL_METADATA.rstrip("\n"), "CC", entry, source) == SMALL_METADATA + added
    with pytest.raises(KeyError):
        add_source.with_document(SMALL_METADATA, "CC", entry, None)


@pytest.fixture
def small_project(tmp_path, monkeypatch):
    """sources.yaml and data/sources/ in a temporary folder, and a CITATION.cff there."""
    sources = tmp_path / "sources"
    sources.mkdir()
    metadata = sources / "sources.yaml"
    metadata.write_text(SMALL_METADATA, encoding="utf-8")
    monkeypatch.setattr(add_source, "SOURCES_DIR", sources)
    cff = tmp_path / "CITATION.cff"
    cff.write_text('title: "Policing drugs: two sources compared"\n', encoding="utf-8")
    real_retitle = citation.retitle
    monkeypatch.setattr(citation, "retitle", lambda n: real_retitle(n, cff))
    text = tmp_path / "new.txt"
    text.write_text(TEXT, encoding="utf-8")
    return metadata, text, cff


def test_adding_a_document_of_a_listed_source_writes_its_text_and_entry(small_project):
    metadata, text, cff = small_project
    assert add_source.add_source(text, "AA-2021", metadata, **FIELDS) == []
    assert (metadata.parent / "AA-2021.txt").read_text(encoding="utf-8") == TEXT
    listed = yaml.safe_load(metadata.read_text(encoding="utf-8"))["sources"]
    assert [d["id"] for d in listed[0]["documents"]] == ["AA-2019", "AA-2021"]
    assert listed[0]["documents"][1]["sha256"] == TEXT_SHA256
    assert metadata.read_text(encoding="utf-8").startswith("# a comment that stays\n")
    assert "two sources" in cff.read_text(encoding="utf-8"), "no new source: the title keeps its count"


def test_adding_a_new_source_counts_it_in_the_title(small_project):
    metadata, text, cff = small_project
    fields = {**FIELDS, "source_label": "Gamma", "source_name": "Gamma Group"}
    assert add_source.add_source(text, "CC-2021", metadata, **fields) == []
    listed = yaml.safe_load(metadata.read_text(encoding="utf-8"))["sources"]
    assert [(s["id"], s["label"], [d["id"] for d in s["documents"]]) for s in listed][-1] == (
        "CC",
        "Gamma",
        ["CC-2021"],
    )
    assert cff.read_text(encoding="utf-8") == 'title: "Policing drugs: three sources compared"\n'


@pytest.mark.parametrize(
    "document_id, change, expected",
    [
        ("AA-2019", {}, "sources.yaml:1:1: AA-2019 is already listed"),
        ("CC-2021", {}, "sources.yaml:1:1: CC is a new source: give --source-label and --source-name"),
        (
            "CC-2021",
            {"source_label": "Gamma"},
            "sources.yaml:1:1: CC is a new source: give --source-label and --source-name",
        ),
        ("AA-2021", {"date": "March 2021"}, "sources.yaml:1:1: --date 'March 2021': give YYYY, YYYY-MM or YYYY-MM-DD"),
        ("AA-2021", {"date": ""}, "sources.yaml:1:1: --date '': give YYYY, YYYY-MM or YYYY-MM-DD"),
        (
            "AA-2021",
            {"date_status": "guessed"},  # line 28, column 22: where the new entry's date_status is
            "sources.yaml:28:22: sources/0/documents/1/date_status: 'guessed' is not one of",
        ),
    ],
)
def test_each_refusal_names_its_place_and_writes_nothing(small_project, document_id, change, expected):
    metadata, text, cff = small_project
    (problem,) = add_source.add_source(text, document_id, metadata, **{**FIELDS, **change})
    assert f"{problem.path.name}:{problem.row}:{problem.column}: {problem.message}".startswith(expected)
    assert metadata.read_text(encoding="utf-8") == SMALL_METADATA
    assert sorted(p.name for p in metadata.parent.iterdir()) == ["sources.yaml"]
    assert cff.read_text(encoding="utf-8") == 'title: "Policing drugs: two sources compared"\n'


def test_a_missing_a_non_utf8_or_an_already_present_text_is_refused(small_project):
    metadata, text, _ = small_project
    (problem,) = add_source.add_source(text.with_name("absent.txt"), "AA-2021", metadata, **FIELDS)
    assert (problem.path.name, problem.row, problem.message) == ("absent.txt", 0, "no such file")
    text.write_bytes(b"First line.\nSecond line, caf\xe9.\n")
    (problem,) = add_source.add_source(text, "AA-2021", metadata, **FIELDS)
    assert (problem.row, problem.column) == (2, 1) and "not UTF-8" in problem.message
    text.write_text(TEXT, encoding="utf-8")
    (metadata.parent / "AA-2021.txt").write_text("already here", encoding="utf-8")
    (problem,) = add_source.add_source(text, "AA-2021", metadata, **FIELDS)
    assert problem.message == "a file of that name is already in data/sources"
    assert metadata.read_text(encoding="utf-8") == SMALL_METADATA
