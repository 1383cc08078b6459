"""English words to their Dutch translations, so that an English question shares words with Dutch text.

No translation model installs here, but Debian ships FreeDict's general dictionaries as plain data
(``dict-freedict-nld-eng``, about 22,700 Dutch headwords, and ``dict-freedict-eng-nld``, about 7,700
English ones) in the dictd format. Both directions are read and merged into one English -> Dutch table:
``slachtoffer: victim`` makes "victim" -> {"slachtoffer"}. Nothing in it is specific to a corpus.

The answer step uses it (``index/answers.py``): an English question's word counts as shared with a
sentence when the sentence holds any of its translations, after the same Dutch analysis BM25 uses.
A dictionary is noisy ("court" has nine translations, "binnenplaats" and "vrijen" among them; a word
with more than :data:`MAX_TRANSLATIONS`, such as "order", is left out), so a word is one unit however many
translations it has: the share of the question's words a sentence holds, as for a Dutch question.

Example::

    >>> g = Glossary({"victim": frozenset({"slachtoffer"})})
    >>> sorted(g.translations("victims"))
    ['slachtoffer']
"""

from __future__ import annotations

import gzip
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

#: Where Debian's dict-freedict packages put their data.
DICTD_DIR = Path("/usr/share/dictd")
#: Dutch -> English and English -> Dutch, each as ``<name>.index`` beside ``<name>.dict.dz``.
FREEDICT = ("freedict-nld-eng", "freedict-eng-nld")
#: A word with more translations than this is too ambiguous to be worth them all ("set", "run").
MAX_TRANSLATIONS = 16
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_WORD = re.compile(r"[a-z][a-z'-]*")
#: English words that name no subject: question words, auxiliaries, pronouns, particles (BM25's English
#: stopwords are only a few of them).
FUNCTION_WORDS = frozenset(
    re.findall(
        r"\S+",
        "a about above after again all also am an and any are as at be been before being both but by can "
        "could did do does doing done during each either for from had has have having he her here him his how "
        "i if in into is it its itself me more most much many my no nor not now of off on once only or other "
        "our out over own same she should so some such than that the their them then there these they this "
        "those through to too under until up upon us very was we were what when where whether which while who "
        "whom whose why will with would you your yet still just going get gets got want wants wanted",
    )
)


class Glossary:
    """English word (or two-word phrase) -> the Dutch words that translate it."""

    def __init__(self, table: Mapping[str, frozenset[str]]) -> None:
        self.table = {k: v for k, v in table.items() if len(v) <= MAX_TRANSLATIONS}

    def __len__(self) -> int:
        return len(self.table)

    def translations(self, word: str) -> frozenset[str]:
        """The Dutch words for ``word``, trying it as written, then without an English inflection."""
        for form in _base_forms(word.lower()):
            found = self.table.get(form)
            if found:
                return found
        return frozenset()

    def groups(self, question: str, analyse: Callable[[str], Iterable[str]]) -> list[frozenset[str]]:
        """One set of analysed Dutch terms per content word of ``question``: the word's own terms
        (names, acronyms and loanwords are shared as written: "NOVA", "pilot") and its translations'.

        A two-word phrase the table knows ("legal aid") is one word. A word gives no group only when neither
        it nor its translations leave a term after ``analyse``: "door" is a Dutch stopword, but "deur" is not.
        """
        words = [w for w in _WORD.findall(question.lower()) if w not in FUNCTION_WORDS]
        groups: list[frozenset[str]] = []
        i = 0
        while i < len(words):
            pair = " ".join(words[i : i + 2])
            if i + 1 < len(words) and pair in self.table:
                own, dutch, i = set(analyse(pair)), self.table[pair], i + 2
            else:
                own, dutch, i = set(analyse(words[i])), self.translations(words[i]), i + 1
            terms = own | {t for d in dutch for t in analyse(d)}
            if terms:
                groups.append(frozenset(terms))
        return groups


def _base_forms(word: str) -> list[str]:
    """``word`` and what it might be without a possessive, plural, past or -ing ending, likeliest first: enough
    for a dictionary lookup. "notes" is "note" before "not", "planning" is "plan", "applied" is "apply"."""
    word = re.sub(r"'s?$", "", word)
    forms = [word]
    if word.endswith("ies") or word.endswith("ied"):
        forms.append(word[:-3] + "y")
    if word.endswith("s") and not word.endswith("ss"):
        forms.append(word[:-1])
        if re.search(r"(?:ch|sh|ss|x|z)es$", word):
            forms.append(word[:-2])
    for ending in ("ed", "ing"):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            stem = word[: -len(ending)]
            forms += [stem + "e", stem] if ending == "ed" else [stem, stem + "e"]
            if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "aeiousl":
                forms.append(stem[:-1])  # a doubled consonant: "stopped", "planning"
    return forms


def _b64(s: str) -> int:
    n = 0
    for c in s:
        n = n * 64 + _B64.index(c)
    return n


def read_dictd(index: Path, data: Path) -> dict[str, str]:
    """Headword -> entry text of a dictd database (tab-separated index of base64 offsets, gzip data)."""
    blob = gzip.decompress(data.read_bytes())
    entries: dict[str, str] = {}
    for line in index.read_text(encoding="utf-8").splitlines():
        head, offset, length = line.split("\t")[:3]  # a fourth column (an original headword) may follow
        if head.startswith("00-database") or head.startswith("00database"):
            continue
        start = _b64(offset)
        text = blob[start : start + _b64(length)].decode("utf-8", "replace")
        # A headword can have several entries (187 in nld-eng): keep every one, each with its own headword line.
        entries[head] = entries[head] + "\n" + text if head in entries else text
    return entries


def _senses(entry: str) -> list[str]:
    """The translations of a FreeDict entry: every line after the headword's, split at commas and
    numbering ("1. control, reign, rule" -> three), parenthesised notes dropped."""
    found = []
    head = entry.splitlines()[0] if entry else ""
    for line in entry.splitlines()[1:]:
        if line == head:
            continue  # a second entry of the same headword (read_dictd joins them)
        line = re.sub(r"^\s*\d+\.\s*", "", re.sub(r"\([^)]*\)|\[[^\]]*\]", "", line))
        found += [s.strip().lower() for s in line.split(",") if s.strip()]
    return found


def from_freedict(nld_eng: Mapping[str, str], eng_nld: Mapping[str, str]) -> Glossary:
    """The English -> Dutch table from both directions' entries (headword -> entry text)."""
    table: dict[str, set[str]] = {}
    for dutch, entry in nld_eng.items():
        if " " in dutch.strip():
            continue  # a Dutch phrase would only add its function words
        for english in _senses(entry):
            if len(english.split()) <= 2:
                table.setdefault(english, set()).add(dutch.lower())
    for english, entry in eng_nld.items():
        for dutch in _senses(entry):
            if " " not in dutch:  # "zorg dragen" for "see" would make every "dragen" share it
                table.setdefault(english.lower(), set()).add(dutch)
    return Glossary({k: frozenset(v) for k, v in table.items()})


@lru_cache(maxsize=4)
def load(directory: Path = DICTD_DIR) -> Glossary | None:
    """The FreeDict glossary from ``directory``, or None (logged) when the dictionaries are not installed.

    Without it an English question is answered on similarity alone, as before the glossary existed.
    """
    paths = [(directory / f"{name}.index", directory / f"{name}.dict.dz") for name in FREEDICT]
    missing = [str(p) for pair in paths for p in pair if not p.is_file()]
    if missing:
        log.warning(
            "English glossary off: %s missing (apt-get install dict-freedict-nld-eng dict-freedict-eng-nld)",
            ", ".join(missing),
        )
        return None
    (nld_index, nld_data), (eng_index, eng_data) = paths
    return from_freedict(read_dictd(nld_index, nld_data), read_dictd(eng_index, eng_data))
