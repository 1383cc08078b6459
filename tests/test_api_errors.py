"""Every bad input the HTTP API must refuse with a JSON 4xx, and the service going on afterwards.

HTTP behaviour only, so the fake model serves (tests/fakes.py); what the answers contain is test_api.py's.
"""

from __future__ import annotations

import pytest


@pytest.fixture()
def client(fake_client):
    return fake_client


def assert_error(r, status: int, code: str | None = None) -> None:
    assert r.status_code == status, r.data[:200]
    body = r.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    assert b"Traceback" not in r.data and b'File "' not in r.data


@pytest.mark.parametrize(
    ("query_string", "code"),
    [
        ("", "missing_query"),
        ("q=", "missing_query"),
        ("q=%20%20%20", "missing_query"),
        ("q=" + "a" * 1001, "query_too_long"),
        ("q=politie&k=abc", "invalid_parameter"),
        ("q=politie&k=2.5", "invalid_parameter"),
        ("q=politie&k=0", "invalid_parameter"),
        ("q=politie&k=51", "invalid_parameter"),
        ("q=politie&k=-1", "invalid_parameter"),
        ("q=politie&document=nope", "unknown_document"),
        ("q=%FF%FE", "invalid_encoding"),
        ("q=politie%00", "invalid_query"),
        ("q=a&q=b", "invalid_parameter"),
    ],
)
def test_bad_get_queries_get_a_json_400(client, query_string, code):
    assert_error(client.get("/api/search?" + query_string), 400, code)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"not json", "invalid_json"),
        (b"[1, 2]", "invalid_json"),
        (b'"q"', "invalid_json"),
        (b"\xff\xfe{}", "invalid_encoding"),
        (b"{}", "missing_query"),
        (b'{"q": 5}', "invalid_query"),
        (b'{"q": "politie \\ud800"}', "invalid_query"),  # a lone surrogate cannot reach the embedder
        (b'{"q": "politie", "k": "5x"}', "invalid_parameter"),
        (b'{"q": "politie", "k": true}', "invalid_parameter"),
        (b'{"q": "politie", "k": 5.5}', "invalid_parameter"),
        (b'{"q": "politie", "document": 3}', "invalid_parameter"),
        (b'{"q": "politie", "document": "nope"}', "unknown_document"),
        (b"[" * 5000 + b"]" * 5000, "invalid_json"),
    ],
)
def test_bad_post_bodies_get_a_json_400(client, data, code):
    assert_error(client.post("/api/search", data=data, content_type="application/json"), 400, code)


def test_oversized_body_gets_413(client):
    assert_error(client.post("/api/search", data=b"{" + b" " * 20000 + b"}", content_type="application/json"), 413)


def test_wrong_method_and_unknown_route(client):
    r = client.delete("/api/search")
    assert_error(r, 405, "method_not_allowed")
    assert "GET" in r.headers["Allow"]
    assert_error(client.put("/api/documents"), 405)
    assert_error(client.post("/api/documents"), 404, "not_found")  # the admin upload, off without a token
    assert_error(client.get("/api/nothing"), 404, "not_found")


@pytest.mark.parametrize("qs", ["offset=-1", "limit=0", "limit=501", "limit=x", "document=nope"])
def test_bad_passages_params(client, qs):
    assert_error(client.get("/api/passages?" + qs), 400)


def test_service_keeps_serving_after_errors(client):
    for bad in ("", "q=%FF", "q=x&k=99"):
        client.get("/api/search?" + bad)
    assert client.get("/api/search", query_string={"q": "politie"}).status_code == 200
