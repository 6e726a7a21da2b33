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

from analysis import charts, coding, corpus, indices, profiles, results, tables

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
    make: Callable[[], alt.TopLevelMixin | pd.DataFrame]
    companion: Callable[[], pd.DataFrame] | None = None  # a chart's data as a linked table, for keyboards
    title: str = ""  # a figure's short title, drawn on its downloads (SVG, PNG) and named in its citation

    @property
    def is_figure(self) -> bool:
        return self.label.startswith("fig-")


def _index_map_data() -> pd.DataFrame:
    """Both indices per source with their 5–95% range under random weightings (presence rule)."""
    hr_id, enf_id = HR_INDEX, ENFORCEMENT_INDEX
    frame = results.sources()[["source_id", "source"]].copy()
    for axis, index_id in (("y", hr_id), ("x", enf_id)):
        scores = results.index_table(index_id).set_index("source_id")
        ranges = results.sensitivity(index_id)["ranges"]
        ranges = ranges[ranges["rule"] == "presence"].set_index("source_id")
        frame[f"{axis}_score"] = frame["source_id"].map(scores["score"]).round(1)
        frame[f"{axis}_low"] = frame["source_id"].map(ranges["low"]).round(1)
        frame[f"{axis}_high"] = frame["source_id"].map(ranges["high"]).round(1)
        frame[f"{axis}_text"] = [
            f"{s:.0f} of 100 (90% of weightings: {lo:.0f}–{hi:.0f})"
            for s, lo, hi in zip(frame[f"{axis}_score"], frame[f"{axis}_low"], frame[f"{axis}_high"], strict=True)
        ]
    dimension = indices.index_rubric(hr_id)["dimension"]
    frame["evidence_url"] = [results.evidence_url(dimension, s) for s in frame["source_id"]]
    frame["quote_text"] = [results.top_quote(dimension, s) for s in frame["source_id"]]
    return frame


def _evidence_urls(index_ids: pd.Series, source_ids: pd.Series) -> list[str]:
    """Each row's link to the quotes of its source on its index's question."""
    dimension = {i["id"]: i["dimension"] for i in indices.rubrics()["indices"]}
    return [results.evidence_url(dimension[i], s) for i, s in zip(index_ids, source_ids, strict=True)]


def _index_labels() -> dict[str, str]:
    return {i["id"]: i["label"] for i in indices.rubrics()["indices"]}


def _labelled_ranks() -> pd.DataFrame:
    book = indices.rubrics()
    rule = {r["id"]: r["label"] for r in book["sensitivity"]["rules"]}
    dimension = {i["id"]: i["dimension"] for i in book["indices"]}
    table = results.rank_stability()
    return table.assign(
        index_label=table["index"].map(_index_labels()),
        rule_label=table["rule"].map(rule),
        quote_text=[
            results.top_quote(dimension[i], s) for i, s in zip(table["index"], table["source_id"], strict=True)
        ],
        evidence_url=_evidence_urls(table["index"], table["source_id"]),
    )


def _labelled_pairs() -> pd.DataFrame:
    pairs = results.order_robustness()
    return pairs.assign(
        index_label=pairs["index"].map(_index_labels()),
        higher_url=_evidence_urls(pairs["index"], pairs["higher_id"]),
        lower_url=_evidence_urls(pairs["index"], pairs["lower_id"]),
    )


def _labelled_indices() -> pd.DataFrame:
    """Both indices per source under every scoring rule, with the index's name and evidence link."""
    table = pd.concat([results.index_table(i) for i in results.index_ids()], ignore_index=True)
    return table.assign(
        index_label=table["index"].map(_index_labels()),
        evidence_url=_evidence_urls(table["index"], table["source_id"]),
    )


def _convergence() -> pd.DataFrame:
    table = results.convergence()
    labels = dict(zip(results.codes()["dimension"], results.codes()["dimension_label"], strict=False))
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
    book = indices.rubrics()
    hr_id, enf_id = HR_INDEX, ENFORCEMENT_INDEX
    note = NOTE.format(version=coding.codebook()["version"])
    exhibits = [
        Exhibit(
            "fig-sources-timeline",
            "sources",
            CORPUS_NOTE,
            lambda: charts.sources_timeline(corpus.documents_frame()),
            title="The documents: year and length",
        ),
        Exhibit(
            "fig-enforcement-heatmap",
            "enforcement",
            note,
            lambda: charts.enforcement_heatmap(results.dimension_table("enforcement")),
            lambda: tables.enforcement_grid(results.dimension_table("enforcement")),
            "Enforcement priorities by source",
        ),
        Exhibit(
            "tbl-enforcement-top",
            "enforcement",
            note,
            lambda: tables.enforcement_top(results.dimension_table("enforcement")),
        ),
        Exhibit("tbl-index-levels", "harm-reduction", RUBRIC_NOTE, lambda: tables.index_levels(book)),
        Exhibit(
            "tbl-hr-rubric",
            "harm-reduction",
            RUBRIC_NOTE,
            lambda: tables.index_rubric(indices.index_rubric(hr_id), results.codes()),
        ),
        Exhibit(
            "tbl-enforcement-rubric",
            "harm-reduction",
            RUBRIC_NOTE,
            lambda: tables.index_rubric(indices.index_rubric(enf_id), results.codes()),
        ),
        Exhibit(
            "tbl-hr-scores",
            "harm-reduction",
            RUBRIC_NOTE,
            lambda: tables.index_scores_grid(results.indicator_scores(hr_id)),
        ),
        Exhibit(
            "tbl-enforcement-scores",
            "harm-reduction",
            RUBRIC_NOTE,
            lambda: tables.index_scores_grid(results.indicator_scores(enf_id)),
        ),
        Exhibit(
            "fig-index-map",
            "harm-reduction",
            RUBRIC_NOTE,
            lambda: charts.index_map(_index_map_data()),
            lambda: tables.index_map(_index_map_data()),
            "The sources on both indices: harm reduction and enforcement orientation",
        ),
        Exhibit(
            "fig-rank-stability",
            "harm-reduction",
            RUBRIC_NOTE,
            lambda: charts.rank_stability(_labelled_ranks()),
            lambda: tables.rank_stability(_labelled_ranks()),
            "How often each source holds each rank under random weightings",
        ),
        Exhibit(
            "tbl-index-rules",
            "harm-reduction",
            RUBRIC_NOTE,
            lambda: tables.index_rules(_labelled_indices(), book["sensitivity"]),
        ),
        Exhibit(
            "tbl-order-robustness",
            "harm-reduction",
            RUBRIC_NOTE,
            lambda: tables.order_robustness(_labelled_pairs(), book["sensitivity"]),
        ),
        Exhibit("tbl-threat-matrix", "threats", note, lambda: tables.threat_matrix(results.threat_matrix("item"))),
        Exhibit(
            "fig-threat-timeline",
            "threats",
            note,
            lambda: charts.threat_timeline(results.threat_matrix("item")),
            lambda: tables.threat_matrix(results.threat_matrix("item")),
            "Named threats by source and reference year",
        ),
        Exhibit("tbl-threat-families", "threats", note, lambda: tables.threat_families(results.threat_matrix("code"))),
        Exhibit("tbl-convergence", "synthesis", note, lambda: tables.convergence(_convergence())),
        Exhibit(
            "fig-similarity",
            "synthesis",
            note,
            lambda: charts.similarity_matrix(_similarity_pairs()),
            lambda: tables.similarity_pairs(_similarity_pairs()),
            "How alike the sources' topic profiles are",
        ),
    ]
    return {e.label: e for e in exhibits}


def _similarity_pairs() -> pd.DataFrame:
    from analysis import synthesis

    pairs = synthesis.unique_pairs(results.similarity())
    return pairs.assign(
        quote_text=[results.shared_quote(a, b) for a, b in zip(pairs["source_a_id"], pairs["source_b_id"], strict=True)]
    )


def data_of(exhibit: Exhibit) -> pd.DataFrame:
    """Exactly the data behind an exhibit: a chart's one dataset, or a table's rows."""
    made = exhibit.make()
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


def show(label: str) -> HTML:
    """The exhibit as published: the chart or table, its text description, its source
    note and download links (its data as CSV; a figure also as SVG and PNG), and (for a
    chart) its data as a linked table for keyboard users. Downloads are plain links:
    the page loads none of them."""
    exhibit = registry()[label]
    made = exhibit.make()
    links = [f'<a href="{csv_path(label)}" download>Download the data (CSV)</a>']
    if exhibit.is_figure:
        links += [
            f'<a href="{figure_path(label, extension)}" download>Download the figure ({name})</a>'
            for extension, name in FIGURE_FORMATS.items()
        ]
    meta = f'<p class="exhibit-note">{html.escape(exhibit.note)} · {" · ".join(links)}</p>'
    if isinstance(made, pd.DataFrame):
        table = tables.html_table(made, table_id=label, name=f"Table {label}")
        return HTML(f'<div class="exhibit">{table.data}{meta}{profiles.links_html(table.data)}</div>')
    spec = made.to_dict()
    description = spec.get("description", "")
    companion = ""
    if exhibit.companion is not None:
        companion = (
            '<details class="exhibit-data"><summary>The data and evidence links as a table</summary>'
            f"{tables.html_table(exhibit.companion(), name=f'Data and evidence links of {label}').data}</details>"
        )
    return HTML(
        f'<div class="exhibit">{charts.embed_html(spec)}'
        f'<p class="exhibit-description">{html.escape(description)}</p>{meta}'
        f"{profiles.links_html(json.dumps(spec, ensure_ascii=False))}{companion}</div>"
    )


def chapter_labels(chapter: str) -> list[str]:
    return [label for label, e in registry().items() if e.chapter == chapter]


def glue_chapter(chapter: str) -> None:
    """Glue every exhibit of a chapter under its label, for ``{glue:figure}`` in the page."""
    from myst_nb import glue

    for label in chapter_labels(chapter):
        glue(label, show(label), display=False)
