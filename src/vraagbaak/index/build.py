"""Build an index directory: read, split, embed, store, then swap it into place.

A build writes a fresh directory next to the target and then swaps a symlink
onto the configured path with one atomic rename, so a reader never sees a
half-written index and a running service keeps the files it opened (and, since
service/api.py watches the link, loads the new build within a second or so).

Only texts the embedding cache has not seen are embedded (index/embedcache.py,
``<index>.cache/`` beside the link): adding a document embeds that document.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import faiss
import numpy as np

from vraagbaak.corpus import Document
from vraagbaak.corpus.directory import read_corpus, sources
from vraagbaak.index.embedcache import EmbeddingCache, identity
from vraagbaak.index.embedders import Embedder, Progress, sparse_encoder
from vraagbaak.index.model import SplitConfig, strip_marks
from vraagbaak.index.passages import Splitter
from vraagbaak.index.store import (
    FILES,
    SOURCES_DIR,
    SPARSE_FILE,
    IndexLoadError,
    Manifest,
    SparseMatrix,
    file_checksum,
    pipeline_checksum,
)
from vraagbaak.index.vectors import VectorStore

KEEP_BUILDS = 2


def build_index(
    corpus_path: Path,  # a corpus directory, or one source file
    index_dir: Path,
    embedder: Embedder,
    *,
    split: SplitConfig | None = None,
    index_type: str = "flat",
    progress: Progress = True,
    cache: EmbeddingCache | bool = True,
) -> Manifest:
    """Read, split, embed and store the corpus, then swap the result into ``index_dir``.

    ``progress``: True draws progress bars on stderr; a function is called as ``progress(stage, done,
    total)`` with the stages "reading", "passages", "sentences", "sparse terms" and "writing".

    ``cache``: True uses (and updates) the embedding cache beside ``index_dir``; False embeds every
    text; an :class:`EmbeddingCache` of this embedder is used as given (its counters then say what
    was embedded and what reused).
    """
    started = time.perf_counter()
    corpus_path, index_dir = Path(corpus_path), Path(index_dir)
    report = progress if callable(progress) else None
    if report:
        report("reading", 0, 0)
    corpus = read_corpus(corpus_path)
    if report:
        report("reading", corpus.page_count, corpus.page_count)
    source_files = sources(corpus_path)
    split = split or SplitConfig()
    passages = Splitter(split).split(corpus)
    if not isinstance(cache, EmbeddingCache):
        cache = EmbeddingCache.for_index(index_dir, embedder) if cache else EmbeddingCache(None, embedder)
    elif cache.identity != identity(embedder):
        raise ValueError("the embedding cache given belongs to another embedder")
    vectors = cache.dense([p.search_text for p in passages], embedder, progress=progress, desc="passages")
    # Sentences carry their passage's context too: a bare memo sentence is as vague as a bare heading.
    sentence_texts = [p.search_prefix + strip_marks(p.text[a:b]) for p in passages for a, b in p.sentences]
    sentence_vectors = cache.dense(sentence_texts, embedder, progress=progress, desc="sentences")
    sparse = None
    if (encoder := sparse_encoder(embedder)) is not None:
        rows = cache.sparse([p.search_text for p in passages], encoder, progress=progress, desc="sparse terms")
        sparse = SparseMatrix.from_rows(rows, encoder.sparse_dim)
    # Saved before the build is written: the embedding is the expensive part, and a build that fails
    # after it (a full disk) is then cheap to run again.
    cache.save()
    if progress is True:
        print(f"embedding: {cache.summary()}", file=sys.stderr)
    elif report:
        report("writing", 0, 0)

    builds = index_dir.parent / f"{index_dir.name}.builds"
    builds.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC)
    # Microseconds in the name: builds sort by name in build order, which _prune relies on.
    tmp = Path(tempfile.mkdtemp(prefix=f".{stamp:%Y%m%dT%H%M%S%f}-", dir=builds))
    tmp.chmod(0o755)  # mkdtemp makes it private; a service running as another user must read the build
    try:
        (tmp / "documents.json").write_text(
            json.dumps(_document_entries(corpus.documents, passages, source_files), ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
        with open(tmp / "passages.jsonl", "w", encoding="utf-8") as f:
            for p in passages:
                f.write(json.dumps(asdict(p), ensure_ascii=False) + "\n")
        VectorStore.build(vectors, index_type).save(tmp / "vectors.faiss")
        np.save(tmp / "sentences.npy", sentence_vectors)
        names = list(FILES)
        # The sources go with the index: /api/documents/<id>/file serves exactly what was indexed.
        (tmp / SOURCES_DIR).mkdir()
        for path in source_files:
            shutil.copy2(path, tmp / SOURCES_DIR / path.name)
            names.append(f"{SOURCES_DIR}/{path.name}")
        if sparse is not None:
            sparse.save(tmp / SPARSE_FILE)
            names.append(SPARSE_FILE)
        manifest = Manifest(
            embedder=embedder.spec,
            model_id=embedder.model_id,
            dim=embedder.dim,
            passage_count=len(passages),
            sentence_count=len(sentence_texts),
            corpus=corpus_path.name,
            corpus_checksum=corpus.checksum,
            built_at=stamp.isoformat(timespec="seconds"),
            build_seconds=round(time.perf_counter() - started, 3),
            split=asdict(split),
            index_type=index_type,
            versions={
                "python": platform.python_version(),
                "faiss": faiss.__version__,
                "numpy": np.__version__,
                "langchain-text-splitters": version("langchain-text-splitters"),
                **embedder.versions,
            },
            files={name: file_checksum(tmp / name) for name in names},
            sparse_dim=sparse.dim if sparse is not None else 0,
            pipeline=pipeline_checksum(),
        )
        (tmp / "manifest.json").write_text(json.dumps(asdict(manifest), indent=2), encoding="utf-8")
        final = builds / tmp.name.lstrip(".")
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _swap_symlink(index_dir, final)
    _prune(builds, keep=final)
    return manifest


def _document_entries(documents: list[Document], passages: list, source_files: list[Path]) -> list[dict]:
    """What /api/documents lists: each document, its pages and sections, its passages, and when its file came.

    ``added`` is the source file's modification time: ``vraagbaak add`` and an upload keep or set it.
    """
    counts = Counter(p.document.id for p in passages)
    added = {
        path.name: datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")
        for path in source_files
    }
    return [
        {
            **doc.describe(),
            "source": doc.source,
            "first_page": doc.first_page,
            "last_page": doc.last_page,
            "sections": list(dict.fromkeys(h for s in doc.sections for h in s.path)),
            "passages": counts[doc.id],
            "added": added.get(doc.source),
        }
        for doc in documents
    ]


def _swap_symlink(link: Path, target: Path) -> None:
    """Point ``link`` at ``target`` with one atomic rename."""
    if link.exists() and not link.is_symlink():
        raise IndexLoadError(f"{link} is a real directory, not an index link; move it away")
    tmp_link = link.parent / f".{link.name}.{os.getpid()}.tmp"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(os.path.relpath(target, link.parent))
    os.replace(tmp_link, link)


def _prune(builds: Path, *, keep: Path) -> None:
    """Keep the newest builds; a running service may still have an older one open."""
    done = sorted((p for p in builds.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.name)
    for old in done[:-KEEP_BUILDS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
