"""Codebook, errata and annotations: valid data loads; bad data is named by file, row and column."""

import csv
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis import coding, corpus
from analysis.datafiles import DataError, Problem

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


@pytest.mark.subprocess
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
# Both coders give S1 thr_opioids; only the first gives S2 enf_supply_disruption and only
# the second S3 hr_naloxone: two disagreements, adjudicated in favour of the first coder.
RELIABILITY = {
    "sample.csv": f"sentence_id,document_id\n{S1},CA-2019\n{S2},CA-2019\n{S3},CA-2019\n",
    "first_coding.csv": (
        f"sentence_id,code,stance,note\n{S1},thr_opioids,endorses,\n{S2},enf_supply_disruption,endorses,\n{S3},,,\n"
    ),
    "second_coding.csv": (
        f"sentence_id,code,stance,note\n{S1},thr_opioids,endorses,\n{S2},,,\n{S3},hr_naloxone,describes,\n"
    ),
    "adjudication.csv": (
        "sentence_id,code,first,second,decision,reason\n"
        f"{S2},enf_supply_disruption,endorses,absent,endorses,Supply reduction is stated.\n"
        f"{S3},hr_naloxone,absent,describes,absent,Naloxone is not named.\n"
    ),
}
# The final coding (what load_annotations gives), which follows both decisions.
FINAL = [
    (S1, "thr_opioids", "endorses"),
    (S2, "enf_supply_disruption", "endorses"),
    (OUTSIDE, "thr_cocaine", "describes"),
]


@pytest.fixture
def reliability(tmp_path, monkeypatch) -> list[tuple[str, str, str]]:
    """The reliability files in tmp_path; the drawn sample is the three sentences, and the
    final coding is the returned list (a test may change it before validating)."""
    from analysis import sampling

    for name, text in RELIABILITY.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    for constant, name in [
        ("SAMPLE", "sample.csv"),
        ("FIRST_CODING", "first_coding.csv"),
        ("SECOND_CODING", "second_coding.csv"),
        ("ADJUDICATION", "adjudication.csv"),
        ("ANNOTATIONS", "annotations.csv"),
    ]:
        monkeypatch.setattr(coding, constant, tmp_path / name)
    final = list(FINAL)
    monkeypatch.setattr(sampling, "draw_sample", lambda: [S1, S2, S3])
    monkeypatch.setattr(
        coding, "load_annotations", lambda: pd.DataFrame(final, columns=["sentence_id", "code", "stance"])
    )
    return final


def reliability_problems() -> list[tuple[str, int, int, str]]:
    return [(p.path.name, p.row, p.column, p.message) for p in coding.validate_reliability()]


def edit(name: str, old: str, new: str) -> None:
    """Replace text in one of the reliability files (it must occur)."""
    path = getattr(coding, name)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_project_reliability_files_pass_every_check():
    assert coding.validate_reliability() == []


def test_a_consistent_small_reliability_check_passes(reliability):
    assert reliability_problems() == []


def test_sample_codes_keeps_coded_rows_only(reliability):
    assert coding.sample_codes(coding.SECOND_CODING) == {
        (S1, "thr_opioids"): "endorses",
        (S3, "hr_naloxone"): "describes",
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
        ("SECOND_CODING", "describes", "loves", 4, "stance", 3, STANCE_LIST),
        ("ADJUDICATION", f"{S2},enf", f"{OUTSIDE},enf", 2, "sentence_id", 1, SAMPLE_LIST),
        ("ADJUDICATION", "hr_naloxone", "hr_magic", 3, "code", 2, ""),
        ("ADJUDICATION", "disruption,endorses,", "disruption,maybe,", 2, "first", 3, CHOICE_LIST),
        ("ADJUDICATION", "endorses,absent,endorses", "endorses,maybe,endorses", 2, "second", 4, CHOICE_LIST),
        ("ADJUDICATION", "absent,endorses,Supply", "absent,maybe,Supply", 2, "decision", 5, CHOICE_LIST),
    ],
)
def test_a_reliability_cell_outside_its_allowed_values_is_reported_alone(
    reliability, constant, old, new, row, field, column, allowed
):
    """The allowed values: the corpus's sentence ids (sample), the sample's sentences, the
    codebook's codes, the four stances, and for the adjudication also 'absent'."""
    edit(constant, old, new)
    value = next(cell for cell in new.split(",") if cell not in old.split(","))
    ((name, found_row, found_column, message),) = reliability_problems()
    assert (name, found_row, found_column) == (getattr(coding, constant).name, row, column)
    expected = cell_problem(value, row, field, column, allowed)
    assert message == expected if allowed else message.startswith(expected)


def test_a_coding_row_given_twice_is_a_duplicate(reliability):
    edit("FIRST_CODING", f"{S3},,,\n", f"{S3},,,\n{S1},thr_opioids,describes,\n")  # row 5
    assert reliability_problems() == [
        ("first_coding.csv", 5, 2, "duplicate of an earlier row for ('CA-2019-p004-s01', 'thr_opioids')")
    ]


def test_a_code_needs_a_stance_and_a_stance_a_code_in_either_coding(reliability):
    edit("FIRST_CODING", f"{S3},,,", f"{S3},,endorses,")  # row 4: a stance without a code
    edit("SECOND_CODING", f"{S2},,,", f"{S2},enf_partnerships,,")  # row 3: a code without a stance
    message = "code and stance go together: give both or neither"
    assert reliability_problems() == [("first_coding.csv", 4, 3, message), ("second_coding.csv", 3, 3, message)]


def test_every_sampled_sentence_is_coded_and_none_both_coded_and_not(reliability):
    edit("FIRST_CODING", f"{S3},,,\n", "")
    edit("SECOND_CODING", f"{S3},hr_naloxone,describes,\n", f"{S3},hr_naloxone,describes,\n{S1},,,\n")
    assert reliability_problems() == [
        ("first_coding.csv", 0, 1, f"{S3} of the sample is not coded (use an empty code for none)"),
        ("second_coding.csv", 0, 1, f"{S1} has codes and also an empty 'no code' row"),
    ]


def test_a_sample_that_is_not_the_drawn_one_stops_the_check_before_the_adjudication(reliability, monkeypatch):
    from analysis import sampling

    monkeypatch.setattr(sampling, "draw_sample", lambda: [S1, S2, S3, OUTSIDE])
    reliability[1] = (S2, "enf_supply_disruption", "describes")  # would contradict the decision
    assert reliability_problems() == [
        (
            "sample.csv",
            2,
            1,
            f"the sample of CA-2019 is not the one the recorded seed and rule draw (missing {OUTSIDE}; "
            "not drawn none); `python -m analysis sample CA-2019` prints it",
        )
    ]


def test_an_adjudication_of_codings_that_agree_is_refused_and_the_later_rows_still_checked(reliability):
    header = "sentence_id,code,first,second,decision,reason\n"
    edit("ADJUDICATION", header, header + f"{S1},thr_opioids,endorses,endorses,endorses,Agreed.\n")  # row 2
    assert reliability_problems() == [
        ("adjudication.csv", 2, 2, f"('{S1}', 'thr_opioids'): the two codings agree; nothing to adjudicate")
    ]


def test_a_disagreement_adjudicated_twice_is_refused(reliability):
    row = f"{S2},enf_supply_disruption,endorses,absent,endorses,Supply reduction is stated.\n"
    edit("ADJUDICATION", row, row + row)  # rows 2 and 3
    assert reliability_problems() == [
        ("adjudication.csv", 3, 2, f"('{S2}', 'enf_supply_disruption') is adjudicated twice")
    ]


def test_an_adjudication_must_record_what_each_coder_gave(reliability):
    edit("ADJUDICATION", "disruption,endorses,absent", "disruption,describes,absent")  # row 2: first was endorses
    edit("ADJUDICATION", "naloxone,absent,describes", "naloxone,absent,endorses")  # row 3: second was describes
    assert reliability_problems() == [
        ("adjudication.csv", 2, 3, f"('{S2}', 'enf_supply_disruption'): the codings were ('endorses', 'absent')"),
        ("adjudication.csv", 3, 3, f"('{S3}', 'hr_naloxone'): the codings were ('absent', 'describes')"),
    ]


def test_the_final_coding_must_follow_each_decision(reliability):
    edit("ADJUDICATION", "absent,endorses,Supply", "absent,absent,Supply")  # row 2; the final coding has endorses
    edit("ADJUDICATION", "describes,absent,Naloxone", "describes,describes,Naloxone")  # row 3; no final code
    assert reliability_problems() == [
        ("adjudication.csv", 2, 5, f"('{S2}', 'enf_supply_disruption'): annotations.csv has 'endorses'"),
        ("adjudication.csv", 3, 5, f"('{S3}', 'hr_naloxone'): annotations.csv has 'absent'"),
    ]


def test_every_disagreement_must_be_adjudicated(reliability):
    coding.ADJUDICATION.write_text("sentence_id,code,first,second,decision,reason\n", encoding="utf-8")
    assert reliability_problems() == [
        ("adjudication.csv", 0, 0, f"disagreement on ('{S2}', 'enf_supply_disruption') is not adjudicated"),
        ("adjudication.csv", 0, 0, f"disagreement on ('{S3}', 'hr_naloxone') is not adjudicated"),
    ]


def test_the_final_coding_of_a_sampled_sentence_keeps_what_both_coders_agree_on(reliability):
    reliability[0] = (S1, "thr_opioids", "questions")  # both coders gave endorses
    reliability.append((S3, "thr_cocaine", "describes"))  # neither coder gave it
    reliability.append((OUTSIDE, "thr_opioids", "endorses"))  # outside the sample: free
    assert reliability_problems() == [
        ("annotations.csv", 0, 0, f"('{S1}', 'thr_opioids'): both coders gave 'endorses', the final coding differs"),
        ("annotations.csv", 0, 0, f"('{S3}', 'thr_cocaine'): both coders gave 'absent', the final coding differs"),
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
def documents(monkeypatch) -> dict[str, corpus.Document]:
    """The TEXTS as documents, which corpus.load_document also gives (the corpus's own as well)."""
    made = {
        i: corpus.Document(i, "T", Path(f"{i}.txt"), text, tuple(corpus.split_document(i, text)))
        for i, text in TEXTS.items()
    }
    real = corpus.load_document
    monkeypatch.setattr(corpus, "load_document", lambda document_id: made.get(document_id) or real(document_id))
    return made


def test_the_test_documents_split_as_their_comment_says(documents):
    assert [[s.id for s in p.sentences] for p in documents["T-2000"].paragraphs] == [
        ["T-2000-p001-s01", "T-2000-p001-s02"],
        ["T-2000-p002-s01", "T-2000-p002-s02", "T-2000-p002-s03"],
        ["T-2000-p003-s01"],
    ]
    assert documents["T-2000"].sentences[2].raw == "Wait..."


def test_find_quote_gives_every_occurrence_including_one_at_the_very_start(documents):
    text = TEXTS["T-2000"]
    may = text.index("Police seized cocaine in May")
    assert coding.find_quote("T-2000", "Police seized cocaine") == [(0, 21), (may, may + 21)]


def test_find_quote_gives_overlapping_occurrences(documents):
    dots = TEXTS["T-2000"].index("...")
    assert coding.find_quote("T-2000", "..") == [(dots, dots + 2), (dots + 1, dots + 3)]


def test_find_quote_lets_any_run_of_whitespace_match_any_other(documents):
    may = TEXTS["T-2000"].index("seized cocaine in May")
    assert coding.find_quote("T-2000", "seized\n  cocaine   in May") == [(may, may + len("seized cocaine in May"))]


def test_find_quote_keeps_the_occurrences_with_the_given_prefix_or_suffix(documents):
    may = TEXTS["T-2000"].index("Police seized cocaine in May")
    expected = [(may, may + 21)]
    assert coding.find_quote("T-2000", "Police seized cocaine", suffix="in  May.") == expected
    assert coding.find_quote("T-2000", "Police seized cocaine", prefix="act\nagain.") == expected
    assert coding.find_quote("T-2000", "Police seized cocaine", prefix="again.", suffix="in May") == expected
    assert coding.find_quote("T-2000", "Police seized cocaine", prefix="again.", suffix="in March") == []
    assert len(coding.find_quote("T-2000", "Police seized cocaine", prefix=" ", suffix="\n")) == 2  # blank: ignored


def test_a_prefix_is_looked_for_within_three_times_its_length_and_fifty_characters(documents):
    """'Hence' (5 characters) may end up to 3 × 5 + 50 = 65 characters before the quote:
    the first is 65 before it (from offset 0), the second 66."""
    assert coding.find_quote("T-2001", "police act", prefix="Hence") == [(65, 75)]


def test_a_blank_quote_is_found_nowhere(documents):
    assert coding.find_quote("T-2000", " \n ") == []


def test_a_unique_quote_anchors_to_its_sentence_even_when_it_ends_with_it(documents):
    first = documents["T-2000"].paragraphs[0].sentences[0]
    assert (first.id, first.start, first.end) == ("T-2000-p001-s01", 0, 31)
    assert coding.anchor("T-2000", "Police seized cocaine in March.") == coding.Anchor(0, 31, first)
    second = documents["T-2000"].paragraphs[0].sentences[1]
    assert coding.anchor("T-2000", "police unit") == coding.Anchor(34, 45, second)  # "A police unit": 32 + 2


def test_a_quote_found_twice_names_both_sentences(documents):
    assert coding.anchor("T-2000", "Police seized cocaine") == (
        "quote occurs 2 times in T-2000 (T-2000-p001-s01, T-2000-p002-s03); add a prefix or suffix"
    )


def test_a_quote_running_into_the_next_sentence_is_refused(documents):
    across = "quote runs across sentences T-2000-p001-s01 and T-2000-p001-s02; quote within one sentence"
    assert coding.anchor("T-2000", "in March. A") == across  # one word in
    assert coding.anchor("T-2000", "in March. A police unit acts.") == across  # to the end of the paragraph


def test_a_quote_not_found_shows_the_nearest_sentence_from_ten_characters_before_the_match(documents):
    """The longest stretch in common starts 5 characters into the quote ('e seized ...'), at
    'police' in the sentence: the window starts 10 characters before it and is 45 + 30 long.
    The sentence is over 200 characters long, where difflib's "autojunk" would lose the match."""
    assert coding.anchor("T-2000", "polise seized cocaine worth two million euros") == (
        "quote not found verbatim in T-2000; nearest is T-2000-p003-s01: "
        "'gth, that police seized cocaine worth two million euros at the port of entr'"
    )


def test_of_two_sentences_equally_near_the_first_is_shown(documents):
    assert coding.nearest("T-2002", "Police seizd cocaine") == ("T-2002-p001-s01", "Police seized cocaine.")


def test_an_offset_between_sentences_lies_in_no_sentence(documents):
    with pytest.raises(ValueError, match=r"^offset 31 of T-2000 lies in no sentence$"):
        coding._sentence_at(documents["T-2000"], 31)  # the space after "March."


# --- codebook, annotations and errata: exact messages and positions ---------------------


def test_codebook_problems_are_named_by_dimension_and_code_at_their_value(tmp_path):
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
    assert coding.validate_codebook(path) == [
        Problem(path, document + 1, 21, f"enforcement/{first}: unknown document 'XX-1999'"),
        Problem(path, starts[1] + 1, 13, f"enforcement/{first}: duplicate code id"),
        Problem(path, quote + 1, 18, f"enforcement/{third}: example quote not found verbatim"),
    ]
    assert second != first


def test_a_codebook_missing_a_top_level_key_is_named_as_the_codebook(tmp_path):
    text = coding.CODEBOOK.read_text(encoding="utf-8")
    path = tmp_path / "codebook.yaml"
    path.write_text("\n".join(line for line in text.split("\n") if not line.startswith("unit:")), encoding="utf-8")
    assert coding.validate_codebook(path) == [Problem(path, 1, 1, "codebook: 'unit' is a required property")]


def test_a_codebook_saved_with_a_byte_order_mark_reads_the_same(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + coding.CODEBOOK.read_bytes())
    assert coding.read_codebook(path) == yaml.safe_load(coding.CODEBOOK.read_text(encoding="utf-8"))


def test_a_quote_with_spaces_around_it_is_refused(tmp_path):
    row = 'CE-2024," AI can monitor and predict the emergence of designer drugs",,,enf_technology_tools,endorses,A,\n'
    assert problems(write(tmp_path, HEADER + row)) == [
        f"{tmp_path / 'annotations.csv'}:2:2: quote has leading or trailing spaces"
    ]


def test_rows_after_a_duplicate_are_still_checked(tmp_path):
    threat = "CE-2024,Captagon has emerged as a significant problem,,,thr_methamphetamine,implements,A,\n"
    path = write(tmp_path, HEADER + GOOD + GOOD + threat)
    assert problems(path) == [
        f"{path}:3:5: duplicate of row 2",
        f"{path}:4:6: 'implements' is not used for threats codes",
    ]


def test_a_suffix_makes_a_repeated_quote_unique(tmp_path):
    row = "CE-2024,Raman technology,,aids drug detection,enf_technology_tools,endorses,A,\n"
    assert problems(write(tmp_path, HEADER + row)) == []


def test_loaded_annotations_carry_the_dimension_sentence_paragraph_and_span_of_each_quote(tmp_path):
    """Expected spans by a second route: the quote's offset in the raw text file, and the
    sentence whose pinned span (tests/pinned_sentences.csv) holds it."""
    quotes = [
        ("CE-2024", "AI can monitor and predict the emergence of designer drugs", "", "", "enf_technology_tools"),
        ("CE-2024", "Raman technology", "Globally,", "", "enf_technology_tools"),
        ("CE-2024", "Raman technology", "", "aids drug detection", "thr_criminal_technology"),
    ]
    body = "".join(f'{d},"{q}","{p}","{s}",{c},describes,A,\n' for d, q, p, s, c in quotes)
    frame = coding.load_annotations(write(tmp_path, HEADER + body))
    text = (corpus.SOURCES_DIR / "004_78f369b24c9912c3.txt").read_bytes().decode("utf-8")
    with (Path(__file__).parent / "pinned_sentences.csv").open(encoding="utf-8", newline="") as handle:
        pinned = [r for r in csv.DictReader(handle) if r["sentence_id"].startswith("CE-2024-")]
    expected = []
    for _, quote, prefix, suffix, code in quotes:
        start = text.index(" ".join(part for part in (prefix, quote, suffix) if part))
        start += len(prefix) + 1 if prefix else 0
        sentence = next(r["sentence_id"] for r in pinned if int(r["start"]) <= start < int(r["end"]))
        dimension = "threats" if code.startswith("thr_") else "enforcement"
        expected.append((quote, code, dimension, sentence, sentence[: -len("-s00")], start, start + len(quote)))
    columns = ["quote", "code", "dimension", "sentence_id", "paragraph_id", "start", "end"]
    assert [tuple(r) for r in frame[columns].itertuples(index=False)] == expected


def test_loading_bad_annotations_raises_every_problem(tmp_path):
    path = write(tmp_path, HEADER + GOOD + GOOD + GOOD)
    with pytest.raises(DataError) as raised:
        coding.load_annotations(path)
    assert [str(p) for p in raised.value.problems] == [
        f"{path}:3:5: duplicate of row 2",
        f"{path}:4:5: duplicate of row 2",
    ]


def test_errata_are_checked_row_by_row_as_whole_words(tmp_path):
    header = "document_id,wrong,reading,reason\n"
    rows = "CE-2024,Xyzzy,XYZ,test\nCE-2024,Albased,AI-based,ok\nCE-2024,monito,monitor,inside a word only\n"
    path = write(tmp_path, header + rows, "errata.csv")
    assert [str(p) for p in coding.validate_errata(path)] == [
        f"{path}:2:2: 'Xyzzy' does not occur in CE-2024",
        f"{path}:4:2: 'monito' does not occur in CE-2024",
    ]


def test_an_erratum_for_an_unknown_document_is_refused_at_its_cell(tmp_path):
    path = write(tmp_path, "document_id,wrong,reading,reason\nXX-1999,Al,AI,test\n", "errata.csv")
    (problem,) = coding.validate_errata(path)
    assert (problem.row, problem.column) == (2, 1)
    assert problem.message.startswith('The cell "XX-1999" in row at position "2" and field "document_id"')


def test_codes_lists_every_code_in_codebook_order_with_its_dimension_and_joined_rules():
    book = yaml.safe_load(coding.CODEBOOK.read_text(encoding="utf-8"))
    frame = coding.codes()
    assert list(frame.columns) == [
        "dimension", "dimension_label", "code", "label", "short", "definition",
        "include", "exclude", "example_document", "example_quote", "keywords",
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


def test_the_reading_of_a_quote_drops_markup_and_applies_the_errata():
    assert coding.reading("CE-2024", "**Al** can  monitor") == "AI can monitor"
    assert coding.reading("CA-2019", "**Al** can  monitor") == "Al can monitor"
