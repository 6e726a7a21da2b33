"""The findings' sentences on small hand-made worlds: two or three sources, two to four
codes, the derived tables (``results.*``) replaced by frames written here. Each expected
sentence is worked out by hand in the comments, from the frames, not copied from output."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import findings, results, synthesis, threats
from analysis.findings_threats import threat_figures
from analysis.loaded import Loaded


@pytest.fixture
def data() -> Loaded:
    """A Loaded of each test's own: a test sets (``data.rubrics = ...``) or fakes what it reads,
    and anything it leaves alone is read from the project's files."""
    return Loaded()


# --- enforcement: two sources, three codes -------------------------------------------

# source_id, source, code, short, sentences, share, share_low, share_high, describes, questions, stance_mix
ENFORCEMENT = [
    ("a", "Alpha", "c1", "Street dealing", 10, 0.40, 0.25, 0.55, 0, 0, "10 sentences: 10 endorse"),
    ("a", "Alpha", "c2", "Money laundering", 5, 0.20, 0.10, 0.30, 0, 2, "5 sentences: 3 endorse, 2 question"),
    ("a", "Alpha", "c3", "Online markets", 0, 0.0, 0.0, 0.0, 0, 0, "0 sentences"),
    ("b", "Beta", "c1", "Street dealing", 3, 0.10, 0.02, 0.20, 0, 0, "3 sentences: 3 endorse"),
    (
        "b",
        "Beta",
        "c2",
        "Money laundering",
        6,
        0.25,
        0.12,
        0.38,
        2,
        1,
        "6 sentences: 3 endorse, 2 describe, 1 questions",
    ),
    ("b", "Beta", "c3", "Online markets", 2, 0.05, 0.0, 0.12, 2, 0, "2 sentences: 2 describe"),
]
# The differences the prose may quote, with their intervals: Alpha's lead on street
# dealing is clear, Beta's on money laundering is not (its interval reaches below zero).
DIFFERENCES = {
    (("a", "c1"), ("b", "c1")): {"difference": 0.3, "low": 0.12, "high": 0.48},
    (("b", "c2"), ("a", "c2")): {"difference": 0.05, "low": -0.1, "high": 0.2},
    (("a", "c1"), ("a", "c2")): {"difference": 0.2, "low": 0.05, "high": 0.35},
    (("b", "c2"), ("b", "c1")): {"difference": 0.15, "low": -0.02, "high": 0.3},
}


@pytest.fixture
def enforcement_world(monkeypatch):
    columns = "source_id source code short sentences share share_low share_high describes questions stance_mix"
    table = pd.DataFrame(ENFORCEMENT, columns=columns.split())
    monkeypatch.setattr(results, "dimension_table", lambda data, dimension: table)
    monkeypatch.setattr(results, "difference", lambda data, a, b: DIFFERENCES[(a, b)])


def test_leaders_are_each_sources_top_code_and_whether_its_lead_is_clear(enforcement_world, data):
    # Alpha: street dealing 40% over money laundering 20%, interval 5 to 35 points: clear.
    # Beta: money laundering 25% over street dealing 10%, interval −2 to 30: not clear.
    found = [
        (lead["top"].source, lead["top"].code, lead["next"].code, lead["clear"]) for lead in findings.leaders(data)
    ]
    assert found == [("Alpha", "c1", "c2", True), ("Beta", "c2", "c1", False)]


def test_enforcement_sentences_on_a_small_world(enforcement_world, data):
    figures = findings.enforcement(data)
    assert (figures["codes"], figures["sources"], figures["shared_n"], figures["leader_codes"]) == (3, 2, 2, 2)
    # Raised by both: street dealing (10% for Beta to 40% for Alpha) and money laundering
    # (20% for Alpha to 25% for Beta, whose interval includes zero).
    assert figures["shared"].items == [
        "Street dealing: from 10% of Beta's sentences to 40% of Alpha's, "
        "a gap of 30 percentage points (95% interval 12 to 48)",
        "Money laundering: from 20% of Alpha's sentences to 25% of Beta's, "
        "a gap of 5 percentage points, too small to be sure it is real (95% interval −10 to 20)",
    ]
    assert figures["leaders"].items == [
        "Alpha: street dealing, 40%, 95% interval 25–55% (10 sentences: 10 endorse); "
        "clearly ahead of money laundering (20%)",
        "Beta: money laundering, 25%, 95% interval 12–38% (6 sentences: 3 endorse, 2 describe, 1 questions); "
        "not clearly ahead of street dealing (10%)",
    ]
    assert repr(figures["single"]) == "online markets (Beta only, 5% of its sentences)"
    assert repr(figures["questioned"]) == (
        "Alpha on money laundering (2 sentences) and Beta on money laundering (1 sentence)"
    )
    assert repr(figures["silent"]) == "Alpha 1 of 3"


def test_enforcement_says_no_source_when_every_source_raises_every_code(monkeypatch, data):
    rows = [r for r in ENFORCEMENT if r[2] != "c3"]
    columns = "source_id source code short sentences share share_low share_high describes questions stance_mix"
    monkeypatch.setattr(results, "dimension_table", lambda data, dimension: pd.DataFrame(rows, columns=columns.split()))
    monkeypatch.setattr(results, "difference", lambda data, a, b: DIFFERENCES[(a, b)])
    figures = findings.enforcement(data)
    assert (repr(figures["silent"]), repr(figures["single"])) == ("no source", "none")


# --- indices: a two-source and a three-source index ----------------------------------

RUBRICS = {
    "sensitivity": {
        "draws": 2000,
        "seed": 7,
        "robust_share": 0.95,
        "weights_condition": "the indicators are weighted equally",
        "rules": [
            {"id": "linear", "label": "Linear", "description": "each level counts in proportion"},
            {"id": "rank", "label": "Rank", "description": "only the order of the levels counts"},
        ],
    },
    "indices": [
        {"id": "hr", "dimension": "harm_reduction", "indicators": [{"weight": 1}, {"weight": 1}]},
        {"id": "eo", "dimension": "enforcement", "indicators": [{"weight": 1}, {"weight": 1}, {"weight": 1}]},
    ],
}
SCORES = {
    "hr": [("a", "Alpha", 30.0), ("b", "Beta", 70.0)],
    "eo": [("b", "Beta", 55.4), ("a", "Alpha", 80.0), ("c", "Gamma", 20.0)],
}
# higher_id, higher, lower_id, lower, robust, fails_under, reversed_under, share_linear, share_rank
PAIRS = {
    "hr": [("b", "Beta", "a", "Alpha", True, "", "", 1.0, 1.0)],
    "eo": [
        ("a", "Alpha", "b", "Beta", True, "", "", 1.0, 1.0),
        ("a", "Alpha", "c", "Gamma", True, "", "", 1.0, 1.0),
        ("b", "Beta", "c", "Gamma", False, "linear", "", 0.9, 1.0),
    ],
}
# rule, source, rank, share
STABILITY = {
    "hr": [
        ("linear", "Beta", 1, 0.9),
        ("linear", "Alpha", 1, 0.1),
        ("rank", "Beta", 1, 1.0),
        ("rank", "Alpha", 2, 1.0),
    ],
    "eo": [
        ("linear", "Beta", 1, 0.4),
        ("linear", "Alpha", 1, 0.6),
        ("linear", "Gamma", 1, 0.0),
        ("rank", "Alpha", 1, 0.45),
        ("rank", "Beta", 1, 0.55),
        ("rank", "Alpha", 2, 0.55),
    ],
}


@pytest.fixture
def index_world(monkeypatch, data):
    def sensitivity(data, index_id):
        pair_columns = "higher_id higher lower_id lower robust fails_under reversed_under share_linear share_rank"
        return {
            "pairs": pd.DataFrame(PAIRS[index_id], columns=pair_columns.split()),
            "rank_stability": pd.DataFrame(STABILITY[index_id], columns=["rule", "source", "rank", "share"]),
        }

    data.rubrics = RUBRICS
    monkeypatch.setattr(results, "sensitivity", sensitivity)
    monkeypatch.setattr(
        results, "index_table", lambda data, i: pd.DataFrame(SCORES[i], columns=["source_id", "source", "score"])
    )


def test_index_settings_in_words(index_world, data):
    figures = findings.indices_figures(data)
    assert (figures["draw_count"], figures["seed_value"], figures["firm_share"], figures["rule_count"]) == (
        "2,000",
        7,
        "95%",
        2,
    )
    assert figures["rules"].items == [
        "Linear: each level counts in proportion",
        "Rank: only the order of the levels counts",
    ]
    assert findings.firm_rule(data) == "under every scoring rule and in at least 95% of 2,000 random weightings"


def test_an_index_whose_every_ordering_is_firm(index_world, data):
    hr = findings.indices_figures(data)["by_index"]["hr"]
    assert repr(hr["ranking"]) == "Beta (70) and Alpha (30)"
    assert repr(hr["robust"]) == "Beta above Alpha"
    assert (hr["robust_n"], hr["indicator_count"]) == ("1 of 1", 2)
    assert hr["dependencies"].items == ["None: every ordering is firm."]
    # Ranked first: Beta in 90% of weightings under linear, in all of them under rank.
    assert repr(hr["top_first"]) == (
        "Under the linear rule Beta ranks first in 90% of random weightings "
        "and under the rank rule Beta ranks first in 100% of random weightings"
    )


def test_an_index_with_a_fragile_ordering(index_world, data):
    eo = findings.indices_figures(data)["by_index"]["eo"]
    # 55.4 shows as 55; the order is by score, not the table's order.
    assert repr(eo["ranking"]) == "Alpha (80), Beta (55) and Gamma (20)"
    assert repr(eo["robust"]) == "Alpha above Beta and Gamma"
    assert (eo["robust_n"], eo["indicator_count"]) == ("2 of 3", 3)
    # Beta above Gamma holds under both rules with the published (equal) weights, but 10%
    # of the linear rule's weightings (1 − 0.9) undo it.
    assert eo["dependencies"].items == [
        "Beta ranks above Gamma under every scoring rule with equal weights, "
        "but other weightings of the indicators undo it in up to 10% of cases."
    ]
    assert repr(eo["top_first"]) == (
        "Under the linear rule Alpha ranks first in 60% of random weightings "
        "and under the rank rule Beta ranks first in 55% of random weightings"
    )


# --- threats: three sources, four items in three families ----------------------------

SOURCES = pd.DataFrame(
    {"source_id": ["a", "b", "c"], "source": ["Alpha", "Beta", "Gamma"], "reference_year": [2013, 2019, 2024]}
)
# item, family code, family short, in_text, enforcement equivalents, sentences for a, b, c
ITEMS = [
    ("fentanyl", "thr_opioids", "Synthetic opioids", "fentanyl", "", (0, 0, 4)),
    ("nitazenes", "thr_opioids", "Synthetic opioids", "nitazenes", "", (0, 0, 2)),
    ("cocaine", "thr_cocaine", "Cocaine", "cocaine", "enf_ports", (0, 3, 5)),
    ("cannabis", "thr_cannabis", "Cannabis", "cannabis", "", (2, 1, 0)),
]


@pytest.fixture
def threat_world(monkeypatch):
    """Alpha (2013) names cocaine only by making ports an enforcement priority."""
    rows = [
        {"source_id": s, "item": item, "code": code, "short": short, "sentences": n}
        for item, code, short, _, _, counts in ITEMS
        for s, n in zip("abc", counts, strict=True)
    ]
    salience = pd.DataFrame(rows)
    families = salience.groupby(["code", "source_id"], sort=False, as_index=False).agg(
        short=("short", "first"), sentences=("sentences", "sum")
    )
    matrices = {
        "item": threats.threat_matrix(salience, SOURCES, "item", {"cocaine": {"a"}}),
        "code": threats.threat_matrix(families, SOURCES, "code", {"thr_cocaine": {"a"}}),
    }
    items = pd.DataFrame(
        [(item, text, codes) for item, _, _, text, codes, _ in ITEMS], columns=["item", "in_text", "enforcement_codes"]
    )
    monkeypatch.setattr(results, "threat_matrix", lambda data, unit: matrices[unit])
    monkeypatch.setattr(results, "sources", lambda data: SOURCES)
    monkeypatch.setattr(results, "items", lambda data: items)
    monkeypatch.setattr(
        results, "codes", lambda data: pd.DataFrame({"code": ["enf_ports"], "short": ["Ports and borders"]})
    )


def test_threat_counts_and_years(threat_world, data):
    figures = threat_figures(data)
    assert (figures["items"], figures["families"], figures["year_latest"], figures["year_earliest"]) == (
        4,
        3,
        2024,
        2013,
    )
    assert repr(figures["latest"]) == "Gamma"


def test_threats_new_persistent_and_early_in_words(threat_world, data):
    figures = threat_figures(data)
    # Only Gamma names fentanyl (4 sentences) and nitazenes (2).
    assert repr(figures["new"]) == "fentanyl and nitazenes"
    assert repr(figures["new_sentences"]) == "2 to 4"
    # Cocaine: Alpha through the ports priority, Beta and Gamma as a threat.
    assert repr(figures["persistent"]) == "cocaine"
    # Cannabis: Alpha (2013) and Beta (2019), not Gamma.
    assert repr(figures["early"]) == "cannabis (2013 and 2019 sources)"


def test_threat_families_first_naming_and_equivalents(threat_world, data):
    figures = threat_figures(data)
    assert repr(figures["family_summary"]) == (
        "Across the 3 broader families, synthetic opioids is new in the latest source, and cannabis is named by "
        "earlier sources but not the latest. Named by every source: cocaine."
    )
    # First named in 2013: cocaine (by the priority) and cannabis; in 2024: fentanyl and nitazenes.
    assert repr(figures["first_by_year"]) == (
        "2 first by the 2013 source (1 of them only as an enforcement priority) and 2 first by the 2024 source"
    )
    assert repr(figures["via_priority"]) == "cocaine (Alpha, 2013)"
    assert repr(figures["equivalents"]) == "ports and borders for cocaine"


# A second world: nothing new in 2024, two families only earlier, none named by all three.
QUIET_ITEMS = [
    ("heroin", "thr_opioids", "Synthetic opioids", "heroin", "", (0, 1, 3)),
    ("cannabis", "thr_cannabis", "Cannabis", "cannabis", "", (2, 1, 0)),
    ("firearms", "thr_violence", "Violence and firearms", "firearms", "", (1, 0, 0)),
]


def test_threats_when_nothing_is_new_and_no_family_is_named_by_every_source(monkeypatch, data):
    rows = [
        {"source_id": s, "item": item, "code": code, "short": short, "sentences": n}
        for item, code, short, _, _, counts in QUIET_ITEMS
        for s, n in zip("abc", counts, strict=True)
    ]
    salience = pd.DataFrame(rows)
    matrices = {"item": threats.threat_matrix(salience, SOURCES, "item", {}), "code": None}
    matrices["code"] = threats.threat_matrix(salience.drop(columns="item"), SOURCES, "code", {})
    items = pd.DataFrame(
        [(item, text, codes) for item, _, _, text, codes, _ in QUIET_ITEMS],
        columns=["item", "in_text", "enforcement_codes"],
    )
    monkeypatch.setattr(results, "threat_matrix", lambda data, unit: matrices[unit])
    monkeypatch.setattr(results, "sources", lambda data: SOURCES)
    monkeypatch.setattr(results, "items", lambda data: items)
    monkeypatch.setattr(results, "codes", lambda data: pd.DataFrame({"code": ["enf_x"], "short": ["X"]}))
    figures = threat_figures(data)
    # Gamma (2024) names heroin only, which Beta named in 2019: nothing is new, so no
    # sentence count of a new item. Cannabis (2013, 2019) and violence and firearms (2013) are
    # not named in 2024: a comma keeps the two apart, as one has "and" in its name.
    assert figures["new_n"] == 0
    assert repr(figures["new_sentences"]) == "0"
    assert repr(figures["family_summary"]) == (
        "Across the 3 broader families, every family the latest source names was named earlier, and cannabis, "
        "and violence and firearms are named by earlier sources but not the latest. No family is named by every "
        "source."
    )


# --- synthesis: three sources, four topics --------------------------------------------

TOPICS = {"x1": "street dealing", "x2": "money laundering", "x3": "online markets", "x4": "cannabis"}


@pytest.fixture
def synthesis_world(monkeypatch):
    def use(cosines: dict[tuple[str, str], float], differences: dict) -> None:
        names = {"a": "Alpha", "b": "Beta", "c": "Gamma"}
        both_ways = cosines | {(b, a): v for (a, b), v in cosines.items()}
        similarity = pd.DataFrame(
            [
                {"source_a_id": a, "source_a": names[a], "source_b_id": b, "source_b": names[b], "cosine": value}
                for a in names
                for b in names
                for value in [1.0 if a == b else both_ways[(a, b)]]
            ]
        )
        convergence = pd.DataFrame(
            [
                ("x1", synthesis.SHARED, "Alpha", 3),
                ("x1", synthesis.SHARED, "Beta", 2),
                ("x2", synthesis.CONTESTED, "Alpha", 1),
                ("x3", synthesis.CONTESTED, "Beta", 4),
                ("x4", synthesis.DISTINCT, "Alpha", 0),
                ("x4", synthesis.DISTINCT, "Beta", 5),
            ],
            columns=["code", "pattern", "source", "sentences"],
        )
        monkeypatch.setattr(results, "similarity", lambda data: similarity)
        monkeypatch.setattr(results, "convergence", lambda data: convergence)
        monkeypatch.setattr(results, "topic_name", lambda data, code: TOPICS.get(code))
        monkeypatch.setattr(results, "cosine_difference", lambda data, p, q: differences[(p, q)])

    return use


def test_synthesis_patterns_in_words(synthesis_world, data):
    synthesis_world(
        {("a", "b"): 0.8123, ("a", "c"): 0.4049, ("b", "c"): 0.6},
        {
            (("a", "b"), ("a", "c")): {"difference": 0.41, "low": 0.1, "high": 0.7},
            (("a", "b"), ("b", "c")): {"difference": 0.21, "low": -0.05, "high": 0.4},
        },
    )
    figures = findings.synthesis_figures(data)
    assert figures["shared_n"] == 1
    assert repr(figures["contested"]) == "money laundering and online markets"
    # Cannabis: Alpha has no sentence on it, so it is Beta's only.
    assert repr(figures["distinct"]) == "cannabis (Beta only)"


def test_similarity_ends_and_the_pairs_within_the_uncertainty(synthesis_world, data):
    # Most alike Alpha–Beta (0.81), least Alpha–Gamma (0.40): that gap excludes zero
    # (0.1 to 0.7); Beta–Gamma (0.60) is within the uncertainty of the top (−0.05 to 0.4).
    synthesis_world(
        {("a", "b"): 0.8123, ("a", "c"): 0.4049, ("b", "c"): 0.6},
        {
            (("a", "b"), ("a", "c")): {"difference": 0.41, "low": 0.1, "high": 0.7},
            (("a", "b"), ("b", "c")): {"difference": 0.21, "low": -0.05, "high": 0.4},
        },
    )
    figures = findings.synthesis_figures(data)
    assert (repr(figures["high"]), repr(figures["low"])) == ("Alpha and Beta (0.81)", "Alpha and Gamma (0.40)")
    assert repr(figures["reading"]) == (
        "The gap between the most and the least alike pair is larger than the uncertainty. "
        "Within the uncertainty, Alpha and Beta cannot be told apart from Beta and Gamma (0.60)."
    )
    assert figures["close_n"] == 1
    assert (
        repr(figures["close"])
        == "Beta and Gamma (0.60) cannot be told apart from Alpha and Beta within the uncertainty"
    )


def test_similarity_names_tied_pairs_together_and_a_spread_within_the_uncertainty(synthesis_world, data):
    # Alpha–Beta 0.8123 and Beta–Gamma 0.8149 both show as 0.81; every gap from the top
    # pair (Beta–Gamma) includes zero, so both other pairs are within its uncertainty.
    synthesis_world(
        {("a", "b"): 0.8123, ("a", "c"): 0.4049, ("b", "c"): 0.8149},
        {
            (("b", "c"), ("a", "c")): {"difference": 0.41, "low": -0.1, "high": 0.7},
            (("b", "c"), ("a", "b")): {"difference": 0.0026, "low": -0.2, "high": 0.2},
        },
    )
    figures = findings.synthesis_figures(data)
    assert repr(figures["high"]) == "Alpha and Beta, and Beta and Gamma (both 0.81)"
    assert repr(figures["spread"]) == "the gap between the most and the least alike pair is within the uncertainty"
    assert repr(figures["reading"]) == (
        "Even the gap between the most and the least alike pair is within the uncertainty. "
        "Within the uncertainty, Beta and Gamma cannot be told apart from Alpha and Beta (0.81), "
        "and Alpha and Gamma (0.40)."
    )
    assert figures["close_n"] == 2


def test_three_pairs_at_one_shown_similarity_are_each_named_once(synthesis_world, data):
    # 0.601, 0.598 and 0.604 all show as 0.60: every pair is both the most and the least alike.
    same = {"difference": 0.003, "low": -0.1, "high": 0.1}
    synthesis_world(
        {("a", "b"): 0.601, ("a", "c"): 0.598, ("b", "c"): 0.604},
        {(("b", "c"), ("a", "b")): same, (("b", "c"), ("a", "c")): same},
    )
    figures = findings.synthesis_figures(data)
    assert repr(figures["high"]) == "Alpha and Beta; Alpha and Gamma; and Beta and Gamma (each 0.60)"
    assert repr(figures["low"]) == repr(figures["high"])


# --- the introduction's key findings, on all four worlds -------------------------------


def test_key_findings_on_small_worlds(enforcement_world, index_world, threat_world, synthesis_world, data):
    synthesis_world(
        {("a", "b"): 0.8123, ("a", "c"): 0.4049, ("b", "c"): 0.6},
        {
            (("a", "b"), ("a", "c")): {"difference": 0.41, "low": 0.1, "high": 0.7},
            (("a", "b"), ("b", "c")): {"difference": 0.21, "low": -0.05, "high": 0.4},
        },
    )
    key = {name: repr(value) for name, value in findings.key_findings(data).items()}
    # Beta's top code has 2 describing and 1 questioning of its 6 sentences: 3 ≥ 6 / 3.
    assert key["enforcement"] == (
        "Of the 3 enforcement priorities, 2 are raised by all 2 sources; the one each source discusses most, as a "
        "share of its sentences, is street dealing for Alpha (40%), and money laundering for Beta (25%; but 3 of its "
        "6 sentences on it are sceptical or neutral). Only for Alpha is that lead over the next priority larger than "
        "the uncertainty."
    )
    assert key["harm_reduction"] == (
        "On the 0–100 harm-reduction index the order is Beta (70) and Alpha (30). Firm under every scoring rule and "
        "in at least 95% of 2,000 random weightings: Beta above Alpha."
    )
    assert key["enforcement_index"] == (
        "On the 0–100 enforcement-orientation index the order is Alpha (80), Beta (55) and Gamma (20); Beta ranks "
        "above Gamma under every scoring rule with equal weights, but other weightings of the indicators undo it in "
        "up to 10% of cases. Firm under every scoring rule and in at least 95% of 2,000 random weightings: Alpha "
        "above Beta and Gamma; no other ordering is."
    )
    assert key["threats"] == (
        "Named by the latest source (Gamma, 2024), each in 2 to 4 of its sentences, and by no earlier one, not even "
        "through the matching enforcement priority: fentanyl and nitazenes. With one source per year, each of a "
        "different kind, this shows what each document raises, not when a threat emerged."
    )
    assert key["similarity"] == (
        "In the mix of topics they discuss (a 0–1 similarity that ignores whether they agree), pairs of sources range "
        "from Alpha and Beta (0.81) to Alpha and Gamma (0.40). The gap between these two ends is larger than the "
        "uncertainty, but the most alike pair cannot be told apart from 1 of the other pairs."
    )


def test_key_findings_when_every_lead_is_clear_and_the_similarity_spread_is_not(
    enforcement_world, index_world, threat_world, synthesis_world, monkeypatch, data
):
    # Beta's lead of money laundering over street dealing now has the interval 2 to 30 points.
    differences = DIFFERENCES | {(("b", "c2"), ("b", "c1")): {"difference": 0.15, "low": 0.02, "high": 0.3}}
    monkeypatch.setattr(results, "difference", lambda data, a, b: differences[(a, b)])
    # The most and least alike pairs differ by 0.41, but the interval −0.1 to 0.7 includes zero.
    synthesis_world(
        {("a", "b"): 0.8123, ("a", "c"): 0.4049, ("b", "c"): 0.6},
        {
            (("a", "b"), ("a", "c")): {"difference": 0.41, "low": -0.1, "high": 0.7},
            (("a", "b"), ("b", "c")): {"difference": 0.21, "low": -0.05, "high": 0.4},
        },
    )
    key = {name: repr(value) for name, value in findings.key_findings(data).items()}
    assert key["enforcement"].endswith(
        "money laundering for Beta (25%; but 3 of its 6 sentences on it are sceptical or neutral). In every source "
        "that lead over the next priority is larger than the uncertainty."
    )
    assert key["similarity"] == (
        "In the mix of topics they discuss (a 0–1 similarity that ignores whether they agree), pairs of sources range "
        "from Alpha and Beta (0.81) to Alpha and Gamma (0.40). Even the gap between these two ends is within the "
        "uncertainty."
    )


# --- lengths: why shares, not counts (three sources, four documents) ---------------------


@pytest.fixture
def length_world(monkeypatch):
    from analysis import corpus

    documents = pd.DataFrame({"document_id": ["A-1", "B-1", "B-2", "C-1"], "words": [3000, 400, 600, 2000]})
    sources = pd.DataFrame(
        {
            "source_id": ["a", "b", "c"],
            "source": ["Alpha", "Beta", "Gamma"],
            "words": [3000, 1000, 2000],
            "kinds": ["report", "notes; summary", "briefing"],
            "documents": ["A-1", "B-1 B-2", "C-1"],
        }
    )
    monkeypatch.setattr(corpus, "documents_frame", lambda data: documents)
    monkeypatch.setattr(results, "sources", lambda data: sources)
    coded = {}
    monkeypatch.setattr(results, "coded_sentences", lambda data, dimension: pd.Series(coded[dimension]))
    return coded


def test_lengths_and_a_count_order_that_follows_length(length_world, data):
    length_world["enforcement"] = {"a": 30, "b": 5, "c": 12}
    figures = findings.length_figures(data)
    # Documents: 400 (B-1) to 3,000 words, 7.5 to one; sources 1,000 to 3,000, 3.0.
    assert (figures["min_doc"], figures["max_doc"], figures["doc_ratio"], figures["source_ratio"]) == (
        "400 (B-1)",
        "3,000 (A-1)",
        "7.5",
        "3.0",
    )
    assert repr(figures["by_length"]) == "Alpha, Gamma and Beta"
    assert repr(figures["by_count"]) == "Alpha (30), Gamma (12) and Beta (5)"
    # The counts rank the sources as their lengths do: rank correlation 1.
    assert figures["rho"] == "1.00"
    assert repr(figures["reading"]).startswith("so raw counts partly reflect how long a source is")
    assert repr(figures["genres"]) == (
        "Alpha: report, 3,000 words; Beta: notes and summary, 1,000 words; Gamma: briefing, 2,000 words"
    )
    assert repr(figures["pooled"]) == (
        "Beta's 2 documents (notes and summary) are counted together as one source, sentence by sentence, not averaged"
    )


def test_a_count_order_against_length_is_read_as_not_following_it(length_world, data):
    # Beta, the shortest, has the most coded sentences and Alpha, the longest, the fewest:
    # the ranks are reversed, rank correlation −1.
    length_world["harm_reduction"] = {"a": 5, "b": 30, "c": 12}
    figures = findings.length_figures(data, "harm_reduction")
    assert repr(figures["by_count"]) == "Beta (30), Gamma (12) and Alpha (5)"
    assert figures["rho"] == "-1.00"
    assert repr(figures["reading"]) == (
        "so here raw counts do not simply follow length; shares still put sources of different length on one scale"
    )


def test_a_rank_correlation_of_exactly_0_6_reads_as_following_length_and_single_documents_pool_nothing(
    monkeypatch, data
):
    from analysis import corpus

    # Five one-document sources. By length: E, D, A, B, C (ranks 3, 2, 1, 4, 5 from the
    # shortest); by count: A to E (ranks 1 to 5). Squared rank differences 4 + 0 + 4 + 0 + 0
    # = 8, so rho = 1 − 6 × 8 / (5 × 24) = 0.6: the threshold itself, read as following length.
    ids = ["a", "b", "c", "d", "e"]
    words = [3000, 2000, 1000, 4000, 5000]
    documents = pd.DataFrame({"document_id": [f"{i.upper()}-1" for i in ids], "words": words})
    sources = pd.DataFrame(
        {
            "source_id": ids,
            "source": [i.upper() for i in ids],
            "words": words,
            "kinds": ["report"] * 5,
            "documents": list(documents["document_id"]),
        }
    )
    monkeypatch.setattr(corpus, "documents_frame", lambda data: documents)
    monkeypatch.setattr(results, "sources", lambda data: sources)
    counts = pd.Series([10, 20, 30, 40, 50], index=ids)
    monkeypatch.setattr(results, "coded_sentences", lambda data, dimension: counts)
    figures = findings.length_figures(data)
    assert figures["rho"] == "0.60"
    assert repr(figures["reading"]) == (
        "so raw counts partly reflect how long a source is; shares of its sentences put the sources on one scale"
    )
    assert repr(figures["pooled"]) == (
        "no source's documents are counted together as one source, sentence by sentence, not averaged"
    )
