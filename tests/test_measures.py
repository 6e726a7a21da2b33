"""Measures: Krippendorff's alpha, the reliability sample, coverage and the keyword coder."""

import csv
import math
from collections import Counter

import pandas as pd
import pytest
import yaml

from analysis import coding, corpus, datafiles, measures, sampling
from analysis.loaded import Loaded
from analysis.paths import ROOT


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
    first = {("s1", "a", ""): "endorses", ("s2", "b", ""): "describes", ("s3", "c", ""): "endorses"}
    second = {("s1", "a", ""): "describes", ("s2", "a", ""): "describes", ("s3", "c", ""): "endorses"}
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


def test_keyword_coder_reads_through_the_errata(data):
    predicted = measures.keyword_coding(data, coding.codes(data))
    ai_sentence = next(s for s in data.documents["CE-2024"].sentences if s.text.startswith("Al has the potential"))
    assert "enf_technology_tools" in set(predicted[predicted["sentence_id"] == ai_sentence.id]["code"])
    headings = {s.id for d in data.documents.values() for p in d.paragraphs if p.kind == "heading" for s in p.sentences}
    assert not set(predicted["sentence_id"]) & headings


def test_the_stored_sample_is_what_the_recorded_seed_draws(data):
    stored = [r["sentence_id"] for r in datafiles.read_rows(coding.SAMPLE)]
    assert stored == sampling.draw_sample(data)
    assert stored != sampling.draw_sample(data, seed=sampling.protocol()["seed"] + 1)


def test_a_sample_that_is_not_the_drawn_one_is_reported_by_document_and_row():
    rows = [{"sentence_id": s} for s in ("A-2000-p001-s01", "A-2000-p002-s01", "B-2000-p001-s01")]
    drawn = ["B-2000-p001-s01", "A-2000-p001-s01", "A-2000-p003-s01"]  # row order does not matter
    (problem,) = coding._check_sample(rows, drawn)
    assert (problem.row, problem.column) == (2, 1)
    assert "sample of A-2000" in problem.message
    assert "missing A-2000-p003-s01; not drawn A-2000-p002-s01" in problem.message
    assert coding._check_sample(rows[::-1], ["A-2000-p001-s01", "A-2000-p002-s01", "B-2000-p001-s01"]) == []


def test_the_sample_holds_at_least_a_fifth_of_every_document_and_no_headings(data):
    sample = set(sampling.draw_sample(data))
    for document in data.documents.values():
        ids = [s.id for s in document.sentences]
        assert sum(i in sample for i in ids) >= math.ceil(0.2 * len(ids)), document.id
        for paragraph in document.paragraphs:
            if paragraph.kind == "heading":
                assert not {s.id for s in paragraph.sentences} & sample


def _csv_rows(path) -> list[dict]:
    """Rows of a CSV file, read with the csv module (a route apart from the code under test)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _pinned_sentences() -> list[dict]:
    return _csv_rows(ROOT / "tests" / "pinned_sentences.csv")


# --- Krippendorff's alpha ---------------------------------------------------------


def test_nominal_alpha_of_three_stances_worked_by_hand():
    # Five units coded by two coders (E endorses, D describes, Q questions):
    # (E,E) (E,D) (D,D) (Q,Q) (D,Q). Coincidence matrix, each unit adding its two
    # ordered pairs: o_EE = 2, o_DD = 2, o_QQ = 2, o_ED = o_DE = 1, o_DQ = o_QD = 1.
    # Marginals n_E = 3, n_D = 4, n_Q = 3, n = 10.
    # Do = (off-diagonal sum) / n = 4/10; De = (n² - Σ n_c²) / (n(n-1)) = (100 - 34)/90 = 66/90.
    # alpha = 1 - Do/De = 1 - 0.4 · 90/66 = 1 - 6/11 = 5/11.
    # (An interval metric on the sorted values would give 1 - 90/138 instead.)
    first = ["endorses", "endorses", "describes", "questions", "describes"]
    second = ["endorses", "describes", "describes", "questions", "questions"]
    assert measures.nominal_alpha(first, second) == pytest.approx(5 / 11)


def test_nominal_alpha_counts_a_value_only_one_coder_used():
    # (a,a) (a,a) (b,a): o_aa = 4, o_ab = o_ba = 1; n_a = 5, n_b = 1, n = 6.
    # Do = 2/6; De = (36 - 25 - 1)/30 = 1/3; alpha = 1 - (1/3)/(1/3) = 0.
    assert measures.nominal_alpha(["a", "a", "b"], ["a", "a", "a"]) == pytest.approx(0.0)
    assert measures.nominal_alpha(["a", "a", "a"], ["a", "a", "b"]) == pytest.approx(0.0)


def test_nominal_alpha_is_not_defined_for_a_single_value_or_no_data():
    assert measures.nominal_alpha(["endorses"] * 3, ["endorses"] * 3) is None
    assert measures.nominal_alpha([], []) is None


def test_alpha_is_read_with_krippendorffs_thresholds_at_their_boundaries():
    assert measures.read_alpha(1.0) == "reliable (≥ .80)"
    assert measures.read_alpha(0.80) == "reliable (≥ .80)"
    assert measures.read_alpha(0.7999) == "tentative (≥ .667)"
    assert measures.read_alpha(0.667) == "tentative (≥ .667)"
    assert measures.read_alpha(0.6669) == "unreliable (< .667)"
    assert measures.read_alpha(0.0) == "unreliable (< .667)"
    assert measures.read_alpha(-0.5) == "unreliable (< .667)"
    assert measures.read_alpha(None) == "not defined"


# --- reliability --------------------------------------------------------------------


def _records(table: pd.DataFrame) -> list[dict]:
    """Rows as dicts, with pandas' NaN for a missing number given back as None."""
    return [
        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
        for r in table.to_dict("records")
    ]


# Dimension order is the codebook's, not alphabetical: threats first.
TINY_CODES = pd.DataFrame(
    {
        "dimension": ["threats", "threats", "enforcement", "enforcement", "enforcement"],
        "code": ["t1", "t2", "e1", "e2", "e3"],
    }
)
TINY_ITEMS = pd.DataFrame({"dimension": ["threats"] * 3, "code": ["t1", "t1", "t2"], "item": ["i1", "i2", "i3"]})
TINY_SAMPLE = ["s1", "s2", "s3"]
TINY_FIRST = {
    ("s1", "t1", "i1"): "endorses",
    ("s2", "t1", "i2"): "describes",
    ("s2", "e1", ""): "endorses",
    ("s3", "e2", ""): "implements",
}
TINY_SECOND = {
    ("s1", "t1", "i1"): "endorses",
    ("s2", "t1", "i1"): "questions",
    ("s3", "t2", "i3"): "describes",
    ("s3", "e2", ""): "implements",
}


def test_reliability_on_a_tiny_sample_worked_by_hand():
    # Keys are (sentence, code, item): the threats codes carry items, which the code-level
    # rows do not look at (s2 is t1 for both coders, with different items).
    table = measures.reliability(TINY_FIRST, TINY_SECOND, TINY_SAMPLE, TINY_CODES)
    assert list(table.columns) == [
        "level",
        "dimension",
        "code",
        "sentences",
        "units",
        "first_coder_positives",
        "second_coder_positives",
        "agreed_positives",
        "alpha",
        "reading",
        "stance_units",
        "stance_alpha",
    ]

    def row(level, dimension, code, units, a, b, agreed, alpha, reading, stance_units, stance_alpha):
        return {
            "level": level,
            "dimension": dimension,
            "code": code,
            "sentences": 3,
            "units": units,
            "first_coder_positives": a,
            "second_coder_positives": b,
            "agreed_positives": agreed,
            "alpha": alpha,
            "reading": reading,
            "stance_units": stance_units,
            "stance_alpha": stance_alpha,
        }

    expected = [
        # threats: 3 sentences x 2 codes = 6 units; first codes (s1,t1) (s2,t1), second
        # those and (s3,t2). Pairs: (1,1) x2, (0,1) x1, (0,0) x3: o11 = 4, o01 = o10 = 1,
        # o00 = 6; n1 = 5, n0 = 7, n = 12. Do = 2/12, De = 2·5·7/(12·11) = 70/132,
        # alpha = 1 - (2/12)(132/70) = 1 - 11/35 = 24/35 (0.686, tentative).
        # Stance on the 2 units both coded: (E,E) and (D,Q): o_EE = 2, o_DQ = o_QD = 1;
        # n_E = 2, n_D = n_Q = 1, n = 4. Do = 2/4, De = (16 - 6)/12 = 10/12, alpha = 1 - 0.6 = 0.4.
        row(
            "dimension", "threats", "", 6, 2, 3, 2, pytest.approx(24 / 35), "tentative (≥ .667)", 2, pytest.approx(0.4)
        ),
        # t1: (1,1) (1,1) (0,0): perfect agreement.
        row("code", "threats", "t1", 3, 2, 2, 2, pytest.approx(1.0), "reliable (≥ .80)", None, None),
        # t2: (0,0) (0,0) (0,1): o00 = 4, o01 = o10 = 1; n0 = 5, n1 = 1, n = 6.
        # Do = 2/6, De = 2·5·1/(6·5) = 1/3, alpha = 0.
        row("code", "threats", "t2", 3, 0, 1, 0, pytest.approx(0.0), "unreliable (< .667)", None, None),
        # enforcement: 9 units; first (s2,e1) (s3,e2), second (s3,e2). Pairs: (1,1), (1,0),
        # (0,0) x7: o11 = 2, o10 = o01 = 1, o00 = 14; n1 = 3, n0 = 15, n = 18.
        # Do = 2/18, De = 2·15·3/(18·17) = 90/306, alpha = 1 - (2/18)(306/90) = 1 - 17/45 = 28/45.
        # Stance on the 1 unit both coded: one value only, so not defined.
        row("dimension", "enforcement", "", 9, 2, 1, 1, pytest.approx(28 / 45), "unreliable (< .667)", 1, None),
        # e1: (0,0) (1,0) (0,0): as t2, alpha = 0.
        row("code", "enforcement", "e1", 3, 1, 0, 0, pytest.approx(0.0), "unreliable (< .667)", None, None),
        # e2: (0,0) (0,0) (1,1): perfect agreement.
        row("code", "enforcement", "e2", 3, 1, 1, 1, pytest.approx(1.0), "reliable (≥ .80)", None, None),
        # e3: nobody used it: a single value, alpha not defined.
        row("code", "enforcement", "e3", 3, 0, 0, 0, None, "not defined", None, None),
    ]
    assert _records(table) == expected


def test_reliability_adds_an_items_row_on_sentence_by_item_units():
    table = measures.reliability(TINY_FIRST, TINY_SECOND, TINY_SAMPLE, TINY_CODES, TINY_ITEMS)
    # The code-level rows are those without items; one "items" row follows them.
    without = measures.reliability(TINY_FIRST, TINY_SECOND, TINY_SAMPLE, TINY_CODES)
    assert _records(table.iloc[:-1]) == _records(without)
    (items,) = _records(table.iloc[-1:])
    # 3 sentences x 3 items = 9 units. First: (s1,i1) (s2,i2); second: (s1,i1) (s2,i1) (s3,i3).
    # Pairs: (1,1) once; (1,0) at (s2,i2); (0,1) at (s2,i1) and (s3,i3); (0,0) five times.
    # o11 = 2, o10 = o01 = 3, o00 = 10; n1 = 5, n0 = 13, n = 18.
    # Do = 6/18 = 1/3, De = 2·5·13/(18·17) = 65/153, alpha = 1 - (1/3)(153/65) = 1 - 51/65 = 14/65.
    # (At the code level s2 agrees, as t1: the item is where these coders part.)
    assert items == {
        "level": "items",
        "dimension": "threats",
        "code": "",
        "sentences": 3,
        "units": 9,
        "first_coder_positives": 2,
        "second_coder_positives": 3,
        "agreed_positives": 1,
        "alpha": pytest.approx(14 / 65),
        "reading": "unreliable (< .667)",
        "stance_units": None,
        "stance_alpha": None,
    }


def test_reliability_of_the_stored_files_is_read_round_by_round_newest_first(tmp_path, monkeypatch, data):
    s1, s2 = "CA-2019-p004-s01", "CA-2019-p005-s01"
    header = "sentence_id,code,item,stance,note\n"
    files = {
        "round-1/first_coding.csv": f"{header}{s1},thr_opioids,,endorses,\n{s2},,,,\n",
        "round-1/second_coding.csv": f"{header}{s1},thr_opioids,,endorses,\n{s2},enf_organised_crime,,describes,\n",
        "round-2/first_coding.csv": f"{header}{s1},thr_opioids,fentanyl,endorses,\n{s2},,,,\n",
        "round-2/second_coding.csv": (
            f"{header}{s1},thr_opioids,heroin_opioids,endorses,\n{s2},enf_organised_crime,,describes,\n"
        ),
        "sample.csv": f"sentence_id,document_id\n{s1},CA-2019\n{s2},CA-2019\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    # The folders' names are those of protocol.yaml: round-1 under codebook 1.0.0, round-2 under 2.0.0.
    monkeypatch.setattr(coding, "SAMPLE", tmp_path / "sample.csv")
    monkeypatch.setattr(coding, "ROUNDS", [tmp_path / "round-1", tmp_path / "round-2"])
    table = measures.reliability_results(data)
    assert table.columns[0] == "round"
    assert list(dict.fromkeys(table["round"])) == ["round-2", "round-1"]  # newest first
    # The codebook read with yaml: each dimension's codes, those added in 2.0.0, and the items.
    book = yaml.safe_load((ROOT / "data" / "coding" / "codebook.yaml").read_text(encoding="utf-8"))
    n_codes = {d["id"]: len(d["codes"]) for d in book["dimensions"]}
    n_new = {d["id"]: sum(c.get("added") == "2.0.0" for c in d["codes"]) for d in book["dimensions"]}
    n_items = sum(len(c.get("items", [])) for d in book["dimensions"] for c in d["codes"])
    assert n_new["threats"] >= 1 and n_items > 0  # thr_cannabis; the threat items
    latest, earlier = table[table["round"] == "round-2"], table[table["round"] == "round-1"]
    # Round 2 knows every code and the items; round 1 only the codes of codebook 1.
    assert list(latest["level"]) == [
        level for d in book["dimensions"] for level in ["dimension"] + ["code"] * n_codes[d["id"]]
    ] + ["items"]
    assert list(earlier["level"]) == [
        level for d in book["dimensions"] for level in ["dimension"] + ["code"] * (n_codes[d["id"]] - n_new[d["id"]])
    ]
    assert "thr_cannabis" in set(latest["code"]) and "thr_cannabis" not in set(earlier["code"])
    assert set(table["sentences"]) == {2}
    for name, rows, threat_codes in (
        ("round-2", latest, n_codes["threats"]),
        ("round-1", earlier, n_codes["threats"] - n_new["threats"]),
    ):
        by_dimension = rows[rows["level"] == "dimension"].set_index("dimension")
        threats, enforcement, harm = (by_dimension.loc[d] for d in ("threats", "enforcement", "harm_reduction"))
        # threats: both coders (s1, thr_opioids), the rest 0: perfect agreement, whatever the items.
        assert (threats["units"], threats["first_coder_positives"], threats["second_coder_positives"]) == (
            2 * threat_codes,
            1,
            1,
        ), name
        assert (threats["agreed_positives"], threats["stance_units"], threats["alpha"]) == (1, 1, 1.0), name
        assert pd.isna(threats["stance_alpha"])  # one stance value only
        # enforcement: one (0,1) among N units, the rest (0,0): o00 = 2(N-1), o01 = o10 = 1;
        # n0 = 2N-1, n1 = 1, n = 2N; Do = 2/2N = 1/N, De = 2(2N-1)/(2N(2N-1)) = 1/N, so alpha = 0.
        assert (enforcement["units"], enforcement["first_coder_positives"]) == (2 * n_codes["enforcement"], 0)
        assert (enforcement["second_coder_positives"], enforcement["stance_units"]) == (1, 0)
        assert enforcement["alpha"] == 0
        # harm reduction: nobody coded it, not defined.
        assert pd.isna(harm["alpha"]) and harm["reading"] == "not defined"
    # Round 2's items: s1 is fentanyl for one coder and heroin for the other. N = 2 x items
    # units with two (1,0)/(0,1) units and N - 2 (0,0): o00 = 2(N-2), o01 = o10 = 2;
    # n0 = 2N-2, n1 = 2, n = 2N. Do = 4/2N, De = 2(2N-2)2/(2N(2N-1)),
    # alpha = 1 - (2N-1)/(2(N-1)) = -1/(2(N-1)); published to 4 places.
    (items,) = latest[latest["level"] == "items"].itertuples()
    units = 2 * n_items
    assert (items.units, items.first_coder_positives, items.second_coder_positives, items.agreed_positives) == (
        units,
        1,
        1,
        0,
    )
    assert items.alpha == pytest.approx(-1 / (2 * (units - 1)), abs=5e-5)
    assert items.alpha == round(items.alpha, 4)


# --- keyword coder --------------------------------------------------------------------


def test_keyword_agreement_per_dimension_worked_by_hand():
    codes = pd.DataFrame(
        {
            "dimension": ["full", "no_guess", "full", "no_truth", "none"],
            "code": ["a", "b", "c", "d", "e"],
        }
    )
    predicted = pd.DataFrame(
        {"sentence_id": ["s1", "s2", "s3", "s1", "s9"], "code": ["a", "a", "c", "d", "d"]},
    )
    human = pd.DataFrame(
        {"sentence_id": ["s1", "s3", "s4", "s5", "s1", "s2"], "code": ["a", "c", "c", "a", "b", "b"]},
    )
    table = measures.keyword_agreement(predicted, human, codes)
    assert list(table.columns) == [
        "dimension",
        "human_codes",
        "keyword_codes",
        "true_positives",
        "precision",
        "recall",
        "f1",
    ]
    # full: guessed {s1 a, s2 a, s3 c}, true {s1 a, s3 c, s4 c, s5 a}: 2 hits.
    # precision 2/3, recall 2/4, F1 = 2·(2/3)(1/2)/(2/3 + 1/2) = (2/3)/(7/6) = 4/7.
    # no_guess: no guesses (precision not defined), 2 true codes, recall 0/2 = 0, F1 not defined.
    # no_truth: 2 guesses, no hit: precision 0, recall not defined, F1 not defined.
    # none: neither guesses nor truth.
    assert _records(table) == [
        {
            "dimension": "full",
            "human_codes": 4,
            "keyword_codes": 3,
            "true_positives": 2,
            "precision": pytest.approx(2 / 3),
            "recall": pytest.approx(1 / 2),
            "f1": pytest.approx(4 / 7),
        },
        {
            "dimension": "no_guess",
            "human_codes": 2,
            "keyword_codes": 0,
            "true_positives": 0,
            "precision": None,
            "recall": 0.0,
            "f1": None,
        },
        {
            "dimension": "no_truth",
            "human_codes": 0,
            "keyword_codes": 2,
            "true_positives": 0,
            "precision": 0.0,
            "recall": None,
            "f1": None,
        },
        {
            "dimension": "none",
            "human_codes": 0,
            "keyword_codes": 0,
            "true_positives": 0,
            "precision": None,
            "recall": None,
            "f1": None,
        },
    ]


def test_keyword_agreement_has_no_f1_when_guesses_and_truth_never_meet():
    codes = pd.DataFrame({"dimension": ["d"], "code": ["a"]})
    predicted = pd.DataFrame({"sentence_id": ["s1"], "code": ["a"]})
    human = pd.DataFrame({"sentence_id": ["s2"], "code": ["a"]})
    (row,) = measures.keyword_agreement(predicted, human, codes).itertuples()
    assert (row.precision, row.recall, row.f1) == (0.0, 0.0, None)


def test_keyword_coder_matches_whole_words_and_phrases_in_body_sentences(data):
    codes = pd.DataFrame(
        {
            "code": ["whole", "phrase", "hyphen", "heading", "errata"],
            "keywords": [
                "seizure; pandemic",
                "saginaw chippewa; real time",
                "mid; tier; x-ray",
                "indian tribe",
                "ai-based",
            ],
        }
    )
    # Worked out by reading the texts:
    # whole: "its biggest seizure of cocaine" (DU-2020-p032-s01) and "the COVID-19 pandemic
    #   induced" (CE-2024-p034-s02); not the "seizures" of six other sentences, nor
    #   "pre-pandemic levels" (CE-2024-p034-s03).
    # phrase: "the Saginaw Chippewa Tribal Court" (CA-2019-p055-s01, upper case in the text),
    #   "Lack of real time data" (CA-2019-p057-s01), "for 'real time' drug safety testing"
    #   (DU-2020-p026-s01); not "real-time alerts" (CE-2024-p035-s05).
    # hyphen: "advanced x-ray scanning" (CE-2024-p051-s04); "mid" and "tier" occur only
    #   joined by a hyphen ("mid- and top-tier", "mid-tier", "mid-layer"), and "ray" only in "x-ray".
    # heading: only the heading "Saginaw-Chippewa Indian Tribe" (CA-2019-p109-s01), which the coder skips.
    # errata: the text has "Albased", read as "AI-based" (data/coding/errata.csv), in CE-2024-p032-s02.
    predicted = measures.keyword_coding(data, codes)
    assert list(predicted.columns) == ["sentence_id", "code"]
    assert list(predicted.itertuples(index=False, name=None)) == [
        ("CA-2019-p055-s01", "phrase"),
        ("CA-2019-p057-s01", "phrase"),
        ("DU-2020-p026-s01", "phrase"),
        ("DU-2020-p032-s01", "whole"),
        ("CE-2024-p032-s02", "errata"),
        ("CE-2024-p034-s02", "whole"),
        ("CE-2024-p051-s04", "hyphen"),
    ]


def test_keyword_coder_finding_nothing_gives_an_empty_table_with_its_columns(data):
    predicted = measures.keyword_coding(data, pd.DataFrame({"code": ["heading"], "keywords": ["indian tribe"]}))
    assert predicted.empty
    assert list(predicted.columns) == ["sentence_id", "code"]


# --- coverage, sample and adjudication ------------------------------------------------


def test_coverage_counts_coded_sentences_against_the_pinned_sentences(data):
    heading, body, other = "CA-2019-p001-s01", "CA-2019-p004-s01", "CE-2024-p034-s02"
    # Two codes on one sentence count once; an id of no document counts nowhere.
    annotations = pd.DataFrame({"sentence_id": [heading, body, body, other, "XX-2000-p001-s01"]})
    coded = {heading, body, other}
    pinned = _pinned_sentences()
    expected = []
    for document in dict.fromkeys(corpus.document_of(p["sentence_id"]) for p in pinned):
        mine = [p for p in pinned if corpus.document_of(p["sentence_id"]) == document]
        body_ids = [p["sentence_id"] for p in mine if p["kind"] != "heading"]
        n_coded = sum(p["sentence_id"] in coded for p in mine)
        expected.append(
            {
                "document_id": document,
                "sentences": len(mine),
                "headings": len(mine) - len(body_ids),
                "coded": n_coded,
                "share_coded": pytest.approx(n_coded / len(mine)),
                "share_of_non_headings_coded": pytest.approx(sum(i in coded for i in body_ids) / len(body_ids)),
            }
        )
    assert [e["coded"] for e in expected] == [2, 0, 0, 0, 1]
    assert measures.coverage(data, annotations).to_dict("records") == expected


def test_sample_sizes_count_the_stored_sample_per_document(data):
    pinned = Counter(corpus.document_of(p["sentence_id"]) for p in _pinned_sentences())
    sampled = Counter(r["document_id"] for r in _csv_rows(ROOT / "data" / "coding" / "reliability" / "sample.csv"))
    # A document with no sampled sentence gets 0 (an invented one, listed first).
    documents = pd.DataFrame(
        {"document_id": ["ZZ-2000", *pinned], "sentences": [10, *pinned.values()], "words": [1] * (len(pinned) + 1)}
    )
    table = measures.sample_sizes(data, documents)
    assert list(table.columns) == ["document_id", "sentences", "sampled", "share"]
    assert table["sampled"].dtype == "int64"
    assert table.to_dict("records") == [
        {"document_id": "ZZ-2000", "sentences": 10, "sampled": 0, "share": 0.0},
        *(
            {"document_id": d, "sentences": n, "sampled": sampled[d], "share": pytest.approx(sampled[d] / n)}
            for d, n in pinned.items()
        ),
    ]


ADJUDICATION_HEADER = "sentence_id,code,first,second,decision,reason\n"


@pytest.mark.parametrize(
    ("rows", "counts"),
    [
        (
            [
                "s1,c1,endorses,absent,endorses,r",  # as the first coder
                "s2,c2,absent,describes,absent,r",  # as the first coder
                "s3,c3,absent,endorses,endorses,r",  # as the second coder
                "s4,c4,questions,describes,endorses,r",  # neither
            ],
            [2, 1, 1],
        ),
        (["s1,c1,endorses,absent,absent,r", "s2,c2,describes,absent,absent,r"], [0, 2, 0]),
        ([], [0, 0, 0]),
    ],
)
def test_adjudication_summary_counts_how_each_disagreement_was_settled(tmp_path, monkeypatch, rows, counts):
    path = tmp_path / "adjudication.csv"
    path.write_text(ADJUDICATION_HEADER + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    monkeypatch.setattr(coding, "ADJUDICATION", path)
    table = measures.adjudication_summary(Loaded())
    assert table.to_dict("list") == {
        "decision": ["as the first coder", "as the second coder", "neither"],
        "disagreements": counts,
    }
    assert table["disagreements"].dtype == "int64"


# --- the numbers the prose quotes -----------------------------------------------------


def test_corpus_summary_of_a_hand_made_table():
    documents = pd.DataFrame(
        {
            "source_id": ["A", "B", "B"],
            "words": [100, 250, 50],
            "sentences": [10, 20, 5],
            "reference_year": [2019, 2013, 2024],
        }
    )
    assert measures.corpus_summary(documents) == {
        "sources": 2,
        "documents": 3,
        "words": 400,
        "sentences": 35,
        "first": 2013,
        "last": 2024,
        "min_words": 50,
        "max_words": 250,
    }


def test_method_figures_rounds_to_whole_percent_and_says_not_defined():
    coverage = pd.DataFrame({"coded": [40, 5], "sentences": [100, 50]})
    sample = pd.DataFrame({"sampled": [20, 14], "sentences": [100, 50], "share": [0.2, 0.28]})
    adjudication = pd.DataFrame({"decision": ["a", "b", "c"], "disagreements": [2, 1, 0]})
    # Newest round first, as reliability_results gives it. Object columns keep None apart
    # from NaN; code rows must not overwrite their dimension's alpha, nor the first round
    # the latest's.
    reliability = pd.DataFrame(
        {
            "round": ["round-2"] * 6 + ["round-1"] * 4,
            "level": [
                *("dimension", "code", "dimension", "code", "dimension", "items"),
                *("dimension", "code", "dimension", "dimension"),
            ],
            "dimension": [
                *("enforcement", "enforcement", "threats", "threats", "harm_reduction", "threats"),
                *("enforcement", "enforcement", "threats", "harm_reduction"),
            ],
            "alpha": pd.Series([0.929714, 0.5, None, 0.7, float("nan"), 0.456, 0.61, 0.9, 0.75, None], dtype=object),
            "stance_alpha": pd.Series(
                [0.7051, None, 0.5, None, float("nan"), None, 0.2, None, 0.3, None], dtype=object
            ),
        }
    )
    keywords = pd.DataFrame(
        {
            "dimension": ["enforcement", "threats", "harm_reduction"],
            "precision": pd.Series([2 / 3, None, float("nan")], dtype=object),
            "recall": pd.Series([1.0, 1 / 3, None], dtype=object),
        }
    )
    assert measures.method_figures(coverage, reliability, keywords, sample, adjudication) == {
        "sampled": 34,
        "sampled_share": "23%",  # 34 / 150 = 22.7%
        "sampled_min_share": "20%",
        "coded": 45,
        "coded_fraction": "30%",  # 45 / 150
        "disagreement_count": 3,
        # the latest round (round-2)
        "alpha": {"enforcement": "0.93", "threats": "not defined", "harm_reduction": "not defined"},
        "stance": {"enforcement": "0.71", "threats": "0.50", "harm_reduction": "not defined"},
        "items_alpha": "0.46",
        # the first round (round-1), its dimensions only
        "first_round": {"enforcement": "0.61", "threats": "0.75", "harm_reduction": "not defined"},
        "precision": {"enforcement": "67%", "threats": "not defined", "harm_reduction": "not defined"},
        "recall": {"enforcement": "100%", "threats": "33%", "harm_reduction": "not defined"},
    }


def test_uncertainty_figures_summarise_the_defined_design_effects(monkeypatch):
    from analysis import salience

    # The settings are read from the salience module when asked, and printed with a thousands separator.
    monkeypatch.setattr(salience, "BOOTSTRAP_DRAWS", 12345)
    monkeypatch.setattr(salience, "BOOTSTRAP_SEED", 7)
    # Five defined design effects (the nan is a share of 0 or 1): sorted 0.8, 1.0, 1.5,
    # 2.3, 3.0; median 1.5; three of five (60%) above 1 (1.0 is not above).
    table = pd.DataFrame({"design_effect": [1.5, float("nan"), 0.8, 2.3, 3.0, 1.0]})
    assert measures.uncertainty_figures(table) == {
        "bootstrap_draws": "12,345",
        "bootstrap_seed": 7,
        "cells": 5,
        "median": "1.5",
        "low": "0.8",
        "high": "3.0",
        "above_one": "60%",
    }
