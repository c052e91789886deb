"""The hidden checks of exercises/linear_regression.py and exercises/regularization.py: the reference passes them on many seeds,
the stubs fail them cleanly, every catalogued mistake is caught by name and every catalogued
correct variant passes."""
from __future__ import annotations


import pytest
import torch

from autograder.verdicts import Fail, all_verdicts
from tests.catalogue import linear_regression, regularization
from tests.support import (EXERCISES, SOLUTIONS, assert_same_verdicts, build_submission, judge_over_seeds, observation_paths,
                           reference_observations, rubric_entries, with_replaced)

MODULES = ("linear_regression", "regularization")
RUBRIC = [entry for module in MODULES for entry in rubric_entries(module)]
MISTAKES = linear_regression.MISTAKES + regularization.MISTAKES
VARIANTS = linear_regression.VARIANTS + regularization.VARIANTS
CHECKS = {c["id"]: c for c in RUBRIC}
SEEDS = {"numerical": 50, "statistical": 300, "from_scratch": 50}
MISTAKE_SEEDS = (0, 1, 2)
VARIANT_SEEDS = (0, 1, 2, 3, 4)


def checks_of(function: str) -> list[str]:
    return [c["id"] for c in RUBRIC if c["functions"] == [function]]


def test_rubric_fragment_matches_the_registries():
    from autograder.scenarios import all_scenarios
    mine = {i for i in all_scenarios() if i.split(".")[0] in
            {f for c in RUBRIC for f in c["functions"]}}
    assert mine == set(CHECKS)
    assert set(CHECKS) <= set(all_verdicts())


@pytest.mark.slow
@pytest.mark.parametrize("check_id", sorted(CHECKS))
def test_reference_passes_on_many_seeds(check_id):
    seeds = range(SEEDS[CHECKS[check_id]["kind"]])
    results = judge_over_seeds(SOLUTIONS, [check_id], seeds)
    failed = {k: v[1] for k, v in results.items() if not v[0]}
    assert not failed, failed


def test_stubs_fail_every_check_with_a_message():
    results = judge_over_seeds(EXERCISES, sorted(CHECKS), [0])
    for (check_id, _), (passed, message) in results.items():
        assert not passed, check_id
        assert "not implemented yet" in message, (check_id, message)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.id for m in MISTAKES])
def test_mistake_is_caught_by_name(mistake, tmp_path):
    submission = build_submission(tmp_path, mistake)
    results = judge_over_seeds(submission, checks_of(mistake.function), MISTAKE_SEEDS)
    for seed in MISTAKE_SEEDS:
        messages = [msg for (cid, s), (ok, msg) in results.items() if s == seed and not ok]
        assert any(mistake.expect.lower() in msg.lower() for msg in messages), (seed, messages)
    assert_same_verdicts(mistake.id, results)


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.id for v in VARIANTS])
def test_variant_passes(variant, tmp_path):
    submission = build_submission(tmp_path, variant)
    results = judge_over_seeds(submission, checks_of(variant.function), VARIANT_SEEDS)
    failed = {k: v[1] for k, v in results.items() if not v[0]}
    assert not failed, failed


# ---- verdicts never crash on a weird observation (a forged or garbled payload)

WEIRD = [None, float("nan"), [1, 2], {"type": "list", "repr": "[..]"},
         torch.tensor(float("nan")), torch.zeros(0, 3), torch.ones(2, 3, dtype=torch.int64)]


def test_verdicts_only_ever_raise_fail():
    for check_id, obs in reference_observations(tuple(sorted(CHECKS))).items():
        verdict_fn = all_verdicts()[check_id]
        for path in observation_paths(obs):
            for weird in WEIRD:
                try:
                    verdict_fn(with_replaced(obs, path, weird), 1)
                except Fail:
                    pass
