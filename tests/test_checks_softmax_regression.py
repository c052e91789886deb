"""The hidden checks of exercises/softmax_regression.py: the reference passes them on many seeds,
the stubs fail each with a message, every catalogued mistake is caught with a message naming it,
and every catalogued correct variant passes.

The load_data_fashion_mnist checks build the book's DataLoaders (4 worker processes each, about a
second per check), so they run on fewer seeds: apart from the training-set shuffle (a random
permutation that puts the file's first 32 labels first with probability ~1e-32) nothing they
observe depends on the seed.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from autograder.contract import MODULES
from autograder.engine.inprocess import InProcessRunner
from autograder.engine.judge import judge
from autograder.scenarios import all_scenarios
from autograder.verdicts import Fail
from tests.catalogue.softmax_regression import MISTAKES, VARIANTS
from tests.support import REPO, SOLUTIONS, assert_same_verdicts, build_submission, data_root

FUNCTIONS = MODULES["softmax_regression"]
IDS = sorted(i for i in all_scenarios() if i.split(".")[0] in FUNCTIONS)
SLOW = {i for i in IDS if i.startswith("load_data_fashion_mnist.")}
REFERENCE_SEEDS = range(60)
SLOW_SEEDS = (0, 1)


def ids_of(function: str) -> list[str]:
    return [i for i in IDS if i.split(".")[0] == function]


def outcome(runner: InProcessRunner, check_id: str, seed: int) -> str | None:
    """None when the check passes, else the student-facing message."""
    try:
        judge(runner.run(check_id, seed), seed)
    except Fail as exc:
        return exc.message
    return None


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Tiny tensors gain nothing from intra-op threads, and on a busy 2-core machine every
    parallel kernel can stall for a scheduler slice (~5 ms): one thread is ~20x faster here."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def reference():
    with InProcessRunner(SOLUTIONS, data_root()) as runner:
        yield runner


@pytest.fixture(scope="module")
def stubs():
    with InProcessRunner(REPO, data_root()) as runner:
        yield runner


def test_every_function_has_checks():
    for function in FUNCTIONS:
        assert ids_of(function), f"no check grades {function}"


@pytest.mark.parametrize("check_id", IDS)
def test_reference_passes(reference, check_id):
    seeds = SLOW_SEEDS if check_id in SLOW else REFERENCE_SEEDS
    failures = [(seed, msg) for seed in seeds if (msg := outcome(reference, check_id, seed))]
    assert not failures, failures[:3]


@pytest.mark.parametrize("check_id", IDS)
def test_stub_fails_with_message(stubs, check_id):
    message = outcome(stubs, check_id, 0)
    assert message and "not implemented yet" in message, message


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.id for m in MISTAKES])
def test_mistake_is_caught(mistake, tmp_path):
    checks = ids_of(mistake.function)
    assert checks, f"no check grades {mistake.function}"
    seeds = SLOW_SEEDS if set(checks) <= SLOW else (0, 1, 2)
    verdicts = {}   # (check id, seed) -> (passed, message) of the checks run before the named one
    with InProcessRunner(build_submission(tmp_path, mistake), data_root()) as runner:
        for seed in seeds:
            messages = []
            for check_id in checks:
                message = outcome(runner, check_id, seed)
                verdicts[check_id, seed] = (not message, message)
                if message:
                    messages.append(f"{check_id}: {message}")
                    if mistake.expect.lower() in message.lower():
                        break
            else:
                pytest.fail(f"seed {seed}: no failing check says {mistake.expect!r}: {messages}")
    assert_same_verdicts(mistake.id, verdicts)


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.id for v in VARIANTS])
def test_variant_passes(variant, tmp_path):
    checks = ids_of(variant.function)
    assert checks, f"no check grades {variant.function}"
    seeds = SLOW_SEEDS if set(checks) <= SLOW else range(5)
    with InProcessRunner(build_submission(tmp_path, variant), data_root()) as runner:
        failures = [(seed, check_id, msg) for seed in seeds for check_id in checks
                    if (msg := outcome(runner, check_id, seed))]
    assert not failures, failures[:3]


def test_verdicts_survive_garbage_observations():
    """A verdict must raise Fail (never anything else) whatever the observation holds."""
    from autograder.verdicts import all_verdicts

    garbage = [{}, {"out": None}, {"outs": [None] * 4}, {"outs": "x"}, {"out": [1, 2, 3]},
               {"out": torch.zeros(3)}, {"seen": [[1], None]}, {"after": [torch.zeros(2)] * 4},
               {"modes": [True, "x"]}, {"sizes": [None, 1.5]}, {"W": torch.zeros(2), "b": None},
               {"out": [float("nan"), "a"]}, {"train": {"iterable": True}, "test": None},
               {"X": torch.zeros(32, 1, 64, 64, dtype=torch.uint8)},
               {"after_reset": [torch.zeros(2, 2)], "after_adds": None},
               {"passed": "yes", "error": 3}]
    verdicts = all_verdicts()
    for check_id in IDS:
        for obs in garbage:
            try:
                verdicts[check_id](obs, 0)
            except Fail:
                pass
            else:
                if check_id.endswith("from_scratch"):
                    continue        # no forbidden call observed: passing is right
                pytest.fail(f"{check_id} passed on the garbage observation {obs!r}")


def test_check_ids_match_rubric_fragment():
    import tomllib

    from tests.support import rubric_entries

    assert sorted(c["id"] for c in rubric_entries("softmax_regression")) == IDS
