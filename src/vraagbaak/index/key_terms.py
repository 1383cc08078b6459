"""Key-term coverage: a question whose rare content terms the documents never use is about something else.

e5's similarities sit in a narrow band, so "Hoeveel geld gaat er naar Defensie?" finds the prison
money at a confident-looking cosine. What gives it away is a word: "defensie" is a topic word (rare
in general Dutch, by ``wordfreq``'s frequency list) and the documents never use it. A term counts as
present after BM25's own analysis: its stem is in the corpus, or every part of a compound is in one
of the best passages ("politiebeschikking" is not covered by a passage on "politie" and another on
"beschikking"). English questions are not checked: the corpus is Dutch, so their words are absent
by nature and the similarity bar (lower for English) has to do.

    "Wat doet het kabinet aan de woningnood?"       missing: woningnood
    "Krijgen boa's een bodycam?"                     covered (the letter has both words)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from vraagbaak.index.lexical import STOPWORDS, DutchAnalyzer, fold

#: Words rarer than this in general Dutch (Zipf scale: 4 is once per 100,000 words) name a topic.
RARE_ZIPF = 4.5
MIN_LENGTH = 3
WORD = re.compile(r"[^\W\d_][\w'-]*[^\W_]|[^\W\d_]{3,}")


@lru_cache(maxsize=4096)
def zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "nl")


def rare_terms(question: str, *, max_zipf: float = RARE_ZIPF) -> list[str]:
    """The question's content words that are rare in general Dutch, rarest first."""
    words = {w.lower().strip("'") for w in WORD.findall(question)}
    terms = [w for w in words if len(w) >= MIN_LENGTH and fold(w) not in STOPWORDS and zipf(w) < max_zipf]
    return sorted(terms, key=lambda w: (zipf(w), w))


def missing_terms(
    question: str,
    analyzer: DutchAnalyzer,
    vocabulary: set[str],
    passage_terms: Iterable[set[str]],
    *,
    max_zipf: float = RARE_ZIPF,
) -> list[str]:
    """The rare terms of ``question`` that the corpus does not cover (see the module docstring)."""
    passages = list(passage_terms)
    missing = []
    for term in rare_terms(question, max_zipf=max_zipf):
        stems = analyzer(term)  # the word's stem, then its compound parts' stems
        if not stems:
            continue
        whole, parts = stems[0], stems[1:]
        if whole in vocabulary:
            continue
        if parts and any(set(parts) <= terms for terms in passages):
            continue
        missing.append(term)
    return missing
