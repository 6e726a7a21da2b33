"""Salience on small hand-made frames whose right answers are worked out here."""

import math

import pandas as pd
import pytest

from analysis import salience

Z = 1.959963984540054  # the 97.5% point of the standard normal


def wilson_by_hand(k: int, n: int) -> tuple[float, float]:
    p = k / n
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / (1 + Z**2 / n)
    return centre - half, centre + half


@pytest.mark.parametrize(("k", "n"), [(3, 10), (0, 25), (25, 25), (7, 131)])
def test_wilson_interval_matches_the_formula(k, n):
    assert salience.wilson(k, n) == pytest.approx(wilson_by_hand(k, n), abs=1e-9)


def test_wilson_is_undefined_without_sentences():
    low, high = salience.wilson(0, 0)
    assert math.isnan(low) and math.isnan(high)


def test_poisson_rate_uses_the_exact_interval():
    # Zero events: the upper 97.5% bound is -ln(0.025) = 3.6889 events (Garwood).
    rate, low, high = salience.poisson_rate(0, 2000)
    assert (rate, low) == (0, 0)
    assert high == pytest.approx(-math.log(0.025) / 2, rel=1e-6)
    # Four events: the exact 95% interval is 1.0899 to 10.2416 (standard tables).
    rate, low, high = salience.poisson_rate(4, 1000)
    assert rate == 4
    assert (low, high) == pytest.approx((1.0899, 10.2416), abs=1e-4)


SOURCES = pd.DataFrame(
    {
        "source_id": ["P", "S"],
        "source": ["Pooled", "Single"],
        "documents": ["P-1 P-2", "S-1"],
        "words": [2000, 500],
        "body_sentences": [20, 5],
    }
)
CODES = pd.DataFrame({"code": ["c1", "c2"], "label": ["One", "Two"], "dimension": ["d", "d"]})
BODY = {f"P-1-s{i}" for i in range(4)} | {f"P-2-s{i}" for i in range(16)} | {f"S-1-s{i}" for i in range(5)}


def annotations(rows):
    return pd.DataFrame(rows, columns=["document_id", "sentence_id", "code", "stance"])


def test_pooled_source_is_pooled_by_sentences_not_averaged():
    # P-1 has 1 of 4 sentences coded (25%), P-2 has 1 of 16 (6.25%): their mean would
    # be 15.6%, but pooled by sentences the source has 2 of 20 = 10%.
    table = salience.salience(
        annotations([("P-1", "P-1-s0", "c1", "endorses"), ("P-2", "P-2-s3", "c1", "describes")]),
        SOURCES,
        CODES,
        BODY,
    )
    row = table[(table["source_id"] == "P") & (table["code"] == "c1")].iloc[0]
    assert row["sentences"] == 2 and row["body_sentences"] == 20
    assert row["share"] == pytest.approx(0.10)
    assert (row["share_low"], row["share_high"]) == pytest.approx(wilson_by_hand(2, 20))
    assert row["per_1000_words"] == pytest.approx(1.0)  # 2 sentences in 2,000 words
    assert (row["endorses"], row["describes"], row["implements"], row["questions"]) == (1, 1, 0, 0)


def test_every_source_and_code_has_a_row_and_silence_is_zero_not_missing():
    table = salience.salience(annotations([("S-1", "S-1-s0", "c2", "questions")]), SOURCES, CODES, BODY)
    assert len(table) == 4
    silent = table[(table["source_id"] == "P") & (table["code"] == "c2")].iloc[0]
    assert silent["sentences"] == 0 and silent["share"] == 0
    assert silent["share_high"] == pytest.approx(wilson_by_hand(0, 20)[1])
    questioned = table[(table["source_id"] == "S") & (table["code"] == "c2")].iloc[0]
    assert questioned["questions"] == 1 and questioned["share"] == pytest.approx(0.2)


def test_headings_are_not_counted_and_a_sentence_counts_once():
    rows = [
        ("S-1", "S-1-heading", "c1", "endorses"),  # not a body sentence
        ("S-1", "S-1-s1", "c1", "endorses"),
        ("S-1", "S-1-s1", "c1", "endorses"),  # the same sentence twice (two quotes)
    ]
    table = salience.salience(annotations(rows), SOURCES, CODES, BODY)
    row = table[(table["source_id"] == "S") & (table["code"] == "c1")].iloc[0]
    assert row["sentences"] == 1 and row["endorses"] == 1


def test_raw_counts_would_rank_by_length_but_shares_do_not():
    # The long source has more coded sentences (4 > 2) but a smaller share (4/20 < 2/5).
    rows = [("P-2", f"P-2-s{i}", "c1", "endorses") for i in range(4)]
    rows += [("S-1", f"S-1-s{i}", "c1", "endorses") for i in range(2)]
    table = salience.salience(annotations(rows), SOURCES, CODES, BODY).query("code == 'c1'")
    counts = table.set_index("source_id")["sentences"]
    shares = table.set_index("source_id")["share"]
    assert counts["P"] > counts["S"] and shares["P"] < shares["S"]


def test_representative_quote_takes_the_main_stance_then_document_order():
    quotes = pd.DataFrame(
        {
            "source_id": ["S", "S", "S", "S"],
            "code": ["c1", "c1", "c1", "c2"],
            "stance": ["describes", "endorses", "endorses", "questions"],
            "reading": ["first, neutral", "second, for", "third, for", "doubt"],
            "document_id": ["S-1"] * 4,
            "paragraph": [1, 2, 3, 4],
            "sentence_id": ["a", "b", "c", "d"],
        }
    )
    chosen = salience.representative_quote(quotes).set_index("code")
    assert chosen.loc["c1", "quote"] == "second, for"
    assert chosen.loc["c1", "quote_stance"] == "endorses"
    assert chosen.loc["c2", "quote"] == "doubt"
