"""Bad input never half-works: each corrupted data file stops `make book` with a located,
readable error and no traceback, and leaves the previous site as it was; `validate`
reports the same lines; files saved in the usual valid variants (CRLF, byte-order mark, spreadsheet CSV)
are accepted. Every case runs in its own copy of the project."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import add_synthetic_source, copy_project

pytestmark = pytest.mark.subprocess

ANNOTATIONS = "data/coding/annotations.csv"  # document_id,quote,prefix,suffix,code,item,stance,coder,note
ADJUDICATION = "data/coding/reliability/round-2/adjudication.csv"  # the current round
EARLIER_ADJUDICATION = "data/coding/reliability/round-1/adjudication.csv"
SECOND_CODING = "data/coding/reliability/round-2/second_coding.csv"
STANCE_AUDIT = "data/coding/stance_audit.csv"
ZERO_REVIEW = "data/coding/zero_review.csv"
SOURCES = "data/sources/sources.yaml"
CODEBOOK = "data/coding/codebook.yaml"
RUBRICS = "data/coding/rubrics.yaml"
PREVIOUS_SITE = "<!doctype html><title>previous site</title>"


def run(project: Path, *command: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(project)}
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)


def validate(project: Path) -> subprocess.CompletedProcess:
    return run(project, sys.executable, "-m", "analysis", "validate")


def make_book(project: Path) -> subprocess.CompletedProcess:
    """`make book` as a user runs it, with this interpreter in place of the project's .venv."""
    return run(project, "make", "--no-print-directory", "book", f"PY={sys.executable}", "INSTALLED=")


def read_table(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_table(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def set_cell(project: Path, name: str, row: int, column: int, value: str) -> tuple[str, int]:
    """Change one cell (row and column counted from 1, the header being row 1)."""
    rows = read_table(project / name)
    rows[row - 1][column - 1] = value
    write_table(project / name, rows)
    return name, row


def append_line(project: Path, name: str, line: str) -> tuple[str, int]:
    path = project / name
    text = path.read_text(encoding="utf-8")
    path.write_text(text + line + "\n", encoding="utf-8")
    return name, text.count("\n") + 1


def line_of(project: Path, name: str, needle: str) -> tuple[str, int]:
    """The file and the number of the first line that contains ``needle``."""
    lines = (project / name).read_text(encoding="utf-8").split("\n")
    return name, next(i for i, line in enumerate(lines, start=1) if needle in line)


def replace_line(project: Path, name: str, old: str, new: str) -> tuple[str, int]:
    """Replace the first line containing ``old``; returns the file and that line's number."""
    path = project / name
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if old in line)
    lines[number] = lines[number].replace(old, new)
    path.write_text("\n".join(lines), encoding="utf-8")
    return name, number + 1


def malformed_csv(p):
    line = "CA-2019,opioid crisis,,,thr_opioids,heroin_opioids,endorses,A,,an extra cell,and another"
    return append_line(p, ANNOTATIONS, line)


def unknown_code(p):
    return set_cell(p, ANNOTATIONS, 2, 5, "enf_teleportation")


def quote_not_in_document(p):
    return set_cell(p, ANNOTATIONS, 3, 2, "A sentence that no source in the corpus ever wrote")


def ambiguous_quote(p):
    return set_cell(p, ANNOTATIONS, 2, 2, "opioid")


def duplicate_row(p):
    return append_line(p, ANNOTATIONS, (p / ANNOTATIONS).read_text(encoding="utf-8").split("\n")[1])


def bad_date(p):
    return replace_line(p, SOURCES, 'date: "2019-09"', 'date: "2019-13-40"')


def not_utf8(p):
    path = p / ANNOTATIONS
    lines = path.read_bytes().split(b"\n")
    lines[4] = lines[4].rstrip(b",") + b",caf\xe9"
    path.write_bytes(b"\n".join(lines))
    return ANNOTATIONS, 5


def empty_file(p):
    (p / ANNOTATIONS).write_text("", encoding="utf-8")
    return ANNOTATIONS, 1


def missing_column(p):
    rows = read_table(p / ANNOTATIONS)
    write_table(p / ANNOTATIONS, [row[:6] + row[7:] for row in rows])  # the stance column
    return ANNOTATIONS, None


def wrong_stance(p):
    return set_cell(p, ANNOTATIONS, 2, 7, "supports")


def threat_without_item(p):
    assert read_table(p / ANNOTATIONS)[1][4].startswith("thr_")
    return set_cell(p, ANNOTATIONS, 2, 6, "")


def item_of_another_family(p):
    assert read_table(p / ANNOTATIONS)[1][4] != "thr_cocaine"
    return set_cell(p, ANNOTATIONS, 2, 6, "cocaine")


def sha256_mismatch(p):
    path = p / "data/sources/000_d1c24cd7cbf65ca1.txt"
    path.write_bytes(path.read_bytes().replace(b"opioid", b"opiate", 1))
    return line_of(p, SOURCES, "sha256: 782873abbc1a")


def malformed_rubric_yaml(p):
    replace_line(p, RUBRICS, "levels:", "levels: [")
    return RUBRICS, None  # the parser reports the line where it gives up


def malformed_codebook_yaml(p):
    name, line = replace_line(p, CODEBOOK, "keywords: [", "keywords: 7 #[")
    return name, line


def adjudication_disagrees(p):
    """The current round's first decision changed to the other coder's stance (columns:
    sentence_id, code, item, first, second, decision, reason)."""
    rows = read_table(p / ADJUDICATION)
    decision = rows[1][5]
    other = rows[1][3] if decision == rows[1][4] else rows[1][4]
    return set_cell(p, ADJUDICATION, 2, 6, other)


def earlier_round_misrecorded(p):
    """An earlier round is still checked for its own consistency: its first row records a
    coder's stance the codings do not have."""
    rows = read_table(p / EARLIER_ADJUDICATION)
    first = rows[1][3]
    return set_cell(p, EARLIER_ADJUDICATION, 2, 4, "questions" if first != "questions" else "describes")


def audited_stance_not_kept(p):
    """The audit's first decision changed: annotations.csv no longer has it."""
    rows = read_table(p / STANCE_AUDIT)
    return set_cell(p, STANCE_AUDIT, 2, 7, "questions" if rows[1][6] != "questions" else "describes")


def missed_cell_still_at_zero(p):
    """A cell reviewed as 'not raised' (still at zero) relabelled 'missed'."""
    rows = read_table(p / ZERO_REVIEW)
    assert rows[1][4] == "not raised"
    return set_cell(p, ZERO_REVIEW, 2, 5, "missed")


def review_without_its_source_column(p):
    """zero_review.csv feeds the derived tables ("not raised (reviewed)"): its own columns are
    checked before any table is computed from it."""
    rows = read_table(p / ZERO_REVIEW)
    assert rows[0][0] == "source_id"
    write_table(p / ZERO_REVIEW, [row[1:] for row in rows])
    return ZERO_REVIEW, None


CORRUPTIONS = [
    malformed_csv,
    unknown_code,
    quote_not_in_document,
    ambiguous_quote,
    duplicate_row,
    bad_date,
    not_utf8,
    empty_file,
    missing_column,
    wrong_stance,
    threat_without_item,
    item_of_another_family,
    sha256_mismatch,
    malformed_rubric_yaml,
    malformed_codebook_yaml,
    adjudication_disagrees,
    earlier_round_misrecorded,
    audited_stance_not_kept,
    missed_cell_still_at_zero,
    review_without_its_source_column,
]


def assert_located_failure(result: subprocess.CompletedProcess, name: str, line: int | None) -> None:
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    located = re.findall(rf"^{re.escape(name)}:(\d+):(\d+): \S.*$", output, flags=re.MULTILINE)
    assert located, f"no '{name}:row:column: message' line in:\n{output}"
    if line is not None:
        assert str(line) in [row for row, _ in located], f"{name}:{line} not reported in:\n{output}"


@pytest.mark.parametrize("corrupt", CORRUPTIONS, ids=lambda f: f.__name__)
def test_bad_input_stops_make_book_located_and_leaves_the_previous_site(tmp_path, corrupt):
    project = copy_project(tmp_path)
    name, line = corrupt(project)
    site = project / "_build" / "html"
    site.mkdir(parents=True)
    (site / "index.html").write_text(PREVIOUS_SITE, encoding="utf-8")
    assert_located_failure(make_book(project), name, line)
    assert (site / "index.html").read_text(encoding="utf-8") == PREVIOUS_SITE
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]


def located_lines(result: subprocess.CompletedProcess) -> list[str]:
    return re.findall(r"^\S+:\d+:\d+: \S.*$", result.stdout + result.stderr, flags=re.MULTILINE)


# One corruption per kind of check: the sources metadata (read before anything else),
# a CSV's structure, a quote, the reliability round and the review of 'not raised' cells.
EACH_KIND_OF_CHECK = [
    sha256_mismatch,
    malformed_csv,
    quote_not_in_document,
    adjudication_disagrees,
    missed_cell_still_at_zero,
]


@pytest.mark.parametrize("corrupt", EACH_KIND_OF_CHECK, ids=lambda f: f.__name__)
def test_validate_reports_what_make_book_reports(tmp_path, corrupt):
    """`make book` stops on the data checks `validate` runs (the cases above go through
    make book): for each kind of check, validate fails with the very same located lines."""
    project = copy_project(tmp_path)
    name, line = corrupt(project)
    checked, built = validate(project), make_book(project)
    assert_located_failure(checked, name, line)
    assert located_lines(checked) == located_lines(built)


def crlf(p):
    for name in (ANNOTATIONS, STANCE_AUDIT, ZERO_REVIEW):
        path = p / name
        path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))


def lf(p):
    path = p / SECOND_CODING
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n"))


def byte_order_mark(p):
    for name in (ANNOTATIONS, ADJUDICATION, EARLIER_ADJUDICATION, STANCE_AUDIT, ZERO_REVIEW, SOURCES, RUBRICS):
        path = p / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())


def no_final_newline(p):
    path = p / ANNOTATIONS
    path.write_bytes(path.read_bytes().rstrip(b"\r\n"))


def spreadsheet(p):
    """As a spreadsheet program saves "CSV UTF-8": BOM, CRLF, every cell quoted."""
    path = p / ANNOTATIONS
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL).writerows(read_table(path))
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


VALID_VARIANTS = [crlf, lf, byte_order_mark, no_final_newline, spreadsheet]


@pytest.mark.parametrize("variant", VALID_VARIANTS, ids=lambda f: f.__name__)
def test_valid_variants_of_the_data_files_pass(tmp_path, variant):
    project = copy_project(tmp_path, ("analysis", "data"))
    variant(project)
    result = validate(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all data checks passed" in result.stdout


HOSTILE_TEXT = """# Hostile review

The review quotes a web page that read <script>alert("quote")</script> in full.

A second line held <img src=x onerror=alert("quote")> as an image tag.
"""
RENDER_EVERYTHING = """
from analysis import coding, evidence, exhibits, reader
from analysis.loaded import Loaded
data = Loaded()
annotations = coding.load_annotations(data)
pages = [reader.document_html(data, "ZX-2025", annotations)]
pages += [evidence.dimension_page(data, d).data for d in ("enforcement", "harm_reduction", "threats")]
pages += [exhibits.show(data, label).data for label in exhibits.registry()]
print("\\n".join(pages))
"""


def test_markup_in_a_quote_or_note_renders_as_text(tmp_path):
    """A quote or note holding <script> or <img onerror> is text on the reader and
    evidence pages, in chart tooltips and in tables, never markup."""
    project = copy_project(tmp_path, ("analysis", "data"))
    add_synthetic_source(project, "ZX", "Hostile Region", HOSTILE_TEXT)
    note = '<img src=x onerror=alert("note")>'
    rows = [
        ["ZX-2025", '<script>alert("quote")</script>', "", "", "thr_opioids", "fentanyl", "endorses", "A", note],
        ["ZX-2025", '<img src=x onerror=alert("quote")>', "", "", "hr_principle", "", "endorses", "A", note],
    ]
    with (project / ANNOTATIONS).open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    result = run(project, sys.executable, "-c", RENDER_EVERYTHING)
    assert result.returncode == 0, result.stderr[-3000:]
    rendered = result.stdout
    assert "&lt;script&gt;alert(&quot;quote&quot;)&lt;/script&gt;" in rendered
    assert "&lt;img src=x onerror=alert(&quot;quote&quot;)&gt;" in rendered
    assert "<script>alert" not in rendered
    assert not re.search(r"<img[^>]*onerror", rendered)
