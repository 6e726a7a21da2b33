"""Across the three questions: where the sources converge and diverge, and how
alike their code profiles are."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

SHARED, CONTESTED, DISTINCT = (
    "raised by every source",
    "supported by some, questioned by others",
    "raised by one source only",
)
PATTERNS = (SHARED, CONTESTED, DISTINCT)


def convergence(salience: pd.DataFrame, also_raised: dict[str, set[str]] | None = None) -> pd.DataFrame:
    """Themes (codes) on which the sources agree or differ, one row per theme × source.

    A theme is *contested* when one source mostly supports it (more sentences
    endorse or implement it than question it) and another mostly questions it,
    *shared* when every source raises it, and
    *distinct* when only one source raises it. Other themes are left out.
    ``also_raised`` gives, per code, sources that raise the same thing another way (a
    threat as an enforcement priority): they count as raising it, so a threat is not
    called distinct to one source when others make it a priority.
    """
    also_raised = also_raised or {}
    n_sources = salience["source_id"].nunique()
    rows = []
    for code, mine in salience.groupby("code", sort=False):
        raised = mine[(mine["sentences"] > 0) | mine["source_id"].isin(also_raised.get(code, set()))]
        support = raised["endorses"] + raised["implements"]
        supporters = set(raised[support > raised["questions"]]["source_id"])
        questioners = set(raised[raised["questions"] > support]["source_id"])
        if supporters and questioners:
            pattern = CONTESTED
        elif len(raised) == n_sources:
            pattern = SHARED
        elif len(raised) == 1:
            pattern = DISTINCT
        else:
            continue
        rows.append(mine.assign(pattern=pattern, raised_by=len(raised)))
    if not rows:
        return salience.head(0).assign(pattern="", raised_by=0)
    table = pd.concat(rows)
    table["pattern_order"] = table["pattern"].map({p: i for i, p in enumerate(PATTERNS)})
    dimension_order = {d: i for i, d in enumerate(dict.fromkeys(salience["dimension"]))}
    table["dimension_order"] = table["dimension"].map(dimension_order)
    code_order = {c: i for i, c in enumerate(dict.fromkeys(salience["code"]))}
    table["code_order"] = table["code"].map(code_order)
    table = table.sort_values(["pattern_order", "dimension_order", "code_order"], kind="stable")
    return table.drop(columns=["pattern_order", "dimension_order", "code_order"]).reset_index(drop=True)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity; nan when either profile is empty. Summed with ``math.fsum``
    (exact), not BLAS, whose kernels differ by CPU in the last bits."""
    dot = math.fsum(float(x) * float(y) for x, y in zip(a, b, strict=True))
    norm = math.sqrt(math.fsum(float(x) ** 2 for x in a) * math.fsum(float(y) ** 2 for y in b))
    return dot / norm if norm else float("nan")


def similarity(salience: pd.DataFrame) -> pd.DataFrame:
    """Cosine similarity of every pair of sources' profiles (share of sentences per
    code, over all codes of all dimensions), with the codes they share. Shares are
    recomputed from the counts, not read from the rounded ``share`` column."""
    profile = salience.assign(profile=salience["sentences"] / salience["body_sentences"])
    wide = profile.pivot(index="source_id", columns="code", values="profile")
    order = list(dict.fromkeys(salience["source_id"]))
    names = salience.drop_duplicates("source_id").set_index("source_id")["source"]
    rows = []
    for a, b in itertools.product(order, repeat=2):
        va, vb = wide.loc[a].to_numpy(), wide.loc[b].to_numpy()
        rows.append(
            {
                "source_a_id": a,
                "source_a": names[a],
                "source_b_id": b,
                "source_b": names[b],
                "cosine": cosine(va, vb),
                "codes_both": int(((va > 0) & (vb > 0)).sum()),
                "codes_a_only": int(((va > 0) & (vb == 0)).sum()),
                "codes_b_only": int(((va == 0) & (vb > 0)).sum()),
            }
        )
    return pd.DataFrame(rows)


def unique_pairs(table: pd.DataFrame) -> pd.DataFrame:
    """Each unordered pair of different sources once, in source order."""
    order = {s: i for i, s in enumerate(dict.fromkeys(table["source_a_id"]))}
    keep = table["source_a_id"].map(order) < table["source_b_id"].map(order)
    return table[keep].reset_index(drop=True)
