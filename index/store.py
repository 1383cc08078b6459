"""Build, write and load the on-disk index: vectors in FAISS, passages, a manifest.

An index directory holds::

    documents.json   the documents with their pages and section headings
    manifest.json    embedder and model id, dimension, counts, corpus checksum,
                     build time, split config, library versions, file checksums
    passages.jsonl   one passage per line, in corpus order
    vectors.faiss    the passage vectors (exact inner product by default)
    sentences.npy    one vector per passage sentence, for the highlight

A build writes a fresh directory next to the target and then swaps a symlink
onto the configured path with one atomic rename, so a reader never sees a
half-written index and a running service keeps the files it opened.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import faiss
import numpy as np

from corpus import Document, read_file
from index.embedders import Embedder
from index.passages import Passage, SplitConfig, Splitter, strip_marks

FORMAT_VERSION = 1
FILES = ("documents.json", "passages.jsonl", "vectors.faiss", "sentences.npy")
KEEP_BUILDS = 2
DEFAULT_INDEX_DIR = Path(".vraagbaak/index")


class IndexLoadError(RuntimeError):
    """The index on disk cannot be used; the message is one line that says why."""


@dataclass
class Manifest:
    embedder: str
    model_id: str
    dim: int
    passage_count: int
    sentence_count: int
    corpus: str
    corpus_checksum: str
    built_at: str
    build_seconds: float
    split: dict
    index_type: str
    versions: dict[str, str]
    files: dict[str, str] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION

    @classmethod
    def read(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**data)
        except FileNotFoundError:
            raise IndexLoadError(f"no manifest.json in {path.parent}: build the index first (make index)") from None
        except (json.JSONDecodeError, TypeError) as e:
            raise IndexLoadError(f"manifest {path} is unreadable ({e}); rebuild the index") from None


@dataclass
class LoadedIndex:
    """Everything the searcher needs, read once at start."""

    path: Path
    manifest: Manifest
    documents: list[dict]
    passages: list[Passage]
    vectors: faiss.Index
    sentence_vectors: np.ndarray
    #: Row in ``sentence_vectors`` of each passage's first sentence.
    sentence_offsets: list[int]


def corpus_checksum(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _file_checksum(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def make_faiss_index(vectors: np.ndarray, index_type: str = "flat") -> faiss.Index:
    """Exact inner product (``flat``) or HNSW over normalised vectors."""
    dim = vectors.shape[1]
    if index_type == "flat":
        index = faiss.IndexFlatIP(dim)
    elif index_type.startswith("hnsw"):
        m = int(index_type[4:] or 32)
        index = faiss.IndexHNSWFlat(dim, m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 64
    else:
        raise ValueError(f"unknown index type {index_type!r}: use 'flat' or 'hnsw[M]'")
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def build_index(
    corpus_path: Path,
    index_dir: Path,
    embedder: Embedder,
    *,
    split: SplitConfig | None = None,
    index_type: str = "flat",
    progress: bool = True,
) -> Manifest:
    """Read, split, embed and store the corpus, then swap the result into ``index_dir``."""
    started = time.perf_counter()
    corpus_path, index_dir = Path(corpus_path), Path(index_dir)
    corpus = read_file(corpus_path)
    split = split or SplitConfig()
    passages = Splitter(split).split(corpus)
    vectors = embedder.embed_passages([p.search_text for p in passages], progress=progress, desc="passages")
    # Sentences carry their passage's context too: a bare memo sentence is as vague as a bare heading.
    sentence_texts = [p.search_prefix + strip_marks(p.text[a:b]) for p in passages for a, b in p.sentences]
    sentence_vectors = embedder.embed_passages(sentence_texts, progress=progress, desc="sentences")

    builds = index_dir.parent / f"{index_dir.name}.builds"
    builds.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC)
    tmp = Path(tempfile.mkdtemp(prefix=f".{stamp:%Y%m%dT%H%M%S}-", dir=builds))
    try:
        (tmp / "documents.json").write_text(
            json.dumps([_document_entry(d) for d in corpus.documents], ensure_ascii=False, indent=1), encoding="utf-8"
        )
        with open(tmp / "passages.jsonl", "w", encoding="utf-8") as f:
            for p in passages:
                f.write(json.dumps(asdict(p), ensure_ascii=False) + "\n")
        faiss.write_index(make_faiss_index(vectors, index_type), str(tmp / "vectors.faiss"))
        np.save(tmp / "sentences.npy", sentence_vectors)
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
            files={name: _file_checksum(tmp / name) for name in FILES},
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


def _document_entry(doc: Document) -> dict:
    headings = list(dict.fromkeys(h for s in doc.sections for h in s.path))
    return {**doc.describe(), "first_page": doc.first_page, "last_page": doc.last_page, "sections": headings}


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


def load_index(index_dir: Path, *, expected_model_id: str | None = None, verify: bool = True) -> LoadedIndex:
    """Load and validate an index; raise :class:`IndexLoadError` with a one-line reason."""
    index_dir = Path(index_dir)
    if not index_dir.exists():
        raise IndexLoadError(f"index directory {index_dir} does not exist: build it first (make index)")
    real = index_dir.resolve()  # read every file from one build, even if a rebuild swaps the link
    manifest = Manifest.read(real / "manifest.json")
    if manifest.format_version != FORMAT_VERSION:
        raise IndexLoadError(f"index format {manifest.format_version} is not {FORMAT_VERSION}; rebuild the index")
    if expected_model_id and manifest.model_id != expected_model_id:
        raise IndexLoadError(
            f"index in {index_dir} was built with {manifest.model_id} ({manifest.embedder}) "
            f"but the configured embedder is {expected_model_id}; rebuild it or change VRAAGBAAK_EMBEDDER"
        )
    for name in FILES:
        path = real / name
        if not path.exists():
            raise IndexLoadError(f"index file {path} is missing; rebuild the index")
        if verify and _file_checksum(path) != manifest.files.get(name):
            raise IndexLoadError(f"index file {path} fails its checksum (truncated or changed); rebuild the index")
    try:
        documents = json.loads((real / "documents.json").read_text(encoding="utf-8"))
        with open(real / "passages.jsonl", encoding="utf-8") as f:
            passages = [Passage.from_dict(json.loads(line)) for line in f]
        vectors = faiss.read_index(str(real / "vectors.faiss"))
        sentence_vectors = np.load(real / "sentences.npy")
    except Exception as e:  # corrupt files fail in many ways; all mean the same to the operator
        raise IndexLoadError(f"index in {real} is unreadable ({type(e).__name__}: {e}); rebuild the index") from None
    if len(passages) != manifest.passage_count or vectors.ntotal != manifest.passage_count:
        raise IndexLoadError(f"index in {real} holds {vectors.ntotal} vectors for {len(passages)} passages; rebuild it")
    if vectors.d != manifest.dim or sentence_vectors.shape != (manifest.sentence_count, manifest.dim):
        raise IndexLoadError(f"index in {real} has vectors of the wrong shape; rebuild it")
    offsets, row = [], 0
    for p in passages:
        offsets.append(row)
        row += len(p.sentences)
    return LoadedIndex(real, manifest, documents, passages, vectors, sentence_vectors, offsets)


def stale_reason(
    index_dir: Path, corpus_path: Path, *, embedder_spec: str, split: SplitConfig | None = None
) -> str | None:
    """Why the index must be rebuilt, or None when it is current."""
    manifest_path = Path(index_dir) / "manifest.json"
    if not manifest_path.exists():
        return "no index yet"
    try:
        manifest = Manifest.read(manifest_path)
    except IndexLoadError as e:
        return str(e)
    if manifest.corpus_checksum != corpus_checksum(corpus_path):
        return "the corpus changed"
    if manifest.embedder != embedder_spec:
        return f"the embedder changed ({manifest.embedder} -> {embedder_spec})"
    if manifest.split != asdict(split or SplitConfig()):
        return "the split configuration changed"
    if manifest.format_version != FORMAT_VERSION:
        return "the index format changed"
    return None


__all__ = ["IndexLoadError", "LoadedIndex", "Manifest", "build_index", "load_index", "stale_reason"]
