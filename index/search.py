"""Answer a question from a loaded index: dense, BM25 or hybrid retrieval.

Query-time work is the question's embedding, a FAISS search, a BM25 pass,
fusion and a highlight from precomputed sentence vectors; nothing is re-read
or re-embedded per query besides the question itself.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import faiss
import numpy as np

from index.config import RetrievalConfig
from index.embedders import Embedder
from index.lexical import BM25Index
from index.passages import Passage
from index.store import LoadedIndex

MODES = ("dense", "bm25", "hybrid")


@dataclass
class Hit:
    passage: Passage
    rank: int
    score: float
    highlight: str

    def public(self) -> dict:
        return {**self.passage.public(), "rank": self.rank, "score": round(self.score, 6), "highlight": self.highlight}


@dataclass
class SearchResult:
    query: str
    answerable: bool
    hits: list[Hit]
    #: Seconds spent per stage: embed, search, total.
    timings: dict[str, float] = field(default_factory=dict)
    #: The best dense similarity, the signal answerability is calibrated on.
    top_similarity: float = 0.0

    def public(self) -> dict:
        return {
            "query": self.query,
            "answerable": self.answerable,
            "took_ms": round(self.timings.get("total", 0.0) * 1000, 3),
            "results": [h.public() for h in self.hits],
        }


class UnknownDocumentError(KeyError):
    """A document filter names no document of the index."""


class Searcher:
    """Retrieval over one :class:`LoadedIndex` with one :class:`Embedder`."""

    def __init__(self, index: LoadedIndex, embedder: Embedder, config: RetrievalConfig | None = None) -> None:
        self.index = index
        self.embedder = embedder
        self.config = config or RetrievalConfig()
        self.passages = index.passages
        self.bm25 = BM25Index([p.search_text for p in self.passages])
        rows: dict[str, list[int]] = {}
        for i, p in enumerate(self.passages):
            rows.setdefault(p.document.id, []).append(i)
        self.document_rows = {d: np.array(r, dtype=np.int64) for d, r in rows.items()}

    # ------------------------------------------------------------------ public

    def search(self, query: str, *, k: int = 5, document: str | None = None, mode: str | None = None) -> SearchResult:
        mode = mode or self.config.mode
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
        if document is not None and document not in self.document_rows:
            raise UnknownDocumentError(document)
        t0 = time.perf_counter()
        qvec = self.embedder.embed_query(query)  # every mode: answerability and highlights use it
        t1 = time.perf_counter()
        allowed = self.document_rows[document] if document else None
        rows, scores, dense_top = self._rank(query, qvec, mode, allowed)
        t2 = time.perf_counter()
        hits = [
            Hit(self.passages[r], rank, float(s), self._highlight(r, qvec, query))
            for rank, (r, s) in enumerate(zip(rows[:k], scores[:k], strict=False), 1)
        ]
        answerable = self._answerable(query, dense_top, hits)
        t3 = time.perf_counter()
        return SearchResult(
            query=query,
            answerable=answerable,
            hits=hits,
            timings={"embed": t1 - t0, "search": t2 - t1, "total": t3 - t0},
            top_similarity=dense_top,
        )

    # ------------------------------------------------------------------ ranking

    def _dense(self, qvec: np.ndarray, allowed: np.ndarray | None, n: int) -> tuple[np.ndarray, np.ndarray]:
        params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed)) if allowed is not None else None
        n = min(n, len(allowed) if allowed is not None else self.index.vectors.ntotal)
        scores, ids = self.index.vectors.search(qvec[None, :].astype(np.float32), n, params=params)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def _dense_scores(self, qvec: np.ndarray, rows: np.ndarray) -> np.ndarray:
        vectors = self.index.vectors.reconstruct_batch(rows)
        return vectors @ qvec

    def _rank(
        self, query: str, qvec: np.ndarray | None, mode: str, allowed: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray, float]:
        n = self.config.candidates
        dense_ids = dense_scores = None
        if qvec is not None:
            dense_ids, dense_scores = self._dense(qvec, allowed, n)
        dense_top = float(dense_scores[0]) if dense_scores is not None and len(dense_scores) else 0.0
        if mode == "dense":
            return dense_ids, dense_scores, dense_top
        lexical = self.bm25.scores(query)
        if allowed is not None:
            mask = np.full(len(lexical), -np.inf, dtype=np.float32)
            mask[allowed] = lexical[allowed]
            lexical = mask
        bm25_ids = np.argsort(-lexical, kind="stable")[:n]
        bm25_ids = bm25_ids[np.isfinite(lexical[bm25_ids])]
        if mode == "bm25":
            return bm25_ids, lexical[bm25_ids], dense_top
        pool = np.unique(np.concatenate([dense_ids, bm25_ids]))
        fused = self._fuse(pool, self._dense_scores(qvec, pool), lexical[pool])
        order = np.argsort(-fused, kind="stable")
        return pool[order], fused[order], dense_top

    def _fuse(self, pool: np.ndarray, dense: np.ndarray, lexical: np.ndarray) -> np.ndarray:
        c = self.config
        if c.fusion == "rrf":
            return _rrf(dense, c.rrf_k) + _rrf(lexical, c.rrf_k)
        return c.alpha * _minmax(dense) + (1 - c.alpha) * _minmax(lexical)

    # ------------------------------------------------------------------ answer shaping

    def _highlight(self, row: int, qvec: np.ndarray | None, query: str) -> str:
        """The sentence (and a close neighbour) of the passage that best matches the question."""
        p = self.passages[row]
        if not p.sentences:
            return p.text
        first = self.index.sentence_offsets[row]
        if qvec is not None:
            scores = self.index.sentence_vectors[first : first + len(p.sentences)] @ qvec
        else:
            scores = np.array([_overlap(query, p.text[a:b]) for a, b in p.sentences], dtype=np.float32)
        best = int(np.argmax(scores))
        lo = hi = best
        margin = self.config.highlight_margin
        if best + 1 < len(scores) and scores[best + 1] >= scores[best] - margin:
            hi = best + 1
        elif best > 0 and scores[best - 1] >= scores[best] - margin:
            lo = best - 1
        return p.text[p.sentences[lo][0] : p.sentences[hi][1]]

    def _answerable(self, query: str, dense_top: float, hits: list[Hit]) -> bool:
        if not hits or dense_top < self.config.min_similarity:
            return False
        if not self.config.answer_type_check:
            return True
        # search_text includes the headings: an annex row's quarter is its 'when'.
        return answer_type_satisfied(query, hits[0].passage.search_text)


# ---------------------------------------------------------------------- answer types

_NUMBER_WORDS = (
    r"(een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|twintig"
    r"|honderd|duizend|miljoen|miljard|helft|kwart)"
)
_MONTHS = r"(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)"
ANSWER_TYPES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    # kind: (what the question asks, what the passage must contain)
    "amount": (
        re.compile(r"\b(hoeveel|hoe\s+(hoog|groot|veel|lang)|welk\s+bedrag|how\s+(much|many|high|large))\b", re.I),
        re.compile(rf"\d|\b{_NUMBER_WORDS}\b", re.I),
    ),
    "time": (
        re.compile(r"\b(wanneer|per\s+wanneer|in\s+welk\s+(jaar|kwartaal)|when|what\s+year|which\s+quarter)\b", re.I),
        re.compile(
            rf"\b(\d{{4}}|{_MONTHS}|kwartaal|zomer|zomerreces|meireces|jaar|termijn|binnenkort|voorjaar|najaar|periode)\b",
            re.I,
        ),
    ),
    "who": (
        re.compile(r"\b(wie|who|welke\s+(organisatie|instantie|partij|partijen|minister))\b", re.I),
        re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w-]+|\b[A-Z]{2,}\b"),
    ),
}


def question_kind(query: str) -> str | None:
    for kind, (asks, _) in ANSWER_TYPES.items():
        if asks.search(query):
            return kind
    return None


def answer_type_satisfied(query: str, text: str) -> bool:
    """Does the text hold the kind of thing the question asks for (an amount, a time, a who)?"""
    kind = question_kind(query)
    if kind is None:
        return True
    return ANSWER_TYPES[kind][1].search(text) is not None


def _minmax(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    lo, hi = float(np.min(x)), float(np.max(x))
    return np.zeros_like(x) if hi - lo < 1e-9 else (x - lo) / (hi - lo)


def _rrf(scores: np.ndarray, k: int) -> np.ndarray:
    ranks = np.empty(len(scores), dtype=np.float32)
    ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
    return 1.0 / (k + ranks)


def _overlap(query: str, sentence: str) -> float:
    q = set(re.findall(r"\w+", query.lower()))
    s = set(re.findall(r"\w+", sentence.lower()))
    return len(q & s) / (len(q) or 1)
