"""Indices, rubric validation and the sensitivity analysis, on hand-made frames."""

from pathlib import Path
from types import SimpleNamespace

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
    "sensitivity": {
        "weights_condition": "the weights are as published",
        "rules": [
            {"id": "presence", "kind": "levels"},
            {"id": "advocacy", "kind": "levels", "levels": {"implements": 2}, "condition": "running counts more"},
            {"id": "positions", "kind": "levels", "levels": {"describes": 0}, "condition": "a mention counts"},
            {"id": "salience", "kind": "salience", "condition": "breadth counts, not emphasis"},
        ],
    },
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
    assert scores.loc[("x", "b"), "score_meaning"] == "Endorsed, less 1 for also questioning it"
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
        "rules": [{"id": "presence"}, {"id": "salience", "kind": "salience"}],
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
def test_a_bad_rubric_is_named_with_its_place(tmp_path, change, fragment, data):
    path = write_rubric(tmp_path, change)
    problems = [str(p) for p in indices.validate_rubrics(coding.codes(data), path)]
    assert problems and any(fragment in p for p in problems), problems
    assert all(p.startswith(f"{path}:") for p in problems)


def test_unreadable_rubric_yaml_gives_its_line(tmp_path, data):
    path = tmp_path / "rubrics.yaml"
    path.write_text("version: '1'\nlevels: [unclosed\n", encoding="utf-8")
    (problem,) = indices.validate_rubrics(coding.codes(data), path)
    assert str(problem).startswith(f"{path}:") and "cannot read the rubrics" in str(problem)


def test_the_published_rubric_is_valid(data):
    assert indices.validate_rubrics(coding.codes(data)) == []


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


# --- the alternative scoring rules ------------------------------------------------------


def test_level_rules_are_the_rubric_levels_with_each_rules_overrides():
    base = {"describes": 1, "endorses": 2, "implements": 3}
    assert indices.level_rules(BOOK) == {
        "presence": base,
        "advocacy": {**base, "implements": 2},
        "positions": {**base, "describes": 0},
    }  # the salience rule has no levels
    no_levels = {**BOOK, "sensitivity": {"rules": [{"id": "salience", "kind": "salience"}]}}
    assert indices.level_rules(no_levels) == {indices.MAIN_RULE: base}


# Worked by hand (levels: describes 1, endorses 2, implements 3; advocacy: implements 2;
# positions: describes 0; a question takes 1 off, never below 0):
#   x: a = implements + describes: presence 3, advocacy 2, positions 3
#      b = endorses, questioned:   presence 1, advocacy 1, positions 1
#   w: a = describes only:         presence 1, advocacy 1, positions 0
#      b = implements, questioned: presence 2, advocacy 1, positions 2
#   y: a = questioned only, b not raised: 0 under every rule
RULE_TABLE = pd.DataFrame(
    salience_rows("x", 10, ca={"describes": 2, "implements": 1}, cb={"endorses": 1, "questions": 1})
    + salience_rows("w", 10, ca={"describes": 1}, cb={"implements": 1, "questions": 1})
    + salience_rows("y", 20, ca={"questions": 3})
)


def test_advocacy_and_positions_rules_score_each_indicator():
    scores = indices.indicator_scores(RULE_TABLE, INDEX, BOOK).set_index(["source_id", "indicator"])
    # One column per rule other than the main one, and none for the salience rule.
    assert [c for c in scores.columns if c.startswith("score_") and c != "score_meaning"] == [
        "score_advocacy",
        "score_positions",
    ]
    found = {key: tuple(row) for key, row in scores[["score", "score_advocacy", "score_positions"]].iterrows()}
    assert found == {
        ("x", "a"): (3, 2, 3),
        ("x", "b"): (1, 1, 1),
        ("w", "a"): (1, 1, 0),
        ("w", "b"): (2, 1, 2),
        ("y", "a"): (0, 0, 0),
        ("y", "b"): (0, 0, 0),
    }


def test_advocacy_and_positions_rules_give_their_own_index():
    table = indices.index_scores(indices.indicator_scores(RULE_TABLE, INDEX, BOOK)).set_index("source_id")
    # Weights 1 and 3 (a quarter and three quarters), scores 0-3 scaled to 0-100:
    # x: presence 100·(3/4 + 3/4)/3 = 50, advocacy 100·(2/4 + 3/4)/3 = 125/3, positions 50.
    # w: presence 100·(1/4 + 6/4)/3 = 175/3, advocacy 100·(1/4 + 3/4)/3 = 100/3,
    #    positions 100·(0 + 6/4)/3 = 50.
    assert table.loc["x", ["score", "score_advocacy", "score_positions"]].tolist() == pytest.approx([50, 125 / 3, 50])
    assert table.loc["w", ["score", "score_advocacy", "score_positions"]].tolist() == pytest.approx(
        [175 / 3, 100 / 3, 50]
    )
    assert table.loc["y", ["score", "score_advocacy", "score_positions"]].tolist() == [0, 0, 0]
    # w leads x under the main rule and trails it under advocacy.
    assert table.loc["w", "score"] > table.loc["x", "score"]
    assert table.loc["w", "score_advocacy"] < table.loc["x", "score_advocacy"]


# Ten equally weighted indicators. x implements (2 sentences) on the first nine and
# says nothing on the tenth; y endorses (1 sentence) the first nine and describes the
# tenth; z says nothing. Published order: x 100·27/30 = 90, y 100·19/30 = 63.3, z 0.
TEN = {
    "id": "ten",
    "indicators": [{"id": f"i{k}", "label": f"I{k}", "codes": [f"c{k}"], "weight": 1} for k in range(10)],
}


def ten_rows(source, by_code):
    rows = []
    for k in range(10):
        stances = {"endorses": 0, "implements": 0, "describes": 0, "questions": 0, **by_code.get(f"c{k}", {})}
        rows.append({"source_id": source, "source": source.title(), "code": f"c{k}", "body_sentences": 20, **stances})
    return rows


TEN_TABLE = pd.DataFrame(
    ten_rows("x", {f"c{k}": {"implements": 2} for k in range(9)})
    + ten_rows("y", {**{f"c{k}": {"endorses": 1} for k in range(9)}, "c9": {"describes": 1}})
    + ten_rows("z", {})
)
SETTINGS = {
    "seed": 4,
    "draws": 2000,
    "dirichlet_alpha": 1.0,
    "robust_share": 0.95,
    "weights_condition": "the weights are as published",
    "rules": BOOK["sensitivity"]["rules"],
}


def test_a_pair_that_reverses_under_advocacy_is_not_robust():
    """x − y per indicator: presence (+1 × 9, −1): x stays higher unless the tenth weight
    exceeds 1/2, which a flat Dirichlet of 10 gives with probability (1/2)^9 = 0.2%.
    Advocacy (0 × 9, −1): y is higher under every weighting. Positions (+1 × 9, 0) and
    salience (+1/20 × 9, 0): x is higher under every weighting."""
    scores = indices.indicator_scores(TEN_TABLE, TEN, BOOK)
    main = indices.index_scores(scores).set_index("source_id")
    assert main["score"].tolist() == pytest.approx([90, 190 / 3, 0])
    result = indices.sensitivity(scores, SETTINGS)
    pairs = result["pairs"].set_index(["higher_id", "lower_id"])
    assert list(pairs.index) == [("x", "y"), ("x", "z"), ("y", "z")]
    xy = pairs.loc[("x", "y")]
    assert xy["share_presence"] > 0.99
    assert (xy["share_advocacy"], xy["share_positions"], xy["share_salience"]) == (0.0, 1.0, 1.0)
    assert not xy["robust"] and xy["fails_under"] == "advocacy"
    # Over z, each of x and y leads on some indicator and trails on none: robust under every rule.
    for pair in [("x", "z"), ("y", "z")]:
        row = pairs.loc[pair]
        assert row["robust"] and row["fails_under"] == ""
        assert [row[f"share_{r}"] for r in ("presence", "advocacy", "positions", "salience")] == [1.0] * 4
    assert set(result["rank_stability"]["rule"]) == {"presence", "advocacy", "positions", "salience"}
    assert set(result["ranges"]["rule"]) == {"presence", "advocacy", "positions", "salience"}


def test_dependency_names_the_condition_the_order_rests_on():
    scores = indices.indicator_scores(TEN_TABLE, TEN, BOOK)
    pairs = indices.sensitivity(scores, SETTINGS)["pairs"]
    (xy,) = pairs[(pairs["higher_id"] == "x") & (pairs["lower_id"] == "y")].itertuples()
    # y is above x in every weighting under advocacy, at equal weights too: the order
    # reverses there, so it holds only when advocacy's condition holds; under the other
    # rules it holds in more than 95% of weightings, so nothing is added.
    assert xy.reversed_under == "advocacy"
    assert indices.dependency(xy, SETTINGS, "equal weights") == "X ranks above Y only when running counts more"
    # Reversed under salience at the published weights, and under presence (.6) and
    # advocacy (.9) held only in some weightings: the weakest of those, .6, undoes it in 40%.
    pair = SimpleNamespace(
        higher="A",
        lower="B",
        fails_under="presence advocacy salience",
        reversed_under="salience",
        share_presence=0.6,
        share_advocacy=0.9,
        share_positions=1.0,
        share_salience=0.2,
    )
    assert indices.dependency(pair, SETTINGS, "equal weights") == (
        "A ranks above B only when breadth counts, not emphasis; "
        "even then, other weightings of the indicators undo it in up to 40% of cases"
    )
    assert indices.dependency(pair, SETTINGS, "equal weights", whole=False) == (
        "A ranks above B only when breadth counts, not emphasis"
    )
    # Never reversed, but held in only 70% of weightings under presence: 30% undo it.
    steady = SimpleNamespace(**{**vars(pair), "reversed_under": "", "fails_under": "presence", "share_presence": 0.7})
    assert indices.dependency(steady, SETTINGS, "equal weights") == (
        "A ranks above B under every scoring rule with equal weights, "
        "but other weightings of the indicators undo it in up to 30% of cases"
    )
    assert indices.weights_in_words(TEN) == "equal weights"
    assert indices.weights_in_words({**TEN, "indicators": [{"weight": 1}, {"weight": 2}]}) == "the published weights"


def _place(path: Path, text: str, line_offset: int = 0) -> tuple[int, int]:
    """Line and column (from 1) where ``text`` first stands in the file, found by reading it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if text in line)
    line = lines[number + line_offset]
    return number + line_offset + 1, (line.index(text) + 1 if not line_offset else len(line) - len(line.lstrip()) + 1)


def test_levels_that_do_not_give_each_score_once_are_named_at_the_levels(tmp_path, data):
    path = write_rubric(tmp_path, lambda b: b["levels"][3].update(score=2))  # 0, 1, 2, 2
    (problem,) = indices.validate_rubrics(coding.codes(data), path)
    line, column = _place(path, "levels:", line_offset=1)  # the list under the key
    assert (problem.path, problem.row, problem.column) == (path, line, column)
    assert problem.message == "levels: give each score 0, 1, 2 and 3 once"


def test_an_index_of_an_unknown_dimension_is_named_at_its_dimension(tmp_path, data):
    path = write_rubric(tmp_path, lambda b: b["indices"][1].update(dimension="nowhere"))
    problems = indices.validate_rubrics(coding.codes(data), path)
    enforcement_id = indices.read_rubrics(path)["indices"][1]["id"]
    line, column = _place(path, "nowhere")
    assert (problems[0].path, problems[0].row, problems[0].column) == (path, line, column)
    assert problems[0].message == f"{enforcement_id}: unknown dimension 'nowhere'"
    # and each of its codes, of the enforcement dimension, is then not a code of that dimension
    assert all(p.message.endswith("is not a nowhere code") for p in problems[1:]) and len(problems) > 1
