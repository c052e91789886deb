"""The hidden checks of exercises/optimizers.py: the reference passes them on many seeds, the stubs
fail them cleanly, every catalogued mistake is caught with a message naming it, every catalogued
correct variant passes, the trusted reference agrees with torch.optim, and no verdict crashes on
a malformed observation."""
from __future__ import annotations

import pytest
import torch

from autograder.contract import MODULES
from autograder.inputs import optimizers as inputs
from autograder.scenarios import all_scenarios
from autograder.verdicts import Fail, all_verdicts
from autograder.verdicts import optimizers as verdicts
from tests.catalogue.optimizers import MISTAKES, VARIANTS
from tests.support import (SOLUTIONS, assert_caught_by_name, assert_stubs_fail_cleanly, assert_variant_passes,
                           judge_over_seeds, observation_paths, reference_observations, rubric_entries,
                           with_replaced)

FUNCTIONS = MODULES["optimizers"]
RUBRIC = rubric_entries("optimizers")
IDS = [c["id"] for c in RUBRIC]


def ids_of(function: str) -> list[str]:
    return [c["id"] for c in RUBRIC if c["functions"] == [function]]


def test_rubric_matches_registries_and_catalogue():
    assert set(IDS) == {i for i in all_scenarios() if i.split(".")[0] in FUNCTIONS}
    assert set(IDS) <= set(all_verdicts())
    for function in FUNCTIONS:
        checks = [c for c in RUBRIC if c["functions"] == [function]]
        assert sum(bool(c.get("public")) for c in checks) == 1, function
        assert all(c.get("needs") or c.get("public") for c in checks), function
        assert sum(m.function == function for m in MISTAKES) >= 2, function
        assert any(v.function == function for v in VARIANTS), function


def test_reference_passes_on_many_seeds():
    results = judge_over_seeds(SOLUTIONS, IDS, range(25))
    failures = [(key, msg) for key, (ok, msg) in results.items() if not ok]
    assert not failures, failures[:5]


def test_stubs_fail_every_check_cleanly():
    assert_stubs_fail_cleanly(IDS)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_mistake_is_caught_by_name(mistake, tmp_path):
    assert_caught_by_name(tmp_path, mistake, ids_of(mistake.function))


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.id)
def test_variant_passes(variant, tmp_path):
    assert_variant_passes(tmp_path, variant, ids_of(variant.function))


@pytest.mark.parametrize("optimizer", inputs.OPTIMIZERS)
def test_the_books_formulas_agree_with_torch_optim(optimizer):
    """The reference the verdict trusts: torch.optim, and the book's formulas where eps sits
    elsewhere, agree to within what eps can move; the named mistakes are far from both."""
    case = inputs.step_case(3, optimizer)
    correct = verdicts._correct(optimizer, case)
    for other in correct[1:]:
        for (w, b), (w0, b0) in zip(other, correct[0]):
            assert torch.allclose(w, w0, rtol=1e-2, atol=1e-3) and torch.allclose(b, b0, rtol=1e-2, atol=1e-3)
    for wrong, message in verdicts._wrong(optimizer, case):
        assert not verdicts._same(wrong, correct[0]), message


def _real_torch_optim(optimizer: str, case, eps: float = 1e-8) -> list:
    """(w, b) after each step of torch.optim itself, on the case's gradients."""
    w = case.w0.clone().requires_grad_(True)
    b = case.b0.clone().requires_grad_(True)
    hp = case.hyperparams
    if optimizer == "sgd_momentum":
        opt = torch.optim.SGD([w, b], lr=hp["lr"], momentum=hp["momentum"])
    elif optimizer == "rmsprop":
        opt = torch.optim.RMSprop([w, b], lr=hp["lr"], alpha=hp["gamma"], eps=eps)
    else:
        opt = torch.optim.Adam([w, b], lr=hp["lr"], betas=(0.9, 0.999), eps=eps)
    out = []
    for g_w, g_b in case.grads:
        w.grad, b.grad = g_w.clone(), g_b.clone()
        opt.step()
        out.append((w.detach().clone(), b.detach().clone()))
    return out


@pytest.mark.parametrize("optimizer", inputs.OPTIMIZERS)
def test_the_verdicts_torch_optim_rules_are_torch_optims(optimizer):
    """The verdicts write torch.optim's update rules out (verdicts/optim_rules.py, so that grading
    never imports torch._dynamo): on 30 seeds and both eps they give torch.optim's parameters
    after every step, to the last bits of float64."""
    for seed in range(30):
        case = inputs.step_case(seed, optimizer)
        for eps in ((1e-8,) if optimizer == "sgd_momentum" else (1e-6, 1e-8)):
            ours = verdicts._torch_optim(optimizer, case, eps=eps)
            theirs = _real_torch_optim(optimizer, case, eps=eps)
            assert len(ours) == len(theirs) == len(case.grads)
            for step, ((w, b), (tw, tb)) in enumerate(zip(ours, theirs)):
                assert torch.allclose(w, tw, rtol=1e-12, atol=0) and torch.allclose(b, tb, rtol=1e-12, atol=0), \
                    f"{optimizer} seed {seed} eps {eps} step {step}: {w.flatten()[:3]} vs torch.optim {tw.flatten()[:3]}"


WEIRD = [None, float("nan"), 3, "text", [1, 2], {"type": "list", "repr": "[..]"}, True,
         torch.tensor(float("nan")), torch.zeros(0, 3), torch.ones(2, 1, dtype=torch.int64)]


@pytest.mark.parametrize("check_id", IDS)
def test_verdicts_only_ever_raise_fail_on_malformed_observations(check_id):
    verdict_fn = all_verdicts()[check_id]
    good = reference_observations(tuple(IDS))[check_id]
    verdict_fn(good, 1)
    for obs in [{}, None, {"steps": [None] * inputs.STEPS, "seen": "x"},
                {"calls": [None, 3, "x"]}, {"steps": [{"w": "nan", "b": None}], "error": 5}]:
        with pytest.raises(Fail):
            verdict_fn(obs, 1)
    for path in observation_paths(good):
        for weird in WEIRD:
            try:
                verdict_fn(with_replaced(good, path, weird), 1)
            except Fail:
                pass
