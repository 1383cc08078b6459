"""The answer-type check, described by examples: what a question asks for, and what counts as holding it."""

from __future__ import annotations

import pytest

from index.answer_types import AnswerRegion, answer_type_satisfied, question_kind

LETTER = "Beleidsbrief Justitie en Veiligheid > Gezag en orde op straat\n"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Hoeveel geld gaat er naar de politie?", "amount"),
        ("Wat kost het deltaplan in totaal?", "amount"),
        ("What is the total budget of the ministry?", "amount"),
        ("Wanneer komt de wet over gegevensdeling?", "time"),
        ("When does the ban take effect?", "time"),
        ("Hoe laat begint de wedstrijd?", "clock"),  # not an amount, though it holds "hoe"
        ("Welke straf krijg je voor het maken van deepnudes?", "penalty"),
        ("In welke gemeenten lopen de pilots?", "place"),
        ("Wie moet toezicht houden op bordelen?", "who"),
        ("Pakt het kabinet souteneurs aan?", None),
    ],
)
def test_question_kind(question, kind):
    assert question_kind(question) == kind


@pytest.mark.parametrize(
    ("question", "sentence", "holds"),
    [
        # amounts: a number or number word, but not one the question already gives
        ("Hoeveel geld gaat er naar de politie?", "We maken structureel 348 miljoen euro vrij.", True),
        ("Hoeveel agenten komen er bij?", "We versterken de politie.", False),
        ("What is the total budget for 2027?", "Het wetsvoorstel volgt in 2027.", False),
        # time: the headings count, so an annex row under "Kwartaal 3 2026" has its when
        ("Wanneer komt de wet?", "Wetsvoorstel versterking gegevensdeling", True),
        ("Hoe laat begint de wedstrijd?", "Dit begint met steun voor de mensen die dag en nacht werken.", False),
        ("Welke straf krijg je voor deepnudes?", "We gaan de aanpak van deepnudes versterken.", False),
        ("Welke straf krijg je voor deepnudes?", "Daarop staat een gevangenisstraf van ten hoogste twee jaar.", True),
        ("In welke gemeenten lopen de pilots?", "We beproeven in vier pilots het tijdelijk huisverbod.", False),
        ("In welke gemeenten lopen de pilots?", "De pilots lopen in Rotterdam en Groningen.", True),
        # who: a name or a public body, not merely the question's own words
        ("Wie is de Nationaal Coördinator Antisemitismebestrijding?", "De Nationaal Coördinator is aangesteld.", False),
        ("Wie moet toezicht houden op bordelen?", "Gemeenten moeten goed in staat zijn om toezicht te houden.", True),
        ("Wie heeft de brief ondertekend?", "De minister van Justitie en Veiligheid, D.M. van Weel", True),
        # no recognised kind: nothing to check
        ("Pakt het kabinet souteneurs aan?", "We onderzoeken een pooierverbod.", True),
    ],
)
def test_answer_region_holds_the_kind_asked_for(question, sentence, holds):
    headings = "Bijlage: WETGEVINGPLANNING > Kwartaal 3 2026\n" if "Wetsvoorstel" in sentence else LETTER
    assert answer_type_satisfied(question, AnswerRegion(headings, sentence)) is holds


def test_the_region_reaches_the_sentence_after_the_topic_sentence(searcher):
    """The letter names the plan in one sentence and gives its date in the next."""
    question = "Wanneer stuurt het kabinet het actieplan over het capaciteitstekort in het gevangeniswezen?"
    result = searcher.search(question, k=3)
    region = searcher.answer_region(result.hits[0], result.query_vector)
    assert "zomerreces van 2026" in region.sentences
    assert answer_type_satisfied(question, region) and result.answerable


def test_a_title_that_only_repeats_the_question_does_not_answer_who(searcher):
    result = searcher.search("Wie is de Nationaal Coördinator Antisemitismebestrijding?", k=3)
    assert result.hits[0].passage.section == "Strijd tegen antisemitisme"  # the right topic ...
    assert result.answerable is False  # ... but no name
