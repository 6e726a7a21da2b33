"""Reviews of the coding that the reliability figures cannot give: the stance audit
and the review of 'not raised' cells, both kept as data.

- ``stance_audit.csv``: every implements row, every harm-reduction endorses row and
  every stance in a sentence with a contrast word, re-read by two auditors under the
  stance rules of codebook 2.0.0; the final coding follows each decision (unless a
  later reliability adjudication settled the same unit, which it then records).
- ``zero_review.csv``: every cell the findings show as 'not raised', read against the
  source's text for the same idea in other words. A cell is 'not raised (reviewed)'
  only when its review says so and the coding still agrees; a reviewed miss is now an
  annotation.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import coding, corpus
from analysis.datafiles import Problem, check_table, read_rows, table_schema
from analysis.paths import CODING_DIR

STANCE_AUDIT = CODING_DIR / "stance_audit.csv"
ZERO_REVIEW = CODING_DIR / "zero_review.csv"
NOT_RAISED, MISSED = "not raised", "missed"


def validate_stance_audit(data, path: Path = STANCE_AUDIT) -> list[Problem]:
    """Known sentences and codes; the final coding has each decided stance, unless the
    latest reliability round adjudicated the same unit."""
    sentences = [s.id for d in data.documents.values() for s in d.sentences]
    stances = list(coding.STANCES)
    schema = table_schema(
        "stance_audit",
        sentence_id=sentences,
        code=list(coding.codes(data)["code"]),
        old_stance=stances,
        auditor_1=stances,
        auditor_2=stances,
        new_stance=stances,
    )
    problems = check_table(path, schema)
    if problems:
        return problems
    final = {(r.sentence_id, r.code): r.stance for r in coding.load_annotations(data).itertuples()}
    adjudicated = {(r["sentence_id"], r["code"]) for r in read_rows(coding.ADJUDICATION)}
    column = {f["name"]: i for i, f in enumerate(schema["fields"], start=1)}
    for row_number, row in enumerate(read_rows(path), start=2):
        key = (row["sentence_id"], row["code"])
        if key in adjudicated:
            continue
        if key not in final:
            problems.append(Problem(path, row_number, column["code"], f"{key}: annotations.csv has no such code"))
        elif final[key] != row["new_stance"]:
            problems.append(
                Problem(path, row_number, column["new_stance"], f"{key}: annotations.csv has {final[key]!r}")
            )
    return problems


def zero_cells(salience: pd.DataFrame, items: pd.DataFrame) -> set[tuple[str, str, str]]:
    """(source, code, item) of every cell the findings show as 'not raised': codes of the
    dimensions other than threats, and threat items."""
    codes = salience[(salience["sentences"] == 0) & (salience["dimension"] != coding.THREATS)]
    cells = {(r.source_id, r.code, "") for r in codes.itertuples()}
    return cells | {(r.source_id, r.code, r.item) for r in items[items["sentences"] == 0].itertuples()}


def _zero_review_schema(data) -> dict:
    return table_schema(
        "zero_review",
        source_id=list(corpus.sources_frame(data)["source_id"]),
        code=list(coding.codes(data)["code"]),
        item=list(coding.items(data)["item"]),
    )


def check_zero_review_table(data, path: Path = ZERO_REVIEW) -> list[Problem]:
    """The file's columns and values alone: checked before the derived tables, which read it."""
    return check_table(path, _zero_review_schema(data))


def validate_zero_review(data, salience: pd.DataFrame, items: pd.DataFrame, path: Path = ZERO_REVIEW) -> list[Problem]:
    """Known sources, codes and items; a 'not raised' review of a cell the coding now
    raises is stale; a 'missed' cell must now carry its annotation."""
    schema = _zero_review_schema(data)
    problems = check_table(path, schema)
    if problems:
        return problems
    zero = zero_cells(salience, items)
    family = dict(zip(coding.items(data)["item"], coding.items(data)["code"], strict=True))
    dimension = dict(zip(coding.codes(data)["code"], coding.codes(data)["dimension"], strict=True))
    column = {f["name"]: i for i, f in enumerate(schema["fields"], start=1)}
    first_row: dict[tuple, int] = {}
    for row_number, row in enumerate(read_rows(path), start=2):
        cell = (row["source_id"], row["code"], row["item"])
        named = f"{row['source_id']} × {row['item'] or row['code']}"
        threat = dimension[row["code"]] == coding.THREATS
        if threat and family.get(row["item"]) != row["code"]:
            message = (
                f"{row['item']} is not an item of {row['code']}" if row["item"] else f"{row['code']} needs an item"
            )
            problems.append(Problem(path, row_number, column["item"], message))
            continue
        if not threat and row["item"]:
            problems.append(
                Problem(path, row_number, column["item"], f"only threats codes take an item, not {row['code']}")
            )
            continue
        if cell in first_row:
            problems.append(
                Problem(path, row_number, column["code"], f"{named} is reviewed twice (row {first_row[cell]})")
            )
            continue
        first_row[cell] = row_number
        if row["decision"] == NOT_RAISED and cell not in zero:
            problems.append(
                Problem(path, row_number, column["decision"], f"{named} is raised in the coding now; update the review")
            )
        if row["decision"] == MISSED and cell in zero:
            problems.append(
                Problem(
                    path, row_number, column["decision"], f"{named}: reviewed as missed, but no annotation carries it"
                )
            )
    return problems


def reviewed(data) -> dict[tuple[str, str, str], dict]:
    """Each reviewed cell's review row, by (source, code, item); none before any review exists."""
    if not ZERO_REVIEW.exists():
        return {}
    return {(r["source_id"], r["code"], r["item"]): r for r in data.rows(ZERO_REVIEW)}


def audit_rows(data) -> pd.DataFrame:
    return pd.DataFrame(data.rows(STANCE_AUDIT))


def review_rows(data) -> pd.DataFrame:
    return pd.DataFrame(data.rows(ZERO_REVIEW))


def figures(data) -> dict[str, object]:
    """The numbers the method chapter quotes about the audit and the review."""
    audit = audit_rows(data)
    reviews = review_rows(data)
    because = audit["checked_because"]
    return {
        "checked": len(audit),
        "changed": int((audit["new_stance"] != audit["old_stance"]).sum()),
        "implements": int(because.str.contains("implements").sum()),
        "hr_endorses": int(because.str.contains("harm-reduction endorses").sum()),
        "contrast_words": int(because.str.contains("contrast").sum()),
        "contrasts": int((audit["contrast"] == "yes").sum()),
        "auditors_differed": int((audit["auditor_1"] != audit["auditor_2"]).sum()),
        "cells": len(reviews),
        "missed": int((reviews["decision"] == MISSED).sum()),
        "confirmed": int((reviews["decision"] == NOT_RAISED).sum()),
    }
