"""Answer a question from a loaded index: dense, BM25 or hybrid retrieval.

Query-time work is the question's embedding, a FAISS search, a BM25 pass,
fusion and a highlight from precomputed sentence vectors; nothing is re-read
or re-embedded per query besides the question itself.
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from vraagbaak.index.answer_types import AnswerRegion, answer_type_satisfied
from vraagbaak.index.answerable import AnswerSignals, is_answerable, similarity_bar
from vraagbaak.index.answers import Answer, find_answer
from vraagbaak.index.cache import LRUCache
from vraagbaak.index.config import Fusion, Mode, RetrievalConfig
from vraagbaak.index.coverage import WORD, absent_terms, without, zipf
from vraagbaak.index.embedders import Embedder, SparseEncoder, sparse_encoder
from vraagbaak.index.glossary import Glossary
from vraagbaak.index.glossary import load as load_glossary
from vraagbaak.index.lexical import BM25Index
from vraagbaak.index.model import Passage, strip_marks
from vraagbaak.index.store import LoadedIndex
from vraagbaak.index.vectors import VectorStore

MODES = tuple(m.value for m in Mode)


@dataclass
class Hit:
    passage: Passage
    rank: int
    score: float
    highlight: str
    #: Every sentence to mark, in text order, ``highlight`` among them: where the answer's passage holds more
    #: than one answer of the asked kind, each of them (index/answers.py).
    highlights: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.highlights:
            self.highlights = [self.highlight]

    def public(self) -> dict:
        return {
            **self.passage.public(),
            "rank": self.rank,
            "score": round(self.score, 6),
            "highlight": self.highlight,
            "highlights": self.highlights,
        }


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
    #: What the answerability rule saw (eval/ replays the rule on these under other thresholds).
    signals: AnswerSignals | None = None
    #: The answer itself (an amount, a date, a body, a sentence), or None.
    answer: Answer | None = None

    def public(self) -> dict:
        return {
            "query": self.query,
            "answerable": self.answerable,
            "answer": self.answer.public() if self.answer else None,
            "took_ms": round(self.timings.get("total", 0.0) * 1000, 3),
            "results": [h.public() for h in self.hits],
        }


@dataclass(frozen=True)
class Ranking:
    """The candidates in ranked order, with the signals the answerability rule needs."""

    rows: np.ndarray
    scores: np.ndarray
    #: The own cosine of the best dense candidate: answerability is calibrated on it.
    dense_top: float
    #: The best sparse-terms overlap among the candidates (None when the sparse signal is off).
    sparse_top: float | None = None


class UnknownDocumentError(KeyError):
    """A document filter names no document of the index."""


class QueryTooLongError(ValueError):
    """The question has more tokens than ``max_query_tokens`` allows; refused before any model pass."""

    def __init__(self, tokens: int, limit: int) -> None:
        super().__init__(f"the question is {tokens} tokens long; the limit is {limit} tokens (about 300 characters)")
        self.tokens, self.limit = tokens, limit


class Searcher:
    """Retrieval over one :class:`LoadedIndex` with one :class:`Embedder`.

    ``encodings`` keeps the encodings of recent questions (dense vector and sparse terms), so a
    repeated question, even with another ``k`` or document filter, skips the encoder passes.
    """

    def __init__(
        self,
        index: LoadedIndex,
        embedder: Embedder,
        config: RetrievalConfig | None = None,
        *,
        encodings: LRUCache | None = None,
        glossary: Glossary | bool = True,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.config = config or RetrievalConfig()
        #: English -> Dutch words for English questions' answers: ``True`` takes the installed FreeDict data (none,
        #: with a warning, where it is missing), ``False`` none; without one, English is answered on similarity alone.
        if isinstance(glossary, Glossary):
            self.glossary: Glossary | None = glossary
        else:
            self.glossary = load_glossary() if glossary and self.config.answer_english_glossary else None
        self.encodings = encodings
        self.build_id = index.manifest.build_id
        self.passages = index.passages
        self.bm25 = BM25Index([p.search_text for p in self.passages])
        rows: dict[str, list[int]] = {}
        for i, p in enumerate(self.passages):
            rows.setdefault(p.document.id, []).append(i)
        self.document_rows = {d: np.array(r, dtype=np.int64) for d, r in rows.items()}
        self._row = {p.id: i for i, p in enumerate(self.passages)}
        #: Each answered passage's sentence terms (a dict: a lost race only computes them twice).
        self._terms: dict[str, list[set[str]]] = {}
        # Sentence vectors get their own exact index, built at load (cheap next to the embedder).
        self._sentence_store = VectorStore.build(index.sentence_vectors, "flat")
        self._sparse: SparseEncoder | None = sparse_encoder(embedder)
        zipf("de")  # wordfreq's list loads on first use (a third of a second): at start, not in a request
        self._sentence_owner = np.repeat(
            np.arange(len(self.passages)), [len(p.sentences) for p in self.passages]
        ).astype(np.int64)

    # ------------------------------------------------------------------ public

    def with_config(self, **changes) -> Searcher:
        """The same index, embedder and BM25 under changed settings (evaluation compares modes this way)."""
        other = copy.copy(self)
        other.config = replace(self.config, **changes)
        return other

    def search(
        self, query: str, *, k: int = 5, document: str | None = None, mode: Mode | str | None = None
    ) -> SearchResult:
        mode = Mode.parse(mode or self.config.mode, "mode")
        if document is not None and document not in self.document_rows:
            raise UnknownDocumentError(document)
        tokens = self.embedder.token_count(query)  # tokenising is cheap next to one encoder pass
        if tokens > self.config.max_query_tokens:
            raise QueryTooLongError(tokens, self.config.max_query_tokens)
        t0 = time.perf_counter()
        # The dense vector in every mode (answerability and highlights use it); sparse terms for hybrid search.
        qvec, qsparse = self.encode(query, sparse=mode is Mode.HYBRID and self.uses_sparse)
        t1 = time.perf_counter()
        allowed = self.document_rows[document] if document else None
        ranking = self._rank(query, qvec, mode, allowed, qsparse)
        t2 = time.perf_counter()
        hits = [
            Hit(self.passages[r], rank, float(s), self._highlight(r, qvec))
            for rank, (r, s) in enumerate(zip(ranking.rows[:k], ranking.scores[:k], strict=False), 1)
        ]
        signals = self.answer_signals(query, ranking, hits, qvec)
        c = self.config
        rule = {
            "min_similarity": c.min_similarity,
            "min_sparse_overlap": c.min_sparse_overlap,
            "english_offset": c.english_similarity_offset,
            "type_check": c.answer_type_check,
        }
        answerable = is_answerable(signals, **rule)
        if answerable and self.subject_test_applies(query, hits):
            # The subject test costs an encoder pass, so it runs only where the cheaper signals let the question
            # through (eval/harness.py measures it for the others, to replay other thresholds).
            signals = replace(signals, subject_gain=self.subject_gain(query, hits[0], qvec))
            answerable = is_answerable(signals, **rule, min_subject_gain=c.min_subject_gain)
        answer = self.answer(query, hits, qvec) if answerable else None
        if answer is not None:  # the answer's sentence is its passage's highlight
            for hit in hits:
                if hit.passage.id == answer.passage_id:
                    hit.highlight = hit.passage.text[slice(*answer.sentence_span)]
                    hit.highlights = [hit.passage.text[a:b] for a, b in answer.sentence_spans]
        t3 = time.perf_counter()
        return SearchResult(
            query=query,
            answerable=answerable,
            hits=hits,
            timings={"embed": t1 - t0, "search": t2 - t1, "total": t3 - t0},
            top_similarity=ranking.dense_top,
            top_sparse=ranking.sparse_top,
            query_vector=qvec,
            signals=signals,
            answer=answer,
        )

    def answer(self, query: str, hits: list[Hit], qvec: np.ndarray) -> Answer | None:
        """The answer cut from the top passages' sentences (their cosines are at hand: no model pass)."""
        c = self.config
        english = is_english(query)
        groups = None
        if english and c.answer_english_glossary and self.glossary is not None:
            groups = self.glossary.groups(query, self.bm25.tokenizer)
        return find_answer(
            query,
            [h.passage for h in hits],
            lambda p: self._sentence_scores(self._row[p.id], qvec),
            key_terms=lambda text: set(self.bm25.tokenizer(text)),
            min_similarity=c.answer_min_similarity,
            min_key_overlap=c.answer_min_key_overlap,
            min_top_key_overlap=c.answer_min_top_key_overlap,
            english=english,
            english_min_similarity=c.answer_english_min_similarity,
            sentence_terms=self._sentence_terms,
            unshared_min_similarity=c.answer_unshared_min_similarity,
            term_groups=groups,
        )

    def _sentence_terms(self, passage: Passage) -> list[set[str]]:
        """A passage's sentences' analysed terms, worked out once per passage (bounded by the index)."""
        terms = self._terms.get(passage.id)
        if terms is None:
            spans = passage.sentences
            terms = self._terms[passage.id] = [
                set(self.bm25.tokenizer(strip_marks(passage.text[a:b]))) for a, b in spans
            ]
        return terms

    def encode(self, query: str, *, sparse: bool) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
        """The question's encodings, from the cache when it was asked before on this build.

        The arrays are read-only: a cached one is shared by every request that repeats the question.
        """
        cache = self.encodings
        if cache is None or not cache.enabled:
            return self.embedder.encode_question(query, sparse=sparse)
        cache.bind(self.build_id)
        key = (self.build_id, query, sparse)
        found = cache.get(key)
        if found is not None:
            return found
        qvec, qsparse = self.embedder.encode_question(query, sparse=sparse)
        arrays = [qvec, *(qsparse or ())]
        for a in arrays:
            a.setflags(write=False)
        cache.put(key, (qvec, qsparse), sum(a.nbytes for a in arrays) + len(query.encode("utf-8")))
        return qvec, qsparse

    # ------------------------------------------------------------------ ranking

    def _dense_candidates(self, qvec: np.ndarray, allowed: np.ndarray | None) -> np.ndarray:
        """Candidate passages: the best passages, plus the passages of the best sentences."""
        n = self.config.candidates if allowed is None else min(self.config.candidates, len(allowed))
        pool = set(self.index.vectors.search(qvec, n, within=allowed).tolist())
        if self.config.sentence_weight > 0:
            sentence_rows = None
            if allowed is not None:
                sentence_rows = np.flatnonzero(np.isin(self._sentence_owner, allowed)).astype(np.int64)
            pool.update(self._sentence_owner[self._sentence_store.search(qvec, 2 * n, within=sentence_rows)].tolist())
        return np.array(sorted(pool), dtype=np.int64)

    def _dense_scores(self, qvec: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(each passage's own cosine, the dense score): a mix of that cosine and the best sentence's.

        A long passage that holds one exact answer sentence should not lose to a
        vaguer passage that is all on topic.
        """
        passage = self.index.vectors.vectors(rows) @ qvec if len(rows) else np.zeros(0, np.float32)
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
        return self.config.sparse_weight > 0 and self.index.sparse is not None and self._sparse is not None

    def _rank(
        self,
        query: str,
        qvec: np.ndarray,
        mode: Mode,
        allowed: np.ndarray | None,
        qsparse: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> Ranking:
        dense_ids = self._dense_candidates(qvec, allowed)
        lexical, bm25_ids = self._lexical_candidates(query, allowed) if mode is not Mode.DENSE else (None, None)
        # Dense scores once, for every candidate of either retriever.
        pool = dense_ids if bm25_ids is None else np.unique(np.concatenate([dense_ids, bm25_ids]))
        cosine, dense = self._dense_scores(qvec, pool)
        from_dense = np.isin(pool, dense_ids)
        best = int(np.argmax(np.where(from_dense, dense, -np.inf))) if from_dense.any() else None
        dense_top = float(cosine[best]) if best is not None else 0.0
        if mode is Mode.DENSE:
            order = np.argsort(-dense[from_dense], kind="stable")
            return Ranking(pool[from_dense][order], dense[from_dense][order], dense_top)
        assert lexical is not None and bm25_ids is not None
        if mode is Mode.BM25:
            return Ranking(bm25_ids, lexical[bm25_ids], dense_top)
        fuse = FUSIONS[self.config.fusion]
        # BM25 over Dutch text only adds noise to an English question.
        english_only_dense = self.config.english_dense_only and is_english(query)
        fused = fuse.one(dense, self.config) if english_only_dense else fuse.two(dense, lexical[pool], self.config)
        sparse_top = None
        if qsparse is not None:
            # The model's own sparse "latent terms": lexical-like matching on learned, multilingual terms.
            sparse = self.index.sparse.scores(pool, qsparse)
            sparse_top = float(sparse.max()) if len(sparse) else 0.0
            fused = fused + fuse.extra(sparse, self.config)
        order = np.argsort(-fused, kind="stable")
        return Ranking(pool[order], fused[order], dense_top, sparse_top)

    def _lexical_candidates(self, query: str, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """(BM25 scores of every passage, -inf outside ``allowed``; the best ``candidates`` rows)."""
        lexical = self.bm25.scores(query)
        if allowed is not None:
            mask = np.full(len(lexical), -np.inf, dtype=np.float32)
            mask[allowed] = lexical[allowed]
            lexical = mask
        ids = np.argsort(-lexical, kind="stable")[: self.config.candidates]
        return lexical, ids[np.isfinite(lexical[ids])]

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

    def answer_signals(self, query: str, ranking: Ranking, hits: list[Hit], qvec: np.ndarray) -> AnswerSignals:
        """What :func:`is_answerable` needs to know about this question and its best passage."""
        type_ok = bool(hits) and answer_type_satisfied(query, self.answer_region(hits[0], qvec))
        return AnswerSignals(
            has_hits=bool(hits),
            top_similarity=ranking.dense_top,
            top_sparse=ranking.sparse_top,
            english=is_english(query),
            type_ok=type_ok,
        )

    def subject_test_applies(self, query: str, hits: list[Hit]) -> bool:
        """Whether the subject test is on and can judge this question: Dutch, with a best passage ("off" is -1)."""
        return self.config.min_subject_gain > -1 and bool(hits) and not is_english(query)

    def subject_gain(self, query: str, top: Hit, qvec: np.ndarray) -> float | None:
        """How much the question's absent rare terms pull it towards its best passage (index/coverage.py).

        None when the question has no such term, or nothing else ("souteneurs" alone: without it nothing is
        left to compare); otherwise one more encoder pass, of the question without them.
        """
        absent = absent_terms(query, self.bm25.tokenizer, self.bm25.vocabulary, together=self.bm25.together)
        if not absent:
            return None
        rest = without(query, absent)
        if not WORD.search(rest):
            return None
        vec, _ = self.encode(rest, sparse=False)
        passage = self.index.vectors.vectors(np.array([self._row[top.passage.id]]))[0]
        return float(passage @ qvec - passage @ vec)

    def similarity_bar(self, query: str) -> float:
        """The best cosine a question needs to count as answerable.

        A cross-lingual match scores lower: English questions' right answers sit
        about 0.03 below Dutch ones' in e5's narrow band (eval/report.md).
        """
        c = self.config
        return similarity_bar(
            english=is_english(query), min_similarity=c.min_similarity, english_offset=c.english_similarity_offset
        )

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


@dataclass(frozen=True)
class FusionRule:
    """How one fusion method combines scores: dense alone (English), dense with BM25, and the sparse term added."""

    one: Callable[[np.ndarray, RetrievalConfig], np.ndarray]
    two: Callable[[np.ndarray, np.ndarray, RetrievalConfig], np.ndarray]
    extra: Callable[[np.ndarray, RetrievalConfig], np.ndarray]


FUSIONS: dict[Fusion, FusionRule] = {
    Fusion.CONVEX: FusionRule(
        one=lambda dense, c: _minmax(dense),
        two=lambda dense, lexical, c: c.alpha * _minmax(dense) + (1 - c.alpha) * _saturate(lexical, c.bm25_saturation),
        extra=lambda sparse, c: c.sparse_weight * _minmax(sparse),
    ),
    Fusion.RRF: FusionRule(
        one=lambda dense, c: _rrf(dense, c.rrf_k),
        two=lambda dense, lexical, c: _rrf(dense, c.rrf_k) + _rrf(lexical, c.rrf_k),
        extra=lambda sparse, c: _rrf(sparse, c.rrf_k),
    ),
}
