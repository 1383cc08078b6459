"""assemble(): blocks in reading order -> documents, nested sections, joined paragraphs, footnotes; and word repair."""

from __future__ import annotations

import pytest

from vraagbaak.corpus.blocks import JOIN_WITHOUT_SPACE, DocumentStart, FootnoteBlock, Heading, Text, assemble
from vraagbaak.corpus.words import Lexicon, join_hyphenated, repair_words


def build(*blocks):
    return assemble(blocks, source="x.pdf", checksum="c", page_count=4)


def test_sections_nest_by_level_and_text_before_a_heading_is_inleiding():
    corpus = build(
        DocumentStart("rapport-x", "rapport", "Rapport", 1),
        Text("Voorwoord.", 1),
        Heading("1. Een", 1, 1),
        Heading("1.1 Twee", 2, 1),
        Text("Onder twee.", 1),
        Heading("1.2 Drie", 2, 2),
        Text("Onder drie.", 2),
        Heading("2. Vier", 1, 3),
        Text("Onder vier.", 3, kind="list_item"),
    )
    (doc,) = corpus.documents
    assert [s.path for s in doc.sections] == [
        ["Inleiding"],
        ["1. Een", "1.1 Twee"],
        ["1. Een", "1.2 Drie"],
        ["2. Vier"],
    ]
    assert doc.sections[-1].paragraphs[0].kind == "list_item" and (doc.first_page, doc.last_page) == (1, 3)


def test_a_paragraph_continued_across_pages_records_its_breaks():
    corpus = build(
        DocumentStart("d", "pdf", "D", 1),
        Text("Een zin die door", 1),
        FootnoteBlock("¹", "Een voetnoot.", 1),  # printed between the halves, at the foot of page 1
        Text("loopt op de volgende pagina¹ en ver" + JOIN_WITHOUT_SPACE, 2, continues=True),
        Text("der over een lege pagina heen.", 4, continues=True),
    )
    p = corpus.documents[0].sections[0].paragraphs[0]
    assert p.text == "Een zin die door loopt op de volgende pagina¹ en verder over een lege pagina heen."
    assert (p.page, p.page_end) == (1, 4)
    assert p.page_at(p.text.index("door")) == 1 and p.page_at(p.text.index("loopt")) == 2
    assert p.page_at(p.text.index("der over")) == 4
    assert [(f.mark, f.page) for f in p.footnotes] == [("¹", 1)]


def test_a_footnote_mark_used_twice_takes_the_footnote_on_its_page():
    corpus = build(
        DocumentStart("d", "pdf", "D", 1),
        Text("Eerste¹.", 1),
        FootnoteBlock("¹", "Op pagina 1.", 1),
        Text("Tweede¹.", 3),
        FootnoteBlock("¹", "Op pagina 3.", 3),
    )
    first, second = corpus.documents[0].sections[0].paragraphs
    assert first.footnotes[0].text == "Op pagina 1." and second.footnotes[0].text == "Op pagina 3."


def test_text_before_any_document_is_an_error():
    with pytest.raises(ValueError, match="before any document"):
        build(Text("Zwevend.", 1))


@pytest.fixture(scope="module")
def lexicon():
    return Lexicon()


@pytest.mark.parametrize(
    ("broken", "repaired"),
    [
        ("kwali\ufffeit", "kwaliteit"),  # PDFium's U+FFFE where a ligature glyph had no Unicode
        ("e\ufffdect", "effect"),  # U+FFFD likewise
        ("inanciën", "financiën"),  # the f of "fi" lost
        ("Inanciën", "Financiën"),
        ("ocieel", "officieel"),  # "ffi" lost whole
        ("kwali\u00adteit", "kwaliteit"),  # a soft hyphen inside a word
        ("ﬁnanciën ﬂexibel eﬀect ﬃciënt ﬄ ﬅ ﬆ", "financiën flexibel effect fficiënt ffl st st"),  # U+FB00–FB06
        ("Mutluer Michon-Derkzen eerge", "Mutluer Michon-Derkzen eerge"),  # unknown but not repairable: unchanged
        ("qq\ufffezz", "qqzz"),  # no repair found: the replacement character is still never kept
    ],
)
def test_word_repair(lexicon, broken, repaired):
    assert repair_words(broken, lexicon) == repaired


def test_the_documents_own_words_resolve_a_repair(lexicon):
    own = Lexicon.from_text("De Vraagbaakdienst antwoordt. De Vraagbaakdienst zoekt.")
    assert repair_words("Vraagbaakdien\ufffe", lexicon) == "Vraagbaakdien"  # no list knows it: the glyph dropped
    assert repair_words("Vraagbaakdien\ufffe", own) == "Vraagbaakdienst"  # the "st" ligature, known from the text


@pytest.mark.parametrize(
    ("left", "right", "joined"),
    [
        ("ver\ufffe", "volgens", "vervolgens"),
        ("de jeugdreclasse-", "ring in", "de jeugdreclassering in"),
        ("Noord-", "Holland", "Noord-Holland"),  # a capital after the hyphen: a compound, kept
        ("land-", "en tuinbouw", "land- en tuinbouw"),  # an elided compound
    ],
)
def test_line_end_hyphens(lexicon, left, right, joined):
    assert join_hyphenated(left, right, lexicon) == joined
