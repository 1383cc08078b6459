"""What kind of thing a question asks for, and whether a passage's answer region holds one.

Retrieval scores alone cannot tell "Hoe hoog wordt de boete?" answered from
unanswered: the passage about the fine scores as high either way. So the
service also checks the answer region (the headings, the sentence that best
matches the question and its neighbours) for the kind asked for:

    "Hoeveel geld gaat naar de politie?"    a sum of money: "348 miljoen euro"
    "Hoeveel cellen komen erbij?"           a count: a number that is not money or a year, and not the question's
    "Met hoeveel procent ...?"              a percentage
    "Hoe hoog / hoeveel blijft er ...?"     an amount: any number the question does not already hold
    "Wanneer komt de wet?"                  a time: a year, month, quarter or period (a quarter heading counts)
    "Hoe laat begint de wedstrijd?"         a clock time
    "Welke straf krijg je voor ...?"        a penalty: a sentence, a fine, a term of years or months
    "In welke gemeenten ...?"               a place: a name the question does not already hold
    "Wie is de coördinator?"                a who: a name or a public body the question does not already hold

"Not already in the question" matters: "Wie is de Nationaal Coördinator
Antisemitismebestrijding?" is not answered by a sentence whose only names are
the question's own. A question word counts only where it asks: "wanneer" and
"wie" open the question (or follow a preposition, "met wie", "per wanneer"),
so "Wat gebeurt er wanneer een demonstratie ontspoort?" is no time question.
Questions of no recognised kind always pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from vraagbaak.index.lexical import fold


@dataclass(frozen=True)
class AnswerRegion:
    """Where an answer would be: the passage's headings and its sentences closest to the question."""

    headings: str
    sentences: str


_NUMBER_WORDS = (
    r"(?:twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|dertien|veertien|vijftien|zestien|zeventien"
    r"|achttien|negentien|twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig"
    r"|honderd|duizend|miljoen|miljard|helft|kwart)"
)
_MONTHS = r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)"
_NUMBER = re.compile(rf"\d+(?:[.,]\d+)*|\b{_NUMBER_WORDS}\b", re.I)
_TIME = re.compile(
    rf"\b(?:\d{{4}}|{_MONTHS}|kwartaal|zomer|zomerreces|meireces|jaar|termijn|binnenkort|voorjaar|najaar|periode)\b",
    re.I,
)
_PERCENT = re.compile(rf"(?:\d+(?:[.,]\d+)?|\b{_NUMBER_WORDS})\s*(?:%|procent\b)", re.I)
_AMOUNT = rf"(?:\d+(?:[.,]\d+)*|{_NUMBER_WORDS})(?:\s+(?:miljoen|miljard|duizend))?"
_MONEY = re.compile(rf"€\s*{_AMOUNT}|\b{_AMOUNT}\s+euro\b", re.I)
# A year is a number after a word that dates: "in 2027", "vanaf 2028"; "2000 extra agenten" is a count.
_YEAR = re.compile(r"\b(?:in|vanaf|tot|sinds|per|voor|na|eind|begin|medio|van|jaar|t/m)\s+((?:19|20)\d\d)\b", re.I)
_CLOCK = re.compile(r"\b\d{1,2}[.:]\d{2}\b|\buur\b", re.I)
_PENALTY = re.compile(
    rf"\b(?:gevangenisstraf|celstraf|taakstraf|werkstraf|hechtenis|geldboetes?|boetes?|straf|straffen|strafmaximum"
    rf"|maximumstraf)\b|\b(?:\d+|{_NUMBER_WORDS})\s+(?:jaar|maanden|weken)\s+(?:cel|gevangenis|hechtenis)\b",
    re.I,
)
# A capitalised word that does not start a sentence, or an acronym (OM, IND, NCTV).
_NAME = re.compile(r"(?<![.!?]\s)(?<![\n\r])(?<!^)\b[A-Z][\w-]+|\b[A-Z]{2,}\b")
# Who-answers in policy text are often bodies, not names: "gemeenten moeten toezicht houden". Not "we": the
# letter's every other sentence starts with it, so it would answer every who-question.
_BODY = re.compile(
    r"\b(?:gemeenten?|politie|rechters?|rechtspraak|advocat\w*|inspecties?|kabinet|ministeries?|ministers?"
    r"|staatssecretaris\w*|burgemeesters?|officier\w*|organisaties?|instanties?|partners?|werkgevers?"
    r"|provincies?|reclassering|toezichthouders?)\b"
)
# Words after "hoeveel" that make it a verb question ("hoeveel investeren we?"), not a count of things.
_NOT_A_NOUN = r"(?:we|wij|er|het|de|een|ze|zij|u|je|jij|ik|men|hij|dat|dit)"


def _counts(text: str) -> list[str]:
    """The numbers in a text that are neither sums of money nor years."""
    skip = [m.span() for m in _MONEY.finditer(text)] + [m.span(1) for m in _YEAR.finditer(text)]
    return [m.group() for m in _NUMBER.finditer(text) if not any(a <= m.start() < b for a, b in skip)]


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", fold(text)))


def _new(found: list[str], question: str) -> bool:
    """Something was found that the question does not already say."""
    asked = _words(question)
    return any(fold(w) not in asked for w in found)


def _opening(words: str, prepositions: str) -> re.Pattern[str]:
    """A question word where it asks: first in the question, or after a preposition."""
    return re.compile(rf"^\W*(?:(?:en|maar|and|but)\s+)?(?:(?:{prepositions})\s+)?(?:{words})\b", re.I)


Check = Callable[[str, AnswerRegion], bool]

#: kind -> (what the question asks, what the answer region must hold). Order matters: the first match wins.
ANSWER_TYPES: dict[str, tuple[re.Pattern[str], Check]] = {
    "clock": (
        re.compile(
            r"\b(hoe\s+laat(?!\s+(het|de|een|ons|u|je|zij|ze|hij|we)\b)|om\s+hoeveel\s+uur|what\s+time)\b", re.I
        ),
        lambda q, r: _CLOCK.search(r.sentences) is not None,
    ),
    "penalty": (
        re.compile(
            r"\b(welke\s+(straf|straffen|boete|boetes|sanctie|sancties)|wat\s+(is|zijn)\s+de\s+(straf|straffen|boete)"
            r"|hoeveel\s+jaar\s+cel|hoe\s+(hoog|zwaar)\s+(is|wordt|zijn)\s+de\s+(straf|straffen|boete)"
            r"|what\s+(is\s+the\s+|are\s+the\s+)?(penalty|penalties|sentence|punishment|fine)s?)\b",
            re.I,
        ),
        # A fine can also be answered in euros; "de boete" alone, the question's own word, is no answer.
        lambda q, r: _new(_PENALTY.findall(r.sentences) + _MONEY.findall(r.sentences), q),
    ),
    "percentage": (
        re.compile(r"\b(hoeveel\s+procent|welk\s+percentage|what\s+percentage|how\s+many\s+per\s*cent)\b", re.I),
        lambda q, r: _PERCENT.search(r.sentences) is not None,
    ),
    "money": (
        re.compile(
            r"\b(hoeveel\s+(geld|euro|miljoen|miljard|kost|kosten|budget)|welk\s+bedrag|wat\s+kost(en|te)?|hoe\s+duur"
            r"|wat\s+is\s+het\s+(totale\s+)?(budget|bedrag)|how\s+much\s+(money|does|do|will)"
            r"|how\s+many\s+euros?|what\s+(is|are)\s+the\s+(total\s+)?(budget|costs?))\b",
            re.I,
        ),
        lambda q, r: _MONEY.search(r.sentences) is not None,
    ),
    "count": (
        # "Hoeveel cellen?" is not answered by "75 miljoen euro in 2027": money and years do not count.
        # Only "hoeveel" before a plural noun: "hoeveel blijft er over?" asks an amount of anything.
        re.compile(rf"\bhoeveel\s+(?:(?:\w+e|extra|meer)\s+)?\w+(?:en|s)\b(?!\s+{_NOT_A_NOUN}\b)|\bhow\s+many\b", re.I),
        lambda q, r: _new(_counts(r.sentences), q),
    ),
    "amount": (
        re.compile(r"\b(hoeveel|hoe\s+(hoog|groot|veel|lang)|how\s+(much|high|large|long))\b", re.I),
        lambda q, r: _new(_NUMBER.findall(r.sentences), q),
    ),
    "time": (
        re.compile(
            _opening(r"wanneer|when", r"per|vanaf|tot|sinds|by|since|until|from").pattern
            + r"|\b(in\s+welk\s+(jaar|kwartaal)|what\s+year|which\s+quarter)\b",
            re.I,
        ),
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
        re.compile(
            _opening(r"wie|who|whom", r"met|door|aan|voor|bij|van|op|with|by|to|for|from").pattern
            + r"|\b(welke\s+(organisaties?|instanties?|partij|partijen|ministers?|ministeries|taskforces?|commissies?"
            r"|diensten|inspecties?)|welk\s+ministerie"
            r"|which\s+(ministry|ministries|organisations?|organizations?|bodies|body|minister|ministers))\b",
            re.I,
        ),
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
