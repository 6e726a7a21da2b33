"""Salience: how much of each source's text raises each code, normalised for length.

The documents differ about fivefold in length, so raw counts would rank the
sources by length, not by emphasis. The unit is the non-heading sentence: a
code's salience in a source is the share of the source's non-heading sentences
that carry it, and the count per 1,000 words. A source's documents are pooled by
sentences. Stances are counted within each code, and so never added across
dimensions.

Sentences of one text are not independent draws (a theme recurs within a
paragraph), so the 95% intervals come from a seeded bootstrap that resamples
whole paragraphs within each document, and a difference between two sources is
read off the same resamples. The counts are integers throughout, so the
intervals do not depend on the machine's floating-point kernels.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import coding, corpus

STANCE_ORDER = ("endorses", "implements", "describes", "questions")
LEVEL = 0.95
BOOTSTRAP_SEED = 20261202
BOOTSTRAP_DRAWS = 2000
# How a stance reads in a count ("13 endorse, 5 describe"): (one sentence, several).
STANCE_VERB = {
    "endorses": ("endorses", "endorse"),
    "implements": ("implements", "implement"),
    "describes": ("describes", "describe"),
    "questions": ("questions", "question"),
}
# For a threat, a stance is about the threat itself: presented as real, only named, or doubted.
THREAT_VERB = {
    "endorses": ("affirms it", "affirm it"),
    "describes": ("only names it", "only name it"),
    "questions": ("doubts it", "doubt it"),
    "implements": ("implements", "implement"),
}


@dataclass(frozen=True)
class Bootstrap:
    """Resampled shares and rates: draws × sources × units (codes or items), with the
    order of sources and units along the axes."""

    sources: tuple[str, ...]
    units: tuple[str, ...]
    counts: np.ndarray  # sentences carrying the unit (integers)
    shares: np.ndarray
    rates: np.ndarray

    def share_draws(self, source_id: str, unit: str) -> np.ndarray:
        return self.shares[:, self.sources.index(source_id), self.units.index(unit)]

    def rate_draws(self, source_id: str, unit: str) -> np.ndarray:
        return self.rates[:, self.sources.index(source_id), self.units.index(unit)]

    def cosine_draws(self, source_a: str, source_b: str) -> np.ndarray:
        """The two sources' profile similarity in every resample, from integer counts
        (a profile's shares are its counts over one denominator, so the cosine is the same)."""
        a = self.counts[:, self.sources.index(source_a), :]
        b = self.counts[:, self.sources.index(source_b), :]
        norms = np.sqrt(((a * a).sum(axis=1) * (b * b).sum(axis=1)).astype(float))
        with np.errstate(invalid="ignore", divide="ignore"):
            return (a * b).sum(axis=1) / norms


def _tagged(annotations: pd.DataFrame, sources: pd.DataFrame, body: set[str]) -> pd.DataFrame:
    source_of = {doc: row.source_id for row in sources.itertuples() for doc in row.documents.split()}
    coded = annotations[annotations["sentence_id"].isin(body)]
    return coded.assign(source_id=coded["document_id"].map(source_of))


def salience(
    annotations: pd.DataFrame,
    sources: pd.DataFrame,
    units: pd.DataFrame,
    body: set[str],
    boot: Bootstrap,
    unit: str = "code",
) -> pd.DataFrame:
    """One row per source × unit (units in codebook order, sources in time order), zero
    rows included: a code a source does not raise is 'not raised', not opposed.

    ``annotations`` needs document_id, sentence_id, stance and the ``unit`` column
    (``code``, or ``item`` for threat items); ``sources`` needs source_id, source,
    documents (space-separated ids), words, body_sentences; ``units`` needs the ``unit``
    column, label and dimension (and code, the family, for items); ``body`` is the set
    of non-heading sentence ids; ``boot`` the paragraph bootstrap of the same units.
    Annotations on headings are not counted.
    """
    coded = _tagged(annotations, sources, body)
    rows = []
    for source in sources.itertuples():
        mine = coded[coded["source_id"] == source.source_id]
        for entry in units.itertuples():
            key = getattr(entry, unit)
            hits = mine[mine[unit] == key]
            count = hits["sentence_id"].nunique()
            share = count / source.body_sentences if source.body_sentences else float("nan")
            draws = boot.share_draws(source.source_id, key)
            rates = boot.rate_draws(source.source_id, key)
            share_low, share_high = interval(draws)
            rate_low, rate_high = interval(rates)
            stances = hits.drop_duplicates("sentence_id")["stance"].value_counts()
            rows.append(
                {
                    "source_id": source.source_id,
                    "source": source.source,
                    "dimension": entry.dimension,
                    **({"code": entry.code} if unit != "code" else {}),
                    unit: key,
                    "label": entry.label,
                    "sentences": count,
                    "body_sentences": source.body_sentences,
                    "words": source.words,
                    "share": share,
                    "share_low": share_low,
                    "share_high": share_high,
                    "per_1000_words": 1000 * count / source.words,
                    "per_1000_words_low": rate_low,
                    "per_1000_words_high": rate_high,
                    "design_effect": design_effect(draws, share, source.body_sentences),
                    **{stance: int(stances.get(stance, 0)) for stance in STANCE_ORDER},
                }
            )
    return pd.DataFrame(rows)


def design_effect(draws: np.ndarray, share: float, sentences: int) -> float:
    """How much wider paragraph resampling makes the share's variance than treating
    sentences as independent (binomial): var(draws) / (p(1 − p) / n); nan for 0 or 1."""
    if not 0 < share < 1:
        return float("nan")
    return float(draws.var() / (share * (1 - share) / sentences))


def body_paragraphs(data) -> pd.DataFrame:
    """Every paragraph that holds non-heading sentences: its document, sentence ids,
    number of sentences and words (the units the bootstrap resamples)."""
    rows = []
    for document in data.documents.values():
        for paragraph in document.paragraphs:
            if paragraph.kind == "heading":
                continue
            rows.append(
                {
                    "document_id": document.id,
                    "sentence_ids": tuple(s.id for s in paragraph.sentences),
                    "sentences": len(paragraph.sentences),
                    "words": corpus.word_count(paragraph.text),
                }
            )
    return pd.DataFrame(rows)


def document_rng(seed: int, document_id: str) -> np.random.Generator:
    """A generator of the document's own, so adding a document leaves others' resamples alone."""
    return np.random.default_rng([seed, int(hashlib.sha256(document_id.encode("utf-8")).hexdigest()[:8], 16)])


def paragraph_bootstrap(
    annotations: pd.DataFrame,
    sources: pd.DataFrame,
    paragraphs: pd.DataFrame,
    document_words: dict[str, int],
    units: list[str],
    unit: str = "code",
    seed: int = BOOTSTRAP_SEED,
    draws: int = BOOTSTRAP_DRAWS,
) -> Bootstrap:
    """Resample each document's paragraphs with replacement (as many as it has), pool a
    source's documents, and recompute every unit's share of sentences and rate per
    1,000 words. Headings are kept as they are (their words count towards the rate).

    ``paragraphs`` is ``body_paragraphs(data)`` (or a frame like it); ``document_words``
    the words of each whole document."""
    carried = annotations.drop_duplicates(["sentence_id", unit]).groupby("sentence_id")[unit].apply(set).to_dict()
    position = {u: j for j, u in enumerate(units)}
    source_ids = list(sources["source_id"])
    counts = np.zeros((draws, len(source_ids), len(units)), dtype=np.int64)
    sentences = np.zeros((draws, len(source_ids)), dtype=np.int64)
    words = np.zeros((draws, len(source_ids)), dtype=np.int64)
    for s, source in enumerate(sources.itertuples()):
        for document_id in source.documents.split():
            mine = paragraphs[paragraphs["document_id"] == document_id]
            matrix = np.zeros((len(mine), len(units)), dtype=np.int64)
            for p, ids in enumerate(mine["sentence_ids"]):
                for sentence_id in ids:
                    for value in carried.get(sentence_id, ()):
                        if value in position:
                            matrix[p, position[value]] += 1
            picks = document_rng(seed, document_id).multinomial(len(mine), np.full(len(mine), 1 / len(mine)), draws)
            counts[:, s, :] += picks @ matrix  # integer products: exact on any machine
            sentences[:, s] += picks @ mine["sentences"].to_numpy(dtype=np.int64)
            heading_words = document_words[document_id] - int(mine["words"].sum())
            words[:, s] += picks @ mine["words"].to_numpy(dtype=np.int64) + heading_words
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = counts / sentences[:, :, None]
        rates = 1000 * counts / words[:, :, None]
    return Bootstrap(tuple(source_ids), tuple(units), counts, shares, rates)


def interval(draws: np.ndarray) -> tuple[float, float]:
    """The central 95% of a bootstrap distribution."""
    tail = 100 * (1 - LEVEL) / 2
    return float(np.percentile(draws, tail)), float(np.percentile(draws, 100 - tail))


def difference(boot: Bootstrap, a: tuple[str, str], b: tuple[str, str]) -> tuple[float, float]:
    """95% interval of share(a) − share(b), each a (source, unit), over the same resamples:
    two sources' paragraphs are resampled independently; two units of one source are
    read off the same resample (a paired difference)."""
    return interval(boot.share_draws(*a) - boot.share_draws(*b))


def stance_mix(row) -> str:
    """How a cell's sentences split by stance: '25 sentences: 13 endorse, 5 describe,
    7 question'; '4 sentences: all endorse'; '1 sentence: describes'. For a threat the
    stance is about the threat: '15 sentences: all affirm it'."""
    verbs = THREAT_VERB if getattr(row, "dimension", "") == "threats" else STANCE_VERB
    counts = {s: n for s in STANCE_ORDER if (n := getattr(row, s))}
    noun = "sentence" if row.sentences == 1 else "sentences"
    if not counts:
        return f"{row.sentences} {noun}"
    if len(counts) == 1:
        (stance,) = counts
        return (
            f"1 {noun}: {verbs[stance][0]}" if row.sentences == 1 else f"{row.sentences} {noun}: all {verbs[stance][1]}"
        )
    return f"{row.sentences} {noun}: " + ", ".join(f"{n} {verbs[s][n > 1]}" for s, n in counts.items())


def body_ids(data) -> set[str]:
    """Ids of every non-heading sentence of the corpus."""
    return {s.id for d in data.documents.values() for s in corpus.body_sentences(d)}


def evidence_quotes(data, annotations: pd.DataFrame, sources: pd.DataFrame, body: set[str]) -> pd.DataFrame:
    """Every annotation on a non-heading sentence (those the counts count) with its
    source, its reading text and its place, in document order."""
    annotations = annotations[annotations["sentence_id"].isin(body)]
    source_of = {doc: row.source_id for row in sources.itertuples() for doc in row.documents.split()}
    order = {doc: i for i, doc in enumerate(data.documents)}
    quotes = annotations.assign(
        source_id=annotations["document_id"].map(source_of),
        reading=[coding.reading(data, r.document_id, r.quote) for r in annotations.itertuples()],
        paragraph=annotations["paragraph_id"].str.rsplit("-p", n=1).str[1].astype(int),
        _doc=annotations["document_id"].map(order),
    )
    quotes = quotes.sort_values(["_doc", "start"], kind="stable").drop(columns="_doc")
    return quotes.reset_index(drop=True)


def representative_quote(quotes: pd.DataFrame, unit: str = "code") -> pd.DataFrame:
    """One quote per source × unit for tooltips: of the stance the source takes most
    often on it (ties: endorses, implements, describes, questions), the first in
    document order."""
    rank = {s: i for i, s in enumerate(STANCE_ORDER)}
    counts = quotes.groupby(["source_id", unit, "stance"]).size().rename("n").reset_index()
    counts["stance_rank"] = counts["stance"].map(rank)
    main = counts.sort_values(["source_id", unit, "n", "stance_rank"], ascending=[True, True, False, True])
    main = main.drop_duplicates(["source_id", unit])[["source_id", unit, "stance"]]
    chosen = quotes.merge(main, on=["source_id", unit, "stance"]).drop_duplicates(["source_id", unit])
    return chosen[["source_id", unit, "stance", "reading", "document_id", "paragraph", "sentence_id"]].rename(
        columns={"stance": "quote_stance", "reading": "quote", "sentence_id": "quote_sentence_id"}
    )


def dimension_salience(table: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """The rows of one dimension only: stances are read within a dimension, never across."""
    return table[table["dimension"] == dimension].reset_index(drop=True)
