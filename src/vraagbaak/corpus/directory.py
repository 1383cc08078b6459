"""The corpus directory: every supported file in it is a source document.

``vraagbaak build`` reads the whole directory; ``vraagbaak add`` and ``remove`` change it. The
shipped letter lives inside the package, which is read-only data in a wheel or a container, so the
default directory is one of the user's own (``$XDG_DATA_HOME/vraagbaak/corpus``), created and seeded
with the shipped letter the first time it is needed. For example::

    corpus/
      beleidsbrief-jenv-2026-04-24.txt   the shipped letter, its annex and the memo
      jaarverslag-2025.pdf               added with `vraagbaak add`
      .removed/                          what `vraagbaak remove` took out: nothing is deleted
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from vraagbaak.corpus.formats import UnreadableDocumentError, read_path, supported_suffixes
from vraagbaak.corpus.model import Corpus

#: Where `vraagbaak remove` moves a source file; hidden, so it is no longer a source.
REMOVED = ".removed"


def sources(corpus: Path) -> list[Path]:
    """The source files of ``corpus`` (a directory, or one file), in name order."""
    corpus = Path(corpus)
    if corpus.is_file():
        return [corpus]
    if not corpus.is_dir():
        raise UnreadableDocumentError(f"{corpus}: no such corpus directory")
    suffixes = set(supported_suffixes())
    return sorted(
        (p for p in corpus.iterdir() if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in suffixes),
        key=lambda p: p.name,
    )


def checksum(corpus: Path) -> str:
    """One SHA-256 over every source's name and bytes: it changes when any file is added, removed or edited."""
    corpus = Path(corpus)
    if corpus.is_file():  # one file: the checksum of its bytes, as before directories
        return hashlib.sha256(corpus.read_bytes()).hexdigest()
    h = hashlib.sha256()
    for path in sources(corpus):
        h.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def read_corpus(corpus: Path) -> Corpus:
    """Every document of every source, in source order; two sources may not give the same document id."""
    corpus = Path(corpus)
    paths = sources(corpus)
    if not paths:
        raise UnreadableDocumentError(f"{corpus}: no documents (supported: {', '.join(supported_suffixes())})")
    if len(paths) == 1 and corpus.is_file():
        return read_path(paths[0])
    documents, seen, pages = [], {}, 0
    for path in paths:
        part = read_path(path)
        for doc in part.documents:
            if doc.id in seen:
                raise UnreadableDocumentError(f"{path.name}: document {doc.id} is also in {seen[doc.id]}")
            seen[doc.id] = path.name
            documents.append(doc)
        pages += part.page_count
    return Corpus(documents=documents, source=corpus.name, checksum=checksum(corpus), page_count=pages)


@dataclass(frozen=True)
class Seeded:
    """What :func:`ensure` did: the directory, and the files it copied in (none when it existed)."""

    directory: Path
    copied: tuple[str, ...]


def ensure(corpus_dir: Path, *, seed: Path) -> Seeded:
    """Create ``corpus_dir`` with ``seed`` in it when it does not exist yet; an existing one is left alone."""
    corpus_dir = Path(corpus_dir)
    if corpus_dir.exists():
        return Seeded(corpus_dir, ())
    tmp = corpus_dir.with_name(f".{corpus_dir.name}.new")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    shutil.copy2(seed, tmp / seed.name)
    tmp.rename(corpus_dir)  # all or nothing: never a half-seeded directory
    return Seeded(corpus_dir, (seed.name,))
