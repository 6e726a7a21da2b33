"""The harm-reduction and enforcement-orientation indices, from published rubrics.

Indicators roll up to a 0–100 index on a rubric kept as data
(data/coding/rubrics.yaml), in the manner of the Global Drug Policy Index. A
sensitivity analysis redraws the weights many times (Dirichlet, seeded) under
two scoring rules and reports how often each source holds each rank, so a
reader sees which orderings survive other reasonable choices and which do not.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.datafiles import Problem, load_yaml, locate, read_checked_yaml
from analysis.paths import CODING_DIR

RUBRICS = CODING_DIR / "rubrics.yaml"


def read_rubrics(path: Path = RUBRICS) -> dict:
    return load_yaml(path.read_text(encoding="utf-8-sig"))


def validate_rubrics(codes: pd.DataFrame, path: Path = RUBRICS) -> list[Problem]:
    """Schema; levels 0–3 each once; every indicator's codes exist in the codebook,
    belong to the index's dimension, and serve one indicator only."""
    book, problems = read_checked_yaml(path, "rubrics.schema.json", "rubrics")
    if problems:
        return problems
    if sorted(level["score"] for level in book["levels"]) != [0, 1, 2, 3]:
        problems.append(Problem(path, *locate(path, "levels"), "levels: give each score 0, 1, 2 and 3 once"))
    dimension_of = dict(zip(codes["code"], codes["dimension"], strict=True))
    for i, index in enumerate(book["indices"]):
        if index["dimension"] not in set(dimension_of.values()):
            line, column = locate(path, "indices", i, "dimension")
            problems.append(Problem(path, line, column, f"{index['id']}: unknown dimension {index['dimension']!r}"))
        seen: set[str] = set()
        for j, indicator in enumerate(index["indicators"]):
            where = f"{index['id']}/{indicator['id']}"
            for k, code in enumerate(indicator["codes"]):
                faults = []
                if code not in dimension_of:
                    faults.append(f"{where}: unknown code {code!r}")
                elif dimension_of[code] != index["dimension"]:
                    faults.append(f"{where}: {code} is not a {index['dimension']} code")
                if code in seen:
                    faults.append(f"{where}: {code} serves two indicators")
                seen.add(code)
                for fault in faults:
                    problems.append(Problem(path, *locate(path, "indices", i, "indicators", j, "codes", k), fault))
    return problems


def index_rubric(index_id: str, book: dict) -> dict:
    """One index's rubric from the rubrics (``data.rubrics``)."""
    (index,) = [i for i in book["indices"] if i["id"] == index_id]
    return index


MAIN_RULE = "presence"  # the published scores; the other rules test how much rests on it


def weighted_sum(matrix: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Each source's (row of ``matrix``) weighted sum under each weighting (row of
    ``weights``): weightings × sources. Added indicator by indicator with elementwise
    operations, not a BLAS product, whose kernels differ by CPU in the last bits, so the
    same data give the same values, and ties stay ties, on any machine."""
    weights = np.atleast_2d(weights)
    total = np.zeros((weights.shape[0], matrix.shape[0]))
    for k in range(matrix.shape[1]):
        total = total + weights[:, k, None] * matrix[None, :, k]
    return total


def level_rules(book: dict) -> dict[str, dict[str, int]]:
    """Each stance-level rule's level per stance: the rubric's levels, with the rule's
    overrides (the main rule has none)."""
    base = {level["stance"]: level["score"] for level in book["levels"] if "stance" in level}
    rules = [r for r in book["sensitivity"]["rules"] if r.get("kind", "levels") == "levels"]
    return {r["id"]: {**base, **r.get("levels", {})} for r in rules} or {MAIN_RULE: base}


def _level_score(stances: dict[str, int], level_of: dict[str, int], penalty: int) -> tuple[int, int]:
    """(score, level found): the highest level among the stances taken, less the penalty if questioned."""
    found = max((level for stance, level in level_of.items() if stances[stance]), default=0)
    return (max(0, found - penalty) if stances["questions"] else found), found


def indicator_scores(salience: pd.DataFrame, index: dict, book: dict) -> pd.DataFrame:
    """Per source × indicator: the score (0–3) under the main rule with what it rests
    on, the score under every other level rule (``score_<rule>``), and the salience
    value (net share of supportive sentences)."""
    rules = level_rules(book)
    main = rules.get(MAIN_RULE, next(iter(rules.values())))
    meaning = {level["score"]: level["meaning"].split(":")[0] for level in book["levels"]}
    penalty = book["questions_penalty"]
    rows = []
    for (source_id, source), mine in salience.groupby(["source_id", "source"], sort=False):
        base = int(mine["body_sentences"].iloc[0])
        for indicator in index["indicators"]:
            hits = mine[mine["code"].isin(indicator["codes"])]
            stances = {s: int(hits[s].sum()) for s in ("endorses", "implements", "describes", "questions")}
            score, found = _level_score(stances, main, penalty)
            if not any(stances.values()):
                said = "Not raised"
            elif not stances["questions"]:
                said = meaning[found]
            elif found:
                said = f"{meaning[found]}, less {penalty} for also questioning it"
            else:
                said = "Questioned only"
            supportive = stances["endorses"] + stances["implements"]
            rows.append(
                {
                    "index": index["id"],
                    "source_id": source_id,
                    "source": source,
                    "indicator": indicator["id"],
                    "indicator_label": indicator["label"],
                    "codes": " ".join(indicator["codes"]),
                    "weight": indicator["weight"],
                    **stances,
                    "score": score,
                    "score_meaning": said,
                    **{
                        f"score_{rule}": _level_score(stances, levels, penalty)[0]
                        for rule, levels in rules.items()
                        if rule != MAIN_RULE
                    },
                    "net_support_share": (supportive - stances["questions"]) / base if base else 0.0,
                }
            )
    return pd.DataFrame(rows)


def _matrix(scores: pd.DataFrame, rule: dict) -> tuple[list[str], np.ndarray]:
    """Sources (in order) × indicators values under a scoring rule, on a 0–100 scale."""
    if rule.get("kind", "levels") == "salience":
        column, scale = "net_support_share", 100
    else:
        column, scale = ("score" if rule["id"] == MAIN_RULE else f"score_{rule['id']}"), 100 / 3
    wide = scores.pivot(index="source_id", columns="indicator", values=column)
    order = list(dict.fromkeys(scores["source_id"]))
    indicators = list(dict.fromkeys(scores["indicator"]))
    return order, wide.loc[order, indicators].to_numpy(dtype=float) * scale


def index_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """Per source: the index on 0–100 (main rule, published weights), and the
    salience-rule value (weighted mean net share of supportive sentences, in %)."""
    weights = scores.drop_duplicates("indicator")["weight"].to_numpy(dtype=float)
    weights = weights / weights.sum()
    order, presence = _matrix(scores, {"id": MAIN_RULE})
    _, salience = _matrix(scores, {"id": "salience", "kind": "salience"})
    names = scores.drop_duplicates("source_id").set_index("source_id")["source"]
    raised = scores[scores["score"] > 0].groupby("source_id").size()
    alternatives = [c.removeprefix("score_") for c in scores.columns if c.startswith("score_") and c != "score_meaning"]
    return pd.DataFrame(
        {
            "index": scores["index"].iloc[0],
            "source_id": order,
            "source": [names[s] for s in order],
            "score": weighted_sum(presence, weights)[0],
            **{f"score_{rule}": weighted_sum(_matrix(scores, {"id": rule})[1], weights)[0] for rule in alternatives},
            "salience_score": weighted_sum(salience, weights)[0],
            "indicators_raised": [int(raised.get(s, 0)) for s in order],
            "indicators": len(weights),
        }
    )


def weight_draws(n_indicators: int, settings: dict, offset: int = 0) -> np.ndarray:
    """Seeded Dirichlet weightings (draws × indicators), each summing to 1."""
    rng = np.random.default_rng([settings["seed"], offset])
    return rng.dirichlet(np.full(n_indicators, settings["dirichlet_alpha"]), size=settings["draws"])


def ranks(values: np.ndarray) -> np.ndarray:
    """Rank of each column in each row, 1 = highest; ties share the better rank."""
    return (values[:, None, :] > values[:, :, None]).sum(axis=2) + 1


def sensitivity(scores: pd.DataFrame, settings: dict, offset: int = 0) -> dict[str, pd.DataFrame]:
    """Rank stability, index ranges and pairwise order under random weightings and each
    scoring rule. A pair is robust when the higher-placed source stays higher in at
    least ``robust_share`` of the weightings under every rule; ``fails_under`` names the
    rules under which it does not."""
    weights = weight_draws(scores["indicator"].nunique(), settings, offset)
    names = scores.drop_duplicates("source_id").set_index("source_id")["source"]
    index_id = scores["index"].iloc[0]
    stability, ranges, values_by_rule = [], [], {}
    for rule in settings["rules"]:
        order, matrix = _matrix(scores, rule)
        values = weighted_sum(matrix, weights)
        values_by_rule[rule["id"]] = values
        rank = ranks(values)
        for j, source_id in enumerate(order):
            for r in range(1, len(order) + 1):
                stability.append(
                    {
                        "index": index_id,
                        "rule": rule["id"],
                        "source_id": source_id,
                        "source": names[source_id],
                        "rank": r,
                        "share": float((rank[:, j] == r).mean()),
                        "draws": len(weights),
                    }
                )
            low, high = np.percentile(values[:, j], [5, 95])
            ranges.append({"index": index_id, "rule": rule["id"], "source_id": source_id, "low": low, "high": high})
    main = index_scores(scores).set_index("source_id")
    published = scores.drop_duplicates("indicator")["weight"].to_numpy(dtype=float)
    at_published = {
        rule["id"]: dict(
            zip(order, weighted_sum(_matrix(scores, rule)[1], published / published.sum())[0], strict=True)
        )
        for rule in settings["rules"]
    }
    pairs = []
    for (i, a), (j, b) in itertools.combinations(enumerate(order), 2):
        # "higher" is the source placed higher by the published weights and main rule
        # (ties: by the salience rule); the shares say how often it stays higher.
        if (main.loc[b, "score"], main.loc[b, "salience_score"]) > (
            main.loc[a, "score"],
            main.loc[a, "salience_score"],
        ):
            (i, a), (j, b) = (j, b), (i, a)
        shares = {rule: float((v[:, i] > v[:, j]).mean()) for rule, v in values_by_rule.items()}
        fails = [rule for rule, share in shares.items() if share < settings["robust_share"]]
        # rules under which, with the published weights, the higher source is no longer higher
        reverses = [rule for rule, value in at_published.items() if not value[a] > value[b]]
        pairs.append(
            {
                "index": index_id,
                "higher_id": a,
                "higher": names[a],
                "lower_id": b,
                "lower": names[b],
                **{f"share_{rule}": share for rule, share in shares.items()},
                "robust": not fails,
                "fails_under": " ".join(fails),
                "reversed_under": " ".join(reverses),
            }
        )
    return {"rank_stability": pd.DataFrame(stability), "ranges": pd.DataFrame(ranges), "pairs": pd.DataFrame(pairs)}


def dependency(pair, settings: dict, weights: str, whole: bool = True) -> str:
    """What a non-robust ordering rests on, in words a briefing can quote. The scoring
    rules under which it reverses with the published ``weights`` (named in words, e.g.
    "equal weights") make it hold 'only when' their conditions hold; other weightings
    that undo it are given as the largest share of weightings that does."""
    condition = {r["id"]: r.get("condition", settings["weights_condition"]) for r in settings["rules"]}
    reversed_ = pair.reversed_under.split()
    fragile = [rule for rule in pair.fails_under.split() if rule not in reversed_]
    if reversed_:
        text = f"{pair.higher} ranks above {pair.lower} only when {', and when '.join(condition[r] for r in reversed_)}"
    else:
        text = f"{pair.higher} ranks above {pair.lower} under every scoring rule with {weights}"
    if fragile and (whole or not reversed_):
        undone = round(1 - min(getattr(pair, f"share_{rule}") for rule in fragile), 4)
        lead = "; even then, other" if reversed_ else ", but other"
        text += f"{lead} weightings of the indicators undo it in up to {undone:.0%} of cases"
    return text


def weights_in_words(index: dict) -> str:
    """How an index's published weights read in a sentence."""
    weights = {indicator["weight"] for indicator in index["indicators"]}
    return "equal weights" if len(weights) == 1 else "the published weights"
