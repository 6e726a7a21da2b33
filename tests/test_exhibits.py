"""Every figure and table: labelled in its chapter, described, sourced, downloadable,
linked to its evidence; and no source or code is named in logic."""

import ast
import csv
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
from tests.conftest import CORPUS_FIGURES, METHOD_TABLES, REQUIRED_DERIVED, add_synthetic_source, copy_project

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
def test_each_exhibit_names_every_source_and_has_its_note_and_csv(label, data, undrawn):
    exhibit = exhibits.registry()[label]
    shown = exhibits.show(data, label).data
    assert html.escape(exhibit.source_note(data)) in shown
    assert f'href="{exhibits.csv_path(label)}"' in shown
    if label in METHOD_TABLES:
        return
    table = exhibits.data_of(data, exhibit)
    columns = {"source", "Source", "source_a", "source_b", "Compared with", "Higher", "Lower"} & set(table.columns)
    shown = set(table.columns) | {v for c in columns for v in table[c]}
    missing = set(results.sources(data)["source"]) - shown
    assert not missing, f"{label} leaves out {missing}"


@pytest.mark.parametrize(
    "label", [label for label, e in exhibits.registry().items() if e.is_figure and label not in CORPUS_FIGURES]
)
def test_charts_state_their_data_link_every_mark_and_show_a_quote(label, data, undrawn):
    exhibit = exhibits.registry()[label]
    spec = exhibit.make(data).to_dict()
    (values,) = spec["datasets"].values()
    description = spec["description"]
    assert len(description) > 120 and any(ch.isdigit() for ch in description), description
    layers = spec.get("layer", [spec])
    linked = 0
    for layer in layers:
        encoding = layer.get("encoding", {}) | spec.get("encoding", {})
        mark = layer.get("mark", {})
        if (
            "tooltip" not in encoding
            and "href" not in encoding
            and (mark.get("type") if isinstance(mark, dict) else mark) == "rule"
        ):
            continue  # a connecting line that shows no datum of its own (the threat timeline's span of years)
        assert "href" in encoding, f"a {layer.get('mark')} layer's marks do not link to their evidence"
        assert any("quote_text" in str(t) for t in encoding.get("tooltip", [])), "a mark's tooltip shows no quote"
        linked += 1
    assert linked, "no layer of the chart links its marks to their evidence"
    # A mark opens its quotes; a pair of sources opens the two side by side, whose cells open theirs.
    opens = ("compare.html#pair-",) if label == "fig-similarity" else ("evidence/",)
    urls = [v["evidence_url"] for v in values]
    assert all(u.startswith(opens) and "#" in u for u in urls)
    assert exhibit.companion is not None, "a chart needs its data as a linked table for keyboard users"
    assert f'href="{opens[0]}' in exhibits.show(data, label).data


STANCES = ("endorses", "implements", "describes", "questions")  # the order the pages list them in
# How a count reads, (one sentence, several): a stance on a priority, or, for a threat, on the threat itself.
VERBS = {
    "endorses": ("endorses", "endorse"),
    "implements": ("implements", "implement"),
    "describes": ("describes", "describe"),
    "questions": ("questions", "question"),
}
THREAT_VERBS = {
    "endorses": ("affirms it", "affirm it"),
    "describes": ("only names it", "only name it"),
    "questions": ("doubts it", "doubt it"),
}


def _body(data) -> set[str]:
    """Ids of the non-heading sentences (the ones the counts count), from the corpus."""
    return {s.id for d in data.documents.values() for p in d.paragraphs if p.kind != "heading" for s in p.sentences}


def _source_of(data) -> dict[str, str]:
    """Document id -> source id, from sources.yaml."""
    return {d["id"]: s["id"] for s in data.metadata["sources"] for d in s["documents"]}


def _body_annotations(data) -> pd.DataFrame:
    """The annotations on non-heading sentences with their source, read without the salience module."""
    annotations = coding.load_annotations(data)
    annotations = annotations[annotations["sentence_id"].isin(_body(data))]
    return annotations.assign(source_id=annotations["document_id"].map(_source_of(data)))


def _mix(counts: dict[str, int], verbs: dict = VERBS) -> str:
    """The stance mix as the pages describe it, written out here by hand: '25 sentences:
    13 endorse, 5 describe, 7 question'; one stance only: '4 sentences: all endorse'
    ('1 sentence: describes'); a count of 1 takes the singular ('7 sentences: 5 endorse,
    1 describes, 1 questions'); for a threat, '15 sentences: all affirm it'."""
    total = sum(counts.values())
    noun = "sentence" if total == 1 else "sentences"
    given = [s for s in STANCES if counts.get(s)]
    if len(given) == 1:
        return f"1 {noun}: {verbs[given[0]][0]}" if total == 1 else f"{total} {noun}: all {verbs[given[0]][1]}"
    return f"{total} {noun}: " + ", ".join(f"{counts[s]} {verbs[s][counts[s] > 1]}" for s in given)


def test_heatmap_tooltip_carries_count_interval_stance_mix_and_a_verbatim_quote(data):
    """Every cell's tooltip: how many sentences, the share with its 95% interval, how they
    split by stance (counted here from the annotations), and a verbatim quote; a silent
    cell says whether its absence was reviewed (read here from zero_review.csv)."""
    exhibit = exhibits.registry()["fig-enforcement-heatmap"]
    cells = exhibits.data_of(data, exhibit)
    tooltips = str(exhibit.make(data).to_dict())
    for field in ("sentences", "share_text", "stance_mix", "quote_text"):
        assert f"'field': '{field}'" in tooltips
    raised = cells[cells["sentences"] > 0]
    assert raised["share_text"].str.contains("95% interval").all()
    quotes = results.quotes(data)
    for text in raised["quote_text"]:
        quote = text.split("“", 1)[1].rsplit("”", 1)[0]
        assert quote in set(quotes["reading"]), quote
    annotations = _body_annotations(data)
    annotations = annotations[annotations["dimension"] == "enforcement"]
    counted = {
        key: group.drop_duplicates("sentence_id")["stance"].value_counts().to_dict()
        for key, group in annotations.groupby(["source_id", "code"])
    }
    code_of = {
        (r.source, r.label): (r.source_id, r.code) for r in results.dimension_table(data, "enforcement").itertuples()
    }
    mixed = 0
    for row in raised.itertuples():
        counts = counted[code_of[(row.source, row.label)]]
        assert sum(counts.values()) == row.sentences, row
        assert row.stance_mix == _mix(counts), row
        mixed += len(counts) > 1
    assert mixed, "no cell with more than one stance: the mix is not tested"
    with (ROOT / "data" / "coding" / "zero_review.csv").open(encoding="utf-8", newline="") as handle:
        reviewed = {(r["source_id"], r["code"]) for r in csv.DictReader(handle) if r["decision"] == "not raised"}
    label = {s["id"]: s["label"] for s in data.metadata["sources"]}
    source_of = _source_of(data)
    body = pd.Series([label[source_of[corpus.document_of(i)]] for i in _body(data)]).value_counts()
    silent = cells[cells["sentences"] == 0]
    assert len(silent)
    for row in silent.itertuples():
        reading = "reviewed" if code_of[(row.source, row.label)] in reviewed else "not reviewed"
        assert row.share_text == f"not raised ({reading}): 0 of {body[row.source]} sentences", row
        assert row.stance_mix == "0 sentences"


def test_threat_timeline_has_a_row_per_named_item_and_a_ring_where_named_only_as_a_priority(data):
    """The timeline is drawn at the level of threat items: one row per item and source that
    names it. A source with no sentence on an item that endorses or implements one of the
    enforcement codes codebook.yaml lists as the item's equivalent is drawn as a ring.
    Both sets are worked out here from the annotations and the codebook file."""
    book = yaml.safe_load((ROOT / "data" / "coding" / "codebook.yaml").read_text(encoding="utf-8"))
    (threats,) = [d for d in book["dimensions"] if d["id"] == "threats"]
    items = {
        i["id"]: (i["short"], c["short"], i.get("enforcement_codes", [])) for c in threats["codes"] for i in c["items"]
    }
    label = {s["id"]: s["label"] for s in data.metadata["sources"]}
    annotations = _body_annotations(data)
    threat_rows = annotations[annotations["item"] != ""]
    as_threat = {
        key: group.drop_duplicates("sentence_id")["stance"].value_counts().to_dict()
        for key, group in threat_rows.groupby(["item", "source_id"])
    }
    backing = annotations[annotations["stance"].isin(["endorses", "implements"])]
    backed = set(zip(backing["source_id"], backing["code"], strict=True))
    as_priority = {
        (item, source)
        for item, (_, _, equivalents) in items.items()
        for source in label
        if (item, source) not in as_threat and any((source, c) in backed for c in equivalents)
    }
    assert as_priority, "no item is named only as an enforcement priority: the rings are untested"

    exhibit = exhibits.registry()["fig-threat-timeline"]
    rows = exhibits.data_of(data, exhibit)
    shown = list(zip(rows["short"], rows["source"], strict=True))
    assert len(shown) == len(set(shown)), "an item and source drawn twice"
    expected_dots = {(items[i][0], label[s]): n for (i, s), n in as_threat.items()}
    expected_rings = {(items[i][0], label[s]) for i, s in as_priority}
    assert set(shown) == set(expected_dots) | expected_rings
    short_to_family = {short: family for short, family, _ in items.values()}
    for row in rows.itertuples():
        assert row.family == short_to_family[row.short], row
        if (row.short, row.source) in expected_rings:
            assert (row.sentences, row.named_as) == (0, "as an enforcement priority"), row
            assert row.share_text == "named only as an enforcement priority", row
        else:
            counts = expected_dots[(row.short, row.source)]
            assert (row.sentences, row.named_as) == (sum(counts.values()), "as a threat"), row
            assert "95% interval" in row.share_text, row
            assert row.share_text.endswith("; " + _mix(counts, THREAT_VERBS)), row
    layers = {str(layer.get("transform")): layer["mark"] for layer in exhibit.make(data).to_dict()["layer"]}
    assert layers[str([{"filter": "datum.sentences > 0"}])]["type"] == "circle"
    ring = layers[str([{"filter": "datum.sentences == 0"}])]
    assert (ring["type"], ring["filled"]) == ("point", False)


def test_evidence_links_resolve_to_a_listed_source_and_code(data):
    """Every cell of the codes and of the threat items (a threat named only as an
    enforcement priority included) links to an anchor on its dimension's evidence page."""
    codes, items = results.salience_table(data), results.item_table(data)
    page = {}
    for dimension in codes["dimension"].unique():
        page[dimension] = evidence.dimension_page(data, dimension).data
    for row in [*codes.itertuples(), *items.itertuples()]:
        anchor = row.evidence_url.split("#")[1]
        assert f'id="{anchor}"' in page[row.dimension], row.evidence_url
    assert {u.split("#")[1] for u in items["evidence_url"]} == {
        f"ev-{r.source_id}-{r.item}" for r in items.itertuples()
    }


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


def test_no_source_document_or_code_is_named_in_logic(data):
    metadata = data.metadata
    names = {s["id"] for s in metadata["sources"]} | {s["label"] for s in metadata["sources"]}
    names |= {d["id"] for s in metadata["sources"] for d in s["documents"]}
    names |= set(coding.codes(data)["code"])
    names |= set(coding.items(data)["item"])  # threat items: 'fentanyl' in logic is as bad as 'thr_opioids'
    assert {"fentanyl", "nitazenes", "captagon"} <= names
    pattern = re.compile(
        r"(?<![\w-])(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?![\w-])"
    )
    found = []
    for path in sorted((ROOT / "analysis").glob("*.py")):
        for text in _string_constants(path):
            found += [f"{path.name}: {m}" for m in pattern.findall(text)]
    chapters = ["intro", "sources", "method", "enforcement", "harm-reduction", "threats", "synthesis", "compare"]
    chapters += [f"evidence/{p.stem}" for p in (BOOK / "evidence").glob("*.md")]
    chapters += [f"appendix/{p.stem}" for p in (BOOK / "appendix").glob("*.md")]  # "What changed" included
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
    annotations = tmp_path / "data" / "coding" / "annotations.csv"
    header = annotations.read_text(encoding="utf-8").splitlines()[0]
    assert header == "document_id,quote,prefix,suffix,code,item,stance,coder,note"
    with annotations.open("a", encoding="utf-8") as handle:
        handle.write("ZZ-2025,Partnership working with health services,,,enf_partnerships,,implements,A,\n")
        handle.write("ZZ-2025,Officers now carry naloxone on every shift,,,hr_naloxone,,implements,A,\n")
        handle.write("ZZ-2025,Nitazenes are a growing danger in the region,,,thr_opioids,nitazenes,endorses,A,\n")
    script = (
        "from pathlib import Path; from analysis import export; from analysis.loaded import Loaded; "
        "export.export(Loaded(), Path('package'))"
    )
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
    threat = pd.read_csv(package / "threat_matrix.csv", keep_default_na=False)
    mine = threat[threat["source_id"] == "ZZ"]
    assert set(mine["reference_year"]) == {2025}
    # Its one threat sentence is an item: nitazenes, named as a threat, and nothing else of its family.
    named = mine[mine["named_as"] != ""]
    assert list(zip(named["item"], named["named_as"], named["sentences"], strict=True)) == [
        ("nitazenes", "as a threat", 1)
    ]
    families = pd.read_csv(package / "threat_families.csv", keep_default_na=False)
    opioids = families[(families["source_id"] == "ZZ") & (families["code"] == "thr_opioids")]
    assert list(opioids["sentences"]) == [1]


def test_the_harm_reduction_index_by_a_second_route(data):
    """Recompute the index straight from the annotations and the rubric file, without
    the salience or indices modules: highest stance level per indicator, less one if
    questioned, then 100 × weighted mean / 3."""
    level = {"describes": 1, "endorses": 2, "implements": 3, "questions": 0}
    rubric = yaml.safe_load((ROOT / "data" / "coding" / "rubrics.yaml").read_text(encoding="utf-8"))
    (index,) = [i for i in rubric["indices"] if i["id"] == "harm_reduction"]
    body = {s.id for d in data.documents.values() for p in d.paragraphs if p.kind != "heading" for s in p.sentences}
    annotations = coding.load_annotations(data)
    annotations = annotations[annotations["sentence_id"].isin(body)]
    source_of = {d["id"]: s["id"] for s in data.metadata["sources"] for d in s["documents"]}
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
    computed = results.index_table(data, "harm_reduction").set_index("source_id")["score"].to_dict()
    assert computed == pytest.approx(expected)
