"""The evaluation harness computes what it claims, on outcomes small enough to check by hand."""

from __future__ import annotations

import pytest

from eval.harness import (
    GoldQuestion,
    Outcome,
    abstention_curve,
    abstention_metrics,
    citation_metrics,
    load_gold,
    ranking_metrics,
)


def question(qid: str, *, answerable: bool = True, section: str = "S", page: int = 2) -> GoldQuestion:
    return GoldQuestion(
        id=qid,
        question="Hoeveel?",
        lang="nl",
        type="factual" if answerable else "unanswerable",
        answer="",
        evidence="x" if answerable else None,
        section=section if answerable else None,
        document="brief" if answerable else None,
        page=page if answerable else None,
    )


def outcome(q: GoldQuestion, ranked: list[str], *, flagged: bool = False, sim: float = 0.9, **kw) -> Outcome:
    return Outcome(
        question=q,
        ranked_ids=ranked,
        relevant={"good"} if q.answerable else set(),
        answerable=not flagged,
        top_similarity=sim,
        top_sparse=kw.get("sparse"),
        top_section=kw.get("section", "S"),
        top_pages=kw.get("pages", (2, 2)),
        seconds=0.01,
    )


def test_ranking_metrics_match_hand_computation():
    outs = [
        outcome(question("a"), ["good", "x", "y"]),  # rank 1
        outcome(question("b"), ["x", "y", "good"]),  # rank 3
        outcome(question("c"), ["x", "y", "z"]),  # missed
        outcome(question("u", answerable=False), ["x"]),  # not ranked
    ]
    m = ranking_metrics(outs)
    assert m["recall@1"] == pytest.approx(1 / 3)
    assert m["recall@3"] == pytest.approx(2 / 3)
    assert m["mrr@10"] == pytest.approx((1 + 1 / 3 + 0) / 3)


def test_citation_accuracy_counts_a_page_inside_a_spanning_passage():
    outs = [
        outcome(question("a", page=3), ["good"], pages=(2, 3)),  # page 3 lies in p. 2–3
        outcome(question("b", section="T"), ["good"]),  # wrong section, right page
        outcome(question("c", page=5), ["good"], pages=(2, 3)),  # right section, wrong page
    ]
    m = citation_metrics(outs)
    assert m["page_acc"] == pytest.approx(2 / 3) and m["section_acc"] == pytest.approx(2 / 3)


def test_abstention_precision_recall_and_curve():
    outs = [
        outcome(question("a"), ["good"], sim=0.90),
        outcome(question("b"), ["good"], flagged=True, sim=0.79),
        outcome(question("u1", answerable=False), ["x"], flagged=True, sim=0.78),
        outcome(question("u2", answerable=False), ["x"], sim=0.85, sparse=10.0),
    ]
    m = abstention_metrics(outs)
    assert m["abstain_precision"] == 0.5 and m["abstain_recall"] == 0.5 and m["false_abstain_rate"] == 0.5
    [(t, unans, ans)] = abstention_curve(outs, [0.80], type_check=False)
    assert (t, unans, ans) == (0.80, 0.5, 0.5)
    [(_, unans, _)] = abstention_curve(outs, [0.80], type_check=False, min_sparse=14.0)
    assert unans == 1.0  # u2's low sparse overlap flags it


def test_gold_set_loads_with_every_type():
    gold = load_gold()
    assert len(gold) >= 100
    assert {q.type for q in gold} >= {"factual", "paraphrase", "numeric", "annex", "memo", "english", "unanswerable"}
