"""Answer a question from a loaded index: dense, BM25 or hybrid retrieval.

Query-time work is the question's embedding, a FAISS search, a BM25 pass,
fusion and a highlight from precomputed sentence vectors; nothing is re-read
or re-embedded per query besides the question itself.
"""

from __future__ import annotations

import copy
import re
import time
from dataclasses import dataclass, field, replace

import faiss
import numpy as np

from index.answer_types import AnswerRegion, answer_type_satisfied
from index.config import RetrievalConfig
from index.embedders import Embedder
from index.lexical import BM25Index
from index.model import Passage
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
    query_vector: np.ndarray | None = field(default=None, repr=False)
    #: The best sparse-terms overlap in the candidates, when hybrid search used the sparse head.
    top_sparse: float | None = None

    def public(self) -> dict:
        return {
            "query": self.query,
            "answerable": self.answerable,
            "took_ms": round(self.timings.get("total", 0.0) * 1000, 3),
            "results": [h.public() for h in self.hits],
        }


class UnknownDocumentError(KeyError):
    """A document filter names no document of the index."""


class QueryTooLongError(ValueError):
    """The question has more tokens than ``max_query_tokens`` allows; refused before any model pass."""

    def __init__(self, tokens: int, limit: int) -> None:
        super().__init__(f"the question is {tokens} tokens long; the limit is {limit} tokens (about 300 characters)")
        self.tokens, self.limit = tokens, limit


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
        self._row = {p.id: i for i, p in enumerate(self.passages)}
        # Sentence vectors get their own exact FAISS index, built at load (cheap next to the embedder).
        self._sentence_index = faiss.IndexFlatIP(index.sentence_vectors.shape[1])
        self._sentence_index.add(np.ascontiguousarray(index.sentence_vectors, dtype=np.float32))
        self._sentence_owner = np.repeat(
            np.arange(len(self.passages)), [len(p.sentences) for p in self.passages]
        ).astype(np.int64)

    # ------------------------------------------------------------------ public

    def with_config(self, **changes) -> Searcher:
        """The same index, embedder and BM25 under changed settings (evaluation compares modes this way)."""
        other = copy.copy(self)
        other.config = replace(self.config, **changes)
        return other

    def search(self, query: str, *, k: int = 5, document: str | None = None, mode: str | None = None) -> SearchResult:
        mode = mode or self.config.mode
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
        if document is not None and document not in self.document_rows:
            raise UnknownDocumentError(document)
        tokens = self.embedder.token_count(query)  # tokenising is cheap next to one encoder pass
        if tokens > self.config.max_query_tokens:
            raise QueryTooLongError(tokens, self.config.max_query_tokens)
        t0 = time.perf_counter()
        qvec = self.embedder.embed_query(query)  # every mode: answerability and highlights use it
        qsparse = self.embedder.sparse_query(query) if mode == "hybrid" and self.uses_sparse else None
        t1 = time.perf_counter()
        allowed = self.document_rows[document] if document else None
        rows, scores, dense_top, sparse_top = self._rank(query, qvec, mode, allowed, qsparse)
        t2 = time.perf_counter()
        hits = [
            Hit(self.passages[r], rank, float(s), self._highlight(r, qvec))
            for rank, (r, s) in enumerate(zip(rows[:k], scores[:k], strict=False), 1)
        ]
        answerable = self._answerable(query, dense_top, sparse_top, hits, qvec)
        t3 = time.perf_counter()
        return SearchResult(
            query=query,
            answerable=answerable,
            hits=hits,
            timings={"embed": t1 - t0, "search": t2 - t1, "total": t3 - t0},
            top_similarity=dense_top,
            top_sparse=sparse_top,
            query_vector=qvec,
        )

    # ------------------------------------------------------------------ ranking

    def _dense_candidates(self, qvec: np.ndarray, allowed: np.ndarray | None) -> np.ndarray:
        """Candidate passages from FAISS: the best passages, plus the passages of the best sentences."""
        n = self.config.candidates
        q = qvec[None, :].astype(np.float32)
        params = None
        if allowed is not None:
            params = _search_params(self.index.vectors, faiss.IDSelectorBatch(allowed))
            n = min(n, len(allowed))
        _, ids = self.index.vectors.search(q, n, params=params)
        pool = set(ids[0][ids[0] >= 0].tolist())
        w = self.config.sentence_weight
        if w > 0:
            sent_params = None
            if allowed is not None:
                sentence_rows = np.flatnonzero(np.isin(self._sentence_owner, allowed)).astype(np.int64)
                sent_params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(sentence_rows))
            _, sids = self._sentence_index.search(q, 2 * n, params=sent_params)
            pool.update(self._sentence_owner[sids[0][sids[0] >= 0]].tolist())
        return np.array(sorted(pool), dtype=np.int64)

    def _dense_scores(self, qvec: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(each passage's own cosine, the dense score): a mix of that cosine and the best sentence's.

        A long passage that holds one exact answer sentence should not lose to a
        vaguer passage that is all on topic.
        """
        passage = self.index.vectors.reconstruct_batch(rows) @ qvec if len(rows) else np.zeros(0, np.float32)
        w = self.config.sentence_weight
        if w <= 0 or len(rows) == 0:
            return passage, passage
        best_sentence = np.array([self._best_sentence(r, qvec) for r in rows], dtype=np.float32)
        return passage, (1 - w) * passage + w * best_sentence

    def _sentence_scores(self, row: int, qvec: np.ndarray) -> np.ndarray:
        first = self.index.sentence_offsets[row]
        return self.index.sentence_vectors[first : first + len(self.passages[row].sentences)] @ qvec

    def _best_sentence(self, row: int, qvec: np.ndarray) -> float:
        scores = self._sentence_scores(row, qvec)
        return float(scores.max()) if len(scores) else -1.0

    @property
    def uses_sparse(self) -> bool:
        """The sparse signal is on in the settings, and both the index and the embedder have it."""
        return self.config.sparse_weight > 0 and self.index.sparse is not None and self.embedder.has_sparse

    def _rank(
        self,
        query: str,
        qvec: np.ndarray,
        mode: str,
        allowed: np.ndarray | None,
        qsparse: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> tuple[np.ndarray, np.ndarray, float, float | None]:
        dense_ids = self._dense_candidates(qvec, allowed)
        lexical: np.ndarray | None = None if mode == "dense" else self.bm25.scores(query)
        bm25_ids = np.zeros(0, dtype=np.int64)
        if lexical is not None:
            if allowed is not None:
                mask = np.full(len(lexical), -np.inf, dtype=np.float32)
                mask[allowed] = lexical[allowed]
                lexical = mask
            bm25_ids = np.argsort(-lexical, kind="stable")[: self.config.candidates]
            bm25_ids = bm25_ids[np.isfinite(lexical[bm25_ids])]
        # Dense scores once, for every candidate of either retriever.
        pool = np.unique(np.concatenate([dense_ids, bm25_ids]))
        cosine, dense = self._dense_scores(qvec, pool)
        # Answerability is calibrated on the own cosine of the best dense candidate.
        from_dense = np.isin(pool, dense_ids)
        best = int(np.argmax(np.where(from_dense, dense, -np.inf))) if from_dense.any() else None
        dense_top = float(cosine[best]) if best is not None else 0.0
        if mode == "dense":
            order = np.argsort(-dense[from_dense], kind="stable")
            return pool[from_dense][order], dense[from_dense][order], dense_top, None
        if mode == "bm25":
            return bm25_ids, lexical[bm25_ids], dense_top, None
        if self.config.english_dense_only and is_english(query):
            # BM25 over Dutch text only adds noise to an English question.
            fused = _minmax(dense) if self.config.fusion == "convex" else _rrf(dense, self.config.rrf_k)
        else:
            fused = self._fuse(dense, lexical[pool])
        sparse_top = None
        if qsparse is not None:
            # The model's own sparse "latent terms": lexical-like matching on learned, multilingual terms.
            sparse = self.index.sparse.scores(pool, qsparse)
            sparse_top = float(sparse.max()) if len(sparse) else 0.0
            if self.config.fusion == "rrf":
                fused = fused + _rrf(sparse, self.config.rrf_k)
            else:
                fused = fused + self.config.sparse_weight * _minmax(sparse)
        order = np.argsort(-fused, kind="stable")
        return pool[order], fused[order], dense_top, sparse_top

    def _fuse(self, dense: np.ndarray, lexical: np.ndarray) -> np.ndarray:
        c = self.config
        if c.fusion == "rrf":
            return _rrf(dense, c.rrf_k) + _rrf(lexical, c.rrf_k)
        return c.alpha * _minmax(dense) + (1 - c.alpha) * _saturate(lexical, c.bm25_saturation)

    # ------------------------------------------------------------------ answer shaping

    def _highlight(self, row: int, qvec: np.ndarray) -> str:
        """The sentence (and a close neighbour) of the passage that best matches the question."""
        p = self.passages[row]
        if not p.sentences:
            return p.text
        scores = self._sentence_scores(row, qvec)
        best = int(np.argmax(scores))
        lo = hi = best
        margin = self.config.highlight_margin
        if best + 1 < len(scores) and scores[best + 1] >= scores[best] - margin:
            hi = best + 1
        elif best > 0 and scores[best - 1] >= scores[best] - margin:
            lo = best - 1
        return p.text[p.sentences[lo][0] : p.sentences[hi][1]]

    def _answerable(
        self, query: str, dense_top: float, sparse_top: float | None, hits: list[Hit], qvec: np.ndarray
    ) -> bool:
        if not hits or dense_top < self.similarity_bar(query):
            return False
        # e5's cosine similarities sit in a narrow band, so an off-topic question can score 0.82; the
        # sparse head's best overlap separates "about something else" better (eval/report.md).
        if sparse_top is not None and sparse_top < self.config.min_sparse_overlap:
            return False
        if not self.config.answer_type_check:
            return True
        return answer_type_satisfied(query, self.answer_region(hits[0], qvec))

    def similarity_bar(self, query: str) -> float:
        """The best cosine a question needs to count as answerable.

        A cross-lingual match scores lower: English questions' right answers sit
        about 0.03 below Dutch ones' in e5's narrow band (eval/report.md).
        """
        offset = self.config.english_similarity_offset if is_english(query) else 0.0
        return self.config.min_similarity - offset

    def answer_region(self, hit: Hit, qvec: np.ndarray) -> AnswerRegion:
        """Where the answer would be: the headings, the sentence closest to the question and its neighbours.

        The whole passage would be too lenient: a long passage nearly always holds
        some number or date. The neighbours count because the policy prose often
        names a topic in one sentence and gives its date or body in the next
        ("... het actieplan. Voor het zomerreces van 2026 sturen we ...").
        """
        p = hit.passage
        if not p.sentences:
            return AnswerRegion(p.search_prefix, p.text)
        best = int(np.argmax(self._sentence_scores(self._row[p.id], qvec)))
        w = self.config.answer_window
        first, last = p.sentences[max(0, best - w)], p.sentences[min(len(p.sentences) - 1, best + w)]
        return AnswerRegion(p.search_prefix, p.text[first[0] : last[1]])


# ---------------------------------------------------------------------- language

_ENGLISH = frozenset(
    [
        "the",
        "what",
        "which",
        "who",
        "whom",
        "when",
        "where",
        "why",
        "how",
        "does",
        "do",
        "did",
        "is",
        "are",
        "was",
        "were",
        "will",
        "would",
        "much",
        "many",
        "about",
        "of",
        "for",
        "to",
        "and",
        "with",
        "government",
        "letter",
        "police",
        "money",
    ]
)
_DUTCH = frozenset(
    [
        "de",
        "het",
        "een",
        "wat",
        "wie",
        "wanneer",
        "waar",
        "hoe",
        "hoeveel",
        "welke",
        "is",
        "zijn",
        "wordt",
        "worden",
        "van",
        "voor",
        "en",
        "met",
    ]
)


def is_english(query: str) -> bool:
    """More English than Dutch function words: enough to steer fusion, not a language detector."""
    words = re.findall(r"[a-z]+", query.lower())
    en = sum(w in _ENGLISH for w in words)
    return en >= 2 and en > sum(w in _DUTCH for w in words)


def _minmax(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    lo, hi = float(np.min(x)), float(np.max(x))
    return np.zeros_like(x) if hi - lo < 1e-9 else (x - lo) / (hi - lo)


def _search_params(index: faiss.Index, selector: faiss.IDSelector) -> faiss.SearchParameters:
    """A filter for ``index``: HNSW refuses plain SearchParameters, so it gets its own kind."""
    if isinstance(index, faiss.IndexHNSW):
        return faiss.SearchParametersHNSW(sel=selector, efSearch=index.hnsw.efSearch)
    return faiss.SearchParameters(sel=selector)


def _saturate(scores: np.ndarray, c: float) -> np.ndarray:
    """BM25 scores scaled by ``max + c``: unlike min-max, a weak best match stays weak.

    Min-max stretches whatever BM25 found to [0, 1], so a question whose words
    barely occur gets the same lexical pull as an exact match. ``c = 0`` is
    plain max scaling.
    """
    scores = np.maximum(np.asarray(scores, dtype=np.float32), 0)
    top = float(scores.max()) if len(scores) else 0.0
    return scores / (top + c) if top + c > 0 else scores


def _rrf(scores: np.ndarray, k: int) -> np.ndarray:
    ranks = np.empty(len(scores), dtype=np.float32)
    ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
    return 1.0 / (k + ranks)
