"""Salience and its paragraph bootstrap on small hand-made frames whose right answers are worked out here."""

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from analysis import salience

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
SENTENCES = {"P-1": 4, "P-2": 16, "S-1": 5}
BODY = {f"{doc}-s{i}" for doc, n in SENTENCES.items() for i in range(n)}
# Each document is one paragraph (all its body sentences) plus a heading of 100 words:
# resampling one paragraph always gives it back, so every draw is the point estimate.
ONE_PARAGRAPH = pd.DataFrame(
    [
        {
            "document_id": doc,
            "paragraph_id": f"{doc}-p1",
            "sentence_ids": tuple(f"{doc}-s{i}" for i in range(n)),
            "sentences": n,
            "words": words - 100,
        }
        for doc, n, words in (("P-1", 4, 1000), ("P-2", 16, 1000), ("S-1", 5, 500))
    ]
)
DOCUMENT_WORDS = {"P-1": 1000, "P-2": 1000, "S-1": 500}


def annotations(rows):
    return pd.DataFrame(rows, columns=["document_id", "sentence_id", "code", "stance"])


def table_of(rows, units=CODES):
    coded = annotations(rows)
    boot = salience.paragraph_bootstrap(coded, SOURCES, ONE_PARAGRAPH, DOCUMENT_WORDS, list(units["code"]), draws=50)
    return salience.salience(coded, SOURCES, units, BODY, boot)


def test_pooled_source_is_pooled_by_sentences_not_averaged():
    # P-1 has 1 of 4 sentences coded (25%), P-2 has 1 of 16 (6.25%): their mean would
    # be 15.6%, but pooled by sentences the source has 2 of 20 = 10%.
    table = table_of([("P-1", "P-1-s0", "c1", "endorses"), ("P-2", "P-2-s3", "c1", "describes")])
    row = table[(table["source_id"] == "P") & (table["code"] == "c1")].iloc[0]
    assert row["sentences"] == 2 and row["body_sentences"] == 20
    assert row["share"] == pytest.approx(0.10)
    assert row["per_1000_words"] == pytest.approx(1.0)  # 2 sentences in 2,000 words
    # One paragraph per document: every resample is the text itself, so the interval is
    # the point (10%; 2 in 900 + 100 + 900 + 100 words = 1 per 1,000) and the variance 0.
    assert (row["share_low"], row["share_high"]) == pytest.approx((0.10, 0.10))
    assert (row["per_1000_words_low"], row["per_1000_words_high"]) == pytest.approx((1.0, 1.0))
    assert row["design_effect"] == pytest.approx(0, abs=1e-12)
    assert (row["endorses"], row["describes"], row["implements"], row["questions"]) == (1, 1, 0, 0)


def test_every_source_and_code_has_a_row_and_silence_is_zero_not_missing():
    table = table_of([("S-1", "S-1-s0", "c2", "questions")])
    assert len(table) == 4
    silent = table[(table["source_id"] == "P") & (table["code"] == "c2")].iloc[0]
    assert silent["sentences"] == 0 and silent["share"] == 0
    assert (silent["share_low"], silent["share_high"]) == (0, 0)
    assert math.isnan(silent["design_effect"])  # not defined at a share of 0
    questioned = table[(table["source_id"] == "S") & (table["code"] == "c2")].iloc[0]
    assert questioned["questions"] == 1 and questioned["share"] == pytest.approx(0.2)


def test_headings_are_not_counted_and_a_sentence_counts_once():
    rows = [
        ("S-1", "S-1-heading", "c1", "endorses"),  # not a body sentence
        ("S-1", "S-1-s1", "c1", "endorses"),
        ("S-1", "S-1-s1", "c1", "endorses"),  # the same sentence twice (two quotes)
    ]
    table = table_of(rows)
    row = table[(table["source_id"] == "S") & (table["code"] == "c1")].iloc[0]
    assert row["sentences"] == 1 and row["endorses"] == 1
    # The bootstrap counts the sentence once too: 1 of 5 in every draw.
    assert (row["share_low"], row["share_high"]) == pytest.approx((0.2, 0.2))


def test_raw_counts_would_rank_by_length_but_shares_do_not():
    # The long source has more coded sentences (4 > 2) but a smaller share (4/20 < 2/5).
    rows = [("P-2", f"P-2-s{i}", "c1", "endorses") for i in range(4)]
    rows += [("S-1", f"S-1-s{i}", "c1", "endorses") for i in range(2)]
    table = table_of(rows).query("code == 'c1'")
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


# --- the paragraph bootstrap ----------------------------------------------------------


def paragraphs(*specs):
    """A frame like body_paragraphs(): each spec is (document, paragraph number, sentences, words)."""
    return pd.DataFrame(
        [
            {
                "document_id": doc,
                "paragraph_id": f"{doc}-p{p}",
                "sentence_ids": tuple(f"{doc}-p{p}-s{i}" for i in range(1, n + 1)),
                "sentences": n,
                "words": words,
            }
            for doc, p, n, words in specs
        ]
    )


def sources(*entries):
    """Sources as (source_id, documents, body sentences, words)."""
    return pd.DataFrame(
        [
            {"source_id": s, "source": s.lower(), "documents": docs, "body_sentences": n, "words": w}
            for s, docs, n, w in entries
        ]
    )


def coded(*pairs):
    """Annotations (document, sentence, code) from (sentence id, code) pairs."""
    return pd.DataFrame(
        [(s.rsplit("-p", 1)[0], s, c, "endorses") for s, c in pairs],
        columns=["document_id", "sentence_id", "code", "stance"],
    )


# One document, two paragraphs of two sentences: both sentences of the first carry c,
# none of the second. The first paragraph has 100 words, the second 300, the headings
# 100 (the document has 500).
TINY_SOURCES = sources(("D", "D-1", 4, 500))
TINY_PARAGRAPHS = paragraphs(("D-1", 1, 2, 100), ("D-1", 2, 2, 300))
TINY_CODED = coded(("D-1-p1-s1", "c"), ("D-1-p1-s2", "c"))
TINY_UNITS = pd.DataFrame({"code": ["c"], "label": ["C"], "dimension": ["d"]})


def tiny(draws=4000, seed=11):
    return salience.paragraph_bootstrap(
        TINY_CODED, TINY_SOURCES, TINY_PARAGRAPHS, {"D-1": 500}, ["c"], seed=seed, draws=draws
    )


def test_tiny_bootstrap_has_the_known_distribution():
    """Resampling two paragraphs with replacement takes the coded one 0, 1 or 2 times
    (probabilities 1/4, 1/2, 1/4), so the share is 0, 1/2 or 1; every draw keeps 4 sentences."""
    boot = tiny()
    draws = boot.share_draws("D", "c")
    assert len(draws) == 4000
    assert set(np.unique(draws)) == {0.0, 0.5, 1.0}
    frequencies = [np.mean(draws == v) for v in (0.0, 0.5, 1.0)]
    # Each frequency's standard error is at most sqrt(.25/4000) = .008: four of them is .032.
    assert frequencies == pytest.approx([0.25, 0.5, 0.25], abs=0.035)
    assert draws.mean() == pytest.approx(0.5, abs=0.03)  # standard error sqrt((1/8)/4000) = .0056
    # The central 95% runs over the whole range: 0 and 1 each have a quarter of the draws.
    assert salience.interval(draws) == (0.0, 1.0)
    # var(draws) = 1/8; a binomial share of 2 in 4 has p(1-p)/n = 1/16: design effect 2.
    assert salience.design_effect(draws, 0.5, 4) == pytest.approx(2.0, abs=0.15)


def test_tiny_bootstrap_through_the_salience_table():
    boot = tiny()
    body = {"D-1-p1-s1", "D-1-p1-s2", "D-1-p2-s1", "D-1-p2-s2"}
    (row,) = salience.salience(TINY_CODED, TINY_SOURCES, TINY_UNITS, body, boot).itertuples()
    assert (row.sentences, row.share) == (2, 0.5)
    assert (row.share_low, row.share_high) == (0.0, 1.0)
    assert row.design_effect == pytest.approx(2.0, abs=0.15)
    # Rate: 2 coded sentences in 500 words = 4 per 1,000; see the next test for its draws.
    assert row.per_1000_words == pytest.approx(4.0)
    assert (row.per_1000_words_low, row.per_1000_words_high) == pytest.approx((0.0, 40 / 3))


def test_heading_words_stay_fixed_in_the_rate():
    """Taking the coded paragraph a times (of 2) gives 2a coded sentences in
    100a + 300(2 - a) + 100 heading words: 0/700, 2/500 and 4/300 per word. Were the
    heading words dropped, the middle rate would be 2/400 = 5 per 1,000, not 4."""
    rates = tiny().rates[:, 0, 0]
    assert set(np.round(np.unique(rates), 9)) == set(np.round([0.0, 4.0, 40 / 3], 9))


def test_the_design_effect_is_not_defined_at_a_share_of_0_or_1():
    draws = np.array([0.0, 1.0])
    assert math.isnan(salience.design_effect(draws, 0.0, 10))
    assert math.isnan(salience.design_effect(draws, 1.0, 10))
    # var([0, 1]) = 1/4; p = 1/2 of 4 sentences: 1/16; design effect 4.
    assert salience.design_effect(draws, 0.5, 4) == pytest.approx(4.0)


def test_a_source_pools_its_documents_by_sentences_in_every_draw():
    """P-1 is one paragraph of 3 uncoded sentences (always drawn); P-2 has a paragraph A
    of 2 coded sentences and one B of 1 uncoded sentence. Taking A a times (of 2) the
    pooled share is 2a / (3 + 2a + (2 - a)) = 0, 2/6, 4/7 (probabilities 1/4, 1/2, 1/4).
    Averaging the documents' shares would give 0, 1/3 (a = 1: (0 + 2/3)/2) and 1/2 instead."""
    pooled = sources(("P", "P-1 P-2", 6, 1000))
    frame = paragraphs(("P-1", 1, 3, 300), ("P-2", 1, 2, 200), ("P-2", 2, 1, 100))
    words = {"P-1": 400, "P-2": 400}
    annotations = coded(("P-2-p1-s1", "c"), ("P-2-p1-s2", "c"))
    boot = salience.paragraph_bootstrap(annotations, pooled, frame, words, ["c"], draws=2000)
    draws = boot.share_draws("P", "c")
    assert set(np.round(np.unique(draws), 9)) == set(np.round([0.0, 2 / 6, 4 / 7], 9))
    assert np.mean(draws == 0) == pytest.approx(0.25, abs=0.04)
    assert boot.counts[:, 0, 0].max() == 4


def test_a_seed_gives_the_same_draws_twice_and_another_seed_others():
    first, again, other = tiny(seed=5), tiny(seed=5), tiny(seed=6)
    assert np.array_equal(first.shares, again.shares) and np.array_equal(first.rates, again.rates)
    assert not np.array_equal(first.shares, other.shares)


def test_adding_a_document_leaves_another_documents_draws_alone():
    """Each document has its own generator (document_rng), so a new source, listed before
    the old one, does not shift the old one's resamples."""
    alone = tiny(draws=500)
    added = salience.paragraph_bootstrap(
        pd.concat([coded(("E-1-p1-s1", "c")), TINY_CODED]),
        pd.concat([sources(("E", "E-1", 4, 500)), TINY_SOURCES]),
        pd.concat([paragraphs(("E-1", 1, 2, 100), ("E-1", 2, 2, 300)), TINY_PARAGRAPHS]),
        {"D-1": 500, "E-1": 500},
        ["c"],
        seed=11,
        draws=500,
    )
    assert added.sources == ("E", "D")
    assert np.array_equal(added.share_draws("D", "c"), alone.share_draws("D", "c"))
    # The same document id and seed give the same generator; another id another one.
    assert np.array_equal(salience.document_rng(11, "D-1").random(5), salience.document_rng(11, "D-1").random(5))
    assert not np.array_equal(salience.document_rng(11, "D-1").random(5), salience.document_rng(11, "E-1").random(5))


def test_two_codes_of_one_source_are_differenced_on_the_same_resample():
    """c1 and c2 sit on the same paragraph, so their shares are equal in every draw and the
    paired difference is exactly 0. Two sources of that shape are resampled independently:
    their difference is -1, -1/2, 0, 1/2 or 1, and -1 (both extremes, 1/4 · 1/4 = 1/16 of
    the draws) and 1 are each more than 2.5% likely, so the interval is -1 to 1."""
    two = sources(("S", "S-1", 4, 500), ("T", "T-1", 4, 500))
    frame = paragraphs(("S-1", 1, 2, 100), ("S-1", 2, 2, 300), ("T-1", 1, 2, 100), ("T-1", 2, 2, 300))
    annotations = coded(
        ("S-1-p1-s1", "c1"),
        ("S-1-p1-s1", "c2"),
        ("S-1-p1-s2", "c1"),
        ("S-1-p1-s2", "c2"),
        ("T-1-p1-s1", "c1"),
        ("T-1-p1-s2", "c1"),
    )
    boot = salience.paragraph_bootstrap(annotations, two, frame, {"S-1": 500, "T-1": 500}, ["c1", "c2"], draws=4000)
    assert salience.difference(boot, ("S", "c1"), ("S", "c2")) == (0.0, 0.0)
    assert salience.difference(boot, ("S", "c1"), ("T", "c1")) == (-1.0, 1.0)
    # Taking S's coded paragraph a times and T's b times, the profiles are (2a, 2a) and
    # (2b, 0): cosine 4ab / (2a·√2 · 2b) = 1/√2 whenever a, b > 0; a source with no codes
    # in a draw has no profile to compare (nan).
    cosines = boot.cosine_draws("S", "T")
    both = (boot.counts[:, 0, :].sum(axis=1) > 0) & (boot.counts[:, 1, :].sum(axis=1) > 0)
    assert np.allclose(cosines[both], 1 / math.sqrt(2))
    assert np.isnan(cosines[~both]).all()


def test_threat_items_are_counted_per_item_with_their_family():
    """A sentence naming two items of one family counts once for each item."""
    items = pd.DataFrame(
        {"item": ["i1", "i2"], "code": ["thr_f", "thr_f"], "label": ["I1", "I2"], "dimension": ["threats"] * 2}
    )
    rows = pd.DataFrame(
        [
            ("D-1", "D-1-p1-s1", "thr_f", "i1", "describes"),
            ("D-1", "D-1-p1-s1", "thr_f", "i2", "describes"),
            ("D-1", "D-1-p1-s2", "thr_f", "i1", "endorses"),
        ],
        columns=["document_id", "sentence_id", "code", "item", "stance"],
    )
    boot = salience.paragraph_bootstrap(
        rows, TINY_SOURCES, TINY_PARAGRAPHS, {"D-1": 500}, ["i1", "i2"], unit="item", draws=100
    )
    body = {"D-1-p1-s1", "D-1-p1-s2", "D-1-p2-s1", "D-1-p2-s2"}
    table = salience.salience(rows, TINY_SOURCES, items, body, boot, unit="item")
    assert list(table.columns[:5]) == ["source_id", "source", "dimension", "code", "item"]
    table = table.set_index("item")
    assert tuple(table.loc["i1", ["code", "sentences", "share", "describes", "endorses"]]) == (
        "thr_f",
        2,
        0.5,
        1,
        1,
    )
    assert tuple(table.loc["i2", ["sentences", "share", "describes"]]) == (1, 0.25, 1)
    # i1 sits on both sentences of paragraph 1: 0, 2 or 4 of 4 in a draw, as c in the tiny case.
    assert set(np.unique(boot.share_draws("D", "i1"))) == {0.0, 0.5, 1.0}


# --- the stance mix ---------------------------------------------------------------------


def mix(sentences, endorses=0, implements=0, describes=0, questions=0):
    row = SimpleNamespace(
        sentences=sentences, endorses=endorses, implements=implements, describes=describes, questions=questions
    )
    return salience.stance_mix(row)


@pytest.mark.parametrize(
    ("counts", "text"),
    [
        # Stances in codebook order; a stance no sentence takes (implements) is left out.
        ((25, 13, 0, 5, 7), "25 sentences: 13 endorse, 5 describe, 7 question"),
        # A single sentence names its stance with the stance word.
        ((1, 0, 0, 1, 0), "1 sentence: describes"),
        ((1, 0, 1, 0, 0), "1 sentence: implements"),
        # One stance only: "all".
        ((4, 4, 0, 0, 0), "4 sentences: all endorse"),
        # A count of 1 among others uses the stance word itself.
        ((3, 2, 1, 0, 0), "3 sentences: 2 endorse, 1 implements"),
        ((2, 0, 0, 1, 1), "2 sentences: 1 describes, 1 questions"),
        # Nothing raised.
        ((0, 0, 0, 0, 0), "0 sentences"),
    ],
)
def test_stance_mix_of_hand_made_rows(counts, text):
    assert mix(*counts) == text


def test_stance_mix_reads_the_salience_rows():
    rows = [("S-1", f"S-1-s{i}", "c1", s) for i, s in enumerate(["endorses", "endorses", "questions"])]
    table = table_of(rows).set_index(["source_id", "code"])
    assert salience.stance_mix(next(table.loc[[("S", "c1")]].itertuples())) == "3 sentences: 2 endorse, 1 questions"
    assert salience.stance_mix(next(table.loc[[("P", "c1")]].itertuples())) == "0 sentences"
