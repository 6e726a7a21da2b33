"""Measures: Krippendorff's alpha, the reliability sample, coverage and the keyword coder."""

import math

import pandas as pd
import pytest

from analysis import coding, corpus, datafiles, measures, sampling


def test_alpha_matches_krippendorffs_formula_worked_by_hand():
    # Two coders, ten units: (1,1), (1,0) and eight (0,0). Coincidences: o11 = 2,
    # o10 = o01 = 1, o00 = 16; n = 20, n1 = 3, n0 = 17.
    # Do = 2/20; De = 2·3·17 / (20·19); alpha = 1 - Do/De = 1 - 0.1 / (102/380).
    first = [1, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    second = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert measures.nominal_alpha(first, second) == pytest.approx(1 - 0.1 / (102 / 380))


def test_alpha_is_one_for_perfect_agreement_and_undefined_without_variation():
    assert measures.nominal_alpha([1, 0, 1], [1, 0, 1]) == pytest.approx(1.0)
    assert measures.nominal_alpha([0, 0, 0], [0, 0, 0]) is None
    assert measures.read_alpha(None) == "not defined"
    assert measures.read_alpha(0.81).startswith("reliable")
    assert measures.read_alpha(0.70).startswith("tentative")
    assert measures.read_alpha(0.50).startswith("unreliable")


def test_reliability_counts_units_as_sentence_by_code():
    codes = pd.DataFrame({"dimension": ["d1", "d1", "d2"], "code": ["a", "b", "c"]})
    sample = ["s1", "s2", "s3", "s4", "s5"]
    first = {("s1", "a"): "endorses", ("s2", "b"): "describes", ("s3", "c"): "endorses"}
    second = {("s1", "a"): "describes", ("s2", "a"): "describes", ("s3", "c"): "endorses"}
    table = measures.reliability(first, second, sample, codes)
    d1 = table[(table["level"] == "dimension") & (table["dimension"] == "d1")].iloc[0]
    assert (d1["units"], d1["first_coder_positives"], d1["second_coder_positives"], d1["agreed_positives"]) == (
        10,
        2,
        2,
        1,
    )
    assert d1["stance_units"] == 1
    d2 = table[(table["level"] == "dimension") & (table["dimension"] == "d2")].iloc[0]
    assert d2["alpha"] == pytest.approx(1.0)


def test_keyword_agreement_is_precision_and_recall_over_sentence_code_pairs():
    codes = pd.DataFrame({"dimension": ["d1", "d1"], "code": ["a", "b"]})
    predicted = pd.DataFrame({"sentence_id": ["s1", "s2", "s3"], "code": ["a", "a", "b"]})
    human = pd.DataFrame({"sentence_id": ["s1", "s3", "s4", "s5"], "code": ["a", "a", "b", "b"]})
    (row,) = measures.keyword_agreement(predicted, human, codes).itertuples()
    assert (row.true_positives, row.precision, row.recall) == (1, 1 / 3, 1 / 4)


def test_keyword_coder_reads_through_the_errata():
    predicted = measures.keyword_coding(coding.codes())
    ai_sentence = next(
        s for s in corpus.load_document("CE-2024").sentences if s.text.startswith("Al has the potential")
    )
    assert "enf_technology_tools" in set(predicted[predicted["sentence_id"] == ai_sentence.id]["code"])
    headings = {s.id for d in corpus.load_documents() for p in d.paragraphs if p.kind == "heading" for s in p.sentences}
    assert not set(predicted["sentence_id"]) & headings


def test_the_stored_sample_is_what_the_recorded_seed_draws():
    stored = [r["sentence_id"] for r in datafiles.read_rows(coding.SAMPLE)]
    assert stored == sampling.draw_sample()
    assert stored != sampling.draw_sample(seed=sampling.protocol()["seed"] + 1)


def test_a_sample_that_is_not_the_drawn_one_is_reported_by_document_and_row():
    rows = [{"sentence_id": s} for s in ("A-2000-p001-s01", "A-2000-p002-s01", "B-2000-p001-s01")]
    drawn = ["B-2000-p001-s01", "A-2000-p001-s01", "A-2000-p003-s01"]  # row order does not matter
    (problem,) = coding._check_sample(rows, drawn)
    assert (problem.row, problem.column) == (2, 1)
    assert "sample of A-2000" in problem.message
    assert "missing A-2000-p003-s01; not drawn A-2000-p002-s01" in problem.message
    assert coding._check_sample(rows[::-1], ["A-2000-p001-s01", "A-2000-p002-s01", "B-2000-p001-s01"]) == []


def test_the_sample_holds_at_least_a_fifth_of_every_document_and_no_headings():
    sample = set(sampling.draw_sample())
    for document in corpus.load_documents():
        ids = [s.id for s in document.sentences]
        assert sum(i in sample for i in ids) >= math.ceil(0.2 * len(ids)), document.id
        for paragraph in document.paragraphs:
            if paragraph.kind == "heading":
                assert not {s.id for s in paragraph.sentences} & sample
