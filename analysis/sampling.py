"""The reliability sample: a stratified random sample of sentences per document.

Drawn once, before any coding existed, and stored with its seed in
data/coding/reliability/; this module re-draws it so the tests can prove the
stored sample is exactly what the recorded seed and rule give.
"""

from __future__ import annotations

import math

import numpy as np

from analysis import corpus

SEED = 20261122
SHARE = 0.25  # of each document's sentences (the method asks for at least 20%)


def draw_sample(seed: int = SEED, share: float = SHARE) -> list[str]:
    """Sentence ids, per document ceil(share × all sentences), drawn from non-heading sentences."""
    rng = np.random.default_rng(seed)
    chosen = []
    for document in corpus.load_documents():
        codable = [s.id for s in corpus.body_sentences(document)]
        size = math.ceil(share * len(document.sentences))
        picks = rng.choice(len(codable), size=size, replace=False)
        chosen += [codable[i] for i in sorted(picks)]
    return chosen
