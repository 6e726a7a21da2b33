"""Quotes to paste into a briefing: whole source sentences, as the reader pages show
them, each with its source, year, document, ¶ number and reader link.

A quote is always a sentence of the corpus, looked up by its id, so it is verbatim by
construction (extraction faults read as their errata, as on the reader pages). The
copy button (book/_static/quotes.js) copies the quote with its reference and the
link; without JavaScript the button stays hidden and the quote is selectable text.
Which sentences support which finding is chosen below, one function per finding, each
reading the same derived tables as the sentence it supports (``findings``).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from analysis import coding, corpus, findings, reader, results, threats


@dataclass(frozen=True)
class Quote:
    sentence_id: str
    document_id: str
    text: str
    reference: str  # "Canada 2019: Law Enforcement Roundtable on Drugs, ¶16"

    def url(self, prefix: str = "") -> str:
        """The sentence on its reader page; ``prefix`` leads from the page that links it to book/."""
        return prefix + results.reader_url(self.document_id, self.sentence_id)


def quote(data, sentence_id: str) -> Quote:
    """The sentence ``sentence_id`` as a briefing would quote it."""
    document = data.documents[corpus.document_of(sentence_id)]
    sentence = next(s for s in document.sentences if s.id == sentence_id)
    text = coding.reading(data, document.id, sentence.text)
    return Quote(sentence_id, document.id, text, f"{reader.page_heading(data, document.id)}, ¶{sentence.paragraph}")


def quote_html(q: Quote, prefix: str = "", note: str = "") -> str:
    """A quote block: the sentence, its reference linked to the reader page, an optional
    note saying what it supports, and a copy button that scripts reveal."""
    extra = f'<span class="paste-quote-note">{html.escape(note)}</span> ' if note else ""
    return (
        '<figure class="paste-quote">'
        f"<blockquote><p>“{html.escape(q.text)}”</p></blockquote>"
        f'<figcaption>{extra}<a href="{html.escape(q.url(prefix), quote=True)}">{html.escape(q.reference)}</a>'
        ' <button type="button" class="copy-quote" hidden>Copy quote</button></figcaption></figure>'
    )


def quotes_html(data, sentence_ids: list[str], prefix: str = "", notes: list[str] | None = None) -> str:
    notes = notes or [""] * len(sentence_ids)
    blocks = "".join(quote_html(quote(data, s), prefix, n) for s, n in zip(sentence_ids, notes, strict=True))
    return f'<div class="paste-quotes">{blocks}</div>'


def representative(table: pd.DataFrame, source_id: str, unit: str, value: str) -> str:
    """The representative sentence of a source's cell (a salience table row), or ''."""
    row = table[(table["source_id"] == source_id) & (table[unit] == value)]
    return "" if row.empty else str(row.iloc[0]["quote_sentence_id"])


def distinct(sentence_ids: list[str], most: int) -> list[str]:
    """The first ``most`` different, non-empty sentence ids, in order."""
    return [s for s in dict.fromkeys(sentence_ids) if s][:most]


# --- the quotes behind each finding --------------------------------------------------

STRENGTH = ("implements", "endorses", "describes", "questions")  # strongest stance first
MOST = 3  # quotes per finding: two or three


def strongest(data, source_id: str, codes: list[str]) -> tuple[str, str]:
    """The first sentence, in document order, carrying the strongest stance the source
    takes on any of ``codes``, and that stance; ('', '') when it raises none."""
    table = results.quotes(data)
    mine = table[(table["source_id"] == source_id) & table["code"].isin(codes)]
    for stance in STRENGTH:
        rows = mine[mine["stance"] == stance]
        if len(rows):
            return str(rows["sentence_id"].iloc[0]), stance
    return "", ""


def enforcement_leaders(data) -> list[tuple[str, str]]:
    """Each source's most discussed priority, in its own words (largest shares first)."""
    tops = sorted((lead["top"] for lead in findings.leaders(data, "enforcement")), key=lambda r: -r.share)
    return [(r.quote_sentence_id, f"{r.source}, its most discussed priority: {r.short.lower()}.") for r in tops]


def enforcement_shared(data) -> list[tuple[str, str]]:
    """For the priorities every source raises, the source giving each the most attention."""
    table = results.dimension_table(data, "enforcement")
    raised = table[table["sentences"] > 0]
    every = raised.groupby("code")["source_id"].nunique() == table["source_id"].nunique()
    shared = raised[raised["code"].isin(every[every].index)]
    best = shared.sort_values("share", ascending=False, kind="stable").drop_duplicates("code")
    return [(r.quote_sentence_id, f"{r.short}: {r.source}, most attention to it.") for r in best.itertuples()]


def index_leaders(data, index_id: str) -> list[tuple[str, str]]:
    """The two highest-scoring sources and the lowest, each on the indicator it scores
    highest on (most sentences among ties), quoted at its strongest stance."""
    table = results.index_table(data, index_id).sort_values("score", ascending=False, kind="stable")
    scores = results.indicator_scores(data, index_id)
    chosen = [*table.head(2).itertuples(), *table.tail(1).itertuples()] if len(table) > 2 else table.itertuples()
    found = []
    for source in chosen:
        mine = scores[scores["source_id"] == source.source_id].assign(
            voiced=lambda t: t["endorses"] + t["implements"] + t["describes"] + t["questions"]
        )
        best = mine.sort_values(["score", "voiced"], ascending=False, kind="stable").iloc[0]
        sentence, stance = strongest(data, source.source_id, best["codes"].split())
        indicator = best["indicator_label"].lower()
        if sentence:
            found.append((sentence, f"{source.source} ({source.score:.0f} of 100), on {indicator}: {stance}."))
    return found


def new_threats(data) -> list[tuple[str, str]]:
    """The threats only the latest source names, most discussed first, in its words."""
    items = results.threat_matrix(data, "item")
    new = threats.patterns(items, "item", "item")[threats.NEW]
    rows = items[items["item"].isin(new) & (items["sentences"] > 0)]
    rows = rows.sort_values("sentences", ascending=False, kind="stable")
    return [(r.quote_sentence_id, f"{r.source} {r.reference_year}: {r.short}.") for r in rows.itertuples()]


def most_alike(data) -> list[tuple[str, str]]:
    """The most alike pair, each in its own words on the topic that adds most to their similarity."""
    pairs = results.similarity(data)
    pairs = pairs[pairs["source_a_id"] != pairs["source_b_id"]]
    if pairs.empty:
        return []
    pair = pairs.sort_values("cosine", ascending=False, kind="stable").iloc[0]
    table = results.topic_table(data)
    wide = table.pivot(index="code", columns="source_id", values="share")
    topic = (wide[pair.source_a_id] * wide[pair.source_b_id]).sort_values(ascending=False, kind="stable").index[0]
    rows = table[(table["code"] == topic) & table["source_id"].isin([pair.source_a_id, pair.source_b_id])]
    name = results.topic_name(data, topic)
    return [(r.quote_sentence_id, f"{r.source}, of the most alike pair, on {name}.") for r in rows.itertuples()]


def shared_theme(data) -> list[tuple[str, str]]:
    """The theme every source raises that gets the most attention on average, in the
    words of the sources that give it most."""
    table = results.convergence(data)
    shared = table[table["raised_by"] == table["source_id"].nunique()]
    if shared.empty:
        return []
    theme = shared.groupby("code", sort=False)["share"].mean().idxmax()
    rows = shared[shared["code"] == theme].sort_values("share", ascending=False, kind="stable")
    return [
        (r.quote_sentence_id, f"{r.short}, raised by every source: {r.source} ({r.share:.0%} of its sentences).")
        for r in rows.itertuples()
    ]


def finding_html(data, chosen: list[tuple[str, str]]) -> str:
    """Two or three quotes behind a finding, folded under a summary, each with what it shows."""
    first: dict[str, str] = {}
    for sentence_id, note in chosen:  # a sentence chosen twice keeps its first note
        if sentence_id:
            first.setdefault(sentence_id, note)
    kept = list(first.items())[:MOST]
    if not kept:
        return '<p class="finding-quotes">No quote: no source raises it.</p>'
    ids, notes = [s for s, _ in kept], [n for _, n in kept]
    return (
        f'<details class="finding-quotes"><summary>Quotes behind this finding ({len(ids)})</summary>'
        f"{quotes_html(data, ids, '', notes)}</details>"
    )


def finding(data, chosen) -> object:
    """The quotes behind a finding, for a ``{glue}`` block: ``chosen`` picks them (see prose.GLUED)."""
    from IPython.display import HTML

    return HTML(finding_html(data, chosen(data)))
