"""Key-term coverage: is the best passage about the question's subject, or only about its frame?

e5's cosines sit in a narrow band, so "Wat doet het kabinet aan het lerarentekort?" finds a
passage on what the cabinet does, at a confident-looking 0.82: the frame matched, the subject did
not. The subject gives it away twice. First, it is a word that is rare in general Dutch (by
``wordfreq``'s frequency list) and that the documents never use, after BM25's own analysis
(stems, and a compound whose parts occur together in one passage counts as present). Second, the
best passage does not need it: taking the word out brings the question closer to the passage (by more
than ``-min_subject_gain``, 0.02).

The second test is what keeps paraphrases answerable. A question that names a synonym of what the
text says ("souteneurs" where it says "pooiers") uses a word the documents never use too, but
there the word pulls the question towards the passage, and removing it costs similarity::

    "Wat doet het kabinet tegen het lerarentekort?"  absent: lerarentekort   gain -0.036  not answerable
    "Mag gevangenispersoneel drones uit de lucht halen?"  absent: gevangenispersoneel  gain +0.028  answerable

A word alone cannot be judged this way: e5's cosine of one word with any sentence sits between 0.80
and 0.88 whether or not the text is about it (measured on the gold set; docs/quality.md). The
test costs one more encoder pass, only for a Dutch question with an absent rare term. English
questions are not checked: every English word is absent from Dutch text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from vraagbaak.index.lexical import STOPWORDS, fold

#: Words rarer than this in general Dutch (Zipf scale: 4 is once per 100,000 words) can name a subject.
RARE_ZIPF = 4.0
WORD = re.compile(r"[^\W\d_][\w'-]*[^\W_]|[^\W\d_]{3,}")


@lru_cache(maxsize=8192)
def zipf(word: str) -> float:
    """How common ``word`` is in general Dutch, on wordfreq's Zipf scale (0: unknown)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "nl")


def rare_terms(question: str, *, max_zipf: float = RARE_ZIPF) -> list[str]:
    """The question's content words that are rare in general Dutch, in the order they occur."""
    seen: list[str] = []
    for w in WORD.findall(question):
        w = w.lower().strip("'")
        if len(w) >= 3 and fold(w) not in STOPWORDS and w not in seen and zipf(w) < max_zipf:
            seen.append(w)
    return seen


def absent_terms(
    question: str,
    analyzer: Callable[[str], list[str]],
    vocabulary: set[str],
    *,
    together: Callable[[list[str]], bool] | None = None,
    max_zipf: float = RARE_ZIPF,
) -> list[str]:
    """The rare terms of ``question`` that the documents never use.

    A word is used when its stem is in ``vocabulary``; a compound also when its parts are, in one text
    where ``together`` is given: "kinderopvang" is not covered by one passage on "kinderen" and another on
    "opvang".
    """
    absent = []
    for term in rare_terms(question, max_zipf=max_zipf):
        # "btw-tarief", "ggz-wachtlijsten": each piece must be used, as a word of its own would.
        pieces = [p for p in term.split("-") if len(p) >= 2] or [term]
        if not all(_used(p, analyzer, vocabulary, together) for p in pieces):
            absent.append(term)
    return absent


def _used(
    word: str,
    analyzer: Callable[[str], list[str]],
    vocabulary: set[str],
    together: Callable[[list[str]], bool] | None,
) -> bool:
    stems = analyzer(word)  # the word's stem, then its compound parts' stems
    if not stems or stems[0] in vocabulary:
        return True  # a stopword, or a word the documents use
    parts = stems[1:]
    return bool(parts) and set(parts) <= vocabulary and (together is None or together(parts))


def without(question: str, terms: list[str]) -> str:
    """``question`` with ``terms`` taken out: what the rest of the question asks."""
    for term in terms:
        question = re.sub(rf"(?<!\w){re.escape(term)}(?!\w)", " ", question, flags=re.I)
    return " ".join(question.split())
