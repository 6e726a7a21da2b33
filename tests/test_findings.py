"""The glued prose: lists read as English and the numbers come from the tables."""

from analysis import findings, results


def test_join_reads_as_english_and_keeps_items_with_and_apart():
    assert findings.join([]) == "none"
    assert findings.join(["a"]) == "a"
    assert findings.join(["a", "b", "c"]) == "a, b and c"
    assert findings.join(["violence and firearms", "corruption"]) == "violence and firearms; and corruption"


def test_tied_similarities_are_all_named():
    pairs = results.similarity()
    pairs = pairs[pairs["source_a_id"] != pairs["source_b_id"]]
    top = pairs["cosine"].round(2).max()
    tied = pairs[pairs["cosine"].round(2) == top]
    text = findings.synthesis_figures()["sim_high"].text
    for row in tied.itertuples():
        assert row.source_a in text and row.source_b in text
    assert text.endswith(f"({top:.2f})")


def test_key_findings_are_four_to_six_and_each_names_sources_from_the_data():
    key = findings.key_findings()
    assert 4 <= len(key) <= 6
    sources = set(results.sources()["source"])
    assert all(any(s in repr(v) for s in sources) for v in key.values())
