"""Documents in, structured model out: the reader and the model it produces."""

from importlib.resources import files
from pathlib import Path

from vraagbaak.corpus.formats import UnreadableDocumentError, read_path, reader_for
from vraagbaak.corpus.model import Corpus, Document, Footnote, Paragraph, Section
from vraagbaak.corpus.reader import read_file, read_text

#: The corpus this project ships: the letter, its annex and the memo in one file.
DEFAULT_CORPUS = Path(str(files(__name__) / "beleidsbrief-jenv-2026-04-24.txt"))

__all__ = [
    "DEFAULT_CORPUS",
    "Corpus",
    "Document",
    "Footnote",
    "Paragraph",
    "Section",
    "UnreadableDocumentError",
    "read_file",
    "read_path",
    "read_text",
    "reader_for",
]
