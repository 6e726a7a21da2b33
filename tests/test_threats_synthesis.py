"""Threat patterns over time, convergence and similarity, on hand-made frames."""

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from analysis import results, salience, synthesis, tables, threats
from analysis.loaded import Loaded

SOURCES = pd.DataFrame({"source_id": ["A", "B", "C"], "source": ["a", "b", "c"], "reference_year": [2013, 2019, 2024]})


def rows(code, counts, **stances):
    out = []
    for source, n in zip(["A", "B", "C"], counts, strict=True):
        row = {
            "source_id": source,
            "source": source.lower(),
            "code": code,
            "label": code.upper(),
            "short": code,
            "dimension": "d",
            "sentences": n,
            "body_sentences": 10,
            "share": n / 10,
            "share_low": 0.0,
            "share_high": 1.0,
            "endorses": stances.get(source, {}).get("endorses", n),
            "implements": stances.get(source, {}).get("implements", 0),
            "describes": 0,
            "questions": stances.get(source, {}).get("questions", 0),
            "evidence_url": f"evidence/{code}.html#{source}",
        }
        out.append({**row, "stance_mix": salience.stance_mix(SimpleNamespace(**row))})
    return out


def test_threat_patterns_and_first_year():
    table = pd.DataFrame(
        rows("everywhere", [1, 2, 3]) + rows("new", [0, 0, 4]) + rows("gone", [2, 1, 0]) + rows("never", [0, 0, 0])
    )
    matrix = threats.threat_matrix(table, SOURCES).drop_duplicates("code").set_index("code")
    assert matrix.loc["everywhere", "pattern"] == threats.PERSISTENT
    assert matrix.loc["new", "pattern"] == threats.NEW and matrix.loc["new", "first_named"] == 2024
    assert matrix.loc["gone", "pattern"] == threats.EARLY and matrix.loc["gone", "first_named"] == 2013
    assert matrix.loc["never", "pattern"] == threats.NONE
    # Every row sits on its source's year, and the threats keep the order they came in.
    full = threats.threat_matrix(table, SOURCES)
    assert list(full["reference_year"]) == [2013, 2019, 2024] * 4
    assert list(dict.fromkeys(full["code"])) == ["everywhere", "new", "gone", "never"]
    # By short label (the default), or by another column.
    assert threats.patterns(threats.threat_matrix(table, SOURCES))[threats.NEW] == ["new"]
    assert threats.patterns(threats.threat_matrix(table, SOURCES), column="label")[threats.NEW] == ["NEW"]
    assert threats.patterns(threats.threat_matrix(table, SOURCES))[threats.EARLY] == ["gone"]


def test_convergence_classifies_shared_contested_and_distinct_themes():
    table = pd.DataFrame(
        rows("shared", [1, 1, 1])
        + rows("contested", [2, 1, 0], A={"endorses": 2}, B={"endorses": 0, "questions": 1})
        + rows("alone", [0, 3, 0])
        + rows("partial", [1, 1, 0])
        + rows("self_doubt", [0, 0, 2], C={"endorses": 1, "questions": 1})
        + rows("mostly_for", [6, 2, 1], A={"endorses": 5, "questions": 1})
    )
    patterns = synthesis.convergence(table).drop_duplicates("code").set_index("code")["pattern"].to_dict()
    assert patterns == {
        "contested": synthesis.CONTESTED,
        "shared": synthesis.SHARED,
        "alone": synthesis.DISTINCT,
        "self_doubt": synthesis.DISTINCT,  # one source both for and against: not a contest between sources
        "mostly_for": synthesis.SHARED,  # one sceptical sentence among five in favour does not make a contest
    }


def test_convergence_counts_running_as_support_and_a_tie_as_neither():
    """Worked by hand: A implements and never endorses (support 2 > 0 questions), C only
    questions: a contest. In 'even', A's support equals its questioning (1 and 1), so A is
    neither supporter nor questioner, and C's questioning alone is no contest."""
    table = pd.DataFrame(
        rows("run", [2, 0, 1], A={"endorses": 0, "implements": 2}, C={"endorses": 0, "questions": 1})
        + rows("even", [2, 0, 1], A={"endorses": 1, "questions": 1}, C={"endorses": 0, "questions": 1})
    )
    found = synthesis.convergence(table).drop_duplicates("code").set_index("code")["pattern"].to_dict()
    assert found == {"run": synthesis.CONTESTED}


def test_a_theme_another_source_raises_another_way_is_not_distinct():
    """'threat' is named by C only, but A makes the matching enforcement priority: raised by
    two sources, so neither distinct nor shared, and left out; with B too it is shared."""
    table = pd.DataFrame(rows("threat", [0, 0, 2]) + rows("lone", [0, 0, 1]))
    assert synthesis.convergence(table, {"threat": {"A"}})["code"].unique().tolist() == ["lone"]
    shared = synthesis.convergence(table, {"threat": {"A", "B"}})
    first = shared.drop_duplicates("code").set_index("code")
    assert first.loc["threat", "pattern"] == synthesis.SHARED and first.loc["threat", "raised_by"] == 3
    assert first.loc["lone", "raised_by"] == 1


def test_convergence_lists_shared_then_contested_then_distinct_in_dimension_and_code_order():
    """Input order: a distinct theme of dimension e, then d's; out: shared first, then
    contested, then distinct, dimensions in their first order (e before d), codes in theirs."""

    def tagged(code, counts, dimension, **stances):
        return [{**r, "dimension": dimension} for r in rows(code, counts, **stances)]

    table = pd.DataFrame(
        tagged("e_alone", [0, 1, 0], "e")
        + tagged("d_alone2", [1, 0, 0], "d")
        + tagged("d_alone1", [0, 0, 1], "d")
        + tagged("d_fight", [1, 1, 0], "d", B={"endorses": 0, "questions": 1})
        + tagged("d_all", [1, 1, 1], "d")
        + tagged("e_all", [1, 1, 1], "e")
    )
    found = synthesis.convergence(table)
    # e_all comes before d_all although it comes after it: dimension e is seen first.
    assert list(dict.fromkeys(found["code"])) == ["e_all", "d_all", "d_fight", "e_alone", "d_alone2", "d_alone1"]
    assert list(found.index) == list(range(len(found)))
    assert list(found.columns) == [*table.columns, "pattern", "raised_by"]  # no sort keys or old index left


def test_no_qualifying_theme_gives_an_empty_table_with_its_header():
    """Many sources, none sharing, contesting or alone on a theme (as a larger corpus may be)."""
    table = pd.DataFrame(rows("partial", [1, 1, 0]) + rows("other", [0, 2, 2]))
    found = synthesis.convergence(table)
    assert found.empty
    assert list(found.columns) == [*table.columns, "pattern", "raised_by"]
    assert found["raised_by"].dtype == "int64"  # a count, as in a table with rows
    shown = tables.convergence(found.assign(dimension_label=[]))
    assert list(shown.columns) == ["Theme", "Question", "Pattern"] and shown.empty


def test_cosine_similarity_by_hand():
    # (1, 0, 1) and (1, 1, 0): dot 1, norms sqrt(2) each: 1/2.
    assert synthesis.cosine(np.array([1.0, 0, 1]), np.array([1.0, 1, 0])) == pytest.approx(0.5)
    assert math.isnan(synthesis.cosine(np.zeros(3), np.ones(3)))
    with pytest.raises(ValueError):  # profiles over different topics are not compared
        synthesis.cosine(np.ones(3), np.ones(2))


def test_similarity_counts_shared_codes_and_is_symmetric():
    # "none" is raised by no source: it counts for neither side, nor as shared.
    table = pd.DataFrame(rows("x", [1, 1, 0]) + rows("y", [2, 0, 0]) + rows("z", [0, 3, 3]) + rows("none", [0, 0, 0]))
    sim = synthesis.similarity(table).set_index(["source_a_id", "source_b_id"])
    # A = (.1, .2, 0), B = (.1, 0, .3): dot .01; norms sqrt(.05), sqrt(.1)
    assert sim.loc[("A", "B"), "cosine"] == pytest.approx(0.01 / math.sqrt(0.05 * 0.1))
    assert sim.loc[("A", "B"), "cosine"] == pytest.approx(sim.loc[("B", "A"), "cosine"])
    assert sim.loc[("A", "A"), "cosine"] == pytest.approx(1.0)
    assert tuple(sim.loc[("A", "B"), ["codes_both", "codes_a_only", "codes_b_only"]]) == (1, 1, 1)
    pairs = synthesis.unique_pairs(synthesis.similarity(table))
    assert list(zip(pairs["source_a_id"], pairs["source_b_id"], strict=True)) == [("A", "B"), ("A", "C"), ("B", "C")]
    assert list(pairs.index) == [0, 1, 2] and list(pairs.columns) == list(synthesis.similarity(table).columns)


def test_some_sources_and_several_latest_sources():
    sources = SOURCES.assign(reference_year=[2013, 2024, 2024])
    table = pd.DataFrame(rows("late", [0, 1, 2]) + rows("mid", [1, 1, 0]) + rows("never", [0, 0, 0]))
    matrix = threats.threat_matrix(table, sources).drop_duplicates("code").set_index("code")
    assert matrix.loc["late", "pattern"] == threats.NEW  # named only by the two latest sources
    assert matrix.loc["mid", "pattern"] == threats.SOME
    assert pd.isna(matrix.loc["never", "first_named"])


def test_a_never_named_threat_does_not_turn_years_into_decimals():
    table = pd.DataFrame(rows("seen", [1, 0, 0]) + rows("never", [0, 0, 0]))
    matrix = threats.threat_matrix(table, SOURCES)
    shown = tables.threat_families(matrix).set_index("Family")["First named"].to_dict()
    assert shown == {"seen": "2013, a", "never": "not named"}


# --- threat items and their enforcement equivalents -------------------------------------


def item_rows(item, family, counts):
    """Salience rows of one threat item, as item_table() gives them (all stances endorse)."""
    return [
        {**row, "code": family, "item": item, "family": family.removeprefix("thr_"), "label": item.title()}
        for row in rows(item, counts)
    ]


def enforcement(*entries):
    """Salience rows of enforcement codes: (source, code, endorses, implements, describes)."""
    return pd.DataFrame(entries, columns=["source_id", "code", "endorses", "implements", "describes"])


EQUIVALENTS = {"fentanyl": ["enf_precursors"], "nitazenes": ["enf_online"], "heroin": ["enf_precursors"], "khat": []}
# A endorses precursor control; B only describes online enforcement; C implements
# precursor control and describes online enforcement.
ENFORCEMENT = enforcement(
    ("A", "enf_precursors", 2, 0, 0),
    ("A", "enf_online", 0, 0, 0),
    ("B", "enf_precursors", 0, 0, 0),
    ("B", "enf_online", 0, 0, 3),
    ("C", "enf_precursors", 0, 1, 0),
    ("C", "enf_online", 0, 0, 1),
)


def test_prioritised_counts_only_sources_that_endorse_or_implement_an_equivalent():
    assert threats.prioritised(ENFORCEMENT, EQUIVALENTS) == {
        "fentanyl": {"A", "C"},
        "nitazenes": set(),  # described only, by B and C: not a priority
        "heroin": {"A", "C"},
        "khat": set(),  # no equivalent
    }


def test_an_earlier_enforcement_priority_is_the_first_naming_of_an_item():
    """fentanyl: named as a threat only by C (2024), but A (2013) endorses its equivalent,
    so it is first named in 2013 by a, as an enforcement priority, by two sources, and
    is not new. nitazenes: named as a threat only by C; its equivalent is only described
    (by B and C), so it stays new. heroin: A names it as a threat and also endorses its
    equivalent: as a threat; C only as a priority."""
    table = pd.DataFrame(
        item_rows("fentanyl", "thr_opioids", [0, 0, 3])
        + item_rows("nitazenes", "thr_opioids", [0, 0, 2])
        + item_rows("heroin", "thr_opioids", [1, 0, 0])
    )
    priorities = threats.prioritised(ENFORCEMENT, EQUIVALENTS)
    matrix = threats.threat_matrix(table, SOURCES, unit="item", priorities=priorities)
    first = matrix.drop_duplicates("item").set_index("item")
    assert tuple(first.loc["fentanyl", ["first_named", "first_named_by", "first_named_as", "named_by"]]) == (
        2013,
        "a",
        threats.AS_PRIORITY,
        2,
    )
    assert first.loc["fentanyl", "pattern"] == threats.SOME != threats.NEW
    assert tuple(first.loc["nitazenes", ["first_named", "first_named_by", "first_named_as", "named_by"]]) == (
        2024,
        "c",
        threats.AS_THREAT,
        1,
    )
    assert first.loc["nitazenes", "pattern"] == threats.NEW
    assert tuple(first.loc["heroin", ["first_named", "first_named_as", "named_by", "pattern"]]) == (
        2013,
        threats.AS_THREAT,
        2,
        threats.SOME,
    )
    named_as = matrix.set_index(["item", "source_id"])["named_as"].to_dict()
    assert named_as == {
        ("fentanyl", "A"): threats.AS_PRIORITY,
        ("fentanyl", "B"): "",
        ("fentanyl", "C"): threats.AS_THREAT,
        ("nitazenes", "A"): "",
        ("nitazenes", "B"): "",  # describes online enforcement only
        ("nitazenes", "C"): threats.AS_THREAT,
        ("heroin", "A"): threats.AS_THREAT,  # a threat and a priority: as a threat
        ("heroin", "B"): "",
        ("heroin", "C"): threats.AS_PRIORITY,
    }
    assert threats.patterns(matrix, "item") == {
        threats.NEW: ["nitazenes"],
        threats.PERSISTENT: [],
        threats.EARLY: [],
        threats.SOME: ["fentanyl", "heroin"],
        threats.NONE: [],
    }
    # Without the equivalents, fentanyl would be new in the latest source.
    plain = threats.threat_matrix(table, SOURCES, unit="item").drop_duplicates("item").set_index("item")
    assert (plain.loc["fentanyl", "pattern"], plain.loc["fentanyl", "first_named"]) == (threats.NEW, 2024)
    # The published table says how the item was first named, and what a priority-only cell means.
    shown = tables.threat_matrix(matrix).set_index("Threat")
    assert shown.loc["fentanyl", "First named"] == "2013, a (as an enforcement priority)"
    assert shown.loc["fentanyl", "a"] == "not raised as a threat; an enforcement priority"
    assert shown.loc["nitazenes", "First named"] == "2024, c"
    assert shown.loc["nitazenes", "Family"] == "opioids"


def test_in_the_same_year_a_threat_names_an_item_before_a_priority():
    """A (as a priority) and B (as a threat) share the year 2013: B names it first."""
    sources = SOURCES.assign(reference_year=[2013, 2013, 2024])
    table = pd.DataFrame(item_rows("fentanyl", "thr_opioids", [0, 1, 0]))
    matrix = threats.threat_matrix(table, sources, unit="item", priorities={"fentanyl": {"A"}})
    row = matrix.iloc[0]
    assert (row["first_named"], row["first_named_by"], row["first_named_as"]) == (2013, "b", threats.AS_THREAT)
    assert row["pattern"] == threats.EARLY


def test_a_threat_no_source_names_has_no_first_year_source_or_way():
    """By hand: a threat at zero everywhere and with no enforcement equivalent is 'not named',
    with no first year, no source and no way of naming; the table says so."""
    sources = pd.DataFrame(
        {"source_id": ["A", "B", "C"], "source": ["a", "b", "c"], "reference_year": [2013, 2019, 2024]}
    )
    matrix = threats.threat_matrix(pd.DataFrame(rows("never", [0, 0, 0])), sources).drop_duplicates("code")
    (row,) = matrix.itertuples()
    assert (row.first_named, row.first_named_by, row.first_named_as, row.named_by, row.pattern) == (
        None,
        "",
        "",
        0,
        threats.NONE,
    )
    assert threats.first_named_text(row) == "not named"


def test_a_cosine_difference_and_its_interval_worked_out_by_hand(monkeypatch):
    """cos(a, b) − cos(a, c), with the central 95% of the paired draws' differences."""
    draws = {("a", "b"): np.full(201, 0.9), ("a", "c"): np.linspace(0.1, 0.5, 201)}
    boot = SimpleNamespace(cosine_draws=lambda x, y: draws[(x, y)])
    similarity = pd.DataFrame(
        {"source_a_id": ["a", "a"], "source_b_id": ["b", "c"], "cosine": [0.87654321, 0.123456789]}
    )
    monkeypatch.setattr(results, "topic_bootstrap", lambda data: boot)
    monkeypatch.setattr(results, "similarity", lambda data: similarity)
    # 0.87654321 − 0.123456789 = 0.753086421, to 4 places 0.7531. The differences run
    # evenly from 0.8 down to 0.4 in 201 steps of 0.002: the 2.5th percentile is the 6th
    # smallest (0.4 + 5 × 0.002 = 0.41), the 97.5th the 6th largest (0.8 − 0.01 = 0.79).
    assert results.cosine_difference(Loaded(), ("a", "b"), ("a", "c")) == {
        "difference": 0.7531,
        "low": 0.41,
        "high": 0.79,
    }


def test_a_pairs_shared_quote_is_the_first_sources_on_the_topic_adding_most_to_their_similarity(monkeypatch):
    # shares: t1 A 0.5, B 0.0, C 0.0; t2 A 0.3, B 0.2, C 0.0; t3 A 0.0, B 0.4, C 0.1.
    # A and B: products t1 0, t2 0.06, t3 0 -> A's quote on t2. B and C: only t3 (0.04) -> B's on t3.
    # A and C: every product is 0, nothing shared -> a dash.
    shares = {("t1", "A"): 0.5, ("t2", "A"): 0.3, ("t2", "B"): 0.2, ("t3", "B"): 0.4, ("t3", "C"): 0.1}
    table = pd.DataFrame(
        [
            {
                "source_id": s,
                "code": t,
                "share": shares.get((t, s), 0.0),
                "quote": f"{s} on {t}" if (t, s) in shares else "",
                "document_id": f"{s}-1",
                "paragraph": 4,
                "quote_stance": "endorses",
                "short": t.upper(),
            }
            for t in ("t1", "t2", "t3")
            for s in ("A", "B", "C")
        ]
    )
    monkeypatch.setattr(results, "topic_table", lambda data: table)
    assert results.shared_quote(None, "A", "B") == "“A on t2” (A-1 ¶4, endorses; t2)"
    assert results.shared_quote(None, "B", "C") == "“B on t3” (B-1 ¶4, endorses; t3)"
    assert results.shared_quote(None, "A", "C") == "—"
