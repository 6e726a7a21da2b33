"""The glued prose: lists read as English, the numbers come from the tables, a claim that
one share is larger than another is made only when its interval says so, and the key
findings stay short."""

import re
from types import SimpleNamespace

import pandas as pd
import pytest

from analysis import coding, corpus, findings, results
from analysis.loaded import Loaded

# --- plain words on hand-made values ------------------------------------------------


def test_join_reads_as_english_and_keeps_items_with_and_apart():
    assert findings.join([]) == "none"
    assert findings.join(["a"]) == "a"
    assert findings.join(["a", "b", "c"]) == "a, b and c"
    assert findings.join(["violence and firearms", "corruption"]) == "violence and firearms; and corruption"


def test_join_groups_separates_clauses_that_contain_and_themselves():
    assert findings.join_groups([]) == "none"
    assert findings.join_groups([], empty="no ordering") == "no ordering"
    assert findings.join_groups(["A above B"]) == "A above B"
    assert findings.join_groups(["A above B and C", "D above C"]) == "A above B and C, and D above C"
    # Two plain clauses still get the comma: the 'and' between them joins groups, not names.
    assert findings.join_groups(["A above B", "D above C"]) == "A above B, and D above C"
    assert findings.join_groups(["A above B and C", "D above C", "E above F"]) == (
        "A above B and C; D above C; and E above F"
    )


def test_clear_is_an_interval_that_excludes_zero():
    assert findings.clear({"difference": 0.21, "low": 0.05, "high": 0.37})
    assert findings.clear({"difference": -0.15, "low": -0.30, "high": -0.01})
    assert not findings.clear({"difference": -0.08, "low": -0.20, "high": 0.02})
    # An interval that reaches zero does not exclude it.
    assert not findings.clear({"difference": 0.1, "low": 0.0, "high": 0.2})
    assert not findings.clear({"difference": -0.1, "low": -0.2, "high": 0.0})


# A gap as the prose gives it: its size, a qualifier when the interval includes zero, and
# the interval's bounds. The words around the numbers are the page's to choose; the numbers,
# their signs and whether a qualifier is there are what these tests hold.
GAP = re.compile(
    r"a gap of (?P<size>[\d.]+) [^,()]+?(?:, (?P<qualifier>[^()]+))? "
    r"\(95% interval (?P<low>[−\d.]+) to (?P<high>[−\d.]+)[^()]*\)"
)


def _gap(text: str) -> dict:
    found = GAP.fullmatch(text)
    assert found, text
    return found.groupdict()


def test_gap_gives_the_plain_gap_with_its_interval_or_says_it_is_within_uncertainty():
    # 0.21 with 0.05 to 0.37: 21 points, 5 to 37 points, no qualifier.
    clear = _gap(findings.gap({"difference": 0.21, "low": 0.05, "high": 0.37}))
    assert clear == {"size": "21", "qualifier": None, "low": "5", "high": "37"}
    # A negative difference is a gap of its size; the bounds keep their signs (true minus signs).
    below = _gap(findings.gap({"difference": -0.15, "low": -0.30, "high": -0.01}))
    assert below == {"size": "15", "qualifier": None, "low": "−30", "high": "−1"}
    # An interval that includes zero (or reaches it) is qualified, the same way each time.
    across = _gap(findings.gap({"difference": -0.08, "low": -0.20, "high": 0.02}))
    assert (across["size"], across["low"], across["high"]) == ("8", "−20", "2")
    touching = _gap(findings.gap({"difference": 0.1, "low": 0.0, "high": 0.2}))
    assert (touching["size"], touching["low"], touching["high"]) == ("10", "0", "20")
    assert across["qualifier"] and across["qualifier"] == touching["qualifier"]
    # Below one point a bound keeps one decimal: 0.004 is 0.4 points, not 0.
    small = _gap(findings.gap({"difference": 0.11, "low": 0.004, "high": 0.23}))
    assert (small["size"], small["qualifier"], small["low"], small["high"]) == ("11", None, "0.4", "23")


def test_a_bound_of_an_interval_that_excludes_zero_never_reads_as_zero():
    # 0.4, 0.04 and 0.01 percentage points: each shows its first significant digit.
    for low, text in ((0.004, "0.4"), (0.0004, "0.04"), (0.0001, "0.01")):
        shown = _gap(findings.gap({"difference": 0.11, "low": low, "high": 0.23}))
        assert shown["low"] == text, (low, shown)


def _cell(sentences: int, describes: int = 0, questions: int = 0) -> SimpleNamespace:
    return SimpleNamespace(sentences=sentences, describes=describes, questions=questions)


def _not_supporting(text: str) -> tuple[int, int, str]:
    """(sentences not supporting, sentences of the cell, what they do) of a not_supporting phrase."""
    found = re.fullmatch(r"(\d+) of its (\d+) sentences on it are (sceptical or neutral|sceptical|neutral)", text)
    assert found, text
    return int(found[1]), int(found[2]), found[3]


def test_not_supporting_names_the_sentences_that_question_or_only_describe_from_a_third_up():
    # 5 + 7 = 12 of 25 do not support it; 12 ≥ 25 / 3.
    assert _not_supporting(findings.not_supporting(_cell(25, describes=5, questions=7))) == (
        12,
        25,
        "sceptical or neutral",
    )
    assert _not_supporting(findings.not_supporting(_cell(36, describes=15))) == (15, 36, "neutral")
    # Exactly a third counts.
    assert _not_supporting(findings.not_supporting(_cell(9, questions=3))) == (3, 9, "sceptical")
    # Below a third (9 of 28 is 0.32), nothing is said; nor for a cell with no sentence.
    assert findings.not_supporting(_cell(28, describes=4, questions=5)) == ""
    assert findings.not_supporting(_cell(10, describes=3)) == ""
    assert findings.not_supporting(_cell(0)) == ""


# --- firm and fragile orderings, on a small sensitivity table -------------------------


def _pairs(*rows) -> pd.DataFrame:
    """Pairs as indices.sensitivity gives them: (higher_id, higher, lower_id, lower, robust)."""
    return pd.DataFrame(
        [
            {"index": "tiny", "higher_id": h, "higher": hn, "lower_id": lo, "lower": ln, "robust": r}
            for h, hn, lo, ln, r in rows
        ]
    )


@pytest.fixture
def small_sensitivity(monkeypatch):
    """Four sources A > B > C > D on the published scores; the pairs are set by each test."""

    def use(pairs: pd.DataFrame) -> None:
        scores = pd.DataFrame({"source_id": ["c", "a", "d", "b"], "score": [40.0, 90.0, 10.0, 60.0]})
        monkeypatch.setattr(results, "sensitivity", lambda data, index_id: {"pairs": pairs})
        monkeypatch.setattr(results, "index_table", lambda data, index_id: scores)

    return use


def test_firm_orders_groups_the_robust_orderings_by_the_higher_source(small_sensitivity):
    small_sensitivity(
        _pairs(
            ("a", "A", "b", "B", True),
            ("a", "A", "c", "C", True),
            ("b", "B", "c", "C", False),
            ("a", "A", "d", "D", True),
            ("c", "C", "d", "D", True),
            ("b", "B", "d", "D", False),
        )
    )
    assert findings.firm_orders(Loaded(), "tiny") == "A above B, C and D, and C above D"


def test_firm_orders_says_when_no_ordering_is_firm(small_sensitivity):
    small_sensitivity(_pairs(("a", "A", "b", "B", False), ("b", "B", "c", "C", False)))
    assert findings.firm_orders(Loaded(), "tiny") == "no ordering"


def test_top_fragile_is_the_fragile_ordering_nearest_the_top_of_the_ranking(small_sensitivity):
    # Fragile: C above D (ranks 3, 4), B above C (2, 3) and B above D (2, 4): B–C is the one nearest the top.
    small_sensitivity(
        _pairs(
            ("c", "C", "d", "D", False),
            ("a", "A", "b", "B", True),
            ("b", "B", "d", "D", False),
            ("b", "B", "c", "C", False),
        )
    )
    fragile = findings.top_fragile(Loaded(), "tiny")
    assert (fragile.higher_id, fragile.lower_id) == ("b", "c")


def test_top_fragile_is_none_when_every_ordering_is_firm(small_sensitivity):
    small_sensitivity(_pairs(("a", "A", "b", "B", True), ("b", "B", "c", "C", True)))
    assert findings.top_fragile(Loaded(), "tiny") is None


# --- the prose against the data, counted here a second way --------------------------


def _labels(data) -> dict[str, str]:
    return {s["id"]: s["label"] for s in data.metadata["sources"]}


def _enforcement_counts(data) -> tuple[dict[tuple[str, str], int], dict[str, int]]:
    """(source, code) -> sentences carrying an enforcement code, and source -> non-heading
    sentences, counted from the corpus and the annotations (not the salience module)."""
    source_of = {d["id"]: s["id"] for s in data.metadata["sources"] for d in s["documents"]}
    body = {s.id for d in data.documents.values() for p in d.paragraphs if p.kind != "heading" for s in p.sentences}
    size = pd.Series([source_of[corpus.document_of(i)] for i in body]).value_counts().to_dict()
    annotations = coding.load_annotations(data)
    annotations = annotations[annotations["sentence_id"].isin(body) & (annotations["dimension"] == "enforcement")]
    annotations = annotations.assign(source_id=annotations["document_id"].map(source_of))
    counts = annotations.groupby(["source_id", "code"])["sentence_id"].nunique().to_dict()
    return counts, size


def _points(value: float) -> str:
    """A share as percentage points, as a reader should see it: whole points, one
    significant digit below one point (so a bound just above zero does not read as
    zero), true minus sign."""
    points = value * 100
    return (f"{points:.1g}" if 0 < abs(points) < 1 else f"{points:.0f}").replace("-", "−")


def test_tied_similarities_are_all_named(data):
    pairs = results.similarity(data)
    pairs = pairs[pairs["source_a_id"] < pairs["source_b_id"]]
    top = pairs["cosine"].round(2).max()
    tied = pairs[pairs["cosine"].round(2) == top]
    text = findings.synthesis_figures(data)["high"].text
    for row in tied.itertuples():
        assert row.source_a in text and row.source_b in text
    word = {1: "", 2: "both "}.get(len(tied), "each ")
    assert text.endswith(f"({word}{top:.2f})")


def test_each_shared_priority_line_carries_the_gap_and_interval_of_its_difference(data):
    """A priority every source raises: from the lowest share to the highest, with the gap
    between those two sources from results.difference, in plain words worked out here."""
    counts, size = _enforcement_counts(data)
    labels = _labels(data)
    short = dict(zip(coding.codes(data)["code"], coding.codes(data)["short"], strict=True))
    shared = [c for c in short if c.startswith("enf_") and all(counts.get((s, c), 0) for s in labels)]
    figures = findings.enforcement(data)
    lines = figures["shared"].items
    assert figures["shared_n"] == len(shared) == len(lines)
    kinds = set()
    for code in shared:
        (line,) = [x for x in lines if x.startswith(f"{short[code]}: ")]
        share = {s: counts[(s, code)] / size[s] for s in labels}
        low, high = re.fullmatch(r".*: from \d+% of (.+)'s sentences to \d+% of (.+)'s, a gap .*", line).groups()
        by_label = {labels[s]: s for s in labels}
        low_id, high_id = by_label[low], by_label[high]
        assert share[low_id] == min(share.values()) and share[high_id] == max(share.values()), line
        assert f"from {share[low_id]:.0%} of {low}'s sentences to {share[high_id]:.0%} of {high}'s" in line
        d = results.difference(data, (high_id, code), (low_id, code))
        assert d["difference"] == pytest.approx(share[high_id] - share[low_id], abs=1e-4)
        excludes_zero = d["low"] > 0 or d["high"] < 0
        shown = _gap(line.split(f"{high}'s, ", 1)[1])
        assert (shown["size"], shown["low"], shown["high"]) == (
            _points(abs(d["difference"])),
            _points(d["low"]),
            _points(d["high"]),
        ), line
        assert (shown["qualifier"] is None) == excludes_zero, line
        kinds.add(excludes_zero)
    assert kinds == {True, False}, "the data should hold a clear gap and one within uncertainty"


def _leader_lines(data) -> dict[str, str]:
    return {line.split(": ", 1)[0]: line for line in findings.enforcement(data)["leaders"].items}


def test_a_leader_is_clearly_ahead_exactly_when_the_paired_difference_excludes_zero(data):
    counts, size = _enforcement_counts(data)
    labels = _labels(data)
    code_of = {s.lower(): c for c, s in zip(coding.codes(data)["code"], coding.codes(data)["short"], strict=True)}
    lines = _leader_lines(data)
    assert set(lines) == set(labels.values()), "every source has its leader line"
    for source_id, label in labels.items():
        line = lines[label]
        top_short, runner_short = re.fullmatch(
            rf"{re.escape(label)}: (.+?), \d+%, 95% interval .*; (?:not )?clearly ahead of (.+) \(\d+%\)", line
        ).groups()
        top, runner = code_of[top_short], code_of[runner_short]
        mine = {c: n for (s, c), n in counts.items() if s == source_id}
        others = [n for c, n in mine.items() if c not in (top, runner)]
        # The named two are the source's two most frequent priorities (ties allowed).
        assert mine[top] == max(mine.values()) and mine[runner] >= max(others, default=0), line
        d = results.difference(data, (source_id, top), (source_id, runner))
        assert d["difference"] == pytest.approx((mine[top] - mine[runner]) / size[source_id], abs=1e-4)
        excludes_zero = d["low"] > 0 or d["high"] < 0
        assert ("; clearly ahead of " in line) == excludes_zero, (line, d)
        assert ("; not clearly ahead of " in line) == (not excludes_zero), (line, d)


def test_leader_lines_and_the_key_finding_follow_the_interval(monkeypatch, data):
    """With every lead's interval made to exclude zero but one source's, the lines and the
    key finding say so: the real data has no clear lead, so this is planted."""
    labels = _labels(data)
    doubtful = next(iter(labels))  # the first source's lead is within uncertainty, the others' are clear

    def planted(data, a, b):
        """A lead is a within-source difference; only the doubtful source's reaches below zero."""
        low = -0.01 if a[0] == b[0] == doubtful else 0.02
        return {"difference": 0.1, "low": low, "high": 0.2}

    monkeypatch.setattr(results, "difference", planted)
    lines = _leader_lines(data)
    for source_id, label in labels.items():
        ahead = "; not clearly ahead of " if source_id == doubtful else "; clearly ahead of "
        assert ahead in lines[label]
    last = repr(findings.key_findings(data)["enforcement"]).split(". ")[-1]
    assert last.startswith("Only for ") and last.endswith(
        " is that lead over the next priority larger than the uncertainty."
    ), last
    named = last.removeprefix("Only for ").split(" is that lead")[0]
    assert all(labels[s] in named for s in labels if s != doubtful) and labels[doubtful] not in named, named


def _sentence_ends(text: str) -> int:
    """Full stops, question and exclamation marks that end a sentence: followed by a space
    or the end, after any closing bracket or quote: 'A and B (0.61). Firm: A above B.' has
    two; a decimal point such as 0.61 ends none. Source labels hold no full stop."""
    return len(re.findall(r"[.!?][”’\")]*(?=\s|$)", text))


def test_key_findings_are_four_to_six_each_at_most_two_sentences_naming_sources_from_the_data(data):
    key = findings.key_findings(data)
    assert 4 <= len(key) <= 6
    labels = _labels(data)
    assert not any("." in label for label in labels.values())  # so a full stop ends a sentence
    for name, value in key.items():
        text = repr(value)
        assert text[0].isupper() and text.endswith("."), name
        assert 1 <= _sentence_ends(text) <= 2, f"{name}: {text}"
        assert any(label in text for label in labels.values()), name
    # The enforcement finding gives each source's leading priority, so it names every source.
    assert all(label in repr(key["enforcement"]) for label in labels.values())
    # The threats finding names the latest source(s): a source's year is its earliest document's.
    year = {s["id"]: min(d["reference_year"] for d in s["documents"]) for s in data.metadata["sources"]}
    latest = [labels[s] for s, y in year.items() if y == max(year.values())]
    assert all(label in repr(key["threats"]) for label in latest)
