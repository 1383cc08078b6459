"""The structured model the reader produces: documents, sections, paragraphs, footnotes.

Everything downstream (splitting, embedding, the API) works from these
dataclasses; nothing after the reader looks at the raw extracted text again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
#: A footnote mark as printed in the text: a run of superscript digits.
FOOTNOTE_MARK = re.compile(f"[{SUPERSCRIPTS}]+")


@dataclass(frozen=True)
class Footnote:
    """A footnote as printed at the bottom of its page: ``mark`` is the superscript."""

    mark: str
    text: str
    #: None in a document without pages (Markdown, HTML, plain text).
    page: int | None


@dataclass
class Paragraph:
    """One paragraph, list item or annex row, re-joined across page breaks.

    ``breaks`` lists the character offsets in ``text`` where a page break cut
    the paragraph, so that any slice of the text can be given its pages. ``page``
    is None in a document without pages (Markdown, HTML, plain text).
    """

    text: str
    page: int | None
    kind: str = "paragraph"  # "paragraph" | "list_item" | "row"
    breaks: list[int] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)

    @property
    def page_end(self) -> int | None:
        return None if self.page is None else self.page + len(self.breaks)

    def page_at(self, offset: int) -> int | None:
        """The page on which the character at ``offset`` was printed (None without pages)."""
        return None if self.page is None else self.page + sum(1 for b in self.breaks if b <= offset)


@dataclass
class Section:
    """The text under one heading; ``path`` is the heading chain, ``path[-1]`` the heading."""

    path: list[str]
    paragraphs: list[Paragraph] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return self.path[-1]


@dataclass
class Document:
    """One document of the corpus with the metadata its letterhead carried."""

    id: str
    kind: str  # "brief" | "bijlage" | "nota" where the reader knows it, else what the document is
    title: str
    #: None where the document does not say (a reader never guesses a date).
    date: date | None
    reference: str | None
    source: str
    #: None for a document without pages (Markdown, HTML, plain text).
    first_page: int | None
    last_page: int | None
    sections: list[Section] = field(default_factory=list)
    #: Page index -> the label a PDF viewer shows for it ("iv", "A-3"), where the PDF defines page labels.
    page_labels: dict[int, str] = field(default_factory=dict)
    author: str | None = None

    @property
    def has_pages(self) -> bool:
        return self.first_page is not None

    @property
    def footnotes(self) -> list[Footnote]:
        return [f for s in self.sections for p in s.paragraphs for f in p.footnotes]

    def describe(self) -> dict:
        """The JSON shape the API uses for a document."""
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "reference": self.reference,
            "author": self.author,
        }


@dataclass
class Corpus:
    """The documents read from one source file, in printed order."""

    documents: list[Document]
    source: str
    checksum: str
    page_count: int

    def document(self, doc_id: str) -> Document:
        for doc in self.documents:
            if doc.id == doc_id:
                return doc
        raise KeyError(doc_id)
