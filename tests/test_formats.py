"""The reader registry: one reader per file type, and one clear line for a file none can read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vraagbaak.corpus import DEFAULT_CORPUS, UnreadableDocumentError, read_file, read_path, reader_for
from vraagbaak.corpus.formats import readers

FIXTURES = Path(__file__).with_name("fixtures")


def test_the_shipped_letter_reads_the_same_through_the_registry():
    assert reader_for(DEFAULT_CORPUS).name == "text"
    assert read_path(DEFAULT_CORPUS) == read_file(DEFAULT_CORPUS), "a .txt with the letterhead is the extracted letter"


@pytest.mark.parametrize("name", ["brief.docx", "brief", "BRIEF.ODT"])
def test_an_unsupported_type_is_one_line_naming_the_file(name):
    with pytest.raises(UnreadableDocumentError, match=rf"^{name}: unsupported file type .*; supported: .*\.txt"):
        reader_for(Path(name))


def test_a_file_that_is_not_text_is_refused_with_its_name(tmp_path):
    bad = tmp_path / "brief.txt"
    bad.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(UnreadableDocumentError, match=r"^brief\.txt: "):
        read_path(bad)


def test_a_document_without_a_date_is_cited_without_one():
    from vraagbaak.corpus import Document
    from vraagbaak.index.passages import citation

    doc = Document(
        id="rapport-x", kind="rapport", title="Rapport", date=None, reference=None, source="x.pdf", first_page=1,
        last_page=3,
    )  # fmt: skip
    assert citation(doc, "Inleiding", 2, 3) == "Rapport, Inleiding, p. 2–3"
    assert doc.describe()["date"] is None and doc.describe()["reference"] is None


def test_a_citation_uses_the_page_labels_a_viewer_shows():
    from vraagbaak.corpus import Document
    from vraagbaak.index.passages import citation

    doc = Document(
        id="r", kind="rapport", title="Rapport", date=None, reference=None, source="r.pdf", first_page=1, last_page=6,
        page_labels={1: "i", 2: "ii", 3: "1", 4: "2"},
    )  # fmt: skip
    assert citation(doc, "Samenvatting", 2, 2) == "Rapport, Samenvatting, p. ii"
    assert citation(doc, "Aanpak", 3, 4) == "Rapport, Aanpak, p. 1–2"
    assert citation(doc, "Bijlage", 5, 6) == "Rapport, Bijlage, p. 5–6", "unlabelled pages keep their index"


def test_a_document_without_pages_is_cited_by_title_and_section():
    from vraagbaak.corpus import Document
    from vraagbaak.index.passages import citation

    doc = Document(
        id="n", kind="markdown", title="Notitie", date=None, reference=None, source="n.md", first_page=None,
        last_page=None,
    )  # fmt: skip
    assert citation(doc, "Aanpak", None, None) == "Notitie, Aanpak"
    assert citation(doc, "Notitie", None, None) == "Notitie", "a plain text's one section is its title"


# --------------------------------------------------------------------------- the contract every reader keeps


def _fixture(reader_name: str, tmp_path: Path) -> Path:
    """A small file each registered reader must read; a new reader without one fails the contract test."""
    from pdfs import report_pdf

    return {
        "text": lambda: DEFAULT_CORPUS,
        "pdf": lambda: report_pdf(tmp_path / "rapport.pdf"),
        "markdown": lambda: FIXTURES / "notitie.md",
        "html": lambda: FIXTURES / "kamerstuk.html",
    }[reader_name]()


@pytest.mark.parametrize("reader", readers(), ids=lambda r: r.name)
def test_every_reader_keeps_the_model_contract(reader, tmp_path):
    path = _fixture(reader.name, tmp_path)
    assert reader_for(path) is reader
    corpus = read_path(path)
    assert corpus == read_path(path), "reading is deterministic"
    assert corpus.documents and corpus.source == path.name and len(corpus.checksum) == 64
    for doc in corpus.documents:
        assert doc.id and doc.title and doc.source == path.name
        if doc.has_pages:
            assert 1 <= doc.first_page <= doc.last_page <= corpus.page_count
        else:
            assert doc.last_page is None and corpus.page_count == 0
        assert doc.sections
        for section in doc.sections:
            assert section.path and all(section.path) and section.paragraphs
            for p in section.paragraphs:
                assert p.text.strip() and p.kind in {"paragraph", "list_item", "row", "signature"}
                if doc.has_pages:
                    assert doc.first_page <= p.page <= p.page_end <= doc.last_page
                else:
                    assert p.page is None and p.page_end is None and not p.breaks
                assert p.breaks == sorted(p.breaks) and all(0 < b < len(p.text) for b in p.breaks)
                assert not set(p.text) & {"\ufffe", "\ufffd"}
                for f in p.footnotes:
                    assert f.mark in p.text and f.text


@pytest.mark.parametrize("name", ["notitie.md", "kamerstuk.html", "memo-gevangeniswezen.txt"])
def test_every_text_format_refuses_an_empty_or_binary_file_in_one_line(name, tmp_path):
    empty = tmp_path / name
    empty.write_text("  \n\n")
    with pytest.raises(UnreadableDocumentError, match=rf"^{re.escape(name)}: the file is empty$"):
        read_path(empty)
    empty.write_bytes(b"GIF89a\x00\x01\x00")
    with pytest.raises(UnreadableDocumentError, match=rf"^{re.escape(name)}: a binary file, not text$"):
        read_path(empty)
    empty.write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(UnreadableDocumentError, match=rf"^{re.escape(name)}: not UTF-8 text"):
        read_path(empty)
