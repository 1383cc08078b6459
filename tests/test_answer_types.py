"""The answer-type check, described by examples: what a question asks for, and what counts as holding it."""

from __future__ import annotations

import pytest

from vraagbaak.index.answer_types import AnswerRegion, answer_type_satisfied, question_kind
from vraagbaak.index.search import Hit

LETTER = "Beleidsbrief Justitie en Veiligheid > Gezag en orde op straat\n"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Hoeveel geld gaat er naar de politie?", "money"),
        ("Wat kost het deltaplan in totaal?", "money"),
        ("What is the total budget of the ministry?", "money"),
        ("Hoeveel cellen zijn er tekort?", "count"),
        ("How many pilots are there?", "count"),
        ("Hoeveel blijft er over voor de politie?", "amount"),  # a verb, not a noun, after "hoeveel"
        ("Met hoeveel procent gaan de griffierechten omlaag?", "percentage"),
        ("Wanneer komt de wet over gegevensdeling?", "time"),
        ("When does the ban take effect?", "time"),
        ("Hoe laat begint de wedstrijd?", "clock"),  # not an amount, though it holds "hoe"
        ("Welke straf krijg je voor het maken van deepnudes?", "penalty"),
        ("In welke gemeenten lopen de pilots?", "place"),
        ("Wie moet toezicht houden op bordelen?", "who"),
        ("Pakt het kabinet souteneurs aan?", None),
        # a question word counts only where it asks
        ("Will mayors get emergency powers when demonstrations disturb public order?", None),
        ("Wat gebeurt er wanneer een demonstratie de openbare orde verstoort?", None),
        ("What happens to people who threaten journalists?", None),
        ("Met wie werkt het ministerie samen?", "who"),
        ("Per wanneer geldt de regel?", "time"),
        # money, however it is asked, and verbs after "hoeveel" are not counted things
        ("Hoeveel miljoen gaat er naar de politie?", "money"),
        ("How many euros go to the police?", "money"),
        ("Hoeveel investeren we in de politie?", "amount"),
        ("Hoeveel bedragen de kosten?", "amount"),
        ("Hoeveel nieuwe agenten komen er bij?", "count"),
        ("Wat is de straf voor deepnudes?", "penalty"),
        ("Hoe hoog wordt de boete voor voetbalclubs?", "penalty"),
        ("Hoe laat het kabinet zien dat het werkt?", None),  # "laat" the verb
        ("Which ministry is responsible?", "who"),
    ],
)
def test_question_kind(question, kind):
    assert question_kind(question) == kind


@pytest.mark.parametrize(
    ("question", "sentence", "holds"),
    [
        # money wants a sum of money; a count wants a number that is neither money nor a year
        ("Hoeveel geld gaat er naar de politie?", "We maken structureel 348 miljoen euro vrij.", True),
        ("Hoeveel geld gaat er naar de politie?", "In 2027 volgt een wetsvoorstel.", False),
        ("Hoeveel agenten komen er bij?", "We versterken de politie.", False),
        ("Hoeveel cellen zijn er tekort?", "Er is 75 miljoen euro beschikbaar in 2027.", False),
        ("Hoeveel pilots lopen er?", "We beproeven in vier pilots het huisverbod.", True),
        ("Hoeveel cellen zijn er tekort?", "Er is € 75 miljoen beschikbaar.", False),  # money with a euro sign
        ("Hoeveel agenten komen er bij?", "Er komen 2000 extra agenten.", True),  # 2000 is a count here
        ("Hoeveel rechters komen er bij?", "Er komen dertig rechters bij.", True),
        ("Met hoeveel procent dalen de griffierechten?", "De griffierechten dalen voor kwetsbare groepen.", False),
        ("Met hoeveel procent dalen de griffierechten?", "De griffierechten dalen met 10 procent.", True),
        # an amount: any number, but not one the question already gives
        ("Hoeveel blijft er over?", "Vervolgens blijft 114 miljoen euro over.", True),
        ("What is the total budget for 2027?", "Het wetsvoorstel volgt in 2027.", False),
        # time: the headings count, so an annex row under "Kwartaal 3 2026" has its when
        ("Wanneer komt de wet?", "Wetsvoorstel versterking gegevensdeling", True),
        ("Hoe laat begint de wedstrijd?", "Dit begint met steun voor de mensen die dag en nacht werken.", False),
        ("Welke straf krijg je voor deepnudes?", "We gaan de aanpak van deepnudes versterken.", False),
        ("Welke straf krijg je voor deepnudes?", "Daarop staat een gevangenisstraf van ten hoogste twee jaar.", True),
        ("Welke straf krijg je?", "De leeftijd gaat naar 15 jaar; we gaan deepnudes bestraffen.", False),
        ("Hoe hoog wordt de boete voor voetbalclubs?", "Voetbalclubs krijgen een boete bij wangedrag.", False),
        ("Hoe hoog wordt de boete voor voetbalclubs?", "De boete wordt 5000 euro.", True),
        ("In welke gemeenten lopen de pilots?", "We beproeven in vier pilots het tijdelijk huisverbod.", False),
        ("In welke gemeenten lopen de pilots?", "De pilots lopen in Rotterdam en Groningen.", True),
        # who: a name or a public body, not merely the question's own words
        ("Wie is de Nationaal Coördinator Antisemitismebestrijding?", "De Nationaal Coördinator is aangesteld.", False),
        ("Wie is de Nationaal Coördinator?", "\n\nWe versterken de Nationaal Coördinator.", False),  # "We" is no name
        ("Wie moet toezicht houden op bordelen?", "Gemeenten moeten goed in staat zijn om toezicht te houden.", True),
        ("Wie heeft de brief ondertekend?", "De minister van Justitie en Veiligheid, D.M. van Weel", True),
        # no recognised kind: nothing to check
        ("Pakt het kabinet souteneurs aan?", "We onderzoeken een pooierverbod.", True),
    ],
)
def test_answer_region_holds_the_kind_asked_for(question, sentence, holds):
    headings = "Bijlage: WETGEVINGPLANNING > Kwartaal 3 2026\n" if "Wetsvoorstel" in sentence else LETTER
    assert answer_type_satisfied(question, AnswerRegion(headings, sentence)) is holds


def test_the_region_is_the_best_sentence_with_one_neighbour_on_each_side(searcher):
    """The letter often names a plan in one sentence and gives its date or body in the next."""
    row, p = next((i, p) for i, p in enumerate(searcher.passages) if len(p.sentences) >= 5)
    best = 2
    qvec = searcher.index.sentence_vectors[searcher.index.sentence_offsets[row] + best]  # matches sentence 2 best
    region = searcher.answer_region(Hit(p, 1, 1.0, ""), qvec)
    assert region.sentences == p.text[p.sentences[best - 1][0] : p.sentences[best + 1][1]]
    assert region.headings == p.search_prefix


def test_english_questions_get_a_lower_similarity_bar(searcher):
    config = searcher.config
    assert searcher.similarity_bar("Hoeveel geld gaat naar de politie?") == config.min_similarity
    english = config.min_similarity - config.english_similarity_offset
    assert searcher.similarity_bar("How much money goes to the police?") == english
