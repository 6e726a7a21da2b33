"""Altair chart builders: one function per figure, one shared theme.

Importing this module also enables the ``offline`` renderer: charts are drawn
by the site's own vega-embed (served from ``_static``), never from a CDN, and
each chart's element id is derived from its spec, so outputs are deterministic.
"""

from __future__ import annotations

import hashlib
import html
import json

import altair as alt
import pandas as pd

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SOURCE_ORDER = ["Chatham House/IDPC", "Canada", "Durham PCC", "Council of Europe"]
EMBED_OPTIONS = {"actions": False, "renderer": "svg"}


@alt.theme.register("book", enable=True)
def book_theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "range": {"category": PALETTE},
            "font": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
            "title": {"anchor": "start", "fontSize": 15, "subtitleColor": "#444"},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#222", "titleColor": "#222"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12},
            "view": {"stroke": None},
        }
    }


def embed_html(spec: dict) -> str:
    """HTML that draws ``spec`` with the site's own vega-embed once the page has loaded."""
    payload = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    chart_id = "chart-" + hashlib.sha256(payload.encode()).hexdigest()[:12]
    safe_payload = payload.replace("<", "\\u003c")  # no "</script>" can close the tag early
    label = html.escape(spec.get("description", "Chart"), quote=True)
    options = json.dumps(EMBED_OPTIONS)
    return (
        f'<div id="{chart_id}" class="book-chart" role="figure" aria-label="{label}"></div>\n'
        "<script>\n"
        f"document.addEventListener('DOMContentLoaded', function () {{\n"
        f"  vegaEmbed('#{chart_id}', {safe_payload}, {options});\n"
        "});\n"
        "</script>"
    )


def _offline_renderer(spec: dict, **_kwargs) -> dict:
    return {"text/html": embed_html(spec)}


alt.renderers.register("offline", _offline_renderer)
alt.renderers.enable("offline")


def sources_timeline(documents: pd.DataFrame) -> alt.Chart:
    """Length of each document (words) against the year it speaks of."""
    data = documents.assign(label=documents["document_id"] + " (" + documents["reference_year"].astype(str) + ")")
    description = (
        "Bar chart of document length in words, one bar per document, ordered by year. "
        + "; ".join(f"{r.document_id} ({r.source}, {r.reference_year}): {r.words} words" for r in data.itertuples())
        + "."
    )
    return (
        alt.Chart(data, title=alt.Title("The five documents: year and length", subtitle="Words per document"))
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=alt.EncodingSortField("reference_year"), title=None),
            x=alt.X("words:Q", title="Words"),
            color=alt.Color(
                "source:N",
                scale=alt.Scale(domain=SOURCE_ORDER),
                title="Source",
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("source:N", title="Source"),
                alt.Tooltip("title:N", title="Document"),
                alt.Tooltip("date:N", title="Date"),
                alt.Tooltip("date_status:N", title="Date is"),
                alt.Tooltip("words:Q", title="Words", format=","),
                alt.Tooltip("sentences:Q", title="Sentences"),
            ],
        )
        .properties(width=380, height=alt.Step(34), description=description)
    )
