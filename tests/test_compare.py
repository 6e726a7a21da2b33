"""Any two sources side by side: the cells worked out by hand on small frames, then
the comparison against the book's data counted a second way."""

from __future__ import annotations

import functools
import itertools
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis import compare, findings, results, salience, threats
from analysis.paths import ROOT
from tests.conftest import toc_pages

REVIEWED, NOT_REVIEWED = "not raised (reviewed)", "not raised (not reviewed)"


def row(source, code, sentences, body, absence="", **extra):
    """A salience row of one source on one topic; every sentence endorses."""
    values = {
        "source_id": source,
        "source": {"A": "Alpha", "B": "Beta"}[source],
        "dimension": "d",
        "code": code,
        "short": code.title(),
        "sentences": sentences,
        "body_sentences": body,
        "share": sentences / body,
        "endorses": sentences,
        "implements": 0,
        "describes": 0,
        "questions": 0,
        "absence": "" if sentences else absence,
        "evidence_url": f"evidence/d.html#ev-{source}-{code}",
        **extra,
    }
    return {**values, "stance_mix": salience.stance_mix(SimpleNamespace(**values))}


# Alpha has 20 non-heading sentences, Beta 10. Listed in codebook order: silent, theirs, mine, shared.
TOPICS = pd.DataFrame(
    [
        row("A", "silent", 0, 20, REVIEWED),
        row("B", "silent", 0, 10, REVIEWED),
        row("A", "theirs", 0, 20, NOT_REVIEWED),
        row("B", "theirs", 3, 10),
        row("A", "mine", 2, 20),
        row("B", "mine", 0, 10, REVIEWED),
        row("A", "shared", 4, 20),
        row("B", "shared", 1, 10),
        row("A", "quiet", 0, 20, REVIEWED),
        row("B", "quiet", 0, 10, NOT_REVIEWED),
    ]
)
# The intervals of the gaps, higher share minus lower: 'shared' includes 0, the others do not.
INTERVALS = {"shared": (-0.02, 0.25), "theirs": (0.05, 0.5), "mine": (0.01, 0.2)}


class Differences:
    """Stands in for results.difference: records what it is asked, and answers the shares'
    difference (from ``topics``) with the given interval of each topic."""

    def __init__(self, topics=TOPICS, intervals=INTERVALS):
        self.topics, self.intervals, self.asked = topics, intervals, []

    def __call__(self, a, b):
        self.asked.append((a, b))
        share = self.topics.set_index(["source_id", "code"])["share"]
        low, high = self.intervals[a[1]]
        return {"difference": round(share[a] - share[b], 4), "low": low, "high": high}


def test_both_only_one_and_not_raised_cells_by_hand():
    differences = Differences()
    table = compare.question_table(TOPICS, "A", "B", "code", differences)
    # Both first, then Alpha's own, then Beta's; the topic neither raises is not a row.
    assert list(table["Topic"]) == ["Shared", "Mine", "Theirs"]
    assert list(table["Raised by"]) == ["both", "Alpha only", "Beta only"]
    shown = table.set_index("Topic")
    # Shared: Alpha 4 of 20 = 20%, Beta 1 of 10 = 10%.
    assert shown.loc["Shared", "Alpha"] == "20% (4 sentences: all endorse)"
    assert shown.loc["Shared", "Beta"] == "10% (1 sentence: endorses)"
    # A silence reads as the review of it: never "opposed".
    assert shown.loc["Mine", "Beta"] == REVIEWED
    assert shown.loc["Theirs", "Alpha"] == NOT_REVIEWED
    assert not table.apply(lambda column: column.astype(str).str.contains("oppos")).any().any()
    # Every source cell opens its quotes; every topic its codebook entry.
    assert shown.loc["Theirs", "Alpha url"] == "evidence/d.html#ev-A-theirs"
    assert shown.loc["Mine", "Topic url"] == "appendix/codebook.html#code-mine"


def test_a_gap_whose_interval_includes_zero_is_too_small_to_be_sure():
    differences = Differences()
    shown = compare.question_table(TOPICS, "A", "B", "code", differences).set_index("Topic")["Gap"]
    # 20% − 10% = 10 points, interval −2 to 25 points: includes 0.
    assert shown["Shared"] == (
        "Alpha higher: a gap of 10 percentage points, too small to be sure it is real (95% interval −2 to 25)"
    )
    # Beta's 30% against Alpha's silence: 30 points, interval 5 to 50.
    assert shown["Theirs"] == "Beta higher: a gap of 30 percentage points (95% interval 5 to 50)"
    assert shown["Mine"] == "Alpha higher: a gap of 10 percentage points (95% interval 1 to 20)"
    # The higher share is always asked first, so the interval reads as how much higher it is.
    assert (("B", "theirs"), ("A", "theirs")) in differences.asked
    assert (("A", "shared"), ("B", "shared")) in differences.asked


def test_the_same_pair_seen_from_the_other_side_swaps_only_sides():
    forward = compare.question_table(TOPICS, "A", "B", "code", Differences()).set_index("Topic")
    backward = compare.question_table(TOPICS, "B", "A", "code", Differences()).set_index("Topic")
    assert list(backward.index) == ["Shared", "Theirs", "Mine"]  # Beta's own now come first
    backward = backward.loc[forward.index]
    assert (forward["Alpha"] == backward["Alpha"]).all() and (forward["Gap"] == backward["Gap"]).all()


def test_topics_neither_raises_are_grouped_by_how_each_silence_was_checked():
    assert compare.raised_by_neither(TOPICS, "A", "B", "code") == {
        f"{REVIEWED} in both": ["Silent"],
        f"Alpha {REVIEWED}, Beta {NOT_REVIEWED}": ["Quiet"],
    }


def test_a_threat_named_only_as_an_enforcement_priority_says_so():
    items = pd.DataFrame(
        [
            row("A", "pills", 0, 20, REVIEWED, item="pills", named_as=threats.AS_PRIORITY),
            row("B", "pills", 0, 10, REVIEWED, item="pills", named_as=""),
            row("A", "powder", 0, 20, REVIEWED, item="powder", named_as=threats.AS_PRIORITY),
            row("B", "powder", 2, 10, item="powder", named_as=threats.AS_THREAT),
        ]
    ).assign(first_named=2013, first_named_by="Alpha", first_named_as=threats.AS_PRIORITY)
    table = compare.question_table(items, "A", "B", "item", Differences(items, {"powder": (0.05, 0.4)}))
    table = table.set_index("Topic")
    assert table.loc["Powder", "Alpha"] == "not raised as a threat; an enforcement priority"
    assert table.loc["Powder", "Raised by"] == "Beta only"
    assert table.loc["Powder", "Topic url"] == "appendix/codebook.html#item-powder"
    assert compare.raised_by_neither(items, "A", "B", "item") == {
        f"{REVIEWED} in both": ["Pills (named as an enforcement priority by Alpha)"]
    }


def test_first_named_lists_what_each_of_the_pair_was_first_of_all_sources_to_name():
    matrix = pd.DataFrame(
        {
            "source_id": ["A", "B"] * 3,
            "source": ["Alpha", "Beta"] * 3,
            "item": ["x", "x", "y", "y", "z", "z"],
            "short": ["X", "X", "Y", "Y", "Z", "Z"],
            "first_named_by": ["Alpha", "Alpha", "Gamma", "Gamma", "Alpha", "Alpha"],
            "first_named_as": [threats.AS_THREAT] * 4 + [threats.AS_PRIORITY] * 2,
        }
    )
    assert compare.first_named(matrix, "A", "B") == {"Alpha": ["X", f"Z ({threats.AS_PRIORITY})"], "Beta": []}


def test_the_index_table_reads_the_pairs_order_whichever_source_is_higher():
    scores = pd.DataFrame(
        {
            "index": ["hr", "hr", "hr", "enf", "enf", "enf"],
            "index_label": ["Harm"] * 3 + ["Enforcement"] * 3,
            "source_id": ["A", "B", "C"] * 2,
            "source": ["Alpha", "Beta", "Gamma"] * 2,
            "score": [66.6667, 48.4848, 10.0, 40.0, 59.5, 1.0],
            "evidence_url": ["hr#A", "hr#B", "hr#C", "enf#A", "enf#B", "enf#C"],
        }
    )
    orders = pd.DataFrame(
        {
            "index": ["hr", "hr", "enf"],
            "higher_id": ["A", "A", "B"],
            "lower_id": ["C", "B", "A"],
            "ordering": ["A over C", "A over B", "B over A"],
        }
    )
    table = compare.index_table(scores, orders, "A", "B")
    assert table.to_dict("records") == [
        {"Index": "Harm", "Alpha": "67 of 100", "Alpha url": "hr#A", "Beta": "48 of 100", "Beta url": "hr#B"}
        | {"Order": "A over B"},
        {"Index": "Enforcement", "Alpha": "40 of 100", "Alpha url": "enf#A", "Beta": "60 of 100"}
        | {"Beta url": "enf#B", "Order": "B over A"},
    ]


def test_an_ordering_reads_as_the_findings_read_it(data):
    settings = yaml.safe_load((ROOT / "data/coding/rubrics.yaml").read_text(encoding="utf-8"))["sensitivity"]
    firm = SimpleNamespace(robust=True, higher="Alpha", lower="Beta")
    assert findings.ordering(data, firm, "harm_reduction") == (
        f"Alpha above Beta: firm under every scoring rule and in at least {settings['robust_share']:.0%} of "
        f"{settings['draws']:,} random weightings."
    )
    fragile = SimpleNamespace(
        robust=False, higher="Alpha", lower="Beta", fails_under="advocacy", reversed_under="", share_advocacy=0.9
    )
    assert findings.ordering(data, fragile, "harm_reduction") == (
        "Alpha ranks above Beta under every scoring rule with equal weights, but other weightings of the "
        "indicators undo it in up to 10% of cases."
    )


def test_pairs_come_once_each_in_time_order_and_scale_to_ten_sources():
    assert compare.ordered_pairs(["p", "q", "r"]) == [("p", "q"), ("p", "r"), ("q", "r")]
    assert len(compare.ordered_pairs([f"S{i}" for i in range(10)])) == 45


def test_a_pair_links_to_one_section_whichever_way_round_it_is_named(data):
    earlier, later = list(results.sources(data)["source_id"])[:2]
    assert (
        results.pair_url(data, later, earlier)
        == results.pair_url(data, earlier, later)
        == f"compare.html#pair-{earlier}-{later}"
    )
    assert results.pair_url(data, earlier, earlier) == ""


# --- the book's own data, counted a second way ----------------------------------------


def _sources_in_time_order() -> list[str]:
    """Source ids from sources.yaml, read directly: by earliest reference year, then as listed."""
    listed = yaml.safe_load((ROOT / "data/sources/sources.yaml").read_text(encoding="utf-8"))["sources"]
    return [s["id"] for s in sorted(listed, key=lambda s: min(d["reference_year"] for d in s["documents"]))]


def _tables(data, first: str, second: str) -> pd.DataFrame:
    return pd.concat(
        [
            compare.question_table(
                rows[rows["source_id"].isin([first, second])],
                first,
                second,
                unit,
                functools.partial(results.difference, data),
            )
            for _label, unit, rows in compare._questions(data)
        ],
        ignore_index=True,
    )


@pytest.mark.parametrize("pair", list(itertools.combinations(_sources_in_time_order(), 2)))
def test_every_pair_raises_what_the_similarity_counts(pair, data):
    """The tables' rows by who raises them match the similarity's topic counts, which are
    counted from the profile vectors."""
    first, second = pair
    names = results.sources(data).set_index("source_id")["source"]
    who = _tables(data, first, second)["Raised by"].value_counts()
    similar = results.similarity(data).set_index(["source_a_id", "source_b_id"]).loc[pair]
    assert who.get("both", 0) == similar["codes_both"]
    assert who.get(f"{names[first]} only", 0) == similar["codes_a_only"]
    assert who.get(f"{names[second]} only", 0) == similar["codes_b_only"]


def test_a_real_gap_carries_the_paragraph_bootstrap_interval(data):
    """Recomputed from the bootstrap's draws: the central 95% of the higher share minus the lower."""
    first, second = _sources_in_time_order()[:2]
    table = _tables(data, first, second)
    both = table[table["Raised by"] == "both"].iloc[0]
    topics = results.topic_table(data)
    (code,) = topics[topics["short"] == both["Topic"]]["code"].unique()
    share = topics.set_index(["source_id", "code"])["share"]
    high, low = (first, second) if share[(first, code)] >= share[(second, code)] else (second, first)
    boot = results.topic_bootstrap(data)
    draws = boot.share_draws(high, code) - boot.share_draws(low, code)
    bounds = np.percentile(draws, [2.5, 97.5]).round(4)
    assert f"95% interval {_points(bounds[0])} to {_points(bounds[1])}" in both["Gap"]
    too_small = bounds[0] <= 0 <= bounds[1]
    assert ("too small to be sure it is real" in both["Gap"]) == too_small


@pytest.mark.build
def test_the_built_page_has_a_section_per_pair_in_time_order_and_links_to_each(site):
    ids = _sources_in_time_order()
    expected = [f"pair-{a}-{b}" for a, b in itertools.combinations(ids, 2)]
    assert len(expected) == len(ids) * (len(ids) - 1) // 2
    codebook = yaml.safe_load((ROOT / "data/coding/codebook.yaml").read_text(encoding="utf-8"))
    questions = [d["label"] for d in codebook["dimensions"]]
    page = (site / "book" / "compare.html").read_text(encoding="utf-8")
    sections = re.findall(r'<section class="pair" id="([^"]+)"', page)
    assert sections == expected
    for anchor, text in zip(expected, page.split('<section class="pair"')[1:], strict=True):
        body = text.split("</section>")[0]
        assert re.findall(r"<h3>(.*?)</h3>", body) == questions
        # The indices, then per question a table per group, or a line saying the group is empty.
        assert body.count("<table") + body.count("raises: none.") + body.count("Both raise: none.") == 10, anchor
        assert "Similarity</a>" in body and "95% interval" in body
        first, second = anchor.split("-")[1:]
        assert f'href="profiles/{first}.html"' in body and f'href="profiles/{second}.html"' in body, anchor
    # Without the script: a link to every pair; with it, the picker's selects list every source.
    assert re.findall(r'<li><a href="#(pair-[^"]+)">', page) == expected
    options = re.search(r'<select id="pair-first">(.*?)</select>', page).group(1)
    assert re.findall(r'<option value="([^"]+)"', options) == ids
    # The picker's script is loaded deferred here, and on no other page.
    assert re.search(r'<script defer="defer" src="\.\./_static/compare\.js', page)
    for other in toc_pages():
        if other != "book/compare.html":
            assert "compare.js" not in (site / other).read_text(encoding="utf-8"), other
    # Each cell of the similarity chart opens its pair here.
    synthesis = (site / "book" / "synthesis.html").read_text(encoding="utf-8")
    assert set(re.findall(r'href="compare\.html#(pair-[^"]+)"', synthesis)) == set(expected)


def _points(value: float) -> str:
    """Percentage points as the findings print them: whole points, one significant digit below one."""
    points = value * 100
    return (f"{points:.1g}" if 0 < abs(points) < 1 else f"{points:.0f}").replace("-", "−")
