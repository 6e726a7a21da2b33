"""The reader-facing tables of `analysis.tables`, on small hand-made frames: what a
reader sees in a cell when a value is missing, an item is named, or nothing changed."""

from __future__ import annotations

import math

import pandas as pd

from analysis import tables


def test_a_missing_precision_or_alpha_reads_not_defined_and_a_number_its_stated_precision():
    agreement = pd.DataFrame(
        {
            "dimension": ["enforcement", "threats"],
            "human_codes": [4, 0],
            "keyword_codes": [2, 0],
            "true_positives": [1, 0],
            "precision": [0.5, math.nan],
            "recall": [0.25, None],
        }
    )
    shown = tables.keyword_table(agreement)
    assert shown["Dimension"].to_list() == ["Enforcement priorities", "Emerging threats"]
    assert shown["Precision"].to_list() == ["50%", "not defined"]
    assert shown["Recall"].to_list() == ["25%", "not defined"]


def _reliability(rows: list[tuple]) -> pd.DataFrame:
    columns = ["round", "level", "dimension", "code", "first_coder_positives", "second_coder_positives"]
    frame = pd.DataFrame(rows, columns=[*columns, "alpha"])
    return frame.assign(agreed_positives=1, reading="fair")


def test_the_per_code_table_shows_the_latest_round_only_and_codes_used_often_enough():
    # newest round first, as measures.reliability_results orders them
    reliability = _reliability(
        [
            ("round-2", "code", "enforcement", "enf_a", 3, 1, 0.812),
            ("round-1", "code", "enforcement", "enf_a", 5, 5, 0.5),
            ("round-2", "code", "enforcement", "enf_b", 2, 2, math.nan),
            ("round-2", "code", "harm_reduction", "hr_c", 0, 4, math.nan),
        ]
    )
    shown = tables.code_reliability_table(reliability)
    assert shown["Code"].to_list() == ["enf_a", "hr_c"]  # enf_b: used twice by each coder, under 3
    assert shown["α"].to_list() == ["0.81", "not defined"]
    assert shown["Coded by first"].to_list() == [3, 0]


def test_a_changed_coding_names_its_threat_item_and_links_its_sentence():
    audit = pd.DataFrame(
        {
            "sentence_id": ["CA-2019-p004-s01", "CE-2024-p010-s02", "DU-2020-p003-s01"],
            "code": ["thr_opioids", "enf_supply_disruption", "hr_naloxone"],
            "item": ["fentanyl", "", ""],
            "old_stance": ["endorses", "endorses", "describes"],
            "new_stance": ["describes", "describes", "describes"],
            "rule": ["R1", "R2", "R3"],
            "reason": ["a pledge", "a contrast", "unchanged"],
        }
    )
    shown = tables.audit_changes(audit)
    assert shown["Code"].to_list() == ["thr_opioids (fentanyl)", "enf_supply_disruption"]
    assert shown["Sentence url"].to_list() == [
        "reader/CA-2019.html#CA-2019-p004-s01",
        "reader/CE-2024.html#CE-2024-p010-s02",
    ]
    assert shown["Why"].to_list() == ["R1: a pledge", "R2: a contrast"]
    # an edition's changes are shown in the appendix, one folder down; without items, the code alone
    changes = audit.drop(columns="item").rename(columns={"old_stance": "old", "new_stance": "new", "rule": "why"})
    shown = tables.coding_changes(changes)
    assert shown["Code"].to_list() == ["thr_opioids", "enf_supply_disruption", "hr_naloxone"]
    assert shown["Sentence url"][0] == "../reader/CA-2019.html#CA-2019-p004-s01"


def test_no_changed_key_finding_says_none():
    changes = pd.DataFrame(
        {"kind": ["coding"], "what": ["x"], "old": ["a"], "new": ["b"], "why": ["c"]},
    )
    assert tables.key_finding_changes(changes).data == "<p>None.</p>"
    changes.loc[1] = [tables.KEY_FINDING, "the ranking", "A < B", "B < A", "re-read"]
    shown = tables.key_finding_changes(changes).data
    assert shown.startswith('<dl class="key-finding-changes"><dt>The ranking</dt>')
    assert "<strong>Was:</strong> A &lt; B" in shown and "<strong>Now:</strong> B &lt; A" in shown


def _code(code_id: str, **extra) -> dict:
    example = {"quote": "a quote", "document": "CA-2019"}
    fields = {"label": f"{code_id} label", "definition": "d", "include": [], "exclude": [], "keywords": []}
    return {"id": code_id, **fields, "example": example, **extra}


def test_a_threat_code_card_names_every_enforcement_code_that_is_the_same_thing():
    book = {
        "dimensions": [
            {"id": "threats", "codes": [_code("thr_a", enforcement_codes=["enf_x", "enf_y"]), _code("thr_b")]}
        ]
    }
    cards = tables.codebook_cards(book, "threats").data
    first, second = cards.split('<div class="code-card" id="code-thr_b">')
    assert "<dt>Same thing as</dt><dd>enf_x, enf_y (for 'first named')</dd>" in first
    assert "Same thing as" not in second


def _salience_rows(rows: list[tuple]) -> pd.DataFrame:
    """(source, code, short, sentences, absence) -> a salience table's columns the grids read."""
    frame = pd.DataFrame(rows, columns=["source", "code", "short", "sentences", "absence"])
    return frame.assign(
        label=frame["code"].str.upper(),
        share=frame["sentences"] / 10,
        share_low=0.0,
        share_high=0.5,
        stance_mix=[f"{n} sentences" for n in frame["sentences"]],
        per_1000_words=frame["sentences"] * 1.5,
        evidence_url=[f"evidence/x.html#ev-{s}-{c}" for s, c in zip(frame["source"], frame["code"], strict=True)],
    )


def test_the_grid_shows_each_cell_its_share_or_how_its_silence_was_checked():
    table = _salience_rows(
        [
            ("Alpha", "c1", "Street dealing", 2, ""),
            ("Alpha", "c2", "", 0, "not raised (reviewed)"),
            ("Beta", "c1", "Street dealing", 0, ""),
            # Beta has no row for c2 at all
        ]
    )
    grid = tables.enforcement_grid(table)
    assert list(grid.columns) == ["Priority", "Alpha", "Alpha url", "Beta", "Beta url"]
    # a row is named by its short label, or by its code when it has none
    assert grid["Priority"].to_list() == ["Street dealing", "c2"]
    assert grid["Alpha"].to_list() == ["20% (2 sentences)", "not raised (reviewed)"]
    assert grid["Beta"].to_list() == ["not raised", "not raised"]
    assert grid["Alpha url"].to_list() == ["evidence/x.html#ev-Alpha-c1", "evidence/x.html#ev-Alpha-c2"]
    assert grid["Beta url"].to_list() == ["evidence/x.html#ev-Beta-c1", ""]


def test_the_top_priorities_leave_out_what_a_source_does_not_raise_and_share_a_tied_rank():
    table = _salience_rows(
        [
            ("Alpha", "c1", "", 5, ""),
            ("Alpha", "c2", "", 1, ""),
            ("Alpha", "c3", "", 1, ""),
            ("Alpha", "c4", "", 0, ""),
            ("Beta", "c1", "", 0, ""),
            ("Beta", "c2", "", 3, ""),
        ]
    )
    top = tables.enforcement_top(table)
    # Alpha: c1 first; c2 and c3 both one sentence, second equal; c4 not raised, not ranked.
    assert top[["Source", "Rank", "Priority"]].values.tolist() == [
        ["Alpha", "1", "C1"],
        ["Alpha", "2=", "C2"],
        ["Alpha", "2=", "C3"],
        ["Beta", "1", "C2"],
    ]
    assert top["Share of sentences (95% interval)"][0] == "50% (0%–50%)"
    assert top["Per 1,000 words"][0] == "7.5"


def test_an_indicator_of_several_codes_names_each_and_links_the_first():
    codes = pd.DataFrame({"code": ["hr_a", "hr_b", "hr_c"], "label": ["Naloxone", "Drug checking", "Diversion"]})
    index = {
        "indicators": [
            {"label": "Overdose response", "codes": ["hr_a", "hr_b"], "weight": 3},
            {"label": "Diversion", "codes": ["hr_c"], "weight": 1},
        ]
    }
    rubric = tables.index_rubric(index, codes)
    assert rubric["Codes"].to_list() == ["Naloxone; Drug checking", "Diversion"]
    assert rubric["Codes url"][0] == "appendix/codebook.html#code-hr_a"
    assert rubric["Share of the index"].to_list() == ["3 of 4 (75.0%)", "1 of 4 (25.0%)"]
