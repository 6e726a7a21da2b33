"""One stated precision for every published number, whatever the machine.

A number whose last bits come from a CPU's floating-point kernels (BLAS) differs from
machine to machine; rounded to results.DECIMALS places where it is made, it does not.
These tests read what a reader gets (chart data, the drawn SVG, table cells, the data
package, the glued prose, the golden copies) and fail on any number with more digits.
They change no BLAS or CPU setting: the second-route tests recompute the published
figures in exact arithmetic instead.
"""

from __future__ import annotations

import csv
import json
import re
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction

import pytest

from analysis import (
    charts,
    coding,
    editions,
    exhibits,
    export,
    indices,
    measures,
    prose,
    results,
    synthesis,
    tables,
)
from analysis.paths import ROOT


def long_numbers(text: str) -> list[str]:
    """Every decimal number in ``text`` with more places than the stated precision."""
    return [m for m in re.findall(r"\d+\.\d+", text) if len(m.split(".")[1]) > results.DECIMALS]


def numbers_in(value) -> list[float]:
    """Every float inside a JSON-like value."""
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [n for v in value.values() for n in numbers_in(v)]
    if isinstance(value, list):
        return [n for v in value for n in numbers_in(v)]
    return []


def test_long_numbers_finds_what_it_should():
    assert long_numbers("0.383800265329659 and 0.38380026532965905, 0.3838, 12.5, 2019") == [
        "0.383800265329659",
        "0.38380026532965905",
    ]


@pytest.mark.parametrize("label", list(exhibits.registry()))
def test_every_number_of_an_exhibit_has_at_most_the_stated_precision(label, data):
    """The chart's datasets and its companion table, or the table's cells, as the page
    shows them (the drawn chart: the next test)."""
    exhibit = exhibits.registry()[label]
    made = exhibit.make(data)
    if exhibit.is_figure:
        spec = made.to_dict()
        (values,) = spec["datasets"].values()
        unrounded = [n for n in numbers_in(values) if n != round(n, results.DECIMALS)]
        assert not unrounded, f"{label}: chart data with more than {results.DECIMALS} places: {unrounded[:5]}"
        if exhibit.companion is not None:
            assert not long_numbers(tables.html_table(exhibit.companion(data)).data), label
    else:
        assert not long_numbers(tables.html_table(made).data), label
        assert not long_numbers(made.to_csv(index=False)), label


@pytest.mark.drawing
@pytest.mark.parametrize("label", [label for label, e in exhibits.registry().items() if e.is_figure])
def test_every_number_of_a_drawn_chart_has_at_most_the_stated_precision(label, data):
    """The chart as the page embeds it: its drawn SVG (text and geometry) and its spec."""
    assert not long_numbers(charts.embed_html(exhibits.registry()[label].make(data).to_dict())), label


def test_every_number_of_the_data_package_has_at_most_the_stated_precision(tmp_path, data):
    export.export(data, tmp_path)
    checked = 0
    for path in sorted(tmp_path.rglob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                for field, value in row.items():
                    if re.fullmatch(r"-?\d+\.\d+", value or ""):
                        checked += 1
                        assert len(value.split(".")[1]) <= results.DECIMALS, f"{path.name}: {field} = {value}"
    assert checked > 1000  # shares, rates, intervals, indices, cosines, alphas were all read


def _glued_values(data) -> dict[str, object]:
    """Every value a chapter or appendix glues, made as the pages make them (prose.GLUED)."""
    made: dict = {}
    return {name: prose.value(data, name, made) for name in prose.GLUED}


def test_every_glued_value_has_at_most_the_stated_precision(data):
    figures = _glued_values(data)
    # The method chapter's reliability and design effect, and the "What changed" appendix, are read too.
    assert {"alpha_items", "deff_median", "changes_summary", "recoded_summary"} <= set(figures)
    for name, value in figures.items():
        shown = value._repr_html_() if hasattr(value, "_repr_html_") else repr(value)
        assert not long_numbers(shown), f"{name}: {shown}"
        if isinstance(value, float):
            assert value == round(value, results.DECIMALS), name


def test_the_what_changed_tables_hold_no_number_with_more_digits_than_the_stated_precision(data):
    """Old values come from the stored edition's CSVs, new ones from this edition: both are shown whole."""
    _, changed, recoded = editions.what_changed(data)
    assert len(changed)
    for table in (tables.edition_changes(changed), tables.coding_changes(recoded)):
        assert not long_numbers(tables.html_table(table).data)
    assert not long_numbers(tables.key_finding_changes(changed).data)


def test_the_reliability_table_is_rounded_where_it_is_made(data):
    table = measures.reliability_results(data)
    for column in ("alpha", "stance_alpha"):
        values = table[column].dropna()
        assert len(values) and (values == values.round(results.DECIMALS)).all(), column


def test_golden_copies_hold_no_number_with_more_digits_than_the_stated_precision():
    """The reviewed outputs, chart geometry included, as regenerated by `make regen`."""
    for path in sorted((ROOT / "tests" / "golden").rglob("*.ipynb")):
        outputs = [c.get("outputs", []) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]]
        found = long_numbers(json.dumps(outputs, ensure_ascii=False))
        assert not found, f"{path.relative_to(ROOT)}: {found[:5]}"


def exact_round(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def test_the_similarity_matrix_equals_an_exact_second_route(data):
    """Cosines recomputed from the annotations in exact arithmetic (a share is a count over
    the source's sentences, so each source's profile is its counts, scaled), then rounded
    once: the published figures are these, to the last digit, on any CPU. The topics are
    the enforcement and harm-reduction codes and the named threat items."""
    from collections import Counter

    from analysis import salience

    sources = results.sources(data)
    source_of = {d: s.source_id for s in sources.itertuples() for d in s.documents.split()}
    body = salience.body_ids(data)
    coded = coding.load_annotations(data)
    coded = coded[coded["sentence_id"].isin(body)]
    topic = coded["item"].where(coded["dimension"] == coding.THREATS, coded["code"])
    units = set(zip(coded["document_id"].map(source_of), topic, coded["sentence_id"], strict=True))
    tally = Counter((s, t) for s, t, _ in units)
    topics = {t for _, t in tally}
    counts = {s: {t: tally.get((s, t), 0) for t in topics} for s in sources["source_id"]}
    published = results.similarity(data).set_index(["source_a_id", "source_b_id"])["cosine"]
    with localcontext() as context:
        context.prec = 50
        for (a, b), cosine in published.items():
            dot = sum(counts[a][c] * counts[b][c] for c in counts[a])
            norms = sum(v * v for v in counts[a].values()) * sum(v * v for v in counts[b].values())
            exact = Decimal(dot) / Decimal(norms).sqrt()
            expected = exact.quantize(Decimal(1).scaleb(-results.DECIMALS), rounding=ROUND_HALF_EVEN)
            assert Decimal(repr(float(cosine))) == expected, (a, b)


def test_cosine_is_exact_sums_and_one_rounding():
    # (3, 4) and (4, 3): dot 24, norms 5 and 5, so the cosine is 24/25 rounded once.
    assert synthesis.cosine([3.0, 4.0], [4.0, 3.0]) == 24 / 25
    # A naive running sum loses the small terms next to the large one; an exact sum does not.
    a, b = [1e16, 1.0, 1.0, -1e16], [1.0, 1.0, 1.0, 1.0]
    assert synthesis.cosine(a, b) == 2.0 / (2.0 * (2e32 + 2.0) ** 0.5)


def test_index_scores_equal_an_exact_second_route(data):
    """Each index from its indicator scores in exact fractions: 100 × Σ w·s / (3 × Σ w)."""
    for index_id in results.index_ids(data):
        scores = results.indicator_scores(data, index_id)
        published = results.index_table(data, index_id).set_index("source_id")["score"]
        for source_id, mine in scores.groupby("source_id"):
            weights = [Fraction(w) for w in mine["weight"]]
            exact = 100 * sum(w * s for w, s in zip(weights, mine["score"], strict=True)) / (3 * sum(weights))
            expected = exact_round(exact).quantize(Decimal(1).scaleb(-results.DECIMALS), rounding=ROUND_HALF_EVEN)
            assert Decimal(repr(float(published[source_id]))) == expected, (index_id, source_id)


def test_weighted_sums_keep_ties_between_equal_profiles():
    """Two sources with the same scores stay exactly tied under every weighting."""
    import numpy as np

    matrix = np.array([[1.0, 2.0, 3.0] * 5, [1.0, 2.0, 3.0] * 5, [3.0, 2.0, 1.0] * 5])
    weights = np.random.default_rng(1).dirichlet(np.ones(15), size=500)
    values = indices.weighted_sum(matrix, weights)
    assert values.shape == (500, 3)
    assert (values[:, 0] == values[:, 1]).all()
    assert values[0, 2] == pytest.approx(float(weights[0] @ matrix[2]))
