"""Chart builders and the offline renderer."""

import json
import re

import pytest

from analysis import charts, corpus, exhibits


def test_sources_chart_has_one_bar_per_document_and_a_description(data):
    documents = corpus.documents_frame(data)
    spec = charts.sources_timeline(documents).to_dict()
    (values,) = spec["datasets"].values()
    assert sorted(v["document_id"] for v in values) == sorted(documents["document_id"])
    for row in documents.itertuples():
        assert f"{row.document_id} ({row.source}, {row.reference_year}): {row.words} words" in spec["description"]


@pytest.mark.drawing
@pytest.mark.parametrize("label", ["fig-enforcement-heatmap", "fig-threat-timeline"])
def test_embed_html_is_deterministic_static_svg_with_relative_evidence_links(label, data):
    """Every linked mark is drawn as a link to its row's evidence: the timeline's rings
    (threats named only as an enforcement priority) as well as its dots."""
    spec = exhibits.registry()[label].make(data).to_dict()
    first, second = charts.embed_html(spec), charts.embed_html(json.loads(json.dumps(spec)))
    assert first == second
    svg = first[first.index("<svg") : first.index("</svg>")]
    links = re.findall(r'<a href="([^"]+)"', svg)
    (values,) = spec["datasets"].values()
    assert sorted(set(links)) == sorted({row["evidence_url"] for row in values})
    assert "xlink:href" not in svg and "http" not in "".join(links)
    assert "<script src" not in first and "cdn" not in first.lower()


@pytest.mark.drawing
def test_two_charts_on_one_page_never_share_an_element_id(data):
    heatmap = charts.embed_html(exhibits.registry()["fig-enforcement-heatmap"].make(data).to_dict())
    similarity = charts.embed_html(exhibits.registry()["fig-similarity"].make(data).to_dict())
    ids = re.findall(r'\bid="([^"]+)"', heatmap + similarity)
    assert len(ids) == len(set(ids))
    for html_text in (heatmap, similarity):
        for reference in re.findall(r"url\(#([^)]+)\)", html_text):
            assert f'id="{reference}"' in html_text


@pytest.mark.drawing
def test_embed_html_cannot_be_closed_early_by_data():
    spec = {
        "description": 'x "<b>',
        "data": {"values": [{"quote": "</script><script>alert(1)</script>"}]},
        "mark": "text",
        "encoding": {"text": {"field": "quote"}},
    }
    html = charts.embed_html(spec)
    assert html.count("</script>") == 1
    assert "<script>alert" not in html
    assert 'aria-label="x &quot;&lt;b&gt;"' in html


def _marks(spec: dict, encoding: dict | None = None):
    """Every (mark, encoding) of a Vega-Lite spec, layers and facets included, with the
    encoding a layer inherits from its parent."""
    encoding = {**(encoding or {}), **spec.get("encoding", {})}
    if "mark" in spec:
        yield spec["mark"], encoding
    for child in spec.get("layer", []) + ([spec["spec"]] if "spec" in spec else []):
        yield from _marks(child, encoding)


def test_every_chart_mark_with_a_tooltip_is_a_link(data):
    """A mark drawn as a link is a Tab stop in the static SVG; charts.js shows its tooltip
    on focus. A tooltip on a mark without a link would reach pointer users only."""
    specs = {label: e.make(data).to_dict() for label, e in exhibits.registry().items() if label.startswith("fig-")}
    assert "fig-sources-timeline" in specs and len(specs) == 6
    tooltips = 0
    for label, spec in specs.items():
        for mark, encoding in _marks(spec):
            if "tooltip" in encoding:
                tooltips += 1
                assert "href" in encoding, f"{label}: a {mark} mark has a tooltip but no link"
    # bars 1, heatmap cells and labels 2, index map whiskers and points 3, rank bars 1, dots and rings 2,
    # similarity cells and labels 2
    assert tooltips >= 11


@pytest.mark.drawing
def test_the_sources_chart_links_each_bar_to_its_reader_page_in_year_order(data):
    documents = corpus.documents_frame(data)
    spec = charts.sources_timeline(documents).to_dict()
    (values,) = spec["datasets"].values()
    assert [v["reader_url"] for v in values] == [
        f"reader/{d}.html" for d in ("CH-2013a", "CH-2013b", "CA-2019", "DU-2020", "CE-2024")
    ]
    svg = charts.embed_html(spec)
    assert re.findall(r'<a href="([^"]+)"', svg) == [v["reader_url"] for v in values]
