"""The vector store: FAISS behind one small class that builds, saves, loads and searches.

Vectors are L2-normalised, so inner product is cosine similarity. ``flat`` is exact
search; ``hnsw<M>`` is HNSW with ``M`` links per node, for corpora past about 100,000
passages (eval/bench.md has the scale curve behind that line).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np


@dataclass(frozen=True)
class HnswParams:
    """HNSW's knobs, named. efSearch 64 gave recall@10 0.995 at 1 M vectors (eval/bench.md)."""

    m: int = 32
    ef_construction: int = 80
    ef_search: int = 64


def parse_index_type(index_type: str) -> HnswParams | None:
    """``"flat"`` -> None; ``"hnsw32"`` -> HnswParams(m=32); anything else raises ValueError."""
    if index_type == "flat":
        return None
    if index_type.startswith("hnsw") and (index_type[4:] == "" or index_type[4:].isdigit()):
        return HnswParams(m=int(index_type[4:] or HnswParams.m))
    raise ValueError(f"unknown index type {index_type!r}: use 'flat' or 'hnsw<M>'")


class VectorStore:
    """Normalised vectors in a FAISS index, searched by inner product, optionally within a set of rows."""

    def __init__(self, index: faiss.Index) -> None:
        self.index = index

    @classmethod
    def build(cls, vectors: np.ndarray, index_type: str = "flat") -> VectorStore:
        dim = vectors.shape[1]
        hnsw = parse_index_type(index_type)
        if hnsw is None:
            index = faiss.IndexFlatIP(dim)
        else:
            index = faiss.IndexHNSWFlat(dim, hnsw.m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = hnsw.ef_construction
            index.hnsw.efSearch = hnsw.ef_search
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index)

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path) -> VectorStore:
        return cls(faiss.read_index(str(path)))

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    @property
    def dim(self) -> int:
        return int(self.index.d)

    def search(self, query: np.ndarray, n: int, *, within: np.ndarray | None = None) -> np.ndarray:
        """Row ids of the ``n`` best vectors for ``query``, best first; ``within`` restricts them to those rows."""
        q = np.ascontiguousarray(query[None, :], dtype=np.float32)
        params = None
        if within is not None:
            n = min(n, len(within))
            selector = faiss.IDSelectorBatch(np.asarray(within, dtype=np.int64))
            # HNSW refuses plain SearchParameters, so it gets its own kind.
            if isinstance(self.index, faiss.IndexHNSW):
                params = faiss.SearchParametersHNSW(sel=selector, efSearch=self.index.hnsw.efSearch)
            else:
                params = faiss.SearchParameters(sel=selector)
        if n <= 0:
            return np.zeros(0, dtype=np.int64)
        _, ids = self.index.search(q, n, params=params)
        return ids[0][ids[0] >= 0]

    def vectors(self, rows: np.ndarray) -> np.ndarray:
        """The stored vectors of ``rows``."""
        return self.index.reconstruct_batch(np.asarray(rows, dtype=np.int64))
