"""The repeated-question caches: bounds, LRU order, one build at a time, shared by threads, and in the API.

No timing here: what a cache hit saves is measured by `make bench`.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np
import pytest
from fakes import HashEmbedder

from vraagbaak.index.cache import ENTRY_OVERHEAD, LRUCache
from vraagbaak.index.search import Searcher
from vraagbaak.service.params import parse_query
from vraagbaak.settings import ServiceSettings, Settings, SettingsError

# ------------------------------------------------------------------ LRUCache


def test_least_recently_used_goes_first_when_the_entries_are_full():
    cache = LRUCache(2, 10**6)
    cache.put("a", 1, 10)
    cache.put("b", 2, 10)
    assert cache.get("a") == 1  # a is now the most recently used
    cache.put("c", 3, 10)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
    assert cache.stats().evictions == 1 and len(cache) == 2


def test_the_byte_bound_evicts_and_an_entry_larger_than_the_bound_is_not_kept():
    cache = LRUCache(100, 3 * (100 + ENTRY_OVERHEAD))
    for key in "abcd":
        cache.put(key, key, 100)
    assert [cache.get(k) for k in "abcd"] == [None, "b", "c", "d"]
    assert cache.stats().bytes == 3 * (100 + ENTRY_OVERHEAD)
    assert cache.put("huge", "x", 10**6) is False and cache.get("huge") is None
    cache.put("b", "b2", 100)  # replacing an entry does not count it twice
    assert cache.stats().bytes == 3 * (100 + ENTRY_OVERHEAD) and cache.get("b") == "b2"


def test_another_build_empties_the_cache():
    cache = LRUCache(10, 10**6)
    cache.bind("build-1")
    cache.put(("build-1", "q"), "answer", 10)
    cache.bind("build-1")
    assert cache.get(("build-1", "q")) == "answer"
    cache.bind("build-2")
    assert len(cache) == 0 and cache.stats().bytes == 0


def test_zero_entries_disables_the_cache():
    cache = LRUCache(0, 10**6)
    assert not cache.enabled
    assert cache.put("a", 1, 1) is False and cache.get("a") is None


def test_lookups_are_reported_as_hits_and_misses():
    seen: list[bool] = []
    cache = LRUCache(10, 10**6, on_lookup=seen.append)
    cache.get("a")
    cache.put("a", 1, 1)
    cache.get("a")
    assert seen == [False, True]
    assert (cache.stats().hits, cache.stats().misses) == (1, 1)


def test_threads_sharing_one_cache_keep_its_bounds_and_its_accounts():
    """Many threads get and put overlapping keys at once; afterwards every count and bound must add up.

    Without the lock, OrderedDict.move_to_end racing popitem raises KeyError, and the byte count drifts.
    """
    cache = LRUCache(50, 40 * (64 + ENTRY_OVERHEAD))
    threads, rounds, keys = 8, 2000, 120
    start = threading.Barrier(threads)
    wrong: list[str] = []

    def work(seed: int) -> int:
        rng = np.random.default_rng(seed)
        start.wait()
        gets = 0
        for _ in range(rounds):
            key = int(rng.integers(keys))
            value = cache.get(key)
            gets += 1
            if value is not None and value != f"v{key}":
                wrong.append(f"{key}: {value}")
            cache.put(key, f"v{key}", 64)
        return gets

    with ThreadPoolExecutor(threads) as pool:
        gets = sum(pool.map(work, range(threads)))
    stats = cache.stats()
    assert not wrong
    assert stats.hits + stats.misses == gets
    assert stats.entries <= 40 and stats.bytes <= cache.max_bytes
    assert stats.bytes == sum(cost for _, cost in cache._data.values()) == stats.entries * (64 + ENTRY_OVERHEAD)


# ------------------------------------------------------------------ the searcher's encoding cache


class CountingEmbedder(HashEmbedder):
    """The fake model, counting the questions it encodes."""

    def __init__(self) -> None:
        super().__init__()
        self.encoded: list[str] = []

    def encode_question(self, text, *, sparse):
        self.encoded.append(text)
        return super().encode_question(text, sparse=sparse)


@pytest.fixture()
def counting_searcher(fake_searcher):
    embedder = CountingEmbedder()
    return Searcher(fake_searcher.index, embedder, fake_searcher.config, encodings=LRUCache(100, 10**6))


def test_a_repeated_question_is_encoded_once_whatever_k_and_document(counting_searcher):
    q = "Hoeveel geld gaat er naar de politie?"
    first = counting_searcher.search(q, k=5)
    again = counting_searcher.search(q, k=2, document="brief-7534332")
    third = counting_searcher.search(q, k=5)
    assert counting_searcher.embedder.encoded == [q]
    assert [h.passage.id for h in third.hits] == [h.passage.id for h in first.hits]
    assert all(h.passage.document.id == "brief-7534332" for h in again.hits)
    assert not third.query_vector.flags.writeable  # a shared cached array cannot be changed by one request


def test_a_cached_encoding_gives_the_same_answer_as_a_fresh_one(counting_searcher, fake_searcher):
    for q in ["Wanneer komt de kroongetuigenregeling?", "What about online gambling?"]:
        counting_searcher.search(q)
        cached, fresh = counting_searcher.search(q), fake_searcher.search(q)
        assert [(h.passage.id, h.score, h.highlight) for h in cached.hits] == [
            (h.passage.id, h.score, h.highlight) for h in fresh.hits
        ]
        assert cached.answerable == fresh.answerable


def test_a_new_build_encodes_again(counting_searcher):
    q = "Hoeveel geld gaat er naar de politie?"
    counting_searcher.search(q)
    index = counting_searcher.index
    rebuilt = replace(index, manifest=replace(index.manifest, built_at="2099-01-01T00:00:00+00:00"))
    s = counting_searcher
    other = Searcher(rebuilt, s.embedder, s.config, encodings=s.encodings)
    assert other.build_id != counting_searcher.build_id
    other.search(q)
    assert counting_searcher.embedder.encoded == [q, q]
    assert len(counting_searcher.encodings) == 1  # the old build's entry went with it


# ------------------------------------------------------------------ the response cache, over HTTP


def lookups(client, cache: str, result: str) -> float:
    text = client.get("/metrics").get_data(as_text=True)
    found = re.search(rf'vraagbaak_cache_lookups_total{{cache="{cache}",result="{result}"}} (\S+)', text)
    return float(found.group(1)) if found else 0.0


def test_a_repeated_question_is_answered_from_the_response_cache(fake_client):
    q = {"q": "Hoeveel geld gaat er naar de politie?", "k": "3"}
    hits, misses = lookups(fake_client, "response", "hit"), lookups(fake_client, "response", "miss")
    first = fake_client.get("/api/search", query_string=q).get_json()
    second = fake_client.get("/api/search", query_string=q).get_json()
    spaced = fake_client.get(
        "/api/search", query_string={"q": "  Hoeveel   geld gaat er naar\tde politie? ", "k": "3"}
    ).get_json()
    assert lookups(fake_client, "response", "miss") == misses + 1
    assert lookups(fake_client, "response", "hit") == hits + 2
    for other in (second, spaced):
        assert {**other, "took_ms": 0} == {**first, "took_ms": 0}
    # another k or document is another answer
    fake_client.get("/api/search", query_string={**q, "k": "4"})
    assert lookups(fake_client, "response", "miss") == misses + 2


def test_the_cached_response_equals_the_uncached_one(fake_app_with):
    cached = fake_app_with().test_client()
    uncached = fake_app_with().test_client()
    uncached.application.extensions["vraagbaak"].responses = None
    for q in ["Wie is de minister?", "Wanneer komt de kroongetuigenregeling?", "Hoeveel agenten?"]:
        args = {"q": q, "document": "brief-7534332"}
        cached.get("/api/search", query_string=args)
        a = cached.get("/api/search", query_string=args)
        b = uncached.get("/api/search", query_string=args)
        assert a.status_code == b.status_code == 200 and a.mimetype == b.mimetype == "application/json"
        assert {**a.get_json(), "took_ms": 0} == {**b.get_json(), "took_ms": 0}


def test_threads_asking_the_same_questions_get_the_same_answers(fake_app_with):
    app = fake_app_with()
    questions = [f"Wat staat er over onderwerp {i} en de politie?" for i in range(12)]
    expected = {}
    with app.test_client() as c:
        app.extensions["vraagbaak"].responses = None
        for q in questions:
            expected[q] = {**c.get("/api/search", query_string={"q": q}).get_json(), "took_ms": 0}
    app = fake_app_with()  # a fresh, empty cache shared by the threads below
    start = threading.Barrier(8)

    def ask(i: int) -> list[bool]:
        client = app.test_client()
        start.wait()
        out = []
        for j in range(60):
            q = questions[(i + j) % len(questions)]
            out.append({**client.get("/api/search", query_string={"q": q}).get_json(), "took_ms": 0} == expected[q])
        return out

    with ThreadPoolExecutor(8) as pool:
        answers = [ok for got in pool.map(ask, range(8)) for ok in got]
    assert all(answers) and len(answers) == 480
    stats = app.extensions["vraagbaak"].responses.stats()
    assert stats.hits + stats.misses == 480 and stats.entries == len(questions)


def test_cache_off_answers_every_question_afresh(fake_searcher):
    from vraagbaak.service.app import create_app

    app = create_app(Settings(cache_entries=0, service=ServiceSettings()), searcher=fake_searcher)
    client = app.test_client()
    for _ in range(2):
        assert client.get("/api/search", query_string={"q": "politie"}).status_code == 200
    assert app.extensions["vraagbaak"].responses.stats().hits == 0


def test_normalised_question_collapses_whitespace_only():
    assert parse_query("Wie  is\tde\n minister?") == "Wie is de minister?"
    assert parse_query("Wie is de Minister?") == "Wie is de Minister?"  # case matters to the model


# ------------------------------------------------------------------ settings


def test_cache_and_engine_settings():
    s = Settings.load({"VRAAGBAAK_CACHE_ENTRIES": "0", "VRAAGBAAK_CACHE_MB": "8.5", "VRAAGBAAK_ENGINES": "2"})
    assert (s.cache_entries, s.cache_mb, s.engines) == (0, 8.5, 2)
    d = Settings.load({})
    assert (d.cache_entries, d.cache_mb, d.engines) == (1024, 64.0, None)


@pytest.mark.parametrize(
    "name, value",
    [("VRAAGBAAK_CACHE_ENTRIES", "-1"), ("VRAAGBAAK_CACHE_MB", "nan"), ("VRAAGBAAK_ENGINES", "0")],
)
def test_wrong_cache_and_engine_settings_are_one_line(name, value):
    with pytest.raises(SettingsError, match=name) as e:
        Settings.load({name: value})
    assert "\n" not in str(e.value)
