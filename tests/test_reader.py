"""The reader against facts of this letter, checked by hand against the extracted text.

Page boundaries determined by hand (see corpus/reader.py for the rule): page 1
ends at "Nederland wordt namelijk"; the letter runs to page 12, the annex is
pages 13-14 (a bill row wraps across the break) and the memo is page 15.
"""

from __future__ import annotations

import re

import pytest

from vraagbaak.corpus import DEFAULT_CORPUS, read_text
from vraagbaak.corpus.reader import running_header_pages

HEADER_WORDS = ["Cluster secretaris-generaal", "Bestuursondersteuning", "Stukkenstroom", "Onze referentie", "7534332"]


def paragraphs(corpus):
    for doc in corpus.documents:
        for section in doc.sections:
            for p in section.paragraphs:
                yield doc, section, p


def find(corpus, needle):
    hits = [(d, s, p) for d, s, p in paragraphs(corpus) if needle in p.text]
    assert len(hits) == 1, f"{needle!r} found {len(hits)} times"
    return hits[0]


def page_of(corpus, needle):
    _, _, p = find(corpus, needle)
    return p.page_at(p.text.index(needle))


def test_three_documents_with_their_metadata(corpus):
    docs = [(d.id, d.kind, d.title, d.date.isoformat(), d.reference) for d in corpus.documents]
    assert docs == [
        ("brief-7534332", "brief", "Beleidsbrief Justitie en Veiligheid", "2026-04-24", "7534332"),
        (
            "bijlage-7534332",
            "bijlage",
            "Wetgevingplanning ministerie van Justitie en Veiligheid per Q2 2026",  # printed in capitals
            "2026-04-24",
            "7534332",
        ),
        ("nota-7474795", "nota", "Beleidsbrief Justitie en Veiligheid", "2026-04-02", "7474795"),
    ]


def test_page_count_and_document_pages(corpus):
    assert corpus.page_count == 15
    assert [(d.first_page, d.last_page) for d in corpus.documents] == [(1, 12), (13, 14), (15, 15)]


def test_every_letter_page_after_the_first_carries_one_running_header():
    assert running_header_pages(DEFAULT_CORPUS.read_text(encoding="utf-8")) == {p: 1 for p in range(2, 13)}


@pytest.mark.parametrize(
    ("sentence", "page"),
    [
        ("In het coalitieakkoord hebben drie partijen", 1),
        ("Nederland wordt namelijk", 1),
        ("geconfronteerd met een opeenstapeling van all hazard-dreigingen", 2),
        ("We maken structureel 348 miljoen euro vrij", 2),
        ("moeten zijn met de juiste bevoegdheden en middelen", 3),
        ("medeplichtigen van eerge relateerd geweld", 4),
        ("Het demonstratierecht is een fundamenteel onderdeel", 5),  # the header before it closed page 4
        ("De Tweede Kamer heeft via motie Mutluer c.s.", 6),
        ("We investeren samen met SZW en Financiën", 7),
        ("We zetten Preventie met Gezag onverminderd voort", 8),  # inside a split header
        ("ongewenste buitenlandse inmenging", 9),
        ("personen. Afgelopen jaar stond in het teken", 10),
        ("75 miljoen euro beschikbaar in 2027", 10),
        ("gehoord en gezien, problemen in gezinnen", 11),
        ("Met deze brief hebben wij uiteen gezet", 12),
        ("Wetsvoorstel verbetering kroongetuigeregeling", 13),
        ("mogelijkheid van een civielrechtelijk bestuursverbod", 14),
        ("Wetsvoorstel strafbaarstelling verheerlijken terrorisme", 14),
        ("Conform instructie van AZ", 15),
    ],
)
def test_page_of_sentences(corpus, sentence, page):
    assert page_of(corpus, sentence) == page


def test_headings_found(corpus):
    letter, annex, memo = corpus.documents
    assert [s.path for s in letter.sections] == [
        ["Inleiding"],
        ["Veiligheid thuis, op straat en online", "Gezag en orde op straat"],
        ["Geweld tegen vrouwen, huiselijk geweld en kindermishandeling"],
        ["Online"],
        ["Sterke rechtsstaat"],
        ["Toegang tot het recht en adequate rechtsbescherming"],
        ["Deltaplan voor de strafrechtketen"],
        ["Gegevensdeling"],
        ["Strijd tegen antisemitisme"],
        ["Sekswerk"],
        ["Uit de armoede en schulden"],
        ["Georganiseerde misdaad aanpakken"],
        ["Taskforce ondermijning"],
        ["Preventie"],
        ["Strijd tegen hybride dreigingen en terrorisme", "Weerbaarheid en hybride dreigingen"],
        ["Contraterrorisme"],
        ["Bewaken en beveiligen"],
        ["Uitvoering van sancties"],
        ["Verbetering kind- en gezinsbescherming"],
        ["Tot slot"],
    ]
    assert [s.heading for s in annex.sections] == [
        "Kwartaal 2 2026",
        "Kwartaal 3 2026",
        "Kwartaal 4 2026",
        "Kwartaal 1 2027",
        "Planning nader te bepalen",
    ]
    assert [s.path for s in memo.sections] == [
        ["1. Aanleiding"],
        ["2. Geadviseerd besluit"],
        ["3. Kernpunten"],
        ["4. Toelichting"],
        ["5. Informatie die niet openbaar gemaakt kan worden", "5.1. Toelichting"],
    ]


def test_list_items_and_signatures_are_not_headings(corpus):
    headings = {h for d in corpus.documents for s in d.sections for h in s.path}
    assert not any(h.startswith(("1)", "- ", "D.M.", "Claudia", "De Minister")) for h in headings)
    _, section, item = find(corpus, "1) Een hardere aanpak van ondermijning")
    assert item.kind == "list_item" and section.heading == "Taskforce ondermijning"
    _, section, sig = find(corpus, "D.M. van Weel")
    assert sig.kind == "signature" and section.heading == "Tot slot"


def test_no_layout_noise_in_any_paragraph(corpus):
    for _, _, p in paragraphs(corpus):
        for word in [*HEADER_WORDS, "Retouradres", "Turfmarkt", "Postbus", "www.rijksoverheid.nl"]:
            assert word not in p.text, (word, p.text[:80])
        assert "*" not in p.text
        assert not re.match(r"^(Datum|Betreft|Bijlage)", p.text)


def test_cut_paragraphs_are_joined_across_breaks(corpus):
    _, section, p = find(corpus, "Nederland wordt namelijk geconfronteerd met een opeenstapeling")
    assert section.heading == "Inleiding" and (p.page, p.page_end) == (1, 2)
    _, _, p = find(corpus, "toegerust moeten zijn met de juiste bevoegdheden")  # cut by a page break and a header
    assert (p.page, p.page_end) == (2, 3)
    _, _, p = find(corpus, "bestraffen van daders en medeplichtigen")  # cut around a footnote block
    assert (p.page, p.page_end) == (3, 4)
    _, section, row = find(corpus, "de invoering in dat kader van de mogelijkheid van een civielrechtelijk")
    assert row.kind == "row" and section.heading == "Kwartaal 1 2027" and (row.page, row.page_end) == (13, 14)


def test_footnotes_attach_to_the_paragraph_carrying_their_mark(corpus):
    letter = corpus.documents[0]
    assert [(f.mark, f.page) for f in letter.footnotes] == [
        ("¹", 3), ("²", 3), ("³", 5), ("⁴", 5), ("⁵", 6), ("⁶", 6), ("⁷", 6), ("⁸", 11),
    ]  # fmt: skip
    _, _, p = find(corpus, "initiatiefnota Michon-Derkzen")
    assert [(f.mark, f.text) for f in p.footnotes] == [
        ("¹", "Kamerstukken II, 2024-2025, 36 650."),
        ("²", "Kamerstukken II, 2025-2026, 36650, nr. 5."),
    ]
    for _, _, p in paragraphs(corpus):
        assert not re.match(r"^[¹²³⁴⁵⁶⁷⁸⁹]", p.text), "a footnote became a paragraph"
        for f in p.footnotes:
            assert f.mark in p.text


def test_reading_is_deterministic_and_checksummed():
    text = DEFAULT_CORPUS.read_text(encoding="utf-8")
    a, b = read_text(text), read_text(text)
    assert a == b and len(a.checksum) == 64


def test_a_letter_without_letterhead_is_refused():
    with pytest.raises(ValueError, match="letterhead"):
        read_text("Zomaar wat tekst.\n\nNog een alinea.\n")


def test_list_items_without_blank_lines_are_separate(corpus):
    _, section, _ = find(corpus, "1) Een hardere aanpak")
    items = [p for p in section.paragraphs if p.kind == "list_item"]
    assert [p.text[:2] for p in items] == ["1)", "2)", "3)", "4)"]
    assert not any(" - " in p.text[:3] or p.text.startswith("-") for p in items)


def test_a_title_printed_in_capitals_is_written_in_sentence_case_with_the_names_the_text_prints():
    from vraagbaak.corpus.words import sentence_case

    text = "De Inspectie Justitie en Veiligheid houdt toezicht. Het OM en de politie werken samen."
    assert sentence_case("JAARVERSLAG VAN DE INSPECTIE JUSTITIE EN VEILIGHEID 2025", text) == (
        "Jaarverslag van de Inspectie Justitie en Veiligheid 2025"
    )
    assert sentence_case("SAMENWERKING OM EN POLITIE PER Q2", text) == "Samenwerking OM en politie per Q2"
    assert sentence_case("Beleidsbrief Justitie en Veiligheid", text) == "Beleidsbrief Justitie en Veiligheid"
    assert sentence_case("NOTA", text) == "NOTA", "too short to judge"
