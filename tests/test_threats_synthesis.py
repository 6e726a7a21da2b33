"""Threat patterns over time, convergence and similarity, on hand-made frames."""

import math

import numpy as np
import pandas as pd
import pytest

from analysis import synthesis, tables, threats

SOURCES = pd.DataFrame({"source_id": ["A", "B", "C"], "reference_year": [2013, 2019, 2024]})


def rows(code, counts, **stances):
    out = []
    for source, n in zip(["A", "B", "C"], counts, strict=True):
        out.append(
            {
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
                "implements": 0,
                "describes": 0,
                "questions": stances.get(source, {}).get("questions", 0),
            }
        )
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
    assert threats.patterns(threats.threat_matrix(table, SOURCES))[threats.NEW] == ["NEW"]


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


def test_no_qualifying_theme_gives_an_empty_table_with_its_header():
    """Many sources, none sharing, contesting or alone on a theme (as a larger corpus may be)."""
    table = pd.DataFrame(rows("partial", [1, 1, 0]) + rows("other", [0, 2, 2]))
    found = synthesis.convergence(table)
    assert found.empty
    shown = tables.convergence(found.assign(dimension_label=[]))
    assert list(shown.columns) == ["Theme", "Question", "Pattern"] and shown.empty


def test_cosine_similarity_by_hand():
    # (1, 0, 1) and (1, 1, 0): dot 1, norms sqrt(2) each: 1/2.
    assert synthesis.cosine(np.array([1.0, 0, 1]), np.array([1.0, 1, 0])) == pytest.approx(0.5)
    assert math.isnan(synthesis.cosine(np.zeros(3), np.ones(3)))


def test_similarity_counts_shared_codes_and_is_symmetric():
    table = pd.DataFrame(rows("x", [1, 1, 0]) + rows("y", [2, 0, 0]) + rows("z", [0, 3, 3]))
    sim = synthesis.similarity(table).set_index(["source_a_id", "source_b_id"])
    # A = (.1, .2, 0), B = (.1, 0, .3): dot .01; norms sqrt(.05), sqrt(.1)
    assert sim.loc[("A", "B"), "cosine"] == pytest.approx(0.01 / math.sqrt(0.05 * 0.1))
    assert sim.loc[("A", "B"), "cosine"] == pytest.approx(sim.loc[("B", "A"), "cosine"])
    assert sim.loc[("A", "A"), "cosine"] == pytest.approx(1.0)
    assert tuple(sim.loc[("A", "B"), ["codes_both", "codes_a_only", "codes_b_only"]]) == (1, 1, 1)
    assert len(synthesis.unique_pairs(synthesis.similarity(table))) == 3


def test_some_sources_and_several_latest_sources():
    sources = pd.DataFrame({"source_id": ["A", "B", "C"], "reference_year": [2013, 2024, 2024]})
    table = pd.DataFrame(rows("late", [0, 1, 2]) + rows("mid", [1, 1, 0]) + rows("never", [0, 0, 0]))
    matrix = threats.threat_matrix(table, sources).drop_duplicates("code").set_index("code")
    assert matrix.loc["late", "pattern"] == threats.NEW  # named only by the two latest sources
    assert matrix.loc["mid", "pattern"] == threats.SOME
    assert pd.isna(matrix.loc["never", "first_named"])


def test_a_never_named_threat_does_not_turn_years_into_decimals():
    from analysis import tables

    table = pd.DataFrame(rows("seen", [1, 0, 0]) + rows("never", [0, 0, 0]))
    matrix = threats.threat_matrix(table, SOURCES).assign(evidence_url="evidence/x.html#y")
    shown = tables.threat_matrix(matrix).set_index("Threat")["First named"].to_dict()
    assert shown == {"seen": "2013", "never": "not named"}
