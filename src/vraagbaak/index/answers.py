"""Direct answers: the amount, date, body or sentence a question asks for, cut from the best sentences.

Ranking finds the passages; a reader still has to find the answer in 1,500 characters. This module
takes the sentences of the top passages, which the search has already scored against the question
(precomputed sentence vectors: no second model pass), and cuts from them the shortest span of the
kind the question asks for:

    "Hoeveel geld gaat er structureel naar de politie?"   money       "348 miljoen euro"
    "Hoeveel extra agenten komen er?"                      count       "2.000 extra agenten"
    "Wanneer komt het wetsvoorstel?"                       date        "begin 2027"; an annex row: its quarter
    "Wie houdt toezicht op de jeugdbescherming?"           who         "de Inspectie Justitie en Veiligheid"
    "Komt er een verbod op ...?"                           yesno       "Ja" or "Nee", with its sentence
    "Waarom ...?" / "Hoe ...?" / "Wat ...?"                sentence    the answering sentence, cut at a clause

A candidate sentence must be about the question, by its own similarity and by sharing the
question's key terms (counted in the sentence before too when the sentence points back to it:
"Dit doen we samen met de NOVA"), and its span must not merely repeat the question ("Wie is de
Nationaal Coördinator?" is not answered by "de Nationaal Coördinator"). A sentence of the best
passage may also answer on its own similarity, since a paraphrase shares no words ("de IT van het
Openbaar Ministerie" is "de IT-systemen van het OM"). Qualifiers in the question
(a year, "structureel" or "elk jaar", "maximaal", a name) pick between candidates; a change answers
with its new value ("van 35.000 euro naar 50.000 euro"), a table with the row that names the
question's subject ("Ransomware | 9 procent | 112.000 euro"); a who-question's preposition
picks the name it introduces ("met wie" -> "samen met de NOVA"), a count question's noun the number
that counts it ("Hoeveel kinderen" -> "2.870 kinderen", never "2026 wachtten"). "Hoe lang" asks a
duration, "hoe vaak" a frequency, "welk deel" a share ("een op de vijf"), "in welke periode" a
period. The answer is None when the search found the question not answerable, or when no candidate
is confident enough. Nothing here knows the letter: a planning's quarter headings ("Kwartaal 3 2026",
"Nader te bepalen") are how Dutch legislative plannings are written.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache

import numpy as np

from vraagbaak.index.answer_types import (
    _BODY,
    _CLOCK,
    _MONEY,
    _NUMBER_WORDS,
    _PERCENT,
    _YEAR,
    question_kind,
)
from vraagbaak.index.lexical import STOPWORDS, fold
from vraagbaak.index.model import Passage, strip_marks

MAX_ANSWER_CHARS = 120
#: How many of the top passages the answer may come from.
PASSAGES = 3
#: What sharing the question's key terms adds to a candidate sentence's score, beside its cosine: e5's cosines
#: of one passage's sentences lie within a few hundredths, so a sentence that names the question's subject
#: ("het actieplan ... voor het zomerreces") must outweigh a slightly closer one that does not ("in 2027").
KEY_TERM_WEIGHT = 0.1

_MONTHS = r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)"
_ORD = r"(?:eerste|tweede|derde|vierde|laatste)"
_NUM = rf"(?:\d+(?:[.,]\d+)*|{_NUMBER_WORDS}|een|één)"
#: A count's number: not "een", which is mostly the article ("een sterke advocatuur").
_COUNT_NUM = rf"(?:\d+(?:[.,]\d+)*|{_NUMBER_WORDS}|één)"
DATE = re.compile(
    "|".join(
        [
            r"\b[Kk]wartaal\s+[1-4]\s+(?:19|20)\d\d\b",
            rf"\b(?:van\s+)?{_MONTHS}\s+(?:tot\s+en\s+met|t/m|tot|en)\s+{_MONTHS}\s+(?:19|20)\d\d\b",
            rf"\b(?:in\s+)?(?:het\s+)?{_ORD}\s+kwartaal(?:\s+van\s+(?:(?:19|20)\d\d|dit\s+jaar|volgend\s+jaar))?",
            rf"\b(?:in\s+)?de\s+{_ORD}\s+helft\s+van\s+(?:(?:19|20)\d\d|dit\s+jaar|volgend\s+jaar|het\s+jaar)",
            r"\b(?:voor|na|tijdens|rond|begin|eind|medio)\s+(?:de|het)\s+(?:zomer(?:reces)?|kerstreces|meireces"
            r"|voorjaar|najaar|winter)(?:\s+(?:van\s+)?(?:19|20)\d\d)?",
            rf"\b(?:\d{{1,2}}\s+)?{_MONTHS}\s+(?:19|20)\d\d\b",
            rf"\b\d{{1,2}}\s+{_MONTHS}\b",  # "in de MR van 24 april": a day without its year
            rf"\b(?:begin|eind|medio|halverwege|uiterlijk|vanaf|per|voor|na|in|sinds|tot|rond)\s+"
            rf"(?:{_MONTHS}\s+)?(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?\b",
            rf"\b(?:begin|eind|medio|halverwege|uiterlijk|vanaf|per|voor|na|in|sinds|tot|rond)\s+{_MONTHS}\b",
            r"\b(?:dit|volgend|komend|vorig)\s+jaar\b",
            r"\b(?:op\s+(?:korte|middellange|lange)\s+termijn|binnenkort|deze\s+(?:zomer|winter|herfst|lente)"
            r"|dit\s+(?:voorjaar|najaar|kwartaal)|(?:de\s+)?komende\s+(?:jaren|maanden|weken|kabinetsperiode))\b",
            r"\b(?:binnen|over|na)\s+" + _NUM + r"\s+(?:jaar|jaren|maanden|weken|dagen)\b",
            r"\b(?:19|20)\d\d\b",
        ]
    ),
    re.I,
)
#: The heading of a row in a planning (a legislative planning's quarters): the row's date is its heading.
QUARTER_HEADING = re.compile(
    r"^(?:[Kk]wartaal\s+[1-4]\s+(?:19|20)\d\d|Q[1-4]\s+(?:19|20)\d\d|(?:[Pp]lanning\s+)?[Nn]ader\s+te\s+bepalen)$"
)
COUNT = re.compile(
    # Not a year before a number ("in 2026 vijftien medewerkers"): the match would swallow the count's number.
    rf"\b(?!(?:19|20)\d\d\s+{_COUNT_NUM}\b)"
    # A part of a whole is counted whole: "38 van de 120 bestudeerde dossiers", not "120 bestudeerde".
    rf"(?:{_COUNT_NUM}\s+van\s+de\s+)?"
    rf"{_COUNT_NUM}(?:\s+(?:extra|nieuwe|meer|duizend|miljoen))?\s+(?!euro\b|procent\b|jaar\b|uur\b|{_MONTHS}\b)"
    # An adjective before the counted noun belongs to the count: "120 bestudeerde dossiers".
    r"(?:[a-zà-ÿ][\w'-]+e\s+(?=[a-zà-ÿ]))?[a-zà-ÿ][\w'-]{2,}",
    re.I,
)
PENALTY = re.compile(
    rf"\b(?:(?:maximaal|ten\s+hoogste|tot|een)\s+)?{_NUM}\s+(?:jaar|jaren|maanden|weken|dagen)\s+"
    r"(?:gevangenisstraf|celstraf|cel|hechtenis|taakstraf|werkstraf)\b"
    r"|\b(?:een\s+)?(?:geld)?boete\s+van\s+(?:maximaal\s+|ten\s+hoogste\s+)?(?:€\s*)?[\d.,]+(?:\s+(?:miljoen|euro))*"
    r"|\b(?:een\s+)?(?:taakstraf|werkstraf|gevangenisstraf|celstraf|hechtenis|geldboete)\b",
    re.I,
)
#: A run of capitalised words, with the small words and commas that join names and lists of them
#: ("de Inspectie Justitie en Veiligheid", "D66, VVD en CDA").
NAME_RUN = re.compile(
    # A nationality's adjective after an article names its noun too: "de Belgische collega's", "de Duitse
    # nationale politie". Only after "de" or "het", so that a sentence's capitalised first word ("Jaarlijkse
    # controles voert de Inspectie uit") stays no name.
    r"\b(?:[Dd]e|[Hh]et)\s+[A-Z][a-zà-ÿ]+(?:[a-z]se|sche)(?:\s+[a-zà-ÿ]+(?:ale|ele|ige|lijke|ieve|ische|se))?\s+"
    r"(?!(?:die|dat|en|of|van|voor|met|in|op|te|om|is|zijn|wordt|worden|heeft|hebben|kan|kunnen)\b)"
    r"[a-zà-ÿ][\w'-]{2,}(?![\w'-])"
    r"|(?:\b(?:de|het)\s+)?\b[A-Z][\w'-]+(?:,?\s+(?:(?:en|van|voor|der|de|het|op|in)\s+)?[A-Z][\w'-]+)*"
)
#: A public body named by its role, with whose it is: "de minister van Justitie en Veiligheid".
_BODY_PHRASE = re.compile(
    r"(?i:(?:\b(?:de|het|alle|onze|die)\s+(?:\w+\s+)?)?" + _BODY.pattern + r")"
    r"(?:\s+(?:van|voor)\s+(?:de\s+|het\s+)?[A-Z][\w'-]+(?:\s+(?:en\s+)?[A-Z][\w'-]+)*)?"
)
#: Words by which a sentence points back to the one before it ("Dit doen we samen met ...").
ANAPHOR = re.compile(
    r"(?i:\b(?:dit|deze|die|hier\w*|daar\w*|zij|ze|hij)\b)|\b(?:[Tt]his|[Tt]hese|[Ii]t|[Tt]hey)\b(?!-)"  # not "IT-"
)
#: A yes/no question about money, a sentence about money, and how a policy text says "no extra money".
_ASKS_FUNDS = re.compile(
    r"\b(?:extra|meer|additional|more)\s+(?:geld|middelen|budget|funding|money)\b|\bgeld\s+(?:bij|erbij)\b", re.I
)
#: "geld" ends the word: "geldt" and "vergelding" are no money.
FUNDS = re.compile(r"\b(?:\w*geld|euro|miljoen|miljard|middelen|budget\w*|financi\w+|investe\w*)\b", re.I)
NO_EXTRA = re.compile(
    r"\bbinnen\s+(?:de\s+)?(?:huidige|bestaande|beschikbare)\s+(?:financi\w+\s+)?(?:kaders?|middelen|budgetten|begroting)"
    r"|\bbudgetneutraal\b|\bgeen\s+(?:extra|aanvullende)\s+(?:geld|middelen|financiering)\b",
    re.I,
)
#: A sentence that opens by pointing back: "Dit doen we ...", "Daarvoor ...", "Zij ...".
_OPENS_BACK = re.compile(r"\W*(?:dit|deze|hier\w*|daar\w*|zij|ze|hij|this|these|they|it)\b", re.I)
#: A negation, or a form's "n.v.t." (niet van toepassing: nothing to say under that heading).
NEGATION = re.compile(r"\b(?:niet|geen|nooit|nog\s+niet|not|no|never)\b|\bn\.\s?v\.\s?t\.?(?!\w)", re.I)
#: A yes/no question opens with a finite verb.
YESNO = re.compile(
    r"^\W*(?:klopt\s+het|komt|komen|is|zijn|wordt|worden|gaat|gaan|krijgt|krijgen|kan|kunnen|moet|moeten|heeft"
    r"|hebben|blijft|blijven|mag|mogen|zal|zullen|wil|willen|denkt|denken|bevat|bevatten|staat|staan|houdt|houden"
    r"|does|do|is|are|will|can|has|have|should|must)\b",
    re.I,
)
#: Any other verb that opens a question before its subject: "Kijkt het kabinet naar ...?", "Lost dat het tekort
#: op?". The second word is a determiner or a pronoun, the question ends in "?" and holds no question word
#: anywhere, and it is no request: so "budget gemeenten jeugdzorg" (keywords), "Beschrijf de aanpak" and
#: "Noem de maatregelen" (instructions), "Volgens de brief, wat is ...?" and "Kunt u uitleggen wat ...?"
#: are not yes/no questions.
_VERB_FIRST = re.compile(
    r"^(?!.*\b(?:wie|wat|waar\w*|wanneer|hoe\w*|welke?|waarom|who|what|where|when|how|which|why)\b)"
    r"(?!\W*(?:kunt|kun|kan|wilt|wil|can|could|would|will)\s+(?:u|je|jij|you)\s+(?:\w+\s+)*?"
    r"(?:uitleggen|vertellen|beschrijven|noemen|aangeven|geven|explain|tell|describe|list|give)\b)"
    r"\W*[a-z]\w+\s+(?:het|de|een|er|u|je|jij|ik|we|wij|zij|ze|hij|men|dit|deze|dat|die|alle|iemand|mensen"
    r"|gemeenten|the|a|an|you|we|they|it|there)\s.*\?\W*$",
    re.I,
)
#: How long something takes or lasts, and how often it happens: the amounts a "hoe lang" or "hoe vaak" asks.
DURATION = re.compile(rf"\b{_NUM}\s+(?:uur|minuten|dagen|werkdagen|weken|maanden|jaar|jaren)\b", re.I)
FREQUENCY = re.compile(
    rf"\b(?:(?:eens|{_NUM}\s+keer|{_NUM}\s+maal)\s+per\s+(?:{_NUM}\s+)?\w+|dagelijks|wekelijks|maandelijks|jaarlijks)\b",
    re.I,
)
_ASKS_DURATION = re.compile(
    r"\b(?:hoe\s+lang|hoeveel\s+tijd|binnen\s+hoeveel|how\s+long)\b"
    # "Welke maximale wachttijd ...?", "What maximum waiting time ...?": a length of time by its noun.
    r"|\b(?:welke|wat\s+(?:is|zijn)\s+de)\s+(?:\w+e\s+)?(?:wachttijd|termijn|doorlooptijd)(?:en)?\b"
    r"|\b(?:what|which)\s+(?:is\s+the\s+)?(?:\w+\s+)?(?:waiting\s+time|time\s+limit)\b",
    re.I,
)
_ASKS_FREQUENCY = re.compile(r"\b(?:hoe\s+vaak|hoe\s+dikwijls|how\s+often)\b", re.I)
#: Questions of a kind the answerability rule leaves open, which an answer can still be cut for.
#: "Welk artikel van de Grondwet ...?": a provision's number, which a law names as "artikel 120".
_ASKS_ARTICLE = re.compile(r"\bwelke?\s+(?:wets)?artikel(?:en)?\b|\bwhich\s+articles?\b", re.I)
ARTICLE = re.compile(r"\b(?:artikel(?:en)?|art\.)\s+\d+[a-z]?(?:(?:\s*,\s*|\s+en\s+)\d+[a-z]?)*", re.I)
_ASKS_SHARE = re.compile(r"\b(?:welk|hoe\s+groot)\s+(?:deel|aandeel|percentage)\b|\bwhat\s+share\b", re.I)
_ASKS_PERIOD = re.compile(r"\b(?:in\s+)?welke\s+(?:periode|maand|maanden)\b|\bwhat\s+period\b", re.I)

#: "Waar loopt de proef?", "Waar kan ik terecht?", "Welke oude gevangenislocatie ...?": a place, which the answer
#: cuts from its sentence. Only with a verb that places something: Dutch splits "waar" from its preposition
#: ("Waar is het geld voor bedoeld?", "Waar moet ik op letten?", "Waar komt het geld vandaan?"), which asks
#: no place. Not a kind the answerability check knows (index/answer_types.py): a where is often a body.
_ASKS_WHERE = re.compile(
    r"^\W*waar\s(?=.*\b(?:loopt|lopen|liep|liepen|ligt|liggen|zit|zitten|terecht|gevestigd|ondergebracht|plaatsvindt"
    r"|plaatsvinden|vindt\s+\w+(?:\s+\w+)*\s+plaats|gehouden|geopend|opent|openen|draait|draaien|wonen|woont)\b)"
    r"|^\W*where\s+(?:is|are|was|were|will|does|do|can)\b(?!.*\b(?:from|for|about|to|on)\W*$)"
    r"|\bwelke\s+(?:\w+\s+)?\w*(?:locaties?|plekken|plek)\b",
    re.I,
)
#: A planning's heading for the rows without a date, and a yes/no question that asks whether there is one.
_UNPLANNED = re.compile(r"\bnader\s+te\s+bepalen\b", re.I)
_ASKS_SCHEDULE = re.compile(r"\b(?:datum|planning|gepland|ingepland|termijn|tijdpad|date|scheduled|planned)\b", re.I)
#: Keyword questions that ask when, without opening with "wanneer".
PLANNING = re.compile(r"\b(?:wanneer|planning|gepland|when)\W*$|\bplanning\b", re.I)
CLAUSE = re.compile(r"[,;:–]\s+|\s+(?:omdat|zodat|waardoor|terwijl|maar|want)\s+")
KIND_OF = {"amount": "count", "time": "date"}
#: Every kind an answer can have (the API's enum).
ANSWER_KINDS = ("money", "count", "percentage", "date", "clock", "penalty", "place", "who", "yesno", "sentence")


@dataclass(frozen=True)
class Answer:
    """The answer itself, cut from a sentence of a passage, with where a reader checks it."""

    text: str
    kind: str
    sentence: str
    passage_id: str
    page: int | None
    section: str
    citation: str
    confidence: float
    #: The sentence's span in the passage's text, marks and all: the passage's highlight.
    sentence_span: tuple[int, int] = field(default=(0, 0), repr=False)
    #: Every sentence of the passage that holds an answer of the asked kind, this one among them, in text order:
    #: the passage's highlights. Only this one for an open or yes/no question.
    sentence_spans: tuple[tuple[int, int], ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        if not self.sentence_spans:
            object.__setattr__(self, "sentence_spans", (self.sentence_span,))

    def public(self) -> dict:
        d = asdict(self)
        del d["sentence_span"], d["sentence_spans"]
        return d


@dataclass(frozen=True)
class Candidate:
    passage: Passage
    rank: int
    sentence: int  # index into passage.sentences
    similarity: float
    span: tuple[int, int]  # in passage.text
    kind: str
    score: float


#: Forms of the typed kinds that the answer cuts, but the answerability check does not use
#: (index/answer_types.py): as a check they flagged answerable questions whose best sentence's neighbours hold no
#: such span ("Welke toezichthouder stelde vast ...?", "Naar welk land kijkt het kabinet?").
#: A noun that is a sum of money: "Hoeveel schade richt een aanval aan?" is answered in euros.
_ASKS_MONEY = re.compile(
    r"\bhoeveel\s+(?:schade|subsidie|vergoeding|compensatie|financiering|middelen|opbrengst|omzet|salaris"
    r"|investering)\b|\bhow\s+much\s+(?:damage|compensation|funding)\b"
    r"|\bwhat\s+(?:is|are|was|were)\s+the\s+(?:\w+\s+){0,2}(?:budget|costs?)\b"
    r"|\b(?:what|which)\s+(?:\w+\s+)?(?:amount|sum|budget)\b(?!\s+of\s+(?:time|people|work|cases|\w+s)\b)"
    r"|\bwelk\s+(?:\w+e\s+)?bedrag\b",
    re.I,
)
#: A penalty by its noun with an adjective, which the answerability types leave open: "Wat wordt de maximale straf
#: voor ...?", "What is the maximum fine for ...?". Only a fine or a term answers it, never a sentence about it.
_ASKS_PENALTY = re.compile(
    r"\b(?:wat|welke?)\s+(?:(?:is|zijn|wordt|worden|was|waren)\s+)?(?:(?:de|het)\s+)?(?:\w+e\s+)?"
    r"(?:straf|straffen|strafmaat|boete|boetes|geldboete|gevangenisstraf|celstraf)\b"
    r"|\b(?:what|which)\s+(?:(?:is|are|will\s+be|would\s+be)\s+the\s+)?(?:\w+\s+)?"
    r"(?:penalty|penalties|punishment|fine|fines)\b(?!-)",
    re.I,
)
#: "In which year ...?", "By when ...?": forms of when that the answerability types do not know.
_ASKS_YEAR = re.compile(r"\b(?:in\s+)?which\s+year\b|^\W*by\s+when\b", re.I)
#: A body by its kind, compounds too ("welke overheidsdienst", "welke toezichthouder"), and "met hulp van wie".
_ASKS_BODY = re.compile(
    r"\bwelke\s+\w*(?:organisaties?|instanties?|dienst|diensten|toezichthouders?|colleges?)\b"
    r"|\bwelk\s+\w*(?:ministerie|college|orgaan)\b|^\W*(?:met\s+(?:be)?hulp\s+van|samen\s+met)\s+wie\b",
    re.I,
)
#: A country or region: "Naar welk land kijkt het kabinet?", "Welk land heeft al een meldpunt?".
_ASKS_COUNTRY = re.compile(
    r"\b(?:in|naar|uit)\s+welke?\s+(?:land|landen)\b"
    r"|^\W*welke?\s+(?:land|landen|stad|steden|regio'?s?|provincies?)\s+(?:heeft|hebben|is|zijn|wordt|worden|doet"
    r"|doen|kijk\w*)\b",
    re.I,
)


def answer_kind(question: str) -> str:
    """What :func:`find_answer` looks for: a typed kind, ``yesno``, or ``sentence`` for open questions."""
    kind = question_kind(question)
    if kind in (None, "amount") and _ASKS_MONEY.search(question):
        return "money"
    if kind is None and _ASKS_BODY.search(question):
        return "who"
    if kind is None and _ASKS_COUNTRY.search(question):
        return "place"
    if kind is None and _ASKS_PENALTY.search(question):
        return "penalty"
    if kind is None and _ASKS_YEAR.search(question):
        return "date"
    if kind is not None:
        return KIND_OF.get(kind, kind)
    if _ASKS_ARTICLE.search(question):
        return "count"
    if _ASKS_SHARE.search(question):
        return "percentage"
    if _ASKS_FREQUENCY.search(question) or _ASKS_DURATION.search(question):
        return "count"
    if _ASKS_WHERE.search(question):
        return "place"
    if YESNO.search(question) or _VERB_FIRST.search(question):  # "Is er al een planning voor ...?": yes or no
        return "yesno"
    # "In welke periode ...", and keyword questions: "Coördinatiewet planning", "richtlijn ontneming wanneer"
    if _ASKS_PERIOD.search(question) or PLANNING.search(question):
        return "date"
    return "sentence"


def find_answer(
    question: str,
    passages: Sequence[Passage],
    sentence_scores: Callable[[Passage], np.ndarray],
    *,
    key_terms: Callable[[str], set[str]],
    min_similarity: float,
    min_key_overlap: float = 0.34,
    min_top_key_overlap: float = 0.17,
    english: bool = False,
    english_min_similarity: float | None = None,
    sentence_terms: Callable[[Passage], list[set[str]]] | None = None,
    unshared_min_similarity: float | None = None,
    term_groups: Sequence[frozenset[str]] | None = None,
) -> Answer | None:
    """The best answer in the first :data:`PASSAGES` passages, or None when none is confident.

    ``sentence_scores`` gives a passage's sentence cosines with the question (the search has them);
    ``key_terms`` the analysed content terms of a text (BM25's analyser), so that a sentence shares
    the question's subject and not only its tone: a sentence needs ``min_key_overlap`` of the
    question's terms (in it and, when it points back, the sentence before), the best passage's
    sentence closest to the question ``min_top_key_overlap``. An English question (``english``) shares
    no words with Dutch text as written, so without ``term_groups`` the best passage's sentences need a
    similarity only, ``english_min_similarity``, since without words in common the similarity has to
    carry the whole judgement. ``sentence_terms`` gives a passage's sentences'
    key terms (the searcher keeps them, so a passage's sentences are analysed once, not per question).
    A sentence of the best passage with fewer shared terms than that still answers when its own
    similarity reaches ``unshared_min_similarity`` (None: never), as a paraphrase shares no words.
    ``term_groups`` are the question's terms grouped by the word they stand for (an English word's Dutch
    translations, ``index/glossary.py``): a sentence shares the word when it holds any term of its group.
    With them an English question's sentences are judged as a Dutch question's are, and only the best
    passage's sentences that share too few of them need ``english_min_similarity``. An empty list is taken
    as none given.
    """
    kind = answer_kind(question)
    # Without shared words (an English question and no glossary) the similarity carries the whole judgement.
    english_bar = english_min_similarity if english and english_min_similarity is not None else min_similarity
    if english and not term_groups:
        min_similarity = english_bar
    groups = list(term_groups) if term_groups else [frozenset([t]) for t in key_terms(question)]
    asked = set().union(*groups)
    qualifiers = _qualifiers(question)
    top = passages[0] if passages else None
    if kind == "who" and _ASKS_SIGNER.search(question):
        signed = _signer(question, passages[:PASSAGES], sentence_scores)
        if signed is not None:
            return _answer(signed, question, min_similarity, asked=asked, key_terms=key_terms)
    if kind == "date" and top is not None and QUARTER_HEADING.match(top.section) and top.sentences:
        # A planning row: the best passage is the bill itself, and its quarter is the answer.
        scores = sentence_scores(top)
        i = int(np.argmax(scores))
        sim = float(scores[i])
        if sim >= (english_bar if english else min_similarity):  # a row is judged on its similarity alone
            row = Candidate(top, 1, i, sim, top.sentences[i], "date", sim)
            answer = _answer(row, question, min_similarity, asked=asked, key_terms=key_terms)
            return replace(answer, text=top.section)
    best: Candidate | None = None
    found: list[Candidate] = []
    for rank, passage in enumerate(passages[:PASSAGES], 1):
        if not passage.sentences:
            continue
        scores = sentence_scores(passage)
        best_sentence = int(np.argmax(scores))
        if sentence_terms is not None:
            terms = sentence_terms(passage)
        else:
            terms = [key_terms(strip_marks(passage.text[a:b])) for a, b in passage.sentences]
        for i, (a, b) in enumerate(passage.sentences):
            sim = float(scores[i])
            # A sentence often names its subject in the one before ("Dit doen we samen met ..."), so the
            # key terms count in the sentence and the one before it.
            refers = i > 0 and ANAPHOR.search(passage.text[a:b]) is not None
            held = terms[i] | (terms[i - 1] if refers else set())
            if i > 0 and _OPENS_BACK.match(passage.text[a:b]):
                # "Dit doen we samen met de NOVA": too short to resemble the question, it continues the sentence
                # before, so it is judged half by that one's similarity.
                sim = (sim + float(scores[i - 1])) / 2 if scores[i - 1] > sim else sim
            overlap = sum(1 for g in groups if g & held) / len(groups) if groups else 1.0
            # The best passage's own sentences need the similarity only where words cannot be shared: an English
            # question about Dutch text, or a sentence close enough on its own, as a paraphrase shares no words
            # ("de IT van het Openbaar Ministerie" is "de IT-systemen van het OM"). A yes/no question has no
            # waiver of its own.
            unshared = rank == 1 and unshared_min_similarity is not None and sim >= unshared_min_similarity
            if unshared and kind == "yesno" and not overlap:
                # A "Ja" or "Nee" states a fact about the question's subject, so the text around the sentence must
                # name some of it: "Wordt de kansspelbelasting verhoogd?" is no "Ja" from a close sentence on
                # prison places, whose neighbours and heading share no word with it either.
                around = (terms[i - 1] if i > 0 else set()) | (terms[i + 1] if i + 1 < len(terms) else set())
                unshared = bool(asked & (around | key_terms(passage.section)))
            waived = (rank == 1 and english and sim >= english_bar) or unshared
            # The best passage's sentence closest to the question, which the answerability rule judged, needs less.
            bar = min_top_key_overlap if rank == 1 and i == best_sentence else min_key_overlap
            # A sentence that shares fewer terms than an answer needs can still be shown beside it (below).
            if sim < min_similarity or not (overlap >= bar or waived or overlap > 0):
                continue
            span = _span(kind, question, passage, a, b, qualifiers=qualifiers, near=asked, key_terms=key_terms)
            if span is None:
                continue
            bonus = 0.01 * sum(q in fold(passage.text[a:b]) or q in fold(passage.section) for q in qualifiers)
            if kind in ("who", "place") and introduced(kind, question, passage.text[a : span[0]]):
                bonus += 0.02  # the name the question's own preposition introduces, over one it merely mentions
            score = sim + KEY_TERM_WEIGHT * overlap + bonus - 0.005 * (rank - 1)
            found.append(Candidate(passage, rank, i, sim, span, span_kind(kind, passage.text[slice(*span)]), score))
            if (overlap >= bar or waived) and (best is None or score > best.score):
                best = found[-1]
    if best is None:
        return None
    answer = _answer(best, question, min_similarity, asked=asked, key_terms=key_terms)
    if kind in ("sentence", "yesno"):
        return answer
    # Every sentence of the answer's passage that holds the asked kind, is as close to the question as an answer
    # must be and shares a term with it (for an English question without the glossary, the similarity only)
    # shows too: "348 miljoen" beside "114 miljoen" for the police, so that a
    # reader sees what the answer was chosen from.
    spans = {best.passage.sentences[c.sentence] for c in found if c.passage is best.passage}
    return replace(answer, sentence_spans=tuple(sorted(spans)))


#: "Wie heeft de brief ondertekend?": a letter's signer stands in its signature block, not in a sentence.
_ASKS_SIGNER = re.compile(r"\b(?:ondertekend|ondertekent|getekend|ondertekening|signed|signs|signatory)\b", re.I)
#: A Dutch government letter's signature: "De Minister van Justitie en Veiligheid,\n\nD.M. van Weel".
#: The role opens a line and the name ends it, without a full stop ("De Minister van Justitie en Veiligheid,
#: D.M. van Weel"): prose ("De minister voor Rechtsbescherming heeft gezegd, Nederland krijgt er ...") does not match.
SIGNATURE = re.compile(
    r"^[ \t]*(?:De\s+)?(?P<role>[Mm]inister(?:-president)?|[Ss]taatssecretaris)\s+(?:van|voor)\s+[^,\n]{3,80},"
    r"\s*(?P<name>[A-Z][\w.'-]*(?:[ \t]+[\w.'-]+){0,4})(?<!\.)[ \t]*$",
    re.M,
)


def _signer(question: str, passages: Sequence[Passage], sentence_scores: Callable[[Passage], np.ndarray]):
    """The signature that answers "who signed": the role the question names (minister or state secretary),
    else the first signer, from the first of ``passages`` that has a signature block."""
    wants = "staatssecretaris" if re.search(r"staatssecretaris|state\s+secretary", question, re.I) else "minister"
    for rank, passage in enumerate(passages, 1):
        for i, (a, b) in enumerate(passage.sentences):
            found = list(SIGNATURE.finditer(passage.text[a:b]))  # the block's own lines: ^ and $ at its ends
            if not found:
                continue
            m = next((m for m in found if m.group("role").lower().startswith(wants)), found[0])
            sim = float(sentence_scores(passage)[i])
            x, y = m.span("name")
            return Candidate(passage, rank, i, sim, (a + x, a + y), "who", sim)
    return None


def span_kind(kind: str, text: str) -> str:
    """An amount question's span says what it is: money, a percentage or a count."""
    if kind != "count":
        return kind
    if _MONEY.search(text):
        return "money"
    if _PERCENT.search(text):
        return "percentage"
    return "count"


_EVERY_YEAR = re.compile(r"\b(?:elk|ieder|per)\s+jaar\b|\bjaarlijks\b|\b(?:every|each|per)\s+year\b|\bannual\w*", re.I)


def _qualifiers(question: str) -> list[str]:
    """Words in the question that pick one candidate over another: years, 'structureel', names."""
    words = re.findall(
        r"\b(?:19|20)\d\d\b|\bstructure[el]\w*|\bincidente[el]\w*|\bjaarlijks\b|\bmaxim(?:aal|um)\b"
        r"|\bminim(?:aal|um)\b|\bgemiddeld\b|\btotaal\b|\bper\s+jaar\b",
        question,
        re.I,
    )
    # Every year is what a policy text calls "structureel": "Hoeveel geld komt er elk jaar bij?"
    if _EVERY_YEAR.search(question):
        words.append("structureel")
    names = [m.group() for m in re.finditer(r"(?<!^)\b[A-Z][\w-]{2,}", question.strip())]
    return [fold(w) for w in words + names]


def _span(
    kind: str,
    question: str,
    passage: Passage,
    a: int,
    b: int,
    *,
    qualifiers: list[str],
    near: Collection[str] = (),
    key_terms: Callable[[str], set[str]] | None = None,
) -> tuple[int, int] | None:
    """The span of ``passage.text[a:b]`` that answers a question of ``kind`` (offsets in the passage);
    of several dates, the one nearest a word whose analysis (``key_terms``) holds one of ``near``."""
    text = passage.text[a:b]
    if kind == "yesno" and _ASKS_FUNDS.search(question) and not FUNDS.search(text):
        return None  # "Is er extra geld voor ...?" is answered by a sentence about money, not the closest one
    if kind == "sentence" or kind == "yesno":
        return (a, b)
    if kind == "date" and QUARTER_HEADING.match(passage.section) and not DATE.search(text):
        return (a, b)  # an annex row: its quarter is its date (the answer text takes the heading)
    asked = set(re.findall(r"\w+", fold(question)))
    if kind in ("who", "place"):
        return _name_span(kind, question, text, a, asked)
    pattern = {
        "money": _MONEY,
        "percentage": SHARE,
        "count": _COUNT_OR_MONEY,
        "date": DATE,
        "clock": _CLOCK,
        "penalty": PENALTY,
    }[kind]
    if kind == "count" and _ASKS_ARTICLE.search(question):
        pattern = ARTICLE
    elif kind == "count" and _ASKS_FREQUENCY.search(question):
        pattern = FREQUENCY
    elif kind == "count" and _ASKS_DURATION.search(question):
        pattern = DURATION
    matches = list(pattern.finditer(text))
    if kind == "count":
        matches = _counts(question, text, matches)
    kept = []
    for m in matches:
        words = set(re.findall(r"\w+", fold(m.group())))
        if kind == "date" and _YEAR_ONLY.fullmatch(m.group()) and _YEAR.search(text) is None:
            continue  # a bare number that looks like a year but is a count ("2000 agenten")
        if words and not words <= asked | _FILLER:
            kept.append(m)
    if not kept:
        return None
    kept = _in_named_row(kept, text, question)
    if kind not in ("date", "clock") and not _ASKS_OLD.search(question):
        kept = _new_values(kept, text)
    if kind == "count":  # what the question counts comes first ("Hoeveel agenten" -> "1.200 agenten"), then qualifiers
        kept = [m for m in kept if _counts_what_is_asked(question, m) == _counts_what_is_asked(question, kept[0])]
    m = _qualified(kept, text, qualifiers) if kind != "date" else _nearest(kept, text, near, key_terms)
    return (a + m.start(), a + m.end())


def _nearest(
    matches: list[re.Match[str]],
    text: str,
    terms: Collection[str],
    key_terms: Callable[[str], set[str]] | None = None,
) -> re.Match[str]:
    """Of several dates in one sentence, the one closest to a word of the question: a word whose analysis
    (``key_terms``, as BM25's: "gewijzigd" is "wijzig") holds one of the question's ``terms``, or that starts
    with a term's first six letters, so that an English word finds its Dutch cognate ("evaluation" finds
    "evaluatie"). "Ik informeer u voor het einde van 2026, en in 2028 laat ik het WODC het beleid evalueren"
    answers "Wanneer wordt het beleid geëvalueerd?" with 2028. Ties, and sentences without such a word: the first.
    """
    if len(matches) == 1 or not terms:
        return matches[0]
    asked = set(terms)
    prefixes = tuple({t[:6] for t in asked if len(t) >= 6})

    def names_the_question(word: str) -> bool:
        return bool(key_terms is not None and key_terms(word) & asked) or (
            bool(prefixes) and fold(word).startswith(prefixes)
        )

    words = [w.span() for w in re.finditer(r"\w+", text) if names_the_question(w.group())]
    if not words:
        return matches[0]
    gaps = [min(max(m.start() - y, x - m.end(), 0) for x, y in words) for m in matches]
    return matches[gaps.index(min(gaps))]


#: A table row as the reader writes it: cells joined by " | ", one row per line.
_ROW = re.compile(r"[^\n]*\|[^\n]*")


def _in_named_row(matches: list[re.Match[str]], text: str, question: str) -> list[re.Match[str]]:
    """In a table, the amounts of the row that names most of the question's words.

    "Hoeveel schade richt ransomware aan?" asks the row "Ransomware | 9 procent | 112.000 euro", not the
    table's first amount. Words count by their first five letters ("ransomware-aanval", "Ransomware"); rows
    without an amount of the asked kind (the header) are not candidates. Outside a table, or when no row
    names a word of the question, the matches stay as they are.
    """
    if len(matches) < 2 or "|" not in text:
        return matches
    # A longer word names the subject more narrowly: "ransomware-aanval" is the Ransomware row before the
    # "DDoS-aanval" one, and before a "Gemiddeld" row for "gemiddeld".
    asked = {w[:5]: len(w) for w in re.findall(r"\w{4,}", fold(question)) if w not in STOPWORDS}
    best, best_held = None, 0
    for row in _ROW.finditer(text):
        inside = [m for m in matches if row.start() <= m.start() < row.end()]
        held = sum(asked.get(w, 0) for w in {w[:5] for w in re.findall(r"\w{4,}", fold(row.group()))})
        if inside and held > best_held:
            best, best_held = inside, held
    return best or matches


#: A change of a value, "van 35.000 euro naar 50.000 euro": the text between the old value and the new one. Not
#: "van 9.00 tot 17.00 uur" or "van 20 tot 30 procent": a range, whose first value is as much an answer as its
#: last. English "from X to Y" is a change only beside a verb of change ("raised from 35,000 to 50,000").
_FROM = re.compile(r"\b(?:van|from)\s+(?:(?:maximaal|ongeveer|circa|ruim|about)\s+)?$", re.I)
_TO = re.compile(r"\s+naar\s+(?:(?:maximaal|ongeveer|circa|ruim)\s+)?", re.I)
_TO_EN = re.compile(r"\s+to\s+(?:about\s+)?", re.I)
_CHANGES_EN = re.compile(r"\b(?:increase|raise|rais|reduc|cut|lower|shorten|extend|rise|rose|grow|grew)\w*", re.I)
#: A question about the value before a change.
_ASKS_OLD = re.compile(r"\b(?:was|waren|eerder|voorheen|vroeger|oude|previously|used\s+to)\b", re.I)


def _new_values(matches: list[re.Match[str]], text: str) -> list[re.Match[str]]:
    """The amounts without those a change leaves behind: "verhoog ik de uitkering van 35.000 euro naar 50.000
    euro" answers "Hoeveel kan een slachtoffer krijgen?" with the new 50.000 (the old one stays when it is alone)."""
    to = [_TO, _TO_EN] if _CHANGES_EN.search(text) else [_TO]
    old = {
        i
        for i, (m, n) in enumerate(itertools.pairwise(matches))
        if _FROM.search(text[max(0, m.start() - 30) : m.start()])
        and any(t.fullmatch(text[m.end() : n.start()]) for t in to)
    }
    return [m for i, m in enumerate(matches) if i not in old] or matches


def _qualified(matches: list[re.Match[str]], text: str, qualifiers: list[str]) -> re.Match[str]:
    """Of several amounts in one sentence, the one the question's qualifiers stand nearest to.

    "75 miljoen euro in 2027 en structureel 100 miljoen euro vanaf 2028": each "2027", "structureel" and
    "2028" belongs to the amount closest to it, so "vanaf 2028" asks the 100 million. Ties: the first.
    """
    if len(matches) == 1 or not qualifiers:
        return matches[0]
    held = [0] * len(matches)
    for q in qualifiers:  # folded words; matched case-insensitively in the text, whose offsets the matches use
        for occurrence in re.finditer(re.escape(q), text, re.I):
            x, y = occurrence.span()
            gaps = [max(m.start() - y, x - m.end(), 0) for m in matches]
            held[gaps.index(min(gaps))] += 1
    return matches[held.index(max(held))]


def _counts(question: str, text: str, matches: list[re.Match[str]]) -> list[re.Match[str]]:
    """An amount's candidates without years ("in 2026 wachtten") or function words ("acht naar"), those that
    count what the question counts first ("Hoeveel kinderen" -> "2.870 kinderen")."""
    years = [m.span(1) for m in _YEAR.finditer(text)]
    kept = []
    for m in matches:
        if any(y0 <= m.start() < y1 for y0, y1 in years):
            continue
        last = fold(m.group().split()[-1])
        if COUNT.fullmatch(m.group()) and (last in STOPWORDS or _YEAR_ONLY.fullmatch(m.group().split()[0])):
            continue
        kept.append(m)
    return sorted(kept, key=lambda m: not _counts_what_is_asked(question, m))


def _counts_what_is_asked(question: str, m: re.Match[str]) -> bool:
    """Whether the amount ``m`` counts the noun after the question's "hoeveel" (True when it names none)."""
    noun = _COUNTED.search(question)
    return noun is None or fold(m.group().split()[-1]).startswith(fold(noun.group(1))[:5])


#: What "hoeveel" counts: "Hoeveel (extra) kinderen ...".
_COUNTED = re.compile(r"\bhoeveel\s+(?:extra\s+|meer\s+|nieuwe\s+)?([a-zà-ÿ]{4,})", re.I)


def _name_span(kind: str, question: str, text: str, a: int, asked: set[str]) -> tuple[int, int] | None:
    """The body or name that answers a who-question (a place for a where-question), with those listed after it.

    Of the names and bodies the question does not already hold, the one the question's own
    preposition introduces ("met wie" -> "samen met de NOVA"), or the agent of a passive ("door de
    Inspectie"), else the first; at one place the longest ("de Inspectie Gezondheidszorg en Jeugd",
    not "de Inspectie"). A place is a name after "in", "uit" or "naar", and not a body.
    """
    found: dict[int, re.Match[str]] = {}
    # "Wie is de Nationaal Coördinator?" asks who holds a post: a person's name, never a body ("het ministerie van
    # OCW") nor an acronym ("OCW") beside the post.
    identity = kind == "who" and _ASKS_IDENTITY.search(question) is not None
    for pattern in (_BODY_PHRASE, NAME_RUN) if kind == "who" and not identity else (NAME_RUN,):
        for m in pattern.finditer(text):
            opener = (m.start() == 0 or fold(m.group()) in STOPWORDS) and _sentence_word(m.group())
            if opener and not _BODY.search(fold(m.group())):
                continue  # "Zo", "Dit", "Aan:": capitalised because it opens a sentence or a line, not a name
            if _TITLED.search(text[: m.start()]) and not _ASKS_MOTION.search(question):
                continue  # "de motie Van Nispen/Palmen": the members a motion is named after do not act in it
            words = set(re.findall(r"\w+", fold(m.group())))
            if not words or words <= asked | _FILLER or _abbreviates(m.group(), question):
                continue
            if (kind == "place" or identity) and _BODY.search(fold(m.group())):
                continue  # "de Inspectie Justitie en Veiligheid" is no place, and no person
            if kind == "place" and _ACRONYM.fullmatch(m.group()) and not introduced(kind, question, text[: m.start()]):
                continue  # "met het OM": an acronym is mostly a body, a place after a preposition of place
            if identity and re.match(r"(?:de|het)\s|[A-Z]{2,}$", m.group()):
                continue  # a person takes no article ("de Holocaust") and is no acronym ("OCW")
            if _GENERIC_BODY.fullmatch(fold(m.group())):
                continue  # "instanties", "de partners": a kind of body, no answer to who
            if m.start() not in found or len(m.group()) > len(found[m.start()].group()):
                found[m.start()] = m
    if not found:
        return None
    matches = [found[k] for k in sorted(found)]
    # Drop a match that lies inside an earlier, longer one.
    kept: list[re.Match[str]] = []
    for m in matches:
        if not kept or m.start() >= kept[-1].end():
            kept.append(m)
    i = next((j for j, m in enumerate(kept) if introduced(kind, question, text[: m.start()])), 0)
    end = kept[i].end()
    for nxt in kept[i + 1 :]:  # "de NOVA en de Raad voor Rechtsbijstand": one answer of two names
        if not _LIST_JOIN.fullmatch(text[end : nxt.start()]):
            break
        end = nxt.end()
    return (a + kept[i].start(), a + end)


#: An acronym, with its article: "het OM", "DJI". As a place only after a preposition of place (``introduced``:
#: in, uit, naar, te, binnen: "in de VS").
_ACRONYM = re.compile(r"(?:(?:[Dd]e|[Hh]et)\s+)?[A-Z]{2,6}")


def _abbreviates(name: str, question: str) -> bool:
    """Whether ``name`` is a body the question already names in the other form: written out where the question
    has its acronym ("de Dienst Justitiële Inrichtingen" for "DJI"), or the acronym where the question writes
    it out ("het OM" for "het Openbaar Ministerie"). Such a name repeats the question and answers nothing."""
    if _ACRONYM.fullmatch(name):
        return name.split()[-1] in _initials(question)
    acronyms = set(re.findall(r"\b[A-Z]{2,6}\b", question))
    return bool(_initials(re.sub(r"^(?:De|Het)\s+", "", name)) & acronyms)


@lru_cache(maxsize=1024)
def _initials(text: str) -> frozenset[str]:
    """The initials (two letters or more) of each run of capitalised words in ``text``: "Openbaar Ministerie" -> OM.
    Cached: every candidate name of a question is checked against the same question."""
    runs = re.findall(r"(?:[A-Z][\w'-]*(?:\s+(?:en|van|voor|der|de|het)\s+|\s+)?)+", text)
    found = ("".join(w[0] for w in re.findall(r"[A-Z][\w'-]*", run)) for run in runs)
    return frozenset(i for i in found if len(i) >= 2)


#: The words before a name that make it a title: a motion or an amendment named after its members, a judgment
#: named after its parties ("het Varkens in Nood-arrest" is written the other way and never matches).
_TITLED = re.compile(
    r"\b(?i:motie|moties|amendement|amendementen|arrest)\s+"
    r"(?:(?:[A-Z][\w'-]*|van|der|de|en|het|lid|leden)(?:\s*[/,]\s*|\s+))*$"
)


def introduced(kind: str, question: str, before: str) -> bool:
    """Whether the text ``before`` a name ends in the word that marks the answer: the who-question's own
    preposition ("met wie" -> "samen met de NOVA"), the agent's "door", a place's "in", "uit" or "naar"."""
    if kind == "place":
        markers = {"in", "uit", "naar", "te", "binnen"}
    else:
        opening = _WHO_PREPOSITION.match(question)
        markers = {"door"} | ({opening.group(1).lower()} if opening else set())
    words = re.findall(r"\w+", before[-20:].lower())
    return bool(words) and words[-1] in markers


#: "Wie is de Nationaal Coördinator?": who holds a post. Only posts a person holds, named (capitalised) or
#: by such a role: "Wie is de uitvoerder van de regeling?" is answered by a body ("het CJIB"), "Wie is de
#: verantwoordelijke minister?" by a role.
_ASKS_IDENTITY = re.compile(
    r"^\W*(?i:wie|who)\s+(?i:is|was)\s+(?i:op\s+dit\s+moment\s+|nu\s+)?(?i:de|het|the)\s+(?i:huidige\s+|current\s+)?"
    r"(?:[A-Z]\w*|(?i:\w*(?:co[öo]rdinator|kwartiermaker|voorzitter|directeur|ombudsman|commissaris|chair|director)))\b"
)

#: A question about a motion or an amendment itself ("Wie diende de motie in?"): its member is the answer.
_ASKS_MOTION = re.compile(r"\b(?:moties?|amendement(?:en)?|motions?|amendments?)\b", re.I)

#: Bodies named only by their kind, without a name or a role of their own.
_GENERIC_BODY = re.compile(r"(?:(?:de|het|alle|onze|die)\s+(?:\w+\s+)?)?(?:organisaties?|instanties?|partners?)")
#: "met wie", "door wie", "aan wie": the preposition that marks the answer in the sentence.
_WHO_PREPOSITION = re.compile(
    r"^\W*(?:met\s+(?:be)?hulp\s+|samen\s+)?(met|door|aan|voor|bij|van|op|with|by|to|for|from)\s+(?:wie|whom?)\b", re.I
)

#: A share: a percentage, "een op de vijf", "twee derde", "de helft".
SHARE = re.compile(
    _PERCENT.pattern
    + rf"|\b{_NUM}\s+(?:op|van|uit)\s+de\s+{_NUM}\b"
    + r"|\b(?:een|één|twee|drie)\s+(?:derde|kwart|vierde|vijfde)\b|\bde\s+helft\b",
    re.I,
)
_COUNT_OR_MONEY = re.compile(f"{_MONEY.pattern}|{_PERCENT.pattern}|{COUNT.pattern}", re.I)
_YEAR_ONLY = re.compile(r"(?:19|20)\d\d")
#: What joins the names of one answer: commas, "en", and "en" with the preposition again ("aan de minister en aan
#: de staatssecretaris").
_LIST_JOIN = re.compile(r",\s*|,?\s+(?:en|of|and|or)\s+(?:(?:aan|met|door|bij|voor|to|with|by)\s+)?")
_FILLER = {"de", "het", "een", "van", "en", "in", "op", "voor", "met"}


def _sentence_word(match: str) -> bool:
    """One capitalised word that is not an acronym or a name with digits: most likely a sentence opener."""
    return " " not in match.strip() and not re.fullmatch(r"[A-Z0-9]{2,}|\w*\d\w*", match.strip())


def _answer(
    c: Candidate, question: str, min_similarity: float, *, asked: set[str], key_terms: Callable[[str], set[str]]
) -> Answer:
    p = c.passage
    a, b = p.sentences[c.sentence]
    sentence = strip_marks(p.text[a:b]).strip()
    if c.kind == "date" and QUARTER_HEADING.match(p.section) and not DATE.search(p.text[a:b]):
        text = p.section
    elif c.kind == "sentence":
        text = _shorten(sentence)
    elif c.kind == "yesno" and _UNPLANNED.search(p.section) and _ASKS_SCHEDULE.search(question):
        text = "Nee"  # "Is er al een datum voor ...?": a planning row under "nader te bepalen" has none
    elif c.kind == "yesno" and QUARTER_HEADING.match(p.section) and _ASKS_SCHEDULE.search(question):
        # "Is de wet al gepland?": a dated planning row says when, and so does its answer; a row that negates ("niet
        # meer nodig") or a year the question names that the row's quarter is not ("in 2027 gepland?") is a no.
        years = set(re.findall(r"\b(?:19|20)\d\d\b", question))
        no = NEGATION.search(sentence) or (years and not years & set(re.findall(r"(?:19|20)\d\d", p.section)))
        text = f"{'Nee' if no else 'Ja'}, {p.section}"
    elif c.kind == "yesno":
        text = (
            "Nee" if NEGATION.search(sentence) or (_ASKS_FUNDS.search(question) and NO_EXTRA.search(sentence)) else "Ja"
        )
    else:
        text = strip_marks(p.text[c.span[0] : c.span[1]]).strip(" ,.;:")
    # Confidence: how far the sentence's similarity clears the bar, squashed to (0, 1).
    confidence = 1 / (1 + math.exp(-(c.similarity - min_similarity - 0.02) / 0.01))
    page = _page(p, a, b, c.span, asked, key_terms)
    return Answer(
        text=text[:MAX_ANSWER_CHARS],
        kind=c.kind,
        sentence=sentence,
        passage_id=p.id,
        page=page,
        section=p.section,
        citation=_cite_page(p, page),
        confidence=round(confidence, 3),
        sentence_span=(a, b),
    )


def _page(
    p: Passage, a: int, b: int, span: tuple[int, int], asked: set[str], key_terms: Callable[[str], set[str]]
) -> int | None:
    """The page a reader finds the answer on, when its sentence runs over a page break.

    A span cut from the sentence (an amount, a date, a name) is on the page it starts on. Where the
    sentence itself is the answer (an open or yes/no question, a planning row whose date is its
    heading), the part of the sentence that holds most of the question's key terms decides: a
    planning row that starts at the foot of one page names its bill on the next.
    """
    cuts = [x for x in p.breaks if a < x < b]
    if not cuts:
        return p.page_at(a)
    if span != (a, b):
        return p.page_at(span[0])
    parts = list(zip([a, *cuts], [*cuts, b], strict=True))
    held = [len(asked & key_terms(strip_marks(p.text[x:y]))) for x, y in parts]
    return p.page_at(parts[held.index(max(held))][0])


def _cite_page(p: Passage, page: int | None) -> str:
    """The passage's citation narrowed to the answer sentence's page."""
    if page is None or p.page == p.page_end:
        return p.citation
    label = p.page_label if page == p.page and p.page_label else str(page)
    return re.sub(r", p\. [^,]+$", f", p. {label}", p.citation)


def _shorten(sentence: str) -> str:
    """A long sentence cut at the last clause boundary that keeps it within MAX_ANSWER_CHARS."""
    if len(sentence) <= MAX_ANSWER_CHARS:
        return sentence
    cuts = [m.start() for m in CLAUSE.finditer(sentence) if 40 <= m.start() <= MAX_ANSWER_CHARS - 1]
    if cuts:
        return sentence[: cuts[-1]].rstrip() + " …"
    return sentence[: MAX_ANSWER_CHARS - 2].rsplit(" ", 1)[0] + " …"
