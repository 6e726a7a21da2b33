"""Every figure and table: labelled in its chapter, described, sourced, downloadable,
linked to its evidence; and no source or code is named in logic."""

import ast
import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis import coding, corpus, evidence, exhibits, results
from analysis.paths import ROOT
from tests.conftest import METHOD_TABLES, REQUIRED_DERIVED, add_synthetic_source, copy_project

BOOK = ROOT / "book"


def test_every_exhibit_is_glued_once_under_its_label_in_its_chapter():
    for label, exhibit in exhibits.registry().items():
        page = (BOOK / f"{exhibit.chapter}.md").read_text(encoding="utf-8")
        assert page.count(f"```{{glue:figure}} {label}\n:name: {label}\n") == 1, label
        if not exhibit.is_figure:
            assert f":name: {label}\n:figclass: book-table" in page, f"{label} is not numbered as a table"
    for page in BOOK.glob("*.md"):
        for label in re.findall(r"```\{glue:figure\} (\S+)", page.read_text(encoding="utf-8")):
            assert label in exhibits.registry(), f"{page.name} shows {label}, which no builder makes"


@pytest.mark.parametrize("label", list(exhibits.registry()))
def test_each_exhibit_names_every_source_and_has_its_note_and_csv(label):
    exhibit = exhibits.registry()[label]
    shown = exhibits.show(label).data
    assert html.escape(exhibit.note) in shown
    assert f'href="{exhibits.csv_path(label)}"' in shown
    if label in METHOD_TABLES:
        return
    data = exhibits.data_of(exhibit)
    columns = {"source", "Source", "source_a", "source_b", "Compared with", "Higher", "Lower"} & set(data.columns)
    shown = set(data.columns) | {v for c in columns for v in data[c]}
    missing = set(results.sources()["source"]) - shown
    assert not missing, f"{label} leaves out {missing}"


@pytest.mark.parametrize("label", [label for label, e in exhibits.registry().items() if e.is_figure])
def test_charts_state_their_data_link_every_mark_and_show_a_quote(label):
    exhibit = exhibits.registry()[label]
    spec = exhibit.make().to_dict()
    (values,) = spec["datasets"].values()
    description = spec["description"]
    assert len(description) > 120 and any(ch.isdigit() for ch in description), description
    layers = spec.get("layer", [spec])
    for layer in layers:
        encoding = layer.get("encoding", {}) | spec.get("encoding", {})
        assert "href" in encoding, f"a {layer.get('mark')} layer's marks do not link to their evidence"
        assert any("quote_text" in str(t) for t in encoding.get("tooltip", [])), "a mark's tooltip shows no quote"
    urls = [v["evidence_url"] for v in values]
    assert all(u.startswith("evidence/") and "#" in u for u in urls)
    assert exhibit.companion is not None, "a chart needs its data as a linked table for keyboard users"
    assert 'href="evidence/' in exhibits.show(label).data


def test_heatmap_tooltip_carries_count_interval_and_a_verbatim_quote():
    exhibit = exhibits.registry()["fig-enforcement-heatmap"]
    data = exhibits.data_of(exhibit)
    tooltips = str(exhibit.make().to_dict())
    for field in ("sentences", "share_text", "quote_text"):
        assert f"'field': '{field}'" in tooltips
    raised = data[data["sentences"] > 0]
    assert raised["share_text"].str.contains("95% CI").all()
    quotes = results.quotes()
    for text in raised["quote_text"]:
        quote = text.split("“", 1)[1].rsplit("”", 1)[0]
        assert quote in set(quotes["reading"]), quote
    silent = data[data["sentences"] == 0]
    assert silent["share_text"].str.startswith("not raised").all()


def test_evidence_links_resolve_to_a_listed_source_and_code():
    table = results.salience_table()
    page = {}
    for dimension in table["dimension"].unique():
        page[dimension] = evidence.dimension_page(dimension).data
    for row in table.itertuples():
        anchor = row.evidence_url.split("#")[1]
        assert f'id="{anchor}"' in page[row.dimension], row.evidence_url


def _string_constants(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]


def test_no_source_document_or_code_is_named_in_logic():
    metadata = corpus.load_metadata()
    names = {s["id"] for s in metadata["sources"]} | {s["label"] for s in metadata["sources"]}
    names |= {d["id"] for s in metadata["sources"] for d in s["documents"]}
    names |= set(coding.codes()["code"])
    pattern = re.compile(
        r"(?<![\w-])(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?![\w-])"
    )
    found = []
    for path in sorted((ROOT / "analysis").glob("*.py")):
        for text in _string_constants(path):
            found += [f"{path.name}: {m}" for m in pattern.findall(text)]
    chapters = ["intro", "sources", "method", "enforcement", "harm-reduction", "threats", "synthesis"]
    chapters += [f"evidence/{p.stem}" for p in (BOOK / "evidence").glob("*.md")]
    for chapter in chapters:
        page = (BOOK / f"{chapter}.md").read_text(encoding="utf-8")
        for cell in re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", page, flags=re.S):
            found += [f"{chapter}.md: {m}" for m in pattern.findall(cell)]
    assert not found, found


FIFTH_TEXT = """# Regional drugs review

Partnership working with health services remains the force's first priority.
Officers now carry naloxone on every shift.
Nitazenes are a growing danger in the region.
"""


@pytest.mark.subprocess
def test_a_fifth_source_reaches_every_finding_without_a_code_change(tmp_path):
    """A synthetic fifth source, added as data only, is in every derived table and exhibit."""
    copy_project(tmp_path, ("analysis", "data"))
    add_synthetic_source(tmp_path, "ZZ", "Test Region", FIFTH_TEXT)
    with (tmp_path / "data" / "coding" / "annotations.csv").open("a", encoding="utf-8") as handle:
        handle.write("ZZ-2025,Partnership working with health services,,,enf_partnerships,implements,A,\n")
        handle.write("ZZ-2025,Officers now carry naloxone on every shift,,,hr_naloxone,implements,A,\n")
        handle.write("ZZ-2025,Nitazenes are a growing danger in the region,,,thr_opioids,endorses,A,\n")
    script = "from pathlib import Path; from analysis import export; export.export(Path('package'))"
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    package = tmp_path / "package"
    for name in REQUIRED_DERIVED:
        assert "ZZ" in set(pd.read_csv(package / f"{name}.csv").astype(str).stack()), name
    for label in exhibits.registry():
        if label in METHOD_TABLES:
            continue
        assert "Test Region" in (package / "figures" / f"{label}.csv").read_text(encoding="utf-8"), label
    threat = pd.read_csv(package / "threat_matrix.csv")
    assert set(threat[threat["source_id"] == "ZZ"]["reference_year"]) == {2025}


def test_the_harm_reduction_index_by_a_second_route():
    """Recompute the index straight from the annotations and the rubric file, without
    the salience or indices modules: highest stance level per indicator, less one if
    questioned, then 100 × weighted mean / 3."""
    level = {"describes": 1, "endorses": 2, "implements": 3, "questions": 0}
    rubric = yaml.safe_load((ROOT / "data" / "coding" / "rubrics.yaml").read_text(encoding="utf-8"))
    (index,) = [i for i in rubric["indices"] if i["id"] == "harm_reduction"]
    body = {s.id for d in corpus.load_documents() for p in d.paragraphs if p.kind != "heading" for s in p.sentences}
    annotations = coding.load_annotations()
    annotations = annotations[annotations["sentence_id"].isin(body)]
    source_of = {d["id"]: s["id"] for s in corpus.load_metadata()["sources"] for d in s["documents"]}
    annotations = annotations.assign(source_id=annotations["document_id"].map(source_of))
    expected = {}
    for source_id, mine in annotations.groupby("source_id"):
        total = 0.0
        for indicator in index["indicators"]:
            stances = set(mine[mine["code"].isin(indicator["codes"])]["stance"])
            score = max((level[s] for s in stances), default=0)
            if "questions" in stances:
                score = max(0, score - rubric["questions_penalty"])
            total += indicator["weight"] * score
        expected[source_id] = 100 * total / (3 * sum(i["weight"] for i in index["indicators"]))
    computed = results.index_table("harm_reduction").set_index("source_id")["score"].to_dict()
    assert computed == pytest.approx(expected)
