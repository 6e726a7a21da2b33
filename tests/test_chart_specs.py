"""The chart builders on small hand-made frames, checked on their Vega-Lite specs: what each
mark encodes, which rows it shows and what the text description says. Nothing is drawn
(drawing is tested in test_charts.py), so these run under `make mutate` too."""

from __future__ import annotations

import pandas as pd

from analysis import charts


def _marks(spec: dict, encoding: dict | None = None):
    """Every (mark type, encoding, transforms) of a spec, with the encoding a layer inherits."""
    encoding = {**(encoding or {}), **spec.get("encoding", {})}
    if "mark" in spec:
        mark = spec["mark"]["type"] if isinstance(spec["mark"], dict) else spec["mark"]
        yield mark, encoding, spec.get("transform", [])
    for child in spec.get("layer", []):
        yield from _marks(child, encoding)


def _values(spec: dict) -> list[dict]:
    (values,) = spec["datasets"].values()
    return values


def test_the_sources_timeline_has_one_linked_bar_per_document_in_year_order_and_says_each_length():
    documents = pd.DataFrame(
        {
            "document_id": ["B-2019", "A-2013"],
            "source": ["Beta", "Alpha"],
            "reference_year": [2019, 2013],
            "words": [1200, 300],
            "title": ["Beta review", "Alpha seminar"],
            "date": ["2019", "2013-03"],
            "date_status": ["stated", "inferred"],
            "sentences": [60, 15],
        }
    )
    spec = charts.sources_timeline(documents).to_dict()
    values = _values(spec)
    assert [v["document_id"] for v in values] == ["A-2013", "B-2019"]  # year order, as the keyboard visits
    assert [v["label"] for v in values] == ["A-2013 (2013)", "B-2019 (2019)"]
    assert [v["reader_url"] for v in values] == ["reader/A-2013.html", "reader/B-2019.html"]
    assert spec["description"] == (
        "Bar chart of document length in words, one bar per document, ordered by year. "
        "A-2013 (Alpha, 2013): 300 words; B-2019 (Beta, 2019): 1200 words."
    )
    ((mark, encoding, _),) = _marks(spec)
    assert mark == "bar" and encoding["x"]["field"] == "words" and encoding["href"]["field"] == "reader_url"
    assert encoding["color"]["scale"]["domain"] == ["Alpha", "Beta"]  # colours in time order


HEATMAP = pd.DataFrame(
    {
        "source_id": ["A", "A", "B", "B"],
        "source": ["Alpha", "Alpha", "Beta", "Beta"],
        "code": ["c1", "c2", "c1", "c2"],
        "short": ["Street dealing", "Ports", "Street dealing", "Ports"],
        "label": ["Street-level dealing", "Ports and borders", "Street-level dealing", "Ports and borders"],
        "sentences": [4, 0, 1, 3],
        "body_sentences": [10, 10, 20, 20],
        "share": [0.4, 0.0, 0.05, 0.15],
        "share_low": [0.2, 0.0, 0.0, 0.05],
        "share_high": [0.6, 0.0, 0.15, 0.3],
        "per_1000_words": [8.0, 0.0, 1.0, 3.0],
        "per_1000_words_low": [4.0, 0.0, 0.0, 1.0],
        "per_1000_words_high": [12.0, 0.0, 3.0, 6.0],
        "absence": ["", "not raised (reviewed)", "", ""],
        "stance_mix": ["4 sentences: 4 endorse", "", "1 sentence: 1 describes", "3 sentences: 3 endorse"],
        "quote": ["Dealers were arrested.", "", "A dealer.", "At the port."],
        "document_id": ["A-2013", "", "B-2019", "B-2019"],
        "paragraph": [3, 0, 5, 7],
        "quote_stance": ["endorses", "", "describes", "endorses"],
        "evidence_url": ["e/A-c1", "e/A-c2", "e/B-c1", "e/B-c2"],
    }
)


def test_the_heatmap_shows_a_dash_for_a_priority_not_raised_and_a_share_with_its_interval_otherwise():
    spec = charts.enforcement_heatmap(HEATMAP).to_dict()
    by_cell = {(v["source"], v["short"]): v for v in _values(spec)}
    assert by_cell[("Alpha", "Street dealing")]["cell"] == "40%"
    assert by_cell[("Alpha", "Ports")]["cell"] == "–"
    assert by_cell[("Alpha", "Ports")]["share_text"] == "not raised (reviewed): 0 of 10 sentences"
    assert by_cell[("Beta", "Ports")]["share_text"] == "15% of 20 sentences (95% interval 5%–30%)"
    assert by_cell[("Beta", "Ports")]["rate_text"] == "3.0 (95% CI 1.0–6.0)"
    assert by_cell[("Alpha", "Street dealing")]["quote_text"] == (
        "“Dealers were arrested.” (A-2013 ¶3, endorses; street dealing)"
    )
    assert by_cell[("Alpha", "Ports")]["quote_text"] == "—"
    assert spec["description"].endswith(
        "The highest cell is Alpha on street dealing (40%). Priorities not raised: Alpha 1; Beta 0."
    )
    assert spec["description"].startswith("Heatmap of 2 enforcement priorities (rows) by 2 sources ")


def test_the_heatmap_links_every_cell_and_its_label_and_greys_the_cells_not_raised():
    spec = charts.enforcement_heatmap(HEATMAP).to_dict()
    marks = list(_marks(spec))
    assert [m for m, _, _ in marks] == ["rect", "text"]
    for _, encoding, _ in marks:
        assert encoding["href"]["field"] == "evidence_url"
        assert encoding["x"]["sort"] == ["Alpha", "Beta"] and encoding["y"]["sort"] == ["Street dealing", "Ports"]
    rect = marks[0][1]
    assert rect["color"]["condition"]["test"] == "datum.sentences > 0"
    assert rect["color"]["value"] == "#f2f2f2"
    text = marks[1][1]
    assert text["color"]["condition"]["test"] == "datum.share_pct > 24.0"  # 60% of the highest share


def test_the_index_map_draws_both_whiskers_and_a_linked_point_and_describes_each_source():
    table = pd.DataFrame(
        {
            "source": ["Alpha", "Beta"],
            "x_score": [70.0, 20.0],
            "x_low": [60.0, 10.0],
            "x_high": [80.0, 35.0],
            "y_score": [10.0, 55.0],
            "y_low": [5.0, 40.0],
            "y_high": [15.0, 70.0],
            "x_text": ["70", "20"],
            "y_text": ["10", "55"],
            "quote_text": ["q1", "q2"],
            "evidence_url": ["e/A", "e/B"],
        }
    )
    spec = charts.index_map(table).to_dict()
    assert spec["description"].endswith(
        "Alpha: enforcement 70 (range 60–80), harm reduction 10 (range 5–15); "
        "Beta: enforcement 20 (range 10–35), harm reduction 55 (range 40–70)."
    )
    marks = list(_marks(spec))
    assert [m for m, _, _ in marks] == ["rule", "rule", "point"]
    assert (marks[0][1]["x"]["field"], marks[0][1]["x2"]["field"]) == ("x_low", "x_high")
    assert (marks[1][1]["y"]["field"], marks[1][1]["y2"]["field"]) == ("y_low", "y_high")
    point = marks[2][1]
    assert (point["x"]["field"], point["y"]["field"], point["href"]["field"]) == ("x_score", "y_score", "evidence_url")
    assert point["x"]["scale"]["domain"] == [0, 100] == point["y"]["scale"]["domain"]


def test_rank_stability_leaves_out_ranks_never_held_and_names_the_most_often_first_per_panel():
    table = pd.DataFrame(
        {
            "source": ["Alpha", "Alpha", "Beta", "Beta"],
            "rank": [1, 2, 1, 2],
            "share": [0.75, 0.25, 0.25, 0.0],
            "draws": [2000] * 4,
            "index_label": ["Harm reduction"] * 4,
            "rule_label": ["presence"] * 4,
            "evidence_url": ["e/A", "e/A", "e/B", "e/B"],
            "quote_text": ["q"] * 4,
        }
    )
    spec = charts.rank_stability(table).to_dict()
    values = _values(spec)
    assert [(v["source"], v["rank"], v["share_pct"]) for v in values] == [
        ("Alpha", 1, 75.0),
        ("Alpha", 2, 25.0),
        ("Beta", 1, 25.0),
    ]
    assert spec["description"] == (
        "Stacked bars, one per source in each of 1 panels (index and scoring rule), showing the share of "
        "2,000 random weightings in which the source holds rank 1, 2, 3 and so on. "
        "Most often first: Harm reduction · presence: Alpha (75%)."
    )
    assert spec["encoding"]["href"]["field"] == "evidence_url"


def test_the_similarity_matrix_names_the_most_and_least_alike_pairs_at_the_shown_precision():
    table = pd.DataFrame(
        {
            "source_a": ["Alpha", "Alpha", "Beta"],
            "source_b": ["Beta", "Gamma", "Gamma"],
            "cosine": [0.914, 0.2, 0.911],
            "cosine_low": [0.8, 0.1, 0.85],
            "cosine_high": [0.95, 0.3, 0.96],
            "codes_both": ["a"] * 3,
            "codes_a_only": [""] * 3,
            "codes_b_only": [""] * 3,
            "quote_text": ["q"] * 3,
            "evidence_url": ["p/AB", "p/AG", "p/BG"],
        }
    )
    spec = charts.similarity_matrix(table).to_dict()
    assert [(v["cell"], v["interval"]) for v in _values(spec)] == [
        ("0.91", "0.80–0.95"),
        ("0.20", "0.10–0.30"),
        ("0.91", "0.85–0.96"),
    ]
    assert spec["description"].endswith(
        "of each pair of the 3 sources. Most alike: Alpha and Beta; Beta and Gamma (0.91); "
        "least alike: Alpha and Gamma (0.20)."
    )
    marks = list(_marks(spec))
    assert [m for m, _, _ in marks] == ["rect", "text"]
    assert all(encoding["href"]["field"] == "evidence_url" for _, encoding, _ in marks)


def test_the_threat_timeline_draws_a_dot_for_a_threat_named_a_ring_for_one_named_only_as_a_priority():
    def row(source, year, item, short, sentences, named_as, first, first_by, first_as, pattern):
        return {
            "source": source,
            "reference_year": year,
            "item": item,
            "short": short,
            "label": short,
            "family": "Drugs",
            "sentences": sentences,
            "body_sentences": 10,
            "share": sentences / 10,
            "share_low": 0.0,
            "share_high": 0.5,
            "absence": "",
            "stance_mix": f"{sentences} sentences" if sentences else "",
            "named_as": named_as,
            "first_named": first,
            "first_named_by": first_by,
            "first_named_as": first_as,
            "pattern": pattern,
            "quote": "A quote." if sentences else "",
            "document_id": "A-2013" if sentences else "",
            "paragraph": 2,
            "quote_stance": "describes",
            "evidence_url": f"e/{source}-{item}",
        }

    table = pd.DataFrame(
        [
            row("Alpha", 2013, "i_old", "Old drug", 2, "threat", 2013, "Alpha", "threat", "persistent"),
            row("Beta", 2019, "i_old", "Old drug", 0, "enforcement priority", 2013, "Alpha", "threat", "persistent"),
            row("Alpha", 2013, "i_new", "New drug", 0, "", 2019, "Beta", "threat", "new"),
            row("Beta", 2019, "i_new", "New drug", 1, "threat", 2019, "Beta", "threat", "new"),
        ]
    )
    spec = charts.threat_timeline(table).to_dict()
    values = _values(spec)
    assert [(v["source"], v["short"]) for v in values] == [
        ("Alpha", "Old drug"),
        ("Beta", "Old drug"),
        ("Beta", "New drug"),
    ]
    by_row = {(v["source"], v["short"]): v for v in values}
    assert by_row[("Beta", "Old drug")]["share_text"] == "named only as an enforcement priority"
    assert by_row[("Alpha", "Old drug")]["first_text"] == "2013, Alpha"
    assert (by_row[("Alpha", "Old drug")]["first"], by_row[("Alpha", "Old drug")]["last"]) == (2013, 2019)
    marks = list(_marks(spec))
    assert [m for m, _, _ in marks] == ["rule", "circle", "point"]
    (_, dots, dot_filter), (_, rings, ring_filter) = marks[1], marks[2]
    assert dot_filter == [{"filter": "datum.sentences > 0"}] and ring_filter == [{"filter": "datum.sentences == 0"}]
    assert dots["href"]["field"] == rings["href"]["field"] == "evidence_url"
    assert dots["y"]["sort"] == ["Old drug", "New drug"]  # rows in the order first named
    assert dots["x"]["axis"]["values"] == [2013, 2019]
    assert spec["description"].startswith("Dot plot of 2 named threats (rows, ordered by the year first named)")
    assert "(2013, 2019)" in spec["description"]
