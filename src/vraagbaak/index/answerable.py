"""The answerability rule: one pure function over named signals.

The searcher applies it to every question; the evaluation replays it on recorded
signals under other thresholds (the abstention curve, cross-validation). One
function, so the two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnswerSignals:
    """What the rule looks at, as measured for one question."""

    has_hits: bool
    #: The best dense cosine among the dense candidates: e5's similarities sit in a narrow band.
    top_similarity: float
    #: The best sparse-terms overlap, when hybrid search used the sparse head (None otherwise).
    top_sparse: float | None
    #: English questions over Dutch text score lower, so they get a lower bar.
    english: bool
    #: Whether the best passage's answer region holds the kind of answer asked for (an amount, a date...),
    #: measured whether or not the rule is set to use it, so that the evaluation can replay both.
    type_ok: bool
    #: How much closer the question is to the best passage than the question without its absent rare
    #: terms (index/coverage.py); None when it has none or nothing else, is English, has no hits, the
    #: test is off, or the cheaper signals already found the question not answerable.
    subject_gain: float | None = None


def similarity_bar(*, english: bool, min_similarity: float, english_offset: float = 0.0) -> float:
    """The best cosine a question needs: a cross-lingual match scores lower, so English gets a lower bar."""
    return min_similarity - (english_offset if english else 0.0)


def is_answerable(
    signals: AnswerSignals,
    *,
    min_similarity: float,
    min_sparse_overlap: float = 0.0,
    english_offset: float = 0.0,
    type_check: bool = True,
    min_subject_gain: float | None = None,
) -> bool:
    """True when the best passage is a confident answer.

    e5's cosine similarities sit in a narrow band, so an off-topic question can score 0.82; the
    sparse head's best overlap separates "about something else" better (eval/report.md). A question
    whose subject the documents never name, and which the best passage matches without it, is about
    something else too (index/coverage.py).
    """
    bar = similarity_bar(english=signals.english, min_similarity=min_similarity, english_offset=english_offset)
    if not signals.has_hits or signals.top_similarity < bar:
        return False
    if signals.top_sparse is not None and signals.top_sparse < min_sparse_overlap:
        return False
    if min_subject_gain is not None and signals.subject_gain is not None and signals.subject_gain < min_subject_gain:
        return False  # the passage matched the question's frame, not its subject, which the documents never name
    return signals.type_ok or not type_check
