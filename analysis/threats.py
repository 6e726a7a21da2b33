"""The threat picture over time: which threats each source names, and when each is first named.

Threats are two-level: families (the threats codes) with named items beneath them
(fentanyl, nitazenes, Captagon, ...). Every table here works at either level: the
items answer what is new, the families summarise.

A threat is *named* by a source when at least one of its non-heading sentences
carries it (any stance). A source also counts as naming it when it makes the same
thing an enforcement priority: it endorses or implements one of the enforcement
codes the codebook lists as the item's equivalents (``enforcement_codes``). Sources
sit on their reference year, the year their meeting or figures speak of.
"""

from __future__ import annotations

import pandas as pd

NEW, PERSISTENT, EARLY, SOME, NONE = (
    "new in the latest source",
    "named by every source",
    "named by earlier sources, not the latest",
    "named by some sources",
    "not named",
)
PATTERNS = (NEW, PERSISTENT, EARLY, SOME, NONE)
AS_THREAT, AS_PRIORITY = "as a threat", "as an enforcement priority"


def prioritised(enforcement: pd.DataFrame, equivalents: dict[str, list[str]]) -> dict[str, set[str]]:
    """Per threat: the sources that endorse or implement one of its enforcement equivalents.

    ``enforcement`` is salience rows of enforcement codes (source_id, code, endorses, implements)."""
    backing = enforcement[(enforcement["endorses"] + enforcement["implements"]) > 0]
    by_code = backing.groupby("code")["source_id"].apply(set).to_dict()
    return {unit: set().union(*(by_code.get(c, set()) for c in codes)) for unit, codes in equivalents.items()}


def threat_matrix(
    salience: pd.DataFrame,
    sources: pd.DataFrame,
    unit: str = "code",
    priorities: dict[str, set[str]] | None = None,
) -> pd.DataFrame:
    """Per threat (``unit``: code = family, or item) × source: salience and stances, whether
    the source names it as a threat or only as an enforcement priority, the year and
    source that first name it, and its pattern over time."""
    priorities = priorities or {}
    year = dict(zip(sources["source_id"], sources["reference_year"], strict=True))
    label = dict(zip(sources["source_id"], sources["source"], strict=True))
    latest = max(year.values())
    order = {s: i for i, s in enumerate(sources["source_id"])}
    table = salience.assign(reference_year=salience["source_id"].map(year))
    rows = []
    for key, mine in table.groupby(unit, sort=False):
        as_threat = set(mine[mine["sentences"] > 0]["source_id"])
        as_priority = priorities.get(key, set()) - as_threat
        named = as_threat | as_priority
        first_source = min(named, key=lambda s: (year[s], s not in as_threat, order[s])) if named else None
        pattern = _pattern(named, set(year), {s for s, y in year.items() if y == latest})
        for row in mine.itertuples():
            rows.append(
                {
                    **{column: getattr(row, column) for column in salience.columns if column != "reference_year"},
                    "reference_year": row.reference_year,
                    "named_as": AS_THREAT
                    if row.source_id in as_threat
                    else AS_PRIORITY
                    if row.source_id in as_priority
                    else "",
                    "first_named": year[first_source] if first_source else None,
                    "first_named_by": label[first_source] if first_source else "",
                    "first_named_as": (AS_THREAT if first_source in as_threat else AS_PRIORITY) if first_source else "",
                    "named_by": len(named),
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


def patterns(matrix: pd.DataFrame, unit: str = "code", column: str = "short") -> dict[str, list[str]]:
    """Threats (their ``column``: short label, or another name) by pattern, in codebook order."""
    first = matrix.drop_duplicates(unit)
    return {p: list(first[first["pattern"] == p][column]) for p in PATTERNS}


def first_named_text(row) -> str:
    """'2013, Chatham House/IDPC (as an enforcement priority)', or 'not named'."""
    if pd.isna(row.first_named):
        return "not named"
    text = f"{int(row.first_named)}, {row.first_named_by}"
    return text + (" (as an enforcement priority)" if row.first_named_as == AS_PRIORITY else "")
