"""The hidden checks of the chapter-4 activations in exercises/mlp.py (sigmoid, tanh, their
derivatives, xavier_init): the reference passes them on many seeds, the stubs fail them cleanly,
every catalogued mistake is caught with a message naming it, every catalogued correct variant
passes, no verdict crashes on a malformed observation, and a shortcut costs the function that
takes it, whether it is seen running or read in the source."""
from __future__ import annotations

import math

import pytest
import torch

from autograder.engine.grading import grade_submission
from autograder.engine.static_scratch import shortcuts_in
from autograder.scenarios import all_scenarios
from autograder.verdicts import Fail, all_verdicts
from tests.catalogue import mutated_source
from tests.catalogue.activations import MISTAKES, VARIANTS
from tests.support import (SOLUTIONS, assert_caught_by_name, assert_stubs_fail_cleanly,
                           assert_variant_passes, copy_solutions, judge_over_seeds,
                           observation_paths, reference_observations, rubric_entries, with_replaced)

FUNCTIONS = ("sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "xavier_init")
RUBRIC = [c for c in rubric_entries("mlp") if c["functions"][0] in FUNCTIONS]
IDS = [c["id"] for c in RUBRIC]
KIND = {c["id"]: c["kind"] for c in RUBRIC}
SEEDS = {"numerical": range(50), "from_scratch": range(50), "statistical": range(300)}


def ids_of(function: str) -> list[str]:
    return [c["id"] for c in RUBRIC if c["functions"] == [function]]


def test_rubric_matches_registries_and_catalogue():
    assert set(IDS) == {i for i in all_scenarios() if i.split(".")[0] in FUNCTIONS}
    assert set(IDS) == {i for i in all_verdicts() if i.split(".")[0] in FUNCTIONS}
    assert all(c["functions"] == [c["id"].split(".")[0]] for c in RUBRIC)
    assert all(1 <= c["points"] <= 3 for c in RUBRIC)
    for function in FUNCTIONS:   # one public check per function, the side properties wait for it
        checks = [c for c in RUBRIC if c["functions"] == [function]]
        public = [c["id"] for c in checks if c.get("public")]
        assert len(public) == 1, function
        assert all(c.get("public") or c.get("needs") == public for c in checks), function
        assert any(c["kind"] == "from_scratch" for c in checks), function
        assert sum(m.function == function for m in MISTAKES) >= 2, function
        assert any(v.function == function for v in VARIANTS), function


@pytest.mark.parametrize("function", FUNCTIONS)
def test_reference_passes_on_many_seeds(function):
    failures = []
    for kind, seeds in SEEDS.items():
        group = [i for i in ids_of(function) if KIND[i] == kind]
        if group:
            results = judge_over_seeds(SOLUTIONS, group, seeds)
            failures += [(key, msg) for key, (ok, msg) in results.items() if not ok]
    assert not failures, failures[:5]


def test_stubs_fail_every_check_cleanly():
    assert_stubs_fail_cleanly(IDS)


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_mistake_is_caught_by_name(mistake, tmp_path):
    assert_caught_by_name(tmp_path, mistake, ids_of(mistake.function))


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.id)
def test_variant_passes(variant, tmp_path):
    assert_variant_passes(tmp_path, variant, ids_of(variant.function))


# ---- a mistake in one activation is charged to it, not to the one that calls it

def test_tanh_built_on_a_broken_sigmoid_is_not_charged(tmp_path):
    """tanh = 2 * sigmoid(2X) - 1 with a naive sigmoid: only sigmoid.stable fails."""
    sub = copy_solutions(tmp_path / "sub")
    path = sub / "exercises" / "mlp.py"
    path.write_text(mutated_source(path.read_text(), '''
def sigmoid(X):
    return 1 / (1 + torch.exp(-X))


def tanh(X):
    return 2 * sigmoid(2 * X) - 1
'''))
    results = judge_over_seeds(sub, ids_of("sigmoid") + ids_of("tanh"), seeds=(0,))
    assert {cid for (cid, _), (ok, _) in results.items() if not ok} == {"sigmoid.stable"}


# ---- xavier_init's statistics: right where they should be, wrong just outside

def _draws(sample) -> dict:
    from autograder.inputs import activations as inputs
    return {"draws": [{"w": sample(n_in, n_out, inputs.xavier_bound(n_in, n_out)),
                       "requires_grad": True, "is_leaf": True}
                      for n_in, n_out in inputs.XAVIER_SIZES]}


@pytest.mark.parametrize("sample,phrase", [
    (lambda n, m, a: torch.rand(n, m) * 2 * a * 1.05 - a * 1.05, "beyond the bound"),
    (lambda n, m, a: torch.rand(n, m) * 2 * a * 0.9 - a * 0.9, "too small"),
    (lambda n, m, a: torch.rand(n, m) * 2 * a - a + a * 0.02, "beyond the bound"),
    (lambda n, m, a: (torch.randn(n, m) * a / math.sqrt(3)).clamp(-a, a), "too small"),
    # half zeros, half +-a * U^(1/4): variance a^2/3 and mean 0 like U(-a, a), but 53% of |w| < a/2
    (lambda n, m, a: (torch.rand(n, m) < 0.5) * torch.where(torch.rand(n, m) < 0.5, -a, a)
     * torch.rand(n, m) ** 0.25, "not uniform"),
], ids=["5% wider", "10% narrower", "shifted past a", "clipped normal", "same variance, not uniform"])
def test_xavier_distribution_rejects_near_misses(sample, phrase):
    verdict_fn = all_verdicts()["xavier_init.distribution"]
    torch.manual_seed(0)
    with pytest.raises(Fail, match=phrase):
        verdict_fn(_draws(sample), 0)


# ---- the shortcuts, seen running and read in the source

def _rows(report) -> dict[str, tuple[float, float]]:
    return {row.exercise: (row.score, row.max_score) for row in report.rows()}


def test_autograd_inside_sigmoid_grad_costs_sigmoid_grad_only(tmp_path):
    sub = copy_solutions(tmp_path / "sub")
    path = sub / "exercises" / "mlp.py"
    path.write_text(mutated_source(path.read_text(), '''
def sigmoid_grad(X):
    x = X.detach().clone().requires_grad_(True)
    sigmoid(x).sum().backward()
    return x.grad
'''))
    report = grade_submission(sub, seed=2, runner="in-process",
                              functions=["sigmoid", "sigmoid_grad", "xavier_init"])
    rows = _rows(report)
    assert rows["sigmoid_grad"][0] == 0, rows
    assert rows["sigmoid"][0] == rows["sigmoid"][1] > 0, rows
    assert rows["xavier_init"][0] == rows["xavier_init"][1] > 0, rows


@pytest.mark.parametrize("source, function, found", [
    ("import torch\ndef sigmoid(X):\n    return torch.special.expit(X)\n", "sigmoid",
     ["torch.special.expit"]),
    ("from scipy.special import expit\ndef sigmoid(X):\n    return expit(X)\n", "sigmoid", []),
    ("from torch.nn import functional as F\ndef sigmoid(X):\n    return F.sigmoid(X)\n", "sigmoid",
     ["F.sigmoid"]),
    ("import torch\ndef tanh(X):\n    return torch.nn.Tanh()(X)\n", "tanh", ["torch.nn.Tanh"]),
    ("def tanh(X):\n    return 2 * sigmoid(2 * X) - 1\n", "tanh", []),
    ("from torch.nn.init import xavier_uniform_ as xu\nimport torch\n"
     "def xavier_init(n, m):\n    return xu(torch.empty(n, m)).requires_grad_()\n", "xavier_init",
     ["xu (torch.nn.init.xavier_uniform_)"]),
    ("import torch\ndef sigmoid_grad(X):\n    x = X.clone().requires_grad_()\n"
     "    sigmoid(x).sum().backward()\n    return x.grad\n", "sigmoid_grad",
     ["sigmoid(x).sum().backward"]),
    ("def tanh_grad(X):\n    t = tanh(X)\n    return 1 - t ** 2\n", "tanh_grad", []),
])
def test_static_reading_of_the_activation_shortcuts(source, function, found):
    assert [what for what, _ in shortcuts_in(source, function)] == found


# ---- verdicts never crash on a weird observation (a forged or garbled payload)

WEIRD = [None, float("nan"), 3, [1, 2], {"type": "list", "repr": "[..]"}, True, "text",
         torch.tensor(float("nan")), torch.zeros(0, 3), torch.ones(2, 3, dtype=torch.int64),
         torch.ones(2, dtype=torch.bool), torch.full((10,), float("nan")),
         torch.zeros(10, dtype=torch.complex64)]


@pytest.mark.parametrize("check_id", IDS)
def test_verdict_survives_malformed_observations(check_id):
    verdict_fn = all_verdicts()[check_id]
    good = reference_observations(tuple(IDS))[check_id]
    verdict_fn(good, 1)
    candidates = [{}, None, [], {"type": "dict", "repr": "{}"}]
    candidates += [{k: v for k, v in good.items() if k != key} for key in good]
    candidates += [with_replaced(good, path, weird) for path in observation_paths(good) for weird in WEIRD]
    for obs in candidates:
        try:
            verdict_fn(obs, 1)
        except Fail:
            pass
