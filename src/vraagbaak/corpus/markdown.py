"""Markdown (CommonMark, with tables) into the model, parsed by markdown-it-py.

What a note written in HackMD, GitHub or Obsidian carries besides its text is removed, and the words
are kept:

- YAML front matter gives the title, author, date, reference (``kenmerk``) and kind;
- headings become sections; the title's own ``# heading`` is the title, not a section;
- HTML blocks keep their visible words, without ``<style>``, ``<script>`` and comments;
- ``{%hackmd … %}`` embeds and ``:::info`` fence lines go; the words inside the fence stay;
- an admonition (``> [!Note]``) loses its marker and keeps its words;
- footnotes (``text[^1]`` and ``[^1]: note``) become the model's footnotes, linked by mark;
- table rows stay rows, cells joined by " | ", as in the PDF reader.

Markdown has no pages: every block's page is None, and a citation names the section.
"""

from __future__ import annotations

import re
from datetime import date, datetime

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
from vraagbaak.corpus.html import visible_text
from vraagbaak.corpus.model import Corpus
from vraagbaak.corpus.plaintext import TextFormatReader, title_from_file_name
from vraagbaak.corpus.words import clean_text

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
#: Lines that are markup of an editor, not text: HackMD embeds and ::: fences (their contents stay).
EDITOR_LINE = re.compile(r"^[ \t]*(\{%.*%\}|:::+[ \t]*[\w-]*.*)[ \t]*$", re.M)
FOOTNOTE_DEF = re.compile(r"^\[\^([^\]\s]+)\]:[ \t]*(.*(?:\n(?:[ \t]{2,}|\t).*)*)", re.M)
FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\]")
ADMONITION = re.compile(r"^\[!\w+\][ \t]*", re.I)


class MarkdownReader(TextFormatReader):
    name = "markdown"
    suffixes = (".md", ".markdown")

    def parse(self, text: str, *, source: str, checksum: str) -> Corpus:
        return read_markdown(text, source=source, checksum=checksum)


def read_markdown(text: str, *, source: str, checksum: str = "") -> Corpus:
    meta, body = _front_matter(text, source)
    body, notes = _footnotes(EDITOR_LINE.sub("", clean_text(body)))
    blocks = list(_blocks(body))
    # The title's own heading is not a section; the front matter's title, if any, is the fuller one.
    heading_title, blocks = take_title(blocks)
    title = _text(meta.get("title")) or heading_title or title_from_file_name(source)
    if not any(isinstance(b, Text) for b in blocks):
        raise UnreadableDocumentError(f"{source}: no text")
    start = DocumentStart(
        id=file_slug(source),
        kind=_text(meta.get("kind")) or kind_from_title(title, "markdown"),
        title=title,
        page=None,
        date=_date(meta.get("date")),
        reference=_text(meta.get("kenmerk") or meta.get("reference")),
        author=_author(meta.get("author") or meta.get("auteur")),
    )
    notes_blocks = [FootnoteBlock(mark, note, None) for mark, note in notes]
    return assemble([start, *blocks, *notes_blocks], source=source, checksum=checksum, page_count=0)


def _front_matter(text: str, source: str) -> tuple[dict, str]:
    m = FRONT_MATTER.match(text)
    if not m:
        return {}, text
    import yaml

    try:
        meta = yaml.safe_load(m.group(1))
    except yaml.YAMLError as e:
        where = getattr(e, "problem_mark", None)
        line = f" (line {where.line + 2})" if where is not None else ""
        raise UnreadableDocumentError(f"{source}: the front matter is not valid YAML{line}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise UnreadableDocumentError(f"{source}: the front matter is not a YAML mapping")
    # Keep the line count, so markdown-it's line numbers stay those of the file.
    return meta, "\n" * m.group(0).count("\n") + text[m.end() :]


def _footnotes(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Footnote definitions out of the text, references into superscript marks; labels numbered in order."""
    numbers: dict[str, str] = {}

    def number(label: str) -> str:
        if label not in numbers:
            numbers[label] = label if label.isdigit() else str(len(numbers) + 1)
        return superscript(numbers[label])

    notes = [(number(m.group(1)), " ".join(m.group(2).split())) for m in FOOTNOTE_DEF.finditer(text)]
    text = FOOTNOTE_DEF.sub("", text)
    return FOOTNOTE_REF.sub(lambda m: number(m.group(1)), text), notes


def _blocks(body: str):
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(body)
    stack: list[str] = []  # the open containers: list_item, blockquote, tr
    cells: list[str] = []
    quote_start = False  # the next paragraph is the first in a blockquote (where an admonition marker sits)
    for i, tok in enumerate(tokens):
        if tok.nesting == 1 and tok.type in ("list_item_open", "blockquote_open", "tr_open"):
            stack.append(tok.type.removesuffix("_open"))
            quote_start = tok.type == "blockquote_open"
            cells = [] if tok.type == "tr_open" else cells
        elif tok.nesting == -1 and tok.type in ("list_item_close", "blockquote_close", "tr_close"):
            stack.pop()
            if tok.type == "tr_close" and any(cells):
                yield Text(" | ".join(cells), None, "row")
        elif tok.type == "heading_open":
            text = _inline(tokens[i + 1])
            if text:
                yield Heading(text, int(tok.tag[1]), None)
        elif tok.type in ("th_open", "td_open"):
            cells.append(_inline(tokens[i + 1]))
        elif tok.type == "paragraph_open":
            text = _inline(tokens[i + 1])
            if quote_start:
                text = ADMONITION.sub("", text)
                quote_start = False
            if text:
                yield Text(text, None, "list_item" if "list_item" in stack else "paragraph")
        elif tok.type in ("fence", "code_block"):
            text = " ".join(tok.content.split())
            if text:
                yield Text(text, None)
        elif tok.type == "html_block":
            text = visible_text(tok.content)  # its words, without <style>, <script> or comments
            if text:
                yield Text(text, None)


def _inline(tok) -> str:
    """The words of an inline token: text, code and link text; no images, no inline HTML tags."""
    if tok.type != "inline":
        return ""
    parts = []
    for child in tok.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join("".join(parts).split())


def _text(value: object) -> str | None:
    if value is None:
        return None
    return " ".join(str(value).split()) or None


def _author(value: object) -> str | None:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or None
    return _text(value)


def _date(value: object) -> date | None:
    """A YAML date, an ISO string or a Dutch date ("14 maart 2026"); None for anything else."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        from vraagbaak.corpus.reader import parse_date

        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
        try:
            return parse_date(value.strip().lower())
        except ValueError:
            return None
    return None
