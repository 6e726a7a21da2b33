"""Salience: how much of each source's text raises each code, normalised for length.

The documents differ about fivefold in length, so raw counts would rank the
sources by length, not by emphasis. The unit is the non-heading sentence: a
code's salience in a source is the share of the source's non-heading sentences
that carry it (with a Wilson 95% interval) and the count per 1,000 words (with
an exact Poisson 95% interval). A source's documents are pooled by sentences.
Stances are counted within each code, and so never added across dimensions.
"""

from __future__ import annotations

import pandas as pd
from scipy import stats

from analysis import coding, corpus

STANCE_ORDER = ("endorses", "implements", "describes", "questions")
LEVEL = 0.95


def wilson(count: int, total: int) -> tuple[float, float]:
    """Wilson score 95% interval of a share; (nan, nan) when there is no sentence at all."""
    if total == 0:
        return float("nan"), float("nan")
    interval = stats.binomtest(count, total).proportion_ci(confidence_level=LEVEL, method="wilson")
    return float(interval.low), float(interval.high)


def poisson_rate(count: int, words: int, per: int = 1000) -> tuple[float, float, float]:
    """Count per ``per`` words with its exact (Garwood) Poisson 95% interval."""
    tail = (1 - LEVEL) / 2
    low = stats.chi2.ppf(tail, 2 * count) / 2 if count else 0.0
    high = stats.chi2.ppf(1 - tail, 2 * count + 2) / 2
    scale = per / words
    return count * scale, float(low) * scale, float(high) * scale


def salience(annotations: pd.DataFrame, sources: pd.DataFrame, codes: pd.DataFrame, body: set[str]) -> pd.DataFrame:
    """One row per source × code (codes in codebook order, sources in time order),
    zero rows included: a code a source does not raise is 'not raised', not opposed.

    ``annotations`` needs document_id, sentence_id, code, stance; ``sources`` needs
    source_id, source, documents (space-separated ids), words, body_sentences;
    ``codes`` needs code, label, dimension; ``body`` is the set of non-heading
    sentence ids. Annotations on headings are not counted.
    """
    source_of = {doc: row.source_id for row in sources.itertuples() for doc in row.documents.split()}
    coded = annotations[annotations["sentence_id"].isin(body)].assign(
        source_id=lambda t: t["document_id"].map(source_of)
    )
    rows = []
    for source in sources.itertuples():
        mine = coded[coded["source_id"] == source.source_id]
        for code in codes.itertuples():
            hits = mine[mine["code"] == code.code]
            count = hits["sentence_id"].nunique()
            low, high = wilson(count, source.body_sentences)
            rate, rate_low, rate_high = poisson_rate(count, source.words)
            stances = hits.drop_duplicates("sentence_id")["stance"].value_counts()
            rows.append(
                {
                    "source_id": source.source_id,
                    "source": source.source,
                    "dimension": code.dimension,
                    "code": code.code,
                    "label": code.label,
                    "sentences": count,
                    "body_sentences": source.body_sentences,
                    "words": source.words,
                    "share": count / source.body_sentences if source.body_sentences else float("nan"),
                    "share_low": low,
                    "share_high": high,
                    "per_1000_words": rate,
                    "per_1000_words_low": rate_low,
                    "per_1000_words_high": rate_high,
                    **{stance: int(stances.get(stance, 0)) for stance in STANCE_ORDER},
                }
            )
    return pd.DataFrame(rows)


def body_ids() -> set[str]:
    """Ids of every non-heading sentence of the corpus."""
    return {s.id for d in corpus.load_documents() for s in corpus.body_sentences(d)}


def evidence_quotes(annotations: pd.DataFrame, sources: pd.DataFrame, body: set[str]) -> pd.DataFrame:
    """Every annotation on a non-heading sentence (those the counts count) with its
    source, its reading text and its place, in document order."""
    annotations = annotations[annotations["sentence_id"].isin(body)]
    source_of = {doc: row.source_id for row in sources.itertuples() for doc in row.documents.split()}
    order = {doc: i for i, doc in enumerate(d.id for d in corpus.load_documents())}
    quotes = annotations.assign(
        source_id=annotations["document_id"].map(source_of),
        reading=[coding.reading(r.document_id, r.quote) for r in annotations.itertuples()],
        paragraph=annotations["paragraph_id"].str.rsplit("-p", n=1).str[1].astype(int),
        _doc=annotations["document_id"].map(order),
    )
    quotes = quotes.sort_values(["_doc", "start"], kind="stable").drop(columns="_doc")
    return quotes.reset_index(drop=True)


def representative_quote(quotes: pd.DataFrame) -> pd.DataFrame:
    """One quote per source × code for tooltips: of the stance the source takes most
    often on the code (ties: endorses, implements, describes, questions), the first
    in document order."""
    rank = {s: i for i, s in enumerate(STANCE_ORDER)}
    counts = quotes.groupby(["source_id", "code", "stance"]).size().rename("n").reset_index()
    counts["stance_rank"] = counts["stance"].map(rank)
    main = counts.sort_values(["source_id", "code", "n", "stance_rank"], ascending=[True, True, False, True])
    main = main.drop_duplicates(["source_id", "code"])[["source_id", "code", "stance"]]
    chosen = quotes.merge(main, on=["source_id", "code", "stance"]).drop_duplicates(["source_id", "code"])
    return chosen[["source_id", "code", "stance", "reading", "document_id", "paragraph", "sentence_id"]].rename(
        columns={"stance": "quote_stance", "reading": "quote", "sentence_id": "quote_sentence_id"}
    )


def dimension_salience(table: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """The rows of one dimension only: stances are read within a dimension, never across."""
    return table[table["dimension"] == dimension].reset_index(drop=True)
