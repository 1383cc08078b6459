"""A deterministic stand-in for the model, for tests where the model is not what is tested.

The CORS, parameter, widget and API-contract tests check HTTP behaviour: status codes, headers, JSON
shapes, limits. They need an index and a searcher, not good vectors. ``HashEmbedder`` makes vectors
from hashed words (a bag of words, so a question still finds passages that share its words), needs no
model file and gives the same vectors on every machine. Retrieval quality is tested on the real model
(test_gold, test_index, test_eval).
"""

from __future__ import annotations

import re
import zlib

import numpy as np

from vraagbaak.index.embedders import Embedder

_WORD = re.compile(r"\w+")


class HashEmbedder(Embedder):
    """Words hashed into ``dim`` signed buckets; questions and passages alike."""

    spec = "fake:hash"
    model_id = "fake:hash-64"

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            h = zlib.crc32(word.encode())
            v[h % self.dim] += 1.0 if h & 1 << 31 else -1.0
        v[0] += 1e-3  # no all-zero vector: an empty bag still normalises
        return v

    def _queries(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts])

    def _passages(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts])

    def token_count(self, text: str) -> int:
        return len(_WORD.findall(text))
