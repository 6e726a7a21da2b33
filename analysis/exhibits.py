"""Every numbered figure and table of the book, in one registry.

An exhibit has a stable label (``fig-…`` or ``tbl-…``), the chapter that shows
it, the note naming its source, and a ``make`` function that calls its builder
(``fig-enforcement-heatmap`` -> ``charts.enforcement_heatmap``,
``tbl-enforcement-top`` -> ``tables.enforcement_top``). From the registry come
the chapters' glued outputs, the CSV of exactly the data behind each exhibit,
and the tests that every exhibit includes every source.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass

import altair as alt
import pandas as pd
from IPython.display import HTML

from analysis import charts, corpus, indices, profiles, results, tables
from analysis.loaded import Loaded

# The rubric ids of the two indices (data/coding/rubrics.yaml): harm reduction up, enforcement across.
HR_INDEX, ENFORCEMENT_INDEX = "harm_reduction", "enforcement"
CSV_DIR = "figures"  # inside the published data package
FIGURE_DIR = "figures"  # at the site's root: each figure as SVG and PNG (analysis/downloads.py)
FIGURE_FORMATS = {"svg": "SVG", "png": "PNG"}
SOURCE_NOTE = "Source: the project's coding of the documents"


@dataclass(frozen=True)
class Exhibit:
    label: str
    chapter: str
    note: str
    make: Callable[[Loaded], alt.TopLevelMixin | pd.DataFrame]
    companion: Callable[[Loaded], pd.DataFrame] | None = None  # a chart's data as a linked table, for keyboards
    title: str = ""  # a figure's short title, drawn on its downloads (SVG, PNG) and named in its citation

    def source_note(self, data: Loaded) -> str:
        """The note naming the exhibit's source (and the codebook version it was coded with)."""
        return self.note.format(version=data.codebook["version"])

    @property
    def is_figure(self) -> bool:
        return self.label.startswith("fig-")


def _index_map_data(data) -> pd.DataFrame:
    """Both indices per source with their 5–95% range under random weightings (presence rule)."""
    hr_id, enf_id = HR_INDEX, ENFORCEMENT_INDEX
    frame = results.sources(data)[["source_id", "source"]].copy()
    for axis, index_id in (("y", hr_id), ("x", enf_id)):
        scores = results.index_table(data, index_id).set_index("source_id")
        ranges = results.sensitivity(data, index_id)["ranges"]
        ranges = ranges[ranges["rule"] == "presence"].set_index("source_id")
        frame[f"{axis}_score"] = frame["source_id"].map(scores["score"]).round(1)
        frame[f"{axis}_low"] = frame["source_id"].map(ranges["low"]).round(1)
        frame[f"{axis}_high"] = frame["source_id"].map(ranges["high"]).round(1)
        frame[f"{axis}_text"] = [
            f"{s:.0f} of 100 (90% of weightings: {lo:.0f}–{hi:.0f})"
            for s, lo, hi in zip(frame[f"{axis}_score"], frame[f"{axis}_low"], frame[f"{axis}_high"], strict=True)
        ]
    dimension = indices.index_rubric(hr_id, data.rubrics)["dimension"]
    frame["evidence_url"] = [results.evidence_url(dimension, s) for s in frame["source_id"]]
    frame["quote_text"] = [results.top_quote(data, dimension, s) for s in frame["source_id"]]
    return frame


def _evidence_urls(data, index_ids: pd.Series, source_ids: pd.Series) -> list[str]:
    """Each row's link to the quotes of its source on its index's question."""
    dimension = {i["id"]: i["dimension"] for i in data.rubrics["indices"]}
    return [results.evidence_url(dimension[i], s) for i, s in zip(index_ids, source_ids, strict=True)]


def _index_labels(data) -> dict[str, str]:
    return {i["id"]: i["label"] for i in data.rubrics["indices"]}


def _labelled_ranks(data) -> pd.DataFrame:
    book = data.rubrics
    rule = {r["id"]: r["label"] for r in book["sensitivity"]["rules"]}
    dimension = {i["id"]: i["dimension"] for i in book["indices"]}
    table = results.rank_stability(data)
    return table.assign(
        index_label=table["index"].map(_index_labels(data)),
        rule_label=table["rule"].map(rule),
        quote_text=[
            results.top_quote(data, dimension[i], s) for i, s in zip(table["index"], table["source_id"], strict=True)
        ],
        evidence_url=_evidence_urls(data, table["index"], table["source_id"]),
    )


def _labelled_pairs(data) -> pd.DataFrame:
    pairs = results.order_robustness(data)
    return pairs.assign(
        index_label=pairs["index"].map(_index_labels(data)),
        higher_url=_evidence_urls(data, pairs["index"], pairs["higher_id"]),
        lower_url=_evidence_urls(data, pairs["index"], pairs["lower_id"]),
    )


def _labelled_indices(data) -> pd.DataFrame:
    """Both indices per source under every scoring rule, with the index's name and evidence link."""
    table = pd.concat([results.index_table(data, i) for i in results.index_ids(data)], ignore_index=True)
    return table.assign(
        index_label=table["index"].map(_index_labels(data)),
        evidence_url=_evidence_urls(data, table["index"], table["source_id"]),
    )


def _convergence(data) -> pd.DataFrame:
    table = results.convergence(data)
    labels = dict(zip(results.codes(data)["dimension"], results.codes(data)["dimension_label"], strict=False))
    return table.assign(dimension_label=table["dimension"].map(labels))


NOTE = (
    SOURCE_NOTE
    + " (data/coding/annotations.csv) against codebook {version}; "
    + "salience per source is the share of its non-heading sentences."
)
RUBRIC_NOTE = "Source: the published rubric (data/coding/rubrics.yaml) applied to the project's coding."
CORPUS_NOTE = "Source: the documents in data/sources/ (words: whitespace-separated tokens of the extracted text)."


def registry() -> dict[str, Exhibit]:
    """Every exhibit by label, in the order the chapters show them."""
    hr_id, enf_id = HR_INDEX, ENFORCEMENT_INDEX
    note = NOTE
    exhibits = [
        Exhibit(
            "fig-sources-timeline",
            "sources",
            CORPUS_NOTE,
            lambda data: charts.sources_timeline(corpus.documents_frame(data)),
            title="The documents: year and length",
        ),
        Exhibit(
            "fig-enforcement-heatmap",
            "enforcement",
            note,
            lambda data: charts.enforcement_heatmap(results.dimension_table(data, "enforcement")),
            lambda data: tables.enforcement_grid(results.dimension_table(data, "enforcement")),
            "Enforcement priorities by source",
        ),
        Exhibit(
            "tbl-enforcement-top",
            "enforcement",
            note,
            lambda data: tables.enforcement_top(results.dimension_table(data, "enforcement")),
        ),
        Exhibit("tbl-index-levels", "harm-reduction", RUBRIC_NOTE, lambda data: tables.index_levels(data.rubrics)),
        Exhibit(
            "tbl-hr-rubric",
            "harm-reduction",
            RUBRIC_NOTE,
            lambda data: tables.index_rubric(indices.index_rubric(hr_id, data.rubrics), results.codes(data)),
        ),
        Exhibit(
            "tbl-enforcement-rubric",
            "harm-reduction",
            RUBRIC_NOTE,
            lambda data: tables.index_rubric(indices.index_rubric(enf_id, data.rubrics), results.codes(data)),
        ),
        Exhibit(
            "tbl-hr-scores",
            "harm-reduction",
            RUBRIC_NOTE,
            lambda data: tables.index_scores_grid(results.indicator_scores(data, hr_id)),
        ),
        Exhibit(
            "tbl-enforcement-scores",
            "harm-reduction",
            RUBRIC_NOTE,
            lambda data: tables.index_scores_grid(results.indicator_scores(data, enf_id)),
        ),
        Exhibit(
            "fig-index-map",
            "harm-reduction",
            RUBRIC_NOTE,
            lambda data: charts.index_map(_index_map_data(data)),
            lambda data: tables.index_map(_index_map_data(data)),
            "The sources on both indices: harm reduction and enforcement orientation",
        ),
        Exhibit(
            "fig-rank-stability",
            "harm-reduction",
            RUBRIC_NOTE,
            lambda data: charts.rank_stability(_labelled_ranks(data)),
            lambda data: tables.rank_stability(_labelled_ranks(data)),
            "How often each source holds each rank under random weightings",
        ),
        Exhibit(
            "tbl-index-rules",
            "harm-reduction",
            RUBRIC_NOTE,
            lambda data: tables.index_rules(_labelled_indices(data), data.rubrics["sensitivity"]),
        ),
        Exhibit(
            "tbl-order-robustness",
            "harm-reduction",
            RUBRIC_NOTE,
            lambda data: tables.order_robustness(_labelled_pairs(data), data.rubrics["sensitivity"]),
        ),
        Exhibit(
            "tbl-threat-matrix", "threats", note, lambda data: tables.threat_matrix(results.threat_matrix(data, "item"))
        ),
        Exhibit(
            "fig-threat-timeline",
            "threats",
            note,
            lambda data: charts.threat_timeline(results.threat_matrix(data, "item")),
            lambda data: tables.threat_matrix(results.threat_matrix(data, "item")),
            "Named threats by source and reference year",
        ),
        Exhibit(
            "tbl-threat-families",
            "threats",
            note,
            lambda data: tables.threat_families(results.threat_matrix(data, "code")),
        ),
        Exhibit("tbl-convergence", "synthesis", note, lambda data: tables.convergence(_convergence(data))),
        Exhibit(
            "fig-similarity",
            "synthesis",
            note,
            lambda data: charts.similarity_matrix(_similarity_pairs(data)),
            lambda data: tables.similarity_pairs(_similarity_pairs(data)),
            "How alike the sources' topic profiles are",
        ),
    ]
    return {e.label: e for e in exhibits}


def _similarity_pairs(data) -> pd.DataFrame:
    from analysis import synthesis

    pairs = synthesis.unique_pairs(results.similarity(data))
    return pairs.assign(
        quote_text=[
            results.shared_quote(data, a, b) for a, b in zip(pairs["source_a_id"], pairs["source_b_id"], strict=True)
        ]
    )


def data_of(data: Loaded, exhibit: Exhibit) -> pd.DataFrame:
    """Exactly the data behind an exhibit: a chart's one dataset, or a table's rows."""
    made = exhibit.make(data)
    if isinstance(made, pd.DataFrame):
        return made
    spec = made.to_dict()
    (values,) = spec["datasets"].values()
    return pd.DataFrame(values)


def csv_path(label: str) -> str:
    """The exhibit's CSV, relative to the book's chapter pages."""
    return f"../datapackage/{CSV_DIR}/{label}.csv"


def figure_path(label: str, extension: str) -> str:
    """The figure drawn for download (``svg`` or ``png``), relative to the book's chapter pages."""
    return f"../{FIGURE_DIR}/{label}.{extension}"


def show(data, label: str) -> HTML:
    """The exhibit as published: the chart or table, its text description, its source
    note and download links (its data as CSV; a figure also as SVG and PNG), and (for a
    chart) its data as a linked table for keyboard users. Downloads are plain links:
    the page loads none of them."""
    exhibit = registry()[label]
    made = exhibit.make(data)
    links = [f'<a href="{csv_path(label)}" download>Download the data (CSV)</a>']
    if exhibit.is_figure:
        links += [
            f'<a href="{figure_path(label, extension)}" download>Download the figure ({name})</a>'
            for extension, name in FIGURE_FORMATS.items()
        ]
    meta = f'<p class="exhibit-note">{html.escape(exhibit.source_note(data))} · {" · ".join(links)}</p>'
    if isinstance(made, pd.DataFrame):
        table = tables.html_table(made, table_id=label, name=f"Table {label}")
        return HTML(f'<div class="exhibit">{table.data}{meta}{profiles.links_html(data, table.data)}</div>')
    spec = made.to_dict()
    description = spec.get("description", "")
    companion = ""
    if exhibit.companion is not None:
        companion = (
            '<details class="exhibit-data"><summary>The data and evidence links as a table</summary>'
            f"{tables.html_table(exhibit.companion(data), name=f'Data and evidence links of {label}').data}</details>"
        )
    return HTML(
        f'<div class="exhibit">{charts.embed_html(spec)}'
        f'<p class="exhibit-description">{html.escape(description)}</p>{meta}'
        f"{profiles.links_html(data, json.dumps(spec, ensure_ascii=False))}{companion}</div>"
    )


def chapter_labels(chapter: str) -> list[str]:
    return [label for label, e in registry().items() if e.chapter == chapter]


def glue_chapter(data, chapter: str) -> None:
    """Glue every exhibit of a chapter under its label, for ``{glue:figure}`` in the page."""
    from myst_nb import glue

    for label in chapter_labels(chapter):
        glue(label, show(data, label), display=False)
