"""The stance audit and the review of 'not raised' cells: each decision is kept by the
final coding, or named by file, row and column; and the method chapter's counts of both.
Small audit and review files are written in tmp_path; the final coding, the current
round's adjudication and the salience tables are hand-made stand-ins."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import coding, results, review
from analysis.loaded import Loaded

AUDIT_HEADER = "sentence_id,code,checked_because,old_stance,auditor_1,auditor_2,new_stance,rule,contrast,reason\n"
REVIEW_HEADER = "source_id,code,item,candidates_read,decision,reason\n"
ADJUDICATION_HEADER = "sentence_id,code,item,first,second,decision,reason\n"
A, B, C = "CA-2019-p005-s03", "CA-2019-p027-s03", "CA-2019-p040-s01"  # sentences of the corpus
STANCES = "['endorses', 'implements', 'describes', 'questions']"


def enum_problem(value: str, row: int, field: str, column: int) -> str:
    """The start of Frictionless' message for a cell outside its field's allowed values."""
    return (
        f'The cell "{value}" in row at position "{row}" and field "{field}" at position "{column}" '
        'does not conform to a constraint: constraint "enum" is "'
    )


def test_the_project_audit_and_review_pass(data):
    assert review.validate_stance_audit(data) == []
    assert review.validate_zero_review(data, results.salience_table(data), results.item_table(data)) == []


# --- the stance audit ---------------------------------------------------------------------------

# The final coding: A carries enf_partnerships (implements) and enf_capacity_training still
# as implements; B carries enf_partnerships; C carries enf_supply_disruption (endorses).
FINAL = [
    (A, "enf_partnerships", "", "implements"),
    (A, "enf_capacity_training", "", "implements"),
    (B, "enf_partnerships", "", "endorses"),
    (C, "enf_supply_disruption", "", "endorses"),
]
AUDIT_ROWS = (
    f"{A},enf_partnerships,implements,implements,implements,implements,implements,own-practice,no,Own work.\n"  # 2
    f"{A},enf_capacity_training,implements,implements,endorses,endorses,endorses,pledge,no,A pledge.\n"  # 3
    f"{B},hr_naloxone,harm-reduction endorses,endorses,describes,describes,describes,passing-mention,no,Aside.\n"  # 4
    f"{C},enf_supply_disruption,contrast word,endorses,describes,describes,describes,contrast,yes,Set apart.\n"  # 5
)


@pytest.fixture
def audit(tmp_path, monkeypatch):
    """The final coding (FINAL), and a current-round adjudication that settled only C's
    enf_supply_disruption; returns a writer of the audit file."""
    monkeypatch.setattr(
        coding, "load_annotations", lambda data: pd.DataFrame(FINAL, columns=["sentence_id", "code", "item", "stance"])
    )
    adjudication = tmp_path / "adjudication.csv"
    adjudication.write_text(
        ADJUDICATION_HEADER + f"{C},enf_supply_disruption,,endorses,describes,endorses,Stated as the objective.\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(coding, "ADJUDICATION", adjudication)

    def write(rows: str):
        path = tmp_path / "stance_audit.csv"
        path.write_text(AUDIT_HEADER + rows, encoding="utf-8")
        return path

    return write


def located(problems, path=None) -> list[tuple[int, int, str]]:
    """(row, column, message) of each problem; with ``path``, each must name that file."""
    assert path is None or all(p.path == path for p in problems), [p.path for p in problems]
    return [(p.row, p.column, p.message) for p in problems]


def test_a_decided_stance_the_final_coding_lacks_is_reported_at_its_row_and_column(audit, data):
    """Row 2 is kept (implements); row 3 decided endorses but annotations.csv still has
    implements (new_stance, column 7); row 4 audited a code B does not carry (code,
    column 2); row 5 differs too, but the current round adjudicated that unit."""
    path = audit(AUDIT_ROWS)
    assert located(review.validate_stance_audit(data, path), path) == [
        (3, 7, f"('{A}', 'enf_capacity_training'): annotations.csv has 'implements'"),
        (4, 2, f"('{B}', 'hr_naloxone'): annotations.csv has no such code"),
    ]


def test_a_unit_is_exempt_only_when_the_current_round_adjudicated_it(audit, tmp_path, data):
    """Without the adjudication row, C's audited describes is checked and fails; an
    adjudication of another code on the same sentence does not exempt it."""
    path = audit(AUDIT_ROWS.split("\n")[3] + "\n")  # row 2: C's enf_supply_disruption
    assert located(review.validate_stance_audit(data, path)) == []
    coding.ADJUDICATION.write_text(
        ADJUDICATION_HEADER + f"{C},enf_partnerships,,absent,endorses,absent,Not partnership work.\n",
        encoding="utf-8",
    )
    assert located(review.validate_stance_audit(data, path)) == [
        (2, 7, f"('{C}', 'enf_supply_disruption'): annotations.csv has 'endorses'")
    ]


def test_rows_after_an_exempt_unit_are_still_checked(audit, data):
    """C's unit (row 2) is exempt by the adjudication; A's capacity row (3) after it still fails."""
    rows = AUDIT_ROWS.split("\n")
    path = audit(rows[3] + "\n" + rows[1] + "\n")
    assert located(review.validate_stance_audit(data, path)) == [
        (3, 7, f"('{A}', 'enf_capacity_training'): annotations.csv has 'implements'")
    ]


@pytest.mark.parametrize(
    ("old", "new", "field", "column"),
    [
        ("own-practice,no", "gut-feeling,no", "rule", 8),
        ("implements,implements,implements,own", "implements,implements,loves,own", "new_stance", 7),
        (
            "implements,implements,implements,implements,implements",
            "implements,cheers,implements,implements,implements",
            "old_stance",
            4,
        ),
        ("own-practice,no", "own-practice,maybe", "contrast", 9),
        ("implements,implements,implements,own", "shrugs,implements,implements,own", "auditor_1", 5),
        ("implements,implements,implements,own", "implements,yawns,implements,own", "auditor_2", 6),
    ],
)
def test_an_unknown_rule_stance_auditor_or_contrast_is_reported_by_the_schema_alone(
    audit, old, new, field, column, data
):
    """Schema problems stop the check: row 3's kept-stance problem is not reported beside it."""
    rows = AUDIT_ROWS.replace(old, new, 1)
    assert rows != AUDIT_ROWS
    value = next(cell for cell in new.split(",") if cell not in old.split(","))
    ((row, found_column, message),) = located(review.validate_stance_audit(data, audit(rows)))
    assert (row, found_column) == (2, column)
    assert message.startswith(enum_problem(value, 2, field, column))
    if field == "new_stance":
        assert message.endswith(f'{STANCES}"')


def test_an_unknown_sentence_or_code_is_reported_by_the_schema(audit, data):
    rows = AUDIT_ROWS.replace(f"{B},hr_naloxone", "CA-2019-p999-s01,hr_teleportation")  # row 4
    assert [(row, column) for row, column, _ in located(review.validate_stance_audit(data, audit(rows)))] == [
        (4, 1),
        (4, 2),
    ]


# --- the review of 'not raised' cells -----------------------------------------------------------

# What the findings show: sentences per source and code (threats codes are compared by item,
# so a threats code's own row never makes a 'not raised' cell) and per source and item.
SALIENCE = pd.DataFrame(
    [
        ("CA", "enf_online_enforcement", "enforcement", 0),
        ("CA", "enf_technology_tools", "enforcement", 0),
        ("CA", "hr_naloxone", "harm_reduction", 3),
        ("CH", "enf_online_enforcement", "enforcement", 2),
        ("CA", "thr_opioids", "threats", 0),
    ],
    columns=["source_id", "code", "dimension", "sentences"],
)
ITEMS = pd.DataFrame(
    [("CA", "thr_opioids", "fentanyl", 0), ("CA", "thr_opioids", "nitazenes", 4)],
    columns=["source_id", "code", "item", "sentences"],
)


def test_the_not_raised_cells_are_codes_outside_threats_and_threat_items_at_zero():
    assert review.zero_cells(SALIENCE, ITEMS) == {
        ("CA", "enf_online_enforcement", ""),
        ("CA", "enf_technology_tools", ""),
        ("CA", "thr_opioids", "fentanyl"),
    }


def write_review(tmp_path, rows: str):
    path = tmp_path / "zero_review.csv"
    path.write_text(REVIEW_HEADER + rows, encoding="utf-8")
    return path


def test_a_stale_not_raised_review_and_a_missed_cell_still_at_zero_are_reported(tmp_path, data):
    """Rows 2, 4, 5 and 6 agree with the coding; row 3 confirms 'not raised' for a cell
    now raised (3 sentences), row 7 says missed for a cell still at zero: both at the
    decision column (5), named by source and code, or by item for a threat."""
    rows = (
        "CA,enf_online_enforcement,,none,not raised,Nothing online.\n"  # 2
        "CA,hr_naloxone,,CA-2019-p005-s01,not raised,No naloxone.\n"  # 3: raised now
        "CA,thr_opioids,fentanyl,none,not raised,No fentanyl.\n"  # 4
        "CA,thr_opioids,nitazenes,CA-2019-p005-s01,missed,Named after all.\n"  # 5: raised now, as a miss should be
        "CH,enf_online_enforcement,,CH-2013a-p016-s02,missed,Online selling.\n"  # 6
        "CA,enf_technology_tools,,CA-2019-p005-s01,missed,A tool is named.\n"  # 7: still at zero
    )
    path = write_review(tmp_path, rows)
    problems = review.validate_zero_review(data, SALIENCE, ITEMS, path)
    assert located(problems, path) == [
        (3, 5, "CA × hr_naloxone is raised in the coding now; update the review"),
        (7, 5, "CA × enf_technology_tools: reviewed as missed, but no annotation carries it"),
    ]


def test_a_threat_item_is_named_by_its_item(tmp_path, data):
    rows = "CA,thr_opioids,nitazenes,none,not raised,No nitazenes.\nCA,thr_opioids,fentanyl,none,missed,Found.\n"
    assert located(review.validate_zero_review(data, SALIENCE, ITEMS, write_review(tmp_path, rows))) == [
        (2, 5, "CA × nitazenes is raised in the coding now; update the review"),
        (3, 5, "CA × fentanyl: reviewed as missed, but no annotation carries it"),
    ]


def test_a_review_row_must_name_its_cell_rightly_and_once(tmp_path, data):
    """A threats code needs an item of its own family; another code takes none; a cell is
    reviewed once. Each is named at its column (item 3, code 2), and the rows after a bad
    one are still checked."""
    rows = (
        "CA,thr_opioids,,none,not raised,No opioids.\n"  # 2: a threats code without its item
        "CA,thr_cocaine,fentanyl,none,not raised,No fentanyl.\n"  # 3: an item of another family
        "CA,enf_online_enforcement,fentanyl,none,not raised,R.\n"  # 4: an item on a non-threat code
        "CA,enf_online_enforcement,,none,not raised,Nothing online.\n"  # 5: fine
        "CA,enf_online_enforcement,,none,not raised,Again.\n"  # 6: the same cell again
        "CA,hr_naloxone,,none,not raised,No naloxone.\n"  # 7: after the duplicate, still checked (raised now)
    )
    path = write_review(tmp_path, rows)
    assert located(review.validate_zero_review(data, SALIENCE, ITEMS, path), path) == [
        (2, 3, "thr_opioids needs an item"),
        (3, 3, "fentanyl is not an item of thr_cocaine"),
        (4, 3, "only threats codes take an item, not enf_online_enforcement"),
        (6, 2, "CA × enf_online_enforcement is reviewed twice (row 5)"),
        (7, 5, "CA × hr_naloxone is raised in the coding now; update the review"),
    ]


@pytest.mark.parametrize(
    ("row", "field", "column", "value"),
    [
        ("XX,enf_online_enforcement,,none,not raised,R.\n", "source_id", 1, "XX"),
        ("CA,enf_teleportation,,none,not raised,R.\n", "code", 2, "enf_teleportation"),
        ("CA,thr_opioids,unicorns,none,not raised,R.\n", "item", 3, "unicorns"),
        ("CA,enf_online_enforcement,,none,maybe,R.\n", "decision", 5, "maybe"),
    ],
)
def test_an_unknown_source_code_item_or_decision_is_reported_by_the_schema(tmp_path, row, field, column, value, data):
    ((found_row, found_column, message),) = located(
        review.validate_zero_review(data, SALIENCE, ITEMS, write_review(tmp_path, row))
    )
    assert (found_row, found_column) == (2, column)
    assert message.startswith(enum_problem(value, 2, field, column))


# --- the figures the method chapter quotes ------------------------------------------------------


def test_figures_count_the_audit_and_the_review(tmp_path, monkeypatch):
    """Six audited units and four reviewed cells, counted by hand:
    changed (new differs from old): rows 2, 3, 5 -> 3; checked because of implements: 1, 2;
    harm-reduction endorses: 3, 5 (5 also for a contrast word); contrast word: 4, 5, 6;
    a real contrast (yes): 4, 5; auditors differed: 3. Reviews: 3 'not raised', 1 missed."""
    audit = tmp_path / "stance_audit.csv"
    audit.write_text(
        AUDIT_HEADER
        + f"{A},enf_partnerships,implements,implements,implements,implements,implements,own-practice,no,R.\n"  # 1
        + f"{A},enf_capacity_training,implements,implements,endorses,endorses,endorses,pledge,no,R.\n"  # 2
        + f"{B},hr_naloxone,harm-reduction endorses,endorses,endorses,describes,describes,advice,no,R.\n"  # 3
        + f"{B},enf_partnerships,contrast word,endorses,endorses,endorses,endorses,stands,yes,R.\n"  # 4
        + f'{C},hr_diversion,"harm-reduction endorses; contrast word",endorses,describes,describes,describes,'
        "contrast,yes,R.\n"  # 5
         + f"{C},enf_supply_disruption,contrast word,describes,describes,describes,describes,stands,no,R.\n",  # 6
        encoding="utf-8",
    )
    reviews = write_review(
        tmp_path,
        "CA,enf_online_enforcement,,none,not raised,R.\n"
        "CA,thr_opioids,fentanyl,none,not raised,R.\n"
        "CH,hr_naloxone,,none,missed,R.\n"
        "DU,enf_technology_tools,,none,not raised,R.\n",
    )
    monkeypatch.setattr(review, "STANCE_AUDIT", audit)
    monkeypatch.setattr(review, "ZERO_REVIEW", reviews)
    assert review.figures(Loaded()) == {
        "checked": 6,
        "changed": 3,
        "implements": 2,
        "hr_endorses": 2,
        "contrast_words": 3,
        "contrasts": 2,
        "auditors_differed": 1,
        "cells": 4,
        "missed": 1,
        "confirmed": 3,
    }
