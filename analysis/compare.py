"""Any two sources side by side, on the book's three questions.

For each pair of sources (earlier first) the comparison page shows the topics both
raise and those only one raises, each source's share with the gap between them and
its paragraph-bootstrap interval (in the findings' words: a gap whose interval
includes 0 is "too small to be sure it is real"), the two indices with how firm
their order is, the threats each names and which it was first to name, and the
pair's similarity with its interval. A topic a source does not raise is "not raised"
("not raised (reviewed)" where the review read the text for it), never "opposed".
Every source's cell opens the quotes behind it.

Each pair is one section with a stable anchor (``results.pair_anchor``); without
JavaScript every section shows, with a list of links to them; with it, two
selects (book/_static/compare.js) show the chosen pair. All text from the data
is escaped.
"""

from __future__ import annotations

import functools
import html
import itertools
from collections.abc import Callable

import pandas as pd
from IPython.display import HTML

from analysis import coding, findings, indices, profiles, results, tables, threats

NOT_RAISED = "not raised"


def ordered_pairs(source_ids: list[str]) -> list[tuple[str, str]]:
    """Every pair of different sources once, each and all in the sources' (time) order."""
    return list(itertools.combinations(source_ids, 2))


def raised_by(a, b) -> str:
    """Which of two cells (salience rows of one topic) raise it: 'both', a source's
    name followed by 'only', or 'neither'. Raising is having a sentence on it."""
    if a.sentences and b.sentences:
        return "both"
    if a.sentences or b.sentences:
        return f"{(a if a.sentences else b).source} only"
    return "neither"


def cell(row, unit: str = "code") -> str:
    """A source's cell: its share and stances, or how its silence was checked; for a
    threat it names only as an enforcement priority, that."""
    if unit == "item":
        return tables.threat_cell(row)
    return tables.salience_cell(row)


def gap(a, b, unit: str, difference: Callable[[tuple, tuple], dict]) -> str:
    """The gap between two sources' shares of a topic in the findings' words, the higher
    share first so the interval reads as how much higher it is."""
    key = getattr(a, unit)
    high, low = (a, b) if a.share >= b.share else (b, a)
    d = difference((high.source_id, key), (low.source_id, key))
    lead = f"{high.source} higher" if d["difference"] else "Same share"
    return f"{lead}: {findings.gap(d)}"


def codebook_url(key: str, unit: str) -> str:
    """A topic's card in the codebook appendix, relative to book/."""
    return "appendix/codebook.html#" + (f"code-{key}" if unit == "code" else f"item-{key}")


def question_table(
    rows: pd.DataFrame, first: str, second: str, unit: str, difference: Callable[[tuple, tuple], dict]
) -> pd.DataFrame:
    """One question's topics that either source raises: both first, then the first
    source's own, then the second's (codebook order within each), with each source's
    cell linked to its quotes and the gap. ``rows`` are salience rows (a dimension
    table, or the threat matrix with ``unit="item"``)."""
    by_key = {(r.source_id, getattr(r, unit)): r for r in rows.itertuples()}
    keys = list(dict.fromkeys(rows[unit]))
    names = {r.source_id: r.source for r in rows.itertuples()}
    a_name, b_name = names[first], names[second]
    found = []
    for key in keys:
        a, b = by_key[(first, key)], by_key[(second, key)]
        who = raised_by(a, b)
        if who == "neither":
            continue
        found.append(
            {
                "Topic": a.short,
                "Topic url": codebook_url(key, unit),
                "Raised by": who,
                a_name: cell(a, unit),
                f"{a_name} url": a.evidence_url,
                b_name: cell(b, unit),
                f"{b_name} url": b.evidence_url,
                "Gap": gap(a, b, unit, difference),
            }
        )
    order = {"both": 0, f"{a_name} only": 1, f"{b_name} only": 2}
    columns = ["Topic", "Topic url", "Raised by", a_name, f"{a_name} url", b_name, f"{b_name} url", "Gap"]
    table = pd.DataFrame(found, columns=columns)
    return table.sort_values("Raised by", key=lambda c: c.map(order), kind="stable").reset_index(drop=True)


def raised_by_neither(
    rows: pd.DataFrame, first: str, second: str, unit: str, name: Callable = lambda r: r.short
) -> dict[str, list[str]]:
    """The topics neither source raises (as ``name`` calls a row), grouped by how the two
    silences were checked ('not raised (reviewed) in both'); a threat one of them names
    as an enforcement priority says so."""
    by_key = {(r.source_id, getattr(r, unit)): r for r in rows.itertuples()}
    found: dict[str, list[str]] = {}
    for key in dict.fromkeys(rows[unit]):
        a, b = by_key[(first, key)], by_key[(second, key)]
        if raised_by(a, b) != "neither":
            continue
        checks = [a.absence or NOT_RAISED, b.absence or NOT_RAISED]
        note = f"{checks[0]} in both" if checks[0] == checks[1] else f"{a.source} {checks[0]}, {b.source} {checks[1]}"
        priority = [r.source for r in (a, b) if getattr(r, "named_as", "") == threats.AS_PRIORITY]
        said = name(a) + (f" (named {threats.AS_PRIORITY} by {findings.join(priority)})" if priority else "")
        found.setdefault(note, []).append(said)
    return found


def first_named(
    matrix: pd.DataFrame, first: str, second: str, name: Callable = lambda r: r.short
) -> dict[str, list[str]]:
    """Per source of the pair: the threats (as ``name`` calls a row) it was the first of
    all sources to name."""
    names = dict(zip(matrix["source_id"], matrix["source"], strict=False))
    items = matrix.drop_duplicates("item")
    return {
        names[s]: [
            name(r) + (f" ({threats.AS_PRIORITY})" if r.first_named_as == threats.AS_PRIORITY else "")
            for r in items.itertuples()
            if r.first_named_by == names[s]
        ]
        for s in (first, second)
    }


def index_table(scores: pd.DataFrame, orders: pd.DataFrame, first: str, second: str) -> pd.DataFrame:
    """Both 0–100 indices for the pair, each score linked to the source's quotes on the
    index's question, and the order in the findings' words (``orders`` carries it as
    ``ordering``). ``scores`` has index, index_label, source_id, source, score, evidence_url."""
    found = []
    for index_id, mine in scores.groupby("index", sort=False):
        by_source = mine.set_index("source_id")
        pair = orders[(orders["index"] == index_id) & orders["higher_id"].isin([first, second])]
        pair = pair[pair["lower_id"].isin([first, second])]
        a, b = by_source.loc[first], by_source.loc[second]
        found.append(
            {
                "Index": mine["index_label"].iloc[0],
                a.source: f"{a.score:.0f} of 100",
                f"{a.source} url": a.evidence_url,
                b.source: f"{b.score:.0f} of 100",
                f"{b.source} url": b.evidence_url,
                "Order": pair["ordering"].iloc[0],
            }
        )
    return pd.DataFrame(found)


def _scores(data) -> pd.DataFrame:
    """Both indices per source, labelled and linked to the quotes on their question."""
    frames = []
    for index_id in results.index_ids(data):
        rubric = indices.index_rubric(index_id, data.rubrics)
        table = results.index_table(data, index_id)
        frames.append(
            table.assign(
                index_label=rubric["label"],
                evidence_url=[results.evidence_url(rubric["dimension"], s) for s in table["source_id"]],
            )
        )
    return pd.concat(frames, ignore_index=True)


def _orders(data) -> pd.DataFrame:
    orders = results.order_robustness(data)
    return orders.assign(ordering=[findings.ordering(data, p, p.index) for p in orders.itertuples()])


def _questions(data) -> list[tuple[str, str, pd.DataFrame]]:
    """(label, unit, rows) per question, in codebook order: threats by named item."""
    codes = results.codes(data)
    labels = dict(zip(codes["dimension"], codes["dimension_label"], strict=False))
    return [
        (labels[d], "item", results.threat_matrix(data, "item"))
        if d == coding.THREATS
        else (labels[d], "code", results.dimension_table(data, d))
        for d in dict.fromkeys(codes["dimension"])
    ]


def _table(frame: pd.DataFrame, name: str, caption: str = "") -> str:
    return tables.html_table(frame, caption=caption, name=name).data


def _grouped(table: pd.DataFrame, name: str) -> list[str]:
    """A question's topics as one table per group (both raise, each source's own), each
    captioned with its count; a group with no topic says so in a line."""
    names = [c for c in table.columns if c not in ("Topic", "Gap", "Raised by") and not c.endswith(" url")]
    groups = [("both", "Both raise")] + [(f"{n} only", f"Only {n} raises") for n in names]
    found = []
    for key, title in groups:
        rows = table[table["Raised by"] == key].drop(columns="Raised by")
        if rows.empty:
            found.append(f'<p class="pair-note">{html.escape(title)}: none.</p>')
        else:
            found.append(_table(rows, f"{name}, {title[0].lower()}{title[1:]}", f"{title} ({len(rows)})"))
    return found


def pair_section(data, first: str, second: str, context: dict) -> str:
    """One pair's section: similarity and topic counts, the indices, then each question's tables."""
    sources = context["sources"]
    a, b = sources.loc[first], sources.loc[second]
    pair = f"{a.source} and {b.source}"
    anchor = results.pair_anchor(first, second)
    similar = context["similarity"].loc[(first, second)]
    silent = context["topics"] - similar.codes_both - similar.codes_a_only - similar.codes_b_only
    parts = [
        f'<section class="pair" id="{html.escape(anchor)}" aria-labelledby="{html.escape(anchor)}-title" '
        f'data-first="{html.escape(first, quote=True)}" data-second="{html.escape(second, quote=True)}">',
        f'<h2 id="{html.escape(anchor)}-title">{html.escape(a.source)} ({a.reference_year}) and '
        f"{html.escape(b.source)} ({b.reference_year})</h2>",
        f'<p><a href="synthesis.html#synthesis-similarity">Similarity</a> {similar.cosine:.2f} '
        f"(95% interval {similar.cosine_low:.2f}–{similar.cosine_high:.2f}). Of the {context['topics']} topics, "
        f"both raise {similar.codes_both}, only {html.escape(a.source)} {similar.codes_a_only}, only "
        f"{html.escape(b.source)} {similar.codes_b_only}, neither {silent}.</p>",
        f'<p class="pair-note">Source profiles: <a href="{profiles.profile_url(first)}">{html.escape(a.source)}</a> · '
        f'<a href="{profiles.profile_url(second)}">{html.escape(b.source)}</a></p>',
        _table(index_table(context["scores"], context["orders"], first, second), f"The indices: {pair}"),
    ]
    for label, unit, rows in context["questions"]:
        mine = rows[rows["source_id"].isin([first, second])]
        parts.append(f"<h3>{html.escape(label)}</h3>")
        if unit == "item":
            named = first_named(mine, first, second, lambda r: results.topic_name(data, r.item))
            lines = "".join(
                f"<li><strong>{html.escape(who)}</strong> ({len(items)}): {html.escape(findings.join(items))}.</li>"
                for who, items in named.items()
            )
            parts.append(f'<p class="pair-note">First of all sources to name:</p><ul class="pair-firsts">{lines}</ul>')
        parts += _grouped(
            question_table(mine, first, second, unit, functools.partial(results.difference, data)), f"{label}: {pair}"
        )
        neither = raised_by_neither(
            mine, first, second, unit, lambda r, unit=unit: results.topic_name(data, getattr(r, unit))
        )
        for note, names in neither.items():
            said = f"Raised by neither ({note}): {findings.join(names)}."
            parts.append(f'<p class="pair-note">{html.escape(said)}</p>')
    parts.append("</section>")
    return "".join(parts)


def picker(sources: pd.DataFrame, pairs: list[tuple[str, str]]) -> str:
    """Two labelled selects (shown by the script) and, for readers without it, a list of
    links to every pair; a live region announces the pair shown."""
    options = "".join(
        f'<option value="{html.escape(r.source_id, quote=True)}">{html.escape(r.source)} ({r.reference_year})</option>'
        for r in sources.itertuples()
    )
    names = sources.set_index("source_id")["source"]
    links = "".join(
        f'<li><a href="#{html.escape(results.pair_anchor(a, b), quote=True)}">'
        f"{html.escape(names[a])} and {html.escape(names[b])}</a></li>"
        for a, b in pairs
    )
    return (
        '<div class="pair-picker" hidden>'
        f'<span class="pair-choice"><label for="pair-first">First source</label> '
        f'<select id="pair-first">{options}</select></span> '
        f'<span class="pair-choice"><label for="pair-second">Second source</label> '
        f'<select id="pair-second">{options}</select></span>'
        "</div>"
        '<p class="pair-status" role="status" aria-live="polite"></p>'
        '<nav class="pair-list" aria-label="Every pair of sources"><p>Every pair on this page:</p>'
        f"<ul>{links}</ul></nav>"
    )


def compare_page(data) -> HTML:
    """The comparison page: the picker, then a section per pair in the sources' time order."""
    sources = results.sources(data)
    pairs = ordered_pairs(list(sources["source_id"]))
    context = {
        "sources": sources.set_index("source_id"),
        "similarity": results.similarity(data).set_index(["source_a_id", "source_b_id"]),
        "topics": results.topic_table(data)["code"].nunique(),
        "scores": _scores(data),
        "orders": _orders(data),
        "questions": _questions(data),
    }
    sections = "\n".join(pair_section(data, a, b, context) for a, b in pairs)
    return HTML(f'<div class="pair-compare">{picker(sources, pairs)}\n{sections}\n</div>')
