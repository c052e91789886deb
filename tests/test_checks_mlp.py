"""The hidden checks of exercises/mlp.py: the reference passes them on many seeds, the stubs fail
them cleanly, every catalogued mistake is caught with a message naming it, every catalogued correct
variant passes, and no verdict crashes on a malformed observation."""
from __future__ import annotations

import re
from functools import lru_cache

import pytest
import torch

from autograder.contract import MODULES
from autograder.engine.inprocess import InProcessRunner
from autograder.scenarios import all_scenarios
from autograder.verdicts import Fail, all_verdicts
from autograder.worker.transport import decode
from tests.catalogue.mlp import MISTAKES, VARIANTS
from tests.support import (REPO, SOLUTIONS, assert_same_verdicts, build_submission, data_root, judge_over_seeds,
                           rubric_entries)

FUNCTIONS = MODULES["mlp"]
RUBRIC = rubric_entries("mlp")
KIND = {c["id"]: c["kind"] for c in RUBRIC}
IDS = [c["id"] for c in RUBRIC]
NUMERICAL_SEEDS = range(50)
STATISTICAL_SEEDS = range(300)


def ids_of(function: str) -> list[str]:
    return [i for i in IDS if i.split(".")[0] == function]




def test_rubric_matches_registries_and_catalogue():
    assert set(IDS) == {i for i in all_scenarios() if i.split(".")[0] in FUNCTIONS}
    assert set(IDS) == {i for i in all_verdicts() if i.split(".")[0] in FUNCTIONS}
    assert all(c["functions"] == [c["id"].split(".")[0]] for c in RUBRIC)
    assert all(1 <= c["points"] <= 3 for c in RUBRIC)
    assert {f for f in FUNCTIONS} == {i.split(".")[0] for i in IDS}
    assert len(MISTAKES) >= 8 and len(VARIANTS) >= 4


@pytest.mark.slow
@pytest.mark.parametrize("function", FUNCTIONS)
def test_reference_passes_on_many_seeds(function):
    ids = ids_of(function)
    numerical = [i for i in ids if KIND[i] != "statistical"]
    statistical = [i for i in ids if KIND[i] == "statistical"]
    failures = []
    for group, seeds in ((numerical, NUMERICAL_SEEDS), (statistical, STATISTICAL_SEEDS)):
        if group:
            results = judge_over_seeds(SOLUTIONS, group, seeds)
            failures += [(key, msg) for key, (ok, msg) in results.items() if not ok]
    assert not failures, failures[:5]


def test_stubs_fail_every_check_cleanly():
    results = judge_over_seeds(REPO, IDS, seeds=(0, 1))
    for (check_id, seed), (ok, message) in results.items():
        assert not ok, (seed, check_id)
        assert "not implemented yet" in message, (seed, check_id, message)


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_mistake_is_caught(mistake, tmp_path):
    submission = build_submission(tmp_path, mistake)
    results = judge_over_seeds(submission, ids_of(mistake.function), seeds=(0, 1, 2))
    for seed in (0, 1, 2):
        messages = [msg for (_, s), (ok, msg) in results.items() if s == seed and not ok]
        assert any(mistake.expect.lower() in m.lower() for m in messages), (seed, messages)
    assert_same_verdicts(mistake.id, results)


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.id)
def test_variant_passes(variant, tmp_path):
    submission = build_submission(tmp_path, variant)
    results = judge_over_seeds(submission, ids_of(variant.function), seeds=range(5))
    failures = [(key, msg) for key, (ok, msg) in results.items() if not ok]
    assert not failures, failures


def _dropout_init_observation(draw) -> dict:
    from autograder.inputs import mlp as inputs
    sizes = inputs.DROPOUT_MLP_SIZES
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params += [draw(fan_in, fan_out), torch.zeros(fan_out)]
    return {"params": params}


@pytest.mark.parametrize("std", (0.01, 0.03, 0.1))
def test_dropout_init_any_std_from_001_to_01_passes(std):
    """Any std from the book's 0.01 to 0.1 is right: 300 draws at each end and in the middle pass
    (the bounds are z = 6.5 wide, so a correct init fails < 1e-9 of the time)."""
    verdict_fn = all_verdicts()["init_dropout_mlp_params.weight_distribution"]
    g = torch.Generator().manual_seed(int(std * 1000))
    for _ in range(300):
        verdict_fn(_dropout_init_observation(lambda a, b: torch.randn(a, b, generator=g) * std), 0)


@pytest.mark.parametrize("draw,phrase", [
    (lambda a, b: torch.randn(a, b) * 0.001, "too small"),
    (lambda a, b: torch.randn(a, b) * 0.005, "too small"),
    (lambda a, b: torch.randn(a, b) * 0.2, "too large"),
    (lambda a, b: torch.randn(a, b), "torch.randn draws from N(0, 1)"),
    (lambda a, b: torch.rand(a, b) * 0.1, "uniform"),
    (lambda a, b: (torch.rand(a, b) - 0.5) * 0.2, "not normally distributed"),
    (lambda a, b: torch.randn(a, b) * 0.05 + 0.01, "mean"),
], ids=["0.001", "0.005", "0.2", "1", "uniform", "uniform_centred", "shifted"])
def test_dropout_init_outside_the_range_fails(draw, phrase):
    verdict_fn = all_verdicts()["init_dropout_mlp_params.weight_distribution"]
    torch.manual_seed(0)
    with pytest.raises(Fail, match=re.escape(phrase)):
        verdict_fn(_dropout_init_observation(draw), 0)


@lru_cache(maxsize=1)
def reference_observations() -> dict[str, dict]:
    with InProcessRunner(SOLUTIONS, data_root()) as runner:
        return {i: decode(runner.run(i, 0).payload) for i in IDS}


WEIRD = (None, 3, 2.5, True, "text", [], [None], {"type": "dict", "repr": "{}"},
         torch.zeros(0), torch.zeros(2, 2), torch.full((3,), float("nan")))


def _mutations(value):
    yield from WEIRD
    if isinstance(value, list):
        for k in range(len(value)):
            for weird in WEIRD:
                yield value[:k] + [weird] + value[k + 1:]
        yield value[:-1]


@pytest.mark.parametrize("check_id", IDS)
def test_verdict_survives_malformed_observations(check_id):
    """A verdict may pass or Fail on garbage, but never raise anything else."""
    verdict_fn = all_verdicts()[check_id]
    good = reference_observations()[check_id]
    verdict_fn(good, 0)
    candidates = [{}]
    for key, value in good.items():
        candidates.append({k: v for k, v in good.items() if k != key})
        candidates += [{**good, key: bad} for bad in _mutations(value)]
    for obs in candidates:
        try:
            verdict_fn(obs, 0)
        except Fail:
            pass
