"""The threat picture over time: which threats each source names, and when each is first named.

A threat is "named" by a source when at least one of its non-heading sentences
carries the code (any stance). Sources sit on their reference year, the year
their meeting or figures speak of.
"""

from __future__ import annotations

import pandas as pd

NEW, PERSISTENT, EARLY, SOME, NONE = (
    "new in the latest source",
    "named by every source",
    "named early, not in the latest source",
    "named by some sources",
    "not named",
)


def threat_matrix(salience: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Per threat × source: salience and stances, plus the year the threat is first
    named in the corpus and its pattern over time."""
    year = dict(zip(sources["source_id"], sources["reference_year"], strict=True))
    latest = max(year.values())
    table = salience.assign(reference_year=salience["source_id"].map(year))
    rows = []
    for code, mine in table.groupby("code", sort=False):
        named = mine[mine["sentences"] > 0]
        named_ids = set(named["source_id"])
        first = int(named["reference_year"].min()) if len(named) else None
        pattern = _pattern(named_ids, set(year), {s for s, y in year.items() if y == latest})
        for row in mine.itertuples():
            rows.append(
                {
                    "code": code,
                    "label": row.label,
                    "source_id": row.source_id,
                    "source": row.source,
                    "reference_year": row.reference_year,
                    "sentences": row.sentences,
                    "body_sentences": row.body_sentences,
                    "share": row.share,
                    "share_low": row.share_low,
                    "share_high": row.share_high,
                    "endorses": row.endorses,
                    "describes": row.describes,
                    "questions": row.questions,
                    "first_named": first,
                    "named_by": len(named_ids),
                    "pattern": pattern,
                }
            )
    return pd.DataFrame(rows)


def _pattern(named: set[str], every: set[str], latest: set[str]) -> str:
    if not named:
        return NONE
    if named == every:
        return PERSISTENT
    if named <= latest:
        return NEW
    if not named & latest:
        return EARLY
    return SOME


def patterns(matrix: pd.DataFrame) -> dict[str, list[str]]:
    """Threat labels by pattern, in codebook order."""
    codes = matrix.drop_duplicates("code")
    return {p: list(codes[codes["pattern"] == p]["label"]) for p in (NEW, PERSISTENT, EARLY, SOME, NONE)}
