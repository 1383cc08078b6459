"""Request ids, the JSON request log, /metrics, security headers, rate limiting and the OpenAPI document."""

from __future__ import annotations

import json
import logging
import re

import pytest

from vraagbaak.service.observability import JsonFormatter

POLICE = "Hoeveel geld gaat er structureel naar de politie?"


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[dict] = []
        self.setFormatter(JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture()
def request_log():
    handler = Lines()
    logger = logging.getLogger("vraagbaak.request")
    logger.addHandler(handler)
    try:
        yield handler.lines
    finally:
        logger.removeHandler(handler)


def test_request_id_is_generated_echoed_and_sanitised(client):
    generated = client.get("/healthz").headers["X-Request-Id"]
    assert len(generated) == 32 and generated != client.get("/healthz").headers["X-Request-Id"]
    assert client.get("/healthz", headers={"X-Request-Id": "abc-123.x"}).headers["X-Request-Id"] == "abc-123.x"
    for bad in ("a b", "x" * 200, "<script>", "evil\u00e9"):
        echoed = client.get("/healthz", headers={"X-Request-Id": bad}).headers["X-Request-Id"]
        assert echoed != bad and len(echoed) == 32


def test_one_json_line_per_request_without_the_question(client, request_log):
    r = client.get("/api/search", query_string={"q": POLICE, "k": 1}, headers={"X-Request-Id": "req-1"})
    assert r.status_code == 200
    client.get("/api/search?q=" + "a" * 1001)
    ok, bad = request_log
    assert ok["msg"] == "request" and ok["request_id"] == "req-1" and ok["status"] == 200
    assert ok["method"] == "GET" and ok["path"] == "/api/search" and ok["duration_ms"] >= 0
    assert ok["q_len"] == len(POLICE) and len(ok["q_hash"]) == 16
    assert bad["status"] == 400 and len(bad["request_id"]) == 32
    assert "politie" not in json.dumps(request_log)


def test_same_question_same_hash(client, request_log):
    for _ in range(2):
        client.post("/api/search", json={"q": POLICE, "k": 1})
    assert request_log[0]["q_hash"] == request_log[1]["q_hash"]


def test_metrics_count_requests_and_time_the_stages(client):
    client.get("/api/search", query_string={"q": POLICE, "k": 1})
    client.get("/api/search?k=1")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'vraagbaak_http_requests_total{endpoint="/api/search",method="GET",status="200"}' in text
    assert 'vraagbaak_http_requests_total{endpoint="/api/search",method="GET",status="400"}' in text
    for name in ("vraagbaak_embed_seconds", "vraagbaak_search_seconds", "vraagbaak_request_seconds"):
        assert f"{name}_bucket" in text and f"{name}_count" in text


def test_security_headers_on_pages_and_api(client):
    for path in ("/", "/widget.js", "/api/documents", "/api/nothing"):
        r = client.get(path)
        assert r.headers["X-Content-Type-Options"] == "nosniff", path
        assert r.headers["Referrer-Policy"] == "no-referrer", path
        csp = r.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "connect-src 'self'" in csp and "'unsafe-inline'" not in csp
    page = client.get("/").get_data(as_text=True)
    assert "<script>" not in page  # only <script src=...>: no inline script under the CSP


def test_csp_connect_src_takes_extra_origins(app_with):
    csp = app_with(csp_connect=("https://api.example",)).test_client().get("/").headers["Content-Security-Policy"]
    assert "connect-src 'self' https://api.example;" in csp


def test_rate_limit_is_off_by_default(client):
    assert all(client.get("/api/documents").status_code == 200 for _ in range(5))


def test_rate_limit_answers_json_429_with_retry_after(app_with):
    c = app_with(rate_limit="3/minute").test_client()
    statuses = [c.get("/api/documents").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    r = c.get("/api/search", query_string={"q": "politie"})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    assert r.get_json()["error"]["code"] == "rate_limited"
    assert c.get("/healthz").status_code == 200 and c.get("/readyz").status_code == 200  # probes are exempt
    other = c.get("/api/documents", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200  # per client address


def test_openapi_describes_every_route(app, client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert_routes_described(app, spec)


def assert_routes_described(app, spec: dict) -> None:
    for rule in app.url_map.iter_rules():
        methods = (rule.methods or set()) - {"HEAD", "OPTIONS"}
        if not methods or rule.endpoint.startswith("admin_absent"):  # rules that answer 404 without a token
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)  # Flask's <doc_id> is OpenAPI's {doc_id}
        assert path in spec["paths"], f"{rule.rule} is not in /openapi.json"
        for method in methods:
            assert method.lower() in spec["paths"][path], f"{method} {rule.rule} is not in /openapi.json"
