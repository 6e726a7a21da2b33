"""The findings the prose states, computed: every number, name and list in a
chapter's sentences comes from here and is glued, so a data change rewrites them.

Nothing here names a source or a code: who leads, who is silent and what is
shared are read off the derived tables. A claim that one source raises a
priority more than another carries the difference's interval, and is made only
when the interval excludes zero; an ordering is called firm only when it holds
under every scoring rule and nearly every weighting.
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
    return f"{_pct(row.share)}, 95% interval {row.share_low * 100:.0f}–{_pct(row.share_high)}"


def sentences(n: int) -> str:
    return f"{n} sentence" + ("" if n == 1 else "s")


def clear(d: dict) -> bool:
    """Whether a difference's 95% interval excludes zero."""
    return d["low"] > 0 or d["high"] < 0


def _points(value: float) -> str:
    """A share difference in percentage points: whole points, or one significant digit
    below one point, so a bound just above zero never reads as 0."""
    points = value * 100
    text = f"{points:.1g}" if 0 < abs(points) < 1 else f"{points:.0f}"
    return text.replace("-", "−")


def gap(d: dict) -> str:
    """A difference of two shares in plain words, with its 95% interval in percentage points."""
    interval = f"95% interval {_points(d['low'])} to {_points(d['high'])}"
    size = f"a gap of {_points(abs(d['difference']))} percentage points"
    return f"{size} ({interval})" if clear(d) else f"{size}, too small to be sure it is real ({interval})"


def not_supporting(row) -> str:
    """'12 of the 25 question or only describe it', when a third or more of a cell's
    sentences do not support it; otherwise empty."""
    other = row.describes + row.questions
    if not row.sentences or 3 * other < row.sentences:
        return ""
    verb = (
        "are sceptical or neutral"
        if row.describes and row.questions
        else "are sceptical"
        if row.questions
        else "are neutral"
    )
    return f"{other} of its {row.sentences} sentences on it {verb}"


def join_groups(groups: list[str], empty: str = "none") -> str:
    """Clauses that contain 'and' themselves: 'a and b, and c and d'."""
    if len(groups) == 2:
        return f"{groups[0]}, and {groups[1]}"
    return join(groups, empty)


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
            "so raw counts partly reflect how long a source is; shares of its sentences put the sources on one scale"
            if rho >= 0.6
            else "so here raw counts do not simply follow length; shares still put sources of different length "
            "on one scale"
        ),
        "source_genres": Phrase(
            "; ".join(f"{r.source}: {join(r.kinds.split('; '))}, {r.words:,} words" for r in sources.itertuples())
        ),
        "pooled_sources": Phrase(
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


def leaders(dimension: str = "enforcement") -> list[dict]:
    """Per source (time order): its most salient code, the next one, and whether the
    lead is clear (the paired difference's interval excludes zero)."""
    table = results.dimension_table(dimension)
    found = []
    for _source_id, rows in table.groupby("source_id", sort=False):
        ranked = rows.sort_values("share", ascending=False, kind="stable")
        top, runner_up = ranked.iloc[0], ranked.iloc[1]
        lead = results.difference((top.source_id, top.code), (runner_up.source_id, runner_up.code))
        found.append({"top": top, "next": runner_up, "clear": clear(lead), "lead": lead})
    return found


def enforcement(dimension: str = "enforcement") -> dict[str, object]:
    table = results.dimension_table(dimension)
    n_sources = table["source_id"].nunique()
    raised_by = table[table["sentences"] > 0].groupby("code", sort=False)["source_id"].nunique()
    shared = [c for c in dict.fromkeys(table["code"]) if raised_by.get(c, 0) == n_sources]
    single = [c for c in dict.fromkeys(table["code"]) if raised_by.get(c, 0) == 1]
    phrases = []
    for code in shared:
        rows = table[table["code"] == code].sort_values("share", kind="stable")
        low, high = rows.iloc[0], rows.iloc[-1]
        d = results.difference((high.source_id, code), (low.source_id, code))
        phrases.append(
            f"{high.short}: from {_pct(low.share)} of {low.source}'s sentences to {_pct(high.share)} of "
            f"{high.source}'s, {gap(d)}"
        )
    lead_list = []
    tops = leaders(dimension)
    for lead in tops:
        top, runner_up = lead["top"], lead["next"]
        ahead = "clearly ahead of" if lead["clear"] else "not clearly ahead of"
        lead_list.append(
            f"{top.source}: {top.short.lower()}, {_ci(top)} ({top.stance_mix}); {ahead} "
            f"{runner_up.short.lower()} ({_pct(runner_up.share)})"
        )
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
        "enf_leader_list": Bullets(lead_list),
        "enf_leader_codes": len({lead["top"].code for lead in tops}),
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


def firm_orders(index_id: str) -> str:
    """The robust orderings, grouped by the higher source: 'A above B and C; D above C'."""
    pairs = results.sensitivity(index_id)["pairs"]
    robust = pairs[pairs["robust"]]
    groups = [f"{higher} above {join(list(group['lower']))}" for higher, group in robust.groupby("higher", sort=False)]
    return join_groups(groups, empty="no ordering")


def firm_rule() -> str:
    """What a firm ordering survives, in the findings' words."""
    settings = indices.rubrics()["sensitivity"]
    return (
        f"under every scoring rule and in at least {settings['robust_share']:.0%} of {settings['draws']:,} "
        "random weightings"
    )


def ordering(pair, index_id: str) -> str:
    """One ordering of an index (a row of ``results.order_robustness()``) in the findings'
    words: firm, or what it rests on."""
    if pair.robust:
        return f"{pair.higher} above {pair.lower}: firm {firm_rule()}."
    settings = indices.rubrics()["sensitivity"]
    return indices.dependency(pair, settings, indices.weights_in_words(indices.index_rubric(index_id))) + "."


def top_fragile(index_id: str):
    """The non-robust ordering nearest the top of the published ranking, or None."""
    pairs = results.sensitivity(index_id)["pairs"]
    rank = {
        s: i for i, s in enumerate(results.index_table(index_id).sort_values("score", ascending=False)["source_id"])
    }
    fragile = pairs[~pairs["robust"]]
    if fragile.empty:
        return None
    return min(fragile.itertuples(), key=lambda p: (rank[p.higher_id], rank[p.lower_id]))


def indices_figures() -> dict[str, object]:
    book = indices.rubrics()
    settings = book["sensitivity"]
    figures: dict[str, object] = {
        "draws": f"{settings['draws']:,}",
        "seed": settings["seed"],
        "robust_share": f"{settings['robust_share']:.0%}",
        "n_rules": len(settings["rules"]),
        "scoring_rules": Bullets([f"{r['label']}: {r['description']}" for r in settings["rules"]]),
    }
    for index in book["indices"]:
        key = index["id"]
        pairs = results.sensitivity(key)["pairs"]
        figures[f"{key}_ranking"] = Phrase(_ranking(key))
        figures[f"{key}_robust"] = Phrase(firm_orders(key))
        figures[f"{key}_robust_n"] = f"{int(pairs['robust'].sum())} of {len(pairs)}"
        figures[f"{key}_dependencies"] = Bullets(
            [ordering(p, key) for p in pairs[~pairs["robust"]].itertuples()],
            empty="None: every ordering is firm.",
        )
        figures[f"{key}_indicators"] = len(index["indicators"])
        stability = results.sensitivity(key)["rank_stability"]
        firsts = []
        for rule in settings["rules"]:
            mine = stability[(stability["rank"] == 1) & (stability["rule"] == rule["id"])]
            top = mine.sort_values("share", ascending=False, kind="stable").iloc[0]
            firsts.append(
                f"under the {rule['id']} rule {top.source} ranks first in {_pct(top.share)} of random weightings"
            )
        figures[f"{key}_top_first"] = Phrase(join(firsts)[0].upper() + join(firsts)[1:])
    return figures


def _named(matrix: pd.DataFrame, pattern: str, unit: str = "item") -> list[str]:
    """The threats of a pattern as running text names them (items: their label; families: short label)."""
    if unit == "item":
        in_text = dict(zip(results.items()["item"], results.items()["in_text"], strict=True))
        return [in_text[i] for i in threats.patterns(matrix, unit, "item")[pattern]]
    return [name[0].lower() + name[1:] for name in threats.patterns(matrix, unit)[pattern]]


def _years_named(matrix: pd.DataFrame, item: str) -> str:
    """The reference years (with source) in which a threat is named: '2013 and 2019 sources'."""
    named = matrix[(matrix["item"] == item) & (matrix["named_as"] != "")]
    years = [str(int(y)) for y in dict.fromkeys(named["reference_year"])]
    return join(years) + (" source" if len(years) == 1 else " sources")


def _family_summary(families: pd.DataFrame) -> str:
    """The families' patterns in plain sentences."""
    lists = {p: _named(families, p, "code") for p in (threats.NEW, threats.PERSISTENT, threats.EARLY)}
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


def threat_figures() -> dict[str, object]:
    items = results.threat_matrix("item")
    families = results.threat_matrix("code")
    sources = results.sources()
    latest = sources[sources["reference_year"] == sources["reference_year"].max()]
    first = items.drop_duplicates("item").dropna(subset=["first_named"])
    by_year = first.groupby("first_named").size()
    via = first[first["first_named_as"] == threats.AS_PRIORITY]
    equivalents = results.items()
    equivalents = equivalents[equivalents["enforcement_codes"] != ""]
    code_label = dict(zip(results.codes()["code"], results.codes()["short"], strict=True))
    in_text = dict(zip(results.items()["item"], results.items()["in_text"], strict=True))
    new = threats.patterns(items, "item", "item")[threats.NEW]
    new_counts = items[items["item"].isin(new) & (items["sentences"] > 0)]["sentences"]
    early = threats.patterns(items, "item", "item")[threats.EARLY]
    first_by_year = []
    for year, n in by_year.items():
        priority = int((via["first_named"] == year).sum())
        note = f" ({priority} of them only as an enforcement priority)" if priority else ""
        first_by_year.append(f"{n} first by the {int(year)} source{note}")
    return {
        "thr_items": items["item"].nunique(),
        "thr_families": families["code"].nunique(),
        "latest_source": Phrase(join(list(latest["source"]))),
        "latest_year": int(latest["reference_year"].iloc[0]),
        "earliest_year": int(sources["reference_year"].min()),
        "thr_new": Phrase(join(_named(items, threats.NEW))),
        "thr_new_n": len(new),
        "thr_new_sentences": Phrase(
            f"{new_counts.min()} to {new_counts.max()}"
            if len(new_counts) and new_counts.min() != new_counts.max()
            else f"{new_counts.min() if len(new_counts) else 0}"
        ),
        "thr_persistent": Phrase(join(_named(items, threats.PERSISTENT))),
        "thr_early": Phrase(join([f"{in_text[i]} ({_years_named(items, i)})" for i in early])),
        "thr_family_summary": Phrase(_family_summary(families)),
        "thr_first_by_year": Phrase(join(first_by_year)),
        "thr_via_priority": Phrase(
            join([f"{in_text[r.item]} ({r.first_named_by}, {int(r.first_named)})" for r in via.itertuples()])
        ),
        "thr_equivalents": Phrase(
            join(
                [
                    f"{join([code_label[c].lower() for c in r.enforcement_codes.split()])} for {r.in_text}"
                    for r in equivalents.itertuples()
                ]
            )
        ),
    }


def synthesis_figures() -> dict[str, object]:
    table = results.convergence()
    rows = table.drop_duplicates("code")
    pairs = synthesis.unique_pairs(results.similarity()).assign(shown=lambda t: t["cosine"].round(2))

    def pairs_at(value: float) -> str:
        tied = pairs[pairs["shown"] == value]
        named = join_groups([f"{r.source_a} and {r.source_b}" for r in tied.itertuples()])
        return named + (
            f" (both {value:.2f})" if len(tied) == 2 else f" (each {value:.2f})" if len(tied) > 2 else f" ({value:.2f})"
        )

    ranked = pairs.sort_values("cosine", ascending=False, kind="stable")
    top, bottom = ranked.iloc[0], ranked.iloc[-1]
    spread = results.cosine_difference((top.source_a_id, top.source_b_id), (bottom.source_a_id, bottom.source_b_id))
    close = [
        r
        for r in ranked.iloc[1:].itertuples()
        if not clear(results.cosine_difference((top.source_a_id, top.source_b_id), (r.source_a_id, r.source_b_id)))
    ]
    return {
        "syn_shared_n": int((rows["pattern"] == synthesis.SHARED).sum()),
        "syn_contested": Phrase(
            join([results.topic_name(r.code) for r in rows[rows["pattern"] == synthesis.CONTESTED].itertuples()])
        ),
        "syn_distinct": Phrase(
            join(
                [
                    f"{results.topic_name(r.code)} ({_only(table, r.code)})"
                    for r in rows[rows["pattern"] == synthesis.DISTINCT].itertuples()
                ]
            )
        ),
        "sim_high": Phrase(pairs_at(pairs["shown"].max())),
        "sim_low": Phrase(pairs_at(pairs["shown"].min())),
        "sim_spread": Phrase(
            "the gap between the most and the least alike pair is "
            + ("larger than the uncertainty" if clear(spread) else "within the uncertainty")
        ),
        "sim_reading": Phrase(
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
        "sim_close_n": len(close),
        "sim_close": Phrase(
            "no other pair is as alike, beyond the uncertainty"
            if not close
            else f"{join_groups([f'{r.source_a} and {r.source_b} ({r.cosine:.2f})' for r in close])} cannot be told "
            f"apart from {top.source_a} and {top.source_b} within the uncertainty"
        ),
    }


def _only(table: pd.DataFrame, code: str) -> str:
    row = table[(table["code"] == code) & (table["sentences"] > 0)].iloc[0]
    return f"{row.source} only"


def key_findings() -> dict[str, object]:
    """The introduction's key findings: each at most two plain sentences, with one
    phrase saying how sure it is."""
    enf, idx, thr = enforcement(), indices_figures(), threat_figures()
    tops = leaders("enforcement")
    by_code: dict[str, list] = {}
    for lead in tops:
        by_code.setdefault(lead["top"].short.lower(), []).append(lead["top"])
    most = []
    for short, rows in by_code.items():
        who = join(
            [f"{r.source} ({_pct(r.share)}{'; but ' + not_supporting(r) if not_supporting(r) else ''})" for r in rows]
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
        fragile = top_fragile(key)
        settings = indices.rubrics()["sensitivity"]
        weights = indices.weights_in_words(indices.index_rubric(key))
        if fragile is None:
            but = ""
        elif fragile.reversed_under:
            but = f", but {indices.dependency(fragile, settings, weights, whole=False)}"
        else:
            but = f"; {indices.dependency(fragile, settings, weights)}"
        pairs = results.sensitivity(key)["pairs"]
        others = "" if pairs["robust"].all() else "; no other ordering is"
        return Phrase(
            f"On the 0–100 {name} index the order is {idx[f'{key}_ranking']}{but}. "
            f"Firm {firm_rule()}: {idx[f'{key}_robust']}{others}."
        )

    similar = synthesis_figures()
    return {
        "kf_enforcement": Phrase(
            f"Of the {enf['enf_codes']} enforcement priorities, {enf['enf_shared_n']} are raised by all "
            f"{enf['enf_sources']} sources; the one each source discusses most, as a share of its sentences, is "
            f"{join_groups(most)}. {sure[0].upper()}{sure[1:]}."
        ),
        "kf_harm_reduction": index_finding(_index_id("harm_reduction"), "harm-reduction"),
        "kf_enforcement_index": index_finding(_index_id("enforcement"), "enforcement-orientation"),
        "kf_threats": Phrase(
            f"Named by the latest source ({thr['latest_source']}, {thr['latest_year']}), each in "
            f"{thr['thr_new_sentences']} of its sentences, and by no earlier one, not even through the matching "
            f"enforcement priority: {thr['thr_new']}. With one source per year, each of a different kind, this shows "
            "what each document raises, not when a threat emerged."
        ),
        "kf_similarity": Phrase(
            f"In the mix of topics they discuss (a 0–1 similarity that ignores whether they agree), pairs of sources "
            f"range from {similar['sim_high']} to {similar['sim_low']}. "
            + (
                f"The gap between these two ends is larger than the uncertainty, but the most alike pair cannot be "
                f"told apart from {similar['sim_close_n']} of the other pairs."
                if clear_spread(similar)
                else "Even the gap between these two ends is within the uncertainty."
            )
        ),
    }


def clear_spread(similar: dict) -> bool:
    return similar["sim_spread"].text.endswith("larger than the uncertainty")


def _index_id(dimension: str) -> str:
    """The index built on a dimension (rubrics.yaml)."""
    (index,) = [i["id"] for i in indices.rubrics()["indices"] if i["dimension"] == dimension]
    return index


def glue_all(figures: dict[str, object]) -> None:
    from myst_nb import glue

    for name, value in figures.items():
        glue(name, value, display=False)
