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
from tests.support import EXERCISES, SOLUTIONS, build_submission, judge_over_seeds, rubric_entries

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
    results = judge_over_seeds(SOLUTIONS, IDS, range(40))
    failures = [(key, msg) for key, (ok, msg) in results.items() if not ok]
    assert not failures, failures[:5]


def test_stubs_fail_every_check_cleanly():
    results = judge_over_seeds(EXERCISES.parent, IDS, seeds=(0,))
    for (check_id, _), (ok, message) in results.items():
        assert not ok, check_id
        assert "not implemented yet" in message, (check_id, message)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_mistake_is_caught_by_name(mistake, tmp_path):
    submission = build_submission(tmp_path, mistake)
    results = judge_over_seeds(submission, ids_of(mistake.function), seeds=(0, 1, 2))
    for seed in (0, 1, 2):
        messages = [msg for (_, s), (ok, msg) in results.items() if s == seed and not ok]
        assert any(mistake.expect.lower() in m.lower() for m in messages), (seed, messages)


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.id)
def test_variant_passes(variant, tmp_path):
    submission = build_submission(tmp_path, variant)
    results = judge_over_seeds(submission, ids_of(variant.function), seeds=range(5))
    failures = [(key, msg) for key, (ok, msg) in results.items() if not ok]
    assert not failures, failures


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


@pytest.mark.parametrize("check_id", IDS)
@pytest.mark.parametrize("observation", [{}, {"steps": None}, {"calls": [None, 3, "x"]},
                                         {"steps": [{"w": "nan", "b": None}], "error": 5},
                                         {"steps": [None] * inputs.STEPS, "seen": "x"}])
def test_verdicts_fail_cleanly_on_malformed_observations(check_id, observation):
    with pytest.raises(Fail) as caught:
        all_verdicts()[check_id](observation, 0)
    assert str(caught.value)
