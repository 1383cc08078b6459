"""PDFium (pypdfium2) against pdfminer (pdfplumber) as the PDF reader's character source, measured.

Both feed the same layout code (vraagbaak.corpus.pdf.pdf_blocks), so the comparison is of the library
alone: pages per second of character extraction, and correctness of the whole read on the test PDFs
of tests/pdfs.py (the shipped letter printed with its true page breaks, compared paragraph by
paragraph with the text reader). Prints a Markdown table; `python -m eval.pdf_bench`. Needs the dev
and eval extras (reportlab, pdfplumber).
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from vraagbaak.corpus import DEFAULT_CORPUS, Corpus, read_file
from vraagbaak.corpus.blocks import assemble
from vraagbaak.corpus.pdf import Char, RawDocument, RawPage, _is_bold, extract, pdf_blocks

ROOT = Path(__file__).resolve().parent.parent


def extract_pdfplumber(path: Path) -> RawDocument:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        pages = []
        for page in pdf.pages:
            chars = [
                Char(c["text"], c["x0"], c["x1"], page.height - c["matrix"][5], c["size"], _is_bold(c["fontname"], 0))
                for c in page.chars
            ]
            pages.append(RawPage(page.page_number, None, page.width, page.height, chars))
        return RawDocument((pdf.metadata.get("Title") or "").strip(), pages)


def extract_pdfium(path: Path) -> RawDocument:
    return extract(path)


def _best(fn: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def _letter_agreement(raw: RawDocument, text_corpus: Corpus) -> tuple[int, int]:
    """Paragraphs whose text, pages and section equal the text reader's, of all the text reader's."""
    pdf = assemble(pdf_blocks(raw, "beleidsbrief.pdf"), source="b", checksum="", page_count=len(raw.pages))
    mine = [(s.heading, p) for d in pdf.documents for s in d.sections for p in s.paragraphs]
    truth = [(s.heading, p) for d in text_corpus.documents for s in d.sections for p in s.paragraphs]
    same = sum(
        1
        for (h1, p), (h2, q) in zip(truth, mine, strict=False)
        if h1 == h2 and p.text == q.text and (p.page, p.page_end) == (q.page, q.page_end)
    )
    return same, len(truth)


def main() -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from pdfs import letter_pdf, report_pdf

    text_corpus = read_file(DEFAULT_CORPUS)
    with tempfile.TemporaryDirectory() as tmp:
        letter = letter_pdf(text_corpus, Path(tmp) / "beleidsbrief.pdf")
        report = report_pdf(Path(tmp) / "rapport.pdf")
        print("| library | letter pages/s | report pages/s | letter paragraphs as the text reader | report checks |")
        print("|---|---|---|---|---|")
        for name, fn in [
            ("pypdfium2 5.15.2 (PDFium)", extract_pdfium),
            ("pdfplumber 0.11.10 (pdfminer.six)", extract_pdfplumber),
        ]:
            speeds = []
            for path in (letter, report):
                raw = fn(path)
                speeds.append(len(raw.pages) / _best(lambda p=path, f=fn: f(p)))
            same, total = _letter_agreement(fn(letter), text_corpus)
            checks = _report_checks(fn(report))
            print(f"| {name} | {speeds[0]:.0f} | {speeds[1]:.0f} | {same}/{total} | {checks} |")


def _report_checks(raw: RawDocument) -> str:
    """The report's known facts (a subset of tests/test_pdf.py) that hold, of all."""
    corpus = assemble(pdf_blocks(raw, "rapport.pdf"), source="r", checksum="", page_count=len(raw.pages))
    doc = corpus.documents[0]
    texts = [p.text for s in doc.sections for p in s.paragraphs]
    facts = [
        doc.date is not None and doc.date.isoformat() == "2026-03-12",
        doc.reference == "2026-0042",
        [s.path[-1] for s in doc.sections]
        == ["Inleiding", "1. Inleiding", "Wachtlijsten in de regio", "2.1 Wachttijden", "3. Aanbevelingen"],
        any("jeugdreclassering in alle" in t for t in texts),
        any(t.startswith("De financiële middelen") for t in texts),
        "2024 | 14 weken | 3.100" in texts,
        any("niet langer op elkaar wachten" in t for t in texts),
        any(f.mark == "¹" for f in doc.footnotes),
        not any(re.search("Pagina|Kenmerk", t) for t in texts),
    ]
    return f"{sum(facts)}/{len(facts)}"


if __name__ == "__main__":
    main()
