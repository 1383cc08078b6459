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
