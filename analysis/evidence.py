"""Evidence listings: every quote behind every chart mark and table cell.

One page per dimension lists, source by source and code by code, each quote
with its stance and a link to its sentence on the reader page; a code a source
does not raise is listed as "not raised" (absence is not opposition). Anchors
are stable: ``ev-<source>`` and ``ev-<source>-<code>``; the comparison of two
sources (``compare``) links each of its cells here. All text from the data is
escaped.
"""

from __future__ import annotations

import html

from IPython.display import HTML

from analysis import results, review, threats


def _quote_item(quote) -> str:
    link = results.reader_url(quote.document_id, quote.sentence_id, from_evidence=True)
    return (
        f"<li><q>{html.escape(quote.reading)}</q> "
        f'<span class="stance stance-{html.escape(quote.stance)}">{html.escape(quote.stance)}</span> '
        f'<a href="{html.escape(link, quote=True)}">{html.escape(quote.document_id)} ¶{quote.paragraph}</a></li>'
    )


def _summary(row, reviews: dict, unit: str = "code") -> str:
    if not row.sentences:
        text = (
            f"Not raised: none of the source's {row.body_sentences} non-heading sentences carries this "
            f"{'threat' if unit == 'item' else 'code'} (absence is not opposition)."
        )
        if getattr(row, "named_as", "") == threats.AS_PRIORITY:
            text += " The source makes the same thing an enforcement priority, which counts as naming it first."
        found = reviews.get((row.source_id, row.code, row.item if unit == "item" else ""))
        if found:
            read = found["candidates_read"]
            looked = f"sentences read: {read}" if read != "none" else "no sentence close to the idea"
            text += f" Reviewed against the text ({looked}): {found['reason']}"
        return text
    stances = row.stance_mix.split(": ", 1)[-1]
    return (
        f"{row.sentences} of {row.body_sentences} sentences ({row.share:.0%}, 95% interval {row.share_low:.0%}–"
        f"{row.share_high:.0%}); {row.per_1000_words:.1f} per 1,000 words. Stances: {stances}."
    )


def _unit_section(row, quotes, reviews: dict, unit: str, level: str = "h3") -> str:
    key = getattr(row, unit)
    items = quotes[(quotes["source_id"] == row.source_id) & (quotes[unit] == key)]
    listing = (
        "<ol>" + "".join(_quote_item(q) for q in items.drop_duplicates("sentence_id").itertuples()) + "</ol>"
        if len(items)
        else ""
    )
    card = "../appendix/codebook.html#" + (f"code-{row.code}" if unit == "code" else f"item-{key}")
    return (
        f'<section class="evidence-code" id="ev-{html.escape(row.source_id)}-{html.escape(key)}">'
        f'<{level}>{html.escape(row.label)} <a class="code-link" href="{html.escape(card)}">(codebook)</a></{level}>'
        f'<p class="evidence-summary">{html.escape(_summary(row, reviews, unit))}</p>{listing}</section>'
    )


def dimension_page(data, dimension: str) -> HTML:
    """The evidence page of one dimension: sources in time order, codes in codebook order;
    for threats, each family with its named items beneath it."""
    table = results.dimension_table(data, dimension)
    quotes = results.quotes(data)
    quotes = quotes[quotes["dimension"] == dimension]
    item_rows = results.threat_matrix(data, "item") if dimension == "threats" else None
    reviews = review.reviewed(data)
    sources = table.drop_duplicates("source_id")
    nav = " · ".join(
        f'<a href="#ev-{html.escape(s.source_id)}">{html.escape(s.source)}</a>' for s in sources.itertuples()
    )
    parts = [f'<nav class="evidence-nav" aria-label="Sources on this page">{nav}</nav>']
    for source in sources.itertuples():
        mine = table[table["source_id"] == source.source_id]
        raised = int((mine["sentences"] > 0).sum())
        parts.append(
            f'<section class="evidence-source" id="ev-{html.escape(source.source_id)}">'
            f"<h2>{html.escape(source.source)}</h2>"
            f"<p>Raises {raised} of {len(mine)} {'threat families' if item_rows is not None else 'codes'} "
            "of this question.</p>"
        )
        for row in mine.itertuples():
            if item_rows is None:
                parts.append(_unit_section(row, quotes, reviews, "code"))
                continue
            members = item_rows[(item_rows["source_id"] == row.source_id) & (item_rows["code"] == row.code)]
            inner = "".join(_unit_section(m, quotes, reviews, "item", "h4") for m in members.itertuples())
            parts.append(
                f'<section class="evidence-code" id="ev-{html.escape(row.source_id)}-{html.escape(row.code)}">'
                f'<h3>{html.escape(row.label)} <a class="code-link" href="../appendix/codebook.html#code-'
                f'{html.escape(row.code)}">(codebook)</a></h3>'
                f'<p class="evidence-summary">{html.escape(_summary(row, reviews))}</p>{inner}</section>'
            )
        parts.append("</section>")
    return HTML('<div class="evidence">\n' + "\n".join(parts) + "\n</div>")
