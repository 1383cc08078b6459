"""Split the structured documents into passages, the unit that is embedded and returned.

Sections are split by heading. A section longer than the passage budget is
split further with langchain's recursive splitter, first on paragraph and then
on sentence boundaries. Annex rows are passages of their own, so that a
question about one bill finds that row. Every passage keeps the pages of the
characters it holds, so a passage that spans a page break has page < page_end.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from vraagbaak.corpus.model import FOOTNOTE_MARK, Corpus, Document, Paragraph, Section
from vraagbaak.corpus.reader import format_date
from vraagbaak.index.model import DocumentRef, Passage, SplitConfig, strip_marks
from vraagbaak.index.sentences import SEPARATOR, sentence_spans

KIND_LABELS = {"brief": "", "bijlage": "Bijlage", "nota": "Nota"}
#: A section of at least this many lines that are not sentences, each at most this long, is a list of
#: entries (a planning, a register) whose every entry is a passage, as table rows are.
MIN_ENTRIES = 3
MAX_ENTRY_CHARS = 300
SENTENCE_END = re.compile(r"[.!?:;][\"'’”)]*[⁰¹²³⁴⁵⁶⁷⁸⁹]*$")


def citation(doc: Document, section: str, page: int | None, page_end: int | None) -> str:
    """The citation, "Title (date, kenmerk), Section, p. 3–4": pages as a PDF viewer labels them, none without pages.

    For example ``Jaarverslag 2025, 2.1 Wachttijden, p. iv`` for a PDF whose page 4 is labelled "iv",
    and ``Notitie cyberweerbaarheid, Aanpak`` for a Markdown note.
    """
    label = KIND_LABELS.get(doc.kind, "")  # other kinds: the title says enough
    title = f"{label}: {doc.title}" if label else doc.title
    # The date and the reference (kenmerk) identify the letter a reader looks for.
    said = [format_date(doc.date) if doc.date else None, f"kenmerk {doc.reference}" if doc.reference else None]
    dated = f"{title} ({', '.join(w for w in said if w)})" if any(said) else title
    where = f"{dated}, {section}" if section != doc.title else dated  # a plain text's one section is its title
    if page is None:
        return where
    first = doc.page_labels.get(page, str(page))
    last = doc.page_labels.get(page_end, str(page_end)) if page_end is not None else first
    pages = f"p. {first}" if page == page_end or page_end is None else f"p. {first}–{last}"
    return f"{where}, {pages}"


def context_prefix(doc: Document, section: Section) -> str:
    """What the embedder sees before a passage or sentence: document kind and title, then headings.

    The memo shares its title with the letter, so its kind is named too.
    """
    label = KIND_LABELS.get(doc.kind, "")  # other kinds: the title says enough
    context = [f"{label}: {doc.title}" if label else doc.title]
    path = [h for h in section.path if h != doc.title]
    return " > ".join([*context, *path]) + "\n"


@dataclass(frozen=True)
class _Span:
    paragraphs: list[Paragraph]
    page: int | None
    page_end: int | None
    breaks: tuple[int, ...] = ()  # offsets in the chunk where a page starts


class Splitter:
    """Turns a :class:`Corpus` into passages under a :class:`SplitConfig`."""

    def __init__(self, config: SplitConfig | None = None) -> None:
        self.config = config or SplitConfig()
        self._splitter = RecursiveCharacterTextSplitter(
            chunk_size=self.config.budget,
            chunk_overlap=self.config.overlap,
            separators=["\n\n", SEPARATOR, " "],
            is_separator_regex=True,
            keep_separator="end",  # pieces keep their whitespace, so chunks are verbatim slices
            add_start_index=True,
            strip_whitespace=True,
        )

    def split(self, corpus: Corpus) -> list[Passage]:
        passages: list[Passage] = []
        for doc in corpus.documents:
            for section in doc.sections:
                passages.extend(self._split_section(doc, section))
        return passages

    def _split_section(self, doc: Document, section: Section) -> list[Passage]:
        if _entries(section.paragraphs):
            return [
                self._passage(doc, section, p.text, _Span([p], p.page, p.page_end, tuple(p.breaks)))
                for p in section.paragraphs
            ]
        text, offsets = _join(section.paragraphs)
        if len(text) <= self.config.budget:
            return [self._passage(doc, section, text, _span(offsets, 0, len(text)))]
        return [
            self._passage(doc, section, c.page_content, _span(offsets, c.metadata["start_index"], len(c.page_content)))
            for c in self._splitter.create_documents([text])
        ]

    def _passage(self, doc: Document, section: Section, text: str, span: _Span) -> Passage:
        text = re.sub(r"\s*\n\n\s*", "\n\n", text.strip())
        page, page_end = span.page, span.page_end
        marks = set(FOOTNOTE_MARK.findall(text))
        footnotes = [{"mark": f.mark, "text": f.text} for p in span.paragraphs for f in p.footnotes if f.mark in marks]
        body = strip_marks(text)
        prefix = context_prefix(doc, section) if self.config.heading_context else ""
        search_text = prefix + body
        ref = DocumentRef(
            doc.id, doc.kind, doc.title, doc.date.isoformat() if doc.date else None, doc.reference, doc.source
        )
        digest = hashlib.sha1(f"{doc.id}|{'/'.join(section.path)}|{text}".encode()).hexdigest()[:12]
        return Passage(
            id=f"{doc.id}:{digest}",
            text=text,
            document=ref,
            section=section.heading,
            section_path=list(section.path),
            page=page,
            page_end=page_end,
            footnotes=_unique(footnotes),
            citation=citation(doc, section.heading, page, page_end),
            page_label=doc.page_labels.get(page) if page is not None else None,
            search_text=search_text,
            sentences=sentence_spans(text),
            breaks=list(span.breaks),
        )


def _entries(paragraphs: list[Paragraph]) -> bool:
    """A section that is a list of entries (table rows, or three or more short lines that are not sentences)."""
    if all(p.kind == "row" for p in paragraphs):
        return True
    return len(paragraphs) >= MIN_ENTRIES and all(
        len(p.text) <= MAX_ENTRY_CHARS and not SENTENCE_END.search(p.text) for p in paragraphs
    )


def _join(paragraphs: list[Paragraph]) -> tuple[str, list[tuple[int, Paragraph]]]:
    """Section text with paragraphs separated by blank lines, and where each starts."""
    parts, offsets, pos = [], [], 0
    for p in paragraphs:
        offsets.append((pos, p))
        parts.append(p.text)
        pos += len(p.text) + 2
    return "\n\n".join(parts), offsets


def _span(offsets: list[tuple[int, Paragraph]], start: int, length: int) -> _Span:
    """The paragraphs a chunk ``[start, start+length)`` touches, and the pages of its ends."""
    last = start + max(length - 1, 0)
    touched = [(pos, p) for pos, p in offsets if pos <= last and pos + len(p.text) > start]
    (first_pos, first), (last_pos, final) = touched[0], touched[-1]
    page = first.page_at(max(start - first_pos, 0))
    page_end = final.page_at(min(last - last_pos, len(final.text) - 1))
    # A page starts inside a paragraph (its breaks) or with a paragraph that begins on a new page.
    cuts = [pos + b for pos, p in touched for b in p.breaks]
    cuts += [pos for (pos, p), (_, prev) in zip(touched[1:], touched, strict=False) if _after(p, prev)]
    breaks = sorted({c - start for c in cuts if 0 < c - start < length})
    return _Span([p for _, p in touched], page, page_end, tuple(breaks))


def _after(p: Paragraph, prev: Paragraph) -> bool:
    return p.page is not None and prev.page_end is not None and p.page > prev.page_end


def _unique(footnotes: list[dict[str, str]]) -> list[dict[str, str]]:
    seen, out = set(), []
    for f in footnotes:
        if f["mark"] not in seen:
            seen.add(f["mark"])
            out.append(f)
    return out
