"""The rule that sizes workers, request threads and embedder engines from the core count."""

from __future__ import annotations

import pytest

from vraagbaak.service import ServingPlan, serving_plan


@pytest.mark.parametrize(
    "cores, plan",
    [
        (1, ServingPlan(workers=1, threads=2, engines=1)),
        (2, ServingPlan(workers=1, threads=4, engines=2)),
        (4, ServingPlan(workers=1, threads=8, engines=4)),
        (8, ServingPlan(workers=2, threads=8, engines=4)),
        (16, ServingPlan(workers=4, threads=8, engines=4)),
    ],
)
def test_one_single_threaded_engine_per_core_at_most_four_a_worker(cores, plan):
    assert serving_plan(cores) == plan
    assert plan.workers * plan.engines * plan.engine_threads == cores  # never more engine threads than cores


def test_a_given_worker_count_shares_the_engines_out():
    assert serving_plan(2, 2) == ServingPlan(workers=2, threads=2, engines=1)
    assert serving_plan(2, 4) == ServingPlan(workers=4, threads=2, engines=1)  # at least one engine each
