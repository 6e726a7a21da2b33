"""Measures computed from the corpus and the coding: the numbers the prose quotes."""

from __future__ import annotations

import pandas as pd


def corpus_summary(documents: pd.DataFrame) -> dict[str, int]:
    """Headline counts of the corpus, for glueing into the introduction."""
    return {
        "sources": int(documents["source_id"].nunique()),
        "documents": len(documents),
        "words": int(documents["words"].sum()),
        "sentences": int(documents["sentences"].sum()),
        "first": int(documents["reference_year"].min()),
        "last": int(documents["reference_year"].max()),
        "min_words": int(documents["words"].min()),
        "max_words": int(documents["words"].max()),
    }


# --- coverage -------------------------------------------------------------------


def coverage(data, annotations: pd.DataFrame) -> pd.DataFrame:
    """Per document: how many sentences carry at least one code (of all, and of non-headings)."""
    from analysis import corpus

    coded = set(annotations["sentence_id"])
    rows = []
    for document in data.documents.values():
        body = [s.id for s in corpus.body_sentences(document)]
        all_ids = [s.id for s in document.sentences]
        n_coded = sum(1 for i in all_ids if i in coded)
        rows.append(
            {
                "document_id": document.id,
                "sentences": len(all_ids),
                "headings": len(all_ids) - len(body),
                "coded": n_coded,
                "share_coded": n_coded / len(all_ids),
                "share_of_non_headings_coded": sum(1 for i in body if i in coded) / len(body),
            }
        )
    return pd.DataFrame(rows)


# --- reliability ----------------------------------------------------------------

RELIABLE, TENTATIVE = 0.80, 0.667


def read_alpha(alpha: float | None) -> str:
    """Krippendorff's conventional reading of an alpha value."""
    if alpha is None:
        return "not defined"
    if alpha >= RELIABLE:
        return "reliable (≥ .80)"
    if alpha >= TENTATIVE:
        return "tentative (≥ .667)"
    return "unreliable (< .667)"


def nominal_alpha(first: list, second: list) -> float | None:
    """Krippendorff's alpha for two coders, nominal; None where it is not defined
    (fewer than two values in the data, so no disagreement is possible to measure)."""
    import krippendorff
    import numpy as np

    values = sorted(set(first) | set(second))
    if len(values) < 2:
        return None
    index = {v: i for i, v in enumerate(values)}
    data = np.array([[index[v] for v in first], [index[v] for v in second]], dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def reliability(
    first: dict[tuple[str, str, str], str],
    second: dict[tuple[str, str, str], str],
    sample: list[str],
    codes: pd.DataFrame,
    items: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Alpha per dimension and per code, on the presence of each code in each sampled
    sentence (sentence × code units), plus stance agreement where both coders gave the
    code; and, when ``items`` is given, alpha on the threat items (sentence × item units).
    The codings map (sentence, code, item) to a stance; item is empty outside threats."""
    first_codes = {(s, c): stance for (s, c, _), stance in first.items()}
    second_codes = {(s, c): stance for (s, c, _), stance in second.items()}
    rows = []
    by_dimension = codes.groupby("dimension", sort=False)["code"].apply(list)
    for dimension, code_ids in by_dimension.items():
        units = [(s, c) for s in sample for c in code_ids]
        a = [int(u in first_codes) for u in units]
        b = [int(u in second_codes) for u in units]
        both = [u for u in units if u in first_codes and u in second_codes]
        stance_alpha = nominal_alpha([first_codes[u] for u in both], [second_codes[u] for u in both]) if both else None
        rows.append(_alpha_row("dimension", dimension, "", len(sample), a, b, stance_alpha, len(both)))
        for code in code_ids:
            code_units = [(s, code) for s in sample]
            a = [int(u in first_codes) for u in code_units]
            b = [int(u in second_codes) for u in code_units]
            rows.append(_alpha_row("code", dimension, code, len(sample), a, b, None, None))
    if items is not None:
        first_items = {(s, i) for (s, _, i) in first if i}
        second_items = {(s, i) for (s, _, i) in second if i}
        units = [(s, i) for s in sample for i in items["item"]]
        a = [int(u in first_items) for u in units]
        b = [int(u in second_items) for u in units]
        rows.append(_alpha_row("items", items["dimension"].iloc[0], "", len(sample), a, b, None, None))
    return pd.DataFrame(rows).astype({"stance_units": "Int64"})


def _alpha_row(level, dimension, code, sentences, a, b, stance_alpha, both):
    alpha = nominal_alpha(a, b)
    return {
        "level": level,
        "dimension": dimension,
        "code": code,
        "sentences": sentences,
        "units": len(a),
        "first_coder_positives": sum(a),
        "second_coder_positives": sum(b),
        "agreed_positives": sum(1 for x, y in zip(a, b, strict=True) if x and y),
        "alpha": alpha,
        "reading": read_alpha(alpha),
        "stance_units": both,
        "stance_alpha": stance_alpha,
    }


# --- keyword (dictionary) coder ---------------------------------------------------


def keyword_coding(data, codes: pd.DataFrame) -> pd.DataFrame:
    """The dictionary coder: a code for every non-heading sentence whose reading text
    (errata applied) contains one of the code's keywords as a whole word or phrase."""
    import re

    from analysis import coding

    patterns = {
        row.code: re.compile(
            r"(?<![\w-])(?:" + "|".join(re.escape(k) for k in row.keywords.split("; ")) + r")(?![\w-])"
        )
        for row in codes.itertuples()
    }
    rows = []
    for document in data.documents.values():
        for paragraph in document.paragraphs:
            if paragraph.kind == "heading":
                continue
            for sentence in paragraph.sentences:
                text = coding.corrected(data, document.id, sentence.text).lower()
                rows += [{"sentence_id": sentence.id, "code": c} for c, p in patterns.items() if p.search(text)]
    return pd.DataFrame(rows, columns=["sentence_id", "code"])


def keyword_agreement(predicted: pd.DataFrame, human: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """Precision and recall of the keyword coder against the human coding, per dimension,
    over (sentence, code) pairs."""
    dimension_of = dict(zip(codes["code"], codes["dimension"], strict=True))
    guessed = set(zip(predicted["sentence_id"], predicted["code"], strict=True))
    truth = set(zip(human["sentence_id"], human["code"], strict=True))
    rows = []
    for dimension in dict.fromkeys(codes["dimension"]):
        g = {u for u in guessed if dimension_of[u[1]] == dimension}
        t = {u for u in truth if dimension_of[u[1]] == dimension}
        hits = len(g & t)
        precision = hits / len(g) if g else None
        recall = hits / len(t) if t else None
        f1 = 2 * precision * recall / (precision + recall) if precision and recall else None
        rows.append(
            {
                "dimension": dimension,
                "human_codes": len(t),
                "keyword_codes": len(g),
                "true_positives": hits,
                "precision": precision,
                "recall": recall,
                "f1": f1,
            }
        )
    return pd.DataFrame(rows)


def reliability_results(data) -> pd.DataFrame:
    """Alpha of every round's stored first and second codings of the stored sample,
    newest round first (the round the final coding follows); each round is read
    against the codes of its codebook, and against the threat items where it coded them."""
    from analysis import coding
    from analysis.results import published

    sample = [r["sentence_id"] for r in data.rows(coding.SAMPLE)]
    codes = coding.codes(data)
    tables = []
    for folder in reversed(coding.ROUNDS):
        first_path, second_path, _ = coding.round_files(folder)
        first, second = coding.sample_codes(data.rows(first_path)), coding.sample_codes(data.rows(second_path))
        version = coding.round_codebook(folder)
        known = codes[[_version(added) <= _version(version) for added in codes["added"]]]
        items = coding.items(data) if coding.round_has_items(folder) else None
        table = reliability(first, second, sample, known, items)
        tables.append(table.assign(round=folder.name)[["round", *table.columns]])
    return published(pd.concat(tables, ignore_index=True))


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def sample_sizes(data, documents: pd.DataFrame) -> pd.DataFrame:
    """Per document: sentences, sentences sampled for the second coding, and the share."""
    from analysis import coding

    sampled = pd.Series([r["document_id"] for r in data.rows(coding.SAMPLE)]).value_counts()
    table = documents[["document_id", "sentences"]].copy()
    table["sampled"] = table["document_id"].map(sampled).fillna(0).astype(int)
    table["share"] = table["sampled"] / table["sentences"]
    return table


def adjudication_summary(data) -> pd.DataFrame:
    """How the latest round's disagreements were settled: with the first coder, the second, or otherwise."""
    from analysis import coding

    rows = data.rows(coding.ADJUDICATION)
    outcome = [
        "as the first coder"
        if r["decision"] == r["first"]
        else "as the second coder"
        if r["decision"] == r["second"]
        else "neither"
        for r in rows
    ]
    counts = pd.Series(outcome, dtype="object").value_counts()
    return pd.DataFrame({"decision": ["as the first coder", "as the second coder", "neither"]}).assign(
        disagreements=lambda t: t["decision"].map(counts).fillna(0).astype(int)
    )


def method_figures(coverage_table, reliability_table, keyword_table, sample_table, adjudication) -> dict:
    """The numbers the method chapter's prose quotes (glued, never typed): reliability of
    the latest round (``alpha``, ``stance`` by dimension, ``items_alpha``), of the first
    (``first_round`` by dimension), and the keyword coder's ``precision`` and ``recall``."""
    figures = {
        "sampled": int(sample_table["sampled"].sum()),
        "sampled_share": f"{sample_table['sampled'].sum() / sample_table['sentences'].sum():.0%}",
        "sampled_min_share": f"{sample_table['share'].min():.0%}",
        "coded": int(coverage_table["coded"].sum()),
        "coded_fraction": f"{coverage_table['coded'].sum() / coverage_table['sentences'].sum():.0%}",
        "disagreement_count": int(adjudication["disagreements"].sum()),
        "alpha": {},
        "stance": {},
        "first_round": {},
        "precision": {},
        "recall": {},
    }
    rounds = list(dict.fromkeys(reliability_table["round"]))
    latest, first = rounds[0], rounds[-1]
    for row in reliability_table[reliability_table["round"] == latest].itertuples():
        if row.level == "dimension":
            figures["alpha"][row.dimension] = _alpha(row.alpha)
            figures["stance"][row.dimension] = _alpha(row.stance_alpha)
        elif row.level == "items":
            figures["items_alpha"] = _alpha(row.alpha)
    for row in reliability_table[
        (reliability_table["round"] == first) & (reliability_table["level"] == "dimension")
    ].itertuples():
        figures["first_round"][row.dimension] = _alpha(row.alpha)
    for row in keyword_table.itertuples():
        figures["precision"][row.dimension] = _percent(row.precision)
        figures["recall"][row.dimension] = _percent(row.recall)
    return figures


def _alpha(value) -> str:
    return "not defined" if value is None or value != value else f"{value:.2f}"


def _percent(value) -> str:
    return "not defined" if value is None or value != value else f"{value:.0%}"


def uncertainty_figures(table: pd.DataFrame) -> dict[str, object]:
    """The bootstrap's settings and the design effect it found (salience cells with a
    share strictly between 0 and 1), for the method chapter."""
    from analysis import salience

    effects = table["design_effect"].dropna()
    return {
        "bootstrap_draws": f"{salience.BOOTSTRAP_DRAWS:,}",
        "bootstrap_seed": salience.BOOTSTRAP_SEED,
        "cells": len(effects),
        "median": f"{effects.median():.1f}",
        "low": f"{effects.min():.1f}",
        "high": f"{effects.max():.1f}",
        "above_one": f"{(effects > 1).mean():.0%}",
    }
