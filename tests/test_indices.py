"""Indices, rubric validation and the sensitivity analysis, on hand-made frames."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis import coding, indices

BOOK = {
    "levels": [
        {"score": 0, "meaning": "Not raised: none"},
        {"score": 1, "meaning": "Described only: x", "stance": "describes"},
        {"score": 2, "meaning": "Endorsed: x", "stance": "endorses"},
        {"score": 3, "meaning": "Implemented: x", "stance": "implements"},
    ],
    "questions_penalty": 1,
}
INDEX = {
    "id": "idx",
    "indicators": [
        {"id": "a", "label": "A", "codes": ["ca"], "weight": 1},
        {"id": "b", "label": "B", "codes": ["cb"], "weight": 3},
    ],
}


def salience_rows(source, base, **stances_by_code):
    rows = []
    for code in ("ca", "cb"):
        stances = {"endorses": 0, "implements": 0, "describes": 0, "questions": 0, **stances_by_code.get(code, {})}
        rows.append({"source_id": source, "source": source.title(), "code": code, "body_sentences": base, **stances})
    return rows


def test_indicator_scores_follow_the_rubric():
    table = pd.DataFrame(
        salience_rows("x", 10, ca={"describes": 2, "implements": 1}, cb={"endorses": 1, "questions": 1})
        + salience_rows("y", 20, ca={"questions": 3})
    )
    scores = indices.indicator_scores(table, INDEX, BOOK).set_index(["source_id", "indicator"])
    assert scores.loc[("x", "a"), "score"] == 3  # highest level found: implements
    assert scores.loc[("x", "b"), "score"] == 1  # endorsed (2), less the questions penalty
    assert scores.loc[("y", "a"), "score"] == 0  # only questioned
    assert scores.loc[("y", "b"), "score"] == 0  # not raised
    assert scores.loc[("x", "b"), "score_meaning"] == "Endorsed, also questioned"
    assert scores.loc[("y", "a"), "score_meaning"] == "Questioned only"
    assert scores.loc[("y", "b"), "score_meaning"] == "Not raised"
    # salience rule: (endorses + implements - questions) / base
    assert scores.loc[("x", "a"), "net_support_share"] == pytest.approx(1 / 10)
    assert scores.loc[("y", "a"), "net_support_share"] == pytest.approx(-3 / 20)


def test_index_is_a_weighted_mean_on_0_to_100():
    table = pd.DataFrame(salience_rows("x", 10, ca={"implements": 1}, cb={"describes": 1}))
    index = indices.index_scores(indices.indicator_scores(table, INDEX, BOOK)).iloc[0]
    # scores 3 (weight 1) and 1 (weight 3): 100 × (3·1 + 1·3) / (3 × 4) = 50
    assert index["score"] == pytest.approx(50.0)
    assert index["indicators_raised"] == 2


def test_ranks_put_the_highest_first_and_ties_share_the_better_rank():
    values = np.array([[5.0, 9.0, 5.0, 1.0]])
    assert indices.ranks(values).tolist() == [[2, 1, 2, 4]]


def test_weight_draws_are_seeded_and_sum_to_one():
    settings = {"seed": 7, "draws": 1000, "dirichlet_alpha": 1.0}
    first, again = indices.weight_draws(3, settings), indices.weight_draws(3, settings)
    assert first.shape == (1000, 3)
    assert np.array_equal(first, again)
    assert np.allclose(first.sum(axis=1), 1)
    assert not np.array_equal(first, indices.weight_draws(3, {**settings, "seed": 8}))


def test_sensitivity_finds_a_dominant_source_robust_and_a_crossing_pair_not():
    # x beats z on every indicator under both rules: robust under any weighting.
    # x and y cross (x leads on a, y on b): their order depends on the weights.
    table = pd.DataFrame(
        salience_rows("x", 10, ca={"implements": 1}, cb={"describes": 1})
        + salience_rows("y", 10, ca={"describes": 1}, cb={"implements": 1})
        + salience_rows("z", 10)
    )
    scores = indices.indicator_scores(table, INDEX, BOOK)
    settings = {
        "seed": 1,
        "draws": 1000,
        "dirichlet_alpha": 1.0,
        "robust_share": 0.95,
        "rules": [{"id": "presence"}, {"id": "salience"}],
    }
    result = indices.sensitivity(scores, settings)
    pairs = result["pairs"].set_index(["higher_id", "lower_id"])
    assert pairs.loc[("x", "z"), "robust"] and pairs.loc[("x", "z"), "share_presence"] == 1.0
    crossing = pairs.loc[("x", "y")] if ("x", "y") in pairs.index else pairs.loc[("y", "x")]
    assert not crossing["robust"] and 0.2 < crossing["share_presence"] < 0.8
    stability = result["rank_stability"]
    totals = stability.groupby(["rule", "source_id"])["share"].sum()
    assert np.allclose(totals, 1.0)
    z_last = stability[(stability["source_id"] == "z") & (stability["rank"] == 3)]
    assert (z_last["share"] == 1.0).all()


def write_rubric(tmp_path: Path, change) -> Path:
    book = indices.read_rubrics()
    change(book)
    path = tmp_path / "rubrics.yaml"
    path.write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (
            lambda b: b["indices"][0]["indicators"][0].update(codes=["hr_no_such_code"]),
            "unknown code 'hr_no_such_code'",
        ),
        (lambda b: b["indices"][0]["indicators"][0].update(codes=["enf_partnerships"]), "is not a harm_reduction code"),
        (lambda b: b["indices"][0]["indicators"][0].update(weight=-1), "weight"),
        (lambda b: b["sensitivity"].update(draws=10), "draws"),
        (lambda b: b.pop("levels"), "levels"),
    ],
)
def test_a_bad_rubric_is_named_with_its_place(tmp_path, change, fragment):
    path = write_rubric(tmp_path, change)
    problems = [str(p) for p in indices.validate_rubrics(coding.codes(), path)]
    assert problems and any(fragment in p for p in problems), problems
    assert all(p.startswith(f"{path}:") for p in problems)


def test_unreadable_rubric_yaml_gives_its_line(tmp_path):
    path = tmp_path / "rubrics.yaml"
    path.write_text("version: '1'\nlevels: [unclosed\n", encoding="utf-8")
    (problem,) = indices.validate_rubrics(coding.codes(), path)
    assert str(problem).startswith(f"{path}:") and "cannot read the rubrics" in str(problem)


def test_the_published_rubric_is_valid():
    assert indices.validate_rubrics(coding.codes()) == []


def test_pairs_are_named_in_the_published_ranking_order():
    # Under the published (equal) weights y leads x, though x leads on the heavier
    # random draws half the time: the pair must still read "y above x".
    table = pd.DataFrame(
        salience_rows("x", 10, ca={"implements": 1}) + salience_rows("y", 10, ca={"describes": 1}, cb={"implements": 1})
    )
    equal = {**INDEX, "indicators": [{**i, "weight": 1} for i in INDEX["indicators"]]}
    scores = indices.indicator_scores(table, equal, BOOK)
    assert indices.index_scores(scores).set_index("source_id")["score"].idxmax() == "y"
    settings = {"seed": 3, "draws": 1000, "dirichlet_alpha": 1.0, "robust_share": 0.95, "rules": [{"id": "presence"}]}
    (pair,) = indices.sensitivity(scores, settings)["pairs"].itertuples()
    assert (pair.higher_id, pair.lower_id) == ("y", "x")
    assert not pair.robust
