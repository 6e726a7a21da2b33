"""Measures computed from the corpus and the coding: the numbers the prose quotes."""

from __future__ import annotations

import pandas as pd


def corpus_summary(documents: pd.DataFrame) -> dict[str, int]:
    """Headline counts of the corpus, for glueing into the introduction."""
    return {
        "n_sources": int(documents["source_id"].nunique()),
        "n_documents": len(documents),
        "n_words": int(documents["words"].sum()),
        "n_sentences": int(documents["sentences"].sum()),
        "first_year": int(documents["reference_year"].min()),
        "last_year": int(documents["reference_year"].max()),
        "min_words": int(documents["words"].min()),
        "max_words": int(documents["words"].max()),
    }
