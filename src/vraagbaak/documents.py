"""Change which documents are served: add source files, remove one, rebuild the index.

The command line (``vraagbaak add``, ``remove``, ``build``) and the admin API's indexing jobs
(vraagbaak/jobs/) both come here, so a document added either way is checked, stored and indexed
the same way. Each change is all or nothing: every file is read before any is copied in, and a
build that fails puts the corpus directory back as it was, so the served index and the corpus
never disagree. For example::

    add(settings, [Path("jaarverslag.pdf")])     # -> Change(added=("jaarverslag.pdf",), manifest=...)
    remove(settings, "jaarverslag-2025")          # moves the file to corpus/.removed/, rebuilds
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from vraagbaak.corpus import DEFAULT_CORPUS
from vraagbaak.corpus.directory import REMOVED, checksum, ensure, read_corpus, sources
from vraagbaak.corpus.formats import UnreadableDocumentError, read_path
from vraagbaak.index.embedders import Progress
from vraagbaak.index.store import IndexLoadError, Manifest
from vraagbaak.settings import Settings

#: The document ids in one file, for the checks before it is added; the admin jobs read in a limited child.
DocumentIds = Callable[[Path], list[str]]


def read_ids(path: Path) -> list[str]:
    return [d.id for d in read_path(path).documents]


class RefusedError(ValueError):
    """A change that is not made (unreadable files, a name taken, the last source); one line per reason."""


@dataclass(frozen=True)
class Change:
    """What a change did: the file names added or removed, and the build now served (None: nothing built)."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    manifest: Manifest | None = None


@contextmanager
def changing(settings: Settings) -> Iterator[None]:
    """Hold the index's change lock: one change at a time, whether from the CLI or an admin job.

    ``fcntl.flock`` on ``<index>.lock`` beside the index link; a second change waits for the first,
    and the lock goes with the process that held it, however it ends.
    """
    lock = settings.index_dir.parent / f"{settings.index_dir.name}.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def build(settings: Settings, *, only_if_stale: bool = False, cache: bool = True, progress: Progress = True) -> Change:
    """Build the index from the corpus directory (seeded with the shipped letter when missing)."""
    with changing(settings):
        return _build(settings, only_if_stale=only_if_stale, cache=cache, progress=progress)


def _build(settings: Settings, *, only_if_stale: bool, cache: bool, progress: Progress) -> Change:
    from vraagbaak.index.build import build_index
    from vraagbaak.index.embedcache import EmbeddingCache
    from vraagbaak.index.embedders import from_spec
    from vraagbaak.index.store import stale_reason

    seeded = ensure(settings.corpus_dir, seed=DEFAULT_CORPUS)
    if seeded.copied and progress is True:
        print(f"new corpus directory {seeded.directory}, with the shipped letter", file=sys.stderr)
    reason = stale_reason(
        settings.index_dir,
        settings.corpus_dir,
        embedder_spec=settings.embedder,
        split=settings.split,
        index_type=settings.retrieval.index_type,
    )
    if only_if_stale and reason is None:
        return Change()
    if progress is True:
        why = reason or "forced"
        print(f"building index in {settings.index_dir} ({why}) with {settings.embedder}", file=sys.stderr)
    embedder = from_spec(settings.embedder, num_threads=settings.num_threads)
    embeddings = EmbeddingCache.for_index(settings.index_dir, embedder) if cache else EmbeddingCache(None, embedder)
    manifest = build_index(
        settings.corpus_dir,
        settings.index_dir,
        embedder,
        split=settings.split,
        index_type=settings.retrieval.index_type,
        progress=progress,
        cache=embeddings,
    )
    return Change(manifest=manifest)


def check_new(settings: Settings, paths: list[Path], *, read: DocumentIds = read_ids) -> list[str]:
    """Why each of ``paths`` may not be added (one line each, naming the file); empty when all may.

    A file may not be added when it cannot be read, when the corpus has a file of its name, or when
    it holds a document id that the corpus (or another of ``paths``) already has.
    """
    ensure(settings.corpus_dir, seed=DEFAULT_CORPUS)
    present = {p.name for p in sources(settings.corpus_dir)}
    known = known_documents(settings) if present else {}
    refused = []
    for path in paths:
        try:
            if not path.is_file():
                raise UnreadableDocumentError(f"{path.name}: no such file")
            if path.name in present:
                raise UnreadableDocumentError(f"{path.name}: the corpus already has a file of that name")
            for doc_id in read(path):
                if doc_id in known:
                    raise UnreadableDocumentError(f"{path.name}: document {doc_id} is already in {known[doc_id]}")
                known[doc_id] = path.name
        except UnreadableDocumentError as e:
            refused.append(str(e))
    return refused


def add(settings: Settings, paths: list[Path], *, progress: Progress = True, read: DocumentIds = read_ids) -> Change:
    """Copy ``paths`` into the corpus directory and rebuild; raises RefusedError (a line per file) when any is refused.

    The files get the time of adding as their modification time (/api/documents shows it as ``added``).
    """
    with changing(settings):
        return _add(settings, paths, progress=progress, read=read)


def _add(settings: Settings, paths: list[Path], *, progress: Progress, read: DocumentIds) -> Change:
    refused = check_new(settings, paths, read=read)
    if refused:
        raise RefusedError("\n".join(refused))
    copied = []
    try:
        for path in paths:
            tmp = settings.corpus_dir / f".{path.name}.adding"
            shutil.copyfile(path, tmp)
            now = time.time()
            os.utime(tmp, (now, now))
            tmp.rename(settings.corpus_dir / path.name)
            copied.append(settings.corpus_dir / path.name)
        change = _build(settings, only_if_stale=False, cache=True, progress=progress)
    except BaseException:
        for path in copied:  # the served corpus stays as it was
            path.unlink(missing_ok=True)
        raise
    return Change(added=tuple(p.name for p in paths), manifest=change.manifest)


class NotInCorpusError(LookupError):
    """No document id or file name of the corpus matches; the message says which."""


def source_of(settings: Settings, document: str) -> Path:
    """The corpus file named ``document``, or holding the document with that id."""
    files = {p.name: p for p in sources(settings.corpus_dir)}
    target = files.get(document)
    if target is None:
        source = known_documents(settings).get(document)
        target = files.get(source) if source else None
    if target is None:
        raise NotInCorpusError(f"no document or file {document!r} in the corpus")
    return target


def remove(settings: Settings, document: str, *, progress: Progress = True) -> Change:
    """Move the source of ``document`` (an id or a file name) to ``.removed/`` and rebuild.

    Nothing is deleted: the file can be put back by hand. The last source cannot be removed.
    """
    with changing(settings):
        return _remove(settings, document, progress=progress)


def _remove(settings: Settings, document: str, *, progress: Progress) -> Change:
    target = source_of(settings, document)
    if len(sources(settings.corpus_dir)) == 1:
        raise RefusedError(f"{target.name} is the only source; a corpus needs at least one")
    removed = settings.corpus_dir / REMOVED
    removed.mkdir(exist_ok=True)
    kept = removed / target.name
    target.rename(kept)
    try:
        change = _build(settings, only_if_stale=False, cache=True, progress=progress)
    except BaseException:
        kept.rename(target)
        raise
    return Change(removed=(target.name,), manifest=change.manifest)


def known_documents(settings: Settings) -> dict[str, str]:
    """Document id -> source file name, for every document of the corpus directory.

    From the index's documents.json when the index was built from exactly these files (the manifest's
    corpus checksum covers every source's name and bytes), else by reading the corpus: reading a corpus
    of PDFs costs seconds, and ``add`` reads it once more to build anyway.
    """
    try:
        manifest = Manifest.read(settings.index_dir / "manifest.json")
        if manifest.corpus_checksum == checksum(settings.corpus_dir):
            documents = json.loads((settings.index_dir / "documents.json").read_text(encoding="utf-8"))
            return {d["id"]: d["source"] for d in documents}
    except (IndexLoadError, OSError, ValueError, KeyError, TypeError):
        pass  # no index, or one that cannot say: read the corpus
    return {d.id: d.source for d in read_corpus(settings.corpus_dir).documents}
