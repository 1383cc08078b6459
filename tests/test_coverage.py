"""Key-term coverage (index/coverage.py): a question whose rare subject the documents never name, and
which the best passage matches just as well without it, is not answerable; a paraphrase still is."""

from __future__ import annotations

import pytest

from vraagbaak.index.answerable import AnswerSignals, is_answerable
from vraagbaak.index.coverage import absent_terms, rare_terms, without


def signals(gain: float | None) -> AnswerSignals:
    return AnswerSignals(
        has_hits=True, top_similarity=0.9, top_sparse=None, english=False, type_ok=True, subject_gain=gain
    )


def test_rare_terms_are_the_uncommon_content_words():
    assert rare_terms("Wat doet het kabinet tegen het lerarentekort?") == ["lerarentekort"]
    assert rare_terms("Hoeveel geld gaat er naar de politie?") == []  # common words only


def test_a_term_is_present_by_its_stem_or_all_of_its_compound_parts(searcher):
    analyse, vocabulary = searcher.bm25.tokenizer, searcher.bm25.vocabulary
    assert absent_terms("Wat doet het kabinet tegen het lerarentekort?", analyse, vocabulary) == ["lerarentekort"]
    # "gevangenissen" is in the letter by another form; "strafrechtketen" as a whole.
    assert absent_terms("Worden de gevangenissen en de strafrechtketen versterkt?", analyse, vocabulary) == []


def test_without_takes_whole_words_out():
    assert without("Gaat de huurtoeslag omhoog?", ["huurtoeslag"]) == "Gaat de omhoog?"
    assert without("Wat kost de tbs?", ["tb"]) == "Wat kost de tbs?"


@pytest.mark.parametrize(
    ("gain", "answerable"),
    [(None, True), (0.02, True), (-0.005, True), (-0.03, False), (float("-inf"), False)],
)
def test_the_rule_flags_a_subject_the_passage_does_not_need(gain, answerable):
    assert is_answerable(signals(gain), min_similarity=0.8, min_subject_gain=-0.01) is answerable
    assert is_answerable(signals(gain), min_similarity=0.8, min_subject_gain=None)  # off


def test_an_absent_subject_that_the_best_passage_does_not_need_is_not_answerable(searcher):
    result = searcher.search("Wat doet het kabinet tegen het lerarentekort?")
    assert result.signals.subject_gain is not None and result.signals.subject_gain < -0.02
    assert not result.answerable and result.answer is None


def test_a_paraphrase_whose_word_pulls_towards_the_passage_stays_answerable(searcher):
    # "gevangenispersoneel" is absent (the letter says "DJI-medewerkers"), but the word is what finds the passage.
    result = searcher.search("Mag gevangenispersoneel straks drones uit de lucht halen?")
    assert result.signals.subject_gain is not None and result.signals.subject_gain > 0
    assert result.answerable


def test_english_questions_and_questions_without_absent_terms_skip_the_test(searcher):
    assert searcher.search("How much money goes to the police?").signals.subject_gain is None
    assert searcher.search("Hoeveel geld gaat er naar de politie?").signals.subject_gain is None


def test_a_compound_counts_as_present_only_where_its_parts_stand_in_one_passage():
    from vraagbaak.index.lexical import BM25Index

    bm25 = BM25Index(["De kinderen gaan naar school.", "De opvang van asielzoekers."])
    question = "Wat kost de kinderopvang?"
    assert absent_terms(question, bm25.tokenizer, bm25.vocabulary, max_zipf=4.5) == []  # parts anywhere: present
    assert absent_terms(question, bm25.tokenizer, bm25.vocabulary, together=bm25.together, max_zipf=4.5) == [
        "kinderopvang"
    ]


def test_each_piece_of_a_hyphenated_word_must_be_used():
    from vraagbaak.index.lexical import BM25Index

    bm25 = BM25Index(["De wachtlijsten in de zorg worden korter."])
    # "wachtlijsten" is used, "ggz" is not: the word is absent, whichever piece comes first.
    assert absent_terms("Worden de ggz-wachtlijsten korter?", bm25.tokenizer, bm25.vocabulary) == ["ggz-wachtlijsten"]


def test_off_is_minus_one_in_the_settings_and_skips_the_test(searcher):
    off = searcher.with_config(min_subject_gain=-1.0).search("Wat doet het kabinet tegen het lerarentekort?")
    assert off.signals.subject_gain is None


def test_a_question_that_is_only_its_absent_word_is_left_to_the_other_signals(searcher):
    assert searcher.search("lerarentekort?").signals.subject_gain is None
