"""The things that flow from the splitter to the index and the API: passages and their documents.

Plain dataclasses with no build-time dependencies, so the service can load an
index without importing the splitter, langchain or the corpus reader's logic.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from urllib.parse import quote

from vraagbaak.corpus.model import FOOTNOTE_MARK


@dataclass(frozen=True)
class DocumentRef:
    id: str
    kind: str
    title: str
    #: ISO date; None when the document does not say.
    date: str | None
    reference: str | None
    #: The file in the corpus directory it was read from.
    source: str


@dataclass(frozen=True)
class Passage:
    """A retrievable unit with everything a reader needs to check it against the PDF."""

    id: str
    text: str
    document: DocumentRef
    section: str
    section_path: list[str]
    #: 1-based PDF page indexes, as a viewer's page box counts; None for a document without pages.
    page: int | None
    page_end: int | None
    footnotes: list[dict[str, str]]
    citation: str
    #: The label a PDF viewer shows for ``page`` ("iv", "A-3") where the PDF defines page labels.
    page_label: str | None = None
    #: What the embedder and BM25 see: heading context plus the text without footnote marks.
    search_text: str = field(repr=False, default="")
    #: Sentence spans in ``text``, for the highlight.
    sentences: list[tuple[int, int]] = field(repr=False, default_factory=list)
    #: Offsets in ``text`` where a new page starts, so that a sentence gets its own page.
    breaks: list[int] = field(repr=False, default_factory=list)

    def page_at(self, offset: int) -> int | None:
        """The page on which the character at ``offset`` of ``text`` was printed (None without pages)."""
        return None if self.page is None else self.page + sum(1 for b in self.breaks if b <= offset)

    @property
    def search_prefix(self) -> str:
        """The context part of ``search_text`` (it is always the prefix plus the unmarked text)."""
        return self.search_text[: len(self.search_text) - len(strip_marks(self.text))]

    @property
    def source_url(self) -> str | None:
        """Where a reader checks the citation: the source PDF, opened at the cited page (None otherwise)."""
        if self.page is None or not self.document.source.lower().endswith(".pdf"):
            return None
        return f"/api/documents/{quote(self.document.id, safe='')}/file#page={self.page}"

    def public(self) -> dict:
        """The Passage object of the HTTP contract."""
        d = asdict(self)
        del d["search_text"], d["sentences"], d["breaks"]
        d["source_url"] = self.source_url
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Passage:
        d = dict(d)
        d["document"] = DocumentRef(**d["document"])
        d["sentences"] = [tuple(s) for s in d.get("sentences", [])]
        return cls(**d)


@dataclass(frozen=True)
class SplitConfig:
    """How sections become passages; part of the index manifest, so a change rebuilds."""

    budget: int = 1500
    overlap: int = 0
    heading_context: bool = True


def strip_marks(text: str) -> str:
    return FOOTNOTE_MARK.sub("", text)
