"""Test PDFs made with reportlab, deterministically, so the PDF reader is tested on files whose truth is known.

No real PDFs ship with the project, so these draw the hard cases of government PDFs by hand, line by line
at known positions: running header and footer with page numbers, a contents page with dot leaders, headings
by size only and numbered, footnotes with raised marks, hyphenation at line ends, a lost ligature, a table,
two columns, page labels, a scanned (image-only) page. :func:`letter_pdf` prints the shipped letter with the
page breaks its text reader rebuilt.
"""

from __future__ import annotations

import re
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from vraagbaak.corpus.model import FOOTNOTE_MARK, SUPERSCRIPTS, Corpus

W, H = A4
LEFT, RIGHT, TOP, BOTTOM = 70.0, W - 70.0, H - 80.0, 80.0
BODY = "Helvetica"
BOLD = "Helvetica-Bold"
PLAIN_DIGITS = str.maketrans(SUPERSCRIPTS, "0123456789")


class Writer:
    """A cursor on a reportlab canvas that writes lines top-down and knows about raised footnote marks."""

    def __init__(self, path: Path, *, title: str = "", invariant: bool = True) -> None:
        self.c = canvas.Canvas(str(path), pagesize=A4, invariant=int(invariant))
        self.c.setTitle(title)
        self.y = TOP
        self.page = 1

    def line(self, text: str, *, x: float = LEFT, font: str = BODY, size: float = 10.0, leading: float = 13.0) -> None:
        """One line; superscript digits in ``text`` are drawn as small raised digits (a footnote mark)."""
        for part in re.split(f"([{SUPERSCRIPTS}]+)", text):
            if FOOTNOTE_MARK.fullmatch(part):
                digits = part.translate(PLAIN_DIGITS)
                self.c.setFont(font, size * 0.6)
                self.c.drawString(x, self.y + size * 0.35, digits)
                x += self.c.stringWidth(digits, font, size * 0.6)
            elif part:
                self.c.setFont(font, size)
                self.c.drawString(x, self.y, part)
                x += self.c.stringWidth(part, font, size)
        self.y -= leading

    def paragraph(
        self, text: str, *, font: str = BODY, size: float = 10.0, x: float = LEFT, width: float = RIGHT - LEFT
    ) -> None:
        leading = size * 1.3
        for ln in simpleSplit(text, font, size, width):
            self.line(ln, x=x, font=font, size=size, leading=leading)
        self.y -= size * 0.7

    def gap(self, points: float) -> None:
        self.y -= points

    def new_page(self) -> None:
        self.c.showPage()
        self.page += 1
        self.y = TOP

    def save(self) -> None:
        self.c.save()


def _running(w: Writer, page: int, pages: int, header: str) -> None:
    w.c.setFont(BODY, 8)
    w.c.drawString(LEFT, H - 40, header)
    w.c.drawString(LEFT, 40, f"Pagina {page} van {pages}")


LOREM = (
    "De inspectie onderzocht hoe gemeenten de jeugdzorg inkopen en hoe zij de wachttijden bewaken. "
    "Zij sprak met bestuurders, uitvoerders en cliëntenraden in twaalf regio's en bestudeerde de dossiers. "
)


def report_pdf(path: Path) -> Path:
    """Five pages: title and contents, headings by size and by number, footnotes, hyphens, a table, two columns.

    /Title is an editor's placeholder, so the title must come from the largest text on page 1. Pages 1-2 are
    labelled "i" and "ii", the body from page 3 on "1", "2", ...
    """
    pages = 5
    header = "Inspectie Justitie en Veiligheid | 12 maart 2026 | Kenmerk 2026-0042"
    w = Writer(path, title="Microsoft Word - rapport_def_v3.docx")
    w.c.addPageLabel(0, style="ROMAN_LOWER")
    w.c.addPageLabel(2, style="ARABIC", start=1)
    # page 1: title, contents with dot leaders
    _running(w, 1, pages, header)
    w.line("Toezicht op de jeugdzorg", font=BOLD, size=22, leading=30)
    w.line("Een onderzoek naar wachttijden", font=BOLD, size=22, leading=40)
    w.line("Inhoudsopgave", font=BOLD, size=14, leading=22)
    for entry, page in [("1. Inleiding", 3), ("2. Bevindingen", 3), ("2.1 Wachttijden", 4), ("3. Aanbevelingen", 5)]:
        w.line(f"{entry} " + "." * 60 + f" {page}")
    # page 2: intentionally empty but for a sentence (a page the labels call "ii")
    w.new_page()
    _running(w, 2, pages, header)
    w.paragraph("Dit rapport is vastgesteld door de Inspectie Justitie en Veiligheid.")
    # page 3: numbered headings, a footnote, a hyphen at a line end, a heading by size only
    w.new_page()
    _running(w, 3, pages, header)
    w.line("1. Inleiding", font=BOLD, size=14, leading=22)
    w.line("De inspectie houdt toezicht op de kwaliteit van de jeugdbescherming en de jeugdreclasse-")
    w.line("ring in alle regio's van het land.¹ Dat toezicht is risicogestuurd en onaangekondigd.", leading=22)
    w.line("2. Bevindingen", font=BOLD, size=14, leading=22)
    w.line("Wachtlijsten in de regio", size=12, leading=18)  # a heading by size alone: not bold, not numbered
    w.paragraph(LOREM * 2)
    w.line("De inanciële middelen die gemeenten voor de jeugdzorg krijgen, zijn in 2025 opnieuw gestegen,")
    w.line("terwijl de wachttijden voor de zwaarste vormen van zorg niet korter werden; de inspectie acht het")
    w.line("daarom nodig dat de ministeries van VWS en van Justitie en Veiligheid gezamenlijk")
    w.y = BOTTOM + 10
    w.line("¹ Kamerstukken II, 2025-2026, 31 839, nr. 1012.", size=8, leading=10)
    # page 4: the sentence goes on; a numbered subheading and a table
    w.new_page()
    _running(w, 4, pages, header)
    w.line("optreden om de wachttijden terug te dringen.", leading=22)
    w.line("2.1 Wachttijden", font=BOLD, size=12, leading=20)
    w.paragraph("De wachttijden per jaar staan in de tabel hieronder.")
    for cells in [
        ("Jaar", "Gemiddelde wachttijd", "Aantal kinderen"),
        ("2024", "14 weken", "3.100"),
        ("2025", "17 weken", "3.450"),
    ]:
        for x, cell in zip((LEFT, LEFT + 120, LEFT + 300), cells, strict=True):
            w.c.setFont(BODY, 10)
            w.c.drawString(x, w.y, cell)
        w.y -= 16
    # page 5: two columns; the left column's last paragraph goes on at the top of the right column
    w.new_page()
    _running(w, 5, pages, header)
    w.line("3. Aanbevelingen", font=BOLD, size=14, leading=24)
    top = w.y
    col = (RIGHT - LEFT - 20) / 2
    w.paragraph("Gemeenten moeten de wachttijden per zorgvorm openbaar maken. " * 3, width=col)
    w.paragraph("Regio's die de inkoop samen doen, bereiken kortere wachttijden dan regio's die dat " * 2, width=col)
    left_text = "Het ministerie moet de financiering van de zwaarste zorg landelijk regelen, zodat gemeenten niet"
    for ln in simpleSplit(left_text, BODY, 10, col):
        w.line(ln)
    w.y = top
    for ln in ["langer op elkaar wachten voordat een kind", "de zorg krijgt die het nodig heeft."]:
        w.line(ln, x=LEFT + col + 20)
    w.y -= 7
    w.paragraph(
        "De inspectie komt in 2027 terug op de uitvoering van deze aanbevelingen. " * 3, x=LEFT + col + 20, width=col
    )
    w.save()
    return path


def scanned_pdf(path: Path) -> Path:
    """A page that is only a picture of text, as a scanner makes it: no text layer at all."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (600, 300), 255)
    ImageDraw.Draw(img).text((20, 20), "Gescande brief van de minister", fill=0)
    png = path.with_suffix(".png")
    img.save(png)
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.drawImage(str(png), LEFT, H - 400, width=450, height=225)
    c.showPage()
    c.save()
    png.unlink()
    return path


def protected_pdf(path: Path) -> Path:
    from reportlab.lib.pdfencrypt import StandardEncryption

    c = canvas.Canvas(str(path), pagesize=A4, encrypt=StandardEncryption("geheim", canPrint=0), invariant=1)
    c.drawString(LEFT, TOP, "Vertrouwelijk.")
    c.showPage()
    c.save()
    return path


def simple_pdf(path: Path, *, pages: int = 1, title: str = "Een korte notitie") -> Path:
    w = Writer(path, title=title)
    for n in range(1, pages + 1):
        if n > 1:
            w.new_page()
        w.line("Notitie over de planning", font=BOLD, size=16, leading=26)
        w.paragraph(f"Op pagina {n} staat een alinea over de planning van het ministerie.")
    w.save()
    return path


def letter_pdf(corpus: Corpus, path: Path) -> Path:
    """The shipped letter printed with the page breaks its text reader rebuilt, one PDF page per page.

    Headings in bold (level 1 at 12 pt, deeper at 10.5 pt), paragraphs split at their break offsets, list
    items with a bullet, footnotes at the foot of their page with raised marks, a running header with date
    and reference and a "Pagina N van M" footer from page 2 on. Raises if a page overflows, so that the PDF's
    pages are the text reader's pages exactly.
    """
    content: dict[int, list[tuple[str, str]]] = {p: [] for p in range(1, corpus.page_count + 1)}
    notes: dict[int, list[str]] = {p: [] for p in content}
    for doc in corpus.documents:
        if doc.kind != "brief":
            content[doc.first_page].append(("title", doc.title))
        for section in doc.sections:
            first = section.paragraphs[0].page
            for level, heading in enumerate(section.path):
                if heading != "Inleiding":
                    content[first].append((f"h{min(level, 1) + 1}", heading))
            for p in section.paragraphs:
                cuts = [0, *p.breaks, len(p.text)]
                for k in range(len(cuts) - 1):
                    piece = p.text[cuts[k] : cuts[k + 1]].strip()
                    kind = p.kind if k == 0 else "cont"
                    content[p.page + k].append((kind, piece))
            for f in [f for p in section.paragraphs for f in p.footnotes]:
                if f"{f.mark} {f.text}" not in notes[f.page]:
                    notes[f.page].append(f"{f.mark} {f.text}")
    letter = corpus.documents[0]
    header = f"Ministerie van Justitie en Veiligheid | Datum 24 april 2026 | Onze referentie {letter.reference}"
    w = Writer(path, title=letter.title)
    pages = corpus.page_count
    for page in range(1, pages + 1):
        if page > 1:
            w.new_page()
            _running(w, page, pages, header)
        else:
            w.line(letter.title, font=BOLD, size=16, leading=28)
        for kind, text in content[page]:
            if kind == "title":
                w.line(text, font=BOLD, size=14, leading=22)
            elif kind in ("h1", "h2"):
                w.gap(4)
                w.line(text, font=BOLD, size=12 if kind == "h1" else 10.5, leading=16)
            else:
                size, width = 9.0, RIGHT - LEFT
                x = LEFT + 12 if kind == "list_item" else LEFT
                if kind == "list_item":
                    w.c.setFont(BODY, size)
                    w.c.drawString(LEFT, w.y, "•")
                for ln in simpleSplit(text, BODY, size, width - (x - LEFT)):
                    w.line(ln, x=x, size=size, leading=11.5)
                w.gap(6)
        footnote_lines = [ln for note in notes[page] for ln in simpleSplit(note, BODY, 7, RIGHT - LEFT)]
        if w.y < BOTTOM + 20 + 10 * len(footnote_lines):
            raise ValueError(f"page {page} overflows")
        w.y = BOTTOM + 20 + 10 * len(footnote_lines)
        for ln in footnote_lines:
            w.line(ln, size=7, leading=10)
    w.save()
    return path


def dossier_pdf(path: Path, *, title: str, reference: str, paragraphs: list[str], pages: int) -> Path:
    """``pages`` full pages of running text, as a report of a ministry prints it, to give a corpus its bulk.

    A title on page 1, a running header with date and reference (so the document's id is
    ``pdf-<reference>``) and a "Pagina N van M" footer, a numbered heading every four paragraphs, and
    ``paragraphs`` (footnote marks dropped) taken in turn, again from the first when they run out,
    until the last page is full. ``eval/bench.py`` builds its incremental-build corpus from these.
    """
    header = f"Ministerie van Justitie en Veiligheid | 12 maart 2026 | Kenmerk {reference}"
    w = Writer(path, title=title)
    _running(w, 1, pages, header)
    w.line(title, font=BOLD, size=18, leading=30)
    n = 0
    while True:
        if n % 4 == 0:
            if w.y < BOTTOM + 60:
                if w.page == pages:
                    break
                w.new_page()
                _running(w, w.page, pages, header)
            w.gap(6)
            w.line(f"{n // 4 + 1}. {title.split(':')[0]}, deel {n // 4 + 1}", font=BOLD, size=12, leading=18)
        text = FOOTNOTE_MARK.sub("", paragraphs[n % len(paragraphs)])
        for ln in simpleSplit(text, BODY, 10, RIGHT - LEFT):
            if w.y < BOTTOM:
                if w.page == pages:
                    w.save()
                    return path
                w.new_page()
                _running(w, w.page, pages, header)
            w.line(ln)
        w.gap(7)
        n += 1
    w.save()
    return path


# ------------------------------------------------------------------ hostile PDFs, written byte by byte


def _one_page_pdf(path: Path, deflated_content: bytes) -> Path:
    """A valid one-page PDF around an already deflated content stream (reportlab would not draw these)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(deflated_content) + deflated_content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def memory_bomb_pdf(path: Path, *, megabytes: int = 300) -> Path:
    """A page whose content stream inflates from about 1 MB to ``megabytes`` MB: a reader must hold it all."""
    import zlib

    deflate = zlib.compressobj(9)
    chunk = b"BT /F1 12 Tf 72 720 Td (a) Tj ET\n" * 32768  # about 1 MB
    data = b"".join(deflate.compress(chunk) for _ in range(megabytes)) + deflate.flush()
    return _one_page_pdf(path, data)


def dense_pdf(path: Path, *, words: int = 20_000) -> Path:
    """A page of ``words`` words at 1 pt, each placed on its own: seconds of layout work for 60 KB."""
    import zlib

    ops = [b"BT /F1 1 Tf"]
    for i in range(words):
        x, y = 20 + (i * 7) % 560, 20 + (i * 7 // 560) % 750 + (i % 3) * 0.3
        ops.append(b"1 0 0 1 %.1f %.1f Tm (abcdefghij) Tj" % (x, y))
    ops.append(b"ET")
    return _one_page_pdf(path, zlib.compress(b"\n".join(ops), 9))
