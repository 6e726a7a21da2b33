"""The findings the prose states, computed: every number, name and list in a
chapter's sentences comes from here and is glued, so a data change rewrites them.

Nothing here names a source or a code: who leads, who is silent and what is
shared are read off the derived tables.
"""

from __future__ import annotations

import pandas as pd
from scipy import stats

from analysis import indices, results, synthesis, threats


class Phrase:
    """A piece of prose for ``{glue:text}``: shown as is (a str would be shown by its repr)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


class Bullets:
    """A list for a ``{glue}`` block: an HTML list (escaped), plain lines as text."""

    def __init__(self, items: list[str], empty: str = "None."):
        self.items = list(items) or [empty]

    def __repr__(self) -> str:
        return "\n".join(f"- {item}" for item in self.items)

    def _repr_html_(self) -> str:
        import html

        return '<ul class="glued-list">' + "".join(f"<li>{html.escape(i)}</li>" for i in self.items) + "</ul>"


def join(items: list[str], empty: str = "none") -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if not items:
        return empty
    if len(items) == 1:
        return items[0]
    separator = "; " if any(" and " in item or "," in item for item in items) else ", "
    last = "; and " if separator == "; " else " and "
    return separator.join(items[:-1]) + last + items[-1]


def _pct(value: float) -> str:
    return f"{value:.0%}"


def _ci(row) -> str:
    return f"{_pct(row.share)}, 95% CI {row.share_low * 100:.0f}–{_pct(row.share_high)}"


def sentences(n: int) -> str:
    return f"{n} sentence" + ("" if n == 1 else "s")


def length_figures(dimension: str = "enforcement") -> dict[str, object]:
    """Why shares, not counts: document and source lengths, and the order raw counts would give."""
    from analysis import corpus

    documents = corpus.documents_frame()
    sources = results.sources()
    label = dict(zip(sources["source_id"], sources["source"], strict=True))
    coded = results.coded_sentences(dimension)
    by_words = sources.sort_values("words", ascending=False)["source"].tolist()
    words = sources.set_index("source_id")["words"]
    rho = float(stats.spearmanr(coded.to_numpy(), words[coded.index].to_numpy()).statistic)
    return {
        "min_doc_words": f"{documents['words'].min():,} ({documents.loc[documents['words'].idxmin(), 'document_id']})",
        "max_doc_words": f"{documents['words'].max():,} ({documents.loc[documents['words'].idxmax(), 'document_id']})",
        "doc_length_ratio": f"{documents['words'].max() / documents['words'].min():.1f}",
        "source_length_ratio": f"{sources['words'].max() / sources['words'].min():.1f}",
        "length_order": Phrase(join(by_words)),
        "raw_count_order": Phrase(
            join([f"{label[s]} ({n})" for s, n in coded.sort_values(ascending=False, kind="stable").items()])
        ),
        "raw_length_correlation": f"{rho:.2f}",
        "raw_reading": Phrase(
            f"so with only {len(coded)} sources to rank, raw counts would largely follow how long a source is, "
            "not what it stresses"
            if rho >= 0.6
            else "so here raw counts do not simply follow length; shares still put sources of different length "
            "on one scale"
        ),
        "source_genres": Phrase("; ".join(f"{r.source}, {r.kinds} ({r.words:,} words)" for r in sources.itertuples())),
        "pooled_sources": Phrase(
            join(
                [
                    f"{r.source} ({len(r.documents.split())} documents: {r.kinds})"
                    for r in sources.itertuples()
                    if len(r.documents.split()) > 1
                ]
            )
        ),
    }


def enforcement(dimension: str = "enforcement") -> dict[str, object]:
    table = results.dimension_table(dimension)
    n_sources = table["source_id"].nunique()
    raised_by = table[table["sentences"] > 0].groupby("code", sort=False)["source_id"].nunique()
    shared = [c for c in dict.fromkeys(table["code"]) if raised_by.get(c, 0) == n_sources]
    single = [c for c in dict.fromkeys(table["code"]) if raised_by.get(c, 0) == 1]
    phrases = []
    for code in shared:
        rows = table[table["code"] == code].sort_values("share")
        low, high = rows.iloc[0], rows.iloc[-1]
        phrases.append(
            f"{low.short.lower()}: from {_pct(low.share)} of {low.source}'s sentences "
            + f"to {_pct(high.share)} of {high.source}'s"
        )
    leaders, leader_codes = [], set()
    for source, rows in table.groupby("source", sort=False):
        top = rows.sort_values("share", ascending=False, kind="stable").iloc[0]
        leaders.append(f"{source} with {top.short.lower()} ({_ci(top)})")
        leader_codes.add(top.code)
    singles = []
    for code in single:
        row = table[(table["code"] == code) & (table["sentences"] > 0)].iloc[0]
        singles.append(f"{row.short.lower()} ({row.source} only, {_pct(row.share)} of its sentences)")
    questioned = table[table["questions"] > 0]
    silent = table[table["sentences"] == 0].groupby("source", sort=False).size()
    return {
        "enf_codes": table["code"].nunique(),
        "enf_sources": n_sources,
        "enf_shared_n": len(shared),
        "enf_shared": Bullets([p[0].upper() + p[1:] for p in phrases]),
        "enf_leaders": Phrase("; ".join(leaders)),
        "enf_leader_list": Bullets(leaders),
        "enf_leader_codes": len(leader_codes),
        "enf_single": Phrase(join(singles)),
        "enf_questioned": Phrase(
            join([f"{r.source} on {r.short.lower()} ({sentences(r.questions)})" for r in questioned.itertuples()])
        ),
        "enf_silent": Phrase(
            join([f"{source} {n} of {table['code'].nunique()}" for source, n in silent.items()], empty="no source")
        ),
    }


def _ranking(index_id: str) -> str:
    table = results.index_table(index_id).sort_values("score", ascending=False, kind="stable")
    return join([f"{r.source} ({r.score:.0f})" for r in table.itertuples()])


def _orders(index_id: str, robust: bool) -> str:
    pairs = results.sensitivity(index_id)["pairs"]
    pairs = pairs[pairs["robust"] == robust]
    return join([f"{r.higher} above {r.lower}" for r in pairs.itertuples()])


def indices_figures() -> dict[str, object]:
    book = indices.rubrics()
    settings = book["sensitivity"]
    figures: dict[str, object] = {
        "draws": f"{settings['draws']:,}",
        "seed": settings["seed"],
        "robust_share": f"{settings['robust_share']:.0%}",
        "n_rules": len(settings["rules"]),
    }
    for index in book["indices"]:
        key = index["id"]
        figures[f"{key}_ranking"] = Phrase(_ranking(key))
        figures[f"{key}_robust"] = Phrase(_orders(key, True))
        figures[f"{key}_fragile"] = Phrase(_orders(key, False))
        figures[f"{key}_indicators"] = len(index["indicators"])
        stability = results.sensitivity(key)["rank_stability"]
        firsts = []
        for rule in settings["rules"]:
            mine = stability[(stability["rank"] == 1) & (stability["rule"] == rule["id"])]
            top = mine.sort_values("share", ascending=False, kind="stable").iloc[0]
            firsts.append(f"under the {rule['id']} rule {top.source} ranks first in {_pct(top.share)} of weightings")
        figures[f"{key}_top_first"] = Phrase(join(firsts)[0].upper() + join(firsts)[1:])
    return figures


def threat_figures() -> dict[str, object]:
    matrix = results.threat_matrix()
    found = threats.patterns(matrix)
    sources = results.sources()
    latest = sources[sources["reference_year"] == sources["reference_year"].max()]
    first = matrix.drop_duplicates("code").dropna(subset=["first_named"])
    by_year = first.groupby("first_named").size()
    short = dict(zip(matrix["label"], matrix["short"], strict=False))
    return {
        "thr_codes": matrix["code"].nunique(),
        "latest_source": Phrase(join(list(latest["source"]))),
        "latest_year": int(latest["reference_year"].iloc[0]),
        "earliest_year": int(sources["reference_year"].min()),
        "thr_new": Phrase(join([short[x].lower() for x in found[threats.NEW]])),
        "thr_new_n": len(found[threats.NEW]),
        "thr_persistent": Phrase(join([short[x].lower() for x in found[threats.PERSISTENT]])),
        "thr_persistent_n": len(found[threats.PERSISTENT]),
        "thr_early": Phrase(join([short[x].lower() for x in found[threats.EARLY]])),
        "thr_first_by_year": Phrase(join([f"{n} in {int(year)}" for year, n in by_year.items()])),
    }


def synthesis_figures() -> dict[str, object]:
    table = results.convergence()
    rows = table.drop_duplicates("code")
    pairs = synthesis.unique_pairs(results.similarity()).assign(shown=lambda t: t["cosine"].round(2))

    def pairs_at(value: float) -> str:
        tied = pairs[pairs["shown"] == value]
        return join([f"{r.source_a} and {r.source_b}" for r in tied.itertuples()]) + f" ({value:.2f})"

    return {
        "syn_shared_n": int((rows["pattern"] == synthesis.SHARED).sum()),
        "syn_contested": Phrase(
            join([r.short.lower() for r in rows[rows["pattern"] == synthesis.CONTESTED].itertuples()])
        ),
        "syn_distinct": Phrase(
            join(
                [
                    f"{r.short.lower()} ({_only(table, r.code)})"
                    for r in rows[rows["pattern"] == synthesis.DISTINCT].itertuples()
                ]
            )
        ),
        "sim_high": Phrase(pairs_at(pairs["shown"].max())),
        "sim_low": Phrase(pairs_at(pairs["shown"].min())),
    }


def _only(table: pd.DataFrame, code: str) -> str:
    row = table[(table["code"] == code) & (table["sentences"] > 0)].iloc[0]
    return f"{row.source} only"


def key_findings() -> dict[str, object]:
    """The introduction's key findings, each a sentence built from the tables above."""
    enf, idx, thr, syn = enforcement(), indices_figures(), threat_figures(), synthesis_figures()
    leads = results.dimension_table("enforcement")
    leaders = []
    for source, rows in leads.groupby("source", sort=False):
        top = rows.sort_values("share", ascending=False, kind="stable").iloc[0]
        leaders.append(f"{top.short.lower()} for {source} ({_pct(top.share)})")

    def robustness(key: str) -> str:
        pairs = results.sensitivity(key)["pairs"]
        held, fragile = int(pairs["robust"].sum()), idx[f"{key}_fragile"].text
        told = (
            f"{held} of its {len(pairs)} pairwise orderings hold in at least {idx['robust_share']} of "
            f"{idx['draws']} random weightings under both scoring rules"
        )
        return told if held == len(pairs) else f"{told}; these do not: {fragile}"

    return {
        "kf_enforcement": Phrase(
            f"All {enf['enf_sources']} sources raise {enf['enf_shared_n']} of the {enf['enf_codes']} enforcement "
            f"priorities. Each source's most discussed priority (share of its sentences): {join(leaders)}."
        ),
        "kf_harm_reduction": Phrase(
            f"On the 0–100 harm-reduction index (published weights, presence rule): "
            f"{idx['harm_reduction_ranking']}; {robustness('harm_reduction')}."
        ),
        "kf_enforcement_index": Phrase(
            f"On the 0–100 enforcement-orientation index (published weights, presence rule): "
            f"{idx['enforcement_ranking']}; {robustness('enforcement')}."
        ),
        "kf_threats": Phrase(
            f"Named as a threat for the first time by the latest source ({thr['latest_source']}, "
            f"{thr['latest_year']}): {thr['thr_new']}. "
            f"Named by every source: {thr['thr_persistent']}."
        ),
        "kf_similarity": Phrase(
            f"In what they talk about (cosine similarity of their code profiles, 0–1; stance not counted), "
            f"the most alike sources are {syn['sim_high']}; the least alike, {syn['sim_low']}."
        ),
    }


def glue_all(figures: dict[str, object]) -> None:
    from myst_nb import glue

    for name, value in figures.items():
        glue(name, value, display=False)
