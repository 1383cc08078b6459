"""Check eval/gold_documents.jsonl against the documents it asks about: ``python -m eval.documents.check``.

For every answerable question the evidence must be printed where the gold set says:

- **PDF:** on the gold page of the drawn report as PDFium extracts it page by page (whitespace collapsed),
  so the evidence straddles no hyphenated line end, lost ligature, footnote mark or page break; and, read
  with the project's PDF reader, inside one paragraph of the gold section, starting on the gold page.
- **Markdown and HTML:** verbatim in the text without markup (front matter, ``<style>``, ``<script>``, tags,
  embeds and admonition markers gone; HTML: only ``<main>``), and in one line or element of the source, under
  the gold heading.
- **Plain text:** verbatim in the text, whitespace collapsed; the section is null.

It also checks the fields: ids in order, types and languages known, evidence 30-150 characters, and nulls
for the unanswerable questions. Prints one line per problem and exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import tempfile
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from eval.documents import HERE, PDF_NAME
from eval.documents.report import draw_report

GOLD = HERE.parent / "gold_documents.jsonl"
TYPES = {"factual", "numeric", "paraphrase", "english", "unanswerable"}
FIELDS = [
    "id",
    "question",
    "lang",
    "type",
    "answer",
    "evidence",
    "section",
    "document",
    "page",
    "answer_kind",
    "answer_keys",
]
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# ------------------------------------------------------------------------------------------ PDF


def pdf_pages(path: Path) -> list[str]:
    """Each page's text as PDFium gives it, whitespace collapsed."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return [collapse(pdf[i].get_textpage().get_text_range()) for i in range(len(pdf))]
    finally:
        pdf.close()


def pdf_paragraphs(path: Path) -> list[tuple[str, object]]:
    """(section heading, paragraph) for every paragraph the project's PDF reader finds."""
    from vraagbaak.corpus.pdf import read_pdf

    corpus = read_pdf(path)
    return [(s.heading, p) for d in corpus.documents for s in d.sections for p in s.paragraphs]


def check_pdf(q: dict, pages: list[str], paragraphs: list[tuple[str, object]]) -> list[str]:
    problems = []
    ev, page = q["evidence"], q["page"]
    if not isinstance(page, int) or not 1 <= page <= len(pages):
        return [f"page {page!r} is not a page of the PDF"]
    raw = ev.replace(" | ", " ")  # table cells: PDFium prints them apart, the reader joins them with " | "
    if raw not in pages[page - 1]:
        elsewhere = [n for n, text in enumerate(pages, 1) if raw in text]
        problems.append(f"evidence not in PDFium's text of page {page}" + (f" (on {elsewhere})" if elsewhere else ""))
    hits = [(heading, p) for heading, p in paragraphs if ev in p.text]
    if not hits:
        problems.append("evidence not in any paragraph the PDF reader finds")
    elif len(hits) > 1:
        problems.append(f"evidence in {len(hits)} paragraphs")
    else:
        heading, p = hits[0]
        if heading != q["section"]:
            problems.append(f"section is {heading!r}, gold says {q['section']!r}")
        start = p.text.index(ev)
        if (p.page_at(start), p.page_at(start + len(ev) - 1)) != (page, page):
            problems.append(f"evidence is printed on pages {p.page_at(start)}-{p.page_at(start + len(ev) - 1)}")
    return problems


# ------------------------------------------------------------------------------------------ Markdown

ADMONITION = re.compile(r"^>\s*\[!\w+\]\s*$")
EMBED = re.compile(r"^\{%.*%\}$")


def markdown_blocks(source: str) -> list[tuple[str | None, str]]:
    """(heading above, text) per line of rendered text; markup that a reader drops is gone."""
    source = re.sub(r"\A---\n.*?\n---\n", "", source, flags=re.S)  # YAML front matter
    source = re.sub(r"<style>.*?</style>|<script>.*?</script>|<!--.*?-->", "", source, flags=re.S)
    heading, out = None, []
    for line in source.splitlines():
        line = line.strip()
        if not line or EMBED.match(line) or ADMONITION.match(line) or line.startswith(":::"):
            continue
        if m := re.match(r"^(#{1,6})\s+(.*)$", line):
            heading = m.group(2).strip()
            continue
        if re.fullmatch(r"\|?[\s:|-]+\|?", line):  # a table's rule
            continue
        line = re.sub(r"^>\s?", "", line)
        line = re.sub(r"^(?:[-*+]|\d+\.)\s+", "", line)
        line = re.sub(r"<[^>]+>", "", line)
        line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
        line = re.sub(r"(\*\*|__|\*|`)", "", line)
        if line.startswith("|"):
            line = " | ".join(c.strip() for c in line.strip("|").split("|"))
        if line := collapse(html.unescape(line)):
            out.append((heading, line))
    return out


# ------------------------------------------------------------------------------------------ HTML


class _MainText(HTMLParser):
    """Text of ``<main>`` per block element, with the heading above it; scripts and styles dropped.

    A table row is one block, its cells joined by " | " as the PDF reader joins a row's cells.
    """

    BLOCKS = frozenset({"p", "li", "caption", "h1", "h2", "h3", "h4", "h5", "h6", "section", "ol", "ul", "tr", "table"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_main = 0
        self.skip = 0
        self.heading: str | None = None
        self.tag = ""
        self.buf: list[str] = []
        self.blocks: list[tuple[str | None, str]] = []

    def _flush(self) -> None:
        text = collapse("".join(self.buf))
        self.buf = []
        if not text:
            return
        if re.fullmatch(r"h[1-6]", self.tag):
            self.heading = text
        else:
            self.blocks.append((self.heading, text))

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.in_main += 1
        elif tag in ("script", "style"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self._flush()
            self.tag = tag
        elif tag in ("td", "th") and collapse("".join(self.buf)):
            self.buf.append(" | ")
        elif tag == "br":
            self.buf.append(" ")

    def handle_endtag(self, tag):
        if tag == "main":
            self._flush()
            self.in_main -= 1
        elif tag in ("script", "style"):
            self.skip -= 1
        elif tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data):
        if self.in_main and not self.skip:
            self.buf.append(data)


def html_blocks(source: str) -> list[tuple[str | None, str]]:
    parser = _MainText()
    parser.feed(source)
    parser.close()
    return parser.blocks


def check_blocks(q: dict, blocks: list[tuple[str | None, str]], source: str) -> list[str]:
    """Markdown or HTML: the evidence in one block of text without markup, under the gold heading."""
    ev = q["evidence"]
    problems = []
    hits = [(heading, text) for heading, text in blocks if ev in text]
    if not hits:
        problems.append("evidence not in the text without markup (or it straddles a block)")
    elif len(hits) > 1:
        problems.append(f"evidence in {len(hits)} blocks")
    elif hits[0][0] != q["section"]:
        problems.append(f"section is {hits[0][0]!r}, gold says {q['section']!r}")
    pieces = ev.split(" | ")  # a table row: each cell verbatim
    if not all(piece in collapse(html.unescape(source)) for piece in pieces):
        problems.append("evidence not verbatim in the source (markup inside it?)")
    if q["page"] is not None:
        problems.append("page must be null outside the PDF")
    return problems


def check_text(q: dict, source: str) -> list[str]:
    problems = []
    if q["evidence"] not in collapse(source):
        problems.append("evidence not in the text")
    elif not any(q["evidence"] in collapse(p) for p in re.split(r"\n\s*\n", source)):
        problems.append("evidence straddles a paragraph")
    if q["section"] is not None or q["page"] is not None:
        problems.append("section and page must be null for plain text")
    return problems


# ------------------------------------------------------------------------------------------ fields


def check_fields(questions: list[dict]) -> list[str]:
    problems = []
    for n, q in enumerate(questions, 1):
        where = q.get("id", f"line {n}")
        if list(q) != FIELDS:
            problems.append(f"{where}: fields {list(q)}")
            continue
        if q["id"] != f"d{n:03d}":
            problems.append(f"{where}: id should be d{n:03d}")
        if q["type"] not in TYPES or q["lang"] not in ("nl", "en"):
            problems.append(f"{where}: type {q['type']!r} or lang {q['lang']!r}")
        if (q["type"] == "english" and q["lang"] != "en") or (
            q["lang"] == "en" and q["type"] not in ("english", "unanswerable")
        ):
            problems.append(f"{where}: an English question is of type english (or unanswerable)")
        if q["type"] == "unanswerable":
            if any(q[k] is not None for k in ("evidence", "section", "document", "page")):
                problems.append(f"{where}: an unanswerable question has null evidence, section, document, page")
            continue
        ev = q["evidence"]
        if not isinstance(ev, str) or not 30 <= len(ev) <= 150:
            problems.append(f"{where}: evidence of {len(ev) if isinstance(ev, str) else ev!r} characters")
        elif ev != collapse(ev) or any(c in SUPERSCRIPTS for c in ev):
            problems.append(f"{where}: evidence has extra whitespace or a footnote mark")
    dupes = [k for k, v in Counter(q.get("question") for q in questions).items() if v > 1]
    if dupes:
        problems.append(f"duplicate questions: {dupes}")
    return problems


def check(gold: Path) -> list[str]:
    questions = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    problems = check_fields(questions)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = draw_report(Path(tmp) / PDF_NAME)
        pages, paragraphs = pdf_pages(pdf), pdf_paragraphs(pdf)
    md = (HERE / "notitie.md").read_text(encoding="utf-8")
    page = (HERE / "kamerstuk.html").read_text(encoding="utf-8")
    memo = (HERE / "memo.txt").read_text(encoding="utf-8")
    md_blocks, html_text = markdown_blocks(md), html_blocks(page)
    for q in questions:
        if q.get("type") == "unanswerable" or not q.get("evidence"):
            continue
        doc = q["document"]
        if doc == PDF_NAME:
            found = check_pdf(q, pages, paragraphs)
        elif doc == "notitie.md":
            found = check_blocks(q, md_blocks, md)
        elif doc == "kamerstuk.html":
            found = check_blocks(q, html_text, page)
        elif doc == "memo.txt":
            found = check_text(q, memo)
        else:
            found = [f"unknown document {doc!r}"]
        problems += [f"{q['id']}: {p}" for p in found]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.documents.check", description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    args = parser.parse_args(argv)
    problems = check(args.gold)
    for p in problems:
        print(p)
    questions = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    counts = Counter((q["document"] or "(unanswerable)", q["type"]) for q in questions)
    for (doc, kind), n in sorted(counts.items()):
        print(f"{doc:32} {kind:12} {n}")
    print(f"{len(questions)} questions, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
