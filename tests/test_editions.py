"""Editions: each edition's findings are kept as small CSVs, and the "What changed"
appendix lists exactly what moved since the newest kept one, and why.

The planted-difference tests work on a copy of the stored previous edition
(data/editions/0.9.0): the rows listed before and after one stored value is changed
must differ by exactly the row of that value, with its old and new value worked out
here from the stored files."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis import editions
from analysis.paths import ROOT

STORED = ROOT / "data" / "editions" / "0.9.0"
CODING = ROOT / "data" / "coding"


def _yaml(relative: str) -> dict:
    return yaml.safe_load((ROOT / relative).read_text(encoding="utf-8"))


def _csv(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


def _edit(path: Path, change: Callable[[list[dict]], None]) -> None:
    """Rewrite a stored CSV with ``change`` applied to its rows (csv module, header kept)."""
    header, rows = _csv(path)
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(STORED, tmp_path / STORED.name))


def _listed(data, folder: Path) -> set[tuple[str, str, str, str]]:
    """(kind, what, old, new) of every row the stored edition in ``folder`` gives against this one."""
    new_meta, new = editions.snapshot(data)
    old_meta, old = editions.load(folder)
    changed = editions.changes(data, old_meta, old, new_meta, new)
    assert list(changed.columns) == ["kind", "what", "old", "new", "why"]
    assert changed["why"].str.len().gt(0).all(), "a row without its reason"
    return set(zip(changed["kind"], changed["what"], changed["old"], changed["new"], strict=True))


def _index_label() -> dict[str, str]:
    return {i["id"]: i["label"].lower() for i in _yaml("data/coding/rubrics.yaml")["indices"]}


def _source_label() -> dict[str, str]:
    return {s["id"]: s["label"] for s in _yaml("data/sources/sources.yaml")["sources"]}


# --- a planted difference is listed, with its old and new value ----------------------


def test_a_planted_index_score_is_listed_with_its_old_and_new_value(tmp_path, data):
    folder = _copy(tmp_path)
    before = _listed(data, folder)
    label, names = _index_label(), _source_label()
    # A stored score this edition keeps: no index-score row names it yet.
    _, rows = _csv(folder / "index_scores.csv")
    kept = [
        r
        for r in rows
        if not any(
            k == "index score" and w == f"{names[r['source_id']]}: {label[r['index']]} (0–100)" for k, w, *_ in before
        )
    ]
    assert kept, "every index score moved: nothing to plant in"
    target = kept[0]
    stored = float(target["score"])
    planted = stored + 20  # e.g. 66.6667 -> 86.6667

    def plant(rows):
        (row,) = [r for r in rows if (r["index"], r["source_id"]) == (target["index"], target["source_id"])]
        row["score"] = f"{planted:.4f}"

    _edit(folder / "index_scores.csv", plant)
    after = _listed(data, folder)
    what = f"{names[target['source_id']]}: {label[target['index']]} (0–100)"
    # Scores are shown whole; the new one is the stored one, as no row listed it before.
    assert after - before == {("index score", what, f"{planted:.0f}", f"{stored:.0f}")}
    assert before - after == set()


def test_a_planted_robust_flag_of_an_ordering_is_listed(tmp_path, data):
    folder = _copy(tmp_path)
    before = _listed(data, folder)
    label = _index_label()
    _, rows = _csv(folder / "orderings.csv")

    def what(r):
        return f"{label[r['index']]}: {r['higher']} and {r['lower']}"

    kept = [r for r in rows if not any(k == "ordering" and w == what(r) for k, w, *_ in before)]
    assert kept, "every ordering moved: nothing to plant in"
    target = kept[0]
    words = {"True": "robust", "False": "not robust"}
    flipped = "False" if target["robust"] == "True" else "True"

    def plant(rows):
        (row,) = [
            r
            for r in rows
            if (r["index"], r["higher_id"], r["lower_id"])
            == tuple(target[k] for k in ("index", "higher_id", "lower_id"))
        ]
        row["robust"] = flipped

    _edit(folder / "orderings.csv", plant)
    after = _listed(data, folder)
    placed = f"{target['higher']} above {target['lower']}"
    assert after - before == {
        ("ordering", what(target), f"{placed} ({words[flipped]})", f"{placed} ({words[target['robust']]})")
    }
    assert before - after == set()


def test_a_planted_indicator_score_is_listed_with_its_old_and_new_value(tmp_path, data):
    folder = _copy(tmp_path)
    before = _listed(data, folder)
    label, names = _index_label(), _source_label()
    _, rows = _csv(folder / "indicator_scores.csv")

    def what(r):
        return f"{names[r['source_id']]}: {r['indicator_label']} ({label[r['index']]})"

    kept = [r for r in rows if not any(k == "indicator score" and w == what(r) for k, w, *_ in before)]
    assert kept, "every indicator score moved: nothing to plant in"
    target = kept[0]
    planted = (int(target["score"]) + 1) % 4  # another score on the 0–3 scale

    def plant(rows):
        key = ("index", "source_id", "indicator")
        (row,) = [r for r in rows if tuple(r[k] for k in key) == tuple(target[k] for k in key)]
        row["score"] = str(planted)

    _edit(folder / "indicator_scores.csv", plant)
    after = _listed(data, folder)
    assert after - before == {("indicator score", what(target), str(planted), target["score"])}
    assert before - after == set()


@pytest.mark.parametrize(
    ("table", "key", "value", "kind"),
    [("threat_lists", "list", "threats", "threat list"), ("key_findings", "finding", "text", "key finding")],
)
def test_a_planted_threat_list_or_key_finding_becomes_the_old_value_of_its_row(tmp_path, table, key, value, kind, data):
    """Both already differ from this edition (threats compared by item now, findings
    rewritten), so the planted value replaces the old value of the row, and only that."""
    folder = _copy(tmp_path)
    before = _listed(data, folder)
    _, rows = _csv(folder / f"{table}.csv")
    target = next(r for r in rows if r[value])
    planted = "Planted; by the test"

    def plant(rows):
        (row,) = [r for r in rows if r[key] == target[key]]
        row[value] = planted

    _edit(folder / f"{table}.csv", plant)
    after = _listed(data, folder)
    (gone,) = before - after
    (came,) = after - before
    assert gone[0] == came[0] == kind
    assert gone[2] == target[value] and came[2] == planted
    assert (gone[1], gone[3]) == (came[1], came[3]), "the row's subject and new value stay"


def test_what_changed_reads_the_newest_older_edition_of_the_folder_it_is_given(tmp_path, data):
    folder = _copy(tmp_path)
    _edit(folder / "threat_lists.csv", lambda rows: rows[0].update(threats="Planted; by the test"))
    before, changed, recoded = editions.what_changed(data, folder=tmp_path)
    assert before["version"] == "0.9.0"
    assert "Planted; by the test" in set(changed["old"])
    assert list(recoded.columns) == ["sentence_id", "source_id", "code", "item", "old", "new", "why"]


# --- no difference, no row; what is written comes back -------------------------------


def test_an_edition_identical_to_this_one_gives_no_rows(tmp_path, data):
    editions.write_snapshot(data, tmp_path / "0.9.9")
    before, changed, recoded = editions.what_changed(data, folder=tmp_path)
    assert before is not None
    assert changed.empty, changed
    assert recoded.empty, recoded


@pytest.mark.parametrize(
    ("table", "key", "value", "kind"),
    [("threat_lists", "list", "threats", "threat list"), ("key_findings", "finding", "text", "key finding")],
)
def test_one_value_changed_in_a_copy_of_this_edition_gives_exactly_its_row(tmp_path, table, key, value, kind, data):
    folder = editions.write_snapshot(data, tmp_path / "0.9.9")
    _, rows = _csv(folder / f"{table}.csv")
    target = rows[0]
    _edit(folder / f"{table}.csv", lambda rows: rows[0].update({value: "Planted; by the test"}))
    ((found_kind, _, was, now),) = _listed(data, folder)
    assert (found_kind, was, now) == (kind, "Planted; by the test", target[value] or "none")


def test_write_snapshot_then_load_gives_back_every_table_and_the_metadata(tmp_path, data):
    meta, tables = editions.snapshot(data)
    folder = editions.write_snapshot(data, tmp_path / "kept" / "1.0.0")  # its parents do not exist yet
    assert sorted(p.name for p in folder.iterdir()) == sorted(["edition.yaml", *(f"{n}.csv" for n in editions.TABLES)])
    loaded_meta, loaded = editions.load(folder)
    assert loaded_meta == meta
    assert set(loaded) == set(tables) == set(editions.TABLES)
    for name, table in tables.items():
        assert len(table), name
        # Read back as text: every value as Python writes it (66.6667, 2, True, '').
        expected = [{k: "" if pd.isna(v) else str(v) for k, v in row.items()} for row in table.to_dict("records")]
        assert list(loaded[name].columns) == list(table.columns), name
        assert loaded[name].to_dict("records") == expected, name


# --- previous(): the newest older edition ---------------------------------------------


def test_previous_picks_the_newest_older_edition_and_ignores_newer_ones(tmp_path):
    for version in ("0.8.0", "0.9.0", "0.10.0", "1.2.0"):
        (tmp_path / version).mkdir()
        (tmp_path / version / "edition.yaml").write_text(f'version: "{version}"\n', encoding="utf-8")
    (tmp_path / "0.11.0").mkdir()  # no edition.yaml: not a kept edition
    # Versions compare by number: 0.10.0 is newer than 0.9.0, though not as text.
    assert editions.previous("1.0.0", tmp_path) == tmp_path / "0.10.0"
    assert editions.previous("0.10.0", tmp_path) == tmp_path / "0.9.0"
    assert editions.previous("0.9.0", tmp_path) == tmp_path / "0.8.0"  # not itself
    assert editions.previous("0.8.0", tmp_path) is None
    assert editions.previous("1.0.0", tmp_path / "missing") is None


def test_this_edition_is_newer_than_the_stored_one_it_is_compared_with():
    version = _yaml("CITATION.cff")["version"]
    assert editions.previous(version) == STORED
    assert _yaml("data/editions/0.9.0/edition.yaml")["version"] == "0.9.0"


def test_what_changed_without_an_older_edition_lists_nothing(tmp_path, data):
    (tmp_path / "9.0.0").mkdir()
    (tmp_path / "9.0.0" / "edition.yaml").write_text('version: "9.0.0"\n', encoding="utf-8")
    before, changed, recoded = editions.what_changed(data, folder=tmp_path)
    assert before is None and changed.empty and recoded.empty


# --- why a coded sentence changed ------------------------------------------------------


def _coding(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"sentence_id": s, "code": c, "item": "", "stance": stance} for s, c, stance in rows],
        columns=["sentence_id", "code", "item", "stance"],
    )


def _source_of_document() -> dict[str, str]:
    return {d["id"]: s["id"] for s in _yaml("data/sources/sources.yaml")["sources"] for d in s["documents"]}


def _source_of(sentence_id: str) -> str:
    return _source_of_document()[sentence_id.rsplit("-p", 1)[0]]


def _records() -> tuple[list[dict], set[tuple[str, str]], set[tuple[str, str]], str]:
    """The stance audit's rows, the current round's adjudicated (sentence, code) units,
    the (source, code) cells reviewed as missed, and the current round's name."""
    audit = _csv(CODING / "stance_audit.csv")[1]
    rounds = _yaml("data/coding/reliability/protocol.yaml")["rounds"]
    current = max(rounds, key=lambda r: int(r["folder"].split("-")[1]))["folder"]
    adjudicated = {
        (r["sentence_id"], r["code"]) for r in _csv(CODING / "reliability" / current / "adjudication.csv")[1]
    }
    missed = {(r["source_id"], r["code"]) for r in _csv(CODING / "zero_review.csv")[1] if r["decision"] == "missed"}
    return audit, adjudicated, missed, current


def test_a_stance_change_of_the_audit_is_attributed_to_it_with_its_rule(data):
    audit, *_ = _records()
    changed = [r for r in audit if r["old_stance"] != r["new_stance"]]
    assert changed
    row = changed[0]
    found = editions.coding_changes(
        data,
        _coding((row["sentence_id"], row["code"], row["old_stance"])),
        _coding((row["sentence_id"], row["code"], row["new_stance"])),
    )
    assert found.to_dict("records") == [
        {
            "sentence_id": row["sentence_id"],
            "source_id": _source_of(row["sentence_id"]),
            "code": row["code"],
            "item": "",
            "old": row["old_stance"],
            "new": row["new_stance"],
            "why": f"the stance audit ({row['rule']})",
        }
    ]


def test_an_added_code_that_codebook_1_lacked_is_attributed_to_the_new_codebook(data):
    _, adjudicated, missed, _ = _records()
    book = _yaml("data/coding/codebook.yaml")
    (code, added), *_ = [(c["id"], c["added"]) for d in book["dimensions"] for c in d["codes"] if "added" in c]
    assert added.split(".")[0] != "1"
    sentence = "CA-2019-p004-s01"  # a sentence that no review or adjudication touches for this code
    assert (sentence, code) not in adjudicated and (_source_of(sentence), code) not in missed
    found = editions.coding_changes(data, _coding(), _coding((sentence, code, "endorses")))
    assert list(zip(found["old"], found["new"], found["why"], strict=True)) == [
        ("absent", "endorses", f"a code new in codebook {added}")
    ]
    assert added == "2.0.0"  # so the reason reads "a code new in codebook 2.0.0"


def test_other_coding_changes_are_attributed_to_the_review_the_adjudication_or_recoding(data):
    audit, adjudicated, missed, current = _records()
    audited = {(r["sentence_id"], r["code"]) for r in audit}
    # A code added where the review of a 'not raised' cell found it missed.
    source, code = sorted(missed)[0]
    sentence = next(
        s.id
        for d in data.documents.values()
        if _source_of_document()[d.id] == source
        for p in d.paragraphs
        if p.kind != "heading"
        for s in p.sentences
        if (s.id, code) not in audited | adjudicated
    )
    # A unit the current round adjudicated, which the audit did not touch.
    adjudged = sorted(adjudicated - audited)[0]
    # A unit nothing records: a plain recoding.
    plain = ("CA-2019-p004-s02", "enf_partnerships")
    assert plain not in audited | adjudicated
    old = _coding((adjudged[0], adjudged[1], "endorses"), (plain[0], plain[1], "endorses"))
    new = _coding((sentence, code, "describes"), (adjudged[0], adjudged[1], "describes"))
    found = editions.coding_changes(data, old, new).set_index(["sentence_id", "code"])
    assert found.loc[(sentence, code), ["old", "new", "why"]].tolist() == [
        "absent",
        "describes",
        "the review of a 'not raised' cell",
    ]
    assert found.loc[adjudged, "why"] == f"the reliability adjudication (round {current.split('-')[1]})"
    # Removed: the new edition has no such code on the sentence.
    assert found.loc[plain, ["old", "new", "why"]].tolist() == ["endorses", "absent", "recoding"]
    assert len(found) == 3


def test_an_unchanged_coding_gives_no_coding_changes(data):
    coded = _coding(
        ("CA-2019-p004-s01", "thr_opioids", "endorses"), ("CA-2019-p004-s02", "enf_partnerships", "implements")
    )
    assert editions.coding_changes(data, coded, coded.copy()).empty


# --- the appendix's sentences count what the tables hold --------------------------------


def test_change_figures_count_the_rows_by_kind_and_by_reason(data):
    changed = pd.DataFrame(
        {
            "kind": ["index score", "ordering", "index score"],
            "what": ["a", "b", "c"],
            "old": ["1", "2", "3"],
            "new": ["4", "5", "6"],
            "why": ["x", "y", "z"],
        }
    )
    recoded = pd.DataFrame(
        {
            "sentence_id": ["s1", "s2", "s3"],
            "source_id": ["A", "A", "B"],
            "code": ["c", "c", "d"],
            "old": ["endorses", "absent", "implements"],
            "new": ["describes", "endorses", "endorses"],
            "why": ["the stance audit (pledge)", "recoding", "the stance audit (pledge)"],
        }
    )
    figures = editions.change_figures(data, {"version": "0.9.0"}, changed, recoded)
    assert figures["before"] == "0.9.0"
    assert figures["now"] == str(_yaml("CITATION.cff")["version"])
    summary = repr(figures["changes"])
    assert "2 index scores" in summary and "1 ordering" in summary and "1 orderings" not in summary
    recoded_text = repr(figures["recoded"])
    assert recoded_text.startswith("3 ")
    assert "2 through the stance audit (pledge)" in recoded_text and "1 through recoding" in recoded_text
    assert editions.change_figures(data, None, changed.iloc[:0], recoded.iloc[:0])["before"] == "none"
