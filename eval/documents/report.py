"""A fictional ten-page inspection report on waiting times in youth protection, drawn as a PDF.

The report carries the hard cases of real government PDFs, each at a known place, so that the
evaluation can ask about text that the PDF reader has to rebuild (page = the 1-based page index):

1. title page: the title as the largest text (three lines), /Title set to the same title
2. contents with dot leaders; "Voorwoord", a heading marked by size only
3. "Samenvatting" (size only), a bullet list, a second size-only heading
4. numbered headings "1 Inleiding", "1.1", "1.2"; "wacht-" / "tijden" hyphenated at a line end; footnotes
5. "2.1 Landelijk beeld": a table per region (aligned cells); a footnote
6. "2.2": lost ligatures ("inanciering", "ocieel"); the last paragraph goes on at the top of page 7
7. the continued paragraph, "2.3", a size-only heading "Ervaringen van jongeren", a second hyphenation
8. "3", "3.1", "3.2", a footnote
9. "4 Conclusies en aanbevelingen" in two columns; a paragraph goes on from the left to the right column;
   "inanciering" lost its ligature again
10. "Bijlage Verantwoording": sources as a list, abbreviations as two-cell rows

Every page has the running header (the short title) and the footer "Pagina N van 10". Drawing uses the
kit of ``tests/pdfs.py``; :class:`_Report` refuses a line that would run into the footnotes or off the page,
so that every question's page stays what the gold set says.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.utils import simpleSplit

from tests.pdfs import BODY, BOLD, BOTTOM, LEFT, RIGHT, H, Writer, _running

TITLE = "Wachten op bescherming. Wachttijden in de jeugdbescherming en de jeugdreclassering"
HEADER = "Wachten op bescherming | Inspectie Justitie en Veiligheid | 12 maart 2026"
PAGES = 10
COLUMN = (RIGHT - LEFT - 20) / 2
SENTENCE_END = (".", "!", "?", ":", ";")


class _Report:
    """Page-by-page drawing with a floor: body text never runs into the page's footnotes."""

    def __init__(self, path: Path) -> None:
        self.w = Writer(path, title=TITLE)
        self.floor = BOTTOM
        _running(self.w, 1, PAGES, HEADER)

    # ------------------------------------------------------------------ pages and lines

    def page(self, number: int, *, footnotes: int = 0) -> None:
        """Start page ``number``; ``footnotes`` lines are kept free at its foot."""
        if number > 1:
            self.w.new_page()
            _running(self.w, number, PAGES, HEADER)
        assert self.w.page == number, (self.w.page, number)
        self.floor = BOTTOM + 20 + 10 * footnotes if footnotes else BOTTOM

    def line(self, text: str, **kw) -> None:
        if self.w.y < self.floor:
            raise ValueError(f"page {self.w.page} overflows at {text[:40]!r}")
        self.w.line(text, **kw)

    def h1(self, text: str, *, bold: bool = True) -> None:
        """A chapter heading: 14 pt, numbered and bold, or (``bold=False``) marked by its size alone."""
        self.w.gap(8)
        self.line(text, font=BOLD if bold else BODY, size=14, leading=22)

    def h2(self, text: str, *, bold: bool = True) -> None:
        self.w.gap(4)
        self.line(text, font=BOLD if bold else BODY, size=12, leading=18)

    def para(self, text: str, *, x: float = LEFT, width: float = RIGHT - LEFT, hyphens: dict | None = None) -> None:
        for ln in wrap(text, width, hyphens=hyphens):
            self.line(ln, x=x)
        self.w.gap(7)

    def lines(self, lines: list[str], *, x: float = LEFT, end: bool = True) -> None:
        for ln in lines:
            self.line(ln, x=x)
        if end:
            self.w.gap(7)

    def bullets(self, items: list[str]) -> None:
        for item in items:
            for k, ln in enumerate(simpleSplit(item, BODY, 10, RIGHT - LEFT - 14)):
                if k == 0:
                    self.w.c.setFont(BODY, 10)
                    self.w.c.drawString(LEFT, self.w.y, "•")
                self.line(ln, x=LEFT + 14)
            self.w.gap(3)
        self.w.gap(4)

    def rows(self, rows: list[tuple[str, ...]], xs: tuple[float, ...], *, header: bool = True) -> None:
        """Table rows as aligned cells on one baseline each; the first row in bold if ``header``."""
        for n, cells in enumerate(rows):
            if self.w.y < self.floor:
                raise ValueError(f"page {self.w.page}: the table overflows")
            font = BOLD if header and n == 0 else BODY
            for x, nxt, cell in zip(xs, xs[1:], cells, strict=False):  # cells apart, or the reader joins them
                assert x + self.w.c.stringWidth(cell, font, 10) + 15 <= nxt, cell
            for x, cell in zip(xs, cells, strict=True):
                self.w.c.setFont(font, 10)
                self.w.c.drawString(x, self.w.y, cell)
            self.w.y -= 16
        self.w.gap(8)

    def footnotes(self, notes: list[str]) -> None:
        """The page's footnotes, one line each, at its foot, with a raised mark ("¹ Kamerstukken ...")."""
        self.w.y = BOTTOM + 10 * len(notes)
        for note in notes:
            assert self.w.c.stringWidth(note, BODY, 8) <= RIGHT - LEFT, note
            self.w.line(note, size=8, leading=10)

    def save(self) -> None:
        assert self.w.page == PAGES, self.w.page
        self.w.save()


def wrap(text: str, width: float, *, size: float = 10.0, hyphens: dict | None = None) -> list[str]:
    """Greedy line breaking; a word in ``hyphens`` (word -> head) that does not fit is cut after its head.

    Raises if a word meant to be hyphenated never reached a line end, so the drawing says what it promises.
    """
    hyphens = dict(hyphens or {})
    used: set[str] = set()
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if pdf_width(candidate, size) <= width:
            current = candidate
            continue
        bare = word.strip(".,;:()")
        head = hyphens.get(bare)
        if head and bare not in used and pdf_width(f"{current} {head}-", size) <= width:
            lines.append(f"{current} {head}-")
            current = word[len(head) :]
            used.add(bare)
            continue
        lines.append(current)
        current = word
    if current:
        lines.append(current)
    missing = set(hyphens) - used
    if missing:
        raise ValueError(f"not hyphenated at a line end: {sorted(missing)}")
    return lines


def pdf_width(text: str, size: float = 10.0) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, BODY, size)


def split_at_end(text: str, room: float, *, width: float = RIGHT - LEFT) -> tuple[list[str], list[str]]:
    """The lines of a paragraph that fit in ``room`` points and the rest, cut mid-sentence before a lowercase word.

    The cut goes up a line at a time until it falls mid-sentence, so the reader must join the two parts.
    """
    lines = wrap(text, width)
    keep = min(int(room // 13) + 1, len(lines) - 1)
    while keep > 1 and (lines[keep - 1].endswith(SENTENCE_END) or not lines[keep][:1].islower()):
        keep -= 1
    if keep < 2:
        raise ValueError(f"no room to break the paragraph mid-sentence: {text[:40]!r}")
    return lines[:keep], lines[keep:]


# ---------------------------------------------------------------------------------------------- text

VOORWOORD = [
    "Een kind dat de kinderrechter onder toezicht stelt, heeft direct hulp nodig. De rechter neemt die "
    "beslissing omdat de ontwikkeling van het kind ernstig wordt bedreigd en vrijwillige hulp niet heeft "
    "gewerkt. Toch wachtten op 1 januari 2026 bijna drieduizend kinderen in Nederland op een vaste "
    "jeugdbeschermer. In de tussentijd weet niemand precies hoe het met hen gaat.",
    "Met dit rapport laten wij zien hoe lang kinderen wachten, waarom zij wachten en wat dat voor hen "
    "betekent. Wij hebben gesproken met jeugdbeschermers, teamleiders, bestuurders, wethouders, ouders en "
    "jongeren. Hun verhalen zijn niet altijd makkelijk om te lezen. Ze laten zien dat de medewerkers van de "
    "gecertificeerde instellingen hard werken, maar dat het stelsel hen onvoldoende steunt.",
    "De inspectie vraagt de minister van Justitie en Veiligheid, de staatssecretaris van Volksgezondheid, "
    "Welzijn en Sport en de gemeenten om samen te zorgen dat geen kind langer dan vijf werkdagen zonder "
    "jeugdbeschermer blijft. Wij komen daar in 2027 op terug.",
]

SAMENVATTING = [
    "De Inspectie Justitie en Veiligheid heeft onderzocht hoe lang kinderen met een kinderbeschermingsmaatregel "
    "of een jeugdreclasseringsmaatregel wachten voordat een vaste jeugdbeschermer of jeugdreclasseerder hen "
    "begeleidt. Het onderzoek vond plaats tussen juni en november 2025 bij veertien gecertificeerde instellingen "
    "in zeven regio's.",
    "De wachttijden zijn in 2025 verder opgelopen. Gemiddeld duurde het elf weken voordat een kind een vaste "
    "jeugdbeschermer kreeg, tegen acht weken een jaar eerder. De verschillen tussen de regio's zijn groot: in "
    "Noord-Nederland wachtte een kind gemiddeld zes weken, in Zuid-Holland zestien weken.",
    "Tijdens het wachten blijft de veiligheid van kinderen onvoldoende in beeld. Wachtlijstteams bellen de "
    "gezinnen, maar bieden geen hulp, en signalen dat het thuis slechter gaat worden daardoor soms te laat "
    "opgemerkt. Ook de ouders en jongeren die wij spraken, zeggen dat zij in die periode niet weten bij wie zij "
    "terechtkunnen. De inspectie ziet wel lichtpunten: regio's die de jeugdbescherming voor langere tijd "
    "gezamenlijk inkopen, hebben kortere wachttijden en minder verloop.",
]

KERNBEVINDINGEN = [
    "Op 1 januari 2026 wachtten 2.870 kinderen op een vaste jeugdbeschermer; een jaar eerder waren dat er 2.140.",
    "Het verloop onder jeugdbeschermers was in 2025 met 23 procent hoger dan in enig jaar sinds 2019.",
    "Een jeugdbeschermer begeleidt gemiddeld achttien kinderen, terwijl de norm vijftien kinderen is.",
    "Tijdens het wachten heeft een kind vaak alleen contact met een wachtlijstteam, gemiddeld eens per vier weken.",
]

AANBEVELINGEN_KORT = (
    "De inspectie beveelt aan om de wachttijd landelijk te begrenzen tot vijf werkdagen, om gemeenten "
    "meerjarige contracten van ten minste vijf jaar te laten sluiten met de gecertificeerde instellingen en "
    "om de tarieven te baseren op een caseload van vijftien kinderen. Voor de kinderen die nu wachten, moet "
    "er wekelijks contact zijn met een vaste contactpersoon."
)

AANLEIDING = [
    "Sinds de decentralisatie van 2015 zijn gemeenten verantwoordelijk voor de jeugdbescherming en de "
    "jeugdreclassering. Zij kopen deze taken in bij gecertificeerde instellingen, die de maatregelen uitvoeren "
    "die de kinderrechter oplegt. Al enkele jaren melden deze instellingen dat zij niet genoeg personeel hebben "
    "om alle kinderen direct te helpen. De lange wachttijden zijn daardoor een terugkerend onderwerp in de "
    "Tweede Kamer.¹",
    "In 2024 spraken het Rijk, de gemeenten en de instellingen af dat de wachttijden binnen twee jaar moesten "
    "dalen. De inspectie heeft in dit onderzoek nagegaan of dat gelukt is. De aanleiding was een reeks van "
    "meldingen over kinderen die maandenlang op een jeugdbeschermer wachtten terwijl de onveilige situatie "
    "thuis voortduurde. In een aantal gevallen leidde dat tot ernstige incidenten, die de instellingen als "
    "calamiteit bij de inspecties hebben gemeld.²",
]

AANLEIDING_HYPHEN = (
    "Dat de wachttijden een bekend probleem zijn, maakt ze niet minder ernstig. Een maatregel van de rechter "
    "is bedoeld om een kind snel te beschermen. Juist in de eerste weken na de uitspraak is de situatie vaak het "
    "meest onzeker, en juist dan ontbreekt nu een vaste jeugdbeschermer. Dit rapport gaat daarom niet alleen "
    "over de lengte, de regionale verschillen en de oorzaken van de huidige wachttijden, maar ook over wat er "
    "met kinderen gebeurt zolang zij wachten."
)

ONDERZOEKSVRAGEN = [
    "Hoe lang wachten kinderen op een vaste jeugdbeschermer of jeugdreclasseerder, en hoe verschilt dat per regio?",
    "Wat zijn de oorzaken van de wachttijden?",
    "Wat merken kinderen en ouders van het wachten, en hoe wordt hun veiligheid in die periode bewaakt?",
    "Welke maatregelen nemen gemeenten, instellingen en het Rijk, en wat is het effect daarvan?",
]

AANPAK = [
    "Om deze vragen te beantwoorden heeft de inspectie 120 dossiers van wachtende kinderen bestudeerd en "
    "gesproken met 64 professionals, onder wie jeugdbeschermers, gedragswetenschappers en teamleiders. Daarnaast "
    "spraken wij met 31 jongeren en ouders over hun ervaringen. De cijfers over aantallen en wachttijden hebben "
    "de instellingen zelf aangeleverd; de inspectie heeft ze gecontroleerd aan de hand van steekproeven.",
    "Het onderzoek is uitgevoerd samen met de Inspectie Gezondheidszorg en Jeugd, die toezicht houdt op de "
    "kwaliteit van de jeugdhulp. De verantwoording van de gebruikte methoden staat in de bijlage.",
]

LANDELIJK = [
    "In 2025 legde de kinderrechter 10.710 nieuwe kinderbeschermingsmaatregelen en jeugdreclasseringsmaatregelen "
    "op. Dat is ongeveer evenveel als in de twee jaren daarvoor. Het aantal kinderen dat wacht, groeide wel: van "
    "2.140 op 1 januari 2025 naar 2.870 op 1 januari 2026. Ruim een kwart van de wachtende kinderen wacht langer "
    "dan drie maanden.",
    "De tabel hieronder laat per regio zien hoeveel maatregelen er in 2025 bij kwamen, hoeveel kinderen op de "
    "peildatum wachtten en hoe lang zij gemiddeld wachtten. Een kind telt als wachtend zolang de instelling "
    "nog geen vaste jeugdbeschermer aan het kind heeft toegewezen.",
]

TABEL = [
    ("Regio", "Nieuwe maatregelen", "Wachtende kinderen", "Gemiddelde wachttijd"),
    ("Noord-Nederland", "1.180", "210", "6 weken"),
    ("Oost-Nederland", "1.640", "320", "8 weken"),
    ("Utrecht en Gooi", "1.020", "290", "12 weken"),
    ("Noord-Holland", "1.950", "540", "13 weken"),
    ("Zuid-Holland", "2.310", "760", "16 weken"),
    ("Brabant en Zeeland", "1.870", "430", "11 weken"),
    ("Limburg", "740", "320", "14 weken"),
    ("Totaal", "10.710", "2.870", "11 weken"),
]

NA_TABEL = [
    "De regio Zuid-Holland heeft zowel de meeste wachtende kinderen als de langste wachttijd. Volgens de "
    "instellingen in die regio komt dat vooral doordat zij in 2025 een op de vier vacatures niet konden vervullen. "
    "In Limburg is het aantal wachtenden klein, maar wachten kinderen relatief lang, omdat daar maar twee "
    "instellingen werken en een tekort bij de ene niet door de andere kan worden opgevangen.³",
    "Noord-Nederland laat zien dat kortere wachttijden mogelijk zijn. De drie noordelijke provincies kopen de "
    "jeugdbescherming sinds 2022 gezamenlijk in, met contracten voor vijf jaar en een vast budget per kind. "
    "Volgens de instelling geeft dat rust en ruimte om nieuwe medewerkers goed in te werken.",
    "Voor de jeugdreclassering is het beeld gunstiger. Jongeren die na een strafzaak een "
    "jeugdreclasseringsmaatregel krijgen, wachten gemiddeld vier weken op een vaste jeugdreclasseerder. De "
    "instellingen geven deze jongeren voorrang omdat de kinderrechter of de officier van justitie vaak een "
    "termijn stelt waarbinnen het toezicht moet beginnen. Die voorrang gaat wel ten koste van de kinderen met "
    "een kinderbeschermingsmaatregel, die daardoor nog langer wachten.",
]

OORZAKEN = [
    "Uit de gesprekken en de dossiers komen drie samenhangende oorzaken naar voren: een tekort aan personeel, "
    "een te hoge caseload en een manier van financieren die instellingen weinig zekerheid geeft.",
    "Het belangrijkste probleem is het personeel. In 2025 verliet 23 procent van de jeugdbeschermers hun "
    "instelling. Nieuwe medewerkers hebben ongeveer een jaar nodig om zelfstandig zware zaken te kunnen "
    "begeleiden. Ervaren medewerkers besteden daardoor veel tijd aan het inwerken van collega's en kunnen "
    "minder kinderen zelf begeleiden. Jeugdbeschermers noemen de zwaarte van het werk, de administratieve "
    "last en de publieke kritiek als redenen om te vertrekken.",
    "De caseload is de tweede oorzaak. De afgesproken norm is dat een jeugdbeschermer vijftien kinderen "
    "begeleidt. In de praktijk zijn dat er gemiddeld achttien, en bij een op de vijf medewerkers meer dan "
    "twintig. Instellingen houden kinderen liever op de wachtlijst dan dat zij de caseload van hun medewerkers "
    "nog verder verhogen, omdat dat het verloop zou vergroten.",
]

FINANCIERING = (
    "De derde oorzaak is de inanciering. Gemeenten sluiten vaak contracten voor een of twee jaar en betalen "
    "een tarief per kind dat volgens de instellingen niet alle kosten dekt. De tarieven verschillen bovendien "
    "sterk per regio. Een instelling die niet weet of het contract na volgend jaar wordt verlengd, durft geen "
    "medewerkers in vaste dienst te nemen. Dat houdt het personeelstekort in stand."
)

OFFICIEEL = (
    "Een wachtlijst die ocieel niet bestaat, verdwijnt ook uit het zicht. Sommige instellingen wijzen een kind "
    "direct toe aan een jeugdbeschermer met een volle caseload, zodat het kind in de cijfers niet meer als "
    "wachtend telt. Die kinderen krijgen in de praktijk even weinig aandacht als kinderen op de wachtlijst."
)

ADMINISTRATIE = [
    "Daarbij komt de administratieve last. Jeugdbeschermers schatten dat zij ongeveer 40 procent van hun tijd "
    "kwijt zijn aan verslaglegging, rapportages voor de rechter en verantwoording aan gemeenten. Elke gemeente "
    "vraagt bovendien om eigen gegevens in een eigen format. Een instelling die voor dertig gemeenten werkt, "
    "levert dus dertig verschillende verantwoordingen aan.",
    "De arbeidsmarkt maakt het moeilijk om vertrokken medewerkers te vervangen. Een vacature voor een "
    "jeugdbeschermer staat gemiddeld veertien weken open. Instellingen werven daarom ook zij-instromers met "
    "een andere achtergrond, zoals leerkrachten en politiemensen. Zij hebben een aanvullende opleiding nodig "
    "voordat zij zelfstandig mogen werken, wat de inzet van ervaren collega's verder vergroot.",
]

OVER_DE_GRENS = (
    "Ten slotte speelt mee dat de keten rond een maatregel lang is. Na een melding doet de Raad voor de "
    "Kinderbescherming onderzoek, daarna beslist de kinderrechter en pas dan komt de gecertificeerde instelling "
    "in beeld. Elke schakel heeft zijn eigen wachttijd. Een kind bij wie de Raad in het voorjaar een onderzoek "
    "start, krijgt daardoor soms pas na de zomer een vaste jeugdbeschermer, terwijl de zorgen over zijn "
    "veiligheid al maanden eerder bekend waren. De inspectie ziet dat de organisaties in de keten elkaar "
    "wel informeren over de voortgang, maar dat niemand verantwoordelijk is voor de totale doorlooptijd, zodat "
    "een vertraging in de ene schakel in de volgende schakel opnieuw tot wachten leidt."
)

GEVOLGEN = [
    "Wachten heeft gevolgen. In 38 van de 120 bestudeerde dossiers nam de onveiligheid voor het kind tijdens "
    "het wachten toe. In negen dossiers moest het kind in die periode met spoed uit huis worden geplaatst. De "
    "inspectie kan niet zeggen of dat met een vaste jeugdbeschermer voorkomen had kunnen worden, maar wel dat "
    "signalen in deze dossiers te laat zijn opgepakt.",
    "Tijdens het wachten houden wachtlijstteams contact met de gezinnen. Zo'n team bestaat uit ervaren "
    "jeugdbeschermers die de veiligheid van de wachtende kinderen bewaken, maar geen hulp bieden. Gemiddeld "
    "spreekt een wachtlijstteam een gezin eens per vier weken, meestal telefonisch. Dat is te weinig om "
    "veranderingen in een gezin op tijd op te merken.",
    "Ook voor anderen rond het kind is het wachten lastig. Scholen, huisartsen en wijkteams die zich zorgen "
    "maken, weten vaak niet bij wie zij met hun signalen terechtkunnen zolang er geen vaste jeugdbeschermer "
    "is. In een aantal dossiers meldde een school meerdere keren dat een kind niet op school verscheen, zonder "
    "dat die melding bij het wachtlijstteam aankwam.",
]

ERVARINGEN = [
    "De jongeren die wij spraken, beschrijven het wachten als een periode waarin niemand echt van hen is. "
    "Zij weten dat er iets is besloten, maar niet wat dat voor hen betekent. Een meisje van vijftien uit "
    "Rotterdam vertelde dat zij in vier maanden drie verschillende mensen van het wachtlijstteam aan de telefoon "
    "had gehad, en dat zij haar verhaal elke keer opnieuw moest vertellen.",
    "Ouders zeggen dat de onduidelijkheid hun vertrouwen in de jeugdbescherming aantast. Wie na een zitting bij "
    "de rechter maanden niets hoort, begint volgens hen met een achterstand aan de samenwerking met de "
    "jeugdbeschermer. Verschillende ouders gaven aan dat zij pas van de wachtlijst hoorden toen zij zelf "
    "belden om te vragen waar de jeugdbeschermer bleef.",
]

ERVARINGEN_HYPHEN = (
    "Professionals bevestigen dit beeld. Een eerste gesprek met een vaste jeugdbeschermer gaat volgens hen "
    "vaak eerst over het wachten zelf, in plaats van over de veiligheid van het kind. Het vertrouwen moet "
    "dan eerst met veel geduld en aandacht worden hersteld voordat de inhoudelijke jeugdbescherming echt kan "
    "beginnen. Jongeren gaven de inspectie het "
    "advies om ten minste een vaste naam en een telefoonnummer te krijgen, ook als de hulp nog niet kan starten."
)

GEMEENTEN = [
    "Gemeenten en instellingen nemen verschillende maatregelen om de wachttijden te verkorten. De meeste "
    "regio's hebben de tarieven in 2025 verhoogd. Daarnaast lopen sinds september 2025 drie pilots, in "
    "Zuid-Holland, Limburg en Noord-Holland. In die pilots krijgt elk wachtend kind binnen vijf werkdagen een "
    "vaste contactpersoon, die het gezin ten minste eens per week spreekt. De eerste resultaten worden in het "
    "derde kwartaal van 2026 verwacht.",
    "Een aantal instellingen werkt met zogenoemde duo-jeugdbeschermers: een ervaren en een nieuwe medewerker "
    "begeleiden samen een groep gezinnen. Dat helpt bij het inwerken en verkleint de kans dat nieuwe "
    "medewerkers snel vertrekken. In Oost-Nederland daalde het verloop daardoor van 21 naar 14 procent.",
    "In Utrecht en Gooi hebben de gemeenten met de Raad voor de Kinderbescherming afgesproken dat de Raad een "
    "zaak pas aan de rechter voorlegt als de instelling heeft laten weten wanneer zij een jeugdbeschermer kan "
    "leveren. De inspectie vindt het goed dat de keten zo rekening houdt met de capaciteit, maar waarschuwt dat "
    "het wachten zich dan alleen verplaatst naar een eerder moment, waarop er nog minder zicht op het kind is.",
]

RIJK = [
    "Het Rijk is verantwoordelijk voor het stelsel als geheel. De minister van Justitie en Veiligheid en de "
    "staatssecretaris van Volksgezondheid, Welzijn en Sport hebben in de Hervormingsagenda Jeugd afgesproken "
    "dat zij de jeugdbescherming vereenvoudigen.⁴ Onderdeel daarvan is een landelijk kwaliteitskader met een "
    "norm voor de caseload, dat begin 2027 moet ingaan.",
    "Voor 2026 stelt het Rijk 12 miljoen euro beschikbaar om de wachtlijsten te verkleinen. Het geld is "
    "bedoeld voor het opleiden en behouden van jeugdbeschermers en voor de drie pilots. De inspectie vindt "
    "dit een goede eerste stap, maar constateert dat het bedrag eenmalig is. Instellingen durven er daarom "
    "geen vaste medewerkers van aan te nemen.",
    "Het Rijk heeft verder een landelijk dashboard aangekondigd waarop de wachttijden per regio elk kwartaal "
    "openbaar worden. Dat dashboard zou eind 2025 beschikbaar zijn, maar is uitgesteld tot na de zomer van "
    "2026 omdat de instellingen hun gegevens nog niet op dezelfde manier registreren.",
    "De minister heeft de Tweede Kamer toegezegd om voor 1 juli 2026 met een voorstel te komen voor een "
    "landelijke norm voor de wachttijd. Gemeenten willen dat het Rijk die norm ook bekostigt; het Rijk vindt dat "
    "gemeenten daarvoor de middelen uit het gemeentefonds moeten gebruiken. Over die vraag is nog geen "
    "overeenstemming bereikt.",
]

CONCLUSIES_LINKS = [
    "De inspectie concludeert dat de afspraak uit 2024 om de wachttijden binnen twee jaar te laten dalen niet is "
    "nagekomen. Kinderen wachten langer dan ooit, en de verschillen tussen de regio's zijn zo groot dat het van "
    "de woonplaats van een kind afhangt hoe snel het wordt beschermd. Dat is in strijd met het uitgangspunt "
    "dat elk kind in Nederland dezelfde bescherming verdient.",
    "De oorzaken liggen niet bij een enkele partij. Gemeenten, instellingen en het Rijk hebben elk een deel "
    "van de oplossing in handen. Zonder zekerheid over de inanciering durven instellingen geen personeel aan "
    "te nemen, en zonder personeel lopen de wachtlijsten verder op.",
    "De inspectie ziet dat de maatregelen die nu lopen, zoals de pilots met een vaste contactpersoon en het "
    "werken met duo-jeugdbeschermers, goede kansen bieden. Ze zijn echter kleinschalig en vaak tijdelijk. "
    "Zolang de bekostiging jaarlijks opnieuw onzeker is, blijven goede voorbeelden beperkt tot een enkele regio.",
    "Ook het zicht op het probleem schiet tekort. Doordat de instellingen de wachttijden niet op dezelfde manier "
    "registreren, weten het Rijk en de gemeenten niet precies hoeveel kinderen wachten en hoe lang. Kinderen "
    "die wel een jeugdbeschermer hebben, maar een met een te volle caseload, blijven in de cijfers buiten beeld.",
    "Tot slot stelt de inspectie vast dat niemand verantwoordelijk is voor de hele keten, van de melding bij de "
    "Raad voor de Kinderbescherming tot de eerste afspraak met de vaste jeugdbeschermer.",
]

CONCLUSIES_DOORLOPEND = (
    "De inspectie vindt het daarnaast zorgelijk dat de veiligheid van wachtende kinderen afhangt van een "
    "telefoongesprek eens per vier weken. Een kind dat wacht, is een kind voor wie de rechter al heeft "
    "vastgesteld dat het bescherming nodig heeft, en voor wie elke week zonder vaste jeugdbeschermer een "
    "week is waarin signalen over onveiligheid kunnen worden gemist."
)

AANBEVELINGEN = [
    "De inspectie doet de volgende aanbevelingen. Aan de minister en de staatssecretaris: leg in het "
    "kwaliteitskader vast dat een kind binnen vijf werkdagen een vaste jeugdbeschermer krijgt, en maak de "
    "12 miljoen euro voor 2026 een structureel bedrag.",
    "Aan de gemeenten: sluit contracten van ten minste vijf jaar met de gecertificeerde instellingen, en "
    "baseer de tarieven op een caseload van vijftien kinderen per jeugdbeschermer.",
    "Aan de gecertificeerde instellingen: zorg dat elk wachtend kind een vaste contactpersoon heeft die het "
    "gezin wekelijks spreekt, en registreer de wachttijden op dezelfde manier, zodat het dashboard er komt.",
    "De inspectie volgt de uitvoering van deze aanbevelingen. Zij start in het derde kwartaal van 2026 een "
    "vervolgonderzoek en publiceert de resultaten begin 2027.",
    "De Vereniging van Nederlandse Gemeenten en de branchevereniging van de instellingen hebben in een "
    "reactie laten weten dat zij de aanbevelingen onderschrijven, maar dat zij zonder extra geld van het Rijk "
    "geen contracten van vijf jaar kunnen garanderen.",
]

VERANTWOORDING = [
    "Het onderzoek is uitgevoerd van juni tot en met november 2025. De inspectie bezocht alle veertien "
    "gecertificeerde instellingen die jeugdbescherming of jeugdreclassering uitvoeren. Per instelling zijn "
    "willekeurig acht tot tien dossiers gekozen van kinderen die op de peildatum van 1 september 2025 wachtten; "
    "in totaal waren dat 120 dossiers.",
    "De gesprekken met jongeren en ouders zijn gevoerd door twee inspecteurs met ervaring in het spreken met "
    "kwetsbare gezinnen. De deelnemers zijn via de instellingen benaderd en kregen een cadeaubon van 25 euro. "
    "Hun uitspraken zijn in dit rapport zo weergegeven dat zij niet herkenbaar zijn.",
    "De instellingen en de betrokken gemeenten hebben een conceptversie van het rapport ontvangen en konden "
    "feitelijke onjuistheden melden. Hun reacties zijn verwerkt voordat het rapport werd vastgesteld.",
    "Het onderzoek heeft beperkingen. De cijfers over wachttijden zijn door de instellingen zelf geregistreerd, "
    "niet altijd op dezelfde manier. De inspectie heeft de cijfers daarom met steekproeven gecontroleerd en "
    "alleen regionale gemiddelden gepubliceerd. Uitspraken over individuele instellingen doet dit rapport niet.",
]

BRONNEN = [
    "dossieronderzoek bij de veertien gecertificeerde instellingen (120 dossiers);",
    "gesprekken met 64 professionals, 31 jongeren en ouders en de wethouders jeugd van zeven centrumgemeenten;",
    "cijfers over maatregelen en wachttijden van de instellingen, peildatum 1 januari 2026;",
    "eerdere rapporten van de Inspecties Gezondheidszorg en Jeugd en Justitie en Veiligheid uit 2023 en 2024.",
]

AFKORTINGEN = [
    ("Afkorting", "Betekenis"),
    ("GI", "gecertificeerde instelling"),
    ("IGJ", "Inspectie Gezondheidszorg en Jeugd"),
    ("Inspectie JenV", "Inspectie Justitie en Veiligheid"),
    ("OTS", "ondertoezichtstelling"),
    ("RvdK", "Raad voor de Kinderbescherming"),
]

CONTENTS = [
    ("Voorwoord", 2),
    ("Samenvatting", 3),
    ("1 Inleiding", 4),
    ("1.1 Aanleiding", 4),
    ("1.2 Onderzoeksvragen en aanpak", 4),
    ("2 Wachttijden in cijfers", 5),
    ("2.1 Landelijk beeld", 5),
    ("2.2 Oorzaken van de wachttijden", 6),
    ("2.3 Gevolgen voor kinderen en ouders", 7),
    ("3 Wat de betrokken partijen doen", 8),
    ("3.1 Gemeenten en gecertificeerde instellingen", 8),
    ("3.2 De rol van het Rijk", 8),
    ("4 Conclusies en aanbevelingen", 9),
    ("Bijlage Verantwoording", 10),
]


def _contents_line(entry: str, page: int) -> str:
    """ "1 Inleiding ........ 4", dots up to the right margin."""
    text = f"{entry} ."
    while pdf_width(f"{text}. {page}") <= RIGHT - LEFT:
        text += "."
    return f"{text} {page}"


def draw_report(path: Path) -> Path:
    """Draw the report to ``path`` (deterministic: the same bytes on every run) and return ``path``."""
    r = _Report(path)
    w = r.w

    # 1: title page. The title is the largest text; the subtitle and publisher are just under heading size.
    w.y = H - 260
    for ln in ("Wachten op bescherming.", "Wachttijden in de jeugdbescherming", "en de jeugdreclassering"):
        r.line(ln, font=BOLD, size=24, leading=32)
    w.gap(24)
    for ln in wrap(
        "Een onderzoek naar de wachttijden bij de gecertificeerde instellingen in 2025", RIGHT - LEFT, size=11
    ):
        r.line(ln, size=11, leading=15)
    w.gap(120)
    r.line("Inspectie Justitie en Veiligheid", size=11, leading=15)
    r.line("Den Haag, maart 2026", size=11, leading=15)

    # 2: contents with dot leaders; the preface's heading is marked by size alone.
    r.page(2)
    r.line("Inhoudsopgave", font=BOLD, size=14, leading=24)
    for entry, page in CONTENTS:
        r.line(_contents_line(entry, page), leading=15)
    w.gap(20)
    r.h1("Voorwoord", bold=False)
    for text in VOORWOORD:
        r.para(text)
    r.lines(["Mr. drs. M.J. van Dalen", "Inspecteur-generaal Justitie en Veiligheid"])

    # 3: summary (size-only headings), key findings as a bullet list.
    r.page(3)
    r.h1("Samenvatting", bold=False)
    for text in SAMENVATTING:
        r.para(text)
    r.para("De belangrijkste bevindingen zijn:")
    r.bullets(KERNBEVINDINGEN)
    r.h2("Wat moet er gebeuren", bold=False)
    r.para(AANBEVELINGEN_KORT)
    r.para(
        "Het rapport is aangeboden aan de minister van Justitie en Veiligheid en aan de staatssecretaris van "
        "Volksgezondheid, Welzijn en Sport, die het met een beleidsreactie naar de Tweede Kamer sturen."
    )

    # 4: numbered headings, footnotes with raised marks, "wacht-" / "tijden" at a line end.
    r.page(4, footnotes=2)
    r.h1("1 Inleiding")
    r.h2("1.1 Aanleiding")
    for text in AANLEIDING:
        r.para(text)
    r.para(AANLEIDING_HYPHEN, hyphens={"wachttijden": "wacht"})
    r.h2("1.2 Onderzoeksvragen en aanpak")
    r.para("Het onderzoek beantwoordt vier vragen:")
    r.bullets(ONDERZOEKSVRAGEN)
    for text in AANPAK:
        r.para(text)
    r.footnotes(
        [
            "¹ Kamerstukken II 2024/25, 31 839, nr. 1045; Kamerstukken II 2025/26, 31 839, nr. 1071.",
            "² Inspecties Gezondheidszorg en Jeugd en Justitie en Veiligheid, Kinderen wachten te lang (2024).",
        ]
    )

    # 5: a table per region, drawn as aligned cells.
    r.page(5, footnotes=1)
    r.h1("2 Wachttijden in cijfers")
    r.h2("2.1 Landelijk beeld")
    for text in LANDELIJK:
        r.para(text)
    r.para("Tabel 1 Nieuwe maatregelen in 2025, wachtende kinderen op 1 januari 2026 en wachttijd per regio")
    r.rows(TABEL, (LEFT, LEFT + 115, LEFT + 230, LEFT + 345))
    for text in NA_TABEL:
        r.para(text)
    r.footnotes(["³ In Limburg werken twee gecertificeerde instellingen; in Zuid-Holland zijn het er vier."])

    # 6: lost ligatures; the last paragraph breaks off mid-sentence at the foot of the page.
    r.page(6)
    r.h2("2.2 Oorzaken van de wachttijden")
    for text in OORZAKEN:
        r.para(text)
    r.para(FINANCIERING)
    r.para(OFFICIEEL)
    for text in ADMINISTRATIE:
        r.para(text)
    head, tail = split_at_end(OVER_DE_GRENS, w.y - r.floor)
    r.lines(head, end=False)

    # 7: the paragraph goes on; a subsection, a size-only heading and a second hyphenation.
    r.page(7)
    r.lines(tail)
    r.h2("2.3 Gevolgen voor kinderen en ouders")
    for text in GEVOLGEN:
        r.para(text)
    r.h2("Ervaringen van jongeren", bold=False)
    for text in ERVARINGEN:
        r.para(text)
    r.para(ERVARINGEN_HYPHEN, hyphens={"jeugdbescherming": "jeugdbescher"})

    # 8: what the parties do; a footnote.
    r.page(8, footnotes=1)
    r.h1("3 Wat de betrokken partijen doen")
    r.h2("3.1 Gemeenten en gecertificeerde instellingen")
    for text in GEMEENTEN:
        r.para(text)
    r.h2("3.2 De rol van het Rijk")
    for text in RIJK:
        r.para(text)
    r.footnotes(["⁴ Hervormingsagenda Jeugd 2023-2028, Kamerstukken II 2022/23, 31 839, nr. 960."])

    # 9: two columns; the left column's last paragraph goes on at the top of the right column.
    r.page(9)
    r.h1("4 Conclusies en aanbevelingen")
    top = w.y
    for text in CONCLUSIES_LINKS:
        r.para(text, width=COLUMN)
    head, tail = split_at_end(CONCLUSIES_DOORLOPEND, w.y - r.floor, width=COLUMN)
    r.lines(head, end=False)
    w.y = top
    right = LEFT + COLUMN + 20
    r.lines(tail, x=right)
    for text in AANBEVELINGEN:
        r.para(text, x=right, width=COLUMN)

    # 10: the annex: sources as a list, abbreviations as rows of two cells.
    r.page(10)
    r.h1("Bijlage Verantwoording")
    r.h2("Opzet van het onderzoek", bold=False)
    for text in VERANTWOORDING:
        r.para(text)
    r.h2("Gebruikte bronnen", bold=False)
    r.bullets(BRONNEN)
    r.h2("Afkortingen", bold=False)
    r.rows(AFKORTINGEN, (LEFT, LEFT + 120))
    r.save()
    return path
