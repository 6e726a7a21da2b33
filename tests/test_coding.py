"""Codebook, errata and annotations: valid data loads; bad data is named by file, row and column."""

import csv
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis import coding, corpus
from analysis.datafiles import DataError, Problem, read_rows
from analysis.loaded import Loaded

HEADER = "document_id,quote,prefix,suffix,code,item,stance,coder,note\n"
GOOD = "CE-2024,AI can monitor and predict the emergence of designer drugs,,,enf_technology_tools,,endorses,A,\n"


def write(tmp_path: Path, body: str | bytes, name: str = "annotations.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    return path


def problems(data, path: Path) -> list[str]:
    return [str(p) for p in coding.validate_annotations(data, path)]


def test_a_good_row_passes_and_gets_its_sentence_from_the_quote(tmp_path, data):
    path = write(tmp_path, HEADER + GOOD)
    assert problems(data, path) == []
    (row,) = coding.load_annotations(data, path).itertuples()
    sentence = next(s for s in data.documents["CE-2024"].sentences if s.start <= row.start < s.end)
    assert row.sentence_id == sentence.id
    assert "designer drugs" in sentence.text


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        ("CE-2024,AI can monitor,,,enf_no_such_code,,endorses,A,\n", 5, "enf_no_such_code"),
        ("CE-2024,AI can monitor,,,thr_opioids,unicorns,endorses,A,\n", 6, "unicorns"),
        ("CE-2024,AI can monitor,,,enf_technology_tools,,loves,A,\n", 7, "loves"),
        ("CE-2024,AI can monitor,,,enf_technology_tools,,endorses,B,\n", 8, "coder"),
        ("XX-1999,AI can monitor,,,enf_technology_tools,,endorses,A,\n", 1, "XX-1999"),
        ("CE-2024,,,,enf_technology_tools,,endorses,A,\n", 2, "quote"),
        ("CE-2024,AI can monitor,,,enf_technology_tools,\n", 7, "stance"),
    ],
)
def test_bad_cells_are_named_by_row_and_column(tmp_path, row, column, fragment, data):
    found = problems(data, write(tmp_path, HEADER + GOOD + row))
    assert found, "the bad row passed"
    assert found[0].startswith(f"{tmp_path / 'annotations.csv'}:3:{column}:")
    assert fragment in found[0]


def test_quote_not_in_document_shows_the_nearest_match(tmp_path, data):
    row = "CE-2024,AI can monitr and predict the emergence,,,enf_technology_tools,,endorses,A,\n"
    (found,) = problems(data, write(tmp_path, HEADER + row))
    assert ":2:2: quote not found verbatim in CE-2024; nearest is CE-2024-p026-s03" in found
    assert "AI can monitor and predict" in found


def test_quote_containing_html_is_not_taken_as_found(tmp_path, data):
    row = 'CE-2024,"AI can <script>alert(1)</script> monitor",,,enf_technology_tools,,endorses,A,\n'
    (found,) = problems(data, write(tmp_path, HEADER + row))
    assert "quote not found verbatim" in found


def test_quote_that_is_not_unique_needs_a_prefix(tmp_path, data):
    ambiguous = "CE-2024,Raman technology,,,enf_technology_tools,,endorses,A,\n"
    (found,) = problems(data, write(tmp_path, HEADER + ambiguous))
    assert "occurs" in found and "add a prefix or suffix" in found
    with_prefix = 'CE-2024,Raman technology,"Globally,",,enf_technology_tools,,endorses,A,\n'
    assert problems(data, write(tmp_path, HEADER + with_prefix)) == []


def test_quote_across_two_sentences_is_refused(tmp_path, data):
    row = "CA-2019,all demographics. In Canada alone,,,thr_opioids,heroin_opioids,endorses,A,\n"
    (found,) = problems(data, write(tmp_path, HEADER + row))
    assert "runs across sentences CA-2019-p004-s02 and CA-2019-p004-s03" in found


def test_duplicate_rows_are_refused(tmp_path, data):
    (found,) = problems(data, write(tmp_path, HEADER + GOOD + GOOD))
    assert found.endswith(":3:5: duplicate of row 2")


def test_implements_is_not_a_stance_for_threats(tmp_path, data):
    row = "CE-2024,Captagon has emerged as a significant problem,,,thr_methamphetamine,captagon,implements,A,\n"
    (found,) = problems(data, write(tmp_path, HEADER + row))
    assert ":2:7: 'implements' is not used for threats codes" in found


# --- threat items and stances in the annotations ------------------------------------------------

MAGNITUDE = "The magnitude of this crisis requires that urgent action be taken."  # CA-2019, the opioid crisis
TWO_OPIOIDS = "including fentanyl analogues and nitazenes"  # CE-2024: two items of thr_opioids


def pinned_sentence(document_file: str, prefix: str, quote: str) -> str:
    """The id of the sentence holding a quote, by a second route: the quote's offset in the
    raw text file (found after ``prefix``) and the pinned sentence spans."""
    text = (corpus.SOURCES_METADATA.parent / document_file).read_bytes().decode("utf-8")
    start = text.index(prefix + quote) + len(prefix)
    document = {"000_d1c24cd7cbf65ca1.txt": "CA-2019", "004_78f369b24c9912c3.txt": "CE-2024"}[document_file]
    with (Path(__file__).parent / "pinned_sentences.csv").open(encoding="utf-8", newline="") as handle:
        pinned = [r for r in csv.DictReader(handle) if r["sentence_id"].startswith(document + "-")]
    return next(r["sentence_id"] for r in pinned if int(r["start"]) <= start < int(r["end"]))


@pytest.mark.parametrize(
    ("code", "item", "message"),
    [
        ("thr_opioids", "", "thr_opioids needs one of its items"),
        ("thr_opioids", "cocaine", "cocaine is not an item of thr_opioids"),
        ("enf_legal_regulatory", "fentanyl", "only threats codes take an item, not enf_legal_regulatory"),
    ],
)
def test_an_item_must_belong_to_the_code_and_only_threats_codes_take_one(tmp_path, code, item, message, data):
    """A threats code needs an item of its own family; any other code takes none. Each
    problem is at the row and the item column (6), and the quote is still anchored."""
    rows = f"CA-2019,{MAGNITUDE},,,thr_opioids,heroin_opioids,endorses,A,\n"  # row 2: valid
    rows += f"CA-2019,{MAGNITUDE},,,{code},{item},endorses,A,\n"  # row 3
    path = write(tmp_path, HEADER + rows)
    assert problems(data, path) == [f"{path}:3:6: {message}"]


def test_two_items_of_one_family_on_one_sentence_are_two_valid_rows(tmp_path, data):
    rows = "".join(f"CE-2024,{TWO_OPIOIDS},,,thr_opioids,{item},endorses,A,\n" for item in ("fentanyl", "nitazenes"))
    path = write(tmp_path, HEADER + rows)
    assert problems(data, path) == []
    frame = coding.load_annotations(data, path)
    sentence = pinned_sentence("004_78f369b24c9912c3.txt", "sale of drugs, ", TWO_OPIOIDS)
    assert [(r.sentence_id, r.code, r.item) for r in frame.itertuples()] == [
        (sentence, "thr_opioids", "fentanyl"),
        (sentence, "thr_opioids", "nitazenes"),
    ]
    # The same item twice is a duplicate: the item is part of the key.
    path = write(tmp_path, HEADER + rows + rows.split("\n")[0] + "\n")
    assert problems(data, path) == [f"{path}:4:5: duplicate of row 2"]


def test_one_stance_per_code_and_sentence(tmp_path, data):
    """Rows 2 and 3 put thr_opioids on one sentence with two stances (two items); rows 4
    and 5 put enf_technology_tools on two quotes of another sentence with two stances;
    row 6 gives that sentence another code with a stance of its own, which is allowed."""
    ai_sentence = "AI can monitor and predict the emergence of designer drugs"
    rows = (
        f"CE-2024,{TWO_OPIOIDS},,,thr_opioids,fentanyl,endorses,A,\n"
        f"CE-2024,{TWO_OPIOIDS},,,thr_opioids,nitazenes,describes,A,\n"
        "CE-2024,AI can monitor,,,enf_technology_tools,,endorses,A,\n"
        "CE-2024,the emergence of designer drugs,,,enf_technology_tools,,questions,A,\n"
        "CE-2024,the emergence of designer drugs,,,enf_intelligence_data,,describes,A,\n"
    )
    path = write(tmp_path, HEADER + rows)
    opioids = pinned_sentence("004_78f369b24c9912c3.txt", "sale of drugs, ", TWO_OPIOIDS)
    ai = pinned_sentence("004_78f369b24c9912c3.txt", "", ai_sentence)
    assert opioids != ai
    assert problems(data, path) == [
        f"{path}:3:7: thr_opioids on {opioids} is 'endorses' in row 2: one stance per code and sentence",
        f"{path}:5:7: enf_technology_tools on {ai} is 'endorses' in row 4: one stance per code and sentence",
    ]


def test_non_utf8_file_names_its_line(tmp_path, data):
    path = write(tmp_path, (HEADER + GOOD).encode() + b"CE-2024,caf\xe9,,,enf_technology_tools,,endorses,A,\n")
    (found,) = problems(data, path)
    assert ":3:1: not UTF-8" in found


def test_empty_file_says_what_is_expected(tmp_path, data):
    (found,) = problems(data, write(tmp_path, ""))
    assert ":1:1: file is empty; expected a header row: document_id,quote" in found


@pytest.mark.subprocess
def test_cli_reports_problems_without_a_traceback(tmp_path):
    path = write(tmp_path, HEADER + "CE-2024,no such words here at all,,,enf_technology_tools,,endorses,A,\n")
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "validate", "--annotations", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert f"{path}:2:2: quote not found verbatim" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_the_project_codebook_is_valid_with_ten_codes_per_dimension(data):
    assert coding.validate_codebook(data) == []
    book = data.codebook
    assert [len(d["codes"]) >= 10 for d in book["dimensions"]] == [True, True, True]
    assert book["changelog"][0]["version"] == book["version"] or book["changelog"][-1]["version"] == book["version"]


def test_a_codebook_with_a_bad_example_quote_is_refused(tmp_path, data):
    book = coding.read_codebook()
    book["dimensions"][0]["codes"][0]["example"]["quote"] = "words the document never says"
    del book["dimensions"][1]["codes"][0]["definition"]
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(book), encoding="utf-8")
    found = [str(p) for p in coding.validate_codebook(data, path)]
    assert any("'definition' is a required property" in p for p in found)


def test_errata_are_found_in_their_documents_and_applied_as_whole_words(data):
    assert coding.validate_errata(data) == []
    assert coding.corrected(data, "CE-2024", "Al-driven solutions; Albased tools; Albania") == (
        "AI-driven solutions; AI-based tools; Albania"
    )
    assert coding.corrected(data, "CA-2019", "Al stays in another document") == "Al stays in another document"


def test_an_erratum_that_does_not_occur_is_refused(tmp_path, monkeypatch, data):
    path = write(tmp_path, "document_id,wrong,reading,reason\nCE-2024,Xyzzy,XYZ,test\n", "errata.csv")
    (found,) = [str(p) for p in coding.validate_errata(data, path)]
    assert found.endswith(":2:2: 'Xyzzy' does not occur in CE-2024")


@pytest.mark.subprocess
def test_the_project_data_passes_every_check():
    result = subprocess.run([sys.executable, "-m", "analysis", "validate"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all data checks passed" in result.stdout


@pytest.mark.subprocess
def test_suggest_lists_keyword_candidates_for_a_document():
    result = subprocess.run([sys.executable, "-m", "analysis", "suggest", "DU-2020"], capture_output=True, text=True)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("DU-2020-p") for line in lines)
    assert any("\thr_naloxone\t" in line for line in lines)
    bad = subprocess.run([sys.executable, "-m", "analysis", "suggest", "XX-1"], capture_output=True, text=True)
    assert bad.returncode == 1 and "unknown document" in bad.stdout


# --- the reliability files: a small sample of three sentences, written in tmp_path ---------

S1, S2, S3 = "CA-2019-p004-s01", "CA-2019-p005-s01", "CA-2019-p005-s02"
OUTSIDE = "CA-2019-p006-s02"  # a sentence of the corpus outside the small sample
CODING_HEADER = "sentence_id,code,item,stance,note\n"
ADJUDICATION_HEADER = "sentence_id,code,item,first,second,decision,reason\n"
SAMPLE_TEXT = f"sentence_id,document_id\n{S1},CA-2019\n{S2},CA-2019\n{S3},CA-2019\n"
# The current round (round-2, codebook 2.0.0: threats carry items). Both coders give S1
# thr_opioids/heroin_opioids; only the first gives S2 enf_supply_disruption and only the
# second S3 hr_naloxone: two disagreements, adjudicated in favour of the first coder.
CURRENT = {
    "first_coding.csv": (
        CODING_HEADER + f"{S1},thr_opioids,heroin_opioids,endorses,\n{S2},enf_supply_disruption,,endorses,\n{S3},,,,\n"
    ),
    "second_coding.csv": (
        CODING_HEADER + f"{S1},thr_opioids,heroin_opioids,endorses,\n{S2},,,,\n{S3},hr_naloxone,,describes,\n"
    ),
    "adjudication.csv": (
        ADJUDICATION_HEADER + f"{S2},enf_supply_disruption,,endorses,absent,endorses,Supply reduction is stated.\n"
        f"{S3},hr_naloxone,,absent,describes,absent,Naloxone is not named.\n"
    ),
}
# An earlier round (round-1, codebook 1.0.0: no items), consistent in itself but not with
# the final coding: its decision on S2 (describes) is not what annotations.csv has, and
# its coders' agreed thr_opioids on S1 has no item, unlike the final coding's.
EARLIER = {
    "first_coding.csv": CODING_HEADER
    + f"{S1},thr_opioids,,endorses,\n{S2},enf_supply_disruption,,endorses,\n{S3},,,,\n",
    "second_coding.csv": (
        CODING_HEADER + f"{S1},thr_opioids,,endorses,\n{S2},enf_supply_disruption,,describes,\n{S3},,,,\n"
    ),
    "adjudication.csv": (
        ADJUDICATION_HEADER + f"{S2},enf_supply_disruption,,endorses,describes,describes,Only described.\n"
    ),
}
# The final coding (what load_annotations gives), which follows both decisions of the current round.
FINAL = [
    (S1, "thr_opioids", "heroin_opioids", "endorses"),
    (S2, "enf_supply_disruption", "", "endorses"),
    (OUTSIDE, "thr_cocaine", "cocaine", "describes"),
]
ROUND_CODEBOOKS = [{"folder": "round-1", "codebook": "1.0.0"}, {"folder": "round-2", "codebook": "2.0.0"}]


def point_at_rounds(monkeypatch, folders: list[Path]) -> None:
    """Make ``folders`` the reliability rounds, the last one the current round."""
    monkeypatch.setattr(coding, "ROUNDS", folders)
    monkeypatch.setattr(coding, "CURRENT_ROUND", folders[-1])
    for constant, name in [
        ("FIRST_CODING", "first_coding.csv"),
        ("SECOND_CODING", "second_coding.csv"),
        ("ADJUDICATION", "adjudication.csv"),
    ]:
        monkeypatch.setattr(coding, constant, folders[-1] / name)


@pytest.fixture
def reliability(tmp_path, monkeypatch) -> list[tuple[str, str, str, str]]:
    """The reliability files in tmp_path/coding (two rounds, as the project keeps them); the
    drawn sample is the three sentences, and the final coding is the returned list (a test
    may change it before validating)."""
    from analysis import sampling

    folder = tmp_path / "coding" / "reliability"
    for round_name, files in (("round-1", EARLIER), ("round-2", CURRENT)):
        (folder / round_name).mkdir(parents=True)
        for name, text in files.items():
            (folder / round_name / name).write_text(text, encoding="utf-8")
    (folder / "sample.csv").write_text(SAMPLE_TEXT, encoding="utf-8")
    monkeypatch.setattr(coding, "SAMPLE", folder / "sample.csv")
    monkeypatch.setattr(coding, "ANNOTATIONS", tmp_path / "coding" / "annotations.csv")
    point_at_rounds(monkeypatch, [folder / "round-1", folder / "round-2"])
    monkeypatch.setattr(sampling, "rounds", lambda: list(ROUND_CODEBOOKS))
    final = list(FINAL)
    monkeypatch.setattr(sampling, "draw_sample", lambda data: [S1, S2, S3])
    monkeypatch.setattr(
        coding, "load_annotations", lambda data: pd.DataFrame(final, columns=["sentence_id", "code", "item", "stance"])
    )
    return final


def reliability_problems(data) -> list[tuple[str, int, int, str]]:
    """Each problem's file as folder/name: reliability/sample.csv, round-2/adjudication.csv, coding/annotations.csv."""
    return [("/".join(p.path.parts[-2:]), p.row, p.column, p.message) for p in coding.validate_reliability(data)]


def edit(name: str, old: str, new: str) -> None:
    """Replace text in one of the reliability files of the current round (it must occur)."""
    edit_file(getattr(coding, name), old, new)


def edit_file(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_project_reliability_files_pass_every_check(data):
    assert coding.validate_reliability(data) == []


def test_the_project_keeps_two_rounds_and_the_current_one_is_the_last():
    """protocol.yaml: round-1 was coded with codebook 1.0.0 (no items), round-2 with 2.0.0."""
    assert [folder.name for folder in coding.ROUNDS] == ["round-1", "round-2"]
    assert coding.CURRENT_ROUND == coding.RELIABILITY_DIR / "round-2"
    assert coding.ADJUDICATION == coding.RELIABILITY_DIR / "round-2" / "adjudication.csv"
    assert [coding.round_codebook(f) for f in coding.ROUNDS] == ["1.0.0", "2.0.0"]
    assert [coding.round_has_items(f) for f in coding.ROUNDS] == [False, True]


def test_a_consistent_small_reliability_check_passes(reliability, data):
    assert reliability_problems(data) == []


def test_sample_codes_keeps_coded_rows_only_keyed_by_sentence_code_and_item(reliability):
    assert coding.sample_codes(read_rows(coding.SECOND_CODING)) == {
        (S1, "thr_opioids", "heroin_opioids"): "endorses",
        (S3, "hr_naloxone", ""): "describes",
    }
    assert coding.sample_codes(read_rows(coding.ROUNDS[0] / "second_coding.csv")) == {
        (S1, "thr_opioids", ""): "endorses",
        (S2, "enf_supply_disruption", ""): "describes",
    }


def cell_problem(value: str, row: int, field: str, column: int, allowed: str = "") -> str:
    """Frictionless' message for a cell outside its field's allowed values (``allowed``:
    the list as the message prints it, or '' to compare only the part before it)."""
    message = (
        f'The cell "{value}" in row at position "{row}" and field "{field}" at position "{column}" '
        f'does not conform to a constraint: constraint "enum" is "'
    )
    return message + (f'{allowed}"' if allowed else "")


SAMPLE_LIST = f"['{S1}', '{S2}', '{S3}']"
STANCE_LIST = "['endorses', 'implements', 'describes', 'questions']"
CHOICE_LIST = "['endorses', 'implements', 'describes', 'questions', 'absent']"


@pytest.mark.parametrize(
    ("constant", "old", "new", "row", "field", "column", "allowed"),
    [
        ("SAMPLE", S3, "CA-2019-p999-s01", 4, "sentence_id", 1, ""),
        ("FIRST_CODING", f"{S2},enf", f"{OUTSIDE},enf", 3, "sentence_id", 1, SAMPLE_LIST),
        ("FIRST_CODING", "enf_supply_disruption", "enf_magic", 3, "code", 2, ""),
        ("FIRST_CODING", "heroin_opioids", "unicorns", 2, "item", 3, ""),
        ("SECOND_CODING", "describes", "loves", 4, "stance", 4, STANCE_LIST),
        ("ADJUDICATION", f"{S2},enf", f"{OUTSIDE},enf", 2, "sentence_id", 1, SAMPLE_LIST),
        ("ADJUDICATION", "hr_naloxone", "hr_magic", 3, "code", 2, ""),
        ("ADJUDICATION", "hr_naloxone,,", "hr_naloxone,unicorns,", 3, "item", 3, ""),
        ("ADJUDICATION", "disruption,,endorses,", "disruption,,maybe,", 2, "first", 4, CHOICE_LIST),
        ("ADJUDICATION", "endorses,absent,endorses", "endorses,maybe,endorses", 2, "second", 5, CHOICE_LIST),
        ("ADJUDICATION", "absent,endorses,Supply", "absent,maybe,Supply", 2, "decision", 6, CHOICE_LIST),
    ],
)
def test_a_reliability_cell_outside_its_allowed_values_is_reported_alone(
    reliability, constant, old, new, row, field, column, allowed, data
):
    """The allowed values: the corpus's sentence ids (sample), the sample's sentences, the
    codebook's codes and items, the four stances, and for the adjudication also 'absent'."""
    edit(constant, old, new)
    value = next(cell for cell in new.split(",") if cell and cell not in old.split(","))
    ((name, found_row, found_column, message),) = reliability_problems(data)
    assert (name, found_row, found_column) == ("/".join(getattr(coding, constant).parts[-2:]), row, column)
    expected = cell_problem(value, row, field, column, allowed)
    assert message == expected if allowed else message.startswith(expected)


def test_a_coding_row_given_twice_is_a_duplicate(reliability, data):
    edit("FIRST_CODING", f"{S3},,,,\n", f"{S3},,,,\n{S1},thr_opioids,heroin_opioids,describes,\n")  # row 5
    assert reliability_problems(data) == [
        ("round-2/first_coding.csv", 5, 2, f"duplicate of an earlier row for ('{S1}', 'thr_opioids', 'heroin_opioids')")
    ]


def test_a_code_needs_a_stance_and_a_stance_a_code_in_either_coding(reliability, data):
    edit("FIRST_CODING", f"{S3},,,,", f"{S3},,,endorses,")  # row 4: a stance without a code
    edit("SECOND_CODING", f"{S2},,,,", f"{S2},enf_partnerships,,,")  # row 3: a code without a stance
    message = "code and stance go together: give both or neither"
    assert reliability_problems(data) == [
        ("round-2/first_coding.csv", 4, 4, message),
        ("round-2/second_coding.csv", 3, 4, message),
    ]


def test_every_sampled_sentence_is_coded_and_none_both_coded_and_not(reliability, data):
    edit("FIRST_CODING", f"{S3},,,,\n", "")
    edit("SECOND_CODING", f"{S3},hr_naloxone,,describes,\n", f"{S3},hr_naloxone,,describes,\n{S1},,,,\n")
    assert reliability_problems(data) == [
        ("round-2/first_coding.csv", 0, 1, f"{S3} of the sample is not coded (use an empty code for none)"),
        ("round-2/second_coding.csv", 0, 1, f"{S1} has codes and also an empty 'no code' row"),
    ]


def test_a_sample_that_is_not_the_drawn_one_is_reported_first_and_the_rounds_still_checked(
    reliability, monkeypatch, data
):
    """The sample's problem comes first; the rounds are then checked against the stored
    sample, so the current round's decision on S2 (endorses), which the changed final
    coding contradicts, is reported too. (Before the rounds, a wrong sample stopped the
    check here.)"""
    from analysis import sampling

    monkeypatch.setattr(sampling, "draw_sample", lambda data: [S1, S2, S3, OUTSIDE])
    reliability[1] = (S2, "enf_supply_disruption", "", "describes")  # contradicts the decision
    assert reliability_problems(data) == [
        (
            "reliability/sample.csv",
            2,
            1,
            f"the sample of CA-2019 is not the one the recorded seed and rule draw (missing {OUTSIDE}; "
            "not drawn none); `python -m analysis sample CA-2019` prints it",
        ),
        ("round-2/adjudication.csv", 2, 6, f"('{S2}', 'enf_supply_disruption'): annotations.csv has 'describes'"),
    ]


def test_an_adjudication_of_codings_that_agree_is_refused_and_the_later_rows_still_checked(reliability, data):
    agreed = f"{S1},thr_opioids,heroin_opioids,endorses,endorses,endorses,Agreed.\n"
    edit("ADJUDICATION", ADJUDICATION_HEADER, ADJUDICATION_HEADER + agreed)  # row 2
    edit("ADJUDICATION", "describes,absent,Naloxone", "describes,endorses,Naloxone")  # row 4 now
    assert reliability_problems(data) == [
        (
            "round-2/adjudication.csv",
            2,
            2,
            f"('{S1}', 'thr_opioids', 'heroin_opioids'): the two codings agree; nothing to adjudicate",
        ),
        ("round-2/adjudication.csv", 4, 6, f"('{S3}', 'hr_naloxone'): annotations.csv has 'absent'"),
    ]


def test_a_disagreement_adjudicated_twice_is_refused(reliability, data):
    row = f"{S2},enf_supply_disruption,,endorses,absent,endorses,Supply reduction is stated.\n"
    edit("ADJUDICATION", row, row + row)  # rows 2 and 3
    assert reliability_problems(data) == [
        ("round-2/adjudication.csv", 3, 2, f"('{S2}', 'enf_supply_disruption') is adjudicated twice")
    ]


def test_an_adjudication_must_record_what_each_coder_gave(reliability, data):
    edit("ADJUDICATION", "disruption,,endorses,absent", "disruption,,describes,absent")  # row 2: first was endorses
    edit("ADJUDICATION", "naloxone,,absent,describes", "naloxone,,absent,endorses")  # row 3: second was describes
    assert reliability_problems(data) == [
        (
            "round-2/adjudication.csv",
            2,
            4,
            f"('{S2}', 'enf_supply_disruption'): the codings were ('endorses', 'absent')",
        ),
        ("round-2/adjudication.csv", 3, 4, f"('{S3}', 'hr_naloxone'): the codings were ('absent', 'describes')"),
    ]


def test_the_final_coding_must_follow_each_decision(reliability, data):
    edit("ADJUDICATION", "absent,endorses,Supply", "absent,absent,Supply")  # row 2; the final coding has endorses
    edit("ADJUDICATION", "describes,absent,Naloxone", "describes,describes,Naloxone")  # row 3; no final code
    assert reliability_problems(data) == [
        ("round-2/adjudication.csv", 2, 6, f"('{S2}', 'enf_supply_disruption'): annotations.csv has 'endorses'"),
        ("round-2/adjudication.csv", 3, 6, f"('{S3}', 'hr_naloxone'): annotations.csv has 'absent'"),
    ]


def test_every_disagreement_must_be_adjudicated(reliability, data):
    coding.ADJUDICATION.write_text(ADJUDICATION_HEADER, encoding="utf-8")
    assert reliability_problems(data) == [
        ("round-2/adjudication.csv", 0, 0, f"disagreement on ('{S2}', 'enf_supply_disruption') is not adjudicated"),
        ("round-2/adjudication.csv", 0, 0, f"disagreement on ('{S3}', 'hr_naloxone') is not adjudicated"),
    ]


def test_the_final_coding_of_a_sampled_sentence_keeps_what_both_coders_agree_on(reliability, data):
    reliability[0] = (S1, "thr_opioids", "heroin_opioids", "questions")  # both coders gave endorses
    reliability.append((S3, "thr_cocaine", "cocaine", "describes"))  # neither coder gave it
    reliability.append((OUTSIDE, "thr_opioids", "fentanyl", "endorses"))  # outside the sample: free
    agreed = "both coders gave 'endorses', the final coding differs"
    assert reliability_problems(data) == [
        ("coding/annotations.csv", 0, 0, f"('{S1}', 'thr_opioids', 'heroin_opioids'): {agreed}"),
        (
            "coding/annotations.csv",
            0,
            0,
            f"('{S3}', 'thr_cocaine', 'cocaine'): both coders gave 'absent', the final coding differs",
        ),
    ]


# --- items in the reliability codings, and rounds -----------------------------------------------


def test_two_items_of_one_family_on_a_sentence_are_two_units(reliability, data):
    """The second coder adds fentanyl to S1 beside heroin_opioids: one disagreement, on the
    fentanyl unit only, named with its item; adjudicated (absent, as the final coding has
    it), the check passes."""
    edit(
        "SECOND_CODING",
        "heroin_opioids,endorses,\n",
        f"heroin_opioids,endorses,\n{S1},thr_opioids,fentanyl,endorses,\n",
    )
    assert reliability_problems(data) == [
        (
            "round-2/adjudication.csv",
            0,
            0,
            f"disagreement on ('{S1}', 'thr_opioids', 'fentanyl') is not adjudicated",
        )
    ]
    row = f"{S1},thr_opioids,fentanyl,absent,endorses,absent,No fentanyl is named.\n"
    edit("ADJUDICATION", ADJUDICATION_HEADER, ADJUDICATION_HEADER + row)
    assert reliability_problems(data) == []


def test_a_round_of_codebook_2_needs_an_item_on_every_threats_code_and_none_on_others(reliability, data):
    edit("FIRST_CODING", "thr_opioids,heroin_opioids,", "thr_opioids,,")  # row 2: no item
    edit("SECOND_CODING", "thr_opioids,heroin_opioids,", "thr_opioids,cocaine,")  # row 2: another family's item
    edit("SECOND_CODING", f"{S3},hr_naloxone,,", f"{S3},hr_naloxone,fentanyl,")  # row 4: an item on a non-threat
    assert reliability_problems(data) == [
        ("round-2/first_coding.csv", 2, 3, "thr_opioids needs one of its items"),
        ("round-2/second_coding.csv", 2, 3, "cocaine is not an item of thr_opioids"),
        ("round-2/second_coding.csv", 4, 3, "no item is coded with hr_naloxone"),
    ]


def test_a_round_of_codebook_1_takes_no_item(reliability, data):
    earlier = coding.ROUNDS[0]
    edit_file(earlier / "first_coding.csv", f"{S1},thr_opioids,,", f"{S1},thr_opioids,heroin_opioids,")  # row 2
    assert reliability_problems(data) == [("round-1/first_coding.csv", 2, 3, "no item is coded with thr_opioids")]


def test_the_item_rule_follows_the_codebook_of_the_round_in_protocol_yaml(reliability, monkeypatch, data):
    """The same files, with the current round recorded as coded with codebook 1.1.0: its
    items are now refused, one problem per coded threats row."""
    from analysis import sampling

    monkeypatch.setattr(sampling, "rounds", lambda: [ROUND_CODEBOOKS[0], {"folder": "round-2", "codebook": "1.1.0"}])
    refused = "no item is coded with thr_opioids"
    assert reliability_problems(data) == [
        ("round-2/first_coding.csv", 2, 3, refused),
        ("round-2/second_coding.csv", 2, 3, refused),
    ]


def test_an_earlier_round_is_checked_for_its_own_consistency(reliability, data):
    earlier = coding.ROUNDS[0]
    edit_file(earlier / "first_coding.csv", f"{S3},,,,\n", f"{S3},,,,\n{S2},enf_supply_disruption,,questions,\n")
    assert reliability_problems(data) == [
        ("round-1/first_coding.csv", 5, 2, f"duplicate of an earlier row for ('{S2}', 'enf_supply_disruption')")
    ]
    edit_file(earlier / "first_coding.csv", f"{S2},enf_supply_disruption,,questions,\n", "")
    edit_file(earlier / "adjudication.csv", "disruption,,endorses,describes", "disruption,,endorses,absent")
    assert reliability_problems(data) == [
        (
            "round-1/adjudication.csv",
            2,
            4,
            f"('{S2}', 'enf_supply_disruption'): the codings were ('endorses', 'describes')",
        )
    ]


def test_an_earlier_round_is_not_checked_against_the_final_coding(reliability, tmp_path, monkeypatch, data):
    """Round 1 decided describes on S2 and its coders agreed on thr_opioids without an item
    on S1; the final coding has neither. As an earlier round that is no problem (the
    consistent check above passes); made the current round, the same files give three."""
    assert reliability_problems(data) == []
    point_at_rounds(monkeypatch, [tmp_path / "coding" / "reliability" / "round-1"])
    assert reliability_problems(data) == [
        ("round-1/adjudication.csv", 2, 6, f"('{S2}', 'enf_supply_disruption'): annotations.csv has 'endorses'"),
        (
            "coding/annotations.csv",
            0,
            0,
            f"('{S1}', 'thr_opioids'): both coders gave 'endorses', the final coding differs",
        ),
        (
            "coding/annotations.csv",
            0,
            0,
            f"('{S1}', 'thr_opioids', 'heroin_opioids'): both coders gave 'absent', the final coding differs",
        ),
    ]


# --- quote anchoring on small documents written for the tests ---------------------------

TEXTS = {
    # p001: two sentences; p002: three (an ellipsis ends the first); p003: one sentence of 230 characters.
    "T-2000": (
        "Police seized cocaine in March. A police unit acts.\n\n"
        "Wait... The police act again. Police seized cocaine in May.\n\n"
        "In the third quarter of the year the regional units of the eastern and western districts reported to the "
        "ministry, in a note of some length, that police seized cocaine worth two million euros at the port of "
        "entry, and three boats.\n"
    ),
    # A prefix 60 spaces before its quote, then one 61 spaces before it ("Hence" is 5 characters long).
    "T-2001": "Hence" + " " * 60 + "police act.\n\nHence" + " " * 61 + "police act.\n",
    # Two sentences alike.
    "T-2002": "Police seized cocaine. Police seized cocaine.\n",
}


@pytest.fixture
def documents() -> dict[str, corpus.Document]:
    """The TEXTS as documents."""
    return {
        i: corpus.Document(i, "T", Path(f"{i}.txt"), text, tuple(corpus.split_document(i, text)))
        for i, text in TEXTS.items()
    }


@pytest.fixture
def small(documents) -> Loaded:
    """A small world whose documents are the TEXTS."""
    data = Loaded()
    data.documents = documents
    return data


def test_the_test_documents_split_as_their_comment_says(documents):
    assert [[s.id for s in p.sentences] for p in documents["T-2000"].paragraphs] == [
        ["T-2000-p001-s01", "T-2000-p001-s02"],
        ["T-2000-p002-s01", "T-2000-p002-s02", "T-2000-p002-s03"],
        ["T-2000-p003-s01"],
    ]
    assert documents["T-2000"].sentences[2].raw == "Wait..."


def test_find_quote_gives_every_occurrence_including_one_at_the_very_start(documents, small):
    text = TEXTS["T-2000"]
    may = text.index("Police seized cocaine in May")
    assert coding.find_quote(small, "T-2000", "Police seized cocaine") == [(0, 21), (may, may + 21)]


def test_find_quote_gives_overlapping_occurrences(documents, small):
    dots = TEXTS["T-2000"].index("...")
    assert coding.find_quote(small, "T-2000", "..") == [(dots, dots + 2), (dots + 1, dots + 3)]


def test_find_quote_lets_any_run_of_whitespace_match_any_other(documents, small):
    may = TEXTS["T-2000"].index("seized cocaine in May")
    assert coding.find_quote(small, "T-2000", "seized\n  cocaine   in May") == [
        (may, may + len("seized cocaine in May"))
    ]


def test_find_quote_keeps_the_occurrences_with_the_given_prefix_or_suffix(documents, small):
    may = TEXTS["T-2000"].index("Police seized cocaine in May")
    expected = [(may, may + 21)]
    assert coding.find_quote(small, "T-2000", "Police seized cocaine", suffix="in  May.") == expected
    assert coding.find_quote(small, "T-2000", "Police seized cocaine", prefix="act\nagain.") == expected
    assert coding.find_quote(small, "T-2000", "Police seized cocaine", prefix="again.", suffix="in May") == expected
    assert coding.find_quote(small, "T-2000", "Police seized cocaine", prefix="again.", suffix="in March") == []
    assert (
        len(coding.find_quote(small, "T-2000", "Police seized cocaine", prefix=" ", suffix="\n")) == 2
    )  # blank: ignored


def test_a_prefix_is_looked_for_within_three_times_its_length_and_fifty_characters(documents, small):
    """'Hence' (5 characters) may end up to 3 × 5 + 50 = 65 characters before the quote:
    the first is 65 before it (from offset 0), the second 66."""
    assert coding.find_quote(small, "T-2001", "police act", prefix="Hence") == [(65, 75)]


def test_a_blank_quote_is_found_nowhere(documents, small):
    assert coding.find_quote(small, "T-2000", " \n ") == []


def test_a_unique_quote_anchors_to_its_sentence_even_when_it_ends_with_it(documents, small):
    first = documents["T-2000"].paragraphs[0].sentences[0]
    assert (first.id, first.start, first.end) == ("T-2000-p001-s01", 0, 31)
    assert coding.anchor(small, "T-2000", "Police seized cocaine in March.") == coding.Anchor(0, 31, first)
    second = documents["T-2000"].paragraphs[0].sentences[1]
    assert coding.anchor(small, "T-2000", "police unit") == coding.Anchor(34, 45, second)  # "A police unit": 32 + 2


def test_a_quote_found_twice_names_both_sentences(documents, small):
    assert coding.anchor(small, "T-2000", "Police seized cocaine") == (
        "quote occurs 2 times in T-2000 (T-2000-p001-s01, T-2000-p002-s03); add a prefix or suffix"
    )


def test_a_quote_running_into_the_next_sentence_is_refused(documents, small):
    across = "quote runs across sentences T-2000-p001-s01 and T-2000-p001-s02; quote within one sentence"
    assert coding.anchor(small, "T-2000", "in March. A") == across  # one word in
    assert coding.anchor(small, "T-2000", "in March. A police unit acts.") == across  # to the end of the paragraph


def test_a_quote_not_found_shows_the_nearest_sentence_from_ten_characters_before_the_match(documents, small):
    """The longest stretch in common starts 5 characters into the quote ('e seized ...'), at
    'police' in the sentence: the window starts 10 characters before it and is 45 + 30 long.
    The sentence is over 200 characters long, where difflib's "autojunk" would lose the match."""
    assert coding.anchor(small, "T-2000", "polise seized cocaine worth two million euros") == (
        "quote not found verbatim in T-2000; nearest is T-2000-p003-s01: "
        "'gth, that police seized cocaine worth two million euros at the port of entr'"
    )


def test_of_two_sentences_equally_near_the_first_is_shown(documents, small):
    assert coding.nearest(small, "T-2002", "Police seizd cocaine") == ("T-2002-p001-s01", "Police seized cocaine.")


def test_an_offset_between_sentences_lies_in_no_sentence(documents):
    with pytest.raises(ValueError, match=r"^offset 31 of T-2000 lies in no sentence$"):
        coding._sentence_at(documents["T-2000"], 31)  # the space after "March."


# --- codebook, annotations and errata: exact messages and positions ---------------------


def test_codebook_problems_are_named_by_dimension_and_code_at_their_value(tmp_path, data):
    text = coding.CODEBOOK.read_text(encoding="utf-8")
    first, second, third = (c["id"] for c in yaml.safe_load(text)["dimensions"][0]["codes"][:3])
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if line.startswith("      - id: ")][:3]  # the first three codes

    def after(start: int, key: str) -> int:
        return next(i for i in range(start, len(lines)) if lines[i].startswith(f"          {key}: "))

    document, quote = after(starts[0], "document"), after(starts[2], "quote")
    lines[document] = "          document: XX-1999"
    lines[starts[1]] = f"      - id: {first}"
    lines[quote] = '          quote: "Words the document never says."'
    path = tmp_path / "codebook.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    # Lines from 1; a value's column is after "key: " (a quoted value's at its opening quote).
    assert coding.validate_codebook(data, path) == [
        Problem(path, document + 1, 21, f"enforcement/{first}: unknown document 'XX-1999'"),
        Problem(path, starts[1] + 1, 13, f"enforcement/{first}: duplicate id"),
        Problem(path, quote + 1, 18, f"enforcement/{third}: example quote not found verbatim"),
    ]
    assert second != first


def line_index(lines: list[str], text: str, after: int = 0) -> int:
    """The index of the first line from ``after`` that is exactly ``text`` (or starts with it, for keys)."""
    return next(i for i in range(after, len(lines)) if lines[i] == text or lines[i].startswith(text))


def test_only_threats_codes_have_items_and_every_threats_code_has_them(tmp_path, data):
    """thr_cocaine's items block moved under enf_supply_disruption (the last enforcement
    code): each is named at its id (line from 1, column after "- id: ")."""
    lines = coding.CODEBOOK.read_text(encoding="utf-8").split("\n")
    cocaine = line_index(lines, "      - id: thr_cocaine")
    block_start = line_index(lines, "        items:", cocaine)
    block_end = line_index(lines, "      - id: thr_cannabis", cocaine)
    block = lines[block_start:block_end]
    del lines[block_start:block_end]
    harm_reduction = line_index(lines, "  - id: harm_reduction")
    lines[harm_reduction:harm_reduction] = block
    supply = line_index(lines, "      - id: enf_supply_disruption")
    cocaine = line_index(lines, "      - id: thr_cocaine")
    path = tmp_path / "codebook.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert coding.validate_codebook(data, path) == [
        Problem(path, supply + 1, 13, "enforcement/enf_supply_disruption: only threats codes have items"),
        Problem(path, cocaine + 1, 13, "threats/thr_cocaine: every threats code lists its items"),
    ]


def test_item_ids_examples_and_enforcement_equivalents_are_checked_at_their_value(tmp_path, data):
    """Ids are unique across codes and items; an item's example is in its document; an
    item's enforcement_codes are enforcement codes (the schema already asks for enf_)."""
    lines = coding.CODEBOOK.read_text(encoding="utf-8").split("\n")
    nitazenes = line_index(lines, "          - id: nitazenes")
    lines[nitazenes] = "          - id: fentanyl"  # fentanyl is the item before it
    cocaine_document = line_index(lines, "              document: ", line_index(lines, "          - id: cocaine"))
    lines[cocaine_document] = "              document: XX-1999"
    cannabis = line_index(lines, "          - id: cannabis")
    lines[cannabis] = "          - id: thr_cannabis"  # the id of its own family
    precursors_quote = line_index(lines, "              quote: ", line_index(lines, "          - id: precursors"))
    lines[precursors_quote] = '              quote: "Words the document never says."'
    laundering = line_index(lines, "            enforcement_codes: [enf_financial_assets]")
    lines[laundering] = "            enforcement_codes: [enf_financial_assets, enf_magic]"
    path = tmp_path / "codebook.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert coding.validate_codebook(data, path) == [
        Problem(path, nitazenes + 1, 17, "threats/thr_opioids/fentanyl: duplicate id"),
        Problem(path, cocaine_document + 1, 25, "threats/thr_cocaine/cocaine: unknown document 'XX-1999'"),
        Problem(path, cannabis + 1, 17, "threats/thr_cannabis/thr_cannabis: duplicate id"),
        Problem(path, precursors_quote + 1, 22, "threats/thr_precursors/precursors: example quote not found verbatim"),
        Problem(
            path,
            laundering + 1,
            lines[laundering].index("enf_magic") + 1,
            "threats/thr_crypto_laundering/money_laundering: 'enf_magic' is not an enforcement code",
        ),
    ]


def test_a_codebook_missing_a_top_level_key_is_named_as_the_codebook(tmp_path, data):
    text = coding.CODEBOOK.read_text(encoding="utf-8")
    path = tmp_path / "codebook.yaml"
    path.write_text("\n".join(line for line in text.split("\n") if not line.startswith("unit:")), encoding="utf-8")
    assert coding.validate_codebook(data, path) == [Problem(path, 1, 1, "codebook: 'unit' is a required property")]


def test_a_codebook_saved_with_a_byte_order_mark_reads_the_same(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + coding.CODEBOOK.read_bytes())
    assert coding.read_codebook(path) == yaml.safe_load(coding.CODEBOOK.read_text(encoding="utf-8"))


def test_a_quote_with_spaces_around_it_is_refused(tmp_path, data):
    row = 'CE-2024," AI can monitor and predict the emergence of designer drugs",,,enf_technology_tools,,endorses,A,\n'
    assert problems(data, write(tmp_path, HEADER + row)) == [
        f"{tmp_path / 'annotations.csv'}:2:2: quote has leading or trailing spaces"
    ]


def test_rows_after_a_duplicate_are_still_checked(tmp_path, data):
    threat = "CE-2024,Captagon has emerged as a significant problem,,,thr_methamphetamine,captagon,implements,A,\n"
    path = write(tmp_path, HEADER + GOOD + GOOD + threat)
    assert problems(data, path) == [
        f"{path}:3:5: duplicate of row 2",
        f"{path}:4:7: 'implements' is not used for threats codes",
    ]


def test_a_suffix_makes_a_repeated_quote_unique(tmp_path, data):
    row = "CE-2024,Raman technology,,aids drug detection,enf_technology_tools,,endorses,A,\n"
    assert problems(data, write(tmp_path, HEADER + row)) == []


def test_loaded_annotations_carry_the_dimension_sentence_paragraph_and_span_of_each_quote(tmp_path, data):
    """Expected spans by a second route: the quote's offset in the raw text file, and the
    sentence whose pinned span (tests/pinned_sentences.csv) holds it."""
    quotes = [
        ("CE-2024", "AI can monitor and predict the emergence of designer drugs", "", "", "enf_technology_tools", ""),
        ("CE-2024", "Raman technology", "Globally,", "", "enf_technology_tools", ""),
        ("CE-2024", "Raman technology", "", "aids drug detection", "thr_criminal_technology", "other_technology"),
    ]
    body = "".join(f'{d},"{q}","{p}","{s}",{c},{i},describes,A,\n' for d, q, p, s, c, i in quotes)
    frame = coding.load_annotations(data, write(tmp_path, HEADER + body))
    text = (corpus.SOURCES_METADATA.parent / "004_78f369b24c9912c3.txt").read_bytes().decode("utf-8")
    with (Path(__file__).parent / "pinned_sentences.csv").open(encoding="utf-8", newline="") as handle:
        pinned = [r for r in csv.DictReader(handle) if r["sentence_id"].startswith("CE-2024-")]
    expected = []
    for _, quote, prefix, suffix, code, item in quotes:
        start = text.index(" ".join(part for part in (prefix, quote, suffix) if part))
        start += len(prefix) + 1 if prefix else 0
        sentence = next(r["sentence_id"] for r in pinned if int(r["start"]) <= start < int(r["end"]))
        dimension = "threats" if code.startswith("thr_") else "enforcement"
        expected.append((quote, code, item, dimension, sentence, sentence[: -len("-s00")], start, start + len(quote)))
    columns = ["quote", "code", "item", "dimension", "sentence_id", "paragraph_id", "start", "end"]
    assert [tuple(r) for r in frame[columns].itertuples(index=False)] == expected


def test_loading_bad_annotations_raises_every_problem(tmp_path, data):
    path = write(tmp_path, HEADER + GOOD + GOOD + GOOD)
    with pytest.raises(DataError) as raised:
        coding.load_annotations(data, path)
    assert [str(p) for p in raised.value.problems] == [
        f"{path}:3:5: duplicate of row 2",
        f"{path}:4:5: duplicate of row 2",
    ]


def test_errata_are_checked_row_by_row_as_whole_words(tmp_path, data):
    header = "document_id,wrong,reading,reason\n"
    rows = "CE-2024,Xyzzy,XYZ,test\nCE-2024,Albased,AI-based,ok\nCE-2024,monito,monitor,inside a word only\n"
    path = write(tmp_path, header + rows, "errata.csv")
    assert [str(p) for p in coding.validate_errata(data, path)] == [
        f"{path}:2:2: 'Xyzzy' does not occur in CE-2024",
        f"{path}:4:2: 'monito' does not occur in CE-2024",
    ]


def test_an_erratum_for_an_unknown_document_is_refused_at_its_cell(tmp_path, data):
    path = write(tmp_path, "document_id,wrong,reading,reason\nXX-1999,Al,AI,test\n", "errata.csv")
    (problem,) = coding.validate_errata(data, path)
    assert (problem.row, problem.column) == (2, 1)
    assert problem.message.startswith('The cell "XX-1999" in row at position "2" and field "document_id"')


def test_codes_lists_every_code_in_codebook_order_with_its_dimension_and_joined_rules(data):
    book = yaml.safe_load(coding.CODEBOOK.read_text(encoding="utf-8"))
    frame = coding.codes(data)
    assert list(frame.columns) == [
        "dimension", "dimension_label", "code", "label", "short", "definition",
        "include", "exclude", "example_document", "example_quote", "keywords", "added",
    ]  # fmt: skip
    assert [(r.dimension, r.code) for r in frame.itertuples()] == [
        (d["id"], c["id"]) for d in book["dimensions"] for c in d["codes"]
    ]
    first, row = book["dimensions"][0]["codes"][0], frame.iloc[0]
    assert (row["dimension_label"], row["label"], row["short"]) == (
        book["dimensions"][0]["label"],
        first["label"],
        first["short"],
    )
    assert (row["definition"], row["example_document"], row["example_quote"]) == (
        first["definition"],
        first["example"]["document"],
        first["example"]["quote"],
    )
    assert row["include"].split(" | ") == first["include"] and len(first["include"]) > 1
    assert row["exclude"].split(" | ") == first["exclude"] and len(first["exclude"]) > 1
    assert row["keywords"].split("; ") == first["keywords"] and len(first["keywords"]) > 1
    # Only thr_cannabis says `added: "2.0.0"` in the codebook; a code without it dates from 1.0.0.
    added = frame.set_index("code")["added"]
    assert added["thr_cannabis"] == "2.0.0"
    assert set(added.drop("thr_cannabis")) == {"1.0.0"}


def test_items_lists_every_threat_item_under_its_family(data):
    """By a second route, the codebook's YAML: one row per item, in order, each with its
    family's code and short label; enforcement equivalents space-joined; the label in
    running text lower-cased unless a proper noun (Captagon)."""
    book = yaml.safe_load(coding.CODEBOOK.read_text(encoding="utf-8"))
    (threats,) = [d for d in book["dimensions"] if d["id"] == "threats"]
    frame = coding.items(data)
    assert [(r.code, r.family, r.item) for r in frame.itertuples()] == [
        (c["id"], c["short"], i["id"]) for c in threats["codes"] for i in c["items"]
    ]
    assert set(frame["dimension"]) == {"threats"}
    row = frame.set_index("item")
    assert (
        list(row.loc[["fentanyl", "nitazenes", "heroin_opioids", "prescription_drugs"], "code"]) == ["thr_opioids"] * 4
    )
    assert row.loc["fentanyl", "in_text"] == "fentanyl and its analogues"
    assert row.loc["captagon", "in_text"] == "Captagon"
    assert row.loc["precursors", "enforcement_codes"] == "enf_precursor_control"
    assert row.loc["money_laundering", "enforcement_codes"] == "enf_financial_assets"
    assert row.loc["cocaine", "enforcement_codes"] == ""
    assert row.loc["nitazenes", "example_quote"] == (
        "the UK faces a similar challenge with nitazenes, another potent synthetic opioid"
    )


def test_the_reading_of_a_quote_drops_markup_and_applies_the_errata(data):
    assert coding.reading(data, "CE-2024", "**Al** can  monitor") == "AI can monitor"
    assert coding.reading(data, "CA-2019", "**Al** can  monitor") == "Al can monitor"
