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
question's key terms, and its span must not merely repeat the question ("Wie is de Nationaal
Coördinator?" is not answered by "de Nationaal Coördinator"). Qualifiers in the question (a year,
"structureel", a name) pick between candidates. The answer is None when the search found the
question not answerable, or when no candidate is confident enough. Nothing here knows the letter.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace

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
from vraagbaak.index.lexical import fold
from vraagbaak.index.model import Passage, strip_marks

MAX_ANSWER_CHARS = 120
#: How many of the top passages the answer may come from.
PASSAGES = 3

_MONTHS = r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)"
_ORD = r"(?:eerste|tweede|derde|vierde|laatste)"
_NUM = rf"(?:\d+(?:[.,]\d+)*|{_NUMBER_WORDS}|een|één)"
DATE = re.compile(
    "|".join(
        [
            r"\b[Kk]wartaal\s+[1-4]\s+(?:19|20)\d\d\b",
            rf"\b(?:in\s+)?(?:het\s+)?{_ORD}\s+kwartaal(?:\s+van\s+(?:(?:19|20)\d\d|dit\s+jaar|volgend\s+jaar))?",
            rf"\b(?:in\s+)?de\s+{_ORD}\s+helft\s+van\s+(?:(?:19|20)\d\d|dit\s+jaar|volgend\s+jaar|het\s+jaar)",
            r"\b(?:voor|na|tijdens|rond|begin|eind|medio)\s+(?:de|het)\s+(?:zomer(?:reces)?|kerstreces|meireces"
            r"|voorjaar|najaar|winter)(?:\s+(?:van\s+)?(?:19|20)\d\d)?",
            rf"\b(?:\d{{1,2}}\s+)?{_MONTHS}\s+(?:19|20)\d\d\b",
            rf"\b(?:begin|eind|medio|halverwege|uiterlijk|vanaf|per|voor|na|in|sinds|tot|rond)\s+"
            rf"(?:{_MONTHS}\s+)?(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?\b",
            r"\b(?:dit|volgend|komend|vorig)\s+jaar\b",
            r"\b(?:binnen|over|na)\s+" + _NUM + r"\s+(?:jaar|jaren|maanden|weken|dagen)\b",
            r"\b(?:19|20)\d\d\b",
        ]
    ),
    re.I,
)
QUARTER_HEADING = re.compile(r"^[Kk]wartaal\s+[1-4]\s+(?:19|20)\d\d$")
COUNT = re.compile(
    rf"\b{_NUM}(?:\s+(?:extra|nieuwe|meer|duizend|miljoen))?\s+(?!euro\b|procent\b|jaar\b|uur\b|{_MONTHS}\b)"
    r"[a-zà-ÿ][\w'-]{2,}",
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
    r"(?:\b(?:de|het)\s+)?\b[A-Z][\w'-]+(?:,?\s+(?:(?:en|van|voor|der|de|het|op|in)\s+)?[A-Z][\w'-]+)*"
)
#: A public body named by its role, with whose it is: "de minister van Justitie en Veiligheid".
_BODY_PHRASE = re.compile(
    r"(?i:\b(?:de|het|alle|onze|die)\s+(?:\w+\s+)?" + _BODY.pattern + r")"
    r"(?:\s+(?:van|voor)\s+(?:de\s+|het\s+)?[A-Z][\w'-]+(?:\s+(?:en\s+)?[A-Z][\w'-]+)*)?"
)
NEGATION = re.compile(r"\b(?:niet|geen|nooit|nog\s+niet|not|no|never)\b", re.I)
#: A yes/no question opens with a finite verb.
YESNO = re.compile(
    r"^\W*(?:klopt\s+het|komt|komen|is|zijn|wordt|worden|gaat|gaan|krijgt|krijgen|kan|kunnen|moet|moeten|heeft"
    r"|hebben|blijft|blijven|mag|mogen|zal|zullen|wil|willen|denkt|denken|bevat|bevatten|staat|staan|houdt|houden"
    r"|does|do|is|are|will|can|has|have|should|must)\b",
    re.I,
)
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

    def public(self) -> dict:
        d = asdict(self)
        del d["sentence_span"]
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


def answer_kind(question: str) -> str:
    """What :func:`find_answer` looks for: a typed kind, ``yesno``, or ``sentence`` for open questions."""
    kind = question_kind(question)
    if kind is not None:
        return KIND_OF.get(kind, kind)
    if PLANNING.search(question):  # "Coördinatiewet planning", "richtlijn ontneming wanneer"
        return "date"
    return "yesno" if YESNO.search(question) else "sentence"


def find_answer(
    question: str,
    passages: Sequence[Passage],
    sentence_scores: Callable[[Passage], np.ndarray],
    *,
    key_terms: Callable[[str], set[str]],
    min_similarity: float,
    min_key_overlap: float = 0.34,
) -> Answer | None:
    """The best answer in the first :data:`PASSAGES` passages, or None when none is confident.

    ``sentence_scores`` gives a passage's sentence cosines with the question (the search has them);
    ``key_terms`` the analysed content terms of a text (BM25's analyser), so that a sentence shares
    the question's subject and not only its tone.
    """
    kind = answer_kind(question)
    asked = key_terms(question)
    qualifiers = _qualifiers(question)
    top = passages[0] if passages else None
    if kind == "date" and top is not None and QUARTER_HEADING.match(top.section) and top.sentences:
        # A planning row: the best passage is the bill itself, and its quarter is the answer.
        sim = float(sentence_scores(top).max())
        answer = _answer(Candidate(top, 1, 0, sim, top.sentences[0], "date", sim), question, min_similarity)
        return replace(answer, text=top.section)
    best: Candidate | None = None
    for rank, passage in enumerate(passages[:PASSAGES], 1):
        if not passage.sentences:
            continue
        scores = sentence_scores(passage)
        for i, (a, b) in enumerate(passage.sentences):
            sim = float(scores[i])
            sentence = strip_marks(passage.text[a:b])
            overlap = len(asked & key_terms(sentence)) / len(asked) if asked else 1.0
            # The best passage's own sentences need the similarity only: a paraphrase shares no words.
            if sim < min_similarity or (overlap < min_key_overlap and not (rank == 1 and kind == "yesno")):
                continue
            span = _span(kind, question, passage, a, b)
            if span is None:
                continue
            bonus = 0.01 * sum(q in fold(passage.text[a:b]) or q in fold(passage.section) for q in qualifiers)
            score = sim + 0.03 * overlap + bonus - 0.005 * (rank - 1)
            if best is None or score > best.score:
                best = Candidate(passage, rank, i, sim, span, span_kind(kind, passage.text[span[0] : span[1]]), score)
    return None if best is None else _answer(best, question, min_similarity)


def span_kind(kind: str, text: str) -> str:
    """An amount question's span says what it is: money, a percentage or a count."""
    if kind != "count":
        return kind
    if _MONEY.search(text):
        return "money"
    if _PERCENT.search(text):
        return "percentage"
    return "count"


def _qualifiers(question: str) -> list[str]:
    """Words in the question that pick one candidate over another: years, 'structureel', names."""
    words = re.findall(r"\b(?:19|20)\d\d\b|\bstructure[el]\w*|\bincidente[el]\w*|\bjaarlijks\b", question, re.I)
    names = [m.group() for m in re.finditer(r"(?<!^)\b[A-Z][\w-]{2,}", question.strip())]
    return [fold(w) for w in words + names]


def _span(kind: str, question: str, passage: Passage, a: int, b: int) -> tuple[int, int] | None:
    """The span of ``passage.text[a:b]`` that answers a question of ``kind`` (offsets in the passage)."""
    text = passage.text[a:b]
    if kind == "sentence" or kind == "yesno":
        return (a, b)
    if kind == "date" and QUARTER_HEADING.match(passage.section) and not DATE.search(text):
        return (a, b)  # an annex row: its quarter is its date (the answer text takes the heading)
    pattern = {
        "money": _MONEY,
        "percentage": _PERCENT,
        "count": _COUNT_OR_MONEY,
        "date": DATE,
        "clock": _CLOCK,
        "penalty": PENALTY,
        "place": NAME_RUN,
        "who": _WHO,
    }[kind]
    asked = set(re.findall(r"\w+", fold(question)))
    matches = list(pattern.finditer(text))
    for i, m in enumerate(matches):
        if kind in ("who", "place") and m.start() == 0 and _sentence_word(m.group()):
            continue  # "Zo", "Dit": capitalised because it opens the sentence, not a name
        words = set(re.findall(r"\w+", fold(m.group())))
        if kind == "date" and _YEAR_ONLY.fullmatch(m.group()) and _YEAR.search(text) is None:
            continue  # a bare number that looks like a year but is a count ("2000 agenten")
        if words and not words <= asked | _FILLER:
            end = m.end()
            if kind in ("who", "place"):  # "de NOVA en de Raad voor Rechtsbijstand": one answer of two names
                for nxt in matches[i + 1 :]:
                    if not _LIST_JOIN.fullmatch(text[end : nxt.start()]):
                        break
                    end = nxt.end()
            return (a + m.start(), a + end)
    return None


_COUNT_OR_MONEY = re.compile(f"{_MONEY.pattern}|{_PERCENT.pattern}|{COUNT.pattern}", re.I)
_WHO = re.compile(f"{_BODY_PHRASE.pattern}|{NAME_RUN.pattern}")
_YEAR_ONLY = re.compile(r"(?:19|20)\d\d")
_LIST_JOIN = re.compile(r",\s*|\s+(?:en|of|and|or)\s+|,\s+(?:en|of)\s+")
_FILLER = {"de", "het", "een", "van", "en", "in", "op", "voor", "met"}


def _sentence_word(match: str) -> bool:
    """One capitalised word that is not an acronym or a name with digits: most likely a sentence opener."""
    return " " not in match.strip() and not re.fullmatch(r"[A-Z0-9]{2,}|\w*\d\w*", match.strip())


def _answer(c: Candidate, question: str, min_similarity: float) -> Answer:
    p = c.passage
    a, b = p.sentences[c.sentence]
    sentence = strip_marks(p.text[a:b]).strip()
    if c.kind == "date" and QUARTER_HEADING.match(p.section) and not DATE.search(p.text[a:b]):
        text = p.section
    elif c.kind == "sentence":
        text = _shorten(sentence)
    elif c.kind == "yesno":
        text = "Nee" if NEGATION.search(sentence) else "Ja"
    else:
        text = strip_marks(p.text[c.span[0] : c.span[1]]).strip(" ,.;:")
    # Confidence: how far the sentence's similarity clears the bar, squashed to (0, 1).
    confidence = 1 / (1 + math.exp(-(c.similarity - min_similarity - 0.02) / 0.01))
    page = p.page_at(a)
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
