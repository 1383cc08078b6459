"""Defences found missing by a security probe: bounded metrics, a rate limit that sees every request,
trusted proxies, strict parameters, no Host reflection, and a worker that survives a damaged index.

Flask's test client over the fake model (tests/fakes.py), except where a real index is damaged; the
gunicorn-level cases are in test_faults.py and test_slow_clients.py.
"""

from __future__ import annotations

import io
import shutil

import pytest

from vraagbaak.service.app import create_app
from vraagbaak.settings import Settings, SettingsError


@pytest.fixture()
def app_with(fake_app_with):
    return fake_app_with


@pytest.fixture()
def client(fake_client):
    return fake_client


@pytest.fixture()
def limited(app_with):
    """An app that allows 3 requests a minute per client."""
    return app_with(rate_limit="3/minute")


# ---------------------------------------------------------------- metrics


def test_made_up_methods_share_one_metrics_label(client):
    for i in range(40):
        assert client.open("/api/search", method=f"PROBE{i}").status_code == 405
        assert client.open(f"/nothing/{i}", method=f"X{i}").status_code == 404
    text = client.get("/metrics").get_data(as_text=True)
    assert 'method="other"' in text
    assert "PROBE" not in text and 'method="X1"' not in text and "/nothing/" not in text


@pytest.mark.parametrize(("allow", "status"), [("127.0.0.1", 200), ("10.0.0.0/8, ::1", 404), ("", 200)])
def test_metrics_can_be_restricted_to_an_allow_list(app_with, allow, status):
    networks = Settings.load({"VRAAGBAAK_METRICS_ALLOW": allow}).service.metrics_allow
    r = app_with(metrics_allow=networks).test_client().get("/metrics")  # the test client's address is 127.0.0.1
    assert r.status_code == status
    if status == 404:
        assert r.get_json()["error"]["code"] == "not_found"


def test_a_bad_metrics_allow_list_is_refused_at_start():
    with pytest.raises(SettingsError, match="VRAAGBAAK_METRICS_ALLOW"):
        Settings.load({"VRAAGBAAK_METRICS_ALLOW": "127.0.0.1, not-an-address"})


# ---------------------------------------------------------------- rate limit


def test_unknown_paths_and_methods_count_against_the_limit(limited):
    c = limited.test_client()
    assert c.get("/nothing").status_code == 404
    assert c.delete("/api/search").status_code == 405
    assert c.open("/api/search", method="BREW").status_code == 405
    r = c.get("/api/search?q=politie")
    assert r.status_code == 429 and r.get_json()["error"]["code"] == "rate_limited"
    assert int(r.headers["Retry-After"]) >= 1


def test_a_limited_client_keeps_the_page_the_widget_and_the_probes(limited):
    c = limited.test_client()
    for _ in range(4):
        c.get("/api/documents")
    assert c.get("/api/documents").status_code == 429
    for path in ("/", "/widget.js", "/home.css", "/home.js", "/healthz", "/readyz", "/metrics"):
        assert c.get(path).status_code == 200, path


def test_retry_after_is_sent_only_with_a_refusal(limited):
    c = limited.test_client()
    ok = c.get("/api/documents")
    assert ok.status_code == 200 and "Retry-After" not in ok.headers
    assert "X-RateLimit-Remaining" in ok.headers
    for _ in range(3):
        last = c.get("/api/documents")
    assert last.status_code == 429 and "Retry-After" in last.headers


def test_forwarded_addresses_are_ignored_unless_a_proxy_is_trusted(limited):
    c = limited.test_client()
    for i in range(3):
        c.get("/api/documents", headers={"X-Forwarded-For": f"203.0.113.{i}"})
    spoofed = c.get("/api/documents", headers={"X-Forwarded-For": "203.0.113.99"})
    assert spoofed.status_code == 429, "a made-up X-Forwarded-For must not buy a fresh bucket"


def test_behind_a_trusted_proxy_each_client_has_its_own_bucket(app_with):
    c = app_with(rate_limit="2/minute", trusted_proxies=1).test_client()
    alice, bob = {"X-Forwarded-For": "198.51.100.1"}, {"X-Forwarded-For": "198.51.100.2"}
    assert [c.get("/api/documents", headers=alice).status_code for _ in range(3)] == [200, 200, 429]
    assert c.get("/api/documents", headers=bob).status_code == 200
    # one proxy: the proxy appends the client it saw; what the client itself wrote in front is not trusted
    forged = {"X-Forwarded-For": "198.51.100.3, 198.51.100.1"}
    assert c.get("/api/documents", headers=forged).status_code == 429


@pytest.mark.parametrize("value", ["-1", "two", "٣", "99"])
def test_a_bad_trusted_proxy_count_is_refused_at_start(value):
    with pytest.raises(SettingsError, match="VRAAGBAAK_TRUSTED_PROXIES"):
        Settings.load({"VRAAGBAAK_TRUSTED_PROXIES": value})


@pytest.mark.parametrize("value", ["0", "-5", "soon", "nan", "inf", "3601"])
def test_a_bad_read_timeout_is_refused_at_start(value):
    with pytest.raises(SettingsError, match="VRAAGBAAK_READ_TIMEOUT"):
        Settings.load({"VRAAGBAAK_READ_TIMEOUT": value})


def test_the_read_timeout_reaches_the_worker_class():
    from vraagbaak.service.worker import BufferingWorker, buffering_worker

    assert Settings.load({}).service.read_timeout == 10.0
    worker = buffering_worker(read_timeout=Settings.load({"VRAAGBAAK_READ_TIMEOUT": "2.5"}).service.read_timeout)
    assert issubclass(worker, BufferingWorker) and worker.read_timeout == 2.5


# ---------------------------------------------------------------- parameters


def test_a_huge_json_number_is_a_client_error(client):
    body = '{"q": "politie", "x": ' + "9" * 5000 + "}"
    r = client.post("/api/search", data=body, content_type="application/json")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_json"


@pytest.mark.parametrize("k", ["٣", "３", "５", " 5", "5 "])
def test_k_takes_ascii_digits_only(client, k):
    r = client.get("/api/search", query_string={"q": "politie", "k": k})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_parameter"


@pytest.mark.parametrize("document", ["brief-7534332 ", " brief-7534332", "brief-7534332\t"])
def test_a_document_id_is_taken_as_given(client, document):
    r = client.get("/api/search", query_string={"q": "politie", "document": document})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "unknown_document"
    assert client.get("/api/search", query_string={"q": "politie", "document": "brief-7534332"}).status_code == 200


def test_duplicate_json_keys_are_refused_like_repeated_parameters(client):
    r = client.post("/api/search", data='{"q": "politie", "k": 1, "k": 50}', content_type="application/json")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_parameter"
    assert "'k'" in r.get_json()["error"]["message"]
    repeated = client.get("/api/search?q=politie&k=1&k=50")
    assert repeated.status_code == 400 and repeated.get_json()["error"]["code"] == "invalid_parameter"


@pytest.mark.parametrize("path", ["/api//documents", "//api/documents", "/api/search//"])
def test_doubled_slashes_are_a_json_404_not_a_redirect(client, path):
    r = client.get(path, headers={"Host": "evil.example"})
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"
    assert "Location" not in r.headers


# ---------------------------------------------------------------- a damaged index


def test_a_worker_with_a_damaged_index_starts_degraded_and_recovers(index_dir, embedder, tmp_path, monkeypatch):

    broken = tmp_path / "index"
    shutil.copytree(index_dir.resolve(), broken)
    vectors = broken / "vectors.faiss"
    good = vectors.read_bytes()
    vectors.write_bytes(good[: len(good) // 2])

    app = create_app(Settings(index_dir=broken), embedder=embedder, degrade=True)
    c = app.test_client()
    assert c.get("/healthz").status_code == 200
    ready = c.get("/readyz")
    assert ready.status_code == 503 and "fails its checksum" in ready.get_json()["error"]["message"]
    search = c.get("/api/search?q=politie")
    assert search.status_code == 503 and search.headers["Retry-After"] == "5"
    assert "could not be loaded" in search.get_json()["error"]["message"]

    vectors.write_bytes(good)  # the operator repairs the index; the worker tries again on a later request
    monkeypatch.setattr("vraagbaak.service.api.RELOAD_RETRY_SECONDS", 0.0)
    assert c.get("/readyz").status_code == 200
    assert c.get("/api/search?q=politie").status_code == 200


def test_without_degrade_a_damaged_index_still_stops_the_app(index_dir, embedder, tmp_path):
    from vraagbaak.index.store import IndexLoadError

    broken = tmp_path / "index"
    shutil.copytree(index_dir.resolve(), broken)
    (broken / "passages.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(IndexLoadError):
        create_app(Settings(index_dir=broken), embedder=embedder)


def test_a_body_that_stops_arriving_is_a_408(client):
    class Stalled(io.BytesIO):
        """What the worker's socket does when a client stops sending a body it did not buffer."""

        def read(self, *args):
            raise TimeoutError("timed out")

        readline = readinto = read

    r = client.post(
        "/api/search",
        input_stream=Stalled(),
        content_type="application/json",
        environ_overrides={"CONTENT_LENGTH": "100"},  # the test client would measure the stream instead
    )
    assert r.status_code == 408 and r.get_json()["error"]["code"] == "request_timeout"
    assert r.headers["Connection"] == "close"


def test_a_body_cut_short_is_a_400_that_says_so(client):
    r = client.post(
        "/api/search",
        input_stream=io.BytesIO(b'{"q": "poli'),
        content_type="application/json",
        environ_overrides={"CONTENT_LENGTH": "100"},
    )
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "incomplete_body"
