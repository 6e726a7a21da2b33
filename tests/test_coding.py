"""Codebook, errata and annotations: valid data loads; bad data is named by file, row and column."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from analysis import coding, corpus

HEADER = "document_id,quote,prefix,suffix,code,stance,coder,note\n"
GOOD = "CE-2024,AI can monitor and predict the emergence of designer drugs,,,enf_technology_tools,endorses,A,\n"


def write(tmp_path: Path, body: str | bytes, name: str = "annotations.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    return path


def problems(path: Path) -> list[str]:
    return [str(p) for p in coding.validate_annotations(path)]


def test_a_good_row_passes_and_gets_its_sentence_from_the_quote(tmp_path):
    path = write(tmp_path, HEADER + GOOD)
    assert problems(path) == []
    (row,) = coding.load_annotations(path).itertuples()
    sentence = next(s for s in corpus.load_document("CE-2024").sentences if s.start <= row.start < s.end)
    assert row.sentence_id == sentence.id
    assert "designer drugs" in sentence.text


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        ("CE-2024,AI can monitor,,,enf_no_such_code,endorses,A,\n", 5, "enf_no_such_code"),
        ("CE-2024,AI can monitor,,,enf_technology_tools,loves,A,\n", 6, "loves"),
        ("XX-1999,AI can monitor,,,enf_technology_tools,endorses,A,\n", 1, "XX-1999"),
        ("CE-2024,,,,enf_technology_tools,endorses,A,\n", 2, "quote"),
        ("CE-2024,AI can monitor,,,enf_technology_tools\n", 6, "stance"),
    ],
)
def test_bad_cells_are_named_by_row_and_column(tmp_path, row, column, fragment):
    found = problems(write(tmp_path, HEADER + GOOD + row))
    assert found, "the bad row passed"
    assert found[0].startswith(f"{tmp_path / 'annotations.csv'}:3:{column}:")
    assert fragment in found[0]


def test_quote_not_in_document_shows_the_nearest_match(tmp_path):
    row = "CE-2024,AI can monitr and predict the emergence,,,enf_technology_tools,endorses,A,\n"
    (found,) = problems(write(tmp_path, HEADER + row))
    assert ":2:2: quote not found verbatim in CE-2024; nearest is CE-2024-p026-s03" in found
    assert "AI can monitor and predict" in found


def test_quote_containing_html_is_not_taken_as_found(tmp_path):
    row = 'CE-2024,"AI can <script>alert(1)</script> monitor",,,enf_technology_tools,endorses,A,\n'
    (found,) = problems(write(tmp_path, HEADER + row))
    assert "quote not found verbatim" in found


def test_quote_that_is_not_unique_needs_a_prefix(tmp_path):
    ambiguous = "CE-2024,Raman technology,,,enf_technology_tools,endorses,A,\n"
    (found,) = problems(write(tmp_path, HEADER + ambiguous))
    assert "occurs" in found and "add a prefix or suffix" in found
    with_prefix = 'CE-2024,Raman technology,"Globally,",,enf_technology_tools,endorses,A,\n'
    assert problems(write(tmp_path, HEADER + with_prefix)) == []


def test_quote_across_two_sentences_is_refused(tmp_path):
    row = "CA-2019,all demographics. In Canada alone,,,thr_opioids,endorses,A,\n"
    (found,) = problems(write(tmp_path, HEADER + row))
    assert "runs across sentences CA-2019-p004-s02 and CA-2019-p004-s03" in found


def test_duplicate_rows_are_refused(tmp_path):
    (found,) = problems(write(tmp_path, HEADER + GOOD + GOOD))
    assert found.endswith(":3:5: duplicate of row 2")


def test_implements_is_not_a_stance_for_threats(tmp_path):
    row = "CE-2024,Captagon has emerged as a significant problem,,,thr_methamphetamine,implements,A,\n"
    (found,) = problems(write(tmp_path, HEADER + row))
    assert ":2:6: 'implements' is not used for threats codes" in found


def test_non_utf8_file_names_its_line(tmp_path):
    path = write(tmp_path, (HEADER + GOOD).encode() + b"CE-2024,caf\xe9,,,enf_technology_tools,endorses,A,\n")
    (found,) = problems(path)
    assert ":3:1: not UTF-8" in found


def test_empty_file_says_what_is_expected(tmp_path):
    (found,) = problems(write(tmp_path, ""))
    assert ":1:1: file is empty; expected a header row: document_id,quote" in found


def test_cli_reports_problems_without_a_traceback(tmp_path):
    path = write(tmp_path, HEADER + "CE-2024,no such words here at all,,,enf_technology_tools,endorses,A,\n")
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "validate", "--annotations", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert f"{path}:2:2: quote not found verbatim" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_the_project_codebook_is_valid_with_ten_codes_per_dimension():
    assert coding.validate_codebook() == []
    book = coding.codebook()
    assert [len(d["codes"]) >= 10 for d in book["dimensions"]] == [True, True, True]
    assert book["changelog"][0]["version"] == book["version"] or book["changelog"][-1]["version"] == book["version"]


def test_a_codebook_with_a_bad_example_quote_is_refused(tmp_path):
    book = coding.read_codebook()
    book["dimensions"][0]["codes"][0]["example"]["quote"] = "words the document never says"
    del book["dimensions"][1]["codes"][0]["definition"]
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(book), encoding="utf-8")
    found = [str(p) for p in coding.validate_codebook(path)]
    assert any("'definition' is a required property" in p for p in found)


def test_errata_are_found_in_their_documents_and_applied_as_whole_words():
    assert coding.validate_errata() == []
    assert coding.corrected("CE-2024", "Al-driven solutions; Albased tools; Albania") == (
        "AI-driven solutions; AI-based tools; Albania"
    )
    assert coding.corrected("CA-2019", "Al stays in another document") == "Al stays in another document"


def test_an_erratum_that_does_not_occur_is_refused(tmp_path, monkeypatch):
    path = write(tmp_path, "document_id,wrong,reading,reason\nCE-2024,Xyzzy,XYZ,test\n", "errata.csv")
    (found,) = [str(p) for p in coding.validate_errata(path)]
    assert found.endswith(":2:2: 'Xyzzy' does not occur in CE-2024")


def test_the_project_data_passes_every_check():
    result = subprocess.run([sys.executable, "-m", "analysis", "validate"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all data checks passed" in result.stdout


def test_suggest_lists_keyword_candidates_for_a_document():
    result = subprocess.run([sys.executable, "-m", "analysis", "suggest", "DU-2020"], capture_output=True, text=True)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("DU-2020-p") for line in lines)
    assert any("\thr_naloxone\t" in line for line in lines)
    bad = subprocess.run([sys.executable, "-m", "analysis", "suggest", "XX-1"], capture_output=True, text=True)
    assert bad.returncode == 1 and "unknown document" in bad.stdout
