"""The PDF reader on PDFs drawn with known truth (tests/pdfs.py), and every refusal as one line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pdfs import letter_pdf, protected_pdf, report_pdf, scanned_pdf, simple_pdf

from vraagbaak.corpus import DEFAULT_CORPUS, UnreadableDocumentError, read_file, read_path
from vraagbaak.corpus.formats import Limits
from vraagbaak.corpus.pdf import NO_TEXT, PdfReader, _in_child, read_pdf
from vraagbaak.index.passages import Splitter


def paragraphs(corpus):
    for doc in corpus.documents:
        for section in doc.sections:
            for p in section.paragraphs:
                yield section, p


def find(corpus, needle):
    hits = [(s, p) for s, p in paragraphs(corpus) if needle in p.text]
    assert len(hits) == 1, f"{needle!r} found {len(hits)} times"
    return hits[0]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return read_path(report_pdf(tmp_path_factory.mktemp("pdf") / "rapport.pdf"))


def test_metadata_from_the_largest_text_and_the_running_header(report):
    (doc,) = report.documents
    assert doc.title == "Toezicht op de jeugdzorg Een onderzoek naar wachttijden"  # /Title is "Microsoft Word - ..."
    assert (doc.date.isoformat(), doc.reference, doc.id) == ("2026-03-12", "2026-0042", "pdf-2026-0042")
    assert (doc.first_page, doc.last_page, report.page_count) == (1, 5, 5)
    assert doc.page_labels == {1: "i", 2: "ii", 3: "1", 4: "2", 5: "3"}


def test_running_headers_footers_and_contents_are_not_text(report):
    for _, p in paragraphs(report):
        for noise in ("Pagina", "Kenmerk", "Inspectie Justitie en Veiligheid |", "....", "Inhoudsopgave"):
            assert noise not in p.text, (noise, p.text)
    assert all(p.page > 1 for _, p in paragraphs(report)), "the contents page became a passage"
    passages = Splitter().split(report)
    assert not [x for x in passages if "Aanbevelingen" in x.text]  # only the section itself carries the heading


def test_headings_by_number_and_by_size_nest_by_level(report):
    assert [s.path for s in report.documents[0].sections] == [
        ["Inleiding"],  # the page-2 sentence before the first heading
        ["1. Inleiding"],
        ["2. Bevindingen", "Wachtlijsten in de regio"],  # 12 pt, not bold, not numbered: a heading by size
        ["2. Bevindingen", "2.1 Wachttijden"],
        ["3. Aanbevelingen"],
    ]


def test_footnote_attached_to_the_paragraph_with_its_raised_mark(report):
    _, p = find(report, "jeugdbescherming")
    assert "land.¹ Dat toezicht" in p.text
    assert [(f.mark, f.text, f.page) for f in p.footnotes] == [
        ("¹", "Kamerstukken II, 2025-2026, 31 839, nr. 1012.", 3)
    ]
    assert not any(p.text.startswith(("¹", "1 Kamerstukken")) for _, p in paragraphs(report))


def test_line_end_hyphen_and_lost_ligature_repaired(report):
    _, p = find(report, "jeugdreclassering in alle regio's")
    assert "reclasse-" not in p.text
    _, p = find(report, "De financiële middelen")
    assert "inanciële" not in p.text.replace("financiële", "")
    for _, p in paragraphs(report):
        assert "\ufffe" not in p.text and "\ufffd" not in p.text and "\u00ad" not in p.text


def test_paragraph_cut_by_a_page_break_is_joined(report):
    _, p = find(report, "gezamenlijk optreden om de wachttijden terug te dringen.")
    assert (p.page, p.page_end) == (3, 4)
    assert p.page_at(p.text.index("gezamenlijk")) == 3 and p.page_at(p.text.index("optreden")) == 4


def test_table_rows_stay_rows(report):
    section, _ = find(report, "De wachttijden per jaar")
    rows = [p.text for p in section.paragraphs if p.kind == "row"]
    assert rows == [
        "Jaar | Gemiddelde wachttijd | Aantal kinderen",
        "2024 | 14 weken | 3.100",
        "2025 | 17 weken | 3.450",
    ]


def test_two_columns_read_in_order(report):
    section, _ = find(report, "zodat gemeenten niet langer op elkaar wachten voordat een kind de zorg krijgt")
    texts = [q.text[:20] for q in section.paragraphs]
    assert texts == ["Gemeenten moeten de ", "Regio's die de inkoo", "Het ministerie moet ", "De inspectie komt in"]


# --------------------------------------------------------------------------- the shipped letter as a PDF


@pytest.fixture(scope="module")
def letter_pair(tmp_path_factory):
    text = read_file(DEFAULT_CORPUS)
    return text, read_path(letter_pdf(text, tmp_path_factory.mktemp("pdf") / "beleidsbrief.pdf"))


def test_the_letter_as_a_pdf_has_the_text_readers_pages_and_sections(letter_pair):
    text, pdf = letter_pair
    assert pdf.page_count == text.page_count == 15
    (doc,) = pdf.documents
    assert (doc.id, doc.title, doc.date.isoformat()) == (
        "brief-7534332",
        "Beleidsbrief Justitie en Veiligheid",
        "2026-04-24",
    )
    pairs = list(zip(paragraphs(text), paragraphs(pdf), strict=True))  # the same paragraphs, in the same order
    for (section, p), (s, q) in pairs:
        assert q.text == p.text
        assert (q.page, q.page_end, q.breaks) == (p.page, p.page_end, p.breaks), p.text[:60]
        assert s.heading == section.heading, p.text[:60]
        assert [(f.mark, f.text, f.page) for f in q.footnotes] == [(f.mark, f.text, f.page) for f in p.footnotes]
    assert len(pairs) > 50


# --------------------------------------------------------------------------- refusals, one line each


def refused(path: Path, reader: PdfReader | None = None) -> str:
    with pytest.raises(UnreadableDocumentError) as e:
        (reader or PdfReader()).read(path)
    message = str(e.value)
    assert "\n" not in message and message.startswith(f"{path.name}: ")
    return message.removeprefix(f"{path.name}: ")


def test_an_empty_file(tmp_path):
    (tmp_path / "leeg.pdf").write_bytes(b"")
    assert refused(tmp_path / "leeg.pdf") == "the file is empty"


def test_a_truncated_pdf(tmp_path):
    data = simple_pdf(tmp_path / "heel.pdf").read_bytes()
    (tmp_path / "half.pdf").write_bytes(data[: len(data) // 2])
    assert "truncated" in refused(tmp_path / "half.pdf")


def test_a_damaged_pdf_that_still_ends_in_eof(tmp_path):
    (tmp_path / "kapot.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50 + b"\n%%EOF\n")
    assert "not a readable PDF" in refused(tmp_path / "kapot.pdf")


def test_html_named_pdf(tmp_path):
    (tmp_path / "pagina.pdf").write_text("<!DOCTYPE html><html><body>Kamerbrief</body></html>", encoding="utf-8")
    assert refused(tmp_path / "pagina.pdf") == "an HTML page named .pdf, not a PDF"


def test_a_password_protected_pdf(tmp_path):
    assert refused(protected_pdf(tmp_path / "geheim.pdf")) == "the PDF is password-protected"


def test_a_scanned_pdf_without_a_text_layer(tmp_path):
    assert refused(scanned_pdf(tmp_path / "scan.pdf")) == NO_TEXT


def test_size_and_page_limits(tmp_path):
    path = simple_pdf(tmp_path / "drie.pdf", pages=3)
    assert "more than the limit of 100" in refused(path, PdfReader(limits=Limits(max_bytes=100)))
    assert refused(path, PdfReader(limits=Limits(max_pages=2))) == "3 pages, more than the limit of 2"
    assert PdfReader(limits=Limits(max_pages=3)).read(path).page_count == 3


def test_the_registry_limits_apply_to_every_reader(tmp_path):
    """What VRAAGBAAK_MAX_PAGES and VRAAGBAAK_MAX_DOCUMENT_MB set (the CLI calls set_limits)."""
    from vraagbaak.corpus.formats import limits, set_limits

    pdf = simple_pdf(tmp_path / "drie.pdf", pages=3)
    text = tmp_path / "notitie.md"
    text.write_text("# Notitie\n\n" + "Tekst. " * 100, encoding="utf-8")
    before = limits()
    try:
        set_limits(Limits(max_pages=2))
        with pytest.raises(UnreadableDocumentError, match=r"^drie\.pdf: 3 pages, more than the limit of 2$"):
            read_path(pdf)
        set_limits(Limits(max_bytes=500))
        with pytest.raises(UnreadableDocumentError, match=r"^notitie\.md: \d+ bytes, more than the limit of 500$"):
            read_path(text)
    finally:
        set_limits(before)
    assert read_path(pdf).page_count == 3


def _parse_forever(path: Path, **_: object) -> None:
    time.sleep(3600)


def test_a_parse_that_runs_too_long_is_stopped(tmp_path):
    path = simple_pdf(tmp_path / "traag.pdf")
    with pytest.raises(UnreadableDocumentError, match=r"^traag\.pdf: parsing took longer than the limit of 0\.5 s$"):
        _in_child(path, "", 10, 0.5, _parse_forever)


def test_in_process_and_in_child_read_the_same(tmp_path):
    path = simple_pdf(tmp_path / "notitie.pdf", pages=2)
    checksum = PdfReader().read(path).checksum
    assert PdfReader(limits=Limits(timeout_s=None)).read(path) == PdfReader().read(path)
    assert read_pdf(path, checksum=checksum) == PdfReader().read(path)


def test_passages_carry_the_page_label_and_cite_it(report):
    from vraagbaak.index.passages import Splitter

    passages = Splitter().split(report)
    labelled = [p for p in passages if p.page == 4]
    assert labelled and all(p.page_label == "2" for p in labelled)
    assert all(p.citation.endswith(", p. 2") for p in labelled if p.page_end == 4)
    assert all(p.source_url.endswith("#page=4") for p in labelled), "the link opens the PDF's 4th page"
