"""Word repair for text extracted from PDFs: hyphens, soft hyphens, ligatures, lost ligatures.

PDFs lose letters in ways a reader can see but a search index cannot: PDFium marks a hyphen at a
line end with U+FFFE; soft hyphens (U+00AD) sit inside words; fonts that draw "fi" or "ff" as one
glyph come out as a ligature code point (U+FB01), as U+FFFE in the middle of a word
("kwali\\ufffeit") or as a word that lost its letters ("inanciën"). A repair is made only where a
word list makes it unambiguous: the Dutch list of ``wordfreq`` (shipped with the package) and the
words the document itself prints intact.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

#: U+FB00–FB06, expanded as NFKC would (ſt and st both become "st").
LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
#: What a glyph that lost its Unicode mapping (U+FFFE, U+FFFD) most often stood for.
GLYPH_CANDIDATES = ("fi", "fl", "ff", "ffi", "ffl", "ft", "st", "ti", "tt", "te", "th", "f", "t")
#: Letters a lost ligature drops before the letter that survives ("inanciën" lost the f of "fi").
DROPPED = ("f", "ff", "t")
#: Whole ligatures lost without a trace ("ocieel" lost the ffi of "officieel").
LOST = ("fi", "fl", "ff", "ffi", "ffl", "ft", "ti", "tt")
BROKEN = "\ufffe\ufffd"
SOFT_HYPHEN = "\u00ad"
WORD = re.compile(r"[^\W\d_][^\W\d_\ufffe\ufffd\u00ad]*(?:[\ufffe\ufffd\u00ad][^\W\d_]*)*|[\ufffe\ufffd]\w*")
#: Small words inside a name that stay lowercase: "Ministerie van Justitie en Veiligheid".
NAME_JOINERS = {"van", "en", "voor", "de", "het", "der", "op", "in", "te", "of"}
#: Minimum wordfreq frequency (a Zipf value of 1.5) for a repair target; rarer entries are often noise.
MIN_FREQUENCY = 10**1.5 / 1e9


@lru_cache(maxsize=1)
def dutch_words() -> dict[str, float]:
    """wordfreq's Dutch frequency list (about 300,000 words), loaded once."""
    from wordfreq import get_frequency_dict

    return get_frequency_dict("nl")


class Lexicon:
    """Which words are Dutch: wordfreq's list plus the document's own intact words."""

    def __init__(self, own_words: Counter[str] | None = None) -> None:
        self.own = own_words or Counter()
        self.dutch = dutch_words()

    @classmethod
    def from_text(cls, text: str) -> Lexicon:
        words = Counter(w.lower() for w in WORD.findall(text) if not any(c in BROKEN + SOFT_HYPHEN for c in w))
        return cls(words)

    def known(self, word: str) -> bool:
        w = word.lower()
        return self.own[w] > 0 or self.dutch.get(w, 0.0) >= MIN_FREQUENCY

    def listed(self, word: str) -> bool:
        """In the Dutch word list: the document may print a word broken every time, so its own count is no proof."""
        return self.dutch.get(word.lower(), 0.0) >= MIN_FREQUENCY


def expand_ligatures(text: str) -> str:
    return text.translate(str.maketrans(LIGATURES))


def clean_text(text: str) -> str:
    """For text formats (plain, Markdown, HTML): ligature code points expanded, soft hyphens and
    replacement characters out. The lost-ligature repair stays with PDFs, where the loss happens."""
    text = expand_ligatures(text).replace(SOFT_HYPHEN, "")
    return text.replace("\ufffe", "").replace("\ufffd", "")


def join_hyphenated(left: str, right: str, lexicon: Lexicon) -> str:
    """Join a word cut at a line end: ``left`` ends in '-' or U+FFFE, ``right`` is the next line.

    The hyphen goes unless only the hyphenated form is a word ("Noord-Holland", "ex-minister").
    """
    head = left[:-1]
    if not right or not right[0].islower():
        return f"{head}-{right}"
    if re.match(r"(en|of|tot|noch)\b", right):  # "land- en tuinbouw": an elided compound, not a cut word
        return f"{head}- {right}"
    first = re.match(r"\w+", right)
    tail = first.group(0) if first else ""
    stem = re.search(r"\w+$", head)
    stem_word = stem.group(0) if stem else ""
    if lexicon.known(stem_word + tail) or not (stem_word and tail):
        return head + right
    if lexicon.known(stem_word) and lexicon.known(tail) and not lexicon.known(stem_word + tail):
        return f"{head}-{right}"
    return head + right


def repair_words(text: str, lexicon: Lexicon) -> str:
    """Soft hyphens out, U+FFFE and U+FFFD resolved or dropped, lost ligatures restored; see the module."""
    text = expand_ligatures(text)
    return WORD.sub(lambda m: repair_word(m.group(0), lexicon), text).replace("\ufffe", "").replace("\ufffd", "")


def repair_word(word: str, lexicon: Lexicon) -> str:
    if SOFT_HYPHEN in word:
        word = word.replace(SOFT_HYPHEN, "")
    if any(c in word for c in BROKEN):
        return _fill_broken(word, lexicon)
    if len(word) >= 4 and word.isalpha() and not lexicon.listed(word):
        return _restore_dropped(word, lexicon)
    return word


def _fill_broken(word: str, lexicon: Lexicon) -> str:
    """'kwali\\ufffeit' -> 'kwaliteit' if exactly one candidate glyph makes a known word."""
    parts = re.split(f"[{BROKEN}]", word)
    if len(parts) == 2:
        fits = {c for c in GLYPH_CANDIDATES if lexicon.known(parts[0] + c + parts[1])}
        if len(fits) == 1:
            return parts[0] + fits.pop() + parts[1]
    return "".join(parts)  # never index the replacement characters themselves


def _restore_dropped(word: str, lexicon: Lexicon) -> str:
    """'inanciën' -> 'financiën', 'ocieel' -> 'officieel': a lost ligature's letters, if exactly one fits."""
    lower = word.lower()
    fits = set()
    for i in range(len(lower) + 1):
        inserts = LOST + DROPPED if lower[i : i + 1] in ("i", "l", "t", "f") else LOST
        for dropped in inserts:
            candidate = lower[:i] + dropped + lower[i:]
            if lexicon.known(candidate):
                fits.add(candidate)
    if len(fits) != 1:
        return word
    fixed = fits.pop()
    return fixed[0].upper() + fixed[1:] if word[0].isupper() else fixed


def sentence_case(title: str, text: str) -> str:
    """A title printed in capitals, in sentence case, with the names the document itself writes so.

    ``"WETGEVINGPLANNING MINISTERIE VAN JUSTITIE EN VEILIGHEID PER Q2 2026"`` becomes "Wetgevingplanning
    Ministerie van Justitie en Veiligheid per Q2 2026" for a letter that prints "Ministerie van Justitie
    en Veiligheid": the longest runs of the title that the text prints capitalised keep their capitals,
    and so does a single word the text capitalises more often than not. A title that is not mostly
    capitals is returned as it is.
    """
    letters = [c for c in title if c.isalpha()]
    if len(letters) < 8 or sum(c.isupper() for c in letters) < 0.8 * len(letters):
        return title
    words = title.split()
    out = [w if any(c.isdigit() for c in w) else w.lower() for w in words]  # "Q2", "2026" as printed
    named = [False] * len(words)
    for n in range(len(words), 1, -1):  # the longest capitalised runs first: "Ministerie van Justitie en Veiligheid"
        for i in range(len(words) - n + 1):
            if any(named[i : i + n]):
                continue
            run = [w if w in NAME_JOINERS else w[:1].upper() + w[1:] for w in out[i : i + n]]
            if run[0] in NAME_JOINERS or run[-1] in NAME_JOINERS or " ".join(run) not in text:
                continue
            out[i : i + n] = run
            named[i : i + n] = [True] * n
    counts = Counter(re.findall(r"(?<![.!?]\s)(?<!^)\b[^\W\d_]+", text, re.M))
    for i, w in enumerate(out):
        if named[i] or not w.isalpha():
            continue
        if counts[w.upper()] > counts[w] + counts[w.capitalize()]:  # an acronym: "OM"
            out[i] = w.upper()
        elif counts[w.capitalize()] > counts[w]:
            out[i] = w.capitalize()
    out[0] = out[0][:1].upper() + out[0][1:]
    return " ".join(out)
