"""The reader registry: one reader per file type, and one clear line for a file none can read."""

from __future__ import annotations

from pathlib import Path

import pytest

from vraagbaak.corpus import DEFAULT_CORPUS, UnreadableDocumentError, read_file, read_path, reader_for


def test_the_shipped_letter_reads_the_same_through_the_registry():
    assert reader_for(DEFAULT_CORPUS).name == "extracted-letter"
    assert read_path(DEFAULT_CORPUS) == read_file(DEFAULT_CORPUS)


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
