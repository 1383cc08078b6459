"""Read a PDF into typed blocks with PDFium (pypdfium2), then into the model with :func:`assemble`.

PDFium gives every character with its box, baseline, font size and font name; everything else is
rebuilt here from geometry, because government PDFs rarely carry a usable structure tree:

- **Lines** from characters in content order, with spaces where the gap says so; small raised
  digits become superscript footnote marks, as the model expects.
- **Columns:** a page whose lines sit in two halves with a free gutter is read left column first.
- **Running headers and footers:** lines in the top or bottom band that repeat (digits ignored, so
  "Pagina 3 van 12" repeats) on at least half the pages, and bare page numbers, are dropped; the
  date, reference and title they carry become the document's metadata.
- **Footnotes:** smaller lines below a page's last body line, starting with a mark.
- **Contents:** lines with dot leaders and a page number are navigation, not text, and are dropped,
  so a contents page never outranks the section it points to.
- **Headings:** lines larger than the body text, or bold and standing alone, or numbered ("2.1");
  the level is the number's depth, else the rank of the size.
- **Paragraphs** from lines by vertical gaps, short last lines and list bullets; a paragraph that
  stops mid-sentence at a column or page end goes on after it. Table rows (cells apart on one
  baseline) stay rows. Words are repaired by :mod:`vraagbaak.corpus.words`.

Parsing runs in a forked child under a time limit, so a PDF that makes PDFium loop is refused, not
hung on. Every refusal is one line naming the file (:class:`UnreadableDocumentError`).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from vraagbaak.corpus.blocks import (
    JOIN_WITHOUT_SPACE,
    Block,
    DocumentStart,
    FootnoteBlock,
    Heading,
    Text,
    assemble,
    file_slug,
    kind_from_title,
)
from vraagbaak.corpus.formats import Limits, UnreadableDocumentError, limits
from vraagbaak.corpus.model import SUPERSCRIPTS, Corpus
from vraagbaak.corpus.words import Lexicon, expand_ligatures, join_hyphenated, repair_words

#: Defaults for the limits; :class:`PdfReader` takes others.
NO_TEXT = "geen tekstlaag: een gescande PDF; OCR wordt niet ondersteund"

MONTHS = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
DUTCH_DATE = re.compile(rf"\b(\d{{1,2}})\s+({MONTHS})\s+(\d{{4}})\b", re.IGNORECASE)
REFERENCE = re.compile(r"\b(?:referentie|kenmerk)\s*:?\s*([A-Za-z0-9][\w./-]*\d[\w./-]*)", re.IGNORECASE)
PAGE_NUMBER = re.compile(r"^(?:pagina|page|blz\.?|p\.)?\s*[-–]?\s*\d+\s*(?:[-–]|(?:van|of|/)\s*\d+)?\s*$", re.I)
DOT_LEADER = re.compile(r"(?:\s*\.){4,}\s*\d+\s*$|…+\s*\d+\s*$|(?:\s*\.\s){3,}.*\d+\s*$")
CONTENTS = re.compile(r"^(inhoud|inhoudsopgave|contents|table of contents)$", re.I)
NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+\S")
BULLET = re.compile(r"^[•▪●◦·\-–]\s+")
LIST_START = re.compile(r"^(?:[•▪●◦·\-–]\s+|\(?\d{1,2}\)\s|\(?[a-z]\)\s)")
SENTENCE_END = re.compile(rf"[.!?:;][\"'’”)]*[{SUPERSCRIPTS}]*$")
SUPER = str.maketrans("0123456789", SUPERSCRIPTS)
MEANINGLESS_TITLES = re.compile(r"^(untitled|naamloos|document\d*|microsoft word\b.*|.*\.(docx?|pdf|indd|odt))$", re.I)
MONTH_NUMBERS = {m: i for i, m in enumerate(MONTHS.split("|"), 1)}


# --------------------------------------------------------------------------- extraction


@dataclass(frozen=True)
class Char:
    """One character as PDFium placed it; y grows downwards from the page top."""

    text: str
    x0: float
    x1: float
    baseline: float
    size: float
    bold: bool


@dataclass
class RawPage:
    number: int  # 1-based page index
    label: str | None
    width: float
    height: float
    chars: list[Char]


@dataclass
class RawDocument:
    title: str
    pages: list[RawPage]


def _is_bold(name: str, weight: int) -> bool:
    return weight >= 600 or re.search(r"bold|black|heavy|semibold|demi", name, re.I) is not None


def extract(path: Path, *, max_pages: int | None = None) -> RawDocument:
    """Every page's characters with positions and fonts, via PDFium; refusals as one line."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    name = path.name
    max_pages = limits().max_pages if max_pages is None else max_pages
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        if code == raw.FPDF_ERR_PASSWORD:
            raise UnreadableDocumentError(f"{name}: the PDF is password-protected") from None
        raise UnreadableDocumentError(f"{name}: not a readable PDF (damaged or truncated)") from None
    try:
        n = len(pdf)
        if n == 0:
            raise UnreadableDocumentError(f"{name}: the PDF has no pages")
        if n > max_pages:
            raise UnreadableDocumentError(f"{name}: {n} pages, more than the limit of {max_pages}")
        title = (pdf.get_metadata_dict().get("Title") or "").strip()
        buf = ctypes.create_string_buffer(256)
        flags = ctypes.c_int()
        ox, oy = ctypes.c_double(), ctypes.c_double()
        pages = []
        for index in range(n):
            page = pdf[index]
            width, height = page.get_size()
            tp = page.get_textpage()
            chars = []
            for i in range(tp.count_chars()):
                if raw.FPDFText_IsGenerated(tp, i) == 1:
                    continue
                code = raw.FPDFText_GetUnicode(tp, i)
                if code in (0x0D, 0x0A):
                    continue
                text = "\ufffe" if raw.FPDFText_IsHyphen(tp, i) == 1 else chr(code)
                left, _bottom, right, _top = tp.get_charbox(i, loose=True)
                raw.FPDFText_GetCharOrigin(tp, i, ctypes.byref(ox), ctypes.byref(oy))
                raw.FPDFText_GetFontInfo(tp, i, buf, 256, ctypes.byref(flags))
                font = buf.value.decode("latin-1", "replace")
                bold = _is_bold(font, raw.FPDFText_GetFontWeight(tp, i))
                size = raw.FPDFText_GetFontSize(tp, i)
                chars.append(Char(text, left, right, height - oy.value, size, bold))
            pages.append(RawPage(index + 1, _page_label(pdf, index), width, height, chars))
            tp.close()
            page.close()
        return RawDocument(title, pages)
    finally:
        pdf.close()


def _page_label(pdf, index: int) -> str | None:
    import ctypes

    import pypdfium2.raw as raw

    size = raw.FPDF_GetPageLabel(pdf, index, None, 0)
    if size <= 2:
        return None
    buf = ctypes.create_string_buffer(size)
    raw.FPDF_GetPageLabel(pdf, index, buf, size)
    return buf.raw[: size - 2].decode("utf-16-le") or None


# --------------------------------------------------------------------------- lines


@dataclass
class Line:
    """A line (or, in a table, a row of cells) on one page, in reading order."""

    cells: list[str]
    x0: float
    x1: float
    baseline: float
    size: float
    bold: bool
    page: int
    column: int = 0

    @property
    def text(self) -> str:
        return " | ".join(self.cells)


@dataclass
class _Fragment:
    chars: list[Char] = field(default_factory=list)
    pending_space: bool = False

    @property
    def size(self) -> float:
        return Counter(round(c.size, 1) for c in self.chars if c.text.strip()).most_common(1)[0][0]

    def baseline(self) -> float:
        main = self.size
        return Counter(round(c.baseline, 1) for c in self.chars if abs(c.size - main) < 0.2).most_common(1)[0][0]


def _fragments(chars: list[Char]) -> list[_Fragment]:
    """Runs of characters on one baseline without a wide gap, in content order."""
    out: list[_Fragment] = []
    cur: _Fragment | None = None
    for c in chars:
        if not c.text.strip():
            if cur is not None:
                cur.pending_space = True
            continue
        if cur is not None:
            last = cur.chars[-1]
            ref = max(last.size, c.size)
            same_line = abs(c.baseline - last.baseline) <= 0.5 * ref
            gap = c.x0 - last.x1
            if same_line and -0.5 * ref <= gap <= 1.2 * ref:
                if cur.pending_space or gap > 0.18 * min(last.size, c.size):
                    cur.chars.append(Char(" ", last.x1, c.x0, last.baseline, last.size, last.bold))
                cur.pending_space = False
                cur.chars.append(c)
                continue
        cur = _Fragment([c])
        out.append(cur)
    return out


def _fragment_text(f: _Fragment) -> str:
    """The fragment's text; small raised digits become superscript marks."""
    size, base = f.size, f.baseline()
    out = []
    for c in f.chars:
        raised = c.size < 0.85 * size and base - c.baseline > 0.15 * size
        out.append(c.text.translate(SUPER) if raised and c.text.isdigit() else c.text)
    return "".join(out).strip()


def _lines(page: RawPage) -> list[Line]:
    frags = [f for f in _fragments(page.chars) if _fragment_text(f)]
    items = [(f, _fragment_text(f), f.chars[0].x0, max(c.x1 for c in f.chars), f.baseline(), f.size) for f in frags]
    mid = page.width / 2
    body = [it for it in items if 0.08 * page.height < it[4] < 0.92 * page.height]
    left = [it for it in body if it[3] <= mid + 2]
    right = [it for it in body if it[2] >= mid - 2]
    crossing = [it for it in body if it[2] < mid - 2 and it[3] > mid + 2]
    wide = 0.3 * page.width
    two_columns = (
        sum(it[3] - it[2] > wide for it in left) >= 3
        and sum(it[3] - it[2] > wide for it in right) >= 3
        and len(crossing) < 0.3 * len(body)
    )

    def column(it: tuple) -> int:
        if not two_columns or (it[2] < mid - 2 and it[3] > mid + 2):
            return 0
        return 1 if it[2] >= mid - 2 else 0

    def spanning(it: tuple) -> bool:
        in_body = 0.08 * page.height < it[4] < 0.92 * page.height
        return two_columns and ((it[2] < mid - 2 and it[3] > mid + 2) or not in_body)

    # Reading order: spanning lines cut the page into bands; within a band, left column then right.
    bands: list[float] = sorted(it[4] for it in items if spanning(it))

    def band(it: tuple) -> int:
        return sum(b < it[4] - 0.5 for b in bands)

    ordered = sorted(items, key=lambda it: (band(it), 0 if spanning(it) else 1, column(it), it[4], it[2]))
    lines: list[Line] = []
    for f, text, x0, x1, baseline, size in ordered:
        col = column((f, text, x0, x1, baseline, size))
        prev = lines[-1] if lines else None
        if prev is not None and prev.column == col and abs(prev.baseline - baseline) <= 0.3 * size:
            prev.cells.append(text)
            prev.x1 = max(prev.x1, x1)
            prev.bold = prev.bold and _bold(f)
            continue
        lines.append(Line([text], x0, x1, baseline, size, _bold(f), page.number, col))
    return lines


def _bold(f: _Fragment) -> bool:
    letters = [c for c in f.chars if c.text.strip()]
    return sum(c.bold for c in letters) > 0.8 * len(letters)


# --------------------------------------------------------------------------- layout


@dataclass
class _Meta:
    date: date | None = None
    reference: str | None = None
    title: str | None = None


def _band_key(line: Line, page: RawPage) -> tuple[str, str] | None:
    if line.baseline < 0.1 * page.height:
        where = "top"
    elif line.baseline > 0.9 * page.height:
        where = "bottom"
    else:
        return None
    return where, re.sub(r"\d+", "#", line.text.lower())


def _drop_running(pages: list[RawPage], lines: dict[int, list[Line]]) -> _Meta:
    """Remove running headers, footers and page numbers; return what they say about the document."""
    seen: Counter[tuple[str, str]] = Counter()
    for page in pages:
        seen.update({k for ln in lines[page.number] if (k := _band_key(ln, page))})
    threshold = max(2, len(pages) / 2)
    meta = _Meta()
    running_texts: list[str] = []
    for page in pages:
        kept = []
        for ln in lines[page.number]:
            key = _band_key(ln, page)
            if key is not None and (PAGE_NUMBER.match(ln.text) or (len(pages) > 1 and seen[key] >= threshold)):
                running_texts.append(ln.text)
                continue
            kept.append(ln)
        lines[page.number] = kept
    for text in running_texts:
        for part in text.split(" | "):
            if meta.date is None and (m := DUTCH_DATE.search(part)):
                meta.date = _date(m)
            if meta.reference is None and (m := REFERENCE.search(part)):
                meta.reference = m.group(1)
            words = re.findall(r"[^\W\d_]+", part)
            if meta.title is None and len(words) >= 2 and not re.search(r"\d", part):
                meta.title = part.strip()
    return meta


def _date(m: re.Match) -> date | None:
    try:
        return date(int(m.group(3)), MONTH_NUMBERS[m.group(2).lower()], int(m.group(1)))
    except ValueError:
        return None


def _body_size(lines: list[Line]) -> float:
    sizes: Counter[float] = Counter()
    for ln in lines:
        sizes[round(ln.size * 2) / 2] += len(ln.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _split_footnotes(page_lines: list[Line], body: float) -> tuple[list[Line], list[tuple[str, str]]]:
    """Lines that stay text, and the page's footnotes as (mark, text)."""
    body_lines = [ln for ln in page_lines if ln.size >= 0.95 * body]
    if not body_lines:
        return page_lines, []
    lowest = max(ln.baseline for ln in body_lines)
    notes: list[list[str]] = []
    kept = []
    for ln in page_lines:
        if ln.baseline > lowest and ln.size < 0.9 * body:
            m = re.match(rf"^([{SUPERSCRIPTS}]+|\d{{1,3}})[.)]?\s*(.*)$", ln.text)
            if m and m.group(2):
                notes.append([m.group(1).translate(SUPER), m.group(2)])
                continue
            if notes:
                notes[-1][1] += "\n" + ln.text
                continue
        kept.append(ln)
    return kept, [(mark, text) for mark, text in notes]


def _is_heading(ln: Line, body: float, alone: bool) -> bool:
    text = ln.text
    if len(ln.cells) > 1 or LIST_START.match(text) or len(text.split()) > 15 or len(text) > 120:
        return False
    if re.search(r"[.,;:]$", text) or not (text[:1].isupper() or text[:1].isdigit()):
        return False
    if re.search(f"[{SUPERSCRIPTS}]", text):
        return False
    if ln.size >= 1.12 * body:
        return True
    numbered = NUMBERED.match(text)
    return ln.size >= 0.95 * body and (ln.bold or (numbered is not None and "." in numbered.group(1))) and alone


def _heading_key(ln: Line, body: float) -> float:
    """Larger text is an outer heading; bold at body size comes last."""
    return round(ln.size * 2) / 2 if ln.size >= 1.12 * body else 0.0


@dataclass
class _Para:
    text: str
    page: int
    kind: str
    line: Line
    pieces: list[tuple[str, int]] = field(default_factory=list)  # (text, page) per page


class PdfReader:
    """PDF -> blocks -> model, with limits on size, pages and parse time (keyword arguments)."""

    name = "pdf"
    suffixes = (".pdf",)

    def __init__(self, *, limits: Limits | None = None) -> None:
        #: None: the registry's current limits (formats.limits()), read at each read.
        self.limits = limits

    def read(self, path: Path) -> Corpus:
        """The PDF as one document; see the module docstring for what is rebuilt and what is refused."""
        path = Path(path)
        lim = self.limits or limits()
        data = _check_file(path, lim.max_bytes)
        checksum = hashlib.sha256(data).hexdigest()
        if lim.timeout_s is None:
            return read_pdf(path, checksum=checksum, max_pages=lim.max_pages)
        return _in_child(path, checksum, lim.max_pages, lim.timeout_s, read_pdf)


def _check_file(path: Path, max_bytes: int) -> bytes:
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as e:
        raise UnreadableDocumentError(f"{name}: cannot be opened ({e.strerror})") from None
    if size == 0:
        raise UnreadableDocumentError(f"{name}: the file is empty")
    if size > max_bytes:
        raise UnreadableDocumentError(f"{name}: {size} bytes, more than the limit of {max_bytes}")
    data = path.read_bytes()
    head = data[:1024]
    if b"%PDF-" not in head:
        if re.search(rb"<(!doctype html|html|head|body)\b", head, re.I):
            raise UnreadableDocumentError(f"{name}: an HTML page named .pdf, not a PDF")
        raise UnreadableDocumentError(f"{name}: not a PDF (no %PDF- header)")
    if b"%%EOF" not in data[-1024:]:
        raise UnreadableDocumentError(f"{name}: a truncated PDF (no %%EOF at its end)")
    return data


def _child(conn, fn, path: Path, checksum: str, max_pages: int) -> None:
    try:
        conn.send(("ok", fn(path, checksum=checksum, max_pages=max_pages)))
    except UnreadableDocumentError as e:
        conn.send(("refused", str(e)))
    except Exception as e:
        conn.send(("refused", f"{path.name}: the PDF could not be parsed ({type(e).__name__}: {e})".splitlines()[0]))
    finally:
        conn.close()


def _in_child(path: Path, checksum: str, max_pages: int, timeout_s: float, fn) -> Corpus:
    """Run ``fn`` in a forked child; refuse if it runs past ``timeout_s`` or dies."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, path, checksum, max_pages), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout_s):
            proc.kill()
            raise UnreadableDocumentError(f"{path.name}: parsing took longer than the limit of {timeout_s:g} s")
        try:
            status, value = parent.recv()
        except EOFError:
            proc.join()
            raise UnreadableDocumentError(f"{path.name}: the PDF parser crashed (exit code {proc.exitcode})") from None
    finally:
        parent.close()
        proc.join(timeout=5)
    if status == "refused":
        raise UnreadableDocumentError(value)
    return value


def read_pdf(path: Path, *, checksum: str = "", max_pages: int | None = None) -> Corpus:
    """Read ``path`` in this process, without the size or time limits of :class:`PdfReader`."""
    raw_doc = extract(path, max_pages=max_pages)
    if not any(c.text.strip() for p in raw_doc.pages for c in p.chars):
        raise UnreadableDocumentError(f"{path.name}: {NO_TEXT}")
    blocks = list(pdf_blocks(raw_doc, path.name))
    return assemble(blocks, source=path.name, checksum=checksum, page_count=len(raw_doc.pages))


def pdf_blocks(doc: RawDocument, file_name: str) -> list[Block]:
    """The typed blocks of one extracted PDF, in reading order (see the module docstring)."""
    pages = doc.pages
    labels = {p.number: p.label for p in pages}
    lines = {p.number: _lines(p) for p in pages}
    meta = _drop_running(pages, lines)
    body = _body_size([ln for p in pages for ln in lines[p.number]])
    notes: list[tuple[str, str, int]] = []
    for p in pages:
        lines[p.number], page_notes = _split_footnotes(lines[p.number], body)
        notes.extend((mark, text, p.number) for mark, text in page_notes)
        if any(DOT_LEADER.search(ln.text) for ln in lines[p.number]):  # a contents page: entries and its title go
            lines[p.number] = [
                ln for ln in lines[p.number] if not (DOT_LEADER.search(ln.text) or CONTENTS.match(ln.text))
            ]
    all_text = " ".join(ln.text for p in pages for ln in lines[p.number])
    lexicon = Lexicon.from_text(expand_ligatures(all_text))

    title = _title(doc, lines, pages[0], body, meta, file_name)
    if meta.date is None:  # a letter prints "Datum 24 april 2026" on its first page
        for ln in lines[pages[0].number]:
            if re.match(r"^Datum:?\s", ln.text) and (m := DUTCH_DATE.search(ln.text)):
                meta.date = _date(m)
                break
    kind = kind_from_title(title, "pdf")
    slug = file_slug(file_name)
    blocks: list[Block] = [
        DocumentStart(
            id=f"{kind}-{meta.reference}" if meta.reference else slug,
            kind=kind,
            title=title,
            page=pages[0].number,
            date=meta.date,
            reference=meta.reference,
            page_label=pages[0].label,
        )
    ]
    for item in _structure(pages, lines, body, lexicon):
        if isinstance(item, _Heading):
            blocks.append(Heading(repair_words(item.text, lexicon), item.level, item.line.page, labels[item.line.page]))
            continue
        for k, (text, page) in enumerate(item.pieces):
            text = repair_words(text, lexicon)
            blocks.append(Text(text, page, item.kind, continues=k > 0, page_label=labels[page]))
    for mark, text, page in notes:
        blocks.append(FootnoteBlock(mark, repair_words(text, lexicon), page, labels[page]))
    return blocks


@dataclass
class _Heading:
    text: str
    level: int
    line: Line


@dataclass
class _Para:
    kind: str
    line: Line  # the last line added
    pieces: list[tuple[str, int]]  # (text, page), one per page the paragraph is printed on


def _structure(pages: list[RawPage], lines: dict[int, list[Line]], body: float, lexicon: Lexicon) -> list:
    """Headings and paragraphs in reading order, paragraphs joined across lines, columns and pages."""
    sizes = sorted({_heading_key(ln, body) for p in pages for ln in lines[p.number] if ln.size >= 1.12 * body})
    sizes.reverse()
    items: list[_Heading | _Para] = []
    for p in pages:
        page_lines = lines[p.number]
        right = {c: max((ln.x1 for ln in page_lines if ln.column == c), default=p.width) for c in (0, 1)}
        for i, ln in enumerate(page_lines):
            nxt = page_lines[i + 1] if i + 1 < len(page_lines) else None
            last = items[-1] if items else None
            if _is_heading(ln, body, _stands_alone(ln, nxt)):
                if isinstance(last, _Heading) and _same_heading(last.line, ln):
                    last.text, last.line = f"{last.text} {ln.text}", ln
                    continue
                numbered = NUMBERED.match(ln.text)
                key = _heading_key(ln, body)
                if numbered:
                    level = numbered.group(1).count(".") + 1
                else:
                    level = sizes.index(key) + 1 if key in sizes else len(sizes) + 1
                items.append(_Heading(ln.text, level, ln))
                continue
            kind = "row" if len(ln.cells) > 1 else ("list_item" if LIST_START.match(ln.text) else "paragraph")
            if isinstance(last, _Para) and _same_paragraph(last, ln, kind, right):
                _append(last, ln, lexicon)
                continue
            text = BULLET.sub("", ln.text) if kind == "list_item" else ln.text
            items.append(_Para(kind, ln, [(text, ln.page)]))
    return items


def _stands_alone(ln: Line, nxt: Line | None) -> bool:
    """Nothing in the same style follows at normal line spacing: a heading, not a paragraph's first line."""
    return (
        nxt is None
        or nxt.page != ln.page
        or nxt.column != ln.column
        or nxt.bold != ln.bold
        or abs(nxt.size - ln.size) > 0.5
        or nxt.baseline - ln.baseline > 1.5 * ln.size
    )


def _same_heading(prev: Line, ln: Line) -> bool:
    """A heading printed over two lines."""
    return (
        prev.page == ln.page
        and prev.bold == ln.bold
        and abs(prev.size - ln.size) < 0.5
        and 0 < ln.baseline - prev.baseline < 1.6 * ln.size
        and not NUMBERED.match(ln.text)
    )


def _ends_hyphenated(text: str) -> bool:
    return text.endswith("\ufffe") or (text.endswith("-") and len(text) > 1 and text[-2].isalpha())


def _same_paragraph(para: _Para, ln: Line, kind: str, right: dict[int, float]) -> bool:
    if kind in ("row", "list_item") or para.kind == "row":
        return False
    last = para.line
    text = para.pieces[-1][0]
    if ln.page != last.page or ln.column != last.column:  # a column or page break: go on mid-sentence only
        return not SENTENCE_END.search(text) and (ln.text[:1].islower() or _ends_hyphenated(text))
    gap = ln.baseline - last.baseline
    if gap <= 0 or gap > 1.6 * last.size or abs(ln.size - last.size) > 1:
        return False
    # The last line stopped short: the next line's first word would have fitted after it.
    char_width = (last.x1 - last.x0) / max(len(last.text), 1)
    first_word = ln.text.split()[0] if ln.text.split() else ""
    short = last.x1 + char_width * (len(first_word) + 1) < right[last.column] - char_width
    return not (short and SENTENCE_END.search(text))


def _append(para: _Para, ln: Line, lexicon: Lexicon) -> None:
    """Add a line; a page break starts a new piece, a hyphen at the line end is resolved."""
    text, page = para.pieces[-1]
    if ln.page == page:
        para.pieces[-1] = (_join_lines(text, ln.text, lexicon), page)
    else:
        if _ends_hyphenated(text):
            joined = join_hyphenated(text, ln.text, lexicon)
            kept = joined.startswith(text[:-1] + "-")
            text = text[:-1] + ("-" if kept else "") + JOIN_WITHOUT_SPACE
        para.pieces[-1] = (text, page)
        para.pieces.append((ln.text, ln.page))
    para.line = ln


def _join_lines(left: str, right: str, lexicon: Lexicon) -> str:
    if _ends_hyphenated(left):
        return join_hyphenated(left, right, lexicon)
    if left.endswith("\u00ad"):
        return left[:-1] + right
    return f"{left} {right}"


def _title(
    doc: RawDocument, lines: dict[int, list[Line]], first: RawPage, body: float, meta: _Meta, file_name: str
) -> str:
    """/Title if meaningful, else the largest text on page 1, else the running header's, else the file name.

    The title's own lines on page 1 are removed, so that the title is not also a heading.
    """
    page_lines = lines[first.number]
    largest = max((ln.size for ln in page_lines), default=0.0)
    top = [ln for ln in page_lines if ln.size >= 1.1 * body and abs(ln.size - largest) < 0.5]
    if top:  # the first run of lines at the largest size
        start = page_lines.index(top[0])
        run = [top[0]]
        for ln in page_lines[start + 1 :]:
            if abs(ln.size - largest) < 0.5 and 0 < ln.baseline - run[-1].baseline < 2 * largest:
                run.append(ln)
            else:
                break
        top = run
    largest_text = " ".join(ln.text for ln in top)
    meta_title = re.sub(r"\s+", " ", doc.title).strip()
    if _meaningful(meta_title):
        title = meta_title
        if top and _norm(largest_text) in _norm(title):
            for ln in top:
                page_lines.remove(ln)
        return title
    if top:
        for ln in top:
            page_lines.remove(ln)
        return largest_text
    return meta.title or Path(file_name).stem


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def _meaningful(title: str) -> bool:
    """Not empty, not a file name or an editor's placeholder ("Microsoft Word - brief.docx")."""
    words = re.findall(r"[^\W\d_]{2,}", title)
    return len(words) >= 1 and len(title) >= 4 and not MEANINGLESS_TITLES.match(title)
