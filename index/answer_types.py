"""What kind of thing a question asks for, and whether a passage's answer region holds one.

Retrieval scores alone cannot tell "Hoe hoog wordt de boete?" answered from
unanswered: the passage about the fine scores as high either way. So the
service also checks the answer region (the headings and the sentence that best
matches the question) for the kind asked for:

    "Hoeveel geld gaat naar de politie?"    a sum of money: "348 miljoen euro"
    "Hoeveel cellen komen erbij?"           a count: a number that is not money or a year, and not the question's
    "Met hoeveel procent ...?"              a percentage
    "Hoe hoog / hoe lang ...?"              an amount: any number the question does not already hold
    "Wanneer komt de wet?"                  a time: a year, month, quarter or period (a quarter heading counts)
    "Hoe laat begint de wedstrijd?"         a clock time
    "Welke straf krijg je voor ...?"        a penalty: a sentence, a fine, a term
    "In welke gemeenten ...?"               a place: a name the question does not already hold
    "Wie is de coördinator?"                a who: a name or a public body the question does not already hold

"Not already in the question" matters: "Wie is de Nationaal Coördinator
Antisemitismebestrijding?" is not answered by a sentence whose only names are
the question's own. Questions of no recognised kind always pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from index.lexical import fold


@dataclass(frozen=True)
class AnswerRegion:
    """Where an answer would be: the passage's headings and its sentences closest to the question."""

    headings: str
    sentences: str


_NUMBER_WORDS = (
    r"(?:twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|twintig"
    r"|honderd|duizend|miljoen|miljard|helft|kwart)"
)
_MONTHS = r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)"
_NUMBER = re.compile(rf"\d+|\b{_NUMBER_WORDS}\b", re.I)
_TIME = re.compile(
    rf"\b(?:\d{{4}}|{_MONTHS}|kwartaal|zomer|zomerreces|meireces|jaar|termijn|binnenkort|voorjaar|najaar|periode)\b",
    re.I,
)
_PERCENT = re.compile(r"\d+(?:[.,]\d+)?\s*(?:%|procent\b)", re.I)
_MONEY = re.compile(
    rf"(?:€\s*\d|\b(?:\d+(?:[.,]\d+)?|{_NUMBER_WORDS})\s+(?:(?:miljoen|miljard|duizend)\s+)?euro\b)", re.I
)
_VERBS = (
    r"(?:gaan|gaat|komen|komt|zijn|is|worden|wordt|krijgen|krijgt|hebben|heeft|blijven|blijft|kosten|kost"
    r"|geven|geeft|staan|staat|moeten|moet|zullen|zal|kunnen|kan|mogen|mag|levert|leveren|er)"
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_CLOCK = re.compile(r"\b\d{1,2}[.:]\d{2}\b|\buur\b", re.I)
_PENALTY = re.compile(r"\b(?:\w*straf|\w*straffen|\w*boetes?|maanden|jaar)\b", re.I)
# A capitalised word that does not start a sentence, or an acronym (OM, IND, NCTV).
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w-]+|\b[A-Z]{2,}\b")
# Who-answers in policy text are often bodies, not names: "gemeenten moeten toezicht houden".
_BODY = re.compile(
    r"\b(?:gemeenten?|politie|rechters?|rechtspraak|advocat\w*|inspecties?|kabinet|ministeries?|ministers?"
    r"|staatssecretaris\w*|burgemeesters?|officier\w*|organisaties?|instanties?|partners?|werkgevers?"
    r"|provincies?|reclassering|toezichthouders?|we|wij)\b"
)


def _counts(text: str) -> list[str]:
    """The numbers in a text that are neither sums of money nor years."""
    money = [m.span() for m in _MONEY.finditer(text)]
    return [
        m.group()
        for m in _NUMBER.finditer(text)
        if not _YEAR.match(m.group()) and not any(a <= m.start() < b for a, b in money)
    ]


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", fold(text)))


def _new(found: list[str], question: str) -> bool:
    """Something was found that the question does not already say."""
    asked = _words(question)
    return any(fold(w) not in asked for w in found)


Check = Callable[[str, AnswerRegion], bool]

#: kind -> (what the question asks, what the answer region must hold). Order matters: the first match wins.
ANSWER_TYPES: dict[str, tuple[re.Pattern[str], Check]] = {
    "clock": (
        re.compile(r"\b(hoe\s+laat|om\s+hoeveel\s+uur|what\s+time)\b", re.I),
        lambda q, r: _CLOCK.search(r.sentences) is not None,
    ),
    "penalty": (
        re.compile(
            r"\b(welke\s+straf|hoeveel\s+jaar\s+cel|hoe\s+(hoog|zwaar)\s+is\s+de\s+straf"
            r"|what\s+(penalty|sentence|punishment))\b",
            re.I,
        ),
        lambda q, r: _PENALTY.search(r.sentences) is not None,
    ),
    "percentage": (
        re.compile(r"\b(hoeveel\s+procent|welk\s+percentage|what\s+percentage|how\s+many\s+per\s*cent)\b", re.I),
        lambda q, r: _PERCENT.search(r.sentences) is not None,
    ),
    "money": (
        re.compile(
            r"\b(hoeveel\s+(geld|euro|kost|kosten)|welk\s+bedrag|wat\s+kost(en|te)?|hoe\s+duur"
            r"|how\s+much\s+money|what\s+(is|are)\s+the\s+(total\s+)?(budget|costs?))\b",
            re.I,
        ),
        lambda q, r: _MONEY.search(r.sentences) is not None,
    ),
    "count": (
        # "Hoeveel cellen?" is not answered by "75 miljoen euro in 2027": money and years do not count.
        # Only "hoeveel" before a plural noun: "hoeveel blijft er over?" asks an amount of anything.
        re.compile(rf"\bhoeveel\s+(?!{_VERBS}\b)(?:\w+\s+)?\w+(?:en|s)\b|\bhow\s+many\b", re.I),
        lambda q, r: _new(_counts(r.sentences), q),
    ),
    "amount": (
        re.compile(r"\b(hoeveel|hoe\s+(hoog|groot|veel|lang)|how\s+(much|high|large|long))\b", re.I),
        lambda q, r: _new(_NUMBER.findall(r.sentences), q),
    ),
    "time": (
        re.compile(r"\b(wanneer|per\s+wanneer|in\s+welk\s+(jaar|kwartaal)|when|what\s+year|which\s+quarter)\b", re.I),
        # The headings count: an annex row's quarter is its "when".
        lambda q, r: _TIME.search(r.headings + " " + r.sentences) is not None,
    ),
    "place": (
        re.compile(
            r"\b(in\s+welke\s+(gemeenten?|steden|stad|plaatsen|plaats|provincies?|regio'?s?|landen|land)"
            r"|which\s+(cities|city|municipalities|municipality|countries|country|regions?))\b",
            re.I,
        ),
        lambda q, r: _new(_NAME.findall(r.sentences), q),
    ),
    "who": (
        re.compile(r"\b(wie|who|welke\s+(organisatie|instantie|partij|partijen|minister))\b", re.I),
        lambda q, r: _new(_NAME.findall(r.sentences), q) or _new(_BODY.findall(fold(r.sentences)), q),
    ),
}


def question_kind(question: str) -> str | None:
    """The kind of thing the question asks for, or None when it is not one of ANSWER_TYPES."""
    for kind, (asks, _) in ANSWER_TYPES.items():
        if asks.search(question):
            return kind
    return None


def answer_type_satisfied(question: str, region: AnswerRegion) -> bool:
    """Does the region hold the kind of thing the question asks for? Questions of no known kind pass."""
    kind = question_kind(question)
    return True if kind is None else ANSWER_TYPES[kind][1](question, region)
