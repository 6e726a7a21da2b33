"""The findings the prose states, computed: the numbers, names and lists of a chapter's
sentences, glued under the names that ``prose.GLUED`` gives them, so a data change
rewrites them. The threats chapter's are in ``findings_threats``; the words for lists,
shares and gaps in ``wording``.

Nothing here names a source or a code: who leads, who is silent and what is
shared are read off the derived tables. A claim that one source raises a
priority more than another carries the difference's interval, and is made only
when the interval excludes zero; an ordering is called firm only when it holds
under every scoring rule and nearly every weighting.
"""

from __future__ import annotations

import pandas as pd

from analysis import indices, results, synthesis
from analysis.findings_threats import threat_figures
from analysis.wording import (
    Bullets,
    Phrase,
    clear,
    gap,
    join,
    join_groups,
    not_supporting,
    percent,
    sentences,
    share_with_interval,
)


def length_figures(data, dimension: str = "enforcement") -> dict[str, object]:
    """Why shares, not counts: document and source lengths, and the order raw counts would give."""
    from analysis import corpus

    documents = corpus.documents_frame(data)
    sources = results.sources(data)
    label = dict(zip(sources["source_id"], sources["source"], strict=True))
    coded = results.coded_sentences(data, dimension)
    by_words = sources.sort_values("words", ascending=False, kind="stable")["source"].tolist()
    words = sources.set_index("source_id")["words"]
    from scipy import stats  # here, not at the top: most of a second to import, in every page's kernel

    rho = float(stats.spearmanr(coded.to_numpy(), words[coded.index].to_numpy()).statistic)
    return {
        "min_doc": f"{documents['words'].min():,} ({documents.loc[documents['words'].idxmin(), 'document_id']})",
        "max_doc": f"{documents['words'].max():,} ({documents.loc[documents['words'].idxmax(), 'document_id']})",
        "doc_ratio": f"{documents['words'].max() / documents['words'].min():.1f}",
        "source_ratio": f"{sources['words'].max() / sources['words'].min():.1f}",
        "by_length": Phrase(join(by_words)),
        "by_count": Phrase(
            join([f"{label[s]} ({n})" for s, n in coded.sort_values(ascending=False, kind="stable").items()])
        ),
        "rho": f"{rho:.2f}",
        "reading": Phrase(
            "so raw counts partly reflect how long a source is; shares of its sentences put the sources on one scale"
            if rho >= 0.6
            else "so here raw counts do not simply follow length; shares still put sources of different length "
            "on one scale"
        ),
        "genres": Phrase(
            "; ".join(f"{r.source}: {join(r.kinds.split('; '))}, {r.words:,} words" for r in sources.itertuples())
        ),
        "pooled": Phrase(
            join(
                [
                    f"{r.source}'s {len(r.documents.split())} documents ({join(r.kinds.split('; '))})"
                    for r in sources.itertuples()
                    if len(r.documents.split()) > 1
                ],
                empty="no source's documents",
            )
            + " are counted together as one source, sentence by sentence, not averaged"
        ),
    }


def leaders(data, dimension: str = "enforcement") -> list[dict]:
    """Per source (time order): its most salient code, the next one, and whether the
    lead is clear (the paired difference's interval excludes zero)."""
    table = results.dimension_table(data, dimension)
    found = []
    for _source_id, rows in table.groupby("source_id", sort=False):
        ranked = rows.sort_values("share", ascending=False, kind="stable")
        top, runner_up = ranked.iloc[0], ranked.iloc[1]
        lead = results.difference(data, (top.source_id, top.code), (runner_up.source_id, runner_up.code))
        found.append({"top": top, "next": runner_up, "clear": clear(lead), "lead": lead})
    return found


def enforcement(data, dimension: str = "enforcement") -> dict[str, object]:
    table = results.dimension_table(data, dimension)
    n_sources = table["source_id"].nunique()
    raised_by = table[table["sentences"] > 0].groupby("code", sort=False)["source_id"].nunique()
    shared = [c for c in dict.fromkeys(table["code"]) if raised_by.get(c, 0) == n_sources]
    single = [c for c in dict.fromkeys(table["code"]) if raised_by.get(c, 0) == 1]
    phrases = []
    for code in shared:
        rows = table[table["code"] == code].sort_values("share", kind="stable")
        low, high = rows.iloc[0], rows.iloc[-1]
        d = results.difference(data, (high.source_id, code), (low.source_id, code))
        phrases.append(
            f"{high.short}: from {percent(low.share)} of {low.source}'s sentences to {percent(high.share)} of "
            f"{high.source}'s, {gap(d)}"
        )
    lead_list = []
    tops = leaders(data, dimension)
    for lead in tops:
        top, runner_up = lead["top"], lead["next"]
        ahead = "clearly ahead of" if lead["clear"] else "not clearly ahead of"
        lead_list.append(
            f"{top.source}: {top.short.lower()}, {share_with_interval(top)} ({top.stance_mix}); {ahead} "
            f"{runner_up.short.lower()} ({percent(runner_up.share)})"
        )
    singles = []
    for code in single:
        row = table[(table["code"] == code) & (table["sentences"] > 0)].iloc[0]
        singles.append(f"{row.short.lower()} ({row.source} only, {percent(row.share)} of its sentences)")
    questioned = table[table["questions"] > 0]
    silent = table[table["sentences"] == 0].groupby("source", sort=False).size()
    return {
        "codes": table["code"].nunique(),
        "sources": n_sources,
        "shared_n": len(shared),
        "shared": Bullets([p[0].upper() + p[1:] for p in phrases]),
        "leaders": Bullets(lead_list),
        "leader_codes": len({lead["top"].code for lead in tops}),
        "single": Phrase(join(singles)),
        "questioned": Phrase(
            join([f"{r.source} on {r.short.lower()} ({sentences(r.questions)})" for r in questioned.itertuples()])
        ),
        "silent": Phrase(
            join([f"{source} {n} of {table['code'].nunique()}" for source, n in silent.items()], empty="no source")
        ),
    }


def _ranking(data, index_id: str) -> str:
    table = results.index_table(data, index_id).sort_values("score", ascending=False, kind="stable")
    return join([f"{r.source} ({r.score:.0f})" for r in table.itertuples()])


def firm_orders(data, index_id: str) -> str:
    """The robust orderings, grouped by the higher source: 'A above B and C; D above C'."""
    pairs = results.sensitivity(data, index_id)["pairs"]
    robust = pairs[pairs["robust"]]
    groups = [f"{higher} above {join(list(group['lower']))}" for higher, group in robust.groupby("higher", sort=False)]
    return join_groups(groups, empty="no ordering")


def firm_rule(data) -> str:
    """What a firm ordering survives, in the findings' words."""
    settings = data.rubrics["sensitivity"]
    return (
        f"under every scoring rule and in at least {settings['robust_share']:.0%} of {settings['draws']:,} "
        "random weightings"
    )


def ordering(data, pair, index_id: str) -> str:
    """One ordering of an index (a row of ``results.order_robustness(data)``) in the findings'
    words: firm, or what it rests on."""
    if pair.robust:
        return f"{pair.higher} above {pair.lower}: firm {firm_rule(data)}."
    settings = data.rubrics["sensitivity"]
    return (
        indices.dependency(pair, settings, indices.weights_in_words(indices.index_rubric(index_id, data.rubrics))) + "."
    )


def top_fragile(data, index_id: str):
    """The non-robust ordering nearest the top of the published ranking, or None."""
    pairs = results.sensitivity(data, index_id)["pairs"]
    rank = {
        s: i
        for i, s in enumerate(
            results.index_table(data, index_id).sort_values("score", ascending=False, kind="stable")["source_id"]
        )
    }
    fragile = pairs[~pairs["robust"]]
    if fragile.empty:
        return None
    return min(fragile.itertuples(), key=lambda p: (rank[p.higher_id], rank[p.lower_id]))


def indices_figures(data) -> dict[str, object]:
    """The sensitivity analysis's settings in words, and each index's findings (``by_index``)."""
    book = data.rubrics
    settings = book["sensitivity"]
    figures: dict[str, object] = {
        "draw_count": f"{settings['draws']:,}",
        "seed_value": settings["seed"],
        "firm_share": f"{settings['robust_share']:.0%}",
        "rule_count": len(settings["rules"]),
        "rules": Bullets([f"{r['label']}: {r['description']}" for r in settings["rules"]]),
    }
    figures["by_index"] = {index["id"]: index_figures(data, index, settings) for index in book["indices"]}
    return figures


def index_figures(data, index: dict, settings: dict) -> dict[str, object]:
    """One index's ranking, firm orderings, what the others rest on, and who ranks first."""
    key = index["id"]
    pairs = results.sensitivity(data, key)["pairs"]
    figures: dict[str, object] = {
        "ranking": Phrase(_ranking(data, key)),
        "robust": Phrase(firm_orders(data, key)),
        "robust_n": f"{int(pairs['robust'].sum())} of {len(pairs)}",
        "dependencies": Bullets(
            [ordering(data, p, key) for p in pairs[~pairs["robust"]].itertuples()],
            empty="None: every ordering is firm.",
        ),
        "indicator_count": len(index["indicators"]),
    }
    stability = results.sensitivity(data, key)["rank_stability"]
    firsts = []
    for rule in settings["rules"]:
        mine = stability[(stability["rank"] == 1) & (stability["rule"] == rule["id"])]
        top = mine.sort_values("share", ascending=False, kind="stable").iloc[0]
        firsts.append(
            f"under the {rule['id']} rule {top.source} ranks first in {percent(top.share)} of random weightings"
        )
    figures["top_first"] = Phrase(join(firsts)[0].upper() + join(firsts)[1:])
    return figures


def synthesis_figures(data) -> dict[str, object]:
    table = results.convergence(data)
    rows = table.drop_duplicates("code")
    pairs = synthesis.unique_pairs(results.similarity(data)).assign(shown=lambda t: t["cosine"].round(2))

    def pairs_at(value: float) -> str:
        tied = pairs[pairs["shown"] == value]
        named = join_groups([f"{r.source_a} and {r.source_b}" for r in tied.itertuples()])
        return named + (
            f" (both {value:.2f})" if len(tied) == 2 else f" (each {value:.2f})" if len(tied) > 2 else f" ({value:.2f})"
        )

    ranked = pairs.sort_values("cosine", ascending=False, kind="stable")
    top, bottom = ranked.iloc[0], ranked.iloc[-1]
    spread = results.cosine_difference(
        data, (top.source_a_id, top.source_b_id), (bottom.source_a_id, bottom.source_b_id)
    )
    close = [
        r
        for r in ranked.iloc[1:].itertuples()
        if not clear(
            results.cosine_difference(data, (top.source_a_id, top.source_b_id), (r.source_a_id, r.source_b_id))
        )
    ]
    return {
        "shared_n": int((rows["pattern"] == synthesis.SHARED).sum()),
        "contested": Phrase(
            join([results.topic_name(data, r.code) for r in rows[rows["pattern"] == synthesis.CONTESTED].itertuples()])
        ),
        "distinct": Phrase(
            join(
                [
                    f"{results.topic_name(data, r.code)} ({_only(table, r.code)})"
                    for r in rows[rows["pattern"] == synthesis.DISTINCT].itertuples()
                ]
            )
        ),
        "high": Phrase(pairs_at(pairs["shown"].max())),
        "low": Phrase(pairs_at(pairs["shown"].min())),
        "spread": Phrase(
            "the gap between the most and the least alike pair is "
            + ("larger than the uncertainty" if clear(spread) else "within the uncertainty")
        ),
        "reading": Phrase(
            (
                "The gap between the most and the least alike pair is larger than the uncertainty."
                if clear(spread)
                else "Even the gap between the most and the least alike pair is within the uncertainty."
            )
            + (
                f" Within the uncertainty, {top.source_a} and {top.source_b} cannot be told apart from "
                + join_groups([f"{r.source_a} and {r.source_b} ({r.cosine:.2f})" for r in close])
                + "."
                if close
                else ""
            )
        ),
        "close_n": len(close),
        "close": Phrase(
            "no other pair is as alike, beyond the uncertainty"
            if not close
            else f"{join_groups([f'{r.source_a} and {r.source_b} ({r.cosine:.2f})' for r in close])} cannot be told "
            f"apart from {top.source_a} and {top.source_b} within the uncertainty"
        ),
    }


def _only(table: pd.DataFrame, code: str) -> str:
    row = table[(table["code"] == code) & (table["sentences"] > 0)].iloc[0]
    return f"{row.source} only"


def key_findings(data) -> dict[str, object]:
    """The introduction's key findings: each at most two plain sentences, with one
    phrase saying how sure it is."""
    enf, idx, thr = enforcement(data), indices_figures(data), threat_figures(data)
    tops = leaders(data, "enforcement")
    by_code: dict[str, list] = {}
    for lead in tops:
        by_code.setdefault(lead["top"].short.lower(), []).append(lead["top"])
    most = []
    for short, rows in by_code.items():
        who = join(
            [
                f"{r.source} ({percent(r.share)}{'; but ' + not_supporting(r) if not_supporting(r) else ''})"
                for r in rows
            ]
        )
        most.append(f"{short} for {who}")
    clear_for = [lead["top"].source for lead in tops if lead["clear"]]
    sure = (
        "in every source that lead over the next priority is larger than the uncertainty"
        if len(clear_for) == len(tops)
        else f"only for {join(clear_for)} is that lead over the next priority larger than the uncertainty"
        if clear_for
        else "in no source is that lead over the next priority larger than the uncertainty"
    )

    def index_finding(key: str, name: str) -> Phrase:
        fragile = top_fragile(data, key)
        settings = data.rubrics["sensitivity"]
        weights = indices.weights_in_words(indices.index_rubric(key, data.rubrics))
        if fragile is None:
            but = ""
        elif fragile.reversed_under:
            but = f", but {indices.dependency(fragile, settings, weights, whole=False)}"
        else:
            but = f"; {indices.dependency(fragile, settings, weights)}"
        pairs = results.sensitivity(data, key)["pairs"]
        others = "" if pairs["robust"].all() else "; no other ordering is"
        return Phrase(
            f"On the 0–100 {name} index the order is {idx['by_index'][key]['ranking']}{but}. "
            f"Firm {firm_rule(data)}: {idx['by_index'][key]['robust']}{others}."
        )

    similar = synthesis_figures(data)
    return {
        "enforcement": Phrase(
            f"Of the {enf['codes']} enforcement priorities, {enf['shared_n']} are raised by all "
            f"{enf['sources']} sources; the one each source discusses most, as a share of its sentences, is "
            f"{join_groups(most)}. {sure[0].upper()}{sure[1:]}."
        ),
        "harm_reduction": index_finding(_index_id(data, "harm_reduction"), "harm-reduction"),
        "enforcement_index": index_finding(_index_id(data, "enforcement"), "enforcement-orientation"),
        "threats": Phrase(
            f"Named by the latest source ({thr['latest']}, {thr['year_latest']}), each in "
            f"{thr['new_sentences']} of its sentences, and by no earlier one, not even through the matching "
            f"enforcement priority: {thr['new']}. With one source per year, each of a different kind, this shows "
            "what each document raises, not when a threat emerged."
        ),
        "similarity": Phrase(
            f"In the mix of topics they discuss (a 0–1 similarity that ignores whether they agree), pairs of sources "
            f"range from {similar['high']} to {similar['low']}. "
            + (
                f"The gap between these two ends is larger than the uncertainty, but the most alike pair cannot be "
                f"told apart from {similar['close_n']} of the other pairs."
                if clear_spread(similar)
                else "Even the gap between these two ends is within the uncertainty."
            )
        ),
    }


def clear_spread(similar: dict) -> bool:
    return similar["spread"].text.endswith("larger than the uncertainty")


def _index_id(data, dimension: str) -> str:
    """The index built on a dimension (rubrics.yaml)."""
    (index,) = [i["id"] for i in data.rubrics["indices"] if i["dimension"] == dimension]
    return index
