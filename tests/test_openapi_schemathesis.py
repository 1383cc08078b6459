"""schemathesis fuzzes every operation of /openapi.json against the app itself: no 5xx, ever.

Bounded (max_examples per operation) so that it runs in the normal suite in well under a minute.
The operations are driven with hypothesis directly: schemathesis' pytest fixture loader does not
run under this pytest version.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error


def test_openapi_operations_never_answer_5xx(app):
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10  # every route, each method

    for operation in operations:

        @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def fuzz(case) -> None:
            case.call_and_validate(checks=[not_a_server_error])

        fuzz()


def test_admin_operations_never_answer_5xx_with_the_token(tmp_path, fake_searcher):
    """The admin routes, fuzzed with the token set (so past the 401): uploads of any body, name and type."""
    import shutil

    from vraagbaak.corpus import DEFAULT_CORPUS
    from vraagbaak.service.app import create_app
    from vraagbaak.settings import ServiceSettings, Settings

    token = "fuzz-token-0123456789abcdef"
    (tmp_path / "corpus").mkdir()
    shutil.copy(DEFAULT_CORPUS, tmp_path / "corpus")
    config = Settings(
        index_dir=tmp_path / "index",
        corpus_dir=tmp_path / "corpus",
        service=ServiceSettings(admin_token=token, max_upload_bytes=64 * 1024),
    )
    app = create_app(config, searcher=fake_searcher, run_jobs=False)  # the jobs stay queued
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    admin = [
        op
        for op in (result.ok() for result in schema.get_all_operations())
        if op.definition.raw.get("security") or op.path == "/beheer"
    ]
    assert {f"{op.method.upper()} {op.path}" for op in admin} >= {
        "POST /api/documents",
        "DELETE /api/documents/{doc_id}",
        "GET /api/jobs",
        "GET /api/jobs/{job_id}",
    }
    for operation in admin:

        @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def fuzz(case) -> None:
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error])

        fuzz()
