"""HTML pages (a Kamerstuk from officielebekendmakingen.nl, a page of rijksoverheid.nl) into the model.

Parsed with lxml. What is layout and not the document goes: ``nav``, ``header``, ``footer``,
``aside``, ``script``, ``style``, ``form`` and comments. The content is ``<main>`` (else
``<article>``, else ``<body>``). Then, in document order:

- ``h1``–``h6`` become headings; the title's own ``h1`` is the title, not a section;
- ``p``, ``li``, ``dt``/``dd``, ``pre`` and ``blockquote`` text become paragraphs and list items;
- a table row becomes a row, cells joined by " | ", as in the PDF reader;
- a linked note (``<sup><a href="#fn1">1</a></sup>`` in the text, ``<li id="fn1">`` in a notes list)
  becomes a footnote: its mark in the text in superscript digits, its text attached by the assembly.

The title is the one ``h1`` (``blocks.take_title``), else ``<title>``, else the file name; the date comes from
``<meta name="DCTERMS.issued">`` (or ``DC.date``, ``date``). HTML has no pages: a citation names the
section.
"""

from __future__ import annotations

import re
from datetime import date

from vraagbaak.corpus.blocks import (
    DocumentStart,
    FootnoteBlock,
    Heading,
    Text,
    assemble,
    file_slug,
    kind_from_title,
    superscript,
    take_title,
)
from vraagbaak.corpus.formats import UnreadableDocumentError
from vraagbaak.corpus.model import Corpus
from vraagbaak.corpus.plaintext import TextFormatReader, title_from_file_name
from vraagbaak.corpus.words import clean_text

BOILERPLATE = ("nav", "header", "footer", "aside", "script", "style", "noscript", "template", "form", "button")
HEADINGS = {f"h{n}": n for n in range(1, 7)}
PARAGRAPHS = {"p", "dt", "dd", "pre", "figcaption", "caption", "address"}
DATE_META = ("dcterms.issued", "dc.date", "dcterms.date", "date", "overheid.datum")


class HtmlReader(TextFormatReader):
    name = "html"
    suffixes = (".html", ".htm")

    def parse(self, text: str, *, source: str, checksum: str) -> Corpus:
        return read_html(text, source=source, checksum=checksum)


def visible_text(html: str) -> str:
    """The words a browser shows of an HTML fragment (no scripts, styles or comments), on one line."""
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except Exception:  # lxml's parser errors vary by input; a fragment it cannot take has no words for us
        return ""
    _drop(root, ("script", "style", "template"))
    return _words(root.text_content())


def read_html(text: str, *, source: str, checksum: str = "") -> Corpus:
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", text))
    except (etree.ParserError, ValueError) as e:
        raise UnreadableDocumentError(f"{source}: not an HTML page ({e})") from None
    page_title = _words(root.findtext(".//title") or "")
    issued = _meta_date(root)
    _drop(root, BOILERPLATE)
    content = next(iter(root.xpath("//main | //*[@role='main']")), None)
    if content is None:
        content = next(iter(root.xpath("//article")), None)
    if content is None:
        content = root.find("body") if root.find("body") is not None else root
    notes = _take_footnotes(content)
    heading_title, blocks = take_title(list(_walk(content)))
    title = heading_title or page_title or title_from_file_name(source)
    if not any(isinstance(b, Text) for b in blocks):
        raise UnreadableDocumentError(f"{source}: no text in the page")
    start = DocumentStart(
        id=file_slug(source), kind=kind_from_title(title, "html"), title=title, page=None, date=issued
    )
    return assemble([start, *blocks, *notes], source=source, checksum=checksum, page_count=0)


def _drop(root, tags: tuple[str, ...]) -> None:
    from lxml import etree

    for el in root.xpath(" | ".join(f"//{t}" for t in tags)) + root.xpath("//comment()"):
        if isinstance(el.tag, str) or el.tag is etree.Comment:
            _remove(el)


def _remove(el) -> None:
    """Remove ``el`` but keep the text that follows it (its tail)."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail or ""
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(el)


def _take_footnotes(content) -> list[FootnoteBlock]:
    """Linked notes: each ``href="#id"`` whose target is a list item or a note element.

    The reference becomes the mark in superscript digits, the note leaves the text flow. Marks that
    are not digits ("*", "a") are numbered in order.
    """
    notes: list[FootnoteBlock] = []
    numbers: dict[str, str] = {}
    for link in content.xpath(".//a[starts-with(@href, '#')]"):
        target_id = link.get("href")[1:]
        if not target_id:
            continue
        targets = content.xpath(".//*[@id=$id]", id=target_id)
        if not targets or targets[0].tag not in ("li", "p", "div", "aside", "dd"):
            continue
        target = targets[0]
        if _inside(link, target):  # a back link inside the note itself
            continue
        if target_id not in numbers:
            label = _words(link.text_content()).strip("[]()")
            numbers[target_id] = label if label.isdigit() else str(len(numbers) + 1)
        mark = superscript(numbers[target_id])
        ref = link.getparent() if link.getparent() is not None and link.getparent().tag == "sup" else link
        ref_tail = ref.tail or ""
        ref.clear()
        ref.tag, ref.text, ref.tail = "span", mark, ref_tail
    for target_id in numbers:
        targets = content.xpath(".//*[@id=$id]", id=target_id)
        if not targets:
            continue
        target = targets[0]
        for back in target.xpath(".//a[starts-with(@href, '#')]"):
            _remove(back)
        notes.append(FootnoteBlock(superscript(numbers[target_id]), _words(target.text_content()), None))
        container = target.getparent()
        _remove(target)
        # An emptied notes list (and its "Voetnoten" heading inside a notes section) goes too.
        while container is not None and container is not content and not _words(container.text_content()):
            parent = container.getparent()
            _remove(container)
            container = parent
    return notes


def _inside(el, ancestor) -> bool:
    return any(a is ancestor for a in el.iterancestors())


def _walk(el, in_list: bool = False):
    """Blocks in document order; text directly inside a container becomes a paragraph of its own."""
    loose: list[str] = [el.text or ""]

    def flush():
        text = _words("".join(loose))
        loose.clear()
        if text:
            yield Text(text, None, "list_item" if in_list else "paragraph")

    for child in el:
        if not isinstance(child.tag, str):
            loose.append(child.tail or "")
            continue
        tag = child.tag.lower()
        if (
            tag in HEADINGS
            or tag in PARAGRAPHS
            or tag
            in (
                "li",
                "tr",
                "table",
                "ul",
                "ol",
                "dl",
                "div",
                "section",
                "article",
                "blockquote",
                "main",
                "figure",
                "details",
                "summary",
                "center",
                "tbody",
                "thead",
                "tfoot",
                "body",
            )
        ):
            yield from flush()
            if tag in HEADINGS:
                text = _words(child.text_content())
                if text:
                    yield Heading(text, HEADINGS[tag], None)
            elif tag in PARAGRAPHS:
                text = _words(child.text_content())
                if text:
                    yield Text(text, None, "list_item" if in_list else "paragraph")
            elif tag == "tr":
                cells = [_words(c.text_content()) for c in child if isinstance(c.tag, str) and c.tag in ("td", "th")]
                if any(cells):
                    yield Text(" | ".join(cells), None, "row")
            elif tag == "li":
                yield from _walk(child, in_list=True)
            else:
                yield from _walk(child, in_list=in_list and tag not in ("table",))
        else:
            loose.append(child.text_content())
        loose.append(child.tail or "")
    yield from flush()


def _meta_date(root) -> date | None:
    for el in root.xpath("//meta[@name or @property]"):
        name = (el.get("name") or el.get("property") or "").lower()
        if name in DATE_META:
            try:
                return date.fromisoformat((el.get("content") or "").strip()[:10])
            except ValueError:
                continue
    return None


def _words(text: str) -> str:
    return " ".join(clean_text(text).split())
