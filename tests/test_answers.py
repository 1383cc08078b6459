"""Direct answers (index/answers.py) on made-up passages, without a model, and `vraagbaak ask`.

The sentence similarities are given per sentence, as the search would read them from the index;
key terms are lowercase words without a few function words, standing in for BM25's analyser.
The real index's answers are checked over HTTP in tests/test_api.py and measured by `make eval`.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest

from vraagbaak.index.answers import MAX_ANSWER_CHARS, answer_kind, find_answer
from vraagbaak.index.lexical import DutchAnalyzer
from vraagbaak.index.model import DocumentRef, Passage

NOTE = DocumentRef("notitie", "markdown", "Notitie", None, None, "notitie.md")
REPORT = DocumentRef("rapport", "pdf", "Rapport", "2026-03-01", "R-1", "rapport.pdf")
FUNCTION_WORDS = {"de", "het", "een", "er", "gaat", "naar", "wie", "wat", "hoeveel", "wanneer", "van", "is", "en"}
FUNCTION_WORDS |= {"met"}


def passage(sentences: list[str], *, doc=NOTE, section="Aanpak", page=None, page_end=None, breaks=()) -> Passage:
    text, spans = "", []
    for s in sentences:
        start = len(text) + (1 if text else 0)
        text = (text + " " if text else "") + s
        spans.append((start, len(text)))
    pages = "" if page is None else (f", p. {page}" if page == page_end else f", p. {page}–{page_end}")
    return Passage(
        id=f"{doc.id}:{abs(hash(text)) % 10**8}",
        text=text,
        document=doc,
        section=section,
        section_path=[section],
        page=page,
        page_end=page_end,
        footnotes=[],
        citation=f"{doc.title}, {section}{pages}",
        sentences=spans,
        breaks=[spans[i][0] for i in breaks],
    )


def terms(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if w not in FUNCTION_WORDS}


def ask(question: str, passages: list[Passage], sims: dict[str, list[float]], **kw):
    kw.setdefault("min_similarity", 0.80)
    kw.setdefault("key_terms", terms)
    return find_answer(question, passages, lambda p: np.array(sims[p.id]), **kw)


def test_a_qualifier_in_the_question_picks_between_two_amounts():
    p = passage(
        [
            "Daarnaast gaat 114 miljoen euro incidenteel naar de politie.",
            "We maken structureel 348 miljoen euro vrij voor de politie.",
        ]
    )
    a = ask("Hoeveel geld gaat er structureel naar de politie?", [p], {p.id: [0.86, 0.85]})
    assert (a.kind, a.text) == ("money", "348 miljoen euro")
    assert a.sentence == "We maken structureel 348 miljoen euro vrij voor de politie."
    assert a.passage_id == p.id and a.section == "Aanpak" and 0 < a.confidence <= 1


def test_the_page_and_citation_are_the_answering_sentences_own():
    p = passage(
        ["De aanpak begint dit jaar.", "De regionale loketten openen na de zomer van 2026."],
        doc=REPORT,
        page=3,
        page_end=4,
        breaks=(1,),
    )
    a = ask("Wanneer openen de regionale loketten?", [p], {p.id: [0.81, 0.88]})
    assert (a.kind, a.text, a.page) == ("date", "na de zomer van 2026", 4)
    assert p.citation.endswith(", p. 3–4") and a.citation == "Rapport, Aanpak, p. 4"


def test_a_document_without_pages_cites_its_section():
    p = passage(["De kosten bedragen 18 miljoen euro."])
    a = ask("Hoeveel geld kost de aanpak?", [p], {p.id: [0.9]}, min_top_key_overlap=0.0)
    assert (a.text, a.page, a.citation) == ("18 miljoen euro", None, "Notitie, Aanpak")


def test_no_answer_below_the_similarity_bar_or_without_the_questions_subject():
    p = passage(["Het programma kost 12 miljoen euro.", "Defensie krijgt er niets bij."])
    assert ask("Hoeveel geld kost het programma?", [p], {p.id: [0.79, 0.78]}) is None
    other = passage(["De gevangenissen krijgen 75 miljoen euro.", "Dat is een begin."])
    sims = {other.id: [0.86, 0.82]}
    assert ask("Hoeveel geld gaat er naar de woningbouw?", [other], sims) is None  # no shared term


def test_a_who_answer_never_repeats_the_question_and_follows_its_preposition():
    p = passage(
        [
            "De Nationaal Coördinator werkt aan een nieuw plan voor de sociale advocatuur.",
            "Dit doen we samen met de NOVA en de Raad voor Rechtsbijstand.",
        ]
    )
    sims = {p.id: [0.83, 0.84]}
    a = ask("Met wie werkt het ministerie het plan voor de sociale advocatuur uit?", [p], sims)
    # The second sentence shares no term itself: "Dit" points back to the first, whose terms count.
    assert a.text == "de NOVA en de Raad voor Rechtsbijstand"
    only_the_question = passage(["De Nationaal Coördinator Antisemitismebestrijding zet zich in."])
    sims = {only_the_question.id: [0.9]}
    assert ask("Wie is de Nationaal Coördinator Antisemitismebestrijding?", [only_the_question], sims) is None


def test_a_body_without_an_article_answers_who():
    p = passage(["Gemeenten moeten goed in staat zijn om toezicht te houden op seksbedrijven."])
    a = ask("Wie moet toezicht houden op seksbedrijven?", [p], {p.id: [0.86]})
    assert (a.kind, a.text) == ("who", "Gemeenten")
    generic = passage(["Mensen en instanties staan altijd in de wind bij het toezicht op seksbedrijven."])
    assert ask("Wie houdt toezicht op seksbedrijven?", [generic], {generic.id: [0.86]}) is None


def test_a_count_counts_what_the_question_counts_and_is_never_a_year():
    p = passage(["In 2026 wachtten 2.870 kinderen op een jeugdbeschermer, en 120 gezinnen op hulp."])
    a = ask("Hoeveel kinderen wachtten op een jeugdbeschermer?", [p], {p.id: [0.88]})
    assert (a.kind, a.text) == ("count", "2.870 kinderen")


def test_how_long_how_often_and_which_share():
    p = passage(["Een vacature staat gemiddeld veertien weken open, en de helft blijft langer open."])
    assert ask("Hoe lang staat een vacature open?", [p], {p.id: [0.88]}).text == "veertien weken"
    q = passage(["Gezinnen op de wachtlijst worden eens per vier weken gebeld."])
    assert ask("Hoe vaak worden gezinnen op de wachtlijst gebeld?", [q], {q.id: [0.88]}).text == "eens per vier weken"
    r = passage(["In 2025 werd een op de vijf mkb-bedrijven getroffen door cybercrime."])
    a = ask("Welk deel van de mkb-bedrijven werd getroffen door cybercrime?", [r], {r.id: [0.9]})
    assert (a.kind, a.text) == ("percentage", "een op de vijf")


def test_a_planning_row_answers_when_with_its_heading():
    bill = "Nader rapport / indiening TK – Wetsvoorstel verbetering kroongetuigeregeling"
    row = passage([bill], section="Kwartaal 3 2026")
    a = ask("Wanneer komt het wetsvoorstel over de kroongetuigeregeling?", [row], {row.id: [0.86]})
    assert (a.kind, a.text) == ("date", "Kwartaal 3 2026")
    later = passage(["Wetsvoorstel strafbaarstelling verheerlijken terrorisme"], section="Planning nader te bepalen")
    a = ask("Wanneer wordt het verheerlijken van terrorisme strafbaar?", [later], {later.id: [0.85]})
    assert a.text == "Planning nader te bepalen"


def test_yes_or_no_with_its_reason_and_open_questions_get_a_short_sentence():
    p = passage(["Er komt voorlopig geen verbod op lachgas in het verkeer."])
    a = ask("Komt er een verbod op lachgas in het verkeer?", [p], {p.id: [0.87]})
    assert (a.kind, a.text, a.sentence) == ("yesno", "Nee", p.text)
    long = passage(
        [
            "We versterken de rechtsbescherming door de constitutionele toetsing aan de klassieke grondrechten "
            "mogelijk te maken, zodat burgers zich bij de rechter op de Grondwet kunnen beroepen, "
            "ook tegen wetten in formele zin."
        ]
    )
    a = ask("Waarom versterken we de rechtsbescherming?", [long], {long.id: [0.9]})
    assert a.kind == "sentence" and len(a.text) <= MAX_ANSWER_CHARS and a.text.endswith("…")


def test_an_english_question_needs_no_shared_words_but_its_own_similarity():
    p = passage(["De regionale cyberloketten openen na de zomer."])
    q = "When will the regional cyber help desks open?"
    assert ask(q, [p], {p.id: [0.84]}, english=True, english_min_similarity=0.82).text == "na de zomer"
    assert ask(q, [p], {p.id: [0.81]}, english=True, english_min_similarity=0.82) is None
    assert ask(q, [p], {p.id: [0.84]}) is None  # taken for Dutch, it shares no term


def test_an_english_question_shares_words_through_its_translations():
    """With term groups (index/glossary.py), a later passage's sentence can answer an English question on the
    ordinary bar, while the best passage's sentence that shares no translated word still needs the English one."""
    first = passage(["Het kabinet stuurt de Kamer na de zomer een brief."], section="Inleiding")
    later = passage(["De slachtoffers krijgen in 2027 een vaste casemanager."])
    q = "When do victims get a case manager?"
    groups = [frozenset({"victim", "slachtoffers"}), frozenset({"case", "zaak"}), frozenset({"manager", "casemanager"})]
    sims = {first.id: [0.81], later.id: [0.80]}
    english = {"english": True, "english_min_similarity": 0.82, "min_similarity": 0.78}
    assert ask(q, [first, later], sims, **english) is None  # on similarity alone, neither clears 0.82
    a = ask(q, [first, later], sims, term_groups=groups, **english)
    assert (a.text, a.passage_id) == ("in 2027", later.id)
    # A word is one unit however many of its translations a sentence holds: two of the first word's translations
    # and nothing of the other two words share a third of the question, below the bar, not two fifths, above it.
    both = passage(["De slachtoffers en andere getroffenen krijgen in 2027 hulp."])
    words = [frozenset({"victims", "slachtoffers", "getroffenen"}), frozenset({"case"}), frozenset({"manager"})]
    bars = {"min_key_overlap": 0.34, "min_top_key_overlap": 0.34, "english_min_similarity": 0.90}
    assert ask(q, [both], {both.id: [0.80]}, english=True, min_similarity=0.78, term_groups=words, **bars) is None
    flat = [frozenset({t}) for t in sorted(set().union(*words))]
    assert ask(q, [both], {both.id: [0.80]}, english=True, min_similarity=0.78, term_groups=flat, **bars)


def test_an_english_question_on_a_planning_row_still_needs_the_english_bar():
    row = passage(["Wetsvoorstel slachtofferrechten: indiening bij de Tweede Kamer."], section="Kwartaal 3 2026")
    q = "When will the victims' rights bill be submitted?"
    # The row is judged on its similarity alone, so a row whose words the translations miss needs the English bar.
    groups = [frozenset({"victims", "getroffenen"}), frozenset({"bill", "rekening"})]
    english = {"english": True, "english_min_similarity": 0.82, "min_similarity": 0.78, "term_groups": groups}
    assert ask(q, [row], {row.id: [0.80]}, **english) is None
    assert ask(q, [row], {row.id: [0.83]}, **english).text == "Kwartaal 3 2026"


def test_of_two_dates_the_one_beside_the_question_s_words_answers():
    p = passage(["Ik informeer uw Kamer voor het einde van 2026, en in 2028 laat ik het WODC het beleid evalueren."])
    sims = {p.id: [0.86]}
    assert ask("Wanneer gaat het WODC het beleid evalueren?", [p], sims).text == "in 2028"
    assert ask("Wanneer informeert de minister uw Kamer?", [p], sims).text == "2026"
    # Words are compared as BM25 analyses them ("gewijzigd" and "wijzigt" meet), and an English word finds its
    # Dutch cognate by its first six letters ("evaluation", "evaluatie").
    analyse = DutchAnalyzer()
    changed = passage(["Het kabinet besluit voor 1 juli 2026 over de aanpak, en in 2028 wordt de regeling gewijzigd."])
    a = ask(
        "Wanneer wijzigt het kabinet de regeling?", [changed], {changed.id: [0.86]}, key_terms=lambda t: set(analyse(t))
    )
    assert a.text == "in 2028"
    cognate = passage(["In 2026 informeren we de Kamer en in 2028 volgt de evaluatie."])
    a = ask("When is the evaluation?", [cognate], {cognate.id: [0.86]}, min_top_key_overlap=0)
    assert a.text == "in 2028"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Hoeveel geld gaat er naar de politie?", "money"),
        ("Hoe hoog is de vergoeding?", "count"),  # an amount of anything; the span says money if it is
        ("Wanneer komt de wet?", "date"),
        ("Wie houdt toezicht?", "who"),
        ("Klopt het dat de regeling wordt uitgebreid?", "yesno"),
        ("Waarom is dit nodig?", "sentence"),
        ("In welke periode liep het onderzoek?", "date"),
        ("Welk deel van de bedrijven werd getroffen?", "percentage"),
        # Forms the answerability types leave open, which the answer still cuts its kind for.
        ("Wat wordt de maximale straf voor stalking?", "penalty"),
        ("What is the maximum fine for a club?", "penalty"),
        ("Wat is het doel van de straf?", "sentence"),
        ("In which year will the law take effect?", "date"),
        ("What budget is there for the hotline?", "money"),
        ("Welk bedrag is er voor de hotline?", "money"),
        ("What maximum waiting time does the inspectorate recommend?", "count"),
        ("Welke termijn geldt voor het voorschot?", "count"),
    ],
)
def test_what_kind_of_answer_a_question_asks(question, kind):
    assert answer_kind(question) == kind


def test_ask_prints_the_answer_and_its_citation_before_the_passages(searcher, monkeypatch, capsys):
    from vraagbaak import cli
    from vraagbaak.service import app

    monkeypatch.setattr(app, "build_searcher", lambda settings: searcher)
    assert cli.main(["ask", "Hoeveel geld gaat er structureel naar de politie?", "-k", "2"]) == 0
    out = capsys.readouterr().out
    first, second = out.splitlines()[:2]
    assert first == "Antwoord: 348 miljoen euro"
    assert "We maken structureel 348 miljoen euro vrij" in second
    citation = "Beleidsbrief Justitie en Veiligheid (24 april 2026, kenmerk 7534332), Gezag en orde op straat, p. 2"
    assert out.index(citation) < out.index("1. " + citation)

    assert cli.main(["ask", "Wat is een goed recept voor appeltaart?", "-k", "1"]) == 0
    assert "Antwoord:" not in capsys.readouterr().out


def _broken(p: Passage, marker: str) -> Passage:
    """``p`` with a page break inside its text, before ``marker``: a sentence that runs over two pages."""
    return replace(p, breaks=[p.text.index(marker)])


def test_a_span_in_a_sentence_across_a_page_break_is_cited_on_its_own_page():
    p = _broken(
        passage(
            ["Voor de opvang van slachtoffers komt er de komende jaren structureel 20 miljoen euro bij."],
            doc=REPORT,
            page=6,
            page_end=7,
        ),
        "structureel",
    )
    a = ask("Hoeveel geld komt er bij voor de opvang van slachtoffers?", [p], {p.id: [0.88]})
    assert (a.text, a.page) == ("20 miljoen euro", 7)
    assert a.citation.endswith(", p. 7")


def test_a_whole_sentence_answer_across_a_break_is_cited_where_the_question_s_terms_are():
    row = "Nader rapport / indiening TK – Wijziging van de Wet op de weg in verband met een rijverbod voor recidivisten"
    p = _broken(passage([row], doc=REPORT, section="Kwartaal 1 2027", page=13, page_end=14), "rijverbod")
    a = ask("Wanneer komt het rijverbod voor recidivisten?", [p], {p.id: [0.9]})
    assert (a.text, a.page) == ("Kwartaal 1 2027", 14)


def test_a_planning_row_without_a_date_answers_no_to_is_there_a_date():
    p = passage(
        ["Wetsvoorstel strafbaarstelling van het verheerlijken van geweld"],
        doc=REPORT,
        section="Planning nader te bepalen",
        page=14,
        page_end=14,
    )
    question = "Is er al een datum voor het wetsvoorstel over het verheerlijken van geweld?"
    assert answer_kind(question) == "yesno"
    assert ask(question, [p], {p.id: [0.9]}).text == "Nee"
    assert ask("Komt er een wetsvoorstel over het verheerlijken van geweld?", [p], {p.id: [0.9]}).text == "Ja"


def test_every_sentence_of_the_answers_passage_that_holds_the_asked_kind_is_kept_for_the_highlights():
    p = passage(
        [
            "We maken structureel 348 miljoen euro vrij voor de politie.",
            "Het is van belang dat de overbezetting wordt afgebouwd.",
            "Vervolgens blijft 114 miljoen euro over voor de politie.",
        ]
    )
    a = ask("Hoeveel geld gaat er naar de politie?", [p], {p.id: [0.84, 0.80, 0.86]})
    assert a.text == "114 miljoen euro"
    assert [p.text[x:y] for x, y in a.sentence_spans] == [p.text[slice(*p.sentences[0])], a.sentence]
    assert "sentence_spans" not in a.public()
    # An open question marks its own sentence only.
    b = ask("Wat doet het kabinet voor de politie?", [p], {p.id: [0.84, 0.80, 0.86]})
    assert b.sentence_spans == (b.sentence_span,)


def test_the_members_a_motion_is_named_after_are_no_answer_to_who():
    p = passage(
        [
            "Een kwartiermaker werkt naar aanleiding van de motie Van Nispen/Palmen aan een landelijk netwerk.",
            "Het landelijke netwerk bouwt het ministerie samen met het Juridisch Loket.",
        ]
    )
    a = ask("Met wie bouwt het ministerie het landelijke netwerk?", [p], {p.id: [0.90, 0.85]})
    assert a.text == "het Juridisch Loket"


def test_a_sentence_that_points_back_is_judged_with_the_one_before_it():
    # "Dit doen we samen met ..." is too short to resemble the question on its own; it continues the plans.
    p = passage(
        [
            "Een sterke sociale advocatuur is voor het ministerie van belang, zoals de Commissie Van der Meer schreef.",
            "We werken aan concrete plannen voor de sociale advocatuur.",
            "Dit doen we samen met de NOVA en de Raad voor Rechtsbijstand.",
        ]
    )
    a = ask("Met wie werkt het ministerie de plannen voor de sociale advocatuur uit?", [p], {p.id: [0.85, 0.87, 0.80]})
    assert a.text == "de NOVA en de Raad voor Rechtsbijstand"


def test_who_signed_is_read_from_the_signature_block():
    p = passage(
        [
            "Wij zien uit naar een goede samenwerking met uw Kamer.",
            "De Minister van Justitie en Veiligheid,\n\nA.B. de Vries\n\n"
            "De Staatssecretaris van Justitie en Veiligheid,\n\nCarla van Dam",
        ],
        doc=REPORT,
        section="Tot slot",
        page=12,
        page_end=12,
    )
    other = passage(["De minister-president kondigde aan dat ieder departement een brief stuurt."])
    sims = {p.id: [0.80, 0.76], other.id: [0.86]}
    a = ask("Welke minister heeft de brief ondertekend?", [other, p], sims)
    assert (a.kind, a.text, a.page, a.passage_id) == ("who", "A.B. de Vries", 12, p.id)
    assert ask("Who is the state secretary that signed the letter?", [other, p], sims).text == "Carla van Dam"


def test_of_two_amounts_in_one_sentence_the_question_s_qualifier_picks_the_one_it_stands_by():
    p = passage(["Voor celcapaciteit komt 75 miljoen euro in 2027 en structureel 100 miljoen euro vanaf 2028."])
    sims = {p.id: [0.88]}
    assert ask("Hoeveel geld gaat er vanaf 2028 naar celcapaciteit?", [p], sims).text == "100 miljoen euro"
    assert ask("Hoeveel geld gaat er in 2027 naar celcapaciteit?", [p], sims).text == "75 miljoen euro"
    assert ask("Hoeveel geld gaat er naar celcapaciteit?", [p], sims).text == "75 miljoen euro"  # none: the first


def test_a_provision_s_number_answers_which_article():
    p = passage(["Hiervoor werkt BZK aan de wijziging van artikel 120 van de Grondwet."])
    a = ask("Welk artikel van de Grondwet wordt gewijzigd?", [p], {p.id: [0.86]})
    assert (a.kind, a.text) == ("count", "artikel 120")


def test_a_form_s_not_applicable_answers_no():
    p = passage(["n.v.t."], section="4. Toelichting")
    assert ask("Bevat de nota een toelichting?", [p], {p.id: [0.82]}, unshared_min_similarity=0.82).text == "Nee"


def test_a_yes_no_question_about_extra_money_is_answered_by_a_sentence_about_money():
    p = passage(
        [
            "De noodzaak voor het verbeteren van de jeugdzorg blijft onverminderd groot.",
            "We verbeteren de jeugdzorg binnen de huidige financiële kaders.",
        ]
    )
    a = ask("Is er extra geld voor het verbeteren van de jeugdzorg?", [p], {p.id: [0.88, 0.84]})
    assert (a.text, a.sentence) == ("Nee", "We verbeteren de jeugdzorg binnen de huidige financiële kaders.")


def test_what_the_question_counts_comes_before_its_qualifier():
    p = passage(["In 2027 komt er 50 miljoen euro bij voor 1.200 extra agenten."])
    assert ask("Hoeveel agenten komen er in 2027 bij?", [p], {p.id: [0.88]}).text == "1.200 extra agenten"


def test_prose_that_starts_with_a_minister_is_no_signature():
    p = passage(
        ["De minister voor Rechtsbescherming heeft gezegd dat er meer komt, Nederland krijgt er rechtbanken bij."]
    )
    a = ask("Welke minister heeft de brief ondertekend?", [p], {p.id: [0.5]})
    assert a is None or a.text != "Nederland krijgt er rechtbanken"


def test_geldt_is_not_about_money():
    p = passage(["Dit geldt ook voor de verbetering van de jeugdzorg."])
    assert ask("Is er extra geld voor de verbetering van de jeugdzorg?", [p], {p.id: [0.88]}) is None


def test_a_changed_value_answers_with_its_new_value_unless_the_question_asks_the_old_one():
    p = passage(["Ik verhoog de maximale uitkering van het fonds van 35.000 euro naar 50.000 euro."])
    assert ask("Hoeveel kan een slachtoffer krijgen van het fonds?", [p], {p.id: [0.86]}).text == "50.000 euro"
    was = ask("Hoeveel was de maximale uitkering van het fonds eerder?", [p], {p.id: [0.86]})
    assert was.text == "35.000 euro"


def test_in_a_table_the_amount_comes_from_the_row_that_names_the_questions_subject():
    table = (
        "Vorm van cybercrime | Aandeel | Gemiddelde schade\n\nPhishing | 41 procent | 6.500 euro\n\n"
        "Ransomware | 9 procent | 112.000 euro"
    )
    p = passage([table])
    a = ask("Hoeveel schade richt een ransomware-aanval gemiddeld aan?", [p], {p.id: [0.86]})
    assert (a.kind, a.text) == ("money", "112.000 euro")


def test_every_year_asks_for_the_structural_amount():
    p = passage(
        ["Er gaat 114 miljoen euro incidenteel naar de politie en structureel 348 miljoen euro naar de politie."]
    )
    a = ask("Hoeveel geld gaat er elk jaar naar de politie?", [p], {p.id: [0.86]})
    assert a.text == "348 miljoen euro"


def test_a_day_without_its_year_is_a_date():
    p = passage(["De uiteindelijke vaststelling van de brief vindt plaats in de ministerraad van 24 april."])
    a = ask("Wanneer wordt de brief vastgesteld in de ministerraad?", [p], {p.id: [0.86]})
    assert (a.kind, a.text) == ("date", "24 april")


def test_the_best_passages_sentence_that_shares_no_words_answers_only_when_close_enough_on_its_own():
    p = passage(["Een eerste stap is 50 miljoen euro voor de IT-systemen van het OM."])
    question = "hoeveel geld krijgt het Openbaar Ministerie"  # "het OM" shares no word with it
    assert ask(question, [p], {p.id: [0.86]}) is None
    assert ask(question, [p], {p.id: [0.86]}, unshared_min_similarity=0.82).text == "50 miljoen euro"
    assert ask(question, [p], {p.id: [0.81]}, unshared_min_similarity=0.82) is None
    other = passage(["Er gaat 75 miljoen euro naar de gevangenissen."], section="Sancties")
    assert ask(question, [other, p], {p.id: [0.86], other.id: [0.85]}, unshared_min_similarity=0.82).text == (
        "75 miljoen euro"  # only the best passage's sentences are judged on their own
    )


def test_a_sentence_that_names_the_subject_beats_a_slightly_closer_one_that_does_not():
    p = passage(
        [
            "Voor de celcapaciteit is 75 miljoen euro beschikbaar in 2027.",
            "Voor het zomerreces van 2026 sturen we het actieplan naar de Tweede Kamer.",
        ]
    )
    a = ask("Wanneer stuurt het kabinet het actieplan?", [p], {p.id: [0.855, 0.84]}, unshared_min_similarity=0.82)
    assert a.text == "Voor het zomerreces van 2026"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Hoeveel schade richt een ransomware-aanval aan?", "money"),
        ("What is the expected annual cost of the scheme?", "money"),
        ("Welke overheidsdienst stuurt de herinnering?", "who"),
        ("Welke toezichthouder stelde dat vast?", "who"),
        ("Met hulp van wie bekijkt het kabinet de leerstraf?", "who"),
        ("Naar welk land kijkt het kabinet?", "place"),
        ("Welk land heeft al een meldpunt?", "place"),
        ("Welke stappen zet het kabinet?", "sentence"),
        # Any verb before its subject opens a yes/no question; keywords and question words do not.
        ("Kijkt het kabinet naar een hogere leeftijdsgrens?", "yesno"),
        ("Lost het openhouden van lege gebouwen het tekort op?", "yesno"),
        ("budget aanpak Ons voetbal is voor iedereen", "sentence"),
        # "Waar" asks a place, unless it belongs to a preposition: "waar ... over", "waar ... om".
        ("Waar loopt de proef met een casemanager voor slachtoffers?", "place"),
        ("Welke oude gevangenislocatie wil DJI weer gebruiken?", "place"),
        ("Waar gaat de brief over?", "sentence"),
        ("Waar draaide het afgelopen jaar om bij bewaken en beveiligen?", "sentence"),
    ],
)
def test_what_more_questions_ask_for(question, kind):
    assert answer_kind(question) == kind


def test_a_yes_no_question_is_not_answered_by_a_close_sentence_about_something_else():
    p = passage(["We verstevigen de zorgplicht van online gokaanbieders en stellen een reclameverbod in."])
    question = "Wordt de kansspelbelasting verhoogd?"  # shares no term with the sentence
    assert ask(question, [p], {p.id: [0.81]}, unshared_min_similarity=0.82) is None
    # Close enough on its own is not enough for a yes or no: nothing around the sentence names the subject.
    assert ask(question, [p], {p.id: [0.84]}, unshared_min_similarity=0.82) is None
    # A paraphrase whose sentence shares no word answers when its heading (or a neighbour) names the subject.
    sentence = "Het wetsvoorstel om psychisch geweld strafbaar te stellen gaat voor de zomer in consultatie."
    q = passage([sentence], section="Geweld binnen een relatie")
    paraphrase = "Wordt emotionele mishandeling binnen een relatie een misdrijf?"
    assert ask(paraphrase, [q], {q.id: [0.84]}, unshared_min_similarity=0.82).text == "Ja"
    assert (
        ask(paraphrase, [passage([sentence])], {passage([sentence]).id: [0.84]}, unshared_min_similarity=0.82) is None
    )


def test_a_year_before_a_count_does_not_swallow_the_counts_number():
    p = passage(["Slachtofferhulp Nederland krijgt er in 2026 vijftien medewerkers bij voor slachtoffers van fraude."])
    a = ask("Hoeveel medewerkers krijgt Slachtofferhulp Nederland erbij?", [p], {p.id: [0.86]})
    assert (a.kind, a.text) == ("count", "vijftien medewerkers")


def test_the_member_a_motion_is_named_after_answers_no_who_question():
    p = passage(
        [
            "We zorgen voor wettelijke verankering van de Nationaal Coördinator Antisemitismebestrijding in lijn"
            " met de aangenomen motie van het lid Bamenga c.s."
        ]
    )
    assert ask("Wie is de Nationaal Coördinator Antisemitismebestrijding?", [p], {p.id: [0.86]}) is None


def test_who_holds_a_post_is_answered_by_a_persons_name_not_a_body_beside_it():
    p = passage(["De Nationaal Coördinator werkt samen met het ministerie van OCW en de NCTV aan de aanpak."])
    assert ask("Wie is de Nationaal Coördinator?", [p], {p.id: [0.86]}) is None
    named = passage(["Eddo Verdoner werkt sinds 2021 als Nationaal Coördinator samen met het ministerie van OCW."])
    assert ask("Wie is de Nationaal Coördinator?", [named], {named.id: [0.86]}).text == "Eddo Verdoner"


def test_a_yes_no_question_about_a_planned_bill_answers_with_its_quarter():
    row = passage(["Nader rapport / indiening TK - Wet gemeentelijk toezicht seksbedrijven"], section="Kwartaal 2 2026")
    a = ask("Is de Wet gemeentelijk toezicht seksbedrijven al gepland?", [row], {row.id: [0.86]})
    assert (a.kind, a.text) == ("yesno", "Ja, Kwartaal 2 2026")
    later = passage(
        ["Nader rapport / indiening TK - Wet gemeentelijk toezicht seksbedrijven"], section="Nader te bepalen"
    )
    assert ask("Is de Wet gemeentelijk toezicht seksbedrijven al gepland?", [later], {later.id: [0.86]}).text == "Nee"


def test_a_part_of_a_whole_is_counted_whole_with_its_adjective():
    p = passage(["In 38 van de 120 bestudeerde dossiers nam de onveiligheid voor het kind tijdens het wachten toe."])
    a = ask("In hoeveel onderzochte dossiers werd de situatie voor het kind onveiliger?", [p], {p.id: [0.86]})
    assert (a.kind, a.text) == ("count", "38 van de 120 bestudeerde dossiers")


def test_names_joined_by_and_with_the_preposition_again_are_one_answer():
    p = passage(["Het rapport is aangeboden aan de minister van Justitie en aan de staatssecretaris van VWS."])
    a = ask("Aan wie heeft de inspectie het rapport aangeboden?", [p], {p.id: [0.86]})
    assert a.text == "de minister van Justitie en aan de staatssecretaris van VWS"


@pytest.mark.parametrize(
    "question",
    [
        "Noem de maatregelen tegen ondermijning",
        "Beschrijf de aanpak van de politie",
        "Explain the policy on cybercrime",
        "budget gemeenten jeugdzorg",
        "Volgens de brief, wat is het doel van de wet?",
        "Geef de planning van de Coördinatiewet",
        "Kunt u uitleggen wat de wet doet?",
    ],
)
def test_instructions_keywords_and_questions_with_a_question_word_later_are_not_yes_no(question):
    assert answer_kind(question) != "yesno"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Waar is het geld voor bedoeld?", "sentence"),
        ("Waar moet ik op letten bij een melding?", "sentence"),
        ("Waar komt het geld vandaan?", "sentence"),
        ("Waar wordt het geld aan besteed?", "sentence"),
        ("Waar kan ik als ondernemer terecht met een factuur?", "place"),
        ("Waar worden de regionale cyberloketten ondergebracht?", "place"),
    ],
)
def test_where_asks_a_place_only_with_a_verb_that_places(question, kind):
    assert answer_kind(question) == kind


def test_a_range_is_not_a_change():
    p = passage(["Het loket is open van 9.00 tot 17.00 uur."])
    assert ask("Hoe laat opent het loket?", [p], {p.id: [0.86]}).text == "9.00"
    q = passage(["Het aandeel stijgt van 20 procent tot 30 procent in de regio."])
    assert ask("Hoeveel procent is het aandeel in de regio?", [q], {q.id: [0.86]}).text == "20 procent"


def test_who_holds_a_role_that_a_body_fills_is_answered_by_the_body():
    p = passage(["De regeling wordt uitgevoerd door het CJIB."])
    assert ask("Wie is de uitvoerder van de regeling?", [p], {p.id: [0.86]}).text == "het CJIB"


def test_a_tie_between_table_rows_goes_to_the_row_with_the_longer_shared_word():
    table = (
        "Vorm | Aandeel | Schade\n\nDDoS-aanval | 20 procent | 8.000 euro\n\nGemiddeld | 15 procent | 30.000 euro\n\n"
        "Ransomware | 9 procent | 112.000 euro"
    )
    p = passage([table])
    a = ask("Hoeveel schade richt een ransomware-aanval gemiddeld aan?", [p], {p.id: [0.86]})
    assert a.text == "112.000 euro"


def test_a_planning_row_that_negates_or_has_another_year_is_a_no_with_its_quarter():
    row = passage(
        ["Indiening TK - Wet gemeentelijk toezicht seksbedrijven: niet meer nodig"], section="Kwartaal 2 2026"
    )
    assert ask("Is de Wet gemeentelijk toezicht seksbedrijven al gepland?", [row], {row.id: [0.86]}).text == (
        "Nee, Kwartaal 2 2026"
    )
    dated = passage(["Indiening TK - Wet gemeentelijk toezicht seksbedrijven"], section="Kwartaal 2 2026")
    assert ask("Is de Wet gemeentelijk toezicht seksbedrijven in 2027 gepland?", [dated], {dated.id: [0.86]}).text == (
        "Nee, Kwartaal 2 2026"
    )


def test_a_question_about_the_motion_itself_is_answered_by_its_member():
    p = passage(["De motie van het lid Bamenga vraagt om wettelijke verankering van de coördinator."])
    assert ask("Wie diende de motie over de coördinator in?", [p], {p.id: [0.86]}).text == "Bamenga"


def test_a_body_the_question_names_by_its_acronym_is_no_answer():
    p = passage(["De Dienst Justitiële Inrichtingen en het UWV werven samen nieuwe medewerkers."])
    assert ask("Wie helpt DJI bij het werven van medewerkers?", [p], {p.id: [0.86]}).text == "het UWV"
    q = passage(["Het OM werkt daarvoor samen met de politie."])
    a = ask("Wie werkt aan de IT van het Openbaar Ministerie?", [q], {q.id: [0.86]}, min_top_key_overlap=0)
    assert a.text == "de politie"


def test_a_nationality_s_adjective_answers_with_its_noun_and_an_acronym_is_a_place_only_where_a_preposition_puts_it():
    p = passage(
        [
            "In gesprek met het OM bekijken we de educatieve maatregel.",
            "Ook brengen we met behulp van de Belgische collega's het effect in kaart.",
        ]
    )
    sims = {p.id: [0.87, 0.86]}
    a = ask("Which country helps with the measure?", [p], sims, min_key_overlap=0, min_top_key_overlap=0)
    assert (a.kind, a.text) == ("place", "de Belgische collega's")
    q = passage(["Het meldpunt opent ook in de VS."])
    assert ask("Waar opent het meldpunt?", [q], {q.id: [0.86]}).text == "de VS"


def test_an_adjective_that_opens_a_sentence_is_no_name():
    p = passage(["Jaarlijkse controles voert de Inspectie uit."])
    assert ask("Wie voert de controles uit?", [p], {p.id: [0.86]}).text == "de Inspectie"
