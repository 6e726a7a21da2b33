"""Altair chart builders: one function per figure, one shared theme.

Importing this module also enables the ``offline`` renderer: each chart is
drawn at build time as a static SVG (vl-convert), with its marks linked to the
evidence (so every mark is a Tab stop), and its spec rides along as JSON for
``book/_static/charts.js``, which loads the site's own Vega only when a reader points
at the chart or tabs into it, to show each mark's tooltip. No CDN,
and each chart's element id is derived from its spec, so outputs are deterministic.
"""

from __future__ import annotations

import hashlib
import html
import json
import re

import altair as alt
import pandas as pd
import vl_convert

from analysis import results

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
# One sequential scheme for every "how much" colour (salience, similarity, rank share).
SEQUENTIAL = "blues"
WIDTH = 300  # fits a 360 px phone with the axis labels; wider screens get the same, crisp chart
# vl-convert resolves relative links (the evidence hrefs) against this base; on the page they stay relative.
VL_CONVERT_BASE = "https://vega.github.io/vega-datasets/"


@alt.theme.register("book", enable=True)
def book_theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "range": {"category": PALETTE},
            # Arial metrics (Liberation Sans on Linux): the static SVG is laid out at build time
            # with the same widths a reader's browser uses, so no label is clipped.
            "font": "Arial, 'Liberation Sans', Helvetica, sans-serif",
            "title": {"anchor": "start", "fontSize": 15, "subtitleColor": "#444"},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#222", "titleColor": "#222"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12},
            "view": {"stroke": None},
        }
    }


def static_svg(payload: str, chart_id: str) -> str:
    """The chart drawn at build time, with relative evidence links (SVG 2 ``href``,
    which crawlers follow, not ``xlink:href``). vl-convert numbers
    gradients across the whole process, so ids are renamed by order of appearance and
    scoped to the chart: the same chart gives the same SVG, and two charts on one page
    never share a gradient or clip path."""
    svg = vl_convert.vegalite_to_svg(payload).replace(f'xlink:href="{VL_CONVERT_BASE}', 'href="')
    svg = re.sub(r'="[^"]*"', _round_geometry, svg)
    for number, element_id in enumerate(dict.fromkeys(re.findall(r'\bid="([^"]+)"', svg))):
        scoped = f"{chart_id}-{number}"
        svg = svg.replace(f'id="{element_id}"', f'id="{scoped}"').replace(f"url(#{element_id})", f"url(#{scoped})")
    return svg


def _round_geometry(attribute: re.Match) -> str:
    """An SVG attribute value with its long decimals (coordinates, gradient stops: more
    than four places) cut to two, a hundredth of a pixel, so no number on the page carries
    more digits than the data's precision (results.DECIMALS). Text content is left alone."""
    return re.sub(r"(-?\d+\.\d{5,})", lambda m: f"{float(m.group(1)):.2f}", attribute.group(0))


def embed_html(spec: dict) -> str:
    """HTML that shows ``spec`` at once as static SVG, with the spec as inert JSON
    from which ``charts.js`` computes the tooltips."""
    payload = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    chart_id = "chart-" + hashlib.sha256(payload.encode()).hexdigest()[:12]
    safe_payload = payload.replace("<", "\\u003c")  # no "</script>" can close the tag early
    label = html.escape(spec.get("description", "Chart"), quote=True)
    return (
        f'<div id="{chart_id}" class="book-chart" role="figure" aria-label="{label}">'
        f"{static_svg(payload, chart_id)}</div>\n"
        f'<script type="application/json" id="{chart_id}-spec">{safe_payload}</script>'
    )


def _offline_renderer(spec: dict, **_kwargs) -> dict:
    return {"text/html": embed_html(spec)}


alt.renderers.register("offline", _offline_renderer)
alt.renderers.enable("offline")


def source_scale(labels) -> alt.Scale:
    """Source colours in the sources' time order (from the metadata, never typed)."""
    labels = list(dict.fromkeys(labels))
    return alt.Scale(domain=labels, range=[PALETTE[i % len(PALETTE)] for i in range(len(labels))])


def _percent(value: float) -> str:
    return f"{value:.0%}" if value == value else "not defined"


def _share_text(row) -> str:
    if not row.sentences:
        return f"{row.absence or 'not raised'}: 0 of {row.body_sentences} sentences"
    interval = f"95% interval {_percent(row.share_low)}–{_percent(row.share_high)}"
    return f"{_percent(row.share)} of {row.body_sentences} sentences ({interval})"


def _cells(base: alt.Chart, color, dark: str, font_size: int) -> alt.LayerChart:
    """Heatmap cells (linked, with tooltips from ``base``) labelled by their ``cell`` text,
    white on cells where the ``dark`` test holds."""
    cells = base.mark_rect(stroke="white", strokeWidth=1, cursor="pointer").encode(color=color)
    labels = base.mark_text(fontSize=font_size, cursor="pointer").encode(
        text="cell:N", color=alt.condition(dark, alt.value("white"), alt.value("#222"))
    )
    return cells + labels


def sources_timeline(documents: pd.DataFrame) -> alt.Chart:
    """fig-sources-timeline: length of each document (words) against the year it speaks of;
    each bar links to the document's reader page, so that, like every chart's marks, it is a
    Tab stop. Rows go in the bars' order, top to bottom, which is the order the keyboard visits them."""
    data = documents.sort_values("reference_year", kind="stable").assign(
        label=documents["document_id"] + " (" + documents["reference_year"].astype(str) + ")",
        reader_url=documents["document_id"].map(results.reader_url),
    )
    description = (
        "Bar chart of document length in words, one bar per document, ordered by year. "
        + "; ".join(f"{r.document_id} ({r.source}, {r.reference_year}): {r.words} words" for r in data.itertuples())
        + "."
    )
    return (
        alt.Chart(data)
        .mark_bar(cursor="pointer")
        .encode(
            y=alt.Y("label:N", sort=alt.EncodingSortField("reference_year"), title=None),
            x=alt.X("words:Q", title="Words"),
            color=alt.Color(
                "source:N",
                scale=source_scale(documents.sort_values("reference_year", kind="stable")["source"]),
                title="Source",
                legend=alt.Legend(orient="bottom", columns=2),
            ),
            href=alt.Href("reader_url:N"),
            tooltip=[
                alt.Tooltip("source:N", title="Source"),
                alt.Tooltip("title:N", title="Document"),
                alt.Tooltip("date:N", title="Date"),
                alt.Tooltip("date_status:N", title="Date is"),
                alt.Tooltip("words:Q", title="Words", format=","),
                alt.Tooltip("sentences:Q", title="Sentences"),
            ],
        )
        .properties(width=WIDTH - 80, height=alt.Step(30), description=description)
    )


def enforcement_heatmap(table: pd.DataFrame) -> alt.LayerChart:
    """fig-enforcement-heatmap: share of each source's sentences that raise each priority."""
    data = table.assign(
        share_pct=(table["share"] * 100).round(1),
        cell=[f"{s:.0%}" if n else "–" for s, n in zip(table["share"], table["sentences"], strict=True)],
        share_text=[_share_text(r) for r in table.itertuples()],
        rate_text=[
            f"{r.per_1000_words:.1f} (95% CI {r.per_1000_words_low:.1f}–{r.per_1000_words_high:.1f})"
            for r in table.itertuples()
        ],
        quote_text=[results.quote_text(r) for r in table.itertuples()],
    )[
        [
            "source",
            "short",
            "label",
            "sentences",
            "share_pct",
            "cell",
            "share_text",
            "stance_mix",
            "rate_text",
            "quote_text",
            "evidence_url",
        ]
    ]
    top = table.sort_values("share", ascending=False, kind="stable").iloc[0]
    silent = table.groupby("source")["sentences"].apply(lambda s: int((s == 0).sum()))
    description = (
        f"Heatmap of {table['code'].nunique()} enforcement priorities (rows) by {table['source_id'].nunique()} sources "
        "(columns, in time order); the colour and the number are the share of the source's non-heading sentences "
        f"that raise the priority. The highest cell is {top.source} on {top.short.lower()} ({top.share:.0%}). "
        "Priorities not raised: " + "; ".join(f"{s} {n}" for s, n in silent.items()) + "."
    )
    sources = list(dict.fromkeys(table["source"]))
    base = alt.Chart(data).encode(
        x=alt.X("source:N", sort=sources, title=None, axis=alt.Axis(orient="top", labelAngle=-40, labelLimit=140)),
        y=alt.Y("short:N", sort=list(dict.fromkeys(table["short"])), title=None, axis=alt.Axis(labelLimit=200)),
        href=alt.Href("evidence_url:N"),
        tooltip=[
            alt.Tooltip("source:N", title="Source"),
            alt.Tooltip("label:N", title="Priority"),
            alt.Tooltip("sentences:Q", title="Sentences raising it"),
            alt.Tooltip("share_text:N", title="Share"),
            alt.Tooltip("stance_mix:N", title="Stances"),
            alt.Tooltip("rate_text:N", title="Per 1,000 words"),
            alt.Tooltip("quote_text:N", title="Evidence"),
        ],
    )
    color = alt.condition(
        "datum.sentences > 0",
        alt.Color("share_pct:Q", scale=alt.Scale(scheme=SEQUENTIAL, domainMin=0), title="% of sentences"),
        alt.value("#f2f2f2"),
    )
    return (
        _cells(base, color, f"datum.share_pct > {data['share_pct'].max() * 0.6:.1f}", font_size=10)
        .properties(width=alt.Step(44), height=alt.Step(22), description=description)
        .configure_legend(orient="bottom")
    )


def index_map(table: pd.DataFrame) -> alt.LayerChart:
    """fig-index-map: each source on the enforcement-orientation (x) and harm-reduction (y) indices."""
    description = (
        "Scatter plot of the sources on two 0–100 indices, enforcement orientation across and harm reduction up; "
        "whiskers span the middle 90% of the index under random weightings. "
        + "; ".join(
            f"{r.source}: enforcement {r.x_score:.0f} (range {r.x_low:.0f}–{r.x_high:.0f}), "
            f"harm reduction {r.y_score:.0f} (range {r.y_low:.0f}–{r.y_high:.0f})"
            for r in table.itertuples()
        )
        + "."
    )
    scale = alt.Scale(domain=[0, 100])
    base = alt.Chart(table).encode(
        href=alt.Href("evidence_url:N"),
        tooltip=[
            alt.Tooltip("source:N", title="Source"),
            alt.Tooltip("y_text:N", title="Harm-reduction index"),
            alt.Tooltip("x_text:N", title="Enforcement-orientation index"),
            alt.Tooltip("quote_text:N", title="Evidence (most salient harm-reduction code)"),
        ],
    )
    color = alt.Color("source:N", scale=source_scale(table["source"]), title="Source", legend=alt.Legend(columns=2))
    x = alt.X("x_score:Q", scale=scale, title="Enforcement-orientation index (0–100)")
    y = alt.Y("y_score:Q", scale=scale, title="Harm-reduction index (0–100)")
    xbar = base.mark_rule(strokeWidth=1.5).encode(x=alt.X("x_low:Q", scale=scale), x2="x_high:Q", y=y, color=color)
    ybar = base.mark_rule(strokeWidth=1.5).encode(y=alt.Y("y_low:Q", scale=scale), y2="y_high:Q", x=x, color=color)
    points = base.mark_point(size=120, filled=True, opacity=1, cursor="pointer").encode(
        x=x, y=y, color=color, shape=alt.Shape("source:N", title="Source", legend=None)
    )
    return (
        (xbar + ybar + points)
        .properties(width=WIDTH, height=WIDTH, description=description)
        .configure_legend(orient="bottom")
    )


def rank_stability(table: pd.DataFrame) -> alt.Chart:
    """fig-rank-stability: how often each source holds each rank under random weightings, per index and rule."""
    data = table[table["share"] > 0].assign(share_pct=lambda t: (t["share"] * 100).round(1))
    data = data.assign(panel=data["index_label"] + " · " + data["rule_label"])
    firsts = data[data["rank"] == 1].sort_values("share", ascending=False, kind="stable").drop_duplicates("panel")
    description = (
        f"Stacked bars, one per source in each of {data['panel'].nunique()} panels (index and scoring rule), "
        f"showing the share of {int(table['draws'].iloc[0]):,} random weightings in which the source holds "
        "rank 1, 2, 3 "
        "and so on. Most often first: "
        + "; ".join(f"{r.panel}: {r.source} ({r.share:.0%})" for r in firsts.itertuples())
        + "."
    )
    return (
        alt.Chart(data)
        .mark_bar(cursor="pointer")
        .encode(
            y=alt.Y("source:N", sort=list(dict.fromkeys(table["source"])), title=None),
            x=alt.X("share_pct:Q", title="% of weightings", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("rank:O", scale=alt.Scale(scheme=SEQUENTIAL, reverse=True), title="Rank"),
            order=alt.Order("rank:O"),
            row=alt.Row(
                "panel:N",
                sort=list(dict.fromkeys(data["panel"])),
                title=None,
                header=alt.Header(
                    labelAngle=0,
                    labelAlign="left",
                    labelAnchor="start",
                    labelFontWeight="bold",
                    labelOrient="top",
                    labelExpr="split(datum.label, ' · ')",  # index, then rule: fits a phone
                ),
            ),
            href=alt.Href("evidence_url:N"),
            tooltip=[
                alt.Tooltip("panel:N", title="Index · rule"),
                alt.Tooltip("source:N", title="Source"),
                alt.Tooltip("rank:O", title="Rank"),
                alt.Tooltip("share_pct:Q", title="% of weightings"),
                alt.Tooltip("quote_text:N", title="Evidence (the source's most salient code)"),
            ],
        )
        .properties(width=WIDTH - 100, height=alt.Step(18), description=description)
        .configure_legend(orient="bottom")
    )


def threat_timeline(table: pd.DataFrame) -> alt.LayerChart:
    """fig-threat-timeline: which threat items each source names, placed on the source's
    reference year; a ring marks a source that names the item only as an enforcement priority."""
    from analysis import threats

    named = table[table["named_as"] != ""].assign(
        share_pct=lambda t: (t["share"] * 100).round(1),
        share_text=lambda t: [
            f"{_share_text(r)}; {r.stance_mix}" if r.sentences else "named only as an enforcement priority"
            for r in t.itertuples()
        ],
        quote_text=lambda t: [results.quote_text(r) for r in t.itertuples()],
        first_text=lambda t: [threats.first_named_text(r) for r in t.itertuples()],
    )
    firsts = table.drop_duplicates("item")
    order = firsts.sort_values("first_named", kind="stable")["short"].tolist()
    years = sorted(table["reference_year"].unique().tolist())
    span = named.groupby("short").agg(first=("reference_year", "min"), last=("reference_year", "max")).reset_index()
    columns = ["short", "label", "family", "source", "reference_year", "first", "last", "sentences", "share_pct"]
    columns += ["share_text", "first_text", "named_as", "pattern", "quote_text", "evidence_url"]
    data = named.merge(span, on="short")[columns]
    description = (
        f"Dot plot of {table['item'].nunique()} named threats (rows, ordered by the year first named) against the "
        f"reference years of the sources ({', '.join(map(str, years))}); a dot means the source names the threat, "
        "its size the share of the source's sentences; a ring means the source names it only as an enforcement "
        "priority. "
        + "; ".join(f"{p.capitalize()}: {', '.join(g['short'].unique())}" for p, g in data.groupby("pattern"))
        + "."
    )
    domain = [years[0] - 1, years[-1] + 1]
    x = alt.X(
        "reference_year:Q",
        title="Reference year of the source",
        scale=alt.Scale(domain=domain, nice=False),
        axis=alt.Axis(values=years, format="d", labelAngle=-45, labelOverlap=False),
    )
    y = alt.Y("short:N", sort=order, title=None, axis=alt.Axis(labelLimit=170))
    color = alt.Color(
        "source:N",
        scale=source_scale(table.sort_values("reference_year", kind="stable")["source"]),
        title="Source",
        legend=alt.Legend(columns=2),
    )
    tooltip = [
        alt.Tooltip("label:N", title="Threat"),
        alt.Tooltip("family:N", title="Family"),
        alt.Tooltip("source:N", title="Source"),
        alt.Tooltip("reference_year:Q", title="Year", format="d"),
        alt.Tooltip("share_text:N", title="Share"),
        alt.Tooltip("first_text:N", title="First named"),
        alt.Tooltip("quote_text:N", title="Evidence"),
    ]
    base = alt.Chart(data)
    spans = base.mark_rule(color="#bbb").encode(
        x=alt.X("first:Q", scale=alt.Scale(domain=domain)),
        x2="last:Q",
        y=y,
    )
    dots = (
        base.transform_filter("datum.sentences > 0")
        .mark_circle(opacity=0.9, cursor="pointer")
        .encode(
            x=x,
            y=y,
            size=alt.Size("share_pct:Q", title="% of sentences", scale=alt.Scale(range=[30, 400]), legend=None),
            color=color,
            href=alt.Href("evidence_url:N"),
            tooltip=tooltip,
        )
    )
    rings = (
        base.transform_filter("datum.sentences == 0")
        .mark_point(shape="circle", filled=False, size=90, strokeWidth=2, cursor="pointer")
        .encode(x=x, y=y, color=color, href=alt.Href("evidence_url:N"), tooltip=tooltip)
    )
    return (
        (spans + dots + rings)
        .properties(width=WIDTH - 60, height=alt.Step(20), description=description)
        .configure_legend(orient="bottom")
    )


def similarity_matrix(table: pd.DataFrame) -> alt.LayerChart:
    """fig-similarity: cosine similarity of each pair of sources' code profiles."""
    data = table.assign(
        cell=table["cosine"].map(lambda v: f"{v:.2f}"),
        interval=[f"{lo:.2f}–{hi:.2f}" for lo, hi in zip(table["cosine_low"], table["cosine_high"], strict=True)],
    )[
        [
            "source_a",
            "source_b",
            "cosine",
            "cell",
            "interval",
            "codes_both",
            "codes_a_only",
            "codes_b_only",
            "quote_text",
            "evidence_url",
        ]
    ]
    shown = data["cosine"].round(2)
    most = data[shown == shown.max()]
    least = data[shown == shown.min()]

    def pairs(rows: pd.DataFrame) -> str:
        return (
            "; ".join(f"{r.source_a} and {r.source_b}" for r in rows.itertuples()) + f" ({rows['cosine'].iloc[0]:.2f})"
        )

    description = (
        f"Matrix of the cosine similarity (0 = nothing in common, 1 = the same profile) between the topic profiles "
        f"of each pair of the {table['source_a'].nunique() + 1} sources. Most alike: {pairs(most)}; "
        f"least alike: {pairs(least)}."
    )
    order_a = list(dict.fromkeys(table["source_a"]))
    order_b = list(dict.fromkeys(table["source_b"]))
    base = alt.Chart(data).encode(
        x=alt.X("source_b:N", sort=order_b, title=None, axis=alt.Axis(orient="top", labelAngle=-35, labelLimit=110)),
        y=alt.Y("source_a:N", sort=order_a, title=None, axis=alt.Axis(labelLimit=130)),
        href=alt.Href("evidence_url:N"),
        tooltip=[
            alt.Tooltip("source_a:N", title="Source"),
            alt.Tooltip("source_b:N", title="Compared with"),
            alt.Tooltip("cell:N", title="Cosine similarity"),
            alt.Tooltip("interval:N", title="95% interval"),
            alt.Tooltip("codes_both:Q", title="Topics both raise"),
            alt.Tooltip("codes_a_only:Q", title="Topics only the first raises"),
            alt.Tooltip("codes_b_only:Q", title="Topics only the second raises"),
            alt.Tooltip("quote_text:N", title="Evidence (the first source on their most shared topic)"),
        ],
    )
    color = alt.Color("cosine:Q", scale=alt.Scale(scheme=SEQUENTIAL, domain=[0, 1]), title="Cosine similarity")
    return (
        _cells(base, color, "datum.cosine > 0.6", font_size=12)
        .properties(width=alt.Step(56), height=alt.Step(40), description=description)
        .configure_legend(orient="bottom")
    )
