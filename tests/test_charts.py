"""Chart builders and the offline renderer."""

import json

from analysis import charts, corpus


def test_sources_chart_has_one_bar_per_document_and_a_description():
    documents = corpus.documents_frame()
    spec = charts.sources_timeline(documents).to_dict()
    (values,) = spec["datasets"].values()
    assert sorted(v["document_id"] for v in values) == sorted(documents["document_id"])
    for row in documents.itertuples():
        assert f"{row.document_id} ({row.source}, {row.reference_year}): {row.words} words" in spec["description"]


def test_embed_html_is_deterministic_and_uses_the_local_vega_embed():
    spec = charts.sources_timeline(corpus.documents_frame()).to_dict()
    first, second = charts.embed_html(spec), charts.embed_html(json.loads(json.dumps(spec)))
    assert first == second
    assert "vegaEmbed(" in first
    assert "<script src" not in first and "cdn" not in first.lower()


def test_embed_html_cannot_be_closed_early_by_data():
    spec = {"description": 'x "<b>', "data": {"values": [{"quote": "</script><script>alert(1)</script>"}]}}
    html = charts.embed_html(spec)
    assert html.count("</script>") == 1
    assert 'aria-label="x &quot;&lt;b&gt;"' in html
