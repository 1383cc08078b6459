"""Markdown, HTML and plain text: documents without pages, their structure, and what is not text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from vraagbaak.corpus import UnreadableDocumentError, read_path
from vraagbaak.index.passages import Splitter

FIXTURES = Path(__file__).with_name("fixtures")


def _outline(path: Path) -> list[tuple[list[str], str, str]]:
    doc = read_path(path).documents[0]
    return [(s.path, p.kind, p.text) for s in doc.sections for p in s.paragraphs]


# --------------------------------------------------------------------------- Markdown


def test_markdown_front_matter_gives_title_author_date_and_reference():
    doc = read_path(FIXTURES / "notitie.md").documents[0]
    assert (doc.id, doc.kind, doc.title) == ("notitie", "markdown", "Notitie cyberweerbaarheid mkb")
    assert doc.date == date(2026, 3, 14) and doc.author == "A. de Vries, B. Jansen" and doc.reference == "2026-0117"
    assert doc.first_page is None and doc.last_page is None


def test_markdown_headings_are_sections_and_the_title_heading_is_not_one():
    paths = [p for p, _, _ in _outline(FIXTURES / "notitie.md")]
    assert paths[0] == ["Inleiding"]
    assert ["Aanpak"] in paths and ["Aanpak", "Kosten"] in paths
    assert all("Notitie cyberweerbaarheid mkb" not in p for p in paths)


def test_markdown_keeps_the_words_and_drops_the_editor_markup():
    outline = _outline(FIXTURES / "notitie.md")
    texts = [t for _, _, t in outline]
    assert texts[0].startswith("Het kabinet wil dat kleine ondernemers zich beter weren tegen ransomware¹.")
    assert "de subsidie." in texts[0] and "**" not in texts[0] and "https://" not in texts[0]
    joined = "\n".join(texts)
    for gone in ("color: red", "hackmd", "{%", "[!Note]", ":::", "<div", "<em>"):
        assert gone.lower() not in joined.lower(), gone
    assert "Ondernemers met minder dan tien medewerkers krijgen voorrang." in texts, "the admonition's words stay"
    assert "Het Digital Trust Center voert de regeling uit." in texts, "the ::: fence's words stay"
    assert "Het Digital Trust Center rapporteert jaarlijks." in texts, "an HTML block keeps its visible words"
    assert ("list_item", "een gratis scan van de website;") in [(k, t) for _, k, t in outline]
    assert ("row", "Scans | 4 miljoen euro") in [(k, t) for _, k, t in outline]


def test_markdown_footnotes_attach_to_the_paragraph_that_carries_the_mark():
    doc = read_path(FIXTURES / "notitie.md").documents[0]
    first = doc.sections[0].paragraphs[0]
    assert [(f.mark, f.text, f.page) for f in first.footnotes] == [
        ("¹", "Zie het Cybersecuritybeeld Nederland 2025.", None)
    ]
    assert "[^1]" not in "\n".join(p.text for s in doc.sections for p in s.paragraphs)


def test_markdown_without_front_matter_takes_its_title_from_the_first_heading(tmp_path):
    path = tmp_path / "korte-notitie.md"
    path.write_text("# Nota over toezicht\n\nTekst.\n\n## Vervolg\n\nMeer.\n", encoding="utf-8")
    doc = read_path(path).documents[0]
    assert (doc.title, doc.kind) == ("Nota over toezicht", "nota")
    path.write_text("Alleen tekst.\n", encoding="utf-8")
    assert read_path(path).documents[0].title == "Korte notitie"


def test_markdown_with_broken_front_matter_is_refused_in_one_line(tmp_path):
    path = tmp_path / "stuk.md"
    path.write_text("---\ntitle: [niet gesloten\n---\n\nTekst.\n", encoding="utf-8")
    with pytest.raises(UnreadableDocumentError, match=r"^stuk\.md: the front matter is not valid YAML"):
        read_path(path)


# --------------------------------------------------------------------------- HTML


def test_html_title_date_and_sections():
    doc = read_path(FIXTURES / "kamerstuk.html").documents[0]
    assert (doc.id, doc.kind, doc.title, doc.date) == (
        "kamerstuk",
        "html",
        "Slachtofferhulp in het strafproces",
        date(2026, 2, 10),
    )
    paths = [s.path for s in doc.sections]
    assert paths == [["Inleiding"], ["1. Aanleiding"], ["1. Aanleiding", "Cijfers"], ["2. Financiën"]]


def test_html_drops_the_boilerplate_and_keeps_blocks_lists_and_rows():
    outline = _outline(FIXTURES / "kamerstuk.html")
    joined = "\n".join(t for _, _, t in outline)
    for gone in ("Overheid.nl", "Zoeken", "analytics", "font-family", "Copyright", "Voetnoten", "↩"):
        assert gone not in joined, gone
    assert (["1. Aanleiding"], "paragraph", "Het spreekrecht wordt uitgebreid² naar alle misdrijven.") in outline
    kinds = [(k, t) for _, k, t in outline]
    assert ("list_item", "sneller inzage in het dossier") in kinds and ("list_item", "ook digitaal") in kinds
    assert ("row", "2025 | 42.000") in kinds


def test_html_linked_notes_become_footnotes_of_the_paragraph_that_cites_them():
    doc = read_path(FIXTURES / "kamerstuk.html").documents[0]
    notes = {p.text[:20]: [(f.mark, f.text) for f in p.footnotes] for s in doc.sections for p in s.paragraphs}
    assert notes["Slachtoffers krijgen"] == [("¹", "Zie de Aanwijzing slachtofferrechten.")]
    assert notes["Het spreekrecht word"] == [("²", "Kamerstukken II 2025/26, 33 552, nr. 118.")]


def test_an_html_page_without_text_is_refused(tmp_path):
    path = tmp_path / "leeg.html"
    path.write_text("<html><body><nav>Menu</nav><script>x()</script></body></html>", encoding="utf-8")
    with pytest.raises(UnreadableDocumentError, match=r"^leeg\.html: no text in the page$"):
        read_path(path)


# --------------------------------------------------------------------------- plain text


def test_plain_text_is_paragraphs_under_the_file_name():
    doc = read_path(FIXTURES / "memo-gevangeniswezen.txt").documents[0]
    assert (doc.id, doc.kind, doc.title, doc.first_page) == (
        "memo-gevangeniswezen",
        "tekst",
        "Memo gevangeniswezen",
        None,
    )
    texts = [p.text for s in doc.sections for p in s.paragraphs]
    assert texts[1] == (
        "De bezetting van de penitentiaire inrichtingen lag in oktober op 97 procent. Het kabinet opent in 2027 "
        "twee nieuwe locaties met samen 600 plaatsen."
    )
    assert texts[2] == "De wachttijden voor zelfmelders lopen op tot vier maanden in Noord-Holland."


def test_text_formats_never_keep_ligature_or_replacement_characters(tmp_path):
    for name, body in [
        ("a.txt", "De ﬁnanciën en de kwali\ufffeit\u00ad."),
        ("a.md", "# T\n\nDe ﬁnanciën en de kwali\ufffeit\u00ad."),
    ]:
        path = tmp_path / name
        path.write_text(body, encoding="utf-8")
        text = read_path(path).documents[0].sections[0].paragraphs[0].text
        assert "financiën" in text and not set(text) & {"\ufffe", "\ufffd", "\u00ad", "ﬁ"}


# --------------------------------------------------------------------------- passages without pages


@pytest.mark.parametrize("name", ["notitie.md", "kamerstuk.html", "memo-gevangeniswezen.txt"])
def test_passages_of_a_document_without_pages_have_no_pages_and_no_page_in_the_citation(name):
    corpus = read_path(FIXTURES / name)
    passages = Splitter().split(corpus)
    assert passages
    for p in passages:
        assert p.page is None and p.page_end is None and p.page_label is None and p.source_url is None
        assert "p." not in p.citation.split(", ")[-1]
        assert p.document.source == name
    doc = corpus.documents[0]
    assert passages[0].citation.startswith(doc.title)


# --------------------------------------------------------------------------- through the index and the API


def test_a_mixed_corpus_is_served_with_null_pages_where_there_are_none(tmp_path):
    import shutil

    from fakes import HashEmbedder

    from vraagbaak.corpus import DEFAULT_CORPUS
    from vraagbaak.index.build import build_index
    from vraagbaak.index.config import RetrievalConfig
    from vraagbaak.index.search import Searcher
    from vraagbaak.index.store import load_index
    from vraagbaak.service.app import create_app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in [DEFAULT_CORPUS, *(FIXTURES / n for n in ("notitie.md", "kamerstuk.html", "memo-gevangeniswezen.txt"))]:
        shutil.copy(path, corpus / path.name)
    embedder = HashEmbedder()
    build_index(corpus, tmp_path / "index", embedder, progress=False)
    searcher = Searcher(load_index(tmp_path / "index"), embedder, RetrievalConfig())
    client = create_app(searcher=searcher).test_client()

    docs = {d["id"]: d for d in client.get("/api/documents").get_json()["documents"]}
    assert {k: (d["kind"], d["first_page"], d["last_page"]) for k, d in docs.items() if d["first_page"] is None} == {
        "notitie": ("markdown", None, None),
        "kamerstuk": ("html", None, None),
        "memo-gevangeniswezen": ("tekst", None, None),
    }
    assert docs["notitie"]["author"] == "A. de Vries, B. Jansen" and docs["brief-7534332"]["first_page"] == 1

    hit = client.get("/api/search", query_string={"q": "slachtoffers spreekrecht", "document": "kamerstuk"}).get_json()
    top = hit["results"][0]
    assert (top["page"], top["page_end"], top["page_label"], top["source_url"]) == (None, None, None, None)
    assert top["citation"].startswith("Slachtofferhulp in het strafproces (10 februari 2026), ")
    assert top["document"]["source"] == "kamerstuk.html"
    letter = client.get("/api/search", query_string={"q": "politie", "document": "brief-7534332"}).get_json()
    assert letter["results"][0]["page"] >= 1 and ", p. " in letter["results"][0]["citation"]


def test_the_one_level_1_heading_is_the_title_even_after_a_line_of_metadata(tmp_path):
    page = tmp_path / "ks.html"
    page.write_text(
        "<main><p>Tweede Kamer, vergaderjaar 2025–2026</p><h1>Brief over toezicht</h1><h2>Inleiding</h2><p>Tekst.</p>"
        "</main>",
        encoding="utf-8",
    )
    doc = read_path(page).documents[0]
    assert (doc.title, doc.kind) == ("Brief over toezicht", "brief")
    assert [(s.path, [p.text for p in s.paragraphs]) for s in doc.sections] == [
        (["Inleiding"], ["Tweede Kamer, vergaderjaar 2025–2026"]),
        (["Inleiding"], ["Tekst."]),
    ]
    note = tmp_path / "twee.md"
    note.write_text("# Deel een\n\nTekst een.\n\n# Deel twee\n\nTekst twee.\n", encoding="utf-8")
    doc = read_path(note).documents[0]
    assert doc.title == "Twee" and [s.path for s in doc.sections] == [["Deel een"], ["Deel twee"]]


def test_a_list_of_short_lines_that_are_not_sentences_is_one_passage_per_entry(tmp_path):
    """A planning printed as lines (no table cells) is retrieved entry by entry, as table rows are."""
    note = tmp_path / "planning.md"
    note.write_text(
        "# Planning\n\n## Kwartaal 3 2026\n\nIndiening TK - Wet gegevensvergaring openbare orde\n\n"
        "Indiening TK - Reparatiewet Varkens in Nood-arrest\n\nConsultatie - Wet versterking kroongetuigen\n\n"
        "## Toelichting\n\nDe planning is indicatief.\n\nZij wordt elk kwartaal bijgewerkt.\n\n"
        "Vragen gaan naar de directie.\n",
        encoding="utf-8",
    )
    passages = Splitter().split(read_path(note))
    assert [p.text for p in passages if p.section == "Kwartaal 3 2026"] == [
        "Indiening TK - Wet gegevensvergaring openbare orde",
        "Indiening TK - Reparatiewet Varkens in Nood-arrest",
        "Consultatie - Wet versterking kroongetuigen",
    ]
    assert len([p for p in passages if p.section == "Toelichting"]) == 1, "sentences stay together"
