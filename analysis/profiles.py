"""Source profiles: one page per source with its answers to the book's three
questions, its closest and farthest sources, what its kind and length allow, and
key quotes to paste.

Like the reader pages, the profiles are generated: ``write_pages`` writes one thin
page per source in sources.yaml into book/profiles/ (removing pages of sources no
longer listed), and ``_toc.yml`` takes them by a glob, so a new source gets its
profile with no file written by hand. Everything on a profile is read off the same
derived tables as the chapters (``results``, ``findings``), so they cannot disagree.
"""

from __future__ import annotations

import html
from pathlib import Path

from analysis import corpus, findings, indices, quotes, reader, results
from analysis.paths import ROOT

PAGES_DIR = ROOT / "book" / "profiles"
UP = "../"  # from book/profiles/ to book/
TOP_PRIORITIES = 5
PAGE = (
    reader.FRONT_MATTER
    + """
(profile-{source_id})=
# {label}: source profile

This page is generated from the data; do not edit it. It gathers what the
chapters find about {label}, with links to the quotes behind each figure.

```{{code-cell}} python
:tags: [remove-input]
from analysis import loaded, profiles

profiles.profile_page(loaded.load(), "{source_id}")
```
"""
)


def profile_url(source_id: str, prefix: str = "") -> str:
    """A source's profile, relative to book/ (``prefix`` leads there from elsewhere)."""
    return f"{prefix}profiles/{source_id}.html"


def profile_links(data, prefix: str = "") -> dict[str, str]:
    """Each source label's profile address, for tables and charts that name sources."""
    return {row.source: profile_url(row.source_id, prefix) for row in results.sources(data).itertuples()}


def links_html(data, shown: str, prefix: str = "") -> str:
    """'Source profiles: …', linking each source ``shown`` (an exhibit's HTML or spec) names."""
    named = [(label, url) for label, url in profile_links(data, prefix).items() if html.escape(label) in shown]
    if not named:
        return ""
    links = " · ".join(f'<a href="{html.escape(url, quote=True)}">{html.escape(label)}</a>' for label, url in named)
    return f'<p class="exhibit-profiles">Source profiles: {links}</p>'


def write_pages(data, directory: Path = PAGES_DIR) -> list[Path]:
    """One page per listed source; a page is rewritten only when its text changes, and
    pages of sources no longer listed are removed."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for source in data.metadata["sources"]:
        path = directory / f"{source['id']}.md"
        text = PAGE.format(source_id=source["id"], label=source["label"])
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    for stale in set(directory.glob("*.md")) - set(written):
        stale.unlink()
    return written


def _link(text: str, url: str) -> str:
    return f'<a href="{html.escape(UP + url, quote=True)}">{html.escape(text)}</a>'


def _list(items: list[str], empty: str) -> str:
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>" if items else f"<p>{html.escape(empty)}</p>"


def _section(anchor: str, title: str, body: str) -> str:
    return f'<section class="profile-section" id="{anchor}"><h2>{html.escape(title)}</h2>{body}</section>'


def _points(n: int) -> str:
    return f"{n} point{'' if n == 1 else 's'} each"


def _share(row) -> str:
    return f"{row.share:.0%} of its sentences (95% interval {row.share_low:.0%}–{row.share_high:.0%})"


def kind_and_length(data, source_id: str) -> str:
    """What the source is and how long: the caveat every comparison with it carries."""
    sources = results.sources(data)
    me = sources[sources["source_id"] == source_id].iloc[0]
    documents = corpus.documents_frame(data)
    mine = documents[documents["source_id"] == source_id]
    longest = sources.loc[sources["words"].idxmax()]
    described = [
        f"<em>{html.escape(d.title)}</em> ({html.escape(d.kind)} by {html.escape(d.publisher)}, "
        f"{html.escape(str(d.date))}{', date inferred' if d.date_status == 'inferred' else ''}; {d.words:,} words)"
        for d in mine.itertuples()
    ]
    scale = (
        "the longest source"
        if me.source_id == longest.source_id
        else f"{me.words / longest.words:.0%} of the length of the longest, {html.escape(longest.source)}"
    )
    return (
        f"<p>The label {html.escape(me.source)} stands for {corpus.counted(len(mine), 'document')}: "
        f"{'; '.join(described)}. "
        f"Together {me.words:,} words and {me.body_sentences:,} sentences that are not headings, {scale}.</p>"
        f"<p>Shares are of its own sentences, so its length does not decide them, but the fewer its sentences, "
        f"the wider their intervals. What a document raises depends on what it is for (this one: "
        f"{html.escape(me.kinds)}), and a topic it does not raise is <em>not raised</em>, not opposed.</p>"
    )


def priorities(data, source_id: str) -> str:
    """Its most discussed enforcement priorities, with share, interval and stance mix."""
    table = results.dimension_table(data, "enforcement")
    mine = table[(table["source_id"] == source_id) & (table["sentences"] > 0)]
    top = mine.sort_values("share", ascending=False, kind="stable").head(TOP_PRIORITIES)
    items = [f"{_link(r.short, r.evidence_url)}: {_share(r)}; {html.escape(r.stance_mix)}" for r in top.itertuples()]
    lead = next(x for x in findings.leaders(data, "enforcement") if x["top"].source_id == source_id)
    said = f"<p>Its lead over the next, {html.escape(lead['next'].short.lower())}, is {findings.gap(lead['lead'])}.</p>"
    return _list(items, "It raises none of the enforcement priorities.") + said


def index_scores(data, source_id: str) -> str:
    """Both 0–100 indices: its score, each indicator, and which orderings with other
    sources are firm and what the others rest on (the findings' wording)."""
    settings = data.rubrics["sensitivity"]
    parts = []
    for index in data.rubrics["indices"]:
        key = index["id"]
        table = results.index_table(data, key).sort_values("score", ascending=False, kind="stable")
        me = table[table["source_id"] == source_id].iloc[0]
        rank = list(table["source_id"]).index(source_id) + 1
        scores = results.indicator_scores(data, key)
        mine = scores[scores["source_id"] == source_id].sort_values("score", ascending=False, kind="stable")
        by_stance = [
            f"<li>{html.escape(meaning)} ({_points(group.iloc[0].score)}): "
            + ", ".join(_link(r.indicator_label, r.evidence_url) for r in group.itertuples())
            + "</li>"
            for meaning, group in mine.groupby("score_meaning", sort=False)
        ]
        pairs = results.sensitivity(data, key)["pairs"]
        mine_pairs = pairs[(pairs["higher_id"] == source_id) | (pairs["lower_id"] == source_id)]
        firm = [
            f"above {html.escape(p.lower)}" if p.higher_id == source_id else f"below {html.escape(p.higher)}"
            for p in mine_pairs[mine_pairs["robust"]].itertuples()
        ]
        fragile = [
            html.escape(indices.dependency(p, settings, indices.weights_in_words(index))) + "."
            for p in mine_pairs[~mine_pairs["robust"]].itertuples()
        ]
        firm_text = f"Firm: {findings.join(firm)}." if firm else "No ordering with another source is firm."
        parts.append(
            f"<h3>{html.escape(index['label'])}: {me.score:.0f} of 100</h3>"
            f"<p>Rank {rank} of {len(table)} sources. {firm_text}</p>"
            + _list(fragile, "")
            + f"<p>Its strongest stance on each indicator, and the points it earns:</p><ul>{''.join(by_stance)}</ul>"
        )
    return "".join(parts)


def threats_named(data, source_id: str) -> str:
    """The threat items it names, and those no earlier source named."""
    matrix = results.threat_matrix(data, "item")
    mine = matrix[(matrix["source_id"] == source_id) & (matrix["named_as"] != "")]
    me = results.sources(data).set_index("source_id").loc[source_id]
    first = mine[mine["first_named_by"] == me.source]
    named = [
        _link(r.short, r.evidence_url)
        + f" ({findings.sentences(r.sentences) if r.sentences else html.escape(r.named_as)})"
        for r in mine.sort_values("share", ascending=False, kind="stable").itertuples()
    ]
    earliest = results.sources(data).iloc[0]["source_id"] == source_id
    first_text = (
        "As the earliest source, it is the first to name each of them."
        if earliest
        else f"No earlier source names {html.escape(findings.join(list(first['short'])))}."
        if len(first)
        else "Each of them was named by an earlier source."
    )
    if mine.empty:
        return "<p>It names none of the threat items.</p>"
    return (
        f"<p>It names {len(mine)} of the {matrix['item'].nunique()} threat items, most discussed first: "
        f"{', '.join(named)}.</p><p>{first_text}</p>"
    )


def neighbours(data, source_id: str) -> str:
    """Its closest and farthest sources by the mix of topics, with their intervals."""
    pairs = results.similarity(data)
    mine = pairs[(pairs["source_a_id"] == source_id) & (pairs["source_b_id"] != source_id)]
    mine = mine.sort_values("cosine", ascending=False, kind="stable")
    if mine.empty:
        return "<p>There is no other source to compare with.</p>"

    def said(r) -> str:
        pair = _link(f"{r.source_b}: {r.cosine:.2f}", results.pair_url(data, r.source_a_id, r.source_b_id))
        return f"{pair} (95% interval {r.cosine_low:.2f}–{r.cosine_high:.2f})"

    closest, farthest = mine.iloc[0], mine.iloc[-1]
    return (
        f"<p>In the mix of topics it discusses (a 0–1 similarity that ignores whether sources agree), it is "
        f"closest to {said(closest)} and farthest from {said(farthest)}.</p>"
    )


def key_quotes(data, source_id: str) -> list[tuple[str, str]]:
    """Three to five sentences, each with what it illustrates: the representative quote
    of its top enforcement priority and of its top harm-reduction code, of a threat no
    earlier source named (else its most discussed threat), of its second priority,
    and of the harm-reduction code it most often says it runs."""
    codes = results.salience_table(data)
    mine = codes[(codes["source_id"] == source_id) & (codes["sentences"] > 0)]
    ranked = mine.sort_values("share", ascending=False, kind="stable")
    enf = ranked[ranked["dimension"] == "enforcement"]
    hr = ranked[ranked["dimension"] == "harm_reduction"]
    matrix = results.threat_matrix(data, "item")
    me = results.sources(data).set_index("source_id").loc[source_id]
    named = matrix[(matrix["source_id"] == source_id) & (matrix["sentences"] > 0)]
    named = named.assign(first=named["first_named_by"] == me.source)
    named = named.sort_values(["first", "share"], ascending=[False, False], kind="stable")
    new = len(named) and named["first"].iloc[0] and results.sources(data).iloc[0]["source_id"] != source_id
    practice = hr[hr["implements"] > 0].sort_values("implements", ascending=False, kind="stable")
    candidates = []
    for rows, position, what in (
        (enf, 0, "Most discussed enforcement priority"),
        (hr, 0, "Most discussed harm-reduction topic"),
        (named, 0, "Threat no earlier source names" if new else "Most discussed threat"),
        (enf, 1, "Next most discussed enforcement priority"),
        (practice, 0, "Harm reduction it runs"),
    ):
        if len(rows) > position:
            row = rows.iloc[position]
            candidates.append((row.quote_sentence_id, f"{what}: {row.short.lower()}."))
    chosen = dict(reversed(candidates))  # a sentence chosen twice keeps its first reason
    return [(s, chosen[s]) for s in quotes.distinct([c[0] for c in candidates], 5)]


def profile_html(data, source_id: str) -> str:
    """The whole profile, section by section."""
    chosen = key_quotes(data, source_id)
    key = quotes.quotes_html(data, [s for s, _ in chosen], UP, [n for _, n in chosen])
    return (
        '<div class="profile">'
        + _section("profile-kind", "What it is", kind_and_length(data, source_id))
        + _section("profile-enforcement", "Enforcement priorities", priorities(data, source_id))
        + _section("profile-indices", "Harm reduction and enforcement orientation", index_scores(data, source_id))
        + _section("profile-threats", "Emerging threats", threats_named(data, source_id))
        + _section("profile-neighbours", "Closest and farthest sources", neighbours(data, source_id))
        + _section("profile-quotes", "Key quotes", key)
        + "</div>"
    )


def profile_page(data, source_id: str):
    from IPython.display import HTML

    return HTML(profile_html(data, source_id))


def source_list(data, prefix: str = "") -> str:
    """The introduction's list of sources: each with its profile, publisher and documents."""
    documents = corpus.documents_frame(data)
    items = []
    for source in results.sources(data).itertuples():
        mine = documents[documents["source_id"] == source.source_id]
        described = "; ".join(
            f"<em>{html.escape(d.title)}</em> ({html.escape(d.kind)}, {html.escape(str(d.date))}"
            + (", date inferred" if d.date_status == "inferred" else "")
            + ")"
            + ("" if d.event == "not stated" else f" — {html.escape(d.event[0].lower() + d.event[1:])}")
            for d in mine.itertuples()
        )
        url = html.escape(profile_url(source.source_id, prefix), quote=True)
        link = f'<a href="{url}">{html.escape(source.source)}</a>'
        items.append(f"<li><strong>{link}</strong>: {described}.</li>")
    return '<ul class="source-list">' + "".join(items) + "</ul>"
