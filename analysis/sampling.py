"""The reliability sample: a stratified random sample of sentences per document.

The first draw (2026-11-22) took the first documents in one pass of one seeded
generator, before any coding existed; later documents each get a generator of
their own, seeded by the recorded seed and the document id. So adding a document
never changes the stored sample of the others, and every document's sample is
still exactly what the recorded rule gives, which the tests and `validate` check.
The seed and the first draw's documents are data, in reliability/protocol.yaml.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np

from analysis import corpus
from analysis.datafiles import load_yaml
from analysis.paths import DATA_DIR

PROTOCOL = DATA_DIR / "coding" / "reliability" / "protocol.yaml"
SHARE = 0.25  # of each document's sentences (the method asks for at least 20%)


def protocol() -> dict:
    return load_yaml(PROTOCOL.read_text(encoding="utf-8"))["sample"]


def rounds() -> list[dict]:
    """The rounds of the blind second coding, oldest first, as protocol.yaml records them."""
    return load_yaml(PROTOCOL.read_text(encoding="utf-8"))["rounds"]


def document_seed(seed: int, document_id: str) -> list[int]:
    """A generator seed of a document's own: stable, whatever else is in the corpus."""
    return [seed, int(hashlib.sha256(document_id.encode("utf-8")).hexdigest()[:8], 16)]


def _pick(document: corpus.Document, rng: np.random.Generator, share: float) -> list[str]:
    codable = [s.id for s in corpus.body_sentences(document)]
    size = min(len(codable), math.ceil(share * len(document.sentences)))
    return [codable[i] for i in sorted(rng.choice(len(codable), size=size, replace=False))]


def draw_sample(data, seed: int | None = None, share: float = SHARE) -> list[str]:
    """Sentence ids in metadata order: per document ceil(share × all its sentences),
    drawn from its non-heading sentences."""
    recorded = protocol()
    seed = recorded["seed"] if seed is None else seed
    documents = list(data.documents.values())
    by_id = {d.id: d for d in documents}
    chosen: dict[str, list[str]] = {}
    first_pass = np.random.default_rng(seed)
    for document_id in recorded["first_draw"]:
        if document_id in by_id:
            chosen[document_id] = _pick(by_id[document_id], first_pass, share)
    for document in documents:
        if document.id not in chosen:
            chosen[document.id] = _pick(document, np.random.default_rng(document_seed(seed, document.id)), share)
    return [sentence_id for document in documents for sentence_id in chosen[document.id]]
