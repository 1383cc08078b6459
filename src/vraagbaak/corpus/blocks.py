"""Typed blocks, the format-neutral interface between a reader and the model, and :func:`assemble`.

A reader for a format with layout (PDF, HTML, Markdown) only has to say what it saw, in reading
order: a document starts, a heading of some level, a paragraph, a list item, a table row, a
footnote, each with the page it was printed on (None for a format without pages: Markdown, HTML,
plain text). :func:`assemble` then does what every format
needs alike: documents, sections with their heading path (nested by level), "Inleiding" for text
before the first heading, paragraphs re-joined across page breaks with their break offsets, and
footnotes attached to the paragraph whose text carries their mark. The extracted-text reader
(``corpus/reader.py``) keeps its own page reconstruction and does not go through here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from vraagbaak.corpus.model import FOOTNOTE_MARK, SUPERSCRIPTS, Corpus, Document, Footnote, Paragraph, Section

INTRO_SECTION = "Inleiding"
#: A title's first word that says what kind of document it is; every reader uses this one table.
KINDS = {"beleidsbrief": "brief", "kamerbrief": "brief", "brief": "brief", "nota": "nota", "bijlage": "bijlage"}
#: Appended to a text block that ends in a word hyphenated at a line end: join without a space.
JOIN_WITHOUT_SPACE = "\u00ad"


@dataclass(frozen=True)
class DocumentStart:
    """A new document; every later block belongs to it until the next one."""

    id: str
    kind: str
    title: str
    page: int | None
    date: date | None = None
    reference: str | None = None
    page_label: str | None = None
    author: str | None = None
    #: The section of text before the first heading.
    intro: str = INTRO_SECTION


@dataclass(frozen=True)
class Heading:
    """A heading; ``level`` 1 is the outermost. A heading closes every heading of its level or deeper."""

    text: str
    level: int
    page: int | None
    page_label: str | None = None


@dataclass(frozen=True)
class Text:
    """A paragraph, list item or table row.

    ``continues`` says that this block goes on with the text block before it (cut by a page or a
    column break); :func:`assemble` joins the two and records a page break if the page changed.
    """

    text: str
    page: int | None
    kind: str = "paragraph"  # "paragraph" | "list_item" | "row"
    continues: bool = False
    page_label: str | None = None


@dataclass(frozen=True)
class FootnoteBlock:
    """A footnote as printed at the foot of ``page``; ``mark`` is in superscript digits, as in the text."""

    mark: str
    text: str
    page: int | None
    page_label: str | None = None


Block = DocumentStart | Heading | Text | FootnoteBlock


@dataclass
class _Doc:
    start: DocumentStart
    last_page: int | None
    sections: list[Section] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)  # the open heading stack
    pending: bool = False  # a heading came after the last section was opened
    footnotes: list[Footnote] = field(default_factory=list)
    labels: dict[int, str] = field(default_factory=dict)

    def heading(self, block: Heading) -> None:
        while self.headings and self.headings[-1][0] >= block.level:
            self.headings.pop()
        self.headings.append((block.level, block.text))
        self.pending = True

    def section(self) -> Section:
        if self.pending or not self.sections:
            path = [text for _, text in self.headings] or [self.start.intro]
            self.sections.append(Section(path=path))
            self.pending = False
        return self.sections[-1]


def file_slug(file_name: str) -> str:
    """A document id from a file name: ``"Notitie Cyber (v2).md"`` -> ``"notitie-cyber-v2"``."""
    return re.sub(r"[^a-z0-9]+", "-", Path(file_name).stem.lower()).strip("-") or "document"


def kind_from_title(title: str, default: str) -> str:
    """``brief``, ``bijlage`` or ``nota`` when the title's first word says so, else ``default``."""
    words = title.split()
    return KINDS.get(words[0].lower().strip(":"), default) if words else default


def take_title(blocks: list[Block]) -> tuple[str | None, list[Block]]:
    """The document's title heading, and the blocks without it.

    That is the first heading, if it is the only one of level 1: a page or note's ``# Title``, maybe after
    a line of metadata ("Tweede Kamer, vergaderjaar 2025–2026"). A document with several level-1
    headings has sections at that level and no title heading.
    """
    headings = [b for b in blocks if isinstance(b, Heading)]
    if not headings or headings[0].level != 1 or sum(h.level == 1 for h in headings) > 1:
        return None, blocks
    first = headings[0]
    return first.text, [b for b in blocks if b is not first]


def superscript(mark: str) -> str:
    """A footnote mark as the model writes it: ``"12"`` -> ``"¹²"``."""
    return mark.translate(str.maketrans("0123456789", SUPERSCRIPTS))


def assemble(blocks: Iterable[Block], *, source: str, checksum: str, page_count: int) -> Corpus:
    """Build the model from blocks in reading order.

    Raises ``ValueError`` if text comes before any :class:`DocumentStart`.
    """
    docs: list[_Doc] = []
    open_paragraph: Paragraph | None = None
    last_page: int | None = None  # the page the open paragraph's text ended on
    for block in blocks:
        if isinstance(block, DocumentStart):
            docs.append(_Doc(block, block.page))
            open_paragraph = None
            _label(docs[-1], block)
            continue
        if not docs:
            where = f"page {block.page}: " if block.page is not None else ""
            raise ValueError(f"{where}text before any document start")
        doc = docs[-1]
        if block.page is not None:
            doc.last_page = block.page if doc.last_page is None else max(doc.last_page, block.page)
        _label(doc, block)
        if isinstance(block, Heading):
            doc.heading(block)
            open_paragraph = None
        elif isinstance(block, FootnoteBlock):
            doc.footnotes.append(Footnote(block.mark, block.text, block.page))
        elif block.continues and open_paragraph is not None:
            crossed = block.page - last_page if block.page is not None and last_page is not None else 0
            _join(open_paragraph, block.text, crossed)
            last_page = block.page
        else:
            if open_paragraph is not None:
                open_paragraph.text = open_paragraph.text.removesuffix(JOIN_WITHOUT_SPACE)
            open_paragraph = Paragraph(block.text, block.page, kind=block.kind)
            doc.section().paragraphs.append(open_paragraph)
            last_page = block.page
    documents = [_finish(d, source) for d in docs]
    return Corpus(documents=documents, source=source, checksum=checksum, page_count=page_count)


def _label(doc: _Doc, block: Block) -> None:
    if block.page_label is not None and block.page is not None:
        doc.labels.setdefault(block.page, block.page_label)


def _join(paragraph: Paragraph, text: str, pages_crossed: int) -> None:
    """Append ``text`` to ``paragraph``; a break offset per page crossed, at the continuation's start."""
    if paragraph.text.endswith(JOIN_WITHOUT_SPACE):
        head, sep = paragraph.text[: -len(JOIN_WITHOUT_SPACE)], ""
    else:
        head, sep = paragraph.text, " "
    offset = len(head) + len(sep)
    paragraph.breaks.extend([offset] * max(pages_crossed, 0))
    paragraph.text = f"{head}{sep}{text}"


def _finish(doc: _Doc, source: str) -> Document:
    from vraagbaak.corpus.words import sentence_case

    sections = [s for s in doc.sections if s.paragraphs]
    for section in sections:
        for p in section.paragraphs:
            p.text = p.text.removesuffix(JOIN_WITHOUT_SPACE)
            p.footnotes = _footnotes_for(p, doc.footnotes)
    start = doc.start
    return Document(
        id=start.id,
        kind=start.kind,
        title=sentence_case(start.title, "\n".join(p.text for s in sections for p in s.paragraphs)),
        date=start.date,
        reference=start.reference,
        author=start.author,
        source=source,
        first_page=start.page,
        last_page=doc.last_page,
        sections=sections,
        page_labels=dict(sorted(doc.labels.items())),
    )


def _footnotes_for(p: Paragraph, footnotes: list[Footnote]) -> list[Footnote]:
    """The footnotes whose mark ``p`` carries; of several with one mark, the one nearest its pages."""
    out: list[Footnote] = []
    for mark in dict.fromkeys(FOOTNOTE_MARK.findall(p.text)):
        candidates = [f for f in footnotes if f.mark == mark]
        if candidates:
            out.append(min(candidates, key=lambda f: _distance(f.page, p.page, p.page_end)))
    return out


def _distance(page: int | None, first: int | None, last: int | None) -> int:
    if page is None or first is None or last is None:  # without pages, a mark names one note
        return 0
    return 0 if first <= page <= last else min(abs(page - first), abs(page - last))
