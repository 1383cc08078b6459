"""One reader per file format, behind one interface, found by the file's suffix.

A reader turns one source file into a :class:`~vraagbaak.corpus.model.Corpus` (the documents it
holds). Adding a format is one new module that defines a reader and registers it here; the index
build and the CLI only ever call :func:`read_path`. For example, ``read_path("brief.txt")`` reads the
extracted letter, and ``read_path("brief.docx")`` raises ``UnreadableDocumentError("brief.docx: unsupported
file type '.docx'; supported: .htm, .html, .markdown, .md, .pdf, .txt")``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from vraagbaak.corpus.model import Corpus

#: The largest source file any reader takes (50 MB).
MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What every reader refuses beyond: file size, pages, and the seconds a PDF parse may take.

    The command line sets them from VRAAGBAAK_MAX_DOCUMENT_MB, VRAAGBAAK_MAX_PAGES and
    VRAAGBAAK_PARSE_TIMEOUT (:func:`set_limits`); a reader made with explicit limits keeps its own.
    """

    max_bytes: int = MAX_BYTES
    max_pages: int = 1000
    #: None parses in this process, without a time limit (for callers that isolate it already).
    timeout_s: float | None = 120.0


_limits = Limits()


def limits() -> Limits:
    return _limits


def set_limits(new: Limits) -> None:
    """The limits every registered reader applies from now on."""
    global _limits
    _limits = new


class UnreadableDocumentError(ValueError):
    """A source file no reader can take; the message is one line that names the file and says why."""


class Reader(Protocol):
    """Reads one file of its formats into the structured model."""

    #: A short name for messages and the manifest, e.g. "pdf".
    name: str
    #: Lower-case file suffixes it takes, e.g. (".pdf",).
    suffixes: tuple[str, ...]

    def read(self, path: Path) -> Corpus:
        """The documents in ``path``; raise :class:`UnreadableDocumentError` with the reason otherwise."""
        ...


_READERS: dict[str, Reader] = {}


def register(reader: Reader) -> Reader:
    """Make ``reader`` the one for its suffixes."""
    for suffix in reader.suffixes:
        _READERS[suffix.lower()] = reader
    return reader


def readers() -> list[Reader]:
    """Every registered reader once, for the contract test and messages."""
    return list({id(r): r for r in _READERS.values()}.values())


def supported_suffixes() -> tuple[str, ...]:
    return tuple(sorted(_READERS))


def reader_for(path: Path) -> Reader:
    suffix = path.suffix.lower()
    if suffix not in _READERS:
        supported = ", ".join(supported_suffixes())
        raise UnreadableDocumentError(
            f"{path.name}: unsupported file type {suffix or '(none)'!r}; supported: {supported}"
        )
    return _READERS[suffix]


def read_path(path: str | Path) -> Corpus:
    """Read one source file with the reader for its type."""
    path = Path(path)
    return reader_for(path).read(path)


def _register_builtin() -> None:
    """The shipped readers. Each module imports its parser library only when it reads a file."""
    from vraagbaak.corpus.html import HtmlReader
    from vraagbaak.corpus.markdown import MarkdownReader
    from vraagbaak.corpus.pdf import PdfReader
    from vraagbaak.corpus.plaintext import TextReader

    for reader in (TextReader(), PdfReader(), MarkdownReader(), HtmlReader()):
        register(reader)


_register_builtin()
