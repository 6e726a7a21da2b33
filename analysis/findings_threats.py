"""The threats chapter's findings in words: which threats are new in the latest source,
which persist, which were named only earlier, and by which route each was first named."""

from __future__ import annotations

import pandas as pd

from analysis import results, threats
from analysis.wording import Phrase, join, join_groups


def _named(data, matrix: pd.DataFrame, pattern: str, unit: str = "item") -> list[str]:
    """The threats of a pattern as running text names them (items: their label; families: short label)."""
    if unit == "item":
        in_text = dict(zip(results.items(data)["item"], results.items(data)["in_text"], strict=True))
        return [in_text[i] for i in threats.patterns(matrix, unit, "item")[pattern]]
    return [name[0].lower() + name[1:] for name in threats.patterns(matrix, unit)[pattern]]


def _years_named(matrix: pd.DataFrame, item: str) -> str:
    """The reference years (with source) in which a threat is named: '2013 and 2019 sources'."""
    named = matrix[(matrix["item"] == item) & (matrix["named_as"] != "")]
    years = [str(int(y)) for y in dict.fromkeys(named["reference_year"])]
    return join(years) + (" source" if len(years) == 1 else " sources")


def _family_summary(data, families: pd.DataFrame) -> str:
    """The families' patterns in plain sentences."""
    lists = {p: _named(data, families, p, "code") for p in (threats.NEW, threats.PERSISTENT, threats.EARLY)}
    n = families["code"].nunique()
    verb = {p: "is" if len(lists[p]) == 1 else "are" for p in lists}
    new = (
        "every family the latest source names was named earlier"
        if not lists[threats.NEW]
        else f"{join_groups(lists[threats.NEW])} {verb[threats.NEW]} new in the latest source"
    )
    early = (
        "every family named earlier is still named in the latest source"
        if not lists[threats.EARLY]
        else f"{join_groups(lists[threats.EARLY])} {verb[threats.EARLY]} named by earlier sources but not the latest"
    )
    every = lists[threats.PERSISTENT]
    named = f"Named by every source: {join_groups(every)}." if every else "No family is named by every source."
    return f"Across the {n} broader families, {new}, and {early}. {named}"


def threat_figures(data) -> dict[str, object]:
    items = results.threat_matrix(data, "item")
    families = results.threat_matrix(data, "code")
    sources = results.sources(data)
    latest = sources[sources["reference_year"] == sources["reference_year"].max()]
    first = items.drop_duplicates("item").dropna(subset=["first_named"])
    by_year = first.groupby("first_named").size()
    via = first[first["first_named_as"] == threats.AS_PRIORITY]
    equivalents = results.items(data)
    equivalents = equivalents[equivalents["enforcement_codes"] != ""]
    code_label = dict(zip(results.codes(data)["code"], results.codes(data)["short"], strict=True))
    in_text = dict(zip(results.items(data)["item"], results.items(data)["in_text"], strict=True))
    new = threats.patterns(items, "item", "item")[threats.NEW]
    new_counts = items[items["item"].isin(new) & (items["sentences"] > 0)]["sentences"]
    early = threats.patterns(items, "item", "item")[threats.EARLY]
    first_by_year = []
    for year, n in by_year.items():
        priority = int((via["first_named"] == year).sum())
        note = f" ({priority} of them only as an enforcement priority)" if priority else ""
        first_by_year.append(f"{n} first by the {int(year)} source{note}")
    return {
        "items": items["item"].nunique(),
        "families": families["code"].nunique(),
        "latest": Phrase(join(list(latest["source"]))),
        "year_latest": int(latest["reference_year"].iloc[0]),
        "year_earliest": int(sources["reference_year"].min()),
        "new": Phrase(join(_named(data, items, threats.NEW))),
        "new_n": len(new),
        "new_sentences": Phrase(
            f"{new_counts.min()} to {new_counts.max()}"
            if len(new_counts) and new_counts.min() != new_counts.max()
            else f"{new_counts.min() if len(new_counts) else 0}"
        ),
        "persistent": Phrase(join(_named(data, items, threats.PERSISTENT))),
        "early": Phrase(join([f"{in_text[i]} ({_years_named(items, i)})" for i in early])),
        "family_summary": Phrase(_family_summary(data, families)),
        "first_by_year": Phrase(join(first_by_year)),
        "via_priority": Phrase(
            join([f"{in_text[r.item]} ({r.first_named_by}, {int(r.first_named)})" for r in via.itertuples()])
        ),
        "equivalents": Phrase(
            join(
                [
                    f"{join([code_label[c].lower() for c in r.enforcement_codes.split()])} for {r.in_text}"
                    for r in equivalents.itertuples()
                ]
            )
        ),
    }
