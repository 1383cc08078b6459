"""The HTTP contract that clients rely on: what a search, the passages and the documents return."""

from __future__ import annotations

PASSAGE_KEYS = {
    "id", "text", "document", "section", "section_path", "page", "page_end", "footnotes", "citation", "source_url",
}  # fmt: skip
DOCUMENT_KEYS = {"id", "kind", "title", "date", "reference", "source"}
POLICE = "Hoeveel geld gaat er structureel naar de politie?"


def assert_passage(p: dict) -> None:
    assert set(p) >= PASSAGE_KEYS
    assert set(p["document"]) == DOCUMENT_KEYS
    assert p["document"]["kind"] in {"brief", "bijlage", "nota"}
    assert p["text"].strip() and p["section"] == p["section_path"][-1]
    assert 1 <= p["page"] <= p["page_end"] <= 15
    pages = f"p. {p['page']}" if p["page"] == p["page_end"] else f"p. {p['page']}–{p['page_end']}"
    assert p["citation"].endswith(f"{p['section']}, {pages}")
    for f in p["footnotes"]:
        assert set(f) == {"mark", "text"} and f["mark"] in p["text"]
    assert p["document"]["source"] == "beleidsbrief-jenv-2026-04-24.txt"
    assert p["source_url"] is None  # extracted text: there is no PDF to open at the page


def test_search_get_answers_the_police_question_first(client):
    r = client.get("/api/search", query_string={"q": POLICE})
    assert r.status_code == 200 and r.content_type == "application/json"
    body = r.get_json()
    assert list(body) == ["query", "answerable", "answer", "took_ms", "results"]
    assert body["query"] == POLICE and body["answerable"] is True and body["took_ms"] > 0
    assert len(body["results"]) == 5
    top = body["results"][0]
    assert "348 miljoen" in top["text"] and top["section"] == "Gezag en orde op straat" and top["page"] == 2
    assert top["citation"] == (
        "Beleidsbrief Justitie en Veiligheid (24 april 2026, kenmerk 7534332), Gezag en orde op straat, p. 2"
    )
    assert "348 miljoen" in top["highlight"] and top["highlight"] in top["text"]
    assert [h["rank"] for h in body["results"]] == [1, 2, 3, 4, 5]
    scores = [h["score"] for h in body["results"]]
    assert scores == sorted(scores, reverse=True)
    for hit in body["results"]:
        assert_passage(hit)


ANSWER_KEYS = ["text", "kind", "sentence", "passage_id", "page", "section", "citation", "confidence"]


def test_the_answer_is_the_amount_with_its_sentence_page_and_citation(client):
    body = client.get("/api/search", query_string={"q": POLICE}).get_json()
    answer, top = body["answer"], body["results"][0]
    assert list(answer) == ANSWER_KEYS
    assert answer["kind"] == "money" and "348 miljoen" in answer["text"] and len(answer["text"]) <= 120
    assert answer["passage_id"] == top["id"] and answer["page"] == 2 and answer["section"] == top["section"]
    assert answer["text"] in answer["sentence"] and answer["sentence"] in top["text"]
    assert answer["citation"] == top["citation"]
    assert top["highlight"] == answer["sentence"]  # the highlight is the answer's sentence
    assert 0 < answer["confidence"] <= 1
    # Its passage marks every amount for the police, the incidental 114 million beside the structural 348.
    assert answer["sentence"] in top["highlights"] and any("114 miljoen" in h for h in top["highlights"])
    assert all(r["highlights"] == [r["highlight"]] for r in body["results"][1:])


def test_an_annex_row_answers_when_with_its_quarter(client):
    q = "Wanneer komt het wetsvoorstel over de kroongetuigenregeling?"
    answer = client.get("/api/search", query_string={"q": q}).get_json()["answer"]
    assert (answer["kind"], answer["text"], answer["page"]) == ("date", "Kwartaal 3 2026", 13)
    assert "kroongetuigeregeling" in answer["sentence"]


def test_no_answer_when_the_question_is_not_answerable(client):
    body = client.get("/api/search", query_string={"q": "Wat is een goed recept voor appeltaart?"}).get_json()
    assert body["answerable"] is False and body["answer"] is None
    assert "answer" in body  # null, never missing


def test_a_cached_response_carries_the_same_answer(client):
    first = client.get("/api/search", query_string={"q": POLICE, "k": 4}).get_json()
    again = client.get("/api/search", query_string={"q": POLICE, "k": 4}).get_json()
    assert again["answer"] == first["answer"] and again["answer"] is not None
    assert again["results"] == first["results"]


def test_search_post_matches_get(client):
    get = client.get("/api/search", query_string={"q": POLICE, "k": 3}).get_json()
    post = client.post("/api/search", json={"q": POLICE, "k": 3}).get_json()
    assert [h["id"] for h in get["results"]] == [h["id"] for h in post["results"]]


def test_k_and_document_filter(client):
    body = client.get(
        "/api/search", query_string={"q": "kroongetuige", "k": 2, "document": "bijlage-7534332"}
    ).get_json()
    assert len(body["results"]) == 2
    assert {h["document"]["id"] for h in body["results"]} == {"bijlage-7534332"}
    assert len(client.post("/api/search", json={"q": POLICE, "k": 50}).get_json()["results"]) == 50


def test_annex_row_is_found_with_its_quarter(client):
    body = client.get("/api/search", query_string={"q": "wanneer komt het wetsvoorstel over de kroongetuigenregeling?"})
    top = body.get_json()["results"][0]
    assert "kroongetuigeregeling" in top["text"] and top["section"] == "Kwartaal 3 2026" and top["page"] == 13


def test_passages_lists_every_passage_clean_and_cited(client, searcher):
    r = client.get("/api/passages", query_string={"limit": 500})
    body = r.get_json()
    assert body["total"] == len(searcher.passages) == len(body["passages"])
    for p in body["passages"]:
        assert_passage(p)
        assert "Cluster secretaris-generaal" not in p["text"] and "Onze referentie" not in p["text"]
    page = client.get("/api/passages", query_string={"offset": 10, "limit": 5}).get_json()
    assert [p["id"] for p in page["passages"]] == [p["id"] for p in body["passages"][10:15]]
    memo = client.get("/api/passages", query_string={"document": "nota-7474795"}).get_json()
    assert memo["total"] >= 1 and {p["document"]["kind"] for p in memo["passages"]} == {"nota"}


def test_documents(client):
    docs = client.get("/api/documents").get_json()["documents"]
    assert [(d["id"], d["kind"], d["first_page"], d["last_page"]) for d in docs] == [
        ("brief-7534332", "brief", 1, 12),
        ("bijlage-7534332", "bijlage", 13, 14),
        ("nota-7474795", "nota", 15, 15),
    ]
    assert "Gezag en orde op straat" in docs[0]["sections"] and docs[0]["date"] == "2026-04-24"
    assert {d["source"] for d in docs} == {"beleidsbrief-jenv-2026-04-24.txt"}


def test_a_documents_source_file_is_served_as_it_was_indexed(client):
    from vraagbaak.corpus import DEFAULT_CORPUS

    r = client.get("/api/documents/nota-7474795/file")
    assert r.status_code == 200 and r.content_type == "text/plain; charset=utf-8"
    assert r.data == DEFAULT_CORPUS.read_bytes()  # the letter, annex and memo share one source file
    assert "sandbox" in r.headers["Content-Security-Policy"] and r.headers["ETag"]
    assert client.get("/api/documents/nope/file").status_code == 400  # unknown_document, as elsewhere


def test_health_and_readiness(client):
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["status"] == "ready"


def test_readiness_is_503_until_the_index_is_loaded(searcher):
    from vraagbaak.service.app import create_app

    app = create_app(searcher=searcher)
    app.extensions["vraagbaak"].searcher = None
    c = app.test_client()
    assert c.get("/healthz").status_code == 200
    assert c.get("/readyz").status_code == 503
    assert c.get("/api/search?q=politie").get_json()["error"]["code"] == "not_ready"
