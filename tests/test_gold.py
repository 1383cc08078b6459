"""The question sets (eval/gold.jsonl, eval/fresh.jsonl) are well-formed and agree with the reader.

Every answerable question points at one short evidence span; the span must be
found in exactly one paragraph of the reader's output, and the section heading,
document kind and page recorded with it must be the ones the reader gives.
Size, mix and section coverage are required of the main set only.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from vraagbaak.corpus import DEFAULT_CORPUS, read_file

EVAL = Path(__file__).resolve().parents[1] / "eval"
#: file -> id prefix
SETS = {"gold.jsonl": "g", "fresh.jsonl": "f", "fresh2.jsonl": "h", "dev3.jsonl": "v", "fresh3.jsonl": "k"}

FIELDS = {
    "id": str,
    "question": str,
    "lang": str,
    "type": str,
    "answer": str,
    "evidence": (str, type(None)),
    "section": (str, type(None)),
    "document": (str, type(None)),
    "page": (int, type(None)),
    #: The direct answer's kind and keys (index/answers.py; eval/harness.py answer_correct).
    "answer_kind": (str, type(None)),
    "answer_keys": list,
}
LANGS = {"nl", "en"}
TYPES = {"factual", "paraphrase", "numeric", "annex", "memo", "english", "unanswerable"}
DOCUMENT_KINDS = {"brief", "bijlage", "nota"}
MIN_QUESTIONS = 100
MIN_EVIDENCE, MAX_EVIDENCE = 30, 200


@pytest.fixture(scope="module")
def corpus():
    return read_file(DEFAULT_CORPUS)


@pytest.fixture(scope="module")
def paragraphs(corpus):
    """(document, section, paragraph) for every paragraph the reader gives."""
    return [(d, s, p) for d in corpus.documents for s in d.sections for p in s.paragraphs]


def _load(name: str) -> list[dict]:
    lines = (EVAL / name).read_text(encoding="utf-8").splitlines()
    records = []
    for no, line in enumerate(lines, 1):
        assert line.strip(), f"{name} line {no} is blank"
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:  # pragma: no cover - failure path
            pytest.fail(f"{name} line {no} is not JSON: {exc}")
    return records


@pytest.fixture(scope="module", params=sorted(SETS))
def question_set(request):
    return request.param


@pytest.fixture(scope="module")
def gold(question_set):
    """Each question set in turn."""
    return _load(question_set)


@pytest.fixture(scope="module")
def main_set():
    return _load("gold.jsonl")


def _answerable(gold):
    return [q for q in gold if q["type"] != "unanswerable"]


def test_records_have_the_fields_and_types(gold):
    for q in gold:
        assert set(q) == set(FIELDS), f"{q.get('id')}: fields {sorted(q)}"
        for name, kind in FIELDS.items():
            assert isinstance(q[name], kind) and not isinstance(q[name], bool), f"{q['id']}: {name}={q[name]!r}"
        assert q["lang"] in LANGS, q["id"]
        assert q["type"] in TYPES, q["id"]
        assert q["question"].strip(), q["id"]


def test_answer_kinds_and_keys(gold):
    """Every answerable question has a kind; a typed one (not an open sentence) the strings a right answer holds."""
    from vraagbaak.index.answers import ANSWER_KINDS, MAX_ANSWER_CHARS

    for q in gold:
        kind, keys = q["answer_kind"], q["answer_keys"]
        if q["type"] == "unanswerable":
            assert kind is None and keys == [], q["id"]
            continue
        assert kind in ANSWER_KINDS, q["id"]
        if kind == "sentence":
            assert keys == [], q["id"]
        else:
            assert keys and all(isinstance(k, str) and 0 < len(k.strip()) <= MAX_ANSWER_CHARS for k in keys), q["id"]
        if kind == "yesno":
            assert set(keys) <= {"Ja", "Nee"}, q["id"]


def test_ids_are_unique_and_numbered_in_order(gold, question_set):
    ids = [q["id"] for q in gold]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    assert ids == [f"{SETS[question_set]}{n:03d}" for n in range(1, len(ids) + 1)]


def test_questions_are_unique(gold):
    texts = Counter(q["question"].strip().lower() for q in gold)
    assert not [t for t, n in texts.items() if n > 1]


def test_size_and_mix(main_set):
    assert len(main_set) >= MIN_QUESTIONS
    types = Counter(q["type"] for q in main_set)
    assert types["paraphrase"] * 4 >= len(main_set), types
    for kind in TYPES:
        assert types[kind] > 0, f"no {kind} questions"


def test_english_questions_are_in_english(gold):
    for q in gold:
        if q["type"] == "english":
            assert q["lang"] == "en", q["id"]


def test_unanswerable_questions_have_no_evidence(gold):
    for q in gold:
        if q["type"] == "unanswerable":
            assert q["evidence"] is None and q["section"] is None, q["id"]
            assert q["document"] is None and q["page"] is None, q["id"]


def test_answerable_questions_are_complete(gold):
    for q in _answerable(gold):
        assert q["answer"].strip(), q["id"]
        assert q["evidence"] and q["section"] and q["document"] in DOCUMENT_KINDS, q["id"]
        assert isinstance(q["page"], int) and q["page"] >= 1, q["id"]


def test_evidence_is_in_exactly_one_paragraph_with_the_labels_the_reader_gives(gold, paragraphs):
    errors = []
    for q in _answerable(gold):
        ev = q["evidence"]
        hits = [(d, s, p) for d, s, p in paragraphs if ev in p.text]
        if len(hits) != 1:
            errors.append(f"{q['id']}: evidence found in {len(hits)} paragraphs: {ev!r}")
            continue
        d, s, p = hits[0]
        at = p.text.index(ev)
        got = (s.heading, d.kind, p.page_at(at))
        want = (q["section"], q["document"], q["page"])
        if got != want:
            errors.append(f"{q['id']}: labelled {want}, reader gives {got}")
        if any(at < b < at + len(ev) for b in p.breaks):
            errors.append(f"{q['id']}: evidence crosses a page break")
        if not MIN_EVIDENCE <= len(ev) <= MAX_EVIDENCE and ev != p.text:
            errors.append(f"{q['id']}: evidence is {len(ev)} characters")
    assert not errors, "\n".join(errors)


def test_evidence_is_clean_text(gold):
    for q in _answerable(gold):
        ev = q["evidence"]
        assert ev == ev.strip() and not re.search(r"\s{2,}|\*", ev), q["id"]


def test_every_section_is_covered(main_set, corpus):
    headings = {(d.kind, s.heading) for d in corpus.documents for s in d.sections}
    covered = {(q["document"], q["section"]) for q in _answerable(main_set)}
    assert not headings - covered, f"uncovered sections: {sorted(headings - covered)}"


def test_fresh_questions_are_new():
    """The fresh set exists to measure questions the settings were not tuned on, so none may repeat one."""

    def texts(name: str) -> set[str]:
        return {q["question"].strip().lower() for q in _load(name)}

    assert not texts("gold.jsonl") & texts("fresh.jsonl")
    # fresh3's author wrote 8 questions word for word as in a set that rules were tuned on or seen against; they
    # were taken out before its first evaluation (eval/report.py, FRESH_NOTES).
    others = set().union(*(texts(name) for name in SETS if name != "fresh3.jsonl"))
    assert not texts("fresh3.jsonl") & others
