"""Chart builders and the offline renderer."""

import json
import re

import pytest

from analysis import charts, corpus, exhibits


def test_sources_chart_has_one_bar_per_document_and_a_description():
    documents = corpus.documents_frame()
    spec = charts.sources_timeline(documents).to_dict()
    (values,) = spec["datasets"].values()
    assert sorted(v["document_id"] for v in values) == sorted(documents["document_id"])
    for row in documents.itertuples():
        assert f"{row.document_id} ({row.source}, {row.reference_year}): {row.words} words" in spec["description"]


@pytest.mark.parametrize("label", ["fig-enforcement-heatmap", "fig-threat-timeline"])
def test_embed_html_is_deterministic_static_svg_with_relative_evidence_links(label):
    """Every linked mark is drawn as a link to its row's evidence: the timeline's rings
    (threats named only as an enforcement priority) as well as its dots."""
    spec = exhibits.registry()[label].make().to_dict()
    first, second = charts.embed_html(spec), charts.embed_html(json.loads(json.dumps(spec)))
    assert first == second
    svg = first[first.index("<svg") : first.index("</svg>")]
    links = re.findall(r'<a href="([^"]+)"', svg)
    (values,) = spec["datasets"].values()
    assert sorted(set(links)) == sorted({row["evidence_url"] for row in values})
    assert "xlink:href" not in svg and "http" not in "".join(links)
    assert "<script src" not in first and "cdn" not in first.lower()


def test_two_charts_on_one_page_never_share_an_element_id():
    heatmap = charts.embed_html(exhibits.registry()["fig-enforcement-heatmap"].make().to_dict())
    similarity = charts.embed_html(exhibits.registry()["fig-similarity"].make().to_dict())
    ids = re.findall(r'\bid="([^"]+)"', heatmap + similarity)
    assert len(ids) == len(set(ids))
    for html_text in (heatmap, similarity):
        for reference in re.findall(r"url\(#([^)]+)\)", html_text):
            assert f'id="{reference}"' in html_text


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
