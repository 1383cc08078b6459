"""Text files: the shipped extracted letter, or plain text, told apart by the letterhead.

Both arrive as ``.txt``. A file whose first lines carry a ministry letterhead as a PDF extraction
leaves it ("> Retouradres …", "Cluster secretaris-generaal") goes to the extracted-letter reader
(``corpus/reader.py``), which rebuilds its pages. Anything else is plain text: paragraphs separated
by blank lines, no pages, one document under the file name as title. For example ``memo-dji.txt``
becomes the document "Memo dji" with id ``memo-dji``, cited as "Memo dji" without a page.

:func:`read_source_text` is the common first step of every text format (plain, Markdown, HTML): one
clear refusal for an empty, oversized, binary or non-UTF-8 file.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from vraagbaak.corpus.blocks import DocumentStart, Text, assemble, file_slug
from vraagbaak.corpus.formats import UnreadableDocumentError, limits
from vraagbaak.corpus.model import Corpus
from vraagbaak.corpus.words import Lexicon, clean_text, join_hyphenated

#: Lines only an extracted ministry letter starts with (its return address and running header).
LETTERHEAD = re.compile(r"^(> Retouradres |Cluster secretaris-generaal$)")
LETTERHEAD_WINDOW = 40  # non-blank lines searched for it


def read_source_text(path: Path, *, max_bytes: int | None = None) -> tuple[str, str]:
    """The file's text and the SHA-256 of its bytes; one-line refusals for what no text reader takes."""
    name = path.name
    max_bytes = limits().max_bytes if max_bytes is None else max_bytes
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise UnreadableDocumentError(f"{name}: {size} bytes, more than the limit of {max_bytes}")
        data = path.read_bytes()
    except OSError as e:
        raise UnreadableDocumentError(f"{name}: cannot be opened ({e.strerror})") from None
    if not data.strip():
        raise UnreadableDocumentError(f"{name}: the file is empty")
    if b"\0" in data[:8192]:
        raise UnreadableDocumentError(f"{name}: a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise UnreadableDocumentError(f"{name}: not UTF-8 text (byte {e.start})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n"), hashlib.sha256(data).hexdigest()


class TextFormatReader:
    """A reader of one text format: :func:`read_source_text`'s refusals, then the format's ``parse``."""

    name: str = ""
    suffixes: tuple[str, ...] = ()

    def read(self, path: Path) -> Corpus:
        path = Path(path)
        text, checksum = read_source_text(path)
        return self.parse(text, source=path.name, checksum=checksum)

    def parse(self, text: str, *, source: str, checksum: str) -> Corpus:
        raise NotImplementedError


def title_from_file_name(name: str) -> str:
    """``"memo-dji_2026.txt"`` -> ``"Memo dji 2026"``: the title of a document that names none."""
    words = re.sub(r"[-_]+", " ", Path(name).stem).split()
    text = " ".join(words) or Path(name).stem
    return text[:1].upper() + text[1:]


def is_extracted_letter(text: str) -> bool:
    lines = [ln for ln in text.splitlines() if ln.strip()][:LETTERHEAD_WINDOW]
    return any(LETTERHEAD.match(ln.strip()) for ln in lines)


def read_plain(text: str, *, source: str, checksum: str) -> Corpus:
    """Paragraphs separated by blank lines; lines within one are joined, a word hyphenated at a line end too."""
    title = title_from_file_name(source)
    blocks: list = [DocumentStart(id=file_slug(source), kind="tekst", title=title, page=None, intro=title)]
    text = clean_text(text)
    lexicon = Lexicon.from_text(text) if re.search(r"\w-\n", text) else None
    for chunk in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in chunk.splitlines() if ln.strip()]
        if lines:
            blocks.append(Text(_join_lines(lines, lexicon), None))
    if len(blocks) == 1:
        raise UnreadableDocumentError(f"{source}: no text")
    return assemble(blocks, source=source, checksum=checksum, page_count=0)


def _join_lines(lines: list[str], lexicon: Lexicon | None) -> str:
    out = lines[0]
    for ln in lines[1:]:
        hyphenated = lexicon is not None and re.search(r"\w-$", out)  # "wacht-" + "tijden", not "Noord-" + "Holland"
        out = join_hyphenated(out, ln, lexicon) if hyphenated else f"{out} {ln}"
    return out


class TextReader(TextFormatReader):
    """``.txt``: the extracted letter when it carries the letterhead, else plain text."""

    name = "text"
    suffixes = (".txt",)

    def parse(self, text: str, *, source: str, checksum: str) -> Corpus:
        if not is_extracted_letter(text):
            return read_plain(text, source=source, checksum=checksum)
        from vraagbaak.corpus.reader import read_text

        try:
            return read_text(text, source=source)
        except ValueError as e:
            raise UnreadableDocumentError(f"{source}: {e}") from None
