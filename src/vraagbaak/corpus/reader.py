"""Read a ministry letter, as extracted from its PDF, into documents with pages.

The extraction lost the page breaks and scattered the letter's running header
through the text, so the reader works in two passes:

1. **Scan** the lines into a stream of events: text blocks, footnotes, the
   parts of the running header, and the starts of new documents (the annex's
   capitalised title, the memo's own letterhead). Layout noise never becomes
   text; the metadata it carries (date, reference, title) goes on the document.
2. **Paginate** the stream. The page rule, in order of strength:

   a. A footnote block stands at the bottom of its page: a new page starts
      right after it.
   b. A paragraph that stops mid-sentence and goes on in lowercase after a
      blank line was cut by a page break, unless a footnote block between the
      halves already accounts for it. The break falls just before the
      continuation, so a running header printed between the halves stays on
      the earlier page.
   c. From page 2 on, every page of a document carries its running header
      exactly once. Two consecutive headers with no break from (a) or (b)
      between them get one: before the first paragraph whose footnote is
      printed after the second header (a mark and its footnote share a page),
      otherwise just before the second header.
   d. Every new document starts on a new page.

   Pages count through the whole file, 1-based, as a PDF viewer shows them.
   Paragraphs cut by a break are re-joined and remember where the cut was.

Headings are short title lines without final punctuation, the annex's quarter
lines and the memo's numbered headings; list items, signature lines and
footnotes are not. A heading followed directly by another heading is its parent.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from vraagbaak.corpus.model import FOOTNOTE_MARK, SUPERSCRIPTS, Corpus, Document, Footnote, Paragraph, Section
from vraagbaak.corpus.words import sentence_case

log = logging.getLogger(__name__)

_SUP = f"[{SUPERSCRIPTS}]+"
FOOTNOTE_LINE = re.compile(rf"^({_SUP})\s+(.+)$")

MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ],
        1,
    )
}
DATE = re.compile(r"^(\d{1,2}) (" + "|".join(MONTHS) + r") (\d{4})$")
REFERENCE = re.compile(r"^\d{5,}$")

# The running header's first part, line by line, and the address lines that
# only a letterhead (a document's first page) carries.
HEADER_LINES = [
    "Cluster secretaris-generaal",
    "Directie",
    "Bestuursondersteuning",
    "Afdeling Advies en",
    "Stukkenstroom",
]
ADDRESS_LINES = {"Turfmarkt 147", "2511 DP Den Haag", "Postbus 20301", "2500 EH Den Haag", "www.rijksoverheid.nl/jenv"}
DOCUMENT_KINDS = {"nota"}

NUMBERED_HEADING = re.compile(r"^\d+(\.\d+)*\.\s+\S")
ANNEX_HEADING = re.compile(r"^(Kwartaal [1-4] \d{4}|Planning\b.*)$")
LIST_ITEM = re.compile(r"^[-•–]\s+")
# A sentence ends in punctuation, possibly followed by a closing quote or bracket and a footnote mark.
SENTENCE_END = re.compile(rf"[.!?:;][\"'’”)]*{_SUP}?$|{_SUP}$")
MAX_HEADING_CHARS = 90
MAX_HEADING_WORDS = 12
INTRO_SECTION = "Inleiding"


def parse_date(text: str) -> date:
    """'24 april 2026' -> date(2026, 4, 24)."""
    m = DATE.match(text.strip())
    if not m:
        raise ValueError(f"not a Dutch date: {text!r}")
    return date(int(m.group(3)), MONTHS[m.group(2)], int(m.group(1)))


def format_date(d: date) -> str:
    """date(2026, 4, 24) -> '24 april 2026', as the letter prints it."""
    month = next(name for name, i in MONTHS.items() if i == d.month)
    return f"{d.day} {month} {d.year}"


# --------------------------------------------------------------------------- events


@dataclass
class _Text:
    text: str
    line: int
    annex: bool = False


@dataclass
class _Footnote:
    mark: str
    text: str
    line: int


@dataclass
class _HeaderPart:
    part: str  # "A" (the organisation lines) or "B" (date and reference)
    line: int


@dataclass
class _DocStart:
    kind: str
    title: str
    date: date | None
    reference: str | None
    line: int


_Event = _Text | _Footnote | _HeaderPart | _DocStart


@dataclass
class _Lines:
    """Non-blank lines with their 1-based line numbers and the blank line before each."""

    items: list[tuple[int, str, bool]]
    pos: int = 0

    def peek(self, ahead: int = 0) -> str | None:
        i = self.pos + ahead
        return self.items[i][1] if i < len(self.items) else None

    def take(self) -> tuple[int, str, bool]:
        item = self.items[self.pos]
        self.pos += 1
        return item

    def done(self) -> bool:
        return self.pos >= len(self.items)


def _non_blank_lines(text: str) -> _Lines:
    items: list[tuple[int, str, bool]] = []
    blank_before = True
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            blank_before = True
            continue
        items.append((no, line, blank_before))
        blank_before = False
    return _Lines(items)


def _match_header_a(lines: _Lines) -> bool:
    return all(lines.peek(i) == expected for i, expected in enumerate(HEADER_LINES))


def _match_header_b(lines: _Lines) -> bool:
    return (
        lines.peek(0) == "Datum"
        and DATE.match(lines.peek(1) or "") is not None
        and lines.peek(2) == "Onze referentie"
        and REFERENCE.match(lines.peek(3) or "") is not None
    )


def _clean(text: str) -> str:
    """Drop extraction markup (markdown emphasis, quote markers) and fold spaces."""
    text = re.sub(r"\*{1,2}([^*]+)\*{1,2}", r"\1", text)
    text = re.sub(r"^>\s*", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _letterhead(lines: _Lines) -> _DocStart:
    """Consume the first page's letterhead and return the letter's metadata."""
    meta: dict[str, str] = {}
    start = lines.items[0][0] if lines.items else 1
    while not lines.done():
        _, line, _ = lines.take()
        if line.startswith("Datum "):
            meta["date"] = line.removeprefix("Datum ").strip()
        elif line.startswith("Betreft "):
            meta["title"] = line.removeprefix("Betreft ").strip()
        elif line == "Onze referentie" and REFERENCE.match(lines.peek() or ""):
            meta["reference"] = lines.take()[1]
        elif line.startswith("Bijlage(n)"):
            if re.fullmatch(r"\d+", lines.peek() or ""):
                lines.take()
            break
    missing = {"date", "title", "reference"} - meta.keys()
    if missing:
        raise ValueError(f"letterhead lacks {', '.join(sorted(missing))}")
    return _DocStart("brief", meta["title"], parse_date(meta["date"]), meta["reference"], start)


def _scan(text: str) -> list[_Event]:
    lines = _non_blank_lines(text)
    events: list[_Event] = [_letterhead(lines)]
    in_annex = False
    block: list[tuple[int, str]] = []

    def flush() -> None:
        if block:
            events.append(_Text(_clean(" ".join(t for _, t in block)), block[0][0], in_annex))
            block.clear()

    while not lines.done():
        no, line, blank_before = lines.items[lines.pos]
        if blank_before or in_annex or LIST_ITEM.match(line):  # each list item is its own block
            flush()
        if _match_header_a(lines):
            flush()
            for _ in HEADER_LINES:
                lines.take()
            if lines.peek() in ADDRESS_LINES:  # a letterhead: a new document starts here
                while lines.peek() in ADDRESS_LINES:
                    lines.take()
                events.append(_new_document_letterhead(lines, no))
                in_annex = False
            else:
                events.append(_HeaderPart("A", no))
            continue
        if _match_header_b(lines):
            flush()
            for _ in range(4):
                lines.take()
            events.append(_HeaderPart("B", no))
            continue
        lines.take()
        fn = FOOTNOTE_LINE.match(line)
        if fn:
            flush()
            events.append(_Footnote(fn.group(1), _clean(fn.group(2)), no))
        elif _is_annex_title(line):
            flush()
            events.append(_DocStart("bijlage", line, None, None, no))
            in_annex = True
        else:
            block.append((no, line))
    flush()
    return events


def _new_document_letterhead(lines: _Lines, line_no: int) -> _DocStart:
    """A memo's own letterhead: date, reference, then its kind word and its title."""
    if not _match_header_b(lines):
        raise ValueError(f"line {line_no}: letterhead without date and reference")
    lines.take()
    when = parse_date(lines.take()[1])
    lines.take()
    reference = lines.take()[1]
    kind = "nota"
    if (lines.peek() or "").lower() in DOCUMENT_KINDS:
        kind = lines.take()[1].lower()
    title = _clean(lines.take()[1]) if not lines.done() else kind
    return _DocStart(kind, title, when, reference, line_no)


def _is_annex_title(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(line.split()) >= 3 and len(letters) >= 15 and all(c.isupper() for c in letters)


# --------------------------------------------------------------------------- pages


def _ends_sentence(text: str) -> bool:
    return SENTENCE_END.search(text) is not None


def _starts_lowercase(text: str) -> bool:
    return text[:1].islower()


def _cuts(events: list[_Event]) -> list[tuple[int, int]]:
    """Pairs (i, j) of text events where i stops mid-sentence and j continues it."""
    pairs = []
    texts = [i for i, e in enumerate(events) if isinstance(e, _Text)]
    for a, b in itertools.pairwise(texts):
        first, second = events[a], events[b]
        if any(isinstance(e, _DocStart) for e in events[a:b]):
            continue
        # A short line followed by lowercase text is a heading over text such as "n.v.t.",
        # not half a paragraph: only text longer than any heading can be cut.
        long_enough = first.annex or len(first.text) > MAX_HEADING_CHARS
        if long_enough and not _ends_sentence(first.text) and _starts_lowercase(second.text):
            pairs.append((a, b))
    return pairs


def _header_occurrences(events: list[_Event], start: int, end: int) -> list[tuple[int, int]]:
    """(first, last) event index of each running header within events[start:end].

    A header split around a paragraph has its A part and its B part apart; the
    two still make one occurrence, on one page.
    """
    out: list[tuple[int, int]] = []
    open_a: int | None = None
    for i in range(start, end):
        e = events[i]
        if not isinstance(e, _HeaderPart):
            continue
        if e.part == "A":
            if open_a is not None:
                out.append((open_a, open_a))
            open_a = i
        elif open_a is not None:
            out.append((open_a, i))
            open_a = None
        else:
            out.append((i, i))
    if open_a is not None:
        out.append((open_a, open_a))
    return out


def _page_breaks(events: list[_Event], cuts: list[tuple[int, int]]) -> set[int]:
    """Indices of the events that start a new page (see the module docstring)."""
    breaks: set[int] = set()
    # (a) footnote blocks end their page.
    for i, e in enumerate(events):
        if isinstance(e, _Footnote) and i + 1 < len(events) and not isinstance(events[i + 1], _Footnote):
            breaks.add(i + 1)
    # (b) a mid-sentence cut is a page break, unless a footnote block explains it.
    for a, b in cuts:
        if not any(isinstance(e, _Footnote) for e in events[a:b]):
            breaks.add(b)
    # (c) one running header per page, per document; (d) documents start on a new page.
    starts = [i for i, e in enumerate(events) if isinstance(e, _DocStart)] + [len(events)]
    for doc_start, doc_end in itertools.pairwise(starts):
        if doc_start > 0 and not any(doc_start >= b > _last_content(events, doc_start) for b in breaks):
            breaks.add(doc_start)
        prev_end = doc_start
        for first, last in _header_occurrences(events, doc_start, doc_end):
            if not any(prev_end < b <= first for b in breaks):
                breaks.add(_soft_break(events, prev_end, first))
            prev_end = last
    return breaks


def _last_content(events: list[_Event], before: int) -> int:
    for i in range(before - 1, -1, -1):
        if isinstance(events[i], (_Text, _Footnote)):
            return i
    return -1


def _soft_break(events: list[_Event], after: int, header: int) -> int:
    """Where to break between two headers that nothing else separates (rule c)."""
    later_marks = {e.mark for e in events[header:] if isinstance(e, _Footnote)}
    for i in range(after + 1, header):
        e = events[i]
        if isinstance(e, _Text) and set(FOOTNOTE_MARK.findall(e.text)) & later_marks:
            return i
    return header


# --------------------------------------------------------------------------- structure


def _is_heading(e: _Text, prev: _Text | None) -> bool:
    text = e.text
    if e.annex:
        return ANNEX_HEADING.match(text) is not None
    if LIST_ITEM.match(text) or FOOTNOTE_MARK.search(text):
        return False
    if prev is not None and prev.text.endswith(","):  # the name under a signature's function line
        return False
    if NUMBERED_HEADING.match(text):
        return len(text) <= MAX_HEADING_CHARS
    return (
        len(text) <= MAX_HEADING_CHARS
        and len(text.split()) <= MAX_HEADING_WORDS
        and text[:1].isupper()
        and not re.search(r"[.,:;!?]$", text)
    )


@dataclass
class _DocBuilder:
    start: _DocStart
    first_page: int
    last_page: int = 0
    sections: list[Section] = field(default_factory=list)
    pending_headings: list[str] = field(default_factory=list)

    def heading(self, text: str) -> None:
        self.pending_headings.append(text)

    def section(self) -> Section:
        """The section new text goes into, opening one if a heading is pending."""
        if self.pending_headings:
            path = list(self.pending_headings)
            self.pending_headings.clear()
            self.sections.append(Section(path=path))
        elif not self.sections:
            self.sections.append(Section(path=[INTRO_SECTION]))
        return self.sections[-1]


def _build(events: list[_Event], source: str, checksum: str) -> Corpus:
    cuts = _cuts(events)
    page_of = _pages(events, cuts)
    _check_headers(events, page_of)

    continuation = {b: a for a, b in cuts}
    continued = {a for a, _ in cuts}
    footnotes = {e.mark: Footnote(e.mark, e.text, page_of[i]) for i, e in enumerate(events) if isinstance(e, _Footnote)}
    texts = [i for i, e in enumerate(events) if isinstance(e, _Text)]
    docs: list[_DocBuilder] = []
    open_paragraph: Paragraph | None = None
    signature: list[str] = []

    for n, i in enumerate(texts):
        e = events[i]
        start = next((events[j] for j in range(i, -1, -1) if isinstance(events[j], _DocStart)), None)
        if not docs or docs[-1].start is not start:
            first = next(j for j in range(i, -1, -1) if events[j] is start)
            docs.append(_DocBuilder(start, page_of[first]))
        doc = docs[-1]
        doc.last_page = max(doc.last_page, page_of[i])
        if i in continuation and open_paragraph is not None:
            if page_of[i] > page_of[continuation[i]]:
                open_paragraph.breaks.append(len(open_paragraph.text) + 1)
            open_paragraph.text = f"{open_paragraph.text} {e.text}"
        else:
            nxt = events[texts[n + 1]] if n + 1 < len(texts) else None
            prev = events[texts[n - 1]] if n > 0 else None
            if e.text.endswith(",") and nxt is not None and not e.annex and _is_signature_start(e.text):
                signature.append(e.text)
                continue
            if signature:
                signature.append(e.text)
                e_text = " ".join(signature)
                signature.clear()
                doc.section().paragraphs.append(Paragraph(e_text, page_of[i], kind="signature"))
                open_paragraph = None
                continue
            if _is_heading(e, prev):
                doc.heading(e.text)
                open_paragraph = None
                continue
            kind = "row" if e.annex else ("list_item" if LIST_ITEM.match(e.text) else "paragraph")
            text = LIST_ITEM.sub("", e.text)
            open_paragraph = Paragraph(text, page_of[i], kind=kind)
            doc.section().paragraphs.append(open_paragraph)
        if i not in continued and open_paragraph is not None:
            marks = FOOTNOTE_MARK.findall(open_paragraph.text)
            open_paragraph.footnotes = [footnotes[m] for m in marks if m in footnotes]

    letter = next((d for d in docs if d.start.kind == "brief"), None)
    documents = []
    for d in docs:
        when = d.start.date or (letter.start.date if letter else None)
        ref = d.start.reference or (letter.start.reference if letter else None)
        if when is None or ref is None:
            raise ValueError(f"line {d.start.line}: document without date or reference")
        documents.append(
            Document(
                id=f"{d.start.kind}-{ref}",
                kind=d.start.kind,
                title=d.start.title,
                date=when,
                reference=ref,
                source=source,
                first_page=d.first_page,
                last_page=d.last_page,
                sections=[s for s in d.sections if s.paragraphs],
            )
        )
    return Corpus(documents=documents, source=source, checksum=checksum, page_count=page_of[-1] if page_of else 0)


def _is_signature_start(text: str) -> bool:
    """A signatory's function line: 'De Minister van Justitie en Veiligheid,'."""
    return len(text) <= MAX_HEADING_CHARS and text[:1].isupper() and text.count(",") == 1


def _pages(events: list[_Event], cuts: list[tuple[int, int]]) -> list[int]:
    """The page of every event, counting the breaks of :func:`_page_breaks`."""
    breaks = _page_breaks(events, cuts)
    page_of, page = [], 1
    for i in range(len(events)):
        page += i in breaks
        page_of.append(page)
    return page_of


def _header_counts(events: list[_Event], page_of: list[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for first, last in _header_occurrences(events, 0, len(events)):
        if page_of[first] != page_of[last]:
            log.warning("running header at events %d-%d spans pages", first, last)
        counts[page_of[first]] = counts.get(page_of[first], 0) + 1
    return counts


def _check_headers(events: list[_Event], page_of: list[int]) -> None:
    """Log pages that break the one-running-header-per-page rule; the tests assert none do."""
    for page, count in _header_counts(events, page_of).items():
        if count > 1:
            log.warning("page %d carries %d running headers", page, count)


# --------------------------------------------------------------------------- public


def read_text(text: str, *, source: str = "<text>") -> Corpus:
    """Read extracted letter text into a :class:`Corpus`."""
    checksum = hashlib.sha256(text.encode("utf-8")).hexdigest()
    corpus = _build(_scan(text), source, checksum)
    for doc in corpus.documents:  # the annex's title is printed in capitals
        doc.title = sentence_case(doc.title, text)
    return corpus


def read_file(path: str | Path) -> Corpus:
    """Read one extracted-PDF text file into a :class:`Corpus`."""
    path = Path(path)
    return read_text(path.read_text(encoding="utf-8"), source=path.name)


def running_header_pages(text: str) -> dict[int, int]:
    """Page -> number of running headers on it; a diagnostic the tests use."""
    events = _scan(text)
    return _header_counts(events, _pages(events, _cuts(events)))
