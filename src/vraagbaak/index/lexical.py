"""BM25 with Dutch analysis: folded diacritics, stopwords, Snowball stems, split compounds.

Dutch glues nouns together (``gevangeniswezen``, ``strafrechtketen``), so a
question about ``gevangenis`` would miss the letter's compound. The analyzer
splits a long word into two parts that both occur on their own in the corpus
(allowing the linking ``s`` or ``en``) and indexes the parts next to the whole.

The tokenizer is injectable, as in ``rank_bm25``: :class:`BM25Index` takes any
callable from text to tokens.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH, STOPWORDS_EN

#: Question words carry no topic; English ones keep English questions from matching on noise.
QUESTION_WORDS = {"hoeveel", "wanneer", "welke", "welk", "waarom", "waar", "wie", "hoe", "gaat", "komt", "klopt"}
STOPWORDS = frozenset(STOPWORDS_DUTCH) | frozenset(STOPWORDS_EN) | QUESTION_WORDS
TOKEN = re.compile(r"[a-z0-9]+")
MIN_PART = 4
LINKS = ("", "s", "en", "e")


def fold(text: str) -> str:
    """Lowercase and strip diacritics: 'geïnformeerd' -> 'geinformeerd'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class DutchAnalyzer:
    """Text -> stemmed tokens; ``vocabulary`` (surface words) enables compound splitting."""

    def __init__(self, vocabulary: Iterable[str] = (), *, stopwords: frozenset[str] = STOPWORDS) -> None:
        # PyStemmer's stemmers must not be shared between threads: one per thread (server request threads).
        self._local = threading.local()
        self.stopwords = stopwords
        self.vocabulary = {w for w in vocabulary if len(w) >= MIN_PART}
        # Parts are compared by stem too: 'gevangenissen' makes 'gevangenis' a known part.
        self._stems = set(self._stemmer.stemWords(sorted(self.vocabulary)))

    def _known(self, part: str) -> bool:
        return part in self.vocabulary or self._stemmer.stemWord(part) in self._stems

    @property
    def _stemmer(self) -> Stemmer.Stemmer:
        stemmer = getattr(self._local, "stemmer", None)
        if stemmer is None:
            stemmer = self._local.stemmer = Stemmer.Stemmer("dutch")
        return stemmer

    def words(self, text: str) -> list[str]:
        return [w for w in TOKEN.findall(fold(text)) if w not in self.stopwords]

    def split_compound(self, word: str) -> list[str]:
        """['gevangenis', 'wezen'] for 'gevangeniswezen' when both parts are known words."""
        if len(word) < 2 * MIN_PART or not self.vocabulary:
            return []
        for i in range(len(word) - MIN_PART, MIN_PART - 1, -1):  # prefer the longest head
            head, tail = word[:i], word[i:]
            if not self._known(tail):
                continue
            for link in LINKS:
                if link and not head.endswith(link):
                    continue
                stem = head[: len(head) - len(link)] if link else head
                if len(stem) >= MIN_PART and self._known(stem):
                    return [stem, tail]
        return []

    def __call__(self, text: str) -> list[str]:
        tokens = []
        for w in self.words(text):
            tokens.append(w)
            tokens.extend(p for p in self.split_compound(w) if p not in self.stopwords)
        return self._stemmer.stemWords(tokens)


class BM25Index:
    """BM25 over a fixed list of texts, scoring every text for a query."""

    def __init__(
        self,
        texts: list[str],
        *,
        tokenizer: Callable[[str], list[str]] | None = None,
        k1: float = 1.2,
        b: float = 0.75,
    ) -> None:
        if tokenizer is None:
            tokenizer = DutchAnalyzer(w for t in texts for w in TOKEN.findall(fold(t)))
        self.tokenizer = tokenizer
        self._bm25 = bm25s.BM25(k1=k1, b=b)
        tokens = [tokenizer(t) for t in texts]
        self._bm25.index([t or ["<empty>"] for t in tokens], show_progress=False)
        #: Every analysed term of the texts: what key-term coverage (index/coverage.py) looks terms up in.
        self.vocabulary: set[str] = set().union(*tokens)
        self.size = len(texts)

    def together(self, terms: list[str]) -> bool:
        """Whether one text holds every one of these analysed terms (a compound's parts, for coverage)."""
        held = np.ones(self.size, dtype=bool)
        for term in terms:
            if term not in self.vocabulary:
                return False
            held &= np.asarray(self._bm25.get_scores([term])) > 0
        return bool(held.any())

    def scores(self, query: str) -> np.ndarray:
        """One BM25 score per indexed text (0 where nothing matches)."""
        tokens = self.tokenizer(query)
        if not tokens:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)
